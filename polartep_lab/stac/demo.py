"""Demo polar data for the workspace catalog (`make lab`, the example notebook, the benchmark).

Synthetic sea-ice scenes: Arctic footprints in EPSG:3413 swaths (some across the dateline, some
around the North Pole) and Antarctic ones (EPSG:3031), with eo:cloud_cover and proj:epsg.
Metadata only: the items describe scenes, they carry no raster files.
"""

from __future__ import annotations

import math
import os
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

DEMO_COLLECTION = "polar-sea-ice-demo"


def demo_collection(collection_id: str = DEMO_COLLECTION) -> dict[str, Any]:
    return {
        "type": "Collection",
        "stac_version": "1.0.0",
        "stac_extensions": [],
        "id": collection_id,
        "title": "Polar sea-ice scenes (demo)",
        "description": "Synthetic sea-ice concentration scenes over the Arctic (EPSG:3413) and the "
        "Antarctic (EPSG:3031); footprints cross the dateline and cover the poles.",
        "keywords": ["sea ice", "arctic", "antarctic", "demo"],
        "license": "CC-BY-4.0",
        "extent": {
            "spatial": {"bbox": [[-180, -90, 180, 90]]},
            "temporal": {"interval": [["2020-01-01T00:00:00Z", "2024-12-31T23:59:59Z"]]},
        },
        "links": [],
    }


def _swath(lon: float, lat: float, width: float, height: float) -> tuple[dict[str, Any], list[float]]:
    """A lon/lat box centred on (lon, lat); written across the dateline when it crosses it."""
    west = lon - width / 2
    east = lon + width / 2
    south, north = max(-90.0, lat - height / 2), min(90.0, lat + height / 2)

    def wrap(x: float) -> float:
        return ((x + 180.0) % 360.0) - 180.0

    ring = [[wrap(west), south], [wrap(east), south], [wrap(east), north], [wrap(west), north]]
    ring.append(ring[0])
    return {"type": "Polygon", "coordinates": [ring]}, [wrap(west), south, wrap(east), north]


def _cap(lat: float) -> tuple[dict[str, Any], list[float]]:
    """A ring of latitude around the nearest pole (contains the pole)."""
    step = -90 if lat < 0 else 90
    lons = [0, step, 180, -step, 0]
    ring = [[float(x), lat] for x in lons]
    box = [-180.0, lat, 180.0, 90.0] if lat > 0 else [-180.0, -90.0, 180.0, lat]
    return {"type": "Polygon", "coordinates": [ring]}, box


def demo_items(
    count: int = 60, seed: int = 3413, collection_id: str = DEMO_COLLECTION, years: int = 5
) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    start = datetime(2020, 1, 1, tzinfo=UTC)
    items = []
    for n in range(count):
        arctic = rng.random() < 0.7
        when = start + timedelta(seconds=rng.random() * years * 365 * 86400)
        if rng.random() < 0.05:
            geometry, bbox = _cap(84.0 if arctic else -80.0)
        else:
            lat = rng.uniform(62, 86) if arctic else rng.uniform(-85, -62)
            lon = rng.uniform(-180, 180)
            width = min(40.0, 3.0 / max(0.05, math.cos(math.radians(lat))))
            geometry, bbox = _swath(lon, lat, width, 3.0)
        items.append(
            {
                "type": "Feature",
                "stac_version": "1.0.0",
                "stac_extensions": [],
                "id": f"seaice-{'n' if arctic else 's'}-{n:06d}",
                "collection": collection_id,
                "geometry": geometry,
                "bbox": bbox,
                "properties": {
                    "datetime": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "eo:cloud_cover": round(rng.uniform(0, 100), 1),
                    "proj:epsg": 3413 if arctic else 3031,
                    "platform": rng.choice(["sentinel-1a", "sentinel-1b", "sentinel-2a"]),
                },
                "assets": {
                    "concentration": {
                        "href": f"https://example.invalid/seaice/{n:06d}.tif",
                        "type": "image/tiff; application=geotiff; profile=cloud-optimized",
                        "roles": ["data"],
                        "title": "Sea-ice concentration (%)",
                    }
                },
                "links": [],
            }
        )
    return items


def seed_demo(workspace: Path) -> list[str]:
    """Add the demo collection to the workspace catalog (idempotent; never replaces anything)."""
    from .notebook import service

    data_dir = os.environ.get("POLARTEP_DATA_DIR") or str(Path(workspace) / ".polartep")
    svc = service(data_dir)
    if svc.store.read_collection(DEMO_COLLECTION) is not None:
        return []
    svc.create_collection(demo_collection())
    count = svc.create_items(DEMO_COLLECTION, demo_items())
    return [f"stac: collection {DEMO_COLLECTION} ({count} items) in the workspace catalog"]
