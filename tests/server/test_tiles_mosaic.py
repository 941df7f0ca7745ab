"""Mosaic tiles of a STAC search result through the proxy: a tile next to the pole is not empty."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from polartep_lab.tiles.samples import quadrants, stac_item

from .tiles_support import decode_png, tiler_fixture  # noqa: F401


async def test_mosaic_tile_next_to_the_pole_is_not_empty(jp_root_dir: Path, tiler: Any) -> None:
    # Given a search result with one item covering only the cap north of ~87.3°N and one far south
    cap = quadrants(jp_root_dir / "data" / "cap.tif", 3413, half=300_000, size=150)
    south = quadrants(jp_root_dir / "data" / "south.tif", 3031, half=300_000, size=150)
    features = [stac_item(cap, "cap"), stac_item(south, "south")]
    for feature, path in zip(features, (cap, south), strict=True):
        feature["assets"]["data"]["href"] = str(path)
    (jp_root_dir / "data" / "search.json").write_text(
        json.dumps({"type": "FeatureCollection", "features": features})
    )
    # When the Arctic grid's tile 3/3/3 (its corner is the pole) is asked for
    tile = await tiler("mosaic/tiles/EPSG3413Quad/3/3/3.png", url="data/search.json", assets="data", bidx="1")
    # Then the cap item is found and drawn in the tile's pole corner (quadrant x<0, y>=0 = 30)
    assert tile.code == 200, tile.body[:300]
    value, alpha = decode_png(tile.body)
    assert alpha[250, 250] == 255 and value[250, 250] == 30
    assert alpha[10, 10] == 0
    # And a tile the items do not cover says so
    empty = await tiler("mosaic/tiles/EPSG3413Quad/3/0/0.png", url="data/search.json")
    assert empty.code == 404 and "no item" in json.loads(empty.body)["message"]
    # And the search file itself is allow-listed like every url
    refused = await tiler("mosaic/tiles/EPSG3413Quad/3/3/3.png", url="/etc/passwd")
    assert refused.code == 403


async def test_mosaic_layers_from_a_search(jp_root_dir: Path, jp_fetch: Any, jp_serverapp: Any) -> None:

    from .conftest import fetch_json

    cap = quadrants(jp_root_dir / "data" / "cap.tif", 3413, half=300_000, size=150)
    feature = stac_item(cap, "cap", collection="polar-mosaic")
    feature["assets"]["data"]["href"] = str(cap)
    (jp_root_dir / "data" / "search.json").write_text(
        json.dumps({"type": "FeatureCollection", "features": [feature]})
    )
    # A saved search result becomes a mosaic layer
    code, layer = await fetch_json(
        jp_fetch, "polartep", "api", "tiles", "layers", method="POST", body={"mosaic_url": "data/search.json"}
    )
    assert code == 201, layer
    assert (
        layer["kind"] == "mosaic"
        and "/polartep/tiles/mosaic/tiles/EPSG3413Quad/" in layer["tiles"]["EPSG3413Quad"]
    )
    services = jp_serverapp.web_app.settings["polartep_services"]
    assert "stac" in services, "the stac feature must be on: these layers come from the workspace catalog"
    stac = services["stac"]
    stac.create_collection(
        {
            "type": "Collection", "stac_version": "1.0.0", "id": "polar-mosaic", "description": "mosaic test",
            "license": "CC0-1.0", "links": [],
            "extent": {"spatial": {"bbox": [feature["bbox"]]}, "temporal": {"interval": [[None, None]]}},
        }
    )  # fmt: skip
    stac.create_item("polar-mosaic", feature)
    code, layer = await fetch_json(
        jp_fetch, "polartep", "api", "tiles", "layers", method="POST",
        body={"search": {"collections": ["polar-mosaic"]}},
    )  # fmt: skip
    assert code == 201, layer
    assert layer["kind"] == "mosaic" and layer["projection"] == "EPSG:3413"
