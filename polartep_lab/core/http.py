"""The one outbound HTTP client: refuses link-local/metadata addresses, adds credentials by host.

Every request (and every redirect hop) is checked: the host is resolved and refused when any
address is link-local (169.254.0.0/16, fe80::/10) or a known cloud metadata address, unless the
operator allowed that host explicitly. Credentials are looked up through a callable that the app
wires from the secrets service, so `core` depends on no feature.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import httpx

from .errors import Forbidden, Upstream

#: Addresses that serve cloud instance metadata/credentials.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a) for a in ("169.254.169.254", "169.254.170.2", "fd00:ec2::254", "100.100.100.200")
)
METADATA_HOSTS = frozenset({"metadata.google.internal", "metadata", "instance-data"})

#: host -> extra headers to send (for example {"Authorization": "Bearer …"}).
CredentialLookup = Callable[[str], Mapping[str, str]]


def _no_credentials(host: str) -> Mapping[str, str]:
    return {}


def is_forbidden_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_link_local or ip in METADATA_ADDRESSES


class OutboundPolicy:
    """Decides whether a URL may be fetched."""

    def __init__(self, allowed_hosts: Iterable[str] = (), allow_link_local: bool = False) -> None:
        self.allowed_hosts = {h.lower() for h in allowed_hosts}
        self.allow_link_local = allow_link_local

    def check(self, url: str | httpx.URL) -> None:
        parsed = httpx.URL(str(url))
        if parsed.scheme not in ("http", "https"):
            raise Forbidden(f"only http(s) URLs may be fetched, not {parsed.scheme!r}", "bad_scheme")
        host = (parsed.host or "").lower()
        if not host:
            raise Forbidden("URL has no host", "bad_url")
        if self.allow_link_local or host in self.allowed_hosts:
            return
        if host in METADATA_HOSTS:
            raise Forbidden(f"refusing to fetch cloud metadata host {host}", "metadata_address")
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
        try:
            infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
        except socket.gaierror as exc:
            raise Upstream(f"cannot resolve {host}: {exc.strerror}", "dns") from exc
        for info in infos:
            address = str(info[4][0])
            if is_forbidden_address(address):
                raise Forbidden(
                    f"refusing to fetch {host}: it resolves to link-local/metadata address {address}",
                    "metadata_address",
                )


class OutboundClient:
    """Factory of httpx clients that enforce an :class:`OutboundPolicy` and add credentials."""

    def __init__(
        self,
        policy: OutboundPolicy | None = None,
        credentials: CredentialLookup | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.policy = policy or OutboundPolicy()
        self.credentials = credentials or _no_credentials
        self.timeout = timeout

    def _prepare(self, request: httpx.Request) -> None:
        self.policy.check(request.url)
        host = (request.url.host or "").lower()
        for key, value in self.credentials(host).items():
            request.headers.setdefault(key, value)

    async def _aprepare(self, request: httpx.Request) -> None:
        self._prepare(request)

    def client(self, **kwargs: Any) -> httpx.Client:
        kwargs.setdefault("timeout", self.timeout)
        kwargs.setdefault("follow_redirects", True)
        return httpx.Client(event_hooks={"request": [self._prepare]}, **kwargs)

    def async_client(self, **kwargs: Any) -> httpx.AsyncClient:
        kwargs.setdefault("timeout", self.timeout)
        kwargs.setdefault("follow_redirects", True)
        return httpx.AsyncClient(event_hooks={"request": [self._aprepare]}, **kwargs)

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        with self.client() as client:
            return client.get(url, **kwargs)
