"""Embedded workspace catalog (SQLite + R-tree) against PgSTAC, measured in the same run.

    python benchmarks/stac_search.py [--items 100000] [--queries 60]

Loads the same synthetic polar items (footprints across the dateline and around the poles,
5 years of dates) into both stores, then times bbox+datetime+limit=100 searches and a CQL2
property filter on each, in-process (the service's store API; PgSTAC through its `search()`
SQL function on a local PostgreSQL 15 cluster started here). Prints p50/p95 and the ratio
embedded/PgSTAC (< 1 means the embedded store is faster). Schema validation is not timed.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from polartep_lab.stac.demo import demo_collection, demo_items
from polartep_lab.stac.geometry import rfc7946
from polartep_lab.stac.pgstac_store import PgSTACStore
from polartep_lab.stac.search import parse_search
from polartep_lab.stac.sqlite_store import SQLiteStore
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


def load(store: CatalogStore, items: list[dict], batch: int = 5000) -> float:
    start = time.perf_counter()
    store.write_collection(demo_collection("bench"), create=True)
    for i in range(0, len(items), batch):
        store.write_items("bench", items[i : i + batch], mode="create")
    return time.perf_counter() - start


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
    try:
        embedded: CatalogStore = SQLiteStore(Path(tempfile.mkdtemp()) / "bench.sqlite")
        pgstac: CatalogStore = PgSTACStore(cluster.dsn)
        results: dict[str, dict[str, tuple[float, ...]]] = {}
        for name, store in (("embedded", embedded), ("pgstac", pgstac)):
            seconds = load(store, items)
            timed(store, boxes[:5])  # warm-up
            results[name] = {
                "load": (seconds,),
                "bbox+datetime": timed(store, boxes),
                "cql2 filter": timed(store, filters),
            }
        print(f"{args.items} items, {args.queries} queries each (ms; ratio = embedded / PgSTAC)")
        e, p = results["embedded"], results["pgstac"]
        print(f"load:            embedded {e['load'][0]:8.1f} s   pgstac {p['load'][0]:8.1f} s   "
              f"ratio {e['load'][0] / p['load'][0]:.2f}")  # fmt: skip
        for kind in ("bbox+datetime", "cql2 filter"):
            (ep50, ep95, eh), (pp50, pp95, ph) = e[kind], p[kind]
            print(f"{kind:15s}  p50 embedded {ep50:7.2f}  pgstac {pp50:7.2f}  ratio {ep50 / pp50:.2f}   "
                  f"p95 embedded {ep95:7.2f}  pgstac {pp95:7.2f}  ratio {ep95 / pp95:.2f}   "
                  f"hits {eh}/{ph}")  # fmt: skip
        embedded.close()
        pgstac.close()
    finally:
        pgstac_cluster.stop(cluster)


if __name__ == "__main__":
    main()
