"""Tile preview in a real JupyterLab: a pole-covering COG rendered on the Arctic map."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from polartep_lab.tiles.samples import ARCTIC, make_samples

from .conftest import ARTIFACTS, JupyterLabPage

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
