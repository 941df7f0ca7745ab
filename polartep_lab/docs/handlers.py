"""REST face of the user guide."""

from __future__ import annotations

from dataclasses import asdict

from jupyter_server.auth.decorator import authorized
from tornado import web

from ..core.handlers import PolarTEPHandler
from .service import Guide


class _GuideHandler(PolarTEPHandler):
    feature = "docs"

    @property
    def guide(self) -> Guide:
        return self.service  # type: ignore[no-any-return]


class DocsHandler(_GuideHandler):
    @web.authenticated
    @authorized
    def get(self) -> None:
        self.reply({"pages": [asdict(p) for p in self.guide.pages()]})


class DocPageHandler(_GuideHandler):
    @web.authenticated
    @authorized
    def get(self, slug: str) -> None:
        self.reply(self.guide.page(slug))
