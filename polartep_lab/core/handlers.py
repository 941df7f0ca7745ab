"""The base handler of every route: authenticated, JSON in/out, one error map."""

from __future__ import annotations

import asyncio
import json
from typing import Any, ClassVar

from jupyter_server.base.handlers import APIHandler
from pydantic import BaseModel, ValidationError
from tornado import web

from .errors import Invalid, PolarTEPError


def _validation_message(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ())) or "body"
        parts.append(f"{where}: {err.get('msg', 'invalid')}")
    return "; ".join(parts)


class PolarTEPHandler(APIHandler):
    """Subclasses set ``feature`` and decorate every verb with ``@web.authenticated``.

    Domain errors (:mod:`polartep_lab.core.errors`) and pydantic validation errors become
    ``{"message", "reason"}`` JSON with the mapped status; anything else is a 500 without a
    traceback in the body.
    """

    feature: ClassVar[str] = ""
    #: routes a feature explicitly publishes without authentication (tests enumerate them)
    public: ClassVar[bool] = False

    async def prepare(self) -> None:  # type: ignore[override]
        await super().prepare()
        # a feature that is off for this (authenticated) user has no routes: 404, not 403
        access = self.settings.get("polartep_access")
        if self.feature and self.current_user and access is not None and self.feature in self._gated():
            allowed = await asyncio.to_thread(access.allowed, self.feature)
            if not allowed:
                raise web.HTTPError(404)

    def _gated(self) -> set[str]:
        access = self.settings["polartep_access"]
        return {name for name, groups in access.feature_groups.items() if groups}

    @property
    def auth_resource(self) -> str:  # used by @authorized
        return f"polartep:{self.feature or 'core'}"

    def service_of(self, name: str) -> Any:
        services: dict[str, Any] = self.settings["polartep_services"]
        return services[name]

    @property
    def service(self) -> Any:
        return self.service_of(self.feature)

    def json_body(self) -> Any:
        if not self.request.body:
            return {}
        try:
            return json.loads(self.request.body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise Invalid(f"request body is not valid JSON: {exc}", "bad_json") from exc

    def parse(self, model: type[BaseModel], data: Any | None = None) -> Any:
        payload = self.json_body() if data is None else data
        try:
            return model.model_validate(payload)
        except ValidationError as exc:
            raise Invalid(_validation_message(exc), "validation") from exc

    def reply(self, payload: Any, status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        if isinstance(payload, BaseModel):
            self.finish(payload.model_dump_json())
        else:
            self.finish(json.dumps(payload, default=str))

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        exc_info = kwargs.get("exc_info")
        exc = exc_info[1] if exc_info else None
        if isinstance(exc, ValidationError):
            exc = Invalid(_validation_message(exc), "validation")
        if isinstance(exc, PolarTEPError):
            self.set_status(exc.status)
            self.set_header("Content-Type", "application/json")
            self.finish(json.dumps({"message": exc.message, "reason": exc.reason}))
            return
        reason = self._reason or "error"
        message = reason
        if exc is not None and hasattr(exc, "log_message") and exc.log_message:
            message = exc.log_message % exc.args if exc.args else exc.log_message
        elif status_code >= 500:
            message = "internal server error (see the server log)"
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"message": message, "reason": reason}))

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        if isinstance(value, PolarTEPError | ValidationError):
            self.log.info("polartep %s %s: %s", self.request.method, self.request.path, value)
            return
        super().log_exception(typ, value, tb)
