"""REST face of the examples: list them, copy one into the workspace."""

from __future__ import annotations

from jupyter_server.auth.decorator import authorized
from tornado import web

from ..core.handlers import PolarTEPHandler
from .service import ExampleLibrary


class _ExampleHandler(PolarTEPHandler):
    feature = "examples"

    @property
    def examples(self) -> ExampleLibrary:
        return self.service  # type: ignore[no-any-return]


class ExamplesHandler(_ExampleHandler):
    @web.authenticated
    @authorized
    def get(self) -> None:
        self.reply({"examples": [e.to_json() for e in self.examples.list()]})


class ExampleCopyHandler(_ExampleHandler):
    @web.authenticated
    @authorized
    def post(self, name: str) -> None:
        path = self.examples.copy_to_workspace(name)
        self.reply({"name": name, "path": path}, status=201)
