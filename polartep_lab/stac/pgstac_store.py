"""The real backend: the workspace catalog in PostgreSQL + PostGIS + PgSTAC (pypgstac/psycopg).

PgSTAC reads a dateline-crossing bbox `[170,60,-170,70]` as -170..170 and matches the wrong
340°: every bbox and spatial literal is sent as a dateline-split (Multi)Polygon `intersects`.
"""

from __future__ import annotations

import copy
import threading
from typing import Any
from urllib.parse import parse_qs, urlsplit

from ..core.errors import Conflict, Invalid, NotFound, Upstream
from .geometry import bbox_geometry, footprint, parse_bbox, to_geojson
from .search import SearchRequest
from .store import CatalogStore, SearchPage

#: Numeric properties PgSTAC must compare and sort as numbers (it treats unknown ones as text).
NUMERIC_QUERYABLES = ("eo:cloud_cover", "view:sun_elevation", "view:off_nadir", "gsd", "proj:epsg")


def _spatial(node: Any) -> Any:
    """A CQL2 tree with every bbox/geometry literal replaced by its dateline-split geometry."""
    if isinstance(node, list):
        return [_spatial(n) for n in node]
    if not isinstance(node, dict):
        return node
    if "bbox" in node and len(node) == 1:
        return to_geojson(bbox_geometry(parse_bbox(node["bbox"], "filter")))
    if node.get("type") in ("Polygon", "MultiPolygon") and "coordinates" in node:
        return to_geojson(footprint(node, "filter"))
    return {k: _spatial(v) for k, v in node.items()}


def prepare_database(conn: Any) -> None:
    """Register the numeric queryables (idempotent). Done by the DSN backend at start; for a
    stac-fastapi-pgstac service, run once on its database (see docs/stac.md)."""
    conn.execute("SET search_path TO pgstac, public")  # PgSTAC's triggers call it unqualified
    for name in NUMERIC_QUERYABLES:
        conn.execute(
            "INSERT INTO pgstac.queryables (name, definition, property_wrapper) "
            "SELECT %s, '{\"type\": \"number\"}'::jsonb, 'to_float' "
            "WHERE NOT EXISTS (SELECT 1 FROM pgstac.queryables WHERE name = %s)",
            (name, name),
        )


def search_body(request: SearchRequest) -> dict[str, Any]:
    """A PgSTAC search body (pgstac `search()` and stac-fastapi-pgstac `POST /search` alike) with
    every area sent as a dateline-split geometry."""
    body: dict[str, Any] = {"limit": request.limit}
    if request.collections:
        body["collections"] = request.collections
    if request.ids:
        body["ids"] = request.ids
    area = request.area()
    if area is not None:
        body["intersects"] = to_geojson(area)
    if request.datetime is not None:
        body["datetime"] = request.to_body()["datetime"]
    if request.filter is not None:
        body["filter"] = _spatial(request.filter)
        body["filter-lang"] = "cql2-json"
    if request.sortby:
        body["sortby"] = [
            {"field": f if f in ("id", "collection", "datetime") or "." in f else f"properties.{f}",
             "direction": d}
            for f, d in request.sortby
        ]  # fmt: skip
    if request.token:
        body["token"] = request.token
    return body


def page_tokens(links: list[dict[str, Any]]) -> dict[str, str | None]:
    """`next`/`prev` paging tokens of a PgSTAC answer: in the link's body (POST) or its href."""
    tokens: dict[str, str | None] = {}
    for link in links:
        if link.get("rel") in ("next", "prev"):
            token = (link.get("body") or {}).get("token")
            if token is None:
                token = parse_qs(urlsplit(link.get("href", "")).query).get("token", [None])[0]
            tokens[link["rel"]] = token
    return tokens


