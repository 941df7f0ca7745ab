"""Enumerate the routes the extension registered on a running server."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tornado.routing import Rule, RuleRouter
from tornado.web import RequestHandler

VERBS = ("GET", "POST", "PUT", "PATCH", "DELETE")
_GROUP = re.compile(r"\(\?P<(?P<name>[A-Za-z_]\w*)>[^)]*\)")
#: a trailing unnamed catch-all group, as jupyter-server-proxy registers (`<name>/(.*)`)
_CATCH_ALL = re.compile(r"\(\.\*\)$")


@dataclass(frozen=True)
class RegisteredRoute:
    pattern: str
    handler: type
    methods: tuple[str, ...]

    def sample_path(self) -> str:
        """A concrete path that the pattern matches (every parameter becomes `x`)."""
        path = _CATCH_ALL.sub("x", _GROUP.sub("x", self.pattern).rstrip("$"))
        return path.replace("\\", "")

    def template(self, base_url: str) -> str:
        path = _GROUP.sub(lambda m: "{" + m.group("name") + "}", self.pattern).rstrip("$")
        path = _CATCH_ALL.sub("{path}", path)
        path = path.replace("\\", "")
        return "/" + path[len(base_url) :].lstrip("/")


def implemented_methods(handler: type) -> tuple[str, ...]:
    return tuple(
        verb for verb in VERBS if getattr(handler, verb.lower()) is not getattr(RequestHandler, verb.lower())
    )


def polartep_routes(serverapp: object, base_url: str) -> list[RegisteredRoute]:
    prefix = base_url.rstrip("/") + "/polartep/"
    routes = []
    for rule in _rules(serverapp.web_app):  # type: ignore[attr-defined]
        regex = getattr(rule.matcher, "regex", None)
        if regex is None or not regex.pattern.startswith(prefix):
            continue
        # a handler class, or a router choosing between handler classes (the tiler's dispatch)
        targets = [rule.target] if isinstance(rule.target, type) else getattr(rule.target, "handlers", [])
        for target in targets:
            if isinstance(target, type) and issubclass(target, RequestHandler):
                routes.append(RegisteredRoute(regex.pattern, target, implemented_methods(target)))
    return routes


def _rules(router: object) -> list[Rule]:
    """Every rule of a tornado application, descending into nested routers (add_handlers)."""
    found: list[Rule] = []
    for attr in ("default_router", "wildcard_router"):
        nested = getattr(router, attr, None)
        if nested is not None:
            found.extend(_rules(nested))
    for rule in getattr(router, "rules", []):
        if isinstance(rule.target, RuleRouter):
            found.extend(_rules(rule.target))
        else:
            found.append(rule)
    return found
