"""Embedded workspace catalog (SQLite + R-tree) against PgSTAC, measured in the same run.

    python benchmarks/stac_search.py [--items 100000] [--queries 60]

Loads the same synthetic polar items (footprints across the dateline and around the poles,
5 years of dates) into both stores, then times bbox+datetime+limit=100 searches and a CQL2
property filter on each through the service's store API: the embedded store in-process, PgSTAC
by its `search()` SQL function on a local PostgreSQL 15 cluster started here, and the same PgSTAC
through a stac-fastapi-pgstac service (uvicorn on 127.0.0.1, HTTP, loaded through its Bulk
Transactions). Both PgSTAC databases index the same properties as the embedded store
(`eo:cloud_cover`, `platform` as B-tree queryables) and every store is ANALYZEd after its load
(counted in the load time); both count numberMatched exactly (PgSTAC context "on").
Prints p50/p95 and the ratio embedded/other (< 1 means the embedded store is faster).
Schema validation is not timed.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from polartep_lab.stac.demo import demo_collection, demo_items
from polartep_lab.stac.geometry import rfc7946
from polartep_lab.stac.pgstac_store import PgSTACStore, prepare_database
from polartep_lab.stac.search import parse_search
from polartep_lab.stac.sqlite_store import SQLiteStore
from polartep_lab.stac.stac_api_store import StacApiStore
from polartep_lab.stac.store import CatalogStore
from tests import pgstac_cluster


def queries(n: int, seed: int = 7) -> tuple[list[dict], list[dict]]:
    rng = random.Random(seed)
    boxes = []
    for _ in range(n):
        year = rng.randint(2020, 2024)
        month = rng.randint(1, 12)
        if rng.random() < 0.3:  # across the dateline
            west, east = rng.uniform(150, 179), rng.uniform(-179, -150)
        else:
            west = rng.uniform(-180, 140)
            east = west + rng.uniform(10, 40)
        south = rng.uniform(60, 80) if rng.random() < 0.7 else rng.uniform(-85, -65)
        boxes.append(
            {"bbox": [west, south, east, min(90, south + 8)], "limit": 100,
             "datetime": f"{year}-{month:02d}-01T00:00:00Z/{year}-{month:02d}-28T23:59:59Z"}
        )  # fmt: skip
    filters = [
        {"filter": f"eo:cloud_cover <= {rng.randint(1, 30)} AND platform = 'sentinel-1a'", "limit": 100}
        for _ in range(n)
    ]
    return boxes, filters


def timed(store: CatalogStore, params: list[dict]) -> tuple[float, float, int]:
    times, hits = [], 0
    for p in params:
        request = parse_search(dict(p), from_query=True)
        start = time.perf_counter()
        page = store.search(request)
        times.append((time.perf_counter() - start) * 1000)
        hits += len(page.features)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], hits


def load(store: CatalogStore, items: list[dict], dsn: str = "", batch: int = 5000) -> float:
    """Seconds until the store is ready to query: items written, indexes built, statistics fresh
    (ANALYZE on both engines, as their maintenance would do after a bulk load)."""
    start = time.perf_counter()
    store.write_collection(demo_collection("bench"), create=True)
    for i in range(0, len(items), batch):
        store.write_items("bench", items[i : i + batch], mode="create")
    if isinstance(store, SQLiteStore):
        store._db.execute("ANALYZE")
    else:
        import psycopg

        with psycopg.connect(dsn, autocommit=True, options="-c search_path=pgstac,public") as conn:
            conn.execute("SELECT maintain_partitions()")
            conn.execute("ANALYZE")
    return time.perf_counter() - start


def index_like_embedded(dsn: str) -> None:
    """PgSTAC B-tree indexes on the properties the embedded store indexes (a fair reference: an
    operator would add them for the catalog's common filters)."""
    import psycopg

    with psycopg.connect(dsn, autocommit=True, options="-c search_path=pgstac,public") as conn:
        prepare_database(conn)
        conn.execute("UPDATE queryables SET property_index_type = 'BTREE' WHERE name = 'eo:cloud_cover'")
        conn.execute(
            "INSERT INTO queryables (name, definition, property_index_type) "
            "SELECT 'platform', '{\"type\": \"string\"}'::jsonb, 'BTREE' "
            "WHERE NOT EXISTS (SELECT 1 FROM queryables WHERE name = 'platform')"
        )


def _stores(cluster: pgstac_cluster.Cluster) -> tuple[list[tuple[str, CatalogStore, str]], Any]:
    """embedded, PgSTAC by SQL, PgSTAC via stac-fastapi-pgstac (its own database, same cluster)."""
    import psycopg

    with psycopg.connect(cluster.dsn, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE stacapi TEMPLATE {cluster.database}")
    api_dsn = cluster.dsn.rsplit("/", 1)[0] + "/stacapi"
    for dsn in (cluster.dsn, api_dsn):
        index_like_embedded(dsn)
    api = pgstac_cluster.start_stac_api(cluster, "stacapi", sys.executable)
    stores: list[tuple[str, CatalogStore, str]] = [
        ("embedded", SQLiteStore(Path(tempfile.mkdtemp()) / "bench.sqlite"), ""),
        ("pgstac", PgSTACStore(cluster.dsn), cluster.dsn),
        ("stac-fastapi", StacApiStore(api.url), api_dsn),
    ]
    return stores, api


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=60)
    args = parser.parse_args()
    items = demo_items(args.items, collection_id="bench")
    for item in items:
        item["geometry"] = rfc7946(item["geometry"])
    boxes, filters = queries(args.queries)

    why = pgstac_cluster.missing()
    if why:
        sys.exit(why)
    cluster = pgstac_cluster.start(str(Path(sys.executable).parent / "pypgstac"))
    api = None
    try:
        stores, api = _stores(cluster)
        results: dict[str, dict[str, tuple[float, ...]]] = {}
        for name, store, dsn in stores:
            seconds = load(store, items, dsn)
            print(f"{name}: loaded in {seconds:.1f} s", file=sys.stderr, flush=True)
            timed(store, boxes[:5])  # warm-up
            results[name] = {
                "load": (seconds,),
                "bbox+datetime": timed(store, boxes),
                "cql2 filter": timed(store, filters),
            }
            store.close()
        print(f"{args.items} items, {args.queries} queries each, times in ms (load in s); "
              "ratio = embedded / other (< 1: embedded faster)")  # fmt: skip
        e = results["embedded"]
        for other in ("pgstac", "stac-fastapi"):
            o = results[other]
            label = "PgSTAC (SQL search())" if other == "pgstac" else "PgSTAC via stac-fastapi-pgstac"
            print(f"-- embedded vs {label}")
            print(f"   load             embedded {e['load'][0]:8.1f}  {other} {o['load'][0]:8.1f}  "
                  f"ratio {e['load'][0] / o['load'][0]:.2f}")  # fmt: skip
            for kind in ("bbox+datetime", "cql2 filter"):
                (ep50, ep95, eh), (op50, op95, oh) = e[kind], o[kind]
                print(f"   {kind:15s}  p50 embedded {ep50:7.2f}  {other} {op50:7.2f}  "
                      f"ratio {ep50 / op50:.2f}   "
                      f"p95 embedded {ep95:7.2f}  {other} {op95:7.2f}  ratio {ep95 / op95:.2f}   "
                      f"hits {eh}/{oh}")  # fmt: skip
    finally:
        if api is not None:
            pgstac_cluster.stop_stac_api(api)
        pgstac_cluster.stop(cluster)


if __name__ == "__main__":
    main()
