"""The STAC browser panel in a real JupyterLab: a polar search across the dateline, paging, item
details, and the inserted code run in a notebook finding the same items."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from typing import Any

import pytest
from playwright.sync_api import expect

from polartep_lab.stac.demo import DEMO_COLLECTION, demo_collection, demo_items
from tests.stac_samples import collection, polar_items

from .conftest import ARTIFACTS, Lab, open_side_panel

pytestmark = pytest.mark.browser


def call(lab: Lab, method: str, path: str, body: Any) -> Any:
    request = urllib.request.Request(
        f"{lab.url}{path}",
        data=None if body is None else json.dumps(body).encode(),
        method=method,
        headers={"Authorization": f"token {lab.token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"null")


@pytest.fixture
def seeded(lab: Lab) -> Lab:
    coll = collection("polar-browser")
    coll["title"] = "Polar browser test"
    coll["keywords"] = ["sea ice", "arctic"]
    call(lab, "POST", "polartep/stac/collections", coll)
    call(lab, "POST", "polartep/stac/collections/polar-browser/items",
         {"type": "FeatureCollection", "features": polar_items()})  # fmt: skip
    notebook = {
        "type": "notebook",
        "content": {
            "cells": [{"cell_type": "markdown", "metadata": {}, "source": "# STAC search"}],
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
            "nbformat": 4,
            "nbformat_minor": 5,
        },
    }
    call(lab, "PUT", "api/contents/stac-search.ipynb", notebook)
    return lab


def test_polar_search_paging_item_and_inserted_code(page: Any, seeded: Lab) -> None:
    lab = seeded
    # Given JupyterLab with a notebook open and the STAC browser panel
    page.goto(lab.page_url("lab/workspaces/stac-browser/tree/stac-search.ipynb", "reset"))
    page.wait_for_selector("#jupyterlab-splash", state="detached", timeout=60_000)
    expect(page.locator(".jp-NotebookPanel .jp-Cell").first).to_be_visible(timeout=60_000)
    page.locator(".jp-NotebookPanel .jp-Cell").first.click()
    page.click("li.lm-TabBar-tab[data-id='polartep-stac']")
    panel = page.locator("#polartep-stac")
    # When the collection is opened and a bbox across the dateline is searched, 2 per page
    panel.get_by_role("button", name="Polar browser test").click()
    panel.get_by_label("Bounding box").fill("170,60,-170,70")
    panel.get_by_label("Per page").fill("2")
    panel.get_by_role("button", name="Search", exact=True).click()
    # Then the three items of the 20° band are found, two on the first page
    results = panel.get_by_role("region", name="Results")
    expect(panel.get_by_test_id("stac-matched")).to_contain_text("3 matched · page 1")
    expect(results.get_by_role("listitem")).to_have_count(2)
    panel.get_by_role("button", name="Next").click()
    expect(panel.get_by_test_id("stac-matched")).to_contain_text("page 2")
    expect(results.get_by_role("listitem")).to_have_count(1)
    # When an item is opened, its properties and assets are shown
    results.get_by_role("button").first.click()
    item = panel.get_by_role("region", name="Item")
    expect(item.get_by_role("table", name="Properties")).to_contain_text("eo:cloud_cover")
    expect(item.get_by_role("list", name="Assets")).to_contain_text("Copy href")
    # And a map preview is offered, since the tiles feature is on
    expect(item.get_by_role("button", name="Preview on map")).to_have_count(1)
    item.get_by_role("button", name="Back to results").click()
    # When the code is inserted into the notebook and run
    panel.get_by_role("button", name="Insert code").click()
    cell = page.locator(".jp-NotebookPanel .jp-CodeCell").first
    expect(cell).to_contain_text("stac.search(")
    cell.locator(".jp-InputArea-prompt").click()
    page.keyboard.press("Shift+Enter")
    # Then the notebook finds the same number of items as the panel
    expect(cell.locator(".jp-OutputArea-output").first).to_contain_text("3 items", timeout=120_000)


#: the page position of a painted footprint pixel (the one nearest the map's centre), to click it
FOOTPRINT_PIXEL = """() => {
  const canvas = document.querySelector('.jp-polartep-stac-map .jp-polartep-map-stac-footprints canvas');
  if (!canvas || !canvas.width) return null;
  const rect = canvas.getBoundingClientRect();
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let best = null;
  for (let y = 0; y < canvas.height; y += 2) {
    for (let x = 0; x < canvas.width; x += 2) {
      if (data[(y * canvas.width + x) * 4 + 3] < 20) continue;
      const d = (x - canvas.width / 2) ** 2 + (y - canvas.height / 2) ** 2;
      if (!best || d < best[2]) best = [x, y, d];
    }
  }
  if (!best) return null;
  const scale = rect.width / canvas.width;
  return [rect.left + best[0] * scale, rect.top + best[1] * scale];
}"""


def seed_demo(lab: Lab) -> int:
    """The demo collection of `make lab` (polartep_lab.stac.demo), once per lab; its item count."""
    items = demo_items()
    try:
        call(lab, "GET", f"polartep/stac/collections/{DEMO_COLLECTION}", None)
    except urllib.error.HTTPError:
        call(lab, "POST", "polartep/stac/collections", demo_collection())
        call(lab, "POST", f"polartep/stac/collections/{DEMO_COLLECTION}/items",
             {"type": "FeatureCollection", "features": items})  # fmt: skip
    return len(items)


def open_notebook(page: Any, lab: Lab, name: str, workspace: str) -> None:
    notebook = {
        "type": "notebook",
        "content": {
            "cells": [{"cell_type": "markdown", "metadata": {}, "source": "# Polar search"}],
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
            "nbformat": 4,
            "nbformat_minor": 5,
        },
    }
    call(lab, "PUT", f"api/contents/{name}", notebook)
    page.goto(lab.page_url(f"lab/workspaces/{workspace}/tree/{name}", "reset"))
    page.wait_for_selector("#jupyterlab-splash", state="detached", timeout=60_000)
    expect(page.locator(".jp-NotebookPanel .jp-Cell").first).to_be_visible(timeout=60_000)
    page.locator(".jp-NotebookPanel .jp-Cell").first.click()


def matched(panel: Any) -> int:
    text = panel.get_by_test_id("stac-matched").inner_text()
    match = re.match(r"(\d+) matched", text)
    assert match, text
    return int(match.group(1))


def run_inserted_code(page: Any, panel: Any) -> Any:
    """Insert the search code below the active cell, run it, return the cell."""
    panel.get_by_role("button", name="Insert code").click()
    # the newest cell with a search (running it adds an empty cell below, so not simply the last)
    cell = page.locator(".jp-NotebookPanel .jp-CodeCell").filter(has_text="stac.search(").last
    expect(cell).to_be_visible()
    cell.scroll_into_view_if_needed()
    # the click must select that cell before Shift+Enter (a click during the notebook's scroll
    # after the insertion can land on the empty cell above it)
    for _ in range(5):
        cell.locator(".jp-InputArea-prompt").click()
        if "jp-mod-active" in (cell.get_attribute("class") or ""):
            break
        page.wait_for_timeout(300)
    expect(cell).to_have_class(re.compile(r"\bjp-mod-active\b"))
    page.keyboard.press("Shift+Enter")
    return cell


def test_demo_collection_footprints_on_the_polar_map_and_a_drawn_box(page: Any, lab: Lab) -> None:
    # Given the demo collection of `make lab` in the workspace catalog and a notebook open
    seed_demo(lab)
    open_notebook(page, lab, "polar-search.ipynb", "stac-map")
    panel = open_side_panel(page, "polartep-stac")
    # When the workspace catalog and the demo collection are picked
    panel.get_by_label("Catalog", exact=True).select_option("workspace")
    panel.get_by_role("button", name="Polar sea-ice scenes (demo)").click()
    the_map = panel.locator(".jp-polartep-stac-map")
    expect(the_map).to_have_attribute("data-ready", "true", timeout=60_000)
    # And an Arctic bbox is typed and searched, all results on one page
    panel.get_by_label("Bounding box").fill("-180,60,180,90")
    panel.get_by_label("Per page").fill("100")
    panel.get_by_role("button", name="Search", exact=True).click()
    expect(panel.get_by_test_id("stac-matched")).to_contain_text("matched · page 1")
    typed = matched(panel)
    results = panel.get_by_role("region", name="Results")
    expect(results.get_by_role("listitem")).to_have_count(typed)
    assert typed > 5
    # Then the map switched to the Arctic projection and draws one footprint per result
    expect(the_map).to_have_attribute("data-projection", "EPSG:3413")
    expect(the_map).to_have_attribute("data-footprints", str(typed))
    expect(panel.get_by_test_id("stac-footprints")).to_contain_text(f"{typed} of {typed} footprints")
    # And hovering a result highlights it
    results.get_by_role("listitem").first.hover()
    expect(results.locator("li.jp-polartep-stac-hovered")).to_have_count(1)
    ARTIFACTS.mkdir(exist_ok=True)
    the_map.screenshot(path=str(ARTIFACTS / "stac-footprints-arctic-typed-bbox.png"))
    # When the inserted code runs in the notebook
    cell = run_inserted_code(page, panel)
    # Then the notebook finds as many items as the panel
    expect(cell.locator(".jp-OutputArea-output").first).to_contain_text(f"{typed} items", timeout=120_000)

    # When a box around the North Pole is drawn on the Arctic map with the mouse
    panel.get_by_role("button", name="Draw box").click()
    expect(the_map).to_have_attribute("data-drawing", "true")
    the_map.scroll_into_view_if_needed()
    box = the_map.bounding_box()
    assert box is not None
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    # (a box first started away from the pole is dropped with Escape: drawing goes on, the next box counts)
    page.mouse.click(cx + 90, cy - 90)
    page.mouse.move(cx + 60, cy - 60)
    page.keyboard.press("Escape")
    expect(the_map).to_have_attribute("data-drawing", "true")
    page.mouse.click(cx - 40, cy - 40)
    page.mouse.move(cx + 10, cy + 10)
    page.mouse.move(cx + 40, cy + 40)
    page.mouse.click(cx + 40, cy + 40)
    # Then it is a search area around the pole sent as a polygon, and the bbox field is empty
    expect(panel.get_by_test_id("stac-area")).to_contain_text("around the North Pole")
    expect(panel.get_by_label("Bounding box")).to_have_value("")
    expect(the_map).to_have_attribute("data-search-area", "true")
    # When it is searched
    panel.get_by_role("button", name="Search", exact=True).click()
    expect(panel.get_by_test_id("stac-matched")).not_to_contain_text(f"{typed} matched", timeout=30_000)
    drawn = matched(panel)
    # Then fewer items than the whole Arctic are found, each with its footprint on the Arctic map
    assert 0 < drawn < typed
    expect(results.get_by_role("listitem")).to_have_count(drawn)
    expect(the_map).to_have_attribute("data-projection", "EPSG:3413")
    expect(the_map).to_have_attribute("data-footprints", str(drawn))
    the_map.screenshot(path=str(ARTIFACTS / "stac-footprints-arctic-drawn-box.png"))
    # When a footprint is clicked on the map, its item opens
    target = page.evaluate(FOOTPRINT_PIXEL)
    assert target is not None, "no footprint painted on the map"
    page.mouse.click(target[0], target[1])
    expect(panel.get_by_role("region", name="Item")).to_be_visible()
    panel.get_by_role("button", name="Back to results").click()
    # When the code of the drawn search is inserted and run
    cell = run_inserted_code(page, panel)
    expect(cell).to_contain_text("intersects=")
    # Then the notebook finds the same number of items as the panel
    expect(cell.locator(".jp-OutputArea-output").first).to_contain_text(f"{drawn} items", timeout=120_000)

    # When the user switches the map to Web Mercator and draws a box there
    panel.get_by_label("Map projection").select_option("EPSG:3857")
    expect(the_map).to_have_attribute("data-projection", "EPSG:3857")
    panel.get_by_role("button", name="Draw box").click()
    the_map.scroll_into_view_if_needed()
    box = the_map.bounding_box()
    assert box is not None
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.click(cx - 50, cy - 30)
    page.mouse.move(cx + 50, cy + 30)
    page.mouse.click(cx + 50, cy + 30)
    # Then the box is an exact lon/lat bbox: it goes into the bbox field, no polygon is kept
    expect(panel.get_by_label("Bounding box")).to_have_value(re.compile(r"^-?[\d.]+(,-?[\d.]+){3}$"))
    expect(panel.get_by_test_id("stac-area")).to_have_count(0)
