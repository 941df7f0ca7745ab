"""The Polar TEP panel in a real JupyterLab: live status, an example opened, a docs page shown."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from polartep_lab import __version__

from .conftest import JupyterLabPage

pytestmark = pytest.mark.browser


def test_home_panel_shows_status_examples_and_docs(jlab: JupyterLabPage) -> None:
    page = jlab.page
    # Given JupyterLab with the extension, when the Polar TEP panel is opened
    panel = jlab.open_side_panel("polartep-home")
    # Then it shows the live workspace status
    status = panel.get_by_test_id("polartep-status")
    expect(status).to_contain_text(f"Polar TEP {__version__}")
    expect(status).to_contain_text(re.compile(r"\d+ features on"))
    # When an example is clicked, a copy is placed in the workspace and opened
    panel.get_by_role("button", name="Getting started with the Polar TEP workspace").click()
    expect(jlab.main_tab("getting-started.ipynb")).to_be_visible()
    expect(page.locator(".jp-NotebookPanel .jp-Cell").first).to_be_visible()
    assert (jlab.lab.root / "examples" / "getting-started.ipynb").is_file()
    # When a docs page is clicked, it opens in the main area, rendered
    panel.get_by_role("button", name="Configuration").click()
    doc = page.locator(".jp-polartep-doc")
    expect(doc).to_contain_text("c.PolarTEP.data_dir")
    expect(doc.locator("table")).to_be_visible()


def test_help_menu_and_palette_open_the_guide(jlab: JupyterLabPage) -> None:
    page = jlab.page
    # From the Help menu
    page.get_by_role("menuitem", name="Help").click()
    item = page.locator(".lm-Menu-item[data-command='polartep:open-docs']")
    expect(item).to_contain_text("Polar TEP Documentation")
    item.click()
    expect(page.locator(".jp-polartep-doc")).to_contain_text("Polar TEP workspace")
    # From the command palette
    page.keyboard.press("Control+Shift+c")
    page.locator(".lm-CommandPalette-input").fill("Polar TEP: Refresh")
    expect(
        page.locator(".lm-CommandPalette-item", has_text="Polar TEP: Refresh Workspace Status")
    ).to_be_visible()
