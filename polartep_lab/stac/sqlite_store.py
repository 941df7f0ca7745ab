"""The embedded workspace catalog: one SQLite file (WAL) with an R-tree of footprint boxes.

Why SQLite + R-tree: it ships with Python (no extension download, unlike DuckDB `spatial`),
survives `kill -9` (WAL, every write one transaction), lets the kernel and the server read the
same file at once, and its R-tree prunes bbox searches before the exact, dateline-aware shapely
test. `benchmarks/stac_search.py` measures it against PgSTAC.

Each item has up to 16 boxes (one per dateline-split piece): box id = item rowid * 16 + piece.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

import shapely
from shapely.prepared import prep

from ..core.errors import Conflict, Invalid, NotFound
from .cql2sql import INDEXED_PROPERTIES, to_sql
from .geometry import boxes_of, footprint
from .search import SearchRequest
from .store import CatalogStore, SearchPage, item_times, offset_token, parse_offset_token

PIECES = 16
SCHEMA = """
CREATE TABLE IF NOT EXISTS collections (
    id TEXT PRIMARY KEY,
    content TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS items (
    rowid INTEGER PRIMARY KEY,
    collection TEXT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    datetime REAL NOT NULL,
    start REAL NOT NULL,
    end REAL NOT NULL,
    content TEXT NOT NULL,
    properties TEXT NOT NULL,
    footprint BLOB,
    UNIQUE (collection, id)
);
CREATE INDEX IF NOT EXISTS items_by_time ON items (datetime DESC, id DESC);
CREATE INDEX IF NOT EXISTS items_by_collection_time ON items (collection, datetime DESC, id DESC);
CREATE INDEX IF NOT EXISTS items_by_id ON items (id);
CREATE VIRTUAL TABLE IF NOT EXISTS item_boxes USING rtree(id, minx, maxx, miny, maxy);
CREATE TRIGGER IF NOT EXISTS items_drop_boxes AFTER DELETE ON items BEGIN
    DELETE FROM item_boxes WHERE id BETWEEN old.rowid * 16 AND old.rowid * 16 + 15;
END;
"""

PROPERTY_INDEXES = {
    "items_by_cloud_cover": "p_cloud_cover, datetime, id",
    "items_by_platform_cloud_cover": "p_platform, p_cloud_cover, datetime, id",
    "items_by_constellation_cloud_cover": "p_constellation, p_cloud_cover, datetime, id",
    "items_by_epsg": "p_proj_epsg",
}
#: Above this many matches, numberMatched is not counted exactly (see `search`).
COUNT_CAP = 10_000

_SORT_COLUMNS = {
    "id": "i.id",
    "collection": "i.collection",
    "datetime": "i.datetime",
    "properties.datetime": "i.datetime",
    "start_datetime": "i.start",
    "properties.start_datetime": "i.start",
    "end_datetime": "i.end",
    "properties.end_datetime": "i.end",
}


def _extract(prop: str, source: str) -> str:
    """SQL that reads one property out of the properties JSON (the same values as json_extract
    gives a CQL2 filter on any other property: numbers stay numbers, strings stay strings)."""
    return f"json_extract({source}, '$.\"{prop}\"')"


_PROPERTY_COLUMNS = ", ".join(INDEXED_PROPERTIES.values())
_PROPERTY_VALUES = ", ".join(_extract(p, "?7") for p in INDEXED_PROPERTIES)


@lru_cache(maxsize=64)
def _prepared(wkb: bytes) -> Any:
    return prep(shapely.from_wkb(wkb))


def _polar_intersects(item_wkb: bytes | None, query_wkb: bytes) -> int:
    if item_wkb is None:
        return 0
    return 1 if _prepared(query_wkb).intersects(shapely.from_wkb(item_wkb)) else 0


class SQLiteStore(CatalogStore):
    kind = "embedded"

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.execute("PRAGMA busy_timeout=10000")
        self._db.create_function("polar_intersects", 2, _polar_intersects, deterministic=True)
        with self._lock:
            self._db.executescript(SCHEMA)
            self._add_property_columns()

    def _add_property_columns(self) -> None:
        """Catalog files written before the property columns existed get them now, filled once
        from the stored JSON (one transaction)."""
        present = {row[1] for row in self._db.execute("PRAGMA table_xinfo(items)")}
        missing = {p: c for p, c in INDEXED_PROPERTIES.items() if c not in present}
        if missing:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                for column in missing.values():
                    self._db.execute(f"ALTER TABLE items ADD COLUMN {column}")
                sets = ", ".join(f"{c} = {_extract(p, 'properties')}" for p, c in missing.items())
                self._db.execute(f"UPDATE items SET {sets}")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
        for name, columns in PROPERTY_INDEXES.items():
            self._db.execute(f"CREATE INDEX IF NOT EXISTS {name} ON items ({columns})")

    def describe(self) -> str:
        return f"SQLite + R-tree at {self.path}"

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _query(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            try:
                return self._db.execute(sql, params).fetchall()
            except sqlite3.OperationalError as exc:
                raise Invalid(f"filter: cannot evaluate ({exc})", "bad_filter") from exc

    # ---- collections -----------------------------------------------------------------------
    def list_collections(self) -> list[dict[str, Any]]:
        return [json.loads(r[0]) for r in self._query("SELECT content FROM collections ORDER BY id")]

    def read_collection(self, collection_id: str) -> dict[str, Any] | None:
        rows = self._query("SELECT content FROM collections WHERE id = ?", (collection_id,))
        return json.loads(rows[0][0]) if rows else None

    def write_collection(self, collection: dict[str, Any], *, create: bool) -> None:
        content = json.dumps(collection)
        with self._tx() as db:
            exists = db.execute("SELECT 1 FROM collections WHERE id = ?", (collection["id"],)).fetchone()
            if create and exists:
                raise Conflict(f"collection {collection['id']!r} already exists", "duplicate_collection")
            if not create and not exists:
                raise NotFound(f"no collection {collection['id']!r}", "no_collection")
            if exists:
                db.execute("UPDATE collections SET content = ? WHERE id = ?", (content, collection["id"]))
            else:
                db.execute("INSERT INTO collections (id, content) VALUES (?, ?)", (collection["id"], content))

    def remove_collection(self, collection_id: str) -> bool:
        with self._tx() as db:
            return db.execute("DELETE FROM collections WHERE id = ?", (collection_id,)).rowcount > 0

    # ---- items -----------------------------------------------------------------------------
    def read_item(self, collection_id: str, item_id: str) -> dict[str, Any] | None:
        rows = self._query(
            "SELECT content FROM items WHERE collection = ? AND id = ?", (collection_id, item_id)
        )
        return json.loads(rows[0][0]) if rows else None

    def write_items(self, collection_id: str, items: list[dict[str, Any]], *, mode: str) -> int:
        prepared = []
        for item in items:
            when, start, end = item_times(item)
            shape = footprint(item["geometry"]) if item.get("geometry") else None
            prepared.append((item, when.timestamp(), start.timestamp(), end.timestamp(), shape))
        with self._tx() as db:
            if db.execute("SELECT 1 FROM collections WHERE id = ?", (collection_id,)).fetchone() is None:
                raise NotFound(f"no collection {collection_id!r}", "no_collection")
            for item, when, start, end, shape in prepared:
                row = db.execute(
                    "SELECT rowid FROM items WHERE collection = ? AND id = ?", (collection_id, item["id"])
                ).fetchone()
                if row is not None and mode == "create":
                    raise Conflict(
                        f"item {item['id']!r} already exists in {collection_id!r}", "duplicate_item"
                    )
                if row is None and mode == "update":
                    raise NotFound(f"no item {item['id']!r} in {collection_id!r}", "no_item")
                if row is not None:
                    db.execute("DELETE FROM items WHERE rowid = ?", (row[0],))
                wkb = shapely.to_wkb(shape) if shape is not None else None
                cursor = db.execute(
                    "INSERT INTO items (collection, id, datetime, start, end, content, properties, "
                    f"footprint, {_PROPERTY_COLUMNS}) "
                    f"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, {_PROPERTY_VALUES})",
                    (
                        collection_id,
                        item["id"],
                        when,
                        start,
                        end,
                        json.dumps(item),
                        json.dumps(item.get("properties") or {}),
                        wkb,
                    ),
                )
                if shape is not None:
                    boxes = boxes_of(shape)
                    if len(boxes) > PIECES:
                        boxes = [*boxes[: PIECES - 1], shapely.union_all(boxes[PIECES - 1 :]).bounds]
                    base = int(cursor.lastrowid or 0) * PIECES
                    db.executemany(
                        "INSERT INTO item_boxes (id, minx, maxx, miny, maxy) VALUES (?, ?, ?, ?, ?)",
                        [(base + k, b[0], b[2], b[1], b[3]) for k, b in enumerate(boxes)],
                    )
        return len(prepared)

    def remove_item(self, collection_id: str, item_id: str) -> bool:
        with self._tx() as db:
            cursor = db.execute("DELETE FROM items WHERE collection = ? AND id = ?", (collection_id, item_id))
            return cursor.rowcount > 0

    # ---- search ----------------------------------------------------------------------------
    def _where(self, request: SearchRequest) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if request.collections:
            clauses.append(f"i.collection IN ({', '.join('?' * len(request.collections))})")
            params.extend(request.collections)
        if request.ids:
            clauses.append(f"i.id IN ({', '.join('?' * len(request.ids))})")
            params.extend(request.ids)
        area = request.area()
        if area is not None:
            boxes = boxes_of(area)
            union = " UNION ".join(
                "SELECT id >> 4 FROM item_boxes WHERE minx <= ? AND maxx >= ? AND miny <= ? AND maxy >= ?"
                for _ in boxes
            )
            clauses.append(f"i.rowid IN ({union})")
            for b in boxes:
                params.extend([b[2], b[0], b[3], b[1]])
        if request.datetime is not None:
            start, end = request.datetime
            if end is not None:
                clauses.append("i.start <= ?")
                params.append(end.timestamp())
            if start is not None:
                clauses.append("i.end >= ?")
                params.append(start.timestamp())
        if request.filter is not None:
            sql, extra = to_sql(request.filter)
            clauses.append(sql)
            params.extend(extra)
        if area is not None:
            # the exact (shapely) test last: SQLite tests the cheap terms first
            clauses.append("polar_intersects(i.footprint, ?)")
            params.append(shapely.to_wkb(area))
        return (" AND ".join(clauses) or "1"), params

    def _order(self, request: SearchRequest) -> tuple[str, list[Any]]:
        parts: list[str] = []
        params: list[Any] = []
        for name, direction in request.sortby:
            column = _SORT_COLUMNS.get(name)
            prop = name.removeprefix("properties.")
            if column is None and prop in INDEXED_PROPERTIES:
                column = f"i.{INDEXED_PROPERTIES[prop]}"
            if column is None:
                column = "json_extract(i.properties, ?)"
                params.append('$."' + prop.replace('"', "") + '"')
            parts.append(f"{column} {direction.upper()}")
        if not parts:
            parts = ["i.datetime DESC"]
        parts.append("i.id DESC")
        return ", ".join(parts), params

    def search(self, request: SearchRequest) -> SearchPage:
        """One page: the rowids of the page first (answered from indexes where the planner can),
        then the JSON of those rows only, all in one read snapshot."""
        offset = parse_offset_token(request.token)
        where, params = self._where(request)
        order, order_params = self._order(request)
        spatial = "polar_intersects" in where
        with self._lock:
            self._db.execute("BEGIN")
            try:
                if spatial:
                    # the exact footprint test runs once per candidate: page and count in one pass
                    rows = self._query(
                        f"SELECT i.rowid, count(*) OVER () FROM items i WHERE {where} "
                        f"ORDER BY {order} LIMIT ? OFFSET ?",
                        [*params, *order_params, request.limit + 1, offset],
                    )
                    total = int(rows[0][1]) if rows else None
                else:
                    rows = self._query(
                        f"SELECT i.rowid FROM items i WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?",
                        [*params, *order_params, request.limit + 1, offset],
                    )
                    total = None
                rowids = [r[0] for r in rows]
                more = len(rowids) > request.limit
                rowids = rowids[: request.limit]
                content = dict(
                    self._query(
                        f"SELECT rowid, content FROM items WHERE rowid IN ({', '.join('?' * len(rowids))})",
                        rowids,
                    )
                )
                if not more:
                    matched = offset + len(rowids)
                elif total is not None:
                    matched = total
                else:
                    matched = int(self._query(f"SELECT count(*) FROM items i WHERE {where}", params)[0][0])
            finally:
                self._db.execute("COMMIT")
        return SearchPage(
            features=[json.loads(content[r]) for r in rowids],
            matched=matched,
            next_token=offset_token(offset + request.limit) if more else None,
            prev_token=offset_token(max(0, offset - request.limit)) if offset > 0 else None,
        )

    def health(self) -> tuple[bool, str]:
        try:
            count = self._query("SELECT count(*) FROM items")[0][0]
        except Invalid as exc:
            return False, exc.message
        return True, f"{count} items"

    def close(self) -> None:
        with self._lock:
            self._db.close()
