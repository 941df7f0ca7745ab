"""Tile preview in a real JupyterLab: a pole-covering COG rendered on the Arctic map."""

from __future__ import annotations

import json
import os
import re
import signal
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import numpy as np
import pytest
from playwright.sync_api import expect

from polartep_lab.stac.demo_cogs import COG_COLLECTION, COG_FOLDER, demo_cog_collection, make_cogs
from polartep_lab.tiles.samples import ARCTIC, make_samples

from .conftest import ARTIFACTS, JupyterLabPage, Lab

pytestmark = pytest.mark.browser

#: counts the non-transparent pixels of the canvases under a CSS selector
PAINTED = """(selector) => {
  let painted = 0;
  for (const canvas of document.querySelectorAll(selector)) {
    if (!canvas.width || !canvas.height) continue;
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    for (let i = 3; i < data.length; i += 4) { if (data[i] > 0) painted++; }
  }
  return painted;
}"""

#: a checksum of the pixels of the canvases under a CSS selector (changes when the image does)
SIGNATURE = """(selector) => {
  let sum = 0;
  for (const canvas of document.querySelectorAll(selector)) {
    if (!canvas.width || !canvas.height) continue;
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    for (let i = 0; i < data.length; i += 1) { sum = (sum * 31 + data[i]) % 1000000007; }
  }
  return sum;
}"""


def decode_png(body: bytes) -> np.ndarray:
    """PNG bytes -> (bands, rows, cols), alpha last (GDAL through rasterio)."""
    from rasterio.io import MemoryFile

    assert body[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    with MemoryFile(body) as mem, mem.open() as src:
        return src.read()


class TilePreviewHelper:
    def __init__(self, jlab: JupyterLabPage) -> None:
        self.jlab = jlab
        self.page = jlab.page

    def open(self) -> None:
        """From the Polar TEP panel's feature list (it links every feature to its command)."""
        panel = self.jlab.open_side_panel("polartep-home")
        panel.get_by_role("button", name="Map tiles", exact=True).click()  # type: ignore[attr-defined]
        self.page.locator(".jp-polartep-tiles-map[data-ready='true']").wait_for()

    def painted(self, layer_class: str) -> int:
        return int(self.page.evaluate(PAINTED, f".{layer_class} canvas"))

    def wait_settled(self, layer_class: str, polls: int = 3, timeout: float = 60.0) -> int:
        """Wait until the layer's painted pixels stop changing (every visible tile drawn)."""
        deadline = time.monotonic() + timeout
        last, same = -1, 0
        while time.monotonic() < deadline and same < polls:
            self.page.wait_for_timeout(700)
            now = self.painted(layer_class)
            same = same + 1 if now == last else 0
            last = now
        return last

    def wait_painted(self, layer_class: str, minimum: int) -> None:
        self.page.wait_for_function(
            f"({PAINTED})('.{layer_class} canvas') > {minimum}", timeout=60_000, polling=500
        )


def test_polar_cog_renders_on_the_arctic_map(jlab: JupyterLabPage) -> None:
    page = jlab.page
    # Given a COG that covers the North Pole (EPSG:3413) in the workspace
    make_samples(jlab.lab.root / "data" / "polar")
    preview = TilePreviewHelper(jlab)
    # When the tile preview is opened and the raster is shown with a rescale and colormap
    preview.open()
    page.get_by_label("Raster path or URL").fill(f"data/polar/{ARCTIC}")
    page.get_by_label("Rescale").fill("0,50")
    page.get_by_label("Colormap").select_option("viridis")
    page.get_by_role("button", name="Show").click()
    status = page.get_by_test_id("polartep-tiles-status")
    # Then it opens in the Arctic projection (polar data opens polar)
    expect(status).to_contain_text("EPSG3413Quad")
    expect(page.get_by_label("Projection")).to_have_value("EPSG:3413")
    # And the raster tiles are drawn (not empty/transparent), and so is the offline coastline
    preview.wait_painted("jp-polartep-map-raster", 5_000)
    assert preview.painted("jp-polartep-map-coast") > 100
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "tiles-arctic-map.png"))
    # When the map is clicked south-east of the pole on screen (x>0, y<0 in EPSG:3413), the pixel
    # value there is shown: that quadrant holds 20, and it lies on the Greenwich meridian
    box = page.locator(".jp-polartep-tiles-map").bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2 + 25, box["y"] + box["height"] / 2 + 25)
    expect(status).to_contain_text(re.compile(r"8\d\.\d+°, -?0\.\d+°: \[20\]"), timeout=30_000)


