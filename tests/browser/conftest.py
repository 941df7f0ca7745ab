"""Real-browser tests: a real JupyterLab with the extension, driven by Playwright + Debian chromium.

Run in their own pytest process (Playwright's sync API and pytest-jupyter's loop do not mix).
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.netutil import free_port, stop_process, wait_for_http

# a loaded 2-core machine: give the UI time, never rely on speed
expect.set_options(timeout=30_000)

CHROMIUM = os.environ.get("POLARTEP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@dataclass
class Lab:
    url: str
    token: str
    root: Path
    data_dir: Path
    log: Path

    def page_url(self, path: str = "lab", query: str = "") -> str:
        return f"{self.url}{path}?{query}{'&' if query else ''}token={self.token}"

    def api(self, path: str) -> object:
        request = urllib.request.Request(
            f"{self.url}{path}", headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())


def start_lab(
    tmp: Path, extra_args: list[str] | None = None, env: dict[str, str] | None = None
) -> tuple[Lab, subprocess.Popen[bytes]]:
    root, config, data = tmp / "root", tmp / "config", tmp / "data"
    for folder in (root, config / "labconfig", data):
        folder.mkdir(parents=True, exist_ok=True)
    (config / "labconfig" / "page_config.json").write_text(
        json.dumps({"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}})
    )
    port, token = free_port(), secrets.token_hex(16)
    log = tmp / "lab.log"
    process_env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(config),
        "JUPYTER_RUNTIME_DIR": str(tmp / "runtime"),
        "POLARTEP_DATA_DIR": str(data),
        **(env or {}),
    }
    cmd = [
        sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
        *(extra_args or []),
    ]  # fmt: skip
    proc = subprocess.Popen(cmd, env=process_env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    lab = Lab(f"http://127.0.0.1:{port}/", token, root, data, log)
    headers = {"Authorization": f"token {token}"}
    wait_for_http(
        f"{lab.url}polartep/api/status",
        60,
        headers=headers,
        process=proc,
        log=log,
        name="jupyter lab",
        on_failure=lambda: stop_lab(proc),
    )
    return lab, proc


def stop_lab(proc: subprocess.Popen[bytes]) -> None:
    stop_process(proc, timeout=15)


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    lab, proc = start_lab(tmp_path_factory.mktemp("lab"))
    yield lab
    stop_lab(proc)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: `apt-get install -y chromium` (make test does it as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: object, lab: Lab, request: pytest.FixtureRequest) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1400, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"))
    context.close()


def open_side_panel(page: Any, widget_id: str) -> Any:
    """Show a side panel (a click on an already-open panel's tab would collapse it)."""
    tab = page.locator(f"li.lm-TabBar-tab[data-id='{widget_id}']")
    tab.wait_for(state="visible")
    if "lm-mod-current" not in (tab.get_attribute("class") or ""):
        tab.click()
    panel = page.locator(f"#{widget_id}")
    panel.wait_for(state="visible")
    return panel


class JupyterLabPage:
    """Selectors for JupyterLab 4 (helper in the style of jupyter-scheduler's SchedulerHelper)."""

    def __init__(self, page: object, lab: Lab) -> None:
        self.page = page
        self.lab = lab

    def open(self, workspace: str = "default") -> None:
        """Open JupyterLab in its own, reset workspace (no layout left over from other tests)."""
        self.page.goto(self.lab.page_url(f"lab/workspaces/{workspace}", "reset"))  # type: ignore[attr-defined]
        self.page.wait_for_selector("#jupyterlab-splash", state="detached", timeout=60_000)  # type: ignore[attr-defined]

    def open_side_panel(self, widget_id: str) -> object:
        return open_side_panel(self.page, widget_id)

    def main_tab(self, title: str) -> object:
        return self.page.locator("#jp-main-dock-panel .lm-TabBar-tab", has_text=title)  # type: ignore[attr-defined]


@pytest.fixture
def jlab(page: object, lab: Lab, request: pytest.FixtureRequest) -> JupyterLabPage:
    helper = JupyterLabPage(page, lab)
    helper.open(workspace=request.node.name.replace("_", "-")[:60])
    return helper
