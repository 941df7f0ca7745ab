"""Real titiler-pgstac for the tiles integration tests: PgSTAC cluster, polar COG items, uvicorn.

Everything runs on 127.0.0.1: a PostgreSQL 15 + PostGIS + PgSTAC cluster in a temp dir
(:mod:`tests.pgstac_cluster`), the sample COGs of :mod:`polartep_lab.tiles.samples` loaded as STAC
items with absolute asset paths, and titiler-pgstac (``titiler.pgstac.main:app``) under uvicorn with
our polar grids in ``TILEMATRIXSET_DIRECTORY``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from polartep_lab.tiles.grids import write_grid_files
from polartep_lab.tiles.samples import ANTARCTIC, ARCTIC, _write_cog, make_samples, quadrants, stac_item
from tests import pgstac_cluster
from tests.netutil import free_port, stop_process, wait_for_http

#: the collections loaded into PgSTAC
POLAR = "polar-quadrants"  # the pole-centred quadrant COGs (Arctic in 3413, Antarctic in 3031)
CAP = "polar-cap"  # one item: the cap north of ~87.3°N (contains the pole)
NEAR_POLE = "near-pole"  # one item next to the pole (in 3413: x, y in 100..500 km), not covering it
NEAR_POLE_VALUE = 77


@dataclass
class RasterAPI:
    url: str
    cluster: pgstac_cluster.Cluster
    cogs: Path
    process: subprocess.Popen[bytes]
    log: Path


def near_pole_raster(path: Path) -> Path:
    """An EPSG:3413 COG over x, y in 100..500 km: beside the pole (lon 56..124°E, lat 83.6..88.7°N)."""
    import numpy as np
    from rasterio.transform import from_bounds

    data = np.full((1, 100, 100), NEAR_POLE_VALUE, dtype="uint8")
    return _write_cog(path, data, "EPSG:3413", from_bounds(100_000, 100_000, 500_000, 500_000, 100, 100), 0)


def footprint_item(raster: Path, item_id: str, collection: str) -> dict[str, Any]:
    """A STAC item whose geometry is the raster's densified footprint (not a lon/lat box)."""
    import rasterio
    from rasterio.warp import transform_geom
    from shapely.geometry import shape

    with rasterio.open(raster) as src:
        left, bottom, right, top = src.bounds
        steps = 20
        ring = (
            [(left + (right - left) * i / steps, bottom) for i in range(steps)]
            + [(right, bottom + (top - bottom) * i / steps) for i in range(steps)]
            + [(right - (right - left) * i / steps, top) for i in range(steps)]
            + [(left, top - (top - bottom) * i / steps) for i in range(steps)]
        )
        ring.append(ring[0])
        geometry = transform_geom(src.crs, "EPSG:4326", {"type": "Polygon", "coordinates": [ring]})
        epsg, shape_, bounds = src.crs.to_epsg(), [src.height, src.width], list(src.bounds)
    item = stac_item(raster, item_id, collection)
    item["geometry"] = geometry
    item["bbox"] = list(shape(geometry).bounds)
    item["properties"].update({"proj:epsg": epsg, "proj:shape": shape_, "proj:bbox": bounds})
    item["assets"]["data"]["href"] = str(raster)
    del item["assets"]["metadata"]
    return item


def collection(cid: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    boxes = [i["bbox"] for i in items]
    bbox = [min(b[i] for b in boxes) for i in (0, 1)] + [max(b[i] for b in boxes) for i in (2, 3)]
    return {
        "type": "Collection", "stac_version": "1.0.0", "id": cid, "description": f"tiles test {cid}",
        "license": "CC0-1.0", "links": [],
        "extent": {"spatial": {"bbox": [bbox]}, "temporal": {"interval": [["2024-01-01T00:00:00Z", None]]}},
    }  # fmt: skip


def polar_items(cogs: Path) -> dict[str, list[dict[str, Any]]]:
    """Collection id -> its items, assets pointing at the COGs by absolute path."""
    make_samples(cogs)
    cap = quadrants(cogs / "cap-3413.tif", 3413, half=300_000, size=150)
    near = near_pole_raster(cogs / "near-pole-3413.tif")
    out: dict[str, list[dict[str, Any]]] = {POLAR: [], CAP: []}
    out[NEAR_POLE] = [footprint_item(near, "near", NEAR_POLE)]
    for name, item_id in ((ARCTIC, "arctic"), (ANTARCTIC, "antarctic")):
        item = stac_item(cogs / name, item_id, POLAR)
        item["assets"]["data"]["href"] = str(cogs / name)
        del item["assets"]["metadata"]
        out[POLAR].append(item)
    cap_item = stac_item(cap, "cap", CAP)
    cap_item["assets"]["data"]["href"] = str(cap)
    del cap_item["assets"]["metadata"]
    out[CAP].append(cap_item)
    return out


def load(cluster: pgstac_cluster.Cluster, items: dict[str, list[dict[str, Any]]], folder: Path) -> None:
    """`pypgstac load` the collections and items (the way an eoAPI deployment is fed)."""
    pypgstac = str(Path(sys.executable).parent / "pypgstac")
    env = {**os.environ, **cluster.env}
    collections = folder / "collections.ndjson"
    collections.write_text("\n".join(json.dumps(collection(c, its)) for c, its in items.items()) + "\n")
    ndjson = folder / "items.ndjson"
    ndjson.write_text("\n".join(json.dumps(i) for its in items.values() for i in its) + "\n")
    for kind, path in (("collections", collections), ("items", ndjson)):
        subprocess.run(
            [pypgstac, "load", kind, str(path), "--method", "upsert"],
            env=env, check=True, capture_output=True, timeout=300,
        )  # fmt: skip


def start_titiler_pgstac(
    cluster: pgstac_cluster.Cluster, folder: Path
) -> tuple[str, subprocess.Popen[bytes], Path]:
    """uvicorn titiler.pgstac.main:app on 127.0.0.1 with the polar grids registered."""
    grids = folder / "tms"
    write_grid_files(grids)
    port = free_port()
    log = folder / "titiler-pgstac.log"
    env = {
        **os.environ,
        **cluster.env,
        "TILEMATRIXSET_DIRECTORY": str(grids),
        "TITILER_PGSTAC_CACHE_DISABLE": "TRUE",
        "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",
    }
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "titiler.pgstac.main:app", "--host", "127.0.0.1",
             "--port", str(port), "--log-level", "warning"],
            env=env, stdout=out, stderr=subprocess.STDOUT, cwd=folder,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    wait_for_http(
        f"{url}/healthz",
        120,
        process=process,
        log=log,
        name="titiler-pgstac",
        on_failure=lambda: stop(process),
    )
    return url, process, log


def stop(process: subprocess.Popen[bytes]) -> None:
    stop_process(process, timeout=30)
