"""The workspace tiler through jupyter-server-proxy: polar tiles reprojected right, WMTS, allow-list."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyproj
import pytest

from polartep_lab.tiles.samples import ARCTIC, ARCTIC_SECTORS, quadrant_value, quadrants, sector_value

from .tiles_support import SAMPLES, decode_png, sample_folder_fixture, samples_fixture, tiler_fixture  # noqa: F401

E = 4_194_304.0


def pixel_centre(grid_z: int, tx: int, ty: int, row: int, col: int) -> tuple[float, float]:
    """Projected centre of a pixel of a polar-grid tile (top-left origin, 256 px)."""
    res = 2 * E / 256 / 2**grid_z
    return -E + (tx * 256 + col + 0.5) * res, E - (ty * 256 + row + 0.5) * res


async def test_polar_tiles_are_reprojected_correctly(samples: Path, tiler: Any) -> None:
    # Given the pole-centred EPSG:3413 quadrant COG (±1000 km) in the workspace
    url = f"{SAMPLES}/{ARCTIC}"
    # When tile 3/3/3 of the EPSG3413Quad grid is asked for (the quadrant north-west of the pole)
    response = await tiler("cog/tiles/EPSG3413Quad/3/3/3.png", url=url, bidx="1")
    assert response.code == 200, response.body[:300]
    value, alpha = decode_png(response.body)
    # Then every pixel inside the data holds the value of its quadrant, outside is transparent
    checked = 0
    for row in range(0, 256, 17):
        for col in range(0, 256, 17):
            x, y = pixel_centre(3, 3, 3, row, col)
            inside = abs(x) < 1_000_000 - 8192 and abs(y) < 1_000_000 - 8192
            outside = abs(x) > 1_000_000 + 8192 or abs(y) > 1_000_000 + 8192
            if inside:
                assert alpha[row, col] == 255 and value[row, col] == quadrant_value(x, y), (row, col)
                checked += 1
            elif outside:
                assert alpha[row, col] == 0, (row, col)
    assert checked > 50
    # And at zoom 0 the single tile is centred on the pole with all four quadrants around it
    response = await tiler("cog/tiles/EPSG3413Quad/0/0/0.png", url=url, bidx="1")
    value, alpha = decode_png(response.body)
    assert [value[120, 120], value[120, 135], value[135, 120], value[135, 135]] == [30, 40, 10, 20]
    assert alpha[10, 10] == 0


async def test_geographic_raster_is_rotated_into_3413(samples: Path, tiler: Any) -> None:
    # Given an EPSG:4326 raster (60-90°N) whose value is the longitude sector
    to_lonlat = pyproj.Transformer.from_crs(3413, 4326, always_xy=True)
    # When the zoom-1 tiles of the Arctic grid are asked for
    checked = 0
    for tx, ty in ((0, 0), (1, 0), (0, 1), (1, 1)):
        response = await tiler(f"cog/tiles/EPSG3413Quad/1/{tx}/{ty}.png", url=f"{SAMPLES}/{ARCTIC_SECTORS}")
        assert response.code == 200, response.body[:300]
        value, alpha = decode_png(response.body)
        for row in range(0, 256, 9):
            for col in range(0, 256, 9):
                lon, lat = to_lonlat.transform(*pixel_centre(1, tx, ty, row, col))
                near_edge = min(abs(((lon - edge) + 180) % 360 - 180) for edge in (-90, 0, 90, 180)) < 2
                # Then each pixel north of 61° holds the sector of its own longitude (3413's
                # central meridian is -45°, so a wrong reprojection shifts sectors by 45°)
                if lat > 61 and not near_edge:
                    assert alpha[row, col] == 255 and value[row, col] == sector_value(lon), (lon, lat)
                    checked += 1
                elif lat < 59:
                    assert alpha[row, col] == 0
    assert checked > 500


async def test_web_mercator_cannot_show_the_pole_but_polar_grid_can(jp_root_dir: Path, tiler: Any) -> None:
    # Given a raster that only covers the cap north of ~87.3° (±300 km around the pole)
    quadrants(jp_root_dir / "cap.tif", 3413, half=300_000, size=150)
    # When the whole world is asked for in Web Mercator
    mercator = await tiler("cog/tiles/WebMercatorQuad/0/0/0.png", url="cap.tif", bidx="1")
    # Then nothing can be shown (Web Mercator ends at ~85.05°): outside bounds or fully transparent
    assert mercator.code == 404 or decode_png(mercator.body)[-1].max() == 0
    # While the polar grid shows it around the pole
    polar = await tiler("cog/tiles/EPSG3413Quad/2/1/1.png", url="cap.tif", bidx="1")
    assert polar.code == 200
    value, alpha = decode_png(polar.body)
    assert alpha[250, 250] == 255 and value[250, 250] == 30
    assert (alpha == 255).sum() > 1000


async def test_wmts_capabilities_list_the_polar_and_mercator_grids(samples: Path, tiler: Any) -> None:
    from owslib.wmts import WebMapTileService

    # When a real WMTS client reads the capabilities of the Arctic COG
    response = await tiler("cog/WMTSCapabilities.xml", url=f"{SAMPLES}/{ARCTIC}")
    assert response.code == 200, response.body[:300]
    wmts = WebMapTileService("http://unused/wmts", xml=response.body)
    # Then the offered grids are there, each with its CRS
    assert set(wmts.tilematrixsets) == {"WebMercatorQuad", "EPSG3413Quad", "EPSG3031Quad"}
    for grid, epsg in (("EPSG3413Quad", "3413"), ("EPSG3031Quad", "3031"), ("WebMercatorQuad", "3857")):
        assert wmts.tilematrixsets[grid].crs.endswith(epsg)
        # And a layer links to it, with tile URLs back through the notebook server's proxy
        layer = next(v for v in wmts.contents.values() if grid in v.tilematrixsetlinks)
        template = layer.resourceURLs[0]["template"]
        assert f"/polartep/tiles/cog/tiles/{grid}/" in template, template
        assert "/tmp" not in layer.id


async def test_tiler_endpoints_and_bad_input(samples: Path, tiler: Any) -> None:
    url = f"{SAMPLES}/{ARCTIC}"
    # tile matrix sets: the polar grids are offered next to Web Mercator
    sets = json.loads((await tiler("tileMatrixSets")).body)
    ids = {s["id"] for s in sets["tileMatrixSets"]}
    assert {"WebMercatorQuad", "EPSG3413Quad", "EPSG3031Quad"} <= ids
    # info, statistics, point, preview, tilejson, WebP and JPEG
    info = json.loads((await tiler("cog/info", url=url)).body)
    assert info["crs"].endswith("3413") and info["count"] == 2
    stats = json.loads((await tiler("cog/statistics", url=url, bidx="1")).body)
    assert stats["b1"]["min"] == 10 and stats["b1"]["max"] == 40
    point = json.loads((await tiler("cog/point/45,88", url=url)).body)
    assert len(point["values"]) == 2
    preview = await tiler("cog/preview.png", url=url, rescale="0,50", colormap_name="viridis", bidx="1")
    assert preview.code == 200 and preview.body[:4] == b"\x89PNG"
    tilejson = json.loads((await tiler("cog/EPSG3413Quad/tilejson.json", url=url)).body)
    assert "/polartep/tiles/cog/tiles/EPSG3413Quad/" in tilejson["tiles"][0]
    webp = await tiler("cog/tiles/EPSG3413Quad/0/0/0.webp", url=url, bidx="1")
    assert webp.code == 200 and webp.body[8:12] == b"WEBP"
    jpeg = await tiler("cog/tiles/EPSG3413Quad/0/0/0.jpg", url=url, bidx="1")
    assert jpeg.code == 200 and jpeg.body[:2] == b"\xff\xd8"
    expression = await tiler(
        "cog/tiles/EPSG3413Quad/0/0/0.png", url=url, expression="b1*2;b2", rescale="0,255"
    )
    assert expression.code == 200
    # a band the raster does not have, by index or in an expression: 400 naming it
    for params in ({"bidx": "5"}, {"expression": "b3*2"}):
        no_band = await tiler("cog/tiles/EPSG3413Quad/0/0/0.png", url=url, **params)
        body = json.loads(no_band.body)
        assert no_band.code == 400 and body["reason"] == "no_such_band", body
        assert ("bidx" in params and "5" in body["message"]) or "3" in body["message"]
    # a tile outside the data: 404, with a reason a map can tell from a missing file
    outside = await tiler("cog/tiles/EPSG3413Quad/6/0/0.png", url=url, bidx="1")
    assert outside.code == 404 and json.loads(outside.body)["reason"] == "outside_bounds"
    # a grid that does not exist: 400 listing the ones that do
    bad = await tiler("cog/tiles/NoSuchGrid/0/0/0.png", url=url)
    assert bad.code == 400 and "EPSG3413Quad" in json.loads(bad.body)["message"]
    # the allow-list: local paths outside the roots, other schemes and metadata addresses
    for forbidden in (
        "/etc/passwd",
        "../../../../etc/passwd",
        "file:///etc/passwd",
        "/vsicurl/http://169.254.169.254/latest",
        "http://169.254.169.254/latest/meta-data/",
        "http://metadata.google.internal/x.tif",
        "ftp://example.org/x.tif",
    ):
        refused = await tiler("cog/info", url=forbidden)
        assert refused.code == 403, (forbidden, refused.code, refused.body[:200])
    missing = await tiler("cog/info", url=f"{SAMPLES}/nope.tif")
    assert missing.code == 404 and "nope.tif" in json.loads(missing.body)["message"]
    not_raster = await tiler("cog/info", url=f"{SAMPLES}/metadata.json")
    assert not_raster.code == 400 and "not a raster" in json.loads(not_raster.body)["message"]


async def test_stac_item_tiles_and_asset_allow_list(samples: Path, tiler: Any) -> None:
    item = f"{SAMPLES}/arctic-quadrants-item.json"
    # When a tile of the item's data asset is asked for in the Arctic grid
    tile = await tiler("stac/tiles/EPSG3413Quad/0/0/0.png", url=item, assets="data|bidx=1")
    assert tile.code == 200, tile.body[:300]
    value, alpha = decode_png(tile.body)
    # Then it is the COG's pole-centred data
    assert [value[120, 120], value[135, 135]] == [30, 20] and alpha[128, 128] == 255
    # A non-raster asset is refused with 400
    refused = await tiler("stac/info", url=item, assets="metadata")
    assert refused.code == 400 and "not a raster" in json.loads(refused.body)["message"]
    # An item whose asset points outside the workspace is refused
    evil = json.loads((samples / "arctic-quadrants-item.json").read_text())
    evil["assets"]["data"]["href"] = "/etc/passwd"
    (samples / "evil.json").write_text(json.dumps(evil))
    blocked = await tiler("stac/tiles/EPSG3413Quad/0/0/0.png", url=f"{SAMPLES}/evil.json", assets="data")
    assert blocked.code == 403, blocked.body[:300]


async def test_a_tiler_that_died_is_started_again(samples: Path, tiler: Any) -> None:
    # Given a running tiler
    first = json.loads((await tiler("")).body)
    # When its process is killed
    os.kill(first["pid"], signal.SIGKILL)
    # Then jupyter-server-proxy starts it again and tiles come back
    deadline = time.monotonic() + 90
    while True:
        response = await tiler("cog/tiles/EPSG3413Quad/0/0/0.png", url=f"{SAMPLES}/{ARCTIC}", bidx="1")
        if response.code == 200 or time.monotonic() > deadline:
            break
    assert response.code == 200
    assert json.loads((await tiler("")).body)["pid"] != first["pid"]


@pytest.mark.parametrize("path", ["polartep/tiles/cog/info", "polartep/tiles/"])
async def test_tiler_refuses_anonymous_calls(http_server_client: Any, jp_base_url: str, path: str) -> None:
    response = await http_server_client.fetch(
        f"{jp_base_url}{path}?url=x.tif", raise_error=False, follow_redirects=False
    )
    assert response.code in (302, 401, 403)
    _ = np


async def test_tiles_go_over_kept_alive_connections_to_a_private_socket(
    samples: Path, tiler: Any, jp_serverapp: Any, http_server_client: Any, jp_base_url: str
) -> None:
    from tornado.routing import RuleRouter

    from polartep_lab.tiles import keepalive

    # Given the tiler mounted by jupyter-server-proxy
    targets, routers = [], [jp_serverapp.web_app.default_router]
    while routers:
        for rule in routers.pop().rules:
            (routers if isinstance(rule.target, RuleRouter) else targets).append(rule.target)
    dispatch = [t for t in targets if isinstance(t, keepalive.TilerDispatch)]
    assert len(dispatch) == 1
    # Then its handler is jupyter-server-proxy's, forwarding over kept-alive connections
    assert "SuperviseAndProxyHandler" in [c.__name__ for c in dispatch[0].handler.__mro__]
    assert dispatch[0].handler.__name__.startswith("KeepAlive")
    # And many tiles are served through one pool of connections
    await tiler("")
    before = dispatch[0].chosen.copy()
    for _ in range(12):
        response = await tiler("cog/tiles/EPSG3413Quad/1/0/0.png", url=f"{SAMPLES}/{ARCTIC}", bidx="1")
        assert response.code == 200 and response.body[:4] == b"\x89PNG"
    assert len(keepalive._sessions) == 1
    # And while the tiler runs, they skip jupyter-server-proxy's per-request set-up
    assert dispatch[0].chosen - before == {"RunningTilerHandler": 12}
    # But not its authentication: an anonymous tile of the running tiler is refused
    anonymous = await http_server_client.fetch(
        f"{jp_base_url}polartep/tiles/cog/tiles/EPSG3413Quad/1/0/0.png?url={SAMPLES}/{ARCTIC}",
        raise_error=False, follow_redirects=False,
    )  # fmt: skip
    assert anonymous.code in (302, 401, 403) and anonymous.body[:4] != b"\x89PNG"
    assert dispatch[0].chosen["RunningTilerHandler"] == before["RunningTilerHandler"] + 13
    # And the tiler listens on a Unix socket in a folder only this user can enter
    pid = json.loads((await tiler("")).body)["pid"]
    cmd = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    socket_path = Path(cmd[cmd.index(b"--uds") + 1].decode())
    assert socket_path.is_socket() and socket_path.parent.stat().st_mode & 0o077 == 0
