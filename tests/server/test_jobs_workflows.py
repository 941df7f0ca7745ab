"""``kind: "workflow"`` jobs: a workflow run on the local executor behind the jobs API."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import fetch_json

PYTHON_STEP = {"image": "python:3.11", "command": ["python"]}


@pytest.fixture
def polartep_config() -> dict[str, Any]:
    return {"workflows_host_images": ["busybox", "python:3.11"], "workflows_container_runtime": "none"}


def manifest(source: str, default: str = "north") -> dict[str, Any]:
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Workflow",
        "metadata": {"generateName": "ice-edge-"},
        "spec": {
            "entrypoint": "main",
            "arguments": {"parameters": [{"name": "pole", "value": default}]},
            "templates": [{"name": "main", "script": {**PYTHON_STEP, "source": source}}],
        },
    }


async def jobs(jp_fetch: Any, *parts: str, **kwargs: Any) -> tuple[int, Any]:
    return await fetch_json(jp_fetch, "polartep", "api", "jobs", *parts, **kwargs)


async def wait_status(jp_fetch: Any, job_id: str, wanted: set[str], timeout: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        code, job = await jobs(jp_fetch, job_id)
        assert code == 200, job
        if job["status"] in wanted:
            return job  # type: ignore[no-any-return]
        await asyncio.sleep(0.25)
    raise AssertionError(f"job {job_id} never reached {wanted}: {job}")


async def test_a_workflow_job_runs_mirrors_its_run_and_reruns(jp_fetch: Any, jp_root_dir: Path) -> None:
    # Given a workflow manifest in the workspace with a parameter
    source = "print('edge of the {{workflow.parameters.pole}} ice')"
    (jp_root_dir / "edge.workflow.yaml").write_text(yaml.safe_dump(manifest(source)))
    # When it is posted as a job of kind workflow with a parameter
    body = {"kind": "workflow", "workflow": "edge.workflow.yaml", "parameters": {"pole": "south"}}
    code, job = await jobs(jp_fetch, method="POST", body={**body, "tags": ["wf"]})
    # Then it is a job of kind workflow, with the run's name
    assert code == 201, job
    assert job["kind"] == "workflow" and job["workflow"] == "edge.workflow.yaml"
    assert job["workflow_run"].startswith("ice-edge-")
    # And it succeeds, mirrored from the run (progress in steps, times)
    done = await wait_status(jp_fetch, job["id"], {"succeeded", "failed", "cancelled"})
    assert done["status"] == "succeeded", done
    assert done["progress"]["cells_done"] == done["progress"]["cells_total"] >= 1
    assert done["started"] and done["finished"] >= done["started"]
    # And the run is the workflows feature's own (listed there, Succeeded)
    code, run = await fetch_json(jp_fetch, "polartep", "api", "workflows", "runs", job["workflow_run"])
    assert code == 200 and run["status"]["phase"] == "Succeeded"
    # And the job's log is the run's log, with the parameter's effect
    log = (await jp_fetch("polartep", "api", "jobs", job["id"], "log")).body.decode()
    assert "edge of the south ice" in log
    # And it is listed with the notebook jobs, filterable by kind
    code, listing = await jobs(jp_fetch, params={"kind": "workflow"})
    assert [j["id"] for j in listing["jobs"]] == [job["id"]]
    # When it is rerun, a new workflow job and a new run start with the same parameters
    code, again = await jobs(jp_fetch, job["id"], "rerun", method="POST", body={})
    assert code == 201 and again["kind"] == "workflow" and again["rerun_of"] == job["id"]
    assert again["workflow_run"] != job["workflow_run"]
    assert (await wait_status(jp_fetch, again["id"], {"succeeded", "failed"}))["status"] == "succeeded"
    # When the first job is deleted, its run goes too
    code, _ = await jobs(jp_fetch, job["id"], method="DELETE")
    assert code == 204
    code, _ = await fetch_json(jp_fetch, "polartep", "api", "workflows", "runs", job["workflow_run"])
    assert code == 404


async def test_cancel_terminates_the_run_and_a_failing_run_fails_the_job(
    jp_fetch: Any, jp_root_dir: Path
) -> None:
    # Given a long workflow, submitted as a job
    (jp_root_dir / "long.yaml").write_text(yaml.safe_dump(manifest("import time\ntime.sleep(300)")))
    code, job = await jobs(jp_fetch, method="POST", body={"kind": "workflow", "workflow": "long.yaml"})
    assert code == 201, job
    await wait_status(jp_fetch, job["id"], {"running"})
    # When it is cancelled
    code, cancelled = await jobs(jp_fetch, job["id"], "cancel", method="POST", body={})
    # Then the job is cancelled and the run terminated (it ends Failed in Argo's terms)
    assert code == 200 and cancelled["status"] == "cancelled"
    deadline = time.monotonic() + 60
    while True:
        _, run = await fetch_json(jp_fetch, "polartep", "api", "workflows", "runs", job["workflow_run"])
        if run["status"]["phase"] not in ("Pending", "Running") or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.25)
    assert run["status"]["phase"] in ("Failed", "Error"), run["status"]
    # And cancelling again is a conflict
    code, err = await jobs(jp_fetch, job["id"], "cancel", method="POST", body={})
    assert code == 409, err
    # Given a workflow whose step fails, the job fails with the run's message
    (jp_root_dir / "bad.yaml").write_text(yaml.safe_dump(manifest("raise SystemExit(3)")))
    code, bad = await jobs(jp_fetch, method="POST", body={"kind": "workflow", "workflow": "bad.yaml"})
    failed = await wait_status(jp_fetch, bad["id"], {"failed", "succeeded"})
    assert failed["status"] == "failed" and failed["message"]


async def test_bad_workflow_jobs_are_400_naming_the_field(jp_fetch: Any, jp_root_dir: Path) -> None:
    (jp_root_dir / "edge.yaml").write_text(yaml.safe_dump(manifest("print(1)")))
    cases = [
        ({"kind": "workflow"}, "workflow"),
        ({"kind": "workflow", "workflow": "missing.yaml"}, "workflow"),
        ({"kind": "workflow", "workflow": "edge.yaml", "notebook": "x.ipynb"}, "notebook"),
        ({"kind": "notebook", "workflow": "edge.yaml"}, "notebook"),
        ({"kind": "pipeline", "notebook": "x.ipynb"}, "kind"),
    ]
    for body, field in cases:
        code, err = await jobs(jp_fetch, method="POST", body=body)
        assert code == 400 and field in err["message"], (body, err)
    # And nothing was recorded
    code, listing = await jobs(jp_fetch)
    assert listing["total"] == 0


async def test_workflow_jobs_are_not_ogc_notebook_jobs(jp_fetch: Any, jp_root_dir: Path) -> None:
    # Given a workflow job
    (jp_root_dir / "edge.yaml").write_text(yaml.safe_dump(manifest("print(1)")))
    code, job = await jobs(jp_fetch, method="POST", body={"kind": "workflow", "workflow": "edge.yaml"})
    assert code == 201, job
    # Then the OGC face (whose processes run notebooks) neither lists nor serves it
    code, listing = await fetch_json(jp_fetch, "polartep", "ogcapi", "jobs")
    assert code == 200 and listing["jobs"] == []
    code, _ = await fetch_json(jp_fetch, "polartep", "ogcapi", "jobs", job["id"])
    assert code == 404
    await wait_status(jp_fetch, job["id"], {"succeeded", "failed"})
