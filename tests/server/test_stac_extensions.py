"""Writes are validated against the schemas of the STAC extensions they declare (bundled, offline)."""

from __future__ import annotations

import copy
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.server.conftest import fetch_json
from tests.stac_samples import collection

EO = "https://stac-extensions.github.io/eo/v1.1.0/schema.json"
UNKNOWN = "https://example.org/stac/polar-ice/v1.0.0/schema.json"


def _rio_stac_item(folder: Path) -> dict[str, Any]:
    """A real COG in EPSG:3413 described by rio-stac (projection + raster extensions) plus eo."""
    import numpy as np
    import rasterio
    from rasterio.transform import from_origin
    from rio_stac import create_stac_item

    path = folder / "sea-ice.tif"
    profile = {"driver": "GTiff", "width": 64, "height": 64, "count": 1, "dtype": "uint8", "crs": "EPSG:3413",
               "transform": from_origin(-1_000_000, 1_000_000, 25_000, 25_000), "nodata": 255}  # fmt: skip
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(np.arange(64 * 64, dtype="uint16").reshape(1, 64, 64).astype("uint8") % 101)
    item = create_stac_item(
        str(path), id="ice-3413", asset_href="https://example.invalid/sea-ice.tif", asset_name="data",
        with_proj=True, with_raster=True, with_eo=True, properties={"eo:cloud_cover": 12.5},
        input_datetime=datetime(2024, 3, 1),
    ).to_dict()  # fmt: skip
    item["links"] = []
    return item


async def test_rio_stac_items_are_checked_against_their_extensions(jp_fetch: Any, tmp_path: Path) -> None:
    await fetch_json(jp_fetch, "polartep", "stac", "collections", method="POST", body=collection())
    item = _rio_stac_item(tmp_path)
    assert any("projection" in u for u in item["stac_extensions"]) and EO in item["stac_extensions"]
    # Given an item whose extension fields break the extension schemas (cloud cover > 100, a band
    # data type raster does not know)
    bad = copy.deepcopy(item)
    bad["properties"]["eo:cloud_cover"] = 140
    bad["assets"]["data"]["raster:bands"][0]["data_type"] = "uint7"
    # When it is published
    code, body = await fetch_json(
        jp_fetch, "polartep", "stac", "collections", "sea-ice", "items", method="POST", body=bad
    )
    # Then it is refused with both reasons, each naming its extension, and nothing is stored
    assert code == 400, body
    assert "eo:cloud_cover" in body["message"] and "extension eo v1.1.0" in body["message"]
    assert "data_type" in body["message"] and "extension raster" in body["message"]
    code, _ = await fetch_json(jp_fetch, "polartep", "stac", "collections", "sea-ice", "items", "ice-3413")
    assert code == 404
    # And the item as rio-stac wrote it is accepted, with no warning
    response = await jp_fetch(
        "polartep", "stac", "collections", "sea-ice", "items", method="POST", body=json.dumps(item)
    )
    assert response.code == 201 and "Warning" not in response.headers


async def test_a_collection_is_checked_against_its_extensions(jp_fetch: Any) -> None:
    coll = collection("files")
    coll["stac_extensions"] = ["https://stac-extensions.github.io/file/v2.1.0/schema.json"]
    coll["assets"] = {"readme": {"href": "https://example.invalid/README.md", "file:size": -3}}
    code, body = await fetch_json(jp_fetch, "polartep", "stac", "collections", method="POST", body=coll)
    assert code == 400 and "file:size" in body["message"] and "extension file v2.1.0" in body["message"]
    code, _ = await fetch_json(jp_fetch, "polartep", "stac", "collections", "files")
    assert code == 404


async def test_an_unbundled_extension_is_accepted_with_a_warning(jp_fetch: Any) -> None:
    # Given a collection declaring an extension whose schema the workspace does not have
    coll = collection("polar-ice")
    coll["stac_extensions"] = [UNKNOWN]
    # When it is created (default policy: warn)
    response = await jp_fetch("polartep", "stac", "collections", method="POST", body=json.dumps(coll))
    # Then it is stored, and the answer says which extension was not checked
    assert response.code == 201
    assert response.headers["Warning"].startswith("299 polartep ") and UNKNOWN in response.headers["Warning"]


@pytest.fixture
def polartep_config(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The operator's policy for unbundled extensions: 'reject' in the test named so, else default."""
    return {"stac_unknown_extensions": "reject"} if "refused" in request.node.name else {}


async def test_an_unbundled_extension_is_refused_when_the_operator_says_so(jp_fetch: Any) -> None:
    coll = collection("polar-ice")
    coll["stac_extensions"] = [UNKNOWN]
    code, body = await fetch_json(jp_fetch, "polartep", "stac", "collections", method="POST", body=coll)
    assert code == 400 and UNKNOWN in body["message"] and "reject" in body["message"]
    code, _ = await fetch_json(jp_fetch, "polartep", "stac", "collections", "polar-ice")
    assert code == 404
