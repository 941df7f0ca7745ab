"""The demo sea-ice COGs through the workspace tiler: WMTS read by OWSLib in both grid kinds,
tiles fetched from the templates it finds, and a leafmap widget on the tiler's URLs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import pyproj
import pytest

from polartep_lab.maps import tile_urls
from polartep_lab.stac.demo_cogs import COG_FOLDER, NODATA, concentration, make_cogs, scenes, stac_item

from .tiles_support import decode_png, tiler_fixture  # noqa: F401

E = 4_194_304.0
MARCH = next(s for s in scenes() if s.hemisphere == "north" and s.when.month == 3)


@pytest.fixture(scope="session")
def sea_ice_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sea-ice")
    make_cogs(folder)
    return folder


@pytest.fixture
def sea_ice(jp_root_dir: Path, sea_ice_folder: Path) -> Path:
    """The demo COGs in the server root at data/sea-ice/."""
    target = jp_root_dir / COG_FOLDER
    shutil.copytree(sea_ice_folder, target)
    return target


def server_path(template: str, **values: Any) -> str:
    """A WMTS resource template filled in, as a path on the notebook server."""
    url = template
    for key, value in values.items():
        url = url.replace("{" + key + "}", str(value))
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def lonlat_pixel(transformer: Any, lon: float, lat: float, z: int = 0) -> tuple[int, int]:
    """Row, col in tile 0/0 of EPSG3413Quad at zoom ``z`` of lon/lat."""
    x, y = transformer.transform(lon, lat)
    res = 2 * E / 256 / 2**z
    return int((E - y) // res), int((x + E) // res)


async def test_wmts_of_a_demo_cog_is_read_by_owslib_and_its_templates_serve_tiles(
    sea_ice: Path, tiler: Any, http_server_client: Any, jp_auth_header: dict[str, str]
) -> None:
    from owslib.wmts import WebMapTileService

    # Given the March Arctic sea-ice COG (EPSG:3413) in the workspace
    source = f"{COG_FOLDER}/{MARCH.filename}"
    # When OWSLib, a real WMTS client, reads the tiler's capabilities for it
    response = await tiler("cog/WMTSCapabilities.xml", url=source, rescale="0,100")
    assert response.code == 200, response.body[:300]
    wmts = WebMapTileService("http://unused/wmts", xml=response.body)
    # Then both kinds of grid are offered: the polar EPSG:3413 one and Web Mercator
    assert {"EPSG3413Quad", "WebMercatorQuad"} <= set(wmts.tilematrixsets)
    assert wmts.tilematrixsets["EPSG3413Quad"].crs.endswith("3413")
    assert wmts.tilematrixsets["WebMercatorQuad"].crs.endswith("3857")
    tiles = {}
    for grid, (z, col, row) in (("EPSG3413Quad", (0, 0, 0)), ("WebMercatorQuad", (2, 2, 0))):
        layer = next(v for v in wmts.contents.values() if grid in v.tilematrixsetlinks)
        template = next(r["template"] for r in layer.resourceURLs if r["resourceType"] == "tile")
        assert str(z) in wmts.tilematrixsets[grid].tilematrix
        # And the tile templates it found, filled in, serve PNG tiles through the notebook server
        path = server_path(template, TileMatrix=z, TileCol=col, TileRow=row)
        assert path.startswith("/") and "/polartep/tiles/cog/tiles/" in path, template
        tile = await http_server_client.fetch(
            path, headers=jp_auth_header, raise_error=False, request_timeout=120
        )
        assert tile.code == 200, tile.body[:300]
        tiles[grid] = decode_png(tile.body)
    # The polar tile holds the whole Arctic disc: pack ice at the pole, Greenland masked, off-disc empty
    value, alpha = tiles["EPSG3413Quad"]
    to_3413 = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:3413", always_xy=True)
    pole = lonlat_pixel(to_3413, 0.0, 90.0)
    assert alpha[pole] == 255 and value[pole] >= 85
    assert alpha[lonlat_pixel(to_3413, -42.0, 72.0)] == 0  # central Greenland: land
    assert alpha[5, 5] == 0  # outside the disc
    assert (alpha == 255).sum() > 5_000
    # The Web Mercator tile (0-90°E, 66.5-85°N) shows the Barents/Kara Seas, data up to its edge
    value, alpha = tiles["WebMercatorQuad"]
    assert (alpha == 255).sum() > 5_000


async def test_wmts_of_a_demo_stac_item_names_both_grid_kinds(sea_ice: Path, tiler: Any) -> None:
    from owslib.wmts import WebMapTileService

    # Given the demo item of the March COG as a STAC item file in the workspace
    item = stac_item(MARCH, sea_ice / MARCH.filename)
    (sea_ice / "item.json").write_text(json.dumps(item))
    # When OWSLib reads the STAC tiler's capabilities for its data asset
    response = await tiler("stac/WMTSCapabilities.xml", url=f"{COG_FOLDER}/item.json", assets="data")
    assert response.code == 200, response.body[:300]
    wmts = WebMapTileService("http://unused/wmts", xml=response.body)
    # Then it finds the polar and the Web Mercator grids, each with tiles from the STAC tiler
    for grid in ("EPSG3413Quad", "WebMercatorQuad"):
        layer = next(v for v in wmts.contents.values() if grid in v.tilematrixsetlinks)
        assert f"/polartep/tiles/stac/tiles/{grid}/" in layer.resourceURLs[0]["template"]


async def test_leafmap_widget_with_workspace_tiler_urls(
    sea_ice: Path, tiler: Any, jp_base_url: str, http_server_client: Any, jp_auth_header: dict[str, str]
) -> None:
    import leafmap

    # Given a leafmap map and the workspace tiler's URL template of a demo COG
    m = leafmap.Map(center=(75, 45), zoom=2)
    urls = tile_urls(str(sea_ice / MARCH.filename), base_url=jp_base_url, rescale="0,100")
    # When the template is added as a leafmap tile layer
    m.add_tile_layer(url=urls["EPSG:3857"], name="sea ice March", attribution="Polar TEP demo")
    layer = next(layer for layer in m.layers if getattr(layer, "name", "") == "sea ice March")
    # Then the layer's URL points at the workspace tiler below the notebook server
    base = jp_base_url.rstrip("/")
    assert layer.url.startswith(f"{base}/polartep/tiles/cog/tiles/WebMercatorQuad/{{z}}/{{x}}/{{y}}.png?")
    # And a tile fetched from it is a valid PNG with the COG's values where the sea is
    tile = await http_server_client.fetch(
        layer.url.format(z=2, x=2, y=0), headers=jp_auth_header, raise_error=False, request_timeout=120
    )
    assert tile.code == 200, tile.body[:300]
    value, alpha = decode_png(tile.body)
    assert value.shape == (256, 256) and (alpha == 255).sum() > 5_000
    # (rescale 0,100 -> 0..255: pack ice is bright, and land stays transparent)
    assert value[alpha == 255].max() >= 0.85 * 255
    assert concentration("north", MARCH.when, 100.0, 67.0) == NODATA  # Siberia: land …
    assert np.any(alpha == 0)  # … transparent on the tile
