"""Kept-alive connections from the notebook server to the tiler's Unix socket, and a lean path
for the tiles of a running tiler.

jupyter-server-proxy starts and supervises the tiler and authenticates every request; for each
request it then makes a new tornado HTTP client and a new connection to the tiler. A map asks for
tiles by the dozen, so that fixed cost showed in every tile (benchmarks/tiles.py). This module
subclasses the handler class that jupyter-server-proxy made for the tiler, keeping its
authentication (``prepare``), start-up and supervision (``ensure_process``) and activity records,
and forwards the request over a pool of kept-alive connections (aiohttp, already a dependency of
jupyter-server-proxy) instead.

jupyter-server-proxy's handler is also a WebSocket handler, initialised twice per request, that
checks the process under a lock before every request. While the tiler runs, a GET or HEAD needs
none of that: :class:`TilerDispatch`, put in the route's place, sends those to
:class:`RunningTilerHandler`, an authenticated Jupyter handler that forwards the same way. The
first request, requests while jupyter-server-proxy restarts the tiler, other methods and
WebSockets still go to jupyter-server-proxy's handler. When that handler cannot be found (another
jupyter-server-proxy layout), the server keeps jupyter-server-proxy's own forwarding and says so
in its log.

The handlers are not a service: they are the tiler's mount, so they may use tornado.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlparse, urlunparse

import aiohttp
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join
from tornado import httputil, web
from tornado.routing import PathMatches, Router, Rule, RuleRouter

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

_TIMEOUT = aiohttp.ClientTimeout(total=300, connect=60)

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


async def forward(handler: web.RequestHandler, socket_path: str, path: str, context: str) -> None:
    """Send ``handler``'s request to the tiler on ``socket_path`` over a kept-alive connection and
    write its answer. ``context`` is the tiler's mount (its X-Forwarded-Prefix, and where the
    Location of a redirect is put)."""
    request = handler.request
    headers = {k: v for k, v in request.headers.get_all() if k.lower() not in _NOT_FORWARDED}
    for name in ("X-Forwarded-Prefix", "X-Forwarded-Context", "X-ProxyContextPath"):
        headers[name] = context
    target = "http://localhost" + quote(path if path.startswith("/") else "/" + path, safe=_SAFE)
    if request.query:
        target += "?" + request.query
    method = request.method or "GET"
    body = request.body or None
    for attempt in (1, 2):
        try:
            async with _session(socket_path).request(
                method, target, headers=headers, data=body, allow_redirects=False, timeout=_TIMEOUT
            ) as response:
                content = await response.read()
                break
        except aiohttp.ServerDisconnectedError:
            # a kept-alive connection the tiler closed (it restarted): idempotent requests are
            # sent once more on a new connection
            if attempt == 2 or method not in ("GET", "HEAD", "OPTIONS"):
                raise web.HTTPError(502, "the tiler closed the connection") from None
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise web.HTTPError(502, f"the tiler did not answer: {exc}") from None
    handler.set_status(response.status, response.reason)
    handler._headers = httputil.HTTPHeaders()
    for name, value in response.headers.items():
        if name in _NOT_RETURNED:
            continue
        if name == "Location" and response.status in (301, 302, 303, 307, 308):
            value = under_mount(value, context)
        handler.add_header(name, value)
    if content:
        handler.write(content)


def under_mount(location: str, context: str) -> str:
    """An absolute path of the tiler, under the tiler's mount (as jupyter-server-proxy does);
    full URLs and relative paths as they are."""
    parsed = urlparse(location)
    if parsed.scheme or parsed.netloc or not location.startswith("/"):
        return location
    return urlunparse(parsed._replace(path=url_path_join(context, parsed.path)))


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
            await forward(self, socket_path, path, self._get_context_path("localhost", port))
            self._record_activity()

    KeepAliveTilerHandler.__name__ = f"KeepAlive{base.__name__}"
    return KeepAliveTilerHandler


class RunningTilerHandler(JupyterHandler):
    """GET and HEAD of a running tiler: authenticated like jupyter-server-proxy's handler (a
    logged-in user), forwarded like it, without its per-request set-up. That set-up was about
    0.2 ms of the 1.0-1.2 ms of CPU the notebook server spent per proxied request (measured over
    4x3,000 requests each way). Chosen by :class:`TilerDispatch` only while the tiler runs."""

    def initialize(self, socket_path: str, context: str) -> None:
        self.socket_path = socket_path
        self.context = context

    @web.authenticated
    async def get(self, path: str) -> None:
        self._record_activity()
        await forward(self, self.socket_path, path, self.context)
        self._record_activity()

    head = get

    def _record_activity(self) -> None:
        # what jupyter-server-proxy records, so the server's idle culling sees map traffic
        self.settings.setdefault("last_activity_times", {})["jupyter-server-proxy"] = datetime.now(UTC)


class TilerDispatch(Router):
    """The target of the tiler's route: a GET or HEAD while the tiler runs goes to
    :class:`RunningTilerHandler`; anything else (the first request, which starts the tiler, a
    request while it restarts, other methods, WebSockets) to jupyter-server-proxy's handler."""

    def __init__(self, app: web.Application, handler: type[web.RequestHandler], context: str) -> None:
        self.app, self.handler, self.context = app, handler, context
        #: the handler classes it chooses between (for route listings)
        self.handlers: tuple[type[web.RequestHandler], ...] = (handler, RunningTilerHandler)
        #: how many requests went each way, by handler class name
        self.chosen: Counter[str] = Counter()

    def find_handler(
        self, request: httputil.HTTPServerRequest, **kwargs: Any
    ) -> httputil.HTTPMessageDelegate:
        target_kwargs = kwargs.get("target_kwargs") or {}
        state = target_kwargs.get("state", {})
        process, socket_path = state.get("proc"), state.get("unix_socket")
        running = getattr(process, "running", False) is True
        path_args, path_kwargs = kwargs.get("path_args"), kwargs.get("path_kwargs")
        if (
            running
            and isinstance(socket_path, str)
            and request.method in ("GET", "HEAD")
            and request.headers.get("Upgrade", "").lower() != "websocket"
        ):
            fast = {"socket_path": socket_path, "context": self.context}
            self.chosen[RunningTilerHandler.__name__] += 1
            return self.app.get_handler_delegate(request, RunningTilerHandler, fast, path_args, path_kwargs)
        self.chosen[self.handler.__name__] += 1
        return self.app.get_handler_delegate(request, self.handler, target_kwargs, path_args, path_kwargs)


def install(web_app: web.Application, base_url: str, name: str, log: logging.Logger) -> bool:
    """Put a :class:`TilerDispatch` over jupyter-server-proxy's rule for ``name``, its handler
    class swapped for the kept-alive one. Returns whether the rule was found (it is mounted
    before us: extensions load in name order)."""
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
                context = url_path_join(base_url, name)
                rule.target = TilerDispatch(web_app, keep_alive_handler(rule.target), context)
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
_USED = ("ensure_process", "unix_socket", "_record_activity", "_get_context_path")