def test_projection_switch_redraws_the_map(jlab: JupyterLabPage) -> None:
    page = jlab.page
    make_samples(jlab.lab.root / "data" / "polar")
    preview = TilePreviewHelper(jlab)
    preview.open()
    page.get_by_label("Raster path or URL").fill("data/polar/antarctic-quadrants-3031.tif")
    page.get_by_role("button", name="Show").click()
    # Antarctic data opens in EPSG:3031, with an automatic rescale from the statistics
    expect(page.get_by_test_id("polartep-tiles-status")).to_contain_text("EPSG3031Quad")
    expect(page.get_by_label("Rescale")).to_have_value(re.compile(r"^\d+(\.\d+)?,\d+(\.\d+)?$"))
    preview.wait_painted("jp-polartep-map-raster", 5_000)
    # When the projection is switched to Web Mercator and back to the Arctic
    page.get_by_label("Projection").select_option("EPSG:3857")
    preview.wait_painted("jp-polartep-map-coast", 100)
    page.get_by_label("Projection").select_option("EPSG:3413")
    preview.wait_painted("jp-polartep-map-coast", 100)
    expect(page.get_by_label("Projection")).to_have_value("EPSG:3413")


# ---- the demo collection of sea-ice concentration COGs -----------------------------------------
@pytest.fixture
def sea_ice(lab: Lab) -> list[dict[str, Any]]:
    """The demo COGs in the lab's workspace and their collection in its catalog (once per session)."""
    items = make_cogs(lab.root / COG_FOLDER)
    try:
        lab.api(f"polartep/stac/collections/{COG_COLLECTION}")
    except urllib.error.HTTPError:
        call(lab, "POST", "polartep/stac/collections", demo_cog_collection())
        call(lab, "POST", f"polartep/stac/collections/{COG_COLLECTION}/items",
             {"type": "FeatureCollection", "features": items})  # fmt: skip
    return items


