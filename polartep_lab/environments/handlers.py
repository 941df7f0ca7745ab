"""REST face of environments: thin handlers over :class:`EnvironmentService`."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from jupyter_server.auth.decorator import authorized
from pydantic import BaseModel
from tornado import web

from ..core.errors import Invalid
from ..core.handlers import PolarTEPHandler
from .models import CreateEnvironment, DiffRequest, ListEnvironmentsResponse, UpdateEnvironment
from .service import EnvironmentService

T = TypeVar("T")


async def _run(fn: Callable[..., T], *args: Any) -> T:
    """Service calls may do disk or network I/O: keep them off the event loop."""
    return await asyncio.to_thread(fn, *args)


def _change(env: BaseModel, build: BaseModel | None) -> dict[str, Any]:
    return {
        "environment": env.model_dump(mode="json"),
        "build": build.model_dump(mode="json") if build else None,
    }


def _build_id(value: str) -> int:
    if not value.isdigit():
        raise Invalid(f"build id must be a number, not {value!r}", "bad_build_id")
    return int(value)


class _EnvironmentsHandler(PolarTEPHandler):
    feature = "environments"

    @property
    def environments(self) -> EnvironmentService:
        return self.service  # type: ignore[no-any-return]


class EnvironmentsHandler(_EnvironmentsHandler):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        self.reply(ListEnvironmentsResponse(environments=await _run(self.environments.list)))

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.parse(CreateEnvironment)
        build = await _run(self.environments.create, body.namespace, body.name, body.specification)
        self.set_header("Location", self.request.path.rstrip("/") + f"/{body.namespace}/{body.name}")
        env = await _run(self.environments.get, body.namespace, body.name)
        self.reply(_change(env, build), 201)


class EnvironmentHandler(_EnvironmentsHandler):
    @web.authenticated
    @authorized
    async def get(self, namespace: str, name: str) -> None:
        self.reply(await _run(self.environments.get, namespace, name))

    @web.authenticated
    @authorized
    async def put(self, namespace: str, name: str) -> None:
        body = self.parse(UpdateEnvironment)
        if (body.specification is None) == (body.active_build is None):
            raise Invalid("send either a new `specification` or `active_build`", "bad_update")
        if body.active_build is not None:
            env = await _run(self.environments.activate, namespace, name, body.active_build)
            self.reply(_change(env, None))
            return
        build = await _run(self.environments.rebuild, namespace, name, str(body.specification), body.confirm)
        env = await _run(self.environments.get, namespace, name)
        self.reply(_change(env, build), 202)

    @web.authenticated
    @authorized
    async def delete(self, namespace: str, name: str) -> None:
        await _run(self.environments.delete, namespace, name)
        self.set_status(204)
        self.finish()


class DiffHandler(_EnvironmentsHandler):
    @web.authenticated
    @authorized
    async def post(self, namespace: str, name: str) -> None:
        body = self.parse(DiffRequest)
        self.reply(await _run(self.environments.diff, namespace, name, body.specification))


class BuildLogHandler(_EnvironmentsHandler):
    @web.authenticated
    @authorized
    async def get(self, build_id: str) -> None:
        offset = self.get_argument("offset", "0")
        if not offset.isdigit():
            raise Invalid("offset must be a non-negative number", "bad_offset")
        self.reply(await _run(self.environments.build_log, _build_id(build_id), int(offset)))


class BuildLockfileHandler(_EnvironmentsHandler):
    @web.authenticated
    @authorized
    async def get(self, build_id: str) -> None:
        text = await _run(self.environments.lockfile, _build_id(build_id))
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.set_header("Content-Disposition", f'attachment; filename="build-{build_id}-lockfile.txt"')
        self.finish(text)


class BuildCancelHandler(_EnvironmentsHandler):
    @web.authenticated
    @authorized
    async def post(self, build_id: str) -> None:
        self.reply(await _run(self.environments.cancel, _build_id(build_id)))
