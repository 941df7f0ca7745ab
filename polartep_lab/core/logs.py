"""Logging of the notebook server process, as the extension finds it."""

from __future__ import annotations

import logging


def skip_discarded_records(log: logging.Logger) -> None:
    """Stop building log records that no handler would emit.

    traitlets sets the application's logger to DEBUG and filters at its handlers (INFO by default).
    The server's other loggers (tornado, jupyter-server-proxy, ours) hang below it, so every debug
    call in every request built a record only to drop it: a measurable share of a proxied tile
    request. Raising the logger to its lowest handler level emits exactly the same lines.
    """
    levels = [handler.level for handler in log.handlers]
    if levels and min(levels) > log.level:
        log.setLevel(min(levels))
