"""The Secrets panel in a real JupyterLab: create, reveal on click, edit, delete with confirmation,
a read-only platform secret, and the notice when a saved notebook had a secret masked."""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest
from playwright.sync_api import expect

from .conftest import JupyterLabPage, Lab, start_lab, stop_lab

pytestmark = pytest.mark.browser

VALUE = "ghp-browser-test-0123456789"
PLATFORM = "platform-value-4455"


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    tmp = tmp_path_factory.mktemp("secrets-lab")
    mount = tmp / "platform"
    mount.mkdir()
    (mount / "registry-token").write_text(PLATFORM + "\n")
    lab, proc = start_lab(
        tmp,
        extra_args=[f"--PolarTEP.secrets_mount_dir={mount}"],
        env={"POLARTEP_SECRETS_KEY_FILE": str(tmp / "keys" / "secrets.key")},
    )
    yield lab
    stop_lab(proc)


def call(lab: Lab, method: str, path: str, body: Any = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        f"{lab.url}{path}",
        data=data,
        method=method,
        headers={"Authorization": f"token {lab.token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        raw = response.read()
        return json.loads(raw) if raw else None


def secret_names(lab: Lab) -> list[str]:
    return [s["name"] for s in call(lab, "GET", "polartep/api/secrets")["secrets"]]


def test_create_reveal_edit_delete_in_the_panel(jlab: JupyterLabPage) -> None:
    page = jlab.page
    # Given the Secrets panel, which lists the platform secret as read-only
    panel = jlab.open_side_panel("polartep-secrets")
    platform_row = panel.locator("[data-secret='REGISTRY_TOKEN']")
    expect(platform_row).to_contain_text("platform · read-only")
    expect(platform_row.get_by_role("button", name="Delete REGISTRY_TOKEN")).to_have_count(0)
    # When a secret is created with the form (the value field is masked)
    panel.locator(".jp-polartep-secrets-add").click()
    form = panel.get_by_role("form", name="New secret")
    form.locator("input[name=name]").fill("STAC_TOKEN")
    value_input = form.locator("input[name=value]")
    expect(value_input).to_have_attribute("type", "password")
    value_input.fill(VALUE)
    form.get_by_role("button", name="Show").click()
    expect(value_input).to_have_attribute("type", "text")
    form.locator("input[name=description]").fill("token of the catalog")
    form.locator("input[name=inject]").check()
    form.locator("input[name=hosts]").fill("stac.example.org, *.polartep.org")
    form.get_by_role("button", name="Save").click()
    # Then it is listed with its metadata and without its value
    row = panel.locator("[data-secret='STAC_TOKEN']")
    expect(row).to_contain_text("token of the catalog")
    expect(row).to_contain_text("injected")
    expect(row).to_contain_text("stac.example.org, *.polartep.org")
    assert VALUE not in page.content()
    assert "STAC_TOKEN" in secret_names(jlab.lab)
    # When "Reveal" is clicked the value shows; "Hide" hides it again
    row.get_by_role("button", name="Reveal STAC_TOKEN").click()
    expect(row.get_by_test_id("secret-value")).to_have_text(VALUE)
    row.get_by_role("button", name="Hide STAC_TOKEN").click()
    expect(row.get_by_test_id("secret-value")).not_to_contain_text(VALUE)
    # When it is edited (value left empty: kept)
    row.get_by_role("button", name="Edit STAC_TOKEN").click()
    edit = panel.get_by_role("form", name="Edit STAC_TOKEN")
    expect(edit.locator("input[name=name]")).to_be_disabled()
    edit.locator("input[name=description]").fill("renewed description")
    edit.get_by_role("button", name="Save").click()
    expect(row).to_contain_text("renewed description")
    assert call(jlab.lab, "POST", "polartep/api/secrets/STAC_TOKEN/reveal", {})["value"] == VALUE
    # When it is deleted, a confirmation is asked first
    row.get_by_role("button", name="Delete STAC_TOKEN").click()
    dialog = page.locator(".jp-Dialog")
    expect(dialog).to_contain_text("Delete secret STAC_TOKEN?")
    dialog.get_by_role("button", name="Cancel").click()
    expect(row).to_be_visible()
    row.get_by_role("button", name="Delete STAC_TOKEN").click()
    page.locator(".jp-Dialog").get_by_role("button", name="Delete").click()
    expect(row).to_have_count(0)
    assert "STAC_TOKEN" not in secret_names(jlab.lab)


def test_saving_a_notebook_that_printed_a_secret(jlab: JupyterLabPage) -> None:
    page, lab = jlab.page, jlab.lab
    # Given an injected secret and a notebook that prints it
    call(lab, "POST", "polartep/api/secrets", {"name": "DEMO_TOKEN", "value": VALUE, "inject": True})
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import polartep_lab.secrets as s\nprint(s.get('DEMO_TOKEN'))")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, Path(lab.root) / "leak.ipynb")
    # When it is opened, run (the kernel got the secret) and saved
    page.goto(lab.page_url("lab/workspaces/secrets-save/tree/leak.ipynb", "reset"))
    page.wait_for_selector("#jupyterlab-splash", state="detached", timeout=60_000)
    expect(page.get_by_text("Python 3 (ipykernel) | Idle")).to_be_visible(timeout=90_000)
    page.locator(".jp-Cell .jp-InputArea-editor").first.click()
    page.keyboard.press("Shift+Enter")
    expect(page.locator(".jp-OutputArea-output").first).to_contain_text(VALUE, timeout=90_000)
    page.keyboard.press("Control+s")
    # Then the user is told that the value was saved as ***
    expect(page.locator(".Toastify__toast", has_text="were saved as ***")).to_be_visible(timeout=30_000)
    # And the file on disk holds *** instead of the value
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and "***" not in (Path(lab.root) / "leak.ipynb").read_text():
        time.sleep(0.3)
    saved = (Path(lab.root) / "leak.ipynb").read_text()
    assert VALUE not in saved
    assert "***" in saved
