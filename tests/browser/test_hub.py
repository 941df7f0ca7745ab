"""A real JupyterHub: two users in different groups see exactly their features.

Feature matrix of this test (c.PolarTEP.feature_groups): docs -> group "publishers" (alice);
jobs -> group "analysts" (bob); every other feature -> everyone. Alice sees the user guide but has
no jobs; Bob has jobs but no docs panel, no docs command, and the docs routes answer 404 for him.
A hub API token runs a headless job from a script.
"""

from __future__ import annotations

import json
import secrets
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from .conftest import open_side_panel
from .hub.harness import Hub, start_hub

pytestmark = [pytest.mark.browser, pytest.mark.integration]

FEATURE_GROUPS = {"docs": ["publishers"], "jobs": ["analysts"]}
GROUPS = {"publishers": ["alice"], "analysts": ["bob"]}


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    passwords = {"alice": secrets.token_hex(8), "bob": secrets.token_hex(8)}
    hub = start_hub(
        tmp_path_factory.mktemp("hub"),
        passwords,
        GROUPS,
        {"PolarTEP": {"feature_groups": FEATURE_GROUPS}},
    )
    yield hub
    hub.stop()


def login(browser: Any, hub: Hub, user: str) -> Any:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(90_000)
    page.goto(f"{hub.url}hub/login")
    page.fill("#username_input", user)
    page.fill("#password_input", hub.passwords[user])
    page.click("#login_submit")
    page.wait_for_url(f"**/user/{user}/lab**", timeout=120_000)
    page.wait_for_selector("#jupyterlab-splash", state="detached", timeout=120_000)
    return page


def help_menu_has_docs(page: Any) -> bool:
    page.get_by_role("menuitem", name="Help").click()
    page.locator(".lm-Menu").first.wait_for(state="visible")
    count = page.locator(".lm-Menu-item[data-command='polartep:open-docs']").count()
    page.keyboard.press("Escape")
    return count > 0


def test_each_user_sees_exactly_their_features(browser: Any, hub: Hub, tmp_path: Path) -> None:
    artifacts = Path(__file__).resolve().parents[2] / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    for user, sees_docs in (("alice", True), ("bob", False)):
        # Given the user logged in through the hub's login form
        page = login(browser, hub, user)
        # When the Polar TEP panel is opened
        panel = open_side_panel(page, "polartep-home")
        expect(panel.get_by_test_id("polartep-status")).to_contain_text("Polar TEP")
        expect(panel.get_by_role("region", name="Examples")).to_be_visible()
        # Then the docs panel section and command exist only for the publishers
        docs_section = panel.get_by_role("region", name="Documentation")
        if sees_docs:
            expect(docs_section).to_be_visible()
        else:
            expect(docs_section).to_have_count(0)
        assert help_menu_has_docs(page) is sees_docs
        # and the routes answer 404 (not 403) for the others
        base = f"{hub.url}user/{user}/polartep/api"
        assert page.request.get(f"{base}/docs").status == (200 if sees_docs else 404)
        assert page.request.get(f"{base}/jobs").status == (404 if sees_docs else 200)
        expect(page.locator("li.lm-TabBar-tab[data-id='polartep-jobs']")).to_have_count(0 if sees_docs else 1)
        assert page.request.get(f"{base}/examples").status == 200
        status = page.request.get(f"{base}/status").json()
        docs = next(f for f in status["features"] if f["name"] == "docs")
        assert docs["enabled"] is sees_docs, docs
        assert status["identity"] == {
            "name": user,
            "groups": [g for g, members in GROUPS.items() if user in members],
            "source": "hub",
            "error": "",
        }
        if not sees_docs:
            assert docs["reason"] == "only for group publishers"
        page.screenshot(path=str(artifacts / f"hub-{user}.png"))
        page.context.close()


def _call(url: str, token: str, method: str = "GET", body: Any = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    headers = {"Authorization": f"token {token}", "Content-Type": "application/json"}
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    with urllib.request.urlopen(request, timeout=60) as response:
        text = response.read()
        return json.loads(text) if text else None


def test_api_token_from_a_script(hub: Hub) -> None:
    # Given a hub API token of bob's (as a script on the platform would hold)
    token = hub.user_token("bob")
    server = f"{hub.url}user/bob/"
    url = f"{server}polartep/api/status"
    # When a script calls the workspace API with it
    body = _call(url, token)
    # Then it answers as bob
    assert body["identity"]["name"] == "bob"
    # and it runs a headless job: upload a notebook, submit it with a parameter, wait for the result
    notebook = {
        "cells": [
            {"cell_type": "code", "metadata": {"tags": ["parameters"]}, "source": "n = 1", "outputs": [],
             "execution_count": None},
            {"cell_type": "code", "metadata": {}, "source": "print('sea ice cells:', n * 2)", "outputs": [],
             "execution_count": None},
        ],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }  # fmt: skip
    _call(f"{server}api/contents/count.ipynb", token, "PUT", {"type": "notebook", "content": notebook})
    job = _call(
        f"{server}polartep/api/jobs", token, "POST", {"notebook": "count.ipynb", "parameters": {"n": 21}}
    )
    for _ in range(240):
        job = _call(f"{server}polartep/api/jobs/{job['id']}", token)
        if job["status"] not in ("queued", "running"):
            break
        time.sleep(0.5)
    assert job["status"] == "succeeded", job
    assert job["author"] == "bob"
    log = urllib.request.urlopen(
        urllib.request.Request(
            f"{server}polartep/api/jobs/{job['id']}/outputs/ipynb",
            headers={"Authorization": f"token {token}"},
        ),
        timeout=60,
    ).read()
    assert b"sea ice cells: 42" in log
    # Without the token it is refused
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(
            urllib.request.Request(url, headers={"Accept": "application/json"}), timeout=60
        )
    assert refused.value.code in (401, 403)
