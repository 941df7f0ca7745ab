"""Who uses this server: the JupyterHub user and groups under a hub, the OS user elsewhere.

Under JupyterHub the single-user server gets ``JUPYTERHUB_USER``, ``JUPYTERHUB_API_URL`` and its own
``JUPYTERHUB_API_TOKEN``; the user's groups come from ``GET {api}/user`` with that token (the hub
must grant the server token the ``read:users:groups!user`` scope). Answers are cached briefly; when
the Hub cannot be reached the user has no groups (so only features that need no group are on) and
the lookup is retried after a short delay. Never raises.
"""

from __future__ import annotations

import getpass
import logging
import os
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

import httpx

log = logging.getLogger("polartep.identity")


@dataclass(frozen=True)
class User:
    name: str
    groups: frozenset[str] = field(default_factory=frozenset)
    source: str = "os"  # "hub" | "os"
    error: str = ""  # why the groups could not be read, if they could not

    def to_json(self) -> dict[str, object]:
        return {"name": self.name, "groups": sorted(self.groups), "source": self.source, "error": self.error}


def os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry (containers)
        return os.environ.get("USER", "unknown")


class Identity:
    """The current user, cached for ``ttl`` seconds (``retry`` after a failure)."""

    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        ttl: float = 60.0,
        retry: float = 10.0,
        timeout: float = 3.0,
    ) -> None:
        self.env = dict(os.environ if env is None else env)
        self.ttl = ttl
        self.retry = retry
        self.timeout = timeout
        self._lock = threading.Lock()
        self._cached: User | None = None
        self._expires = 0.0

    @property
    def under_hub(self) -> bool:
        return bool(self.env.get("JUPYTERHUB_API_URL") and self.env.get("JUPYTERHUB_USER"))

    def current(self) -> User:
        if not self.under_hub:
            return User(os_user())
        with self._lock:
            now = time.monotonic()
            if self._cached is not None and now < self._expires:
                return self._cached
            user = self._from_hub()
            self._cached = user
            self._expires = now + (self.retry if user.error else self.ttl)
            return user

    def invalidate(self) -> None:
        with self._lock:
            self._expires = 0.0

    def _from_hub(self) -> User:
        name = self.env["JUPYTERHUB_USER"]
        url = self.env["JUPYTERHUB_API_URL"].rstrip("/") + "/user"
        token = self.env.get("JUPYTERHUB_API_TOKEN", "")
        try:
            # the Hub API is an internal service of the deployment, addressed by configuration
            response = httpx.get(url, headers={"Authorization": f"token {token}"}, timeout=self.timeout)
            response.raise_for_status()
            model = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            reason = f"cannot read groups from the Hub API ({url}): {exc}"
            log.warning("%s; only features that need no group are on until it answers", reason)
            return User(name, frozenset(), "hub", reason)
        if "groups" not in model:
            reason = "the server's Hub token may not read the user's groups (scope read:users:groups!user)"
            log.warning(reason)
            return User(model.get("name", name), frozenset(), "hub", reason)
        return User(model.get("name", name), frozenset(model["groups"]), "hub")