class PgSTACStore(CatalogStore):
    kind = "real"

    def __init__(self, dsn: str = "") -> None:
        try:
            import psycopg
            from psycopg.types.json import Jsonb
        except ImportError as exc:  # pragma: no cover - dependency of the real backend
            raise RuntimeError("stac_backend='pgstac' needs `pip install pypgstac[psycopg]`") from exc
        self._psycopg = psycopg
        self._jsonb = Jsonb
        self.dsn = dsn
        self._lock = threading.Lock()
        self._conn = psycopg.connect(dsn, autocommit=True, options="-c search_path=pgstac,public")
        self._ensure_queryables()

    def describe(self) -> str:
        info = self._conn.info
        return f"PgSTAC on {info.host}:{info.port}/{info.dbname}"

    def _call(self, sql: str, *args: Any) -> Any:
        errors = self._psycopg.errors
        with self._lock:
            try:
                row = self._conn.execute(sql, args).fetchone()
            except errors.UniqueViolation as exc:
                raise Conflict(f"already exists: {exc.diag.message_detail or exc}", "duplicate") from exc
            except errors.RaiseException as exc:
                message = exc.diag.message_primary or str(exc)
                if "token" in message.lower():
                    raise Invalid(f"token: {message}", "bad_token") from exc
                raise Invalid(f"filter: PgSTAC refused the query ({message})", "bad_filter") from exc
            except (errors.DataException, errors.SyntaxError, errors.UndefinedFunction) as exc:
                raise Invalid(
                    f"filter: PgSTAC refused the query ({exc.diag.message_primary})", "bad_filter"
                ) from exc
            except self._psycopg.OperationalError as exc:
                raise Upstream(f"PgSTAC database unavailable: {exc}", "database") from exc
        return row[0] if row else None

    def _ensure_queryables(self) -> None:
        with self._lock:
            prepare_database(self._conn)

    # ---- collections -----------------------------------------------------------------------
    def list_collections(self) -> list[dict[str, Any]]:
        found = self._call("SELECT all_collections()") or []
        return sorted(found, key=lambda c: c["id"])

    def read_collection(self, collection_id: str) -> dict[str, Any] | None:
        return self._call("SELECT content FROM collections WHERE id = %s", collection_id)  # type: ignore[no-any-return]

    def write_collection(self, collection: dict[str, Any], *, create: bool) -> None:
        exists = self.read_collection(collection["id"]) is not None
        if create and exists:
            raise Conflict(f"collection {collection['id']!r} already exists", "duplicate_collection")
        if not create and not exists:
            raise NotFound(f"no collection {collection['id']!r}", "no_collection")
        function = "update_collection" if exists else "create_collection"
        self._call(f"SELECT {function}(%s)", self._jsonb(collection))

    def remove_collection(self, collection_id: str) -> bool:
        if self.read_collection(collection_id) is None:
            return False
        self._call("SELECT delete_collection(%s)", collection_id)
        return True

    # ---- items -----------------------------------------------------------------------------
    def read_item(self, collection_id: str, item_id: str) -> dict[str, Any] | None:
        exists = self._call("SELECT 1 FROM items WHERE collection = %s AND id = %s", collection_id, item_id)
        if exists is None:
            return None
        return self._call("SELECT get_item(%s, %s)", item_id, collection_id)  # type: ignore[no-any-return]

    def write_items(self, collection_id: str, items: list[dict[str, Any]], *, mode: str) -> int:
        if self.read_collection(collection_id) is None:
            raise NotFound(f"no collection {collection_id!r}", "no_collection")
        payload = [copy.deepcopy({**i, "collection": collection_id}) for i in items]
        if mode == "update":
            for item in payload:
                if self.read_item(collection_id, item["id"]) is None:
                    raise NotFound(f"no item {item['id']!r} in {collection_id!r}", "no_item")
        if mode == "create":
            self._call("SELECT create_items(%s)", self._jsonb(payload))
        else:
            self._call("SELECT upsert_items(%s)", self._jsonb(payload))
        return len(payload)

    def remove_item(self, collection_id: str, item_id: str) -> bool:
        if self.read_item(collection_id, item_id) is None:
            return False
        self._call("SELECT delete_item(%s, %s)", item_id, collection_id)
        return True

    # ---- search ----------------------------------------------------------------------------
    def search(self, request: SearchRequest) -> SearchPage:
        body = search_body(request)
        body["conf"] = {"context": "on"}
        result = self._call("SELECT search(%s)", self._jsonb(body)) or {}
        tokens = page_tokens(result.get("links", []))
        return SearchPage(
            features=list(result.get("features") or []),
            matched=result.get("numberMatched"),
            next_token=tokens.get("next"),
            prev_token=tokens.get("prev"),
        )

    def health(self) -> tuple[bool, str]:
        try:
            version = self._call("SELECT get_version()")
        except Exception as exc:
            return False, str(exc)
        return True, f"PgSTAC {version}"

    def close(self) -> None:
        with self._lock:
            self._conn.close()
