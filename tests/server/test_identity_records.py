"""On a real server, jobs and workflow runs record who submitted them: the JupyterHub user (the
Hub API a real local HTTP server) when the server runs under a hub, else the OS user."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from polartep_lab.core.identity import os_user
from polartep_lab.workflows.service import AUTHOR_LABEL, label_value

from ..fake_hub import hub_env
from ..jobs_notebooks import write_notebook
from .conftest import fetch_json

HUB_USER = "alice@eox.at"
HELLO = {
    "apiVersion": "argoproj.io/v1alpha1",
    "kind": "Workflow",
    "metadata": {"generateName": "hello-"},
    "spec": {
        "entrypoint": "main",
        "templates": [
            {"name": "main", "script": {"image": "python:3.11", "command": ["python"], "source": "print(1)"}}
        ],
    },
}


@pytest.fixture(params=["hub", "os"])
def author(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Who the server's user is; under a hub its environment is set before the server starts."""
    if request.param == "os":
        for name in ("JUPYTERHUB_USER", "JUPYTERHUB_API_URL", "JUPYTERHUB_API_TOKEN"):
            monkeypatch.delenv(name, raising=False)
        yield os_user()
        return
    with hub_env(HUB_USER) as env:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        yield HUB_USER


@pytest.fixture
def polartep_config(author: str) -> dict[str, Any]:
    return {"workflows_host_images": [], "workflows_container_runtime": "none"}


async def test_a_job_records_its_author_and_the_list_filters_by_it(
    jp_fetch: Any, jp_root_dir: Path, author: str
) -> None:
    # Given a notebook, when it is submitted as a job
    write_notebook(jp_root_dir / "nb.ipynb", "print('hi')")
    code, job = await fetch_json(
        jp_fetch, "polartep", "api", "jobs", method="POST", body={"notebook": "nb.ipynb"}
    )
    assert code == 201, job
    try:
        # Then the record names the user, in GET one and in the list filtered by author
        assert job["author"] == author
        code, got = await fetch_json(jp_fetch, "polartep", "api", "jobs", job["id"])
        assert code == 200 and got["author"] == author
        code, mine = await fetch_json(jp_fetch, "polartep", "api", "jobs", params={"author": author})
        assert code == 200 and [j["id"] for j in mine["jobs"]] == [job["id"]]
        code, none = await fetch_json(jp_fetch, "polartep", "api", "jobs", params={"author": "nobody"})
        assert code == 200 and none["total"] == 0
    finally:
        await fetch_json(jp_fetch, "polartep", "api", "jobs", job["id"], method="DELETE")


async def test_a_workflow_run_records_its_author(jp_fetch: Any, author: str) -> None:
    # When a workflow is submitted
    code, created = await fetch_json(
        jp_fetch, "polartep", "api", "workflows", "runs", method="POST", body={"manifest": HELLO}
    )
    assert code == 201, created
    name = created["metadata"]["name"]
    # Then the Workflow has the author label (sanitized) and annotation, and the list shows it
    assert created["metadata"]["labels"][AUTHOR_LABEL] == label_value(author)
    assert created["metadata"]["annotations"][AUTHOR_LABEL] == author
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        code, workflow = await fetch_json(jp_fetch, "polartep", "api", "workflows", "runs", name)
        if workflow["status"]["phase"] not in ("Pending", "Running"):
            break
        await asyncio.sleep(0.2)
    assert workflow["metadata"]["annotations"][AUTHOR_LABEL] == author
    code, listing = await fetch_json(jp_fetch, "polartep", "api", "workflows", "runs")
    assert code == 200
    assert [r["author"] for r in listing["runs"] if r["name"] == name] == [author]
