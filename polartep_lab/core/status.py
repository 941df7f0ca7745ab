"""`GET /polartep/api/status`: version, each feature with its backend, health and configuration."""

from __future__ import annotations

import asyncio
import getpass
import inspect
from dataclasses import dataclass
from typing import Any

from jupyter_server.auth.decorator import authorized
from tornado import web

from .._version import __version__
from .features import Feature, Health
from .handlers import PolarTEPHandler


@dataclass
class FeatureState:
    feature: Feature
    enabled: bool
    reason: str
    service: Any = None


class Workspace:
    """What the status route reports: the registry's features and whether each is on."""

    def __init__(self, states: list[FeatureState], data_dir: str, root_dir: str) -> None:
        self.states = states
        self.data_dir = data_dir
        self.root_dir = root_dir

    async def describe(self) -> dict[str, Any]:
        features = await asyncio.gather(*(self._describe(s) for s in self.states))
        return {
            "version": __version__,
            "user": getpass.getuser(),
            "data_dir": self.data_dir,
            "root_dir": self.root_dir,
            "features": list(features),
        }

    async def _describe(self, state: FeatureState) -> dict[str, Any]:
        f = state.feature
        out: dict[str, Any] = {
            "name": f.name,
            "title": f.title,
            "description": f.description,
            "enabled": state.enabled,
            "reason": state.reason,
        }
        if not state.enabled:
            return out
        backend = f.backend(state.service)
        health = await _health(f, state.service)
        out.update(
            backend={"kind": backend.kind, "name": backend.name, "detail": backend.detail},
            health={"ok": health.ok, "detail": health.detail},
            config=f.config(state.service),
        )
        return out


async def _health(feature: Feature, service: Any) -> Health:
    try:
        result = feature.health(service)
        if inspect.isawaitable(result):
            result = await asyncio.wait_for(result, timeout=5)
        return result  # type: ignore[no-any-return]
    except Exception as exc:  # a failing health check is a report, not a crash
        return Health(False, f"{type(exc).__name__}: {exc}")


class StatusHandler(PolarTEPHandler):
    feature = "status"

    @web.authenticated
    @authorized
    async def get(self) -> None:
        workspace: Workspace = self.settings["polartep_workspace"]
        self.reply(await workspace.describe())
