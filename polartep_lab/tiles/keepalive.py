"""Kept-alive connections from jupyter-server-proxy's tiler handler to the tiler's Unix socket.

jupyter-server-proxy starts and supervises the tiler and authenticates every request; for each
request it then makes a new tornado HTTP client and a new connection to the tiler. A map asks for
tiles by the dozen, so that fixed cost showed in every tile (benchmarks/tiles.py). This module
subclasses the handler class that jupyter-server-proxy made for the tiler, keeping its
authentication (``prepare``), start-up and supervision (``ensure_process``) and activity records,
and forwards the request over a pool of kept-alive connections (aiohttp, already a dependency of
jupyter-server-proxy) instead. When the handler cannot be found (another jupyter-server-proxy
layout), the server keeps jupyter-server-proxy's own forwarding and says so in its log.

The handler is not a service: it is part of the tiler's mount, so it may use tornado.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any
from urllib.parse import quote

import aiohttp
from jupyter_server.utils import url_path_join
from tornado import httputil, web
from tornado.routing import PathMatches, Rule, RuleRouter

#: request headers that belong to one connection (RFC 9110 7.6.1), and the notebook server's
#: credentials, which the tiler never needs
_NOT_FORWARDED = {
    "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding",
    "upgrade", "proxy-authorization", "proxy-authenticate", "host", "content-length",
    "authorization", "cookie",
}  # fmt: skip
_NOT_RETURNED = {"Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive"}
#: characters left as they are when the path is sent on (RFC 3986 reserved + unreserved)
_SAFE = ":/?#[]@!$&'()*+,;=-._~"

_sessions: dict[tuple[int, str], aiohttp.ClientSession] = {}


def _session(socket_path: str) -> aiohttp.ClientSession:
    """One pool of connections per event loop and socket (a restarted tiler gets a new socket
    path only if jupyter-server-proxy makes one; stale connections are retried below)."""
    key = (id(asyncio.get_running_loop()), socket_path)
    session = _sessions.get(key)
    if session is None or session.closed:
        connector = aiohttp.UnixConnector(path=socket_path, limit=32, keepalive_timeout=30)
        session = _sessions[key] = aiohttp.ClientSession(connector=connector, auto_decompress=False)
    return session


async def close_sessions() -> None:
    """Close the pools of the running event loop (those of loops already closed went with them)."""
    loop = id(asyncio.get_running_loop())
    for key, session in list(_sessions.items()):
        if key[0] == loop:
            with contextlib.suppress(Exception):
                await session.close()
        _sessions.pop(key, None)


def keep_alive_handler(base: type[web.RequestHandler]) -> type[web.RequestHandler]:
    """A subclass of jupyter-server-proxy's supervising handler that forwards over kept-alive
    connections when the process listens on a Unix socket."""

    class KeepAliveTilerHandler(base):  # type: ignore[valid-type,misc]
        async def proxy(self, port: int, path: str) -> Any:
            await self.ensure_process()
            socket_path = self.unix_socket
            if socket_path is None or self.request.headers.get("Upgrade", "").lower() == "websocket":
                return await super().proxy(port, path)
            self._record_activity()
            headers = {k: v for k, v in self.request.headers.get_all() if k.lower() not in _NOT_FORWARDED}
            context = self._get_context_path("localhost", port)
            for name in ("X-Forwarded-Prefix", "X-Forwarded-Context", "X-ProxyContextPath"):
                headers[name] = context
            target = "http://localhost" + quote(path if path.startswith("/") else "/" + path, safe=_SAFE)
            if self.request.query:
                target += "?" + self.request.query
            method = self.request.method or "GET"
            body = self.request.body or None
            for attempt in (1, 2):
                try:
                    async with _session(socket_path).request(
                        method, target, headers=headers, data=body, allow_redirects=False,
                        timeout=aiohttp.ClientTimeout(total=300, connect=60),
                    ) as response:  # fmt: skip
                        content = await response.read()
                        break
                except aiohttp.ServerDisconnectedError:
                    # a kept-alive connection the tiler closed (it restarted): idempotent requests
                    # are sent once more on a new connection
                    if attempt == 2 or method not in ("GET", "HEAD", "OPTIONS"):
                        raise web.HTTPError(502, "the tiler closed the connection") from None
                except (aiohttp.ClientError, TimeoutError) as exc:
                    raise web.HTTPError(502, f"the tiler did not answer: {exc}") from None
            self._record_activity()
            self.set_status(response.status, response.reason)
            self._headers = httputil.HTTPHeaders()
            for name, value in response.headers.items():
                if name in _NOT_RETURNED:
                    continue
                if name == "Location" and response.status in (301, 302, 303, 307, 308):
                    value = self._rewrite_location_header(value, "localhost", port, path)
                self.add_header(name, value)
            if content:
                self.write(content)

    KeepAliveTilerHandler.__name__ = f"KeepAlive{base.__name__}"
    return KeepAliveTilerHandler


def install(web_app: web.Application, base_url: str, name: str, log: logging.Logger) -> bool:
    """Swap the handler class of jupyter-server-proxy's rule for ``name`` for the kept-alive one.
    Returns whether it was found (it is mounted before us: extensions load in name order)."""
    try:
        from jupyter_server_proxy.handlers import SuperviseAndProxyHandler
    except ImportError:
        return False
    wanted = url_path_join(base_url, name, "(.*)")
    routers: list[RuleRouter] = [web_app.default_router]
    while routers:
        for rule in routers.pop().rules:
            if isinstance(rule.target, RuleRouter):
                routers.append(rule.target)
            elif _is_tiler_rule(rule, wanted, SuperviseAndProxyHandler):
                rule.target = keep_alive_handler(rule.target)
                return True
    log.warning("the tiler's jupyter-server-proxy handler was not found: tiles use its forwarding")
    return False


def _is_tiler_rule(rule: Rule, pattern: str, base: type) -> bool:
    matcher = rule.matcher
    return (
        isinstance(matcher, PathMatches)
        and matcher.regex.pattern.rstrip("$") == pattern
        and isinstance(rule.target, type)
        and issubclass(rule.target, base)
        and not rule.target.__name__.startswith("KeepAlive")
        and all(hasattr(rule.target, name) for name in _USED)
    )


#: what the subclass uses of jupyter-server-proxy's handler (checked, not assumed, per version)
_USED = ("ensure_process", "unix_socket", "_record_activity", "_get_context_path", "_rewrite_location_header")
