"""Actions on real rasters made offline: STAC item building (rio-stac), COG conversion, code."""

from __future__ import annotations

from pathlib import Path

import pytest

from polartep_lab.core.errors import Invalid
from polartep_lab.files import actions, samples
from polartep_lab.files.local import LocalRoot


def test_stac_item_of_a_polar_raster(tmp_path: Path) -> None:
    # Given an Antarctic raster (EPSG:3031) in a workspace root
    samples.polar_geotiff(tmp_path / "ant.tif", size=64, epsg=3031)
    root = LocalRoot("workspace", tmp_path)
    # When an item is built for collection "uploads"
    item = actions.build_item(root, "ant.tif", "uploads", None)
    # Then it is a STAC item with projection info, an asset pointing at the file and a polar bbox
    assert item["type"] == "Feature" and item["id"] == "ant" and item["collection"] == "uploads"
    assert item["properties"].get("proj:code") == "EPSG:3031" or item["properties"].get("proj:epsg") == 3031
    assert item["assets"]["data"]["href"] == str(tmp_path / "ant.tif")
    assert item["bbox"][1] == pytest.approx(-90, abs=0.5)
    assert not [link for link in item["links"] if link["rel"] in ("self", "root", "parent")]
    collection = actions.new_collection("uploads", "Uploads", item)
    assert collection["extent"]["spatial"]["bbox"] == [item["bbox"]]


def test_a_non_raster_cannot_become_an_item(tmp_path: Path) -> None:
    (tmp_path / "x.tif").write_bytes(b"not a tiff")
    with pytest.raises(Invalid):
        actions.build_item(LocalRoot("workspace", tmp_path), "x.tif", "c", None)


def test_code_snippets_name_the_right_library(tmp_path: Path) -> None:
    root = LocalRoot("workspace", tmp_path)
    assert "rioxarray.open_rasterio" in actions.code_snippet(root, "a.tif", "raster")
    assert "gpd.read_file" in actions.code_snippet(root, "a.gpkg", "vector")
    assert "xr.open_zarr" in actions.code_snippet(root, "c.zarr", "zarr")
