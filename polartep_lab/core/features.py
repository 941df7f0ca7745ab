"""The feature registry: each feature declares itself in `polartep_lab/<feature>/feature.py`.

A feature module exposes ``FEATURE = Feature(...)``: its name, title, routes (OpenAPI-style
templates relative to ``/polartep/``), how to build its service from a :class:`FeatureContext`,
which backend the service uses and how healthy it is. The app discovers every feature package,
so adding a feature needs no edit of a central route list, and a feature switches off as a unit.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import pkgutil
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .http import OutboundClient
from .identity import Identity

_PARAM = re.compile(r"\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?::(?P<kind>path))?\}")


@dataclass(frozen=True)
class Route:
    """One URL of a feature: ``template`` like ``api/jobs/{job_id}`` or ``api/files/{path:path}``."""

    template: str
    handler: type
    kwargs: dict[str, Any] = field(default_factory=dict)

    def regex(self) -> str:
        def repl(match: re.Match[str]) -> str:
            pattern = ".*" if match.group("kind") == "path" else "[^/]+"
            return f"(?P<{match.group('name')}>{pattern})"

        out: list[str] = []
        pos = 0
        for match in _PARAM.finditer(self.template):
            out.append(re.escape(self.template[pos : match.start()]))
            out.append(repl(match))
            pos = match.end()
        out.append(re.escape(self.template[pos:]))
        return "".join(out)

    def openapi_path(self) -> str:
        """The template as an OpenAPI path below the server root: ``/polartep/api/jobs/{job_id}``."""
        return "/polartep/" + _PARAM.sub(lambda m: "{" + m.group("name") + "}", self.template)


@dataclass(frozen=True)
class Health:
    ok: bool
    detail: str = ""


@dataclass(frozen=True)
class Backend:
    """Which implementation serves a feature: ``embedded`` (laptop default) or ``real``."""

    kind: str
    name: str
    detail: str = ""


@dataclass
class FeatureContext:
    """What a feature gets to build its service."""

    app: Any
    data_dir: Path
    root_dir: Path
    http: OutboundClient
    services: dict[str, Any]
    log: logging.Logger
    base_url: str = "/"
    #: who uses the server (hub user + groups, or the OS user): records with an author use it
    identity: Identity = field(default_factory=Identity)


def _default_backend(service: Any) -> Backend:
    return Backend("embedded", type(service).__name__)


def _default_health(service: Any) -> Health:
    return Health(True, "ok")


@dataclass(frozen=True)
class Feature:
    name: str
    title: str
    description: str
    build: Callable[[FeatureContext], Any]
    routes: Sequence[Route] = ()
    backend: Callable[[Any], Backend] = _default_backend
    health: Callable[[Any], Health] = _default_health
    requires: tuple[str, ...] = ()
    config: Callable[[Any], dict[str, Any]] = lambda service: {}
    #: seeds demo data into a workspace folder for `make lab` (idempotent; never overwrites)
    demo: Callable[[Path], list[str]] | None = None
    order: int = 100


def discover(package: str = "polartep_lab") -> list[Feature]:
    """Every ``<package>.<sub>.feature.FEATURE``, ordered so that requirements come first."""
    root = importlib.import_module(package)
    found: dict[str, Feature] = {}
    for info in pkgutil.iter_modules(root.__path__):
        if not info.ispkg:
            continue
        module_name = f"{package}.{info.name}.feature"
        if importlib.util.find_spec(module_name) is None:
            continue
        feature = importlib.import_module(module_name).FEATURE
        found[feature.name] = feature
    return order_by_requirements(found)


def order_by_requirements(features: dict[str, Feature]) -> list[Feature]:
    ordered: list[Feature] = []
    state: dict[str, str] = {}

    def visit(name: str, chain: tuple[str, ...]) -> None:
        if state.get(name) == "done":
            return
        if state.get(name) == "visiting":
            raise RuntimeError(f"feature requirement cycle: {' -> '.join((*chain, name))}")
        if name not in features:
            raise RuntimeError(f"feature {chain[-1]!r} requires unknown feature {name!r}")
        state[name] = "visiting"
        for dep in features[name].requires:
            visit(dep, (*chain, name))
        state[name] = "done"
        ordered.append(features[name])

    for name in sorted(features, key=lambda n: (features[n].order, n)):
        visit(name, ())
    return ordered
