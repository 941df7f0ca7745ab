"""`GET /polartep/api/status`: version, each feature with its backend, health and configuration."""

from __future__ import annotations

import asyncio
import inspect
from dataclasses import dataclass
from typing import Any

from jupyter_server.auth.decorator import authorized
from tornado import web

from .._version import __version__
from .access import FeatureAccess
from .features import Feature, Health
from .handlers import PolarTEPHandler
from .identity import Identity


@dataclass
class FeatureState:
    feature: Feature
    enabled: bool
    reason: str
    service: Any = None


class Workspace:
    """What the status route reports: the registry's features and whether each is on."""

    def __init__(
        self, states: list[FeatureState], data_dir: str, root_dir: str, access: FeatureAccess | None = None
    ) -> None:
        self.states = states
        self.data_dir = data_dir
        self.root_dir = root_dir
        self.access = access or FeatureAccess({}, Identity())

    async def describe(self) -> dict[str, Any]:
        user = await asyncio.to_thread(self.access.identity.current)
        features = await asyncio.gather(*(self._describe(s) for s in self.states))
        return {
            "version": __version__,
            "user": user.name,
            "identity": user.to_json(),
            "data_dir": self.data_dir,
            "root_dir": self.root_dir,
            "features": list(features),
        }

    async def _describe(self, state: FeatureState) -> dict[str, Any]:
        f = state.feature
        enabled, reason = state.enabled, state.reason
        if enabled:
            decision = self.access.decide(f.name)
            enabled, reason = decision.enabled, decision.reason
        out: dict[str, Any] = {
            "name": f.name,
            "title": f.title,
            "description": f.description,
            "enabled": enabled,
            "reason": reason,
        }
        if not enabled:
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
