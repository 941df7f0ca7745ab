"""REST face of workflows: thin handlers over :class:`WorkflowService` (blocking calls in threads)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from jupyter_server.auth.decorator import authorized
from tornado import web

from ..core.handlers import PolarTEPHandler
from .models import (
    CreateRun,
    DescribeRun,
    LintRequest,
    ListRunsQuery,
    ListRunsResponse,
    SaveFile,
    SubmitTemplate,
)
from .service import WorkflowService


class _WorkflowsHandler(PolarTEPHandler):
    feature = "workflows"

    @property
    def workflows(self) -> WorkflowService:
        return self.service  # type: ignore[no-any-return]

    async def call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return await asyncio.to_thread(fn, *args, **kwargs)

    def backend_arg(self) -> str | None:
        query = self.parse(ListRunsQuery, {"backend": self.get_query_argument("backend", None)})
        return query.backend  # type: ignore[no-any-return]


class RunsHandler(_WorkflowsHandler):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        runs = await self.call(self.workflows.list, self.backend_arg())
        self.reply(ListRunsResponse(runs=[DescribeRun(**r) for r in runs]))

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.parse(CreateRun)
        source = body.manifest if body.manifest is not None else body.path
        workflow = await self.call(self.workflows.submit, source, body.parameters, body.backend)
        self.set_header("Location", self.request.path.rstrip("/") + "/" + workflow["metadata"]["name"])
        self.reply(workflow, status=201)


class RunHandler(_WorkflowsHandler):
    @web.authenticated
    @authorized
    async def get(self, name: str) -> None:
        self.reply(await self.call(self.workflows.get, name, self.backend_arg()))

    @web.authenticated
    @authorized
    async def delete(self, name: str) -> None:
        await self.call(self.workflows.delete, name, self.backend_arg())
        self.set_status(204)
        self.finish()


class RunLogHandler(_WorkflowsHandler):
    @web.authenticated
    @authorized
    async def get(self, name: str) -> None:
        node = self.get_query_argument("node", None)
        text = await self.call(self.workflows.logs, name, node, self.backend_arg())
        self.reply({"name": name, "node": node, "log": text})


class RunActionHandler(_WorkflowsHandler):
    @web.authenticated
    @authorized
    async def put(self, name: str, action: str) -> None:
        self.reply(await self.call(self.workflows.action, name, action, self.backend_arg()))


class RunArtifactHandler(_WorkflowsHandler):
    @web.authenticated
    @authorized
    async def get(self, name: str, node: str, artifact: str) -> None:
        path = await self.call(self.workflows.artifact, name, node, artifact)
        self.set_header("Content-Type", "application/octet-stream")
        self.set_header("Content-Disposition", f'attachment; filename="{artifact}"')
        self.finish(await self.call(path.read_bytes))


class LintHandler(_WorkflowsHandler):
    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.parse(LintRequest)
        self.reply(await self.call(self.workflows.lint, body.manifest, body.yaml))


class FilesHandler(_WorkflowsHandler):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        self.reply({"files": await self.call(self.workflows.files)})


class FileHandler(_WorkflowsHandler):
    @web.authenticated
    @authorized
    async def get(self, path: str) -> None:
        self.reply(await self.call(self.workflows.read_file, path))

    @web.authenticated
    @authorized
    async def put(self, path: str) -> None:
        body = self.parse(SaveFile)
        self.reply(await self.call(self.workflows.save_file, path, body.manifest, body.yaml))


class TemplatesHandler(_WorkflowsHandler):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        self.reply({"templates": await self.call(self.workflows.templates, self.backend_arg())})


class TemplateSubmitHandler(_WorkflowsHandler):
    @web.authenticated
    @authorized
    async def post(self, name: str) -> None:
        body = self.parse(SubmitTemplate)
        workflow = await self.call(self.workflows.submit_template, name, body.parameters, body.backend)
        self.reply(workflow, status=201)
