"""The STAC browser panel in a real JupyterLab: a polar search across the dateline, paging, item
details, and the inserted code run in a notebook finding the same items."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.stac_samples import collection, polar_items

from .conftest import Lab

pytestmark = pytest.mark.browser


def call(lab: Lab, method: str, path: str, body: Any) -> Any:
    request = urllib.request.Request(
        f"{lab.url}{path}",
        data=json.dumps(body).encode(),
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
