"""REST face of the secrets feature: list/create, read/update/delete, and an explicit reveal."""

from __future__ import annotations

from jupyter_server.auth.decorator import authorized
from tornado import web

from ..core.handlers import PolarTEPHandler
from .models import CreateSecret, ListSecretsQuery, UpdateSecret
from .service import SecretsService


class _SecretsHandler(PolarTEPHandler):
    feature = "secrets"

    @property
    def secrets(self) -> SecretsService:
        return self.service  # type: ignore[no-any-return]


class SecretsHandler(_SecretsHandler):
    @web.authenticated
    @authorized
    def get(self) -> None:
        # only known arguments: browsers add cache-busting ones
        known = {
            k: self.get_argument(k) for k in ListSecretsQuery.model_fields if k in self.request.arguments
        }
        query = self.parse(ListSecretsQuery, known)
        self.reply(self.secrets.list(query.source))

    @web.authenticated
    @authorized
    def post(self) -> None:
        self.reply(self.secrets.create(self.parse(CreateSecret)), status=201)


class SecretHandler(_SecretsHandler):
    @web.authenticated
    @authorized
    def get(self, name: str) -> None:
        self.reply(self.secrets.describe(name))

    @web.authenticated
    @authorized
    def put(self, name: str) -> None:
        self.reply(self.secrets.update(name, self.parse(UpdateSecret)))

    @web.authenticated
    @authorized
    def patch(self, name: str) -> None:
        self.reply(self.secrets.update(name, self.parse(UpdateSecret)))

    @web.authenticated
    @authorized
    def delete(self, name: str) -> None:
        self.secrets.delete(name)
        self.set_status(204)
        self.finish()


class SecretRevealHandler(_SecretsHandler):
    """POST, not GET: a value is sent only on an explicit request, never cached."""

    @web.authenticated
    @authorized
    def post(self, name: str) -> None:
        self.set_header("Cache-Control", "no-store")
        self.reply(self.secrets.reveal(name))
