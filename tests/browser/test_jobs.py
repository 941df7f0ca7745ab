"""Headless jobs in a real JupyterLab: run a notebook with a changed parameter, watch it, open the output."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from playwright.sync_api import expect

from ..jobs_notebooks import greeting_notebook
from .conftest import JupyterLabPage

pytestmark = pytest.mark.browser


def test_run_headless_from_the_notebook_toolbar(jlab: JupyterLabPage) -> None:
    page = jlab.page
    greeting_notebook(jlab.lab.root / "greet-headless.ipynb")
    # Given a notebook with a parameters cell, opened from the file browser
    for _ in range(3):  # the tab toggles: click until the file browser is shown
        page.click("li.lm-TabBar-tab[data-id='filebrowser']")
        try:
            page.locator("#filebrowser").wait_for(state="visible", timeout=3000)
            break
        except Exception:  # it was open, and the click closed it
            continue
    item = page.locator(".jp-DirListing-item", has_text="greet-headless.ipynb")
    # The file browser's context menu offers "Run as Job…"
    item.click(button="right")
    expect(page.locator(".lm-Menu-item[data-command='polartep:run-job']")).to_contain_text("Run as Job")
    page.keyboard.press("Escape")
    item.dblclick()
    expect(jlab.main_tab("greet-headless.ipynb")).to_be_visible()
    # When "Run headless" on its toolbar is clicked
    page.locator(".jp-NotebookPanel-toolbar .jp-Toolbar-item", has_text="Run headless").click()
    # Then a dialog shows a form generated from the parameters cell
    dialog = page.locator(".jp-Dialog")
    expect(dialog.locator("label", has_text="times")).to_contain_text("integer")
    expect(dialog.locator("#jp-polartep-jobs-param-name")).to_have_value("world")
    expect(dialog).to_contain_text("who to greet")
    # When a parameter is changed and the job is run
    dialog.locator("#jp-polartep-jobs-param-name").fill("Greenland")
    dialog.locator("#jp-polartep-jobs-param-times").fill("2")
    dialog.locator("#jp-polartep-jobs-tags").fill("browser")
    dialog.get_by_role("button", name="Run").click()
    # Then the jobs panel shows it, and it succeeds with every cell done
    panel = page.locator("#polartep-jobs")
    expect(panel).to_be_visible()
    job = panel.locator(".jp-polartep-jobs-item", has_text="greet-headless").first
    expect(job).to_have_attribute("data-status", "succeeded", timeout=180_000)
    expect(job).to_contain_text("5/5 cells")
    expect(job).to_contain_text("browser")
    # And its log is shown with the parameter's effect
    expect(job.locator(".jp-polartep-jobs-log")).to_contain_text("hello Greenland x2 at 0.5")
    # When the output is opened, the executed notebook shows the parameter's effect
    job.get_by_role("button", name="Open output").click()
    expect(jlab.main_tab(re.compile(r"greet-headless-\w+\.ipynb"))).to_be_visible()
    output = page.locator(".jp-NotebookPanel:visible .jp-OutputArea-output", has_text="hello Greenland x2")
    expect(output.first).to_be_visible()
    # And the panel filters by status
    panel.get_by_label("Filter by status").select_option("failed")
    expect(panel.locator(".jp-polartep-jobs-item")).to_have_count(0)
    expect(panel).to_contain_text("No jobs match the filters")


def test_publish_a_notebook_as_a_process_and_unpublish_it(jlab: JupyterLabPage) -> None:
    page = jlab.page
    greeting_notebook(jlab.lab.root / "greet-process.ipynb")
    for _ in range(3):  # the tab toggles: click until the file browser is shown
        page.click("li.lm-TabBar-tab[data-id='filebrowser']")
        try:
            page.locator("#filebrowser").wait_for(state="visible", timeout=3000)
            break
        except Exception:
            continue
    # Given a notebook with a parameters cell in the file browser
    item = page.locator(".jp-DirListing-item", has_text="greet-process.ipynb")
    # When "Publish as Process…" is chosen from its context menu
    item.click(button="right")
    page.locator(".lm-Menu-item[data-command='polartep:publish-process']").click()
    # Then a dialog proposes an id from the file name; the user names it and allows sync execution
    dialog = page.locator(".jp-Dialog")
    expect(dialog.locator("#jp-polartep-jobs-process-id")).to_have_value("greet-process")
    dialog.locator("#jp-polartep-jobs-process-title").fill("Greet a place")
    dialog.get_by_label("Also run synchronously", exact=False).check()
    dialog.get_by_role("button", name="Publish").click()
    expect(page.locator(".jp-Dialog")).to_have_count(0, timeout=60_000)
    # Then OGC API clients see it, with inputs from its parameters cell
    deadline = time.monotonic() + 60
    while True:
        listing: Any = jlab.lab.api("polartep/api/jobs/processes")
        if listing["processes"] or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    toasts = page.locator(".Toastify__toast").all_inner_texts()  # an error shown to the user, if any
    assert [p["id"] for p in listing["processes"]] == ["greet-process"], toasts
    description: Any = jlab.lab.api("polartep/ogcapi/processes/greet-process")
    assert description["title"] == "Greet a place"
    assert set(description["inputs"]) >= {"name", "times", "scale"}
    assert "sync-execute" in description["jobControlOptions"]
    # And the jobs panel lists it under the published processes
    panel = jlab.open_side_panel("polartep-jobs")
    process = panel.locator(".jp-polartep-jobs-process[data-process-id='greet-process']")  # type: ignore[attr-defined]
    expect(process).to_contain_text("Greet a place", timeout=60_000)
    expect(process).to_contain_text("sync + async")
    # When it is unpublished from the panel
    process.get_by_role("button", name="Unpublish").click()
    page.locator(".jp-Dialog").get_by_role("button", name="Unpublish").click()
    # Then it is gone from the panel and from the OGC process list
    expect(process).to_have_count(0, timeout=60_000)
    listing = jlab.lab.api("polartep/ogcapi/processes")
    assert [p["id"] for p in listing["processes"]] == ["execute-notebook"]