def call(lab: Lab, method: str, path: str, body: Any) -> Any:
    request = urllib.request.Request(
        f"{lab.url}{path}",
        method=method,
        data=json.dumps(body).encode(),
        headers={"Authorization": f"token {lab.token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read() or b"null")


class TileTraffic:
    """Every tile the page fetched from the workspace tiler (200 responses): URL -> PNG bytes.

    The bytes are fetched again from the same URL when asked for: chromium does not keep the body
    of a tile the page read as a blob (the panel fetches tiles to know why one fails)."""

    def __init__(self, page: Any, lab: Lab) -> None:
        self.lab = lab
        self.urls: list[str] = []
        self.statuses: list[tuple[str, int]] = []  # every tile answer, failures too
        page.on("response", self._seen)

    def _seen(self, response: Any) -> None:
        tiler = response.url.split("/polartep/tiles/", 1)
        if len(tiler) == 2 and "/tiles/" in tiler[1]:
            self.statuses.append((response.url, response.status))
            if response.status == 200:
                self.urls.append(response.url)

    def seen(self, *parts: str) -> list[str]:
        return list(dict.fromkeys(u for u in list(self.urls) if all(p in unquote(u) for p in parts)))

    def wait_seen(self, page: Any, *parts: str, timeout: float = 60.0) -> list[str]:
        """Wait until tiles whose URL holds every one of ``parts`` were answered 200."""
        deadline = time.monotonic() + timeout
        while not self.seen(*parts) and time.monotonic() < deadline:
            page.wait_for_timeout(500)
        assert self.seen(*parts), (parts, self.statuses[-10:])
        return self.seen(*parts)

    def matching(self, *parts: str) -> dict[str, bytes]:
        return {u: self.fetch(u) for u in self.seen(*parts)}

    def fetch(self, url: str) -> bytes:
        request = urllib.request.Request(url, headers={"Authorization": f"token {self.lab.token}"})
        with urllib.request.urlopen(request, timeout=60) as response:
            return bytes(response.read())


def tile_key(url: str) -> str:
    """`…/tiles/EPSG3413Quad/2/1/1.png?…` -> `EPSG3413Quad/2/1/1`"""
    match = re.search(r"/tiles/(\w+/\d+/\d+/\d+)\.png", url)
    assert match, url
    return match.group(1)


def value_at(cog: Path, lon: float, lat: float) -> int:
    """What rasterio reads from the COG at lon/lat (the pixel containing the point)."""
    import rasterio
    from rasterio.warp import transform

    with rasterio.open(cog) as src:
        xs, ys = transform("EPSG:4326", src.crs, [lon], [lat])
        row, col = src.index(xs[0], ys[0])
        return int(src.read(1)[row, col])


def test_demo_collection_on_the_polar_map_with_time_slider_and_pixel_values(
    jlab: JupyterLabPage, sea_ice: list[dict[str, Any]]
) -> None:
    page = jlab.page
    tiles = page.locator(".jp-polartep-tiles")
    traffic = TileTraffic(page, jlab.lab)
    preview = TilePreviewHelper(jlab)
    # Given the demo sea-ice collection (Arctic COGs in EPSG:3413, monthly) in the workspace catalog
    preview.open()
    # When the collection is previewed with a colormap
    tiles.get_by_label("Collection", exact=True).fill(COG_COLLECTION)
    tiles.get_by_label("Colormap", exact=True).select_option("viridis")
    tiles.get_by_role("button", name="Show").click()
    status = page.get_by_test_id("polartep-tiles-status")
    date = page.get_by_test_id("polartep-tiles-date")
    # Then it opens on the Arctic map at its first date, with a slider over the six Arctic dates
    expect(status).to_contain_text("EPSG3413Quad", timeout=60_000)
    expect(date).to_have_text("2024-01-15 (1/6)")
    expect(page.locator(".jp-polartep-tiles-map")).to_have_attribute("data-projection", "EPSG:3413")
    # And the rescale comes from the items' raster statistics
    expect(tiles.get_by_label("Rescale", exact=True)).to_have_value(re.compile(r"^0,(9\d|100)$"))
    # And the tiles are drawn (not transparent), over the offline coastline
    preview.wait_painted("jp-polartep-map-raster", 5_000)
    assert preview.painted("jp-polartep-map-coast") > 100
    preview.wait_settled("jp-polartep-map-raster")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "tiles-sea-ice-3413.png"))
    january = traffic.matching("EPSG3413Quad", "sic-north-20240115")
    assert january, traffic.urls
    assert max(int((decode_png(b)[-1] > 0).sum()) for b in january.values()) > 10_000

    # When the map is clicked away from the pole, the value shown is the COG's at that point
    box = page.locator(".jp-polartep-tiles-map").bounding_box()
    assert box is not None
    with page.expect_request(re.compile(r"/point/")) as asked:
        page.mouse.click(box["x"] + box["width"] / 2 + 40, box["y"] + box["height"] / 2 - 30)
    lon, lat = (float(v) for v in re.search(r"/point/(-?[\d.]+),(-?[\d.]+)", asked.value.url).groups())  # type: ignore[union-attr]
    expected = value_at(jlab.lab.root / COG_FOLDER / "sic-north-20240115.tif", lon, lat)
    assert 0 < expected <= 100  # sea ice, not land or nodata
    expect(status).to_contain_text(re.compile(rf"°: \[{expected}\]"), timeout=30_000)

    # When the slider moves to the next date
    before = page.evaluate(SIGNATURE, ".jp-polartep-map-raster canvas")
    tiles.get_by_label("Date", exact=True).focus()
    page.keyboard.press("ArrowRight")
    expect(date).to_have_text("2024-02-15 (2/6)")
    # Then the tiles of February's item are requested and drawn, and they differ from January's
    page.wait_for_function(
        f"({SIGNATURE})('.jp-polartep-map-raster canvas') !== {json.dumps(before)}",
        timeout=60_000,
        polling=500,
    )
    preview.wait_painted("jp-polartep-map-raster", 5_000)
    february = traffic.matching("EPSG3413Quad", "sic-north-20240215")
    assert february and not set(february) & set(january)
    by_tile = {tile_key(u): b for u, b in january.items()}
    pairs = [(by_tile[tile_key(u)], b) for u, b in february.items() if tile_key(u) in by_tile]
    assert pairs and any(not np.array_equal(decode_png(a), decode_png(b)) for a, b in pairs)


def test_demo_collection_across_projections(jlab: JupyterLabPage, sea_ice: list[dict[str, Any]]) -> None:
    page = jlab.page
    tiles = page.locator(".jp-polartep-tiles")
    traffic = TileTraffic(page, jlab.lab)
    preview = TilePreviewHelper(jlab)
    mapped = page.locator(".jp-polartep-tiles-map")
    date = page.get_by_test_id("polartep-tiles-date")
    # Given the demo collection on the Arctic map
    preview.open()
    tiles.get_by_label("Collection", exact=True).fill(COG_COLLECTION)
    tiles.get_by_role("button", name="Show").click()
    expect(date).to_have_text("2024-01-15 (1/6)", timeout=60_000)
    preview.wait_painted("jp-polartep-map-raster", 5_000)
    # When the map switches to the Antarctic projection
    tiles.get_by_label("Projection", exact=True).select_option("EPSG:3031")
    # Then the view is in EPSG:3031, the slider holds the Antarctic dates (nearest first), and the
    # Antarctic item's tiles load in the EPSG3031Quad grid
    expect(mapped).to_have_attribute("data-projection", "EPSG:3031")
    expect(date).to_have_text("2024-02-15 (1/3)")
    expect(page.get_by_test_id("polartep-tiles-status")).to_contain_text("EPSG3031Quad")
    preview.wait_painted("jp-polartep-map-raster", 5_000)
    assert preview.painted("jp-polartep-map-coast") > 100
    preview.wait_settled("jp-polartep-map-raster")
    page.screenshot(path=str(ARTIFACTS / "tiles-sea-ice-3031.png"))
    south = traffic.matching("EPSG3031Quad", "sic-south-20240215")
    assert south and max(int((decode_png(b)[-1] > 0).sum()) for b in south.values()) > 1_000
    # When it switches to Web Mercator
    tiles.get_by_label("Projection", exact=True).select_option("EPSG:3857")
    # Then both hemispheres' dates are on the slider, and February (two items) is a mosaic
    expect(mapped).to_have_attribute("data-projection", "EPSG:3857")
    expect(date).to_have_text("2024-02-15 (2/6)")
    expect(page.get_by_test_id("polartep-tiles-status")).to_contain_text("WebMercatorQuad")
    preview.wait_painted("jp-polartep-map-raster", 2_000)
    mosaic = traffic.matching("/mosaic/tiles/WebMercatorQuad/")
    assert mosaic and max(int((decode_png(b)[-1] > 0).sum()) for b in mosaic.values()) > 100
    preview.wait_settled("jp-polartep-map-raster")
    page.screenshot(path=str(ARTIFACTS / "tiles-sea-ice-3857.png"))


