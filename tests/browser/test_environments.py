"""The environments panel in a real JupyterLab: create from the form, watch the log, use the kernel."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from ..environments_support import make_wheel
from .conftest import ARTIFACTS, JupyterLabPage, Lab, start_lab, stop_lab

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def env_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    tmp = tmp_path_factory.mktemp("environments-lab")
    wheels = tmp / "wheels"
    make_wheel(wheels, "1.0")
    make_wheel(wheels, "2.0")
    lab, proc = start_lab(
        tmp,
        extra_args=[
            "--PolarTEP.environments_installer=uv",
            f"--PolarTEP.environments_find_links={wheels}",
        ],
    )
    yield lab
    stop_lab(proc)


@pytest.fixture
def envpage(browser: object, env_lab: Lab, request: pytest.FixtureRequest) -> Iterator[JupyterLabPage]:
    context = browser.new_context(viewport={"width": 1400, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    page.set_default_timeout(30_000)
    helper = JupyterLabPage(page, env_lab)
    helper.open(workspace="environments")
    yield helper
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"))
    context.close()


def test_create_watch_log_open_notebook_review_diff(envpage: JupyterLabPage, tmp_path: Path) -> None:
    page = envpage.page
    # Given the environments panel
    panel = envpage.open_side_panel("polartep-environments")
    expect(panel).to_contain_text("No environments yet")
    # When an environment is created from the form with a pinned pip package
    panel.get_by_role("button", name="New environment").click()
    form = panel.get_by_role("form", name="New environment")
    form.get_by_label("Name", exact=True).fill("browser-env")
    form.get_by_label(re.compile(r"^Pip packages")).fill("polar-bear-counter==1.0")
    form.get_by_role("button", name="Create and build").click()
    # Then the build log streams in, with a progress bar while it builds, until it completes
    log = panel.get_by_role("region", name="Build log")
    expect(log).to_contain_text("building default/browser-env")
    badge = log.locator(".jp-polartep-environments-badge")
    expect(badge).to_have_text(re.compile("completed|failed|canceled"), timeout=240_000)
    expect(log).to_contain_text("COMPLETED")
    expect(log.get_by_label("Building")).to_have_count(0)
    # and the environment is listed under its namespace with a completed badge
    row = panel.locator("[data-environment='default/browser-env']")
    expect(row.locator(".jp-polartep-environments-row")).to_contain_text("completed")
    # and its one kernel is known to the server at once
    specs = envpage.lab.api("api/kernelspecs")
    assert "polartep-env-default-browser-env" in specs["kernelspecs"]  # type: ignore[index]

    # and the launcher offers it without a reload
    page.get_by_role("menuitem", name="File").click()
    page.locator(".lm-Menu-item[data-command='launcher:create']").click()
    expect(page.locator(".jp-LauncherCard:visible", has_text="browser-env (default)").first).to_be_visible()

    # When the environment is opened and a notebook started on its kernel
    row.locator(".jp-polartep-environments-row").click()
    details = panel.get_by_label("Environment browser-env")
    expect(details).to_contain_text("polartep-env-default-browser-env")
    details.get_by_role("button", name="New notebook").click()
    notebook = page.locator(".jp-NotebookPanel").last
    expect(page.locator(".jp-KernelName").last).to_contain_text("browser-env", timeout=60_000)
    # Then a cell importing the package runs in that environment
    cell = notebook.locator(".jp-Cell .cm-content").first
    code = "import polar_bear_counter, sys; print(polar_bear_counter.VERSION, sys.prefix)"
    # (the code is in the cell before it is run: keys typed while the new notebook still settles
    # on its kernel were lost once, leaving an empty cell to run)
    cell.click()
    cell.fill(code)
    expect(cell).to_have_text(code)
    cell.press("Shift+Enter")
    output = notebook.locator(".jp-OutputArea-output").first
    expect(output).to_contain_text("1.0", timeout=120_000)
    expect(output).to_contain_text("/builds/1/env")

    # When the specification is edited, the panel shows the diff before any rebuild
    if not panel.is_visible():
        envpage.open_side_panel("polartep-environments")
    spec = details.get_by_label("Specification")
    spec.fill(spec.input_value().replace("polar-bear-counter==1.0", "polar-bear-counter==2.0"))
    details.get_by_role("button", name="Review changes").click()
    changes = details.get_by_label("Changes")
    expect(changes).to_contain_text("~ pip polar-bear-counter==1.0 → polar-bear-counter==2.0")
    expect(changes.get_by_role("button", name="Rebuild")).to_be_visible()
    # and nothing was built before confirming
    assert len(envpage.lab.api("polartep/api/environments/default/browser-env")["builds"]) == 1  # type: ignore[index]
