"""The embedded store's indexed property columns: same answers as reading the JSON, used by the
planner, and added to catalog files written before they existed."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from polartep_lab.stac.cql2sql import INDEXED_PROPERTIES
from polartep_lab.stac.demo import demo_collection, demo_items
from polartep_lab.stac.geometry import rfc7946
from polartep_lab.stac.search import parse_search
from polartep_lab.stac.sqlite_store import SQLiteStore


def _items(count: int) -> list[dict]:
    items = demo_items(count, collection_id="c")
    for n, item in enumerate(items):
        item["geometry"] = rfc7946(item["geometry"])
        if n % 7 == 0:  # odd values the columns must keep as JSON gives them
            item["properties"]["platform"] = None
        if n % 11 == 0:
            item["properties"].pop("eo:cloud_cover")
        if n % 13 == 0:
            item["properties"]["eo:cloud_cover"] = "12"  # a string, not a number
    return items


def _ids(store: SQLiteStore, **params: object) -> list[str]:
    page = store.search(parse_search({"limit": 1000, **params}, from_query=False))
    return [f["id"] for f in page.features]


def _expected(items: list[dict], keep: object) -> list[str]:
    chosen = [i for i in items if keep(i["properties"])]  # type: ignore[operator]
    chosen.sort(key=lambda i: (i["properties"]["datetime"], i["id"]), reverse=True)
    return [i["id"] for i in chosen]


def test_indexed_properties_answer_like_the_json_and_use_an_index(tmp_path: Path) -> None:
    # Given items where the indexed properties are numbers, missing, null or a string
    store = SQLiteStore(tmp_path / "c.sqlite")
    store.write_collection(demo_collection("c"), create=True)
    items = _items(300)
    store.write_items("c", items, mode="create")
    # When filtering on them
    cql = "eo:cloud_cover <= 20 AND platform = 'sentinel-1a'"
    got = _ids(store, filter=cql, **{"filter-lang": "cql2-text"})

    # Then the answer is what the JSON says (a string "12" is not <= 20 as a number)
    def keep(p: dict) -> bool:
        cover = p.get("eo:cloud_cover")
        return isinstance(cover, float | int) and cover <= 20 and p.get("platform") == "sentinel-1a"

    assert got == _expected(items, keep) and got
    assert _ids(store, filter={"op": "isNull", "args": [{"property": "platform"}]}) == _expected(
        items, lambda p: p.get("platform") is None
    )
    # And the count is exact
    page = store.search(parse_search({"limit": 5, "filter": cql}, from_query=True))
    assert page.matched == len(got) and page.next_token is not None
    # And SQLite answers from the covering index, never by reading the JSON of every row
    plan = " ".join(
        str(row)
        for row in store._db.execute(
            "EXPLAIN QUERY PLAN SELECT count(*) FROM items i "
            "WHERE i.p_cloud_cover <= 20 AND i.p_platform = 'x'"
        )
    )
    assert "COVERING INDEX items_by_platform_cloud_cover" in plan, plan
    # And sorting on an indexed property sorts by its value
    page = store.search(parse_search({"limit": 1000, "sortby": "-eo:cloud_cover"}, from_query=True))
    numbers = [f["properties"]["eo:cloud_cover"] for f in page.features
               if isinstance(f["properties"].get("eo:cloud_cover"), float | int)]  # fmt: skip
    assert numbers == sorted(numbers, reverse=True)
    store.close()


def test_a_catalog_file_from_before_the_property_columns_gets_them(tmp_path: Path) -> None:
    # Given a catalog file written by the earlier schema (no property columns)
    path = tmp_path / "old.sqlite"
    store = SQLiteStore(path)
    store.write_collection(demo_collection("c"), create=True)
    items = _items(50)
    store.write_items("c", items, mode="create")
    store.close()
    db = sqlite3.connect(path)
    for name in ("items_by_cloud_cover", "items_by_platform_cloud_cover",
                 "items_by_constellation_cloud_cover", "items_by_epsg"):  # fmt: skip
        db.execute(f"DROP INDEX {name}")
    for column in INDEXED_PROPERTIES.values():
        db.execute(f"ALTER TABLE items DROP COLUMN {column}")
    db.commit()
    db.close()
    # When it is opened again
    store = SQLiteStore(path)
    # Then the columns are back, filled from the stored JSON, and filters on them answer right
    got = _ids(store, filter={"op": "<", "args": [{"property": "eo:cloud_cover"}, 50]})
    assert got == _expected(
        items, lambda p: isinstance(p.get("eo:cloud_cover"), float | int) and p["eo:cloud_cover"] < 50
    )
    sql = "SELECT p_platform, properties FROM items WHERE id = ?"
    row = store._db.execute(sql, (items[1]["id"],)).fetchone()
    assert row[0] == json.loads(row[1])["platform"]
    store.close()
