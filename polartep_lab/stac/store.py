"""What a workspace catalog store does; the embedded SQLite store and PgSTAC implement it.

Stores receive items already validated and normalized by the service (geometry cut at the
dateline, bbox set), and answer searches from a parsed :class:`SearchRequest`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ..core.errors import Invalid
from .search import SearchRequest, parse_instant


@dataclass
class SearchPage:
    features: list[dict[str, Any]]
    matched: int | None
    next_token: str | None = None
    prev_token: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def item_times(item: dict[str, Any]) -> tuple[datetime, datetime, datetime]:
    """(datetime, start, end) of an item; `datetime` null needs start and end."""
    props = item.get("properties") or {}
    start = props.get("start_datetime")
    end = props.get("end_datetime")
    instant = props.get("datetime")
    if instant is not None:
        when = parse_instant(instant, "properties.datetime")
        return (
            when,
            parse_instant(start, "properties.start_datetime") if start else when,
            parse_instant(end, "properties.end_datetime") if end else when,
        )
    if not (start and end):
        raise Invalid("properties: datetime is null, so start_datetime and end_datetime are required")
    s = parse_instant(start, "properties.start_datetime")
    e = parse_instant(end, "properties.end_datetime")
    return s, s, e


def offset_token(offset: int) -> str:
    return f"o{offset}"


def parse_offset_token(token: str | None) -> int:
    if not token:
        return 0
    if token.startswith("next:") or token.startswith("prev:"):
        token = token.split(":", 1)[1]
    if not (token.startswith("o") and token[1:].isdigit()):
        raise Invalid("token: not a paging token of this catalog", "bad_token")
    return int(token[1:])


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class CatalogStore(ABC):
    """Storage of collections and items of the workspace catalog."""

    kind = "embedded"

    @abstractmethod
    def list_collections(self) -> list[dict[str, Any]]: ...

    @abstractmethod
    def read_collection(self, collection_id: str) -> dict[str, Any] | None: ...

    @abstractmethod
    def write_collection(self, collection: dict[str, Any], *, create: bool) -> None:
        """Insert (Conflict if it exists) or replace (NotFound if missing)."""

    @abstractmethod
    def remove_collection(self, collection_id: str) -> bool: ...

    @abstractmethod
    def read_item(self, collection_id: str, item_id: str) -> dict[str, Any] | None: ...

    @abstractmethod
    def write_items(self, collection_id: str, items: list[dict[str, Any]], *, mode: str) -> int:
        """mode: 'create' (Conflict on an existing id, nothing stored), 'update' (NotFound if
        missing), 'upsert'. All or nothing."""

    @abstractmethod
    def remove_item(self, collection_id: str, item_id: str) -> bool: ...

    @abstractmethod
    def search(self, request: SearchRequest) -> SearchPage: ...

    def health(self) -> tuple[bool, str]:
        return True, "ok"

    def describe(self) -> str:
        return type(self).__name__

    def close(self) -> None:
        return None
