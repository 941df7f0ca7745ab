"""STAC objects for the stac tests: valid ones built from the official examples, polar footprints."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

CONTRACTS = Path(__file__).parent / "contracts" / "stac"


def example(name: str) -> dict[str, Any]:
    return json.loads((CONTRACTS / "examples" / "v1.0.0" / f"{name}.json").read_text())


def collection(collection_id: str = "sea-ice") -> dict[str, Any]:
    coll = example("collection")
    coll["id"] = collection_id
    coll["title"] = f"Collection {collection_id}"
    coll["links"] = []
    return coll


def item(
    item_id: str, geometry: dict[str, Any], when: str = "2024-03-01T12:00:00Z", bbox: Any = None, **props: Any
) -> dict[str, Any]:
    base = copy.deepcopy(example("simple-item"))
    base.pop("collection", None)
    base["id"] = item_id
    base["geometry"] = geometry
    if bbox is None and geometry["type"] == "Point":
        bbox = [*geometry["coordinates"], *geometry["coordinates"]]
    base["bbox"] = bbox
    base["links"] = []
    base["properties"] = {"datetime": when, **props}
    return base


def box(west: float, south: float, east: float, north: float) -> dict[str, Any]:
    """A lon/lat rectangle; west > east is written across the dateline (not split)."""
    if west > east:
        east += 360
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {
        "type": "Polygon",
        "coordinates": [[[((x + 180) % 360) - 180 if x > 180 else x, y] for x, y in ring]],
    }


#: A ring of latitude around the North Pole, written as a ring (not split): contains the pole.
ARCTIC_CAP = {"type": "Polygon", "coordinates": [[[0, 84], [90, 84], [180, 84], [-90, 84], [0, 84]]]}
#: The same around the South Pole.
ANTARCTIC_CAP = {"type": "Polygon", "coordinates": [[[0, -80], [-90, -80], [180, -80], [90, -80], [0, -80]]]}


def polar_items() -> list[dict[str, Any]]:
    """Footprints a naive catalog gets wrong, plus controls."""
    return [
        item(
            "across-dateline",
            box(175, 62, -175, 66),
            "2024-03-01T00:00:00Z",
            [175, 62, -175, 66],
            **{"eo:cloud_cover": 5},
        ),
        item(
            "east-of-dateline",
            box(-178, 60, -172, 64),
            "2024-03-02T00:00:00Z",
            [-178, 60, -172, 64],
            **{"eo:cloud_cover": 50},
        ),
        item(
            "west-of-dateline",
            box(171, 61, 177, 65),
            "2024-03-03T00:00:00Z",
            [171, 61, 177, 65],
            **{"eo:cloud_cover": 15},
        ),
        item(
            "greenwich", box(-5, 62, 5, 66), "2024-03-04T00:00:00Z", [-5, 62, 5, 66], **{"eo:cloud_cover": 1}
        ),
        item("north-pole", ARCTIC_CAP, "2024-03-05T00:00:00Z", [-180, 84, 180, 90], **{"eo:cloud_cover": 30}),
        item(
            "south-pole",
            ANTARCTIC_CAP,
            "2024-03-06T00:00:00Z",
            [-180, -90, 180, -80],
            **{"eo:cloud_cover": 70},
        ),
        item(
            "pacific-mid",
            box(-160, 61, -150, 64),
            "2024-03-07T00:00:00Z",
            [-160, 61, -150, 64],
            **{"eo:cloud_cover": 2},
        ),
    ]
