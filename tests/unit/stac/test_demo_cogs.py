"""The demo sea-ice concentration COGs: valid COGs, valid STAC items, right projections and dates."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from polartep_lab.stac.demo_cogs import (
    ASSET,
    COG_COLLECTION,
    NODATA,
    concentration,
    demo_cog_collection,
    edge_latitude,
    ice,
    make_cogs,
    scenes,
    seed_cog_demo,
)
from polartep_lab.stac.validation import errors_of


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict], float]:
    folder = tmp_path_factory.mktemp("sea-ice")
    start = time.perf_counter()
    items = make_cogs(folder)
    return folder, items, time.perf_counter() - start


def test_every_scene_is_a_valid_cog_with_its_polar_crs(made: tuple[Path, list[dict], float]) -> None:
    import rasterio
    from rio_cogeo.cogeo import cog_validate

    folder, items, seconds = made
    # Given the demo scenes, Arctic and Antarctic, written in a few seconds
    assert len(items) == len(scenes()) >= 8 and seconds < 30
    for scene in scenes():
        path = folder / scene.filename
        # Then each file is a valid Cloud-Optimized GeoTIFF (rio-cogeo's own validator)
        valid, errors, _ = cog_validate(str(path), quiet=True)
        assert valid, (path.name, errors)
        with rasterio.open(path) as src:
            # in the polar stereographic CRS of its hemisphere, with overviews and nodata
            assert src.crs.to_epsg() == scene.epsg
            assert src.nodata == NODATA and src.overviews(1)
            data = src.read(1)
        # And holds concentrations 0-100 % with land masked
        values = data[data != NODATA]
        assert values.min() == 0 and 90 <= values.max() <= 100
        assert 0.05 < (data == NODATA).mean() < 0.8


def test_items_validate_and_describe_the_rasters(made: tuple[Path, list[dict], float]) -> None:
    folder, items, _ = made
    for scene, item in zip(scenes(), items, strict=True):
        # Each item is valid STAC (the schemas the workspace catalog enforces, which adds the
        # collection link itself) …
        linked = {**item, "links": [{"rel": "collection", "href": "../collection.json"}]}
        assert errors_of(linked, "item") == [], item["id"]
        assert item["collection"] == COG_COLLECTION and item["id"] == scene.item_id
        # … with the projection, raster and eo extensions rio-stac fills from the file
        extensions = " ".join(item["stac_extensions"])
        assert "projection" in extensions and "raster" in extensions and "eo" in extensions
        props = item["properties"]
        epsg = props.get("proj:epsg") or int(str(props.get("proj:code", ":0")).split(":")[1])
        assert epsg == scene.epsg
        asset = item["assets"][ASSET]
        assert asset["roles"] == ["data"] and "cloud-optimized" in asset["type"]
        assert Path(asset["href"]) == (folder / scene.filename).resolve()
        band = asset["raster:bands"][0]
        assert band["nodata"] == NODATA and band["data_type"] == "uint8"
        assert 0 <= band["statistics"]["minimum"] < band["statistics"]["maximum"] <= 100
        assert item["assets"]["thumbnail"]["type"] == "image/png"
        assert Path(item["assets"]["thumbnail"]["href"]).exists()
        # the footprint reaches the pole (the rasters are discs around it)
        assert (item["bbox"][3] if scene.epsg == 3413 else -item["bbox"][1]) == 90
    # The dates are distinct within each hemisphere, and the ice edge moves with them
    for hemisphere in ("north", "south"):
        mine = [i for i in items if f"-{hemisphere}-" in i["id"]]
        assert len({i["properties"]["datetime"] for i in mine}) == len(mine) >= 3
    assert errors_of(demo_cog_collection(), "collection") == []


def test_the_ice_edge_follows_the_season() -> None:
    from datetime import UTC, datetime

    # Ice at 75°N over the open Barents Sea (20°E) in March, open water there in late summer
    march, september = datetime(2024, 3, 15, tzinfo=UTC), datetime(2024, 9, 15, tzinfo=UTC)
    assert concentration("north", march, 20.0, 75.0) > 50
    assert concentration("north", september, 20.0, 75.0) == 0
    # Land is masked (Greenland, Svalbard, Antarctica), the central Arctic is pack ice all year
    assert concentration("north", march, -42.0, 72.0) == NODATA
    assert concentration("north", march, 16.0, 78.5) == NODATA
    assert concentration("south", march, 0.0, -89.9) == NODATA != concentration("south", march, 0.0, -60)
    assert concentration("north", september, 0.0, 89.0) >= 85
    # Across the ice edge: open water south of it, a marginal ice zone, then pack ice
    edge = float(edge_latitude("north", march, 20.0))
    lat = np.linspace(60, 89, 59)
    values = ice("north", march, 20.0, lat).astype(int)
    assert np.all(values[lat < edge] == 0) and np.all(values[lat > edge + 4] >= 85)
    zone = values[(lat > edge) & (lat < edge + 4)]
    assert np.all(np.diff(zone) > 0) and 0 < zone.min() < 50 < zone.max()


def test_seeding_is_idempotent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from polartep_lab.stac.notebook import service

    monkeypatch.setenv("POLARTEP_DATA_DIR", str(tmp_path / "state"))
    # Given an empty workspace, when it is seeded twice
    first = seed_cog_demo(tmp_path / "ws")
    again = seed_cog_demo(tmp_path / "ws")
    # Then the files and the collection are made once
    assert any(p.endswith(".tif") for p in first) and any("stac:" in p for p in first)
    assert again == []
    found = service(tmp_path / "state").search(collections=[COG_COLLECTION], limit=100)
    assert len(found["features"]) == len(scenes())
    north = service(tmp_path / "state").search(collections=[COG_COLLECTION], bbox=[-180, 80, 180, 90])
    assert {f["properties"]["proj:epsg"] for f in north["features"]} == {3413}
