"""The notebook map widget: its layers point at the workspace tiler and serve valid PNG tiles."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polartep_lab
from polartep_lab.tiles.samples import ARCTIC

from .tiles_support import SAMPLES, decode_png, sample_folder_fixture, samples_fixture, stop_tilers  # noqa: F401


async def test_map_layer_points_at_the_workspace_tiler(
    samples: Path, jp_base_url: str, http_server_client: Any, jp_auth_header: dict[str, str]
) -> None:
    # Given a notebook map in the Arctic projection
    m = polartep_lab.Map(projection="EPSG:3413", base_url=jp_base_url)
    assert m.crs["name"] == "EPSG:3413" and m.crs["resolutions"][0] == 32768
    # When a workspace COG is added
    layer = m.add_cog_layer(str(samples / ARCTIC), bidx=1, rescale="0,50", colormap_name="ice")
    # Then its URL is the workspace tiler's EPSG3413Quad template
    prefix = f"{jp_base_url.rstrip('/')}/polartep/tiles/cog/tiles/EPSG3413Quad/{{z}}/{{x}}/{{y}}.png?"
    assert layer.url.startswith(prefix), layer.url
    assert layer in m.layers
    # And a tile fetched from it is a valid PNG with data at the pole
    try:
        response = await http_server_client.fetch(
            layer.url.format(z=0, x=0, y=0), headers=jp_auth_header, raise_error=False, request_timeout=120
        )
        assert response.code == 200, response.body[:300]
        rgba = decode_png(response.body)
        assert rgba.shape == (4, 256, 256) and rgba[3, 128, 128] == 255
    finally:
        stop_tilers()


def test_tile_urls_and_magic_cover_every_projection(capsys: Any) -> None:
    from polartep_lab.magics import tiles

    urls = tiles(f"{SAMPLES}/{ARCTIC} rescale=0,50")
    assert set(urls) == {"EPSG:3413", "EPSG:3031", "EPSG:3857"}
    assert "/polartep/tiles/cog/tiles/EPSG3031Quad/{z}/{x}/{y}.png?" in urls["EPSG:3031"]
    assert "EPSG:3857: " in capsys.readouterr().out
    m = polartep_lab.Map(projection="EPSG:3031", base_url="/user/a/")
    layer = m.add_stac_layer("item.json", assets="data")
    assert layer.url.startswith("/user/a/polartep/tiles/stac/tiles/EPSG3031Quad/")
    assert "assets=data" in layer.url