def test_band_choice_tiler_restart_and_tile_failures(jlab: JupyterLabPage) -> None:
    page = jlab.page
    lab = jlab.lab
    raster = lab.root / "data" / "polar" / ARCTIC
    make_samples(raster.parent)
    traffic = TileTraffic(page, jlab.lab)
    preview = TilePreviewHelper(jlab)
    toasts = page.locator(".Toastify__toast")
    # Given the two-band Arctic raster on the map (its first band by default)
    preview.open()
    page.get_by_label("Raster path or URL").fill(f"data/polar/{ARCTIC}")
    page.get_by_role("button", name="Show").click()
    band = page.get_by_label("Band")
    expect(band).to_have_value("")
    expect(band.locator("option")).to_have_text(["first", "1: quadrant", "2: distance to the pole (km)"])
    expect(page.get_by_label("Rescale")).to_have_value("10,40")  # the quadrant values
    preview.wait_painted("jp-polartep-map-raster", 5_000)
    preview.wait_settled("jp-polartep-map-raster")
    first = page.evaluate(SIGNATURE, ".jp-polartep-map-raster canvas")
    # When the second band is chosen
    band.select_option("2")
    # Then its own rescale comes from its statistics, its tiles load and the image changes
    expect(page.get_by_label("Rescale")).not_to_have_value("10,40", timeout=30_000)
    traffic.wait_seen(page, "bidx=2", ARCTIC)
    preview.wait_settled("jp-polartep-map-raster")
    assert preview.painted("jp-polartep-map-raster") > 5_000
    assert page.evaluate(SIGNATURE, ".jp-polartep-map-raster canvas") != first
    # When the tiler process dies and the first band is chosen again at once
    pid = lab.api("polartep/tiles/")["pid"]  # type: ignore[index]
    os.kill(pid, signal.SIGKILL)
    since = len(traffic.statuses)
    band.select_option("1")

    # Then jupyter-server-proxy starts it again, and the tiles asked for while it was down (502) are
    # asked for again and drawn: the map recovers by itself, with no error shown
    # (a tile outside the data is answered 404 outside_bounds: empty, not an error)
    def retried() -> tuple[set[str], set[str], set[str]]:
        after = traffic.statuses[since:]
        failed = {u for u, code in after if code == 502}
        answered = {u for u, code in after if code in (200, 404)}
        return failed, answered, {u for u, code in after if code == 200}

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        failed, answered, drawn = retried()
        if failed and failed <= answered and failed & drawn:
            break
        page.wait_for_timeout(500)
    assert failed and failed <= answered and failed & drawn, traffic.statuses[since:]
    assert all("bidx=1" in u for u in failed)
    preview.wait_painted("jp-polartep-map-raster", 5_000)
    assert lab.api("polartep/tiles/")["pid"] != pid  # type: ignore[index]
    expect(toasts).to_have_count(0)
    # When the raster is moved away while shown, and the map zooms in (new tiles)
    moved = raster.with_name("moved-away.tif")
    raster.rename(moved)
    try:
        box = page.locator(".jp-polartep-tiles-map").bounding_box()
        assert box is not None
        page.mouse.dblclick(box["x"] + box["width"] / 2 + 30, box["y"] + box["height"] / 2 + 30)
        # Then the failure is shown once, with the tiler's reason, not a silently blank map
        failure = toasts.filter(has_text=f"Tiles of {ARCTIC}")
        expect(failure).to_have_count(1, timeout=30_000)
        expect(failure).to_contain_text("no such file")
    finally:
        moved.rename(raster)
