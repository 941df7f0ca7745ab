"""The one exception hierarchy of the workspace; handlers map it to HTTP in one place."""

from __future__ import annotations


class PolarTEPError(Exception):
    """Base error: carries a user-readable message and a short machine reason."""

    status = 500
    reason = "error"

    def __init__(self, message: str, reason: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if reason is not None:
            self.reason = reason


class Invalid(PolarTEPError):
    """Bad input from the caller (HTTP 400)."""

    status = 400
    reason = "invalid"


class Forbidden(PolarTEPError):
    """The caller may not do this (HTTP 403)."""

    status = 403
    reason = "forbidden"


class NotFound(PolarTEPError):
    """The thing asked for does not exist (HTTP 404)."""

    status = 404
    reason = "not_found"


class Conflict(PolarTEPError):
    """The request clashes with what is stored (HTTP 409)."""

    status = 409
    reason = "conflict"


class TooLarge(PolarTEPError):
    """The payload is over a limit (HTTP 413)."""

    status = 413
    reason = "too_large"


class Upstream(PolarTEPError):
    """A backend the workspace talks to failed or refused (HTTP 502)."""

    status = 502
    reason = "upstream"
