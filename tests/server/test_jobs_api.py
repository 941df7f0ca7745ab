"""Jobs REST API on a real jupyter-server: submit, list, get, log, outputs, rerun, delete, bad input."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

import nbformat
import pytest

from ..jobs_notebooks import failing_notebook, greeting_notebook
from .conftest import fetch_json

FINISHED = {"succeeded", "failed", "cancelled", "timed_out"}


@pytest.fixture
def polartep_config() -> dict[str, Any]:
    return {"max_concurrent_jobs": 2}


async def wait_job(jp_fetch: Any, job_id: str, timeout: float = 180) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        code, job = await fetch_json(jp_fetch, "polartep", "api", "jobs", job_id)
        assert code == 200, job
        if job["status"] in FINISHED:
            return job
        await asyncio.sleep(0.3)
    raise AssertionError(f"job {job_id} did not finish in {timeout} s")


async def submit(jp_fetch: Any, **body: Any) -> tuple[int, Any]:
    return await fetch_json(jp_fetch, "polartep", "api", "jobs", method="POST", body=body)


async def test_a_parameterised_notebook_runs_and_keeps_its_outputs(jp_fetch: Any, jp_root_dir: Path) -> None:
    # Given a notebook with a parameters cell
    greeting_notebook(jp_root_dir / "greet.ipynb")
    # When it is submitted with parameters
    code, job = await submit(
        jp_fetch, notebook="greet.ipynb", parameters={"name": "Svalbard", "times": 3}, tags=["arctic"]
    )
    # Then the job is queued (201) with an id
    assert code == 201, job
    assert job["status"] in ("queued", "running") and job["tags"] == ["arctic"]
    # And it succeeds, with every cell done (4 cells + the injected one)
    done = await wait_job(jp_fetch, job["id"])
    assert done["status"] == "succeeded", done
    assert done["progress"] == {"cells_done": 5, "cells_total": 5}
    assert done["started"] >= done["created"] and done["finished"] >= done["started"]
    assert set(done["available_outputs"]) == {"ipynb", "html"}
    # And the executed notebook shows the parameter's effect, with papermill's injected cell
    response = await jp_fetch("polartep", "api", "jobs", job["id"], "outputs", "ipynb")
    nb = nbformat.reads(response.body.decode(), as_version=4)
    tags = [c.metadata.get("tags", []) for c in nb.cells]
    assert tags.index(["injected-parameters"]) == tags.index(["parameters"]) + 1
    assert "hello Svalbard x3 at 0.5" in json.dumps(nb.cells[-2].outputs)
    html = await jp_fetch("polartep", "api", "jobs", job["id"], "outputs", "html")
    assert html.headers["Content-Type"].startswith("text/html") and b"hello Svalbard x3" in html.body
    # And the log has the cell markers and the printed line
    log = await jp_fetch("polartep", "api", "jobs", job["id"], "log")
    text = log.body.decode()
    assert "[polartep] cell 3/5" in text and "hello Svalbard x3 at 0.5" in text and "succeeded" in text
    assert int(log.headers["X-Log-Offset"]) == len(log.body)
    # And the followed log stream ends because the job is finished
    streamed = await jp_fetch("polartep", "api", "jobs", job["id"], "log", params={"follow": "true"})
    assert streamed.body == log.body
    # And a copy of the output can be placed into the workspace
    code, copied = await fetch_json(
        jp_fetch, "polartep", "api", "jobs", job["id"], "outputs", "ipynb", "copy", method="POST", body={}
    )
    assert code == 201 and (jp_root_dir / copied["path"]).is_file()


async def test_snapshot_rerun_list_filter_paging_and_delete(
    jp_fetch: Any, jp_root_dir: Path, polartep_data_dir: Path
) -> None:
    path = greeting_notebook(jp_root_dir / "greet.ipynb")
    # Given a job submitted from the notebook
    _, first = await submit(
        jp_fetch, notebook="greet.ipynb", parameters={"name": "Ross"}, tags=["antarctic"], outputs=["ipynb"]
    )
    # When the notebook file changes after submission
    path.write_text(path.read_text().replace("hello", "CHANGED"))
    first = await wait_job(jp_fetch, first["id"])
    # Then the job ran the snapshot taken at submission
    out = await jp_fetch("polartep", "api", "jobs", first["id"], "outputs", "ipynb")
    assert b"hello Ross" in out.body and b"CHANGED" not in out.body
    assert first["available_outputs"] == ["ipynb"]
    # When it is rerun, the new job runs the same snapshot and parameters
    code, again = await fetch_json(
        jp_fetch, "polartep", "api", "jobs", first["id"], "rerun", method="POST", body={}
    )
    assert code == 201 and again["rerun_of"] == first["id"] and again["parameters"] == {"name": "Ross"}
    again = await wait_job(jp_fetch, again["id"])
    assert again["status"] == "succeeded"
    _, other = await submit(jp_fetch, notebook="greet.ipynb", tags=["arctic"])
    await wait_job(jp_fetch, other["id"])
    # Then the list filters by tag and status, pages, newest first
    _, listing = await fetch_json(jp_fetch, "polartep", "api", "jobs", params={"tag": "antarctic"})
    assert listing["total"] == 2 and [j["id"] for j in listing["jobs"]] == [again["id"], first["id"]]
    _, page = await fetch_json(jp_fetch, "polartep", "api", "jobs", params={"limit": "1", "offset": "1"})
    assert page["total"] == 3 and len(page["jobs"]) == 1 and page["jobs"][0]["id"] == again["id"]
    _, by_status = await fetch_json(
        jp_fetch, "polartep", "api", "jobs", params={"status": "failed,cancelled"}
    )
    assert by_status["total"] == 0
    code, bad = await fetch_json(jp_fetch, "polartep", "api", "jobs", params={"status": "done"})
    assert code == 400 and "status" in bad["message"]
    # When a finished job is cancelled, that is a conflict
    code, err = await fetch_json(
        jp_fetch, "polartep", "api", "jobs", first["id"], "cancel", method="POST", body={}
    )
    assert code == 409 and err["reason"] == "finished"
    # When a job is deleted, its record and outputs are gone
    code, _ = await fetch_json(jp_fetch, "polartep", "api", "jobs", first["id"], method="DELETE")
    assert code == 204
    assert not (polartep_data_dir / "jobs" / "jobs" / first["id"]).exists()
    code, _ = await fetch_json(jp_fetch, "polartep", "api", "jobs", first["id"])
    assert code == 404


async def test_a_notebook_that_raises_fails_with_the_exception_and_cell(
    jp_fetch: Any, jp_root_dir: Path
) -> None:
    # Given a notebook whose second cell raises
    failing_notebook(jp_root_dir / "sub" / "fail.ipynb")
    code, job = await submit(jp_fetch, notebook="sub/fail.ipynb")
    assert code == 201
    # Then the job fails (never a server error) with the exception and the cell
    done = await wait_job(jp_fetch, job["id"])
    assert done["status"] == "failed"
    assert done["error"] == {"ename": "ValueError", "evalue": "the ice is too thin", "cell_index": 1}
    assert "ValueError: the ice is too thin" in done["message"]
    assert done["progress"]["cells_done"] == 2
    # And the saved notebook highlights the failed cell, the later cell did not run
    out = await jp_fetch("polartep", "api", "jobs", job["id"], "outputs", "ipynb")
    nb = nbformat.reads(out.body.decode(), as_version=4)
    assert "ValueError: the ice is too thin" in nb.cells[0].source
    failed = [c for c in nb.cells if c.metadata.get("polartep", {}).get("error")]
    assert len(failed) == 1 and "raise ValueError" in failed[0].source
    assert nb.cells[-1].get("outputs") == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "notebook"),
        ({"notebook": "missing.ipynb"}, "notebook"),
        ({"notebook": "notes.txt"}, "notebook"),
        ({"notebook": "broken.ipynb"}, "notebook"),
        ({"notebook": "greet.ipynb", "kernel": "no-such-kernel"}, "kernel"),
        ({"notebook": "greet.ipynb", "parameters": {"times": "three"}}, "parameters.times"),
        ({"notebook": "greet.ipynb", "parameters": {"scale": True}}, "parameters.scale"),
        ({"notebook": "greet.ipynb", "timeout": 0}, "timeout"),
        ({"notebook": "greet.ipynb", "timeout": -5}, "timeout"),
        ({"notebook": "greet.ipynb", "outputs": ["pdf"]}, "outputs"),
        ({"notebook": "../outside.ipynb"}, "outside"),
    ],
)
async def test_bad_input_is_a_400_naming_the_field(
    jp_fetch: Any, jp_root_dir: Path, body: dict[str, Any], field: str
) -> None:
    # Given a workspace with a good notebook, a text file and a broken notebook
    greeting_notebook(jp_root_dir / "greet.ipynb")
    (jp_root_dir / "notes.txt").write_text("not a notebook")
    (jp_root_dir / "broken.ipynb").write_text("{ not json")
    # When a job is submitted with bad input
    code, err = await submit(jp_fetch, **body)
    # Then it is refused with a message naming the field, and nothing is queued
    assert code in (400, 403), err
    assert field in err["message"], err
    _, listing = await fetch_json(jp_fetch, "polartep", "api", "jobs")
    assert listing["total"] == 0


async def test_parameters_form_and_kernels(jp_fetch: Any, jp_root_dir: Path) -> None:
    greeting_notebook(jp_root_dir / "greet.ipynb")
    # When the parameters of a notebook are asked for
    code, form = await fetch_json(
        jp_fetch, "polartep", "api", "jobs", "parameters", params={"notebook": "greet.ipynb"}
    )
    # Then names, types, defaults and help come from its parameters cell
    assert code == 200
    assert form["parameters"] == [
        {"name": "name", "type": "string", "default": "world", "help": "who to greet"},
        {"name": "times", "type": "integer", "default": 1, "help": ""},
        {"name": "scale", "type": "number", "default": 0.5, "help": ""},
    ]
    assert form["kernel"] == "python3" and "python3" in form["kernels"]
    code, kernels = await fetch_json(jp_fetch, "polartep", "api", "jobs", "kernels")
    assert code == 200 and "python3" in kernels["kernels"]
    code, err = await fetch_json(
        jp_fetch, "polartep", "api", "jobs", "parameters", params={"notebook": "nope.ipynb"}
    )
    assert code == 400 and "notebook" in err["message"]


async def test_the_log_streams_while_the_job_runs(jp_fetch: Any, jp_root_dir: Path) -> None:
    from ..jobs_notebooks import write_notebook

    # Given a job that prints, waits, and prints again
    write_notebook(
        jp_root_dir / "slow.ipynb", "print('first line')", "import time\ntime.sleep(2)", "print('last line')"
    )
    _, job = await submit(jp_fetch, notebook="slow.ipynb", outputs=["ipynb"])
    # When its log is followed right after submission
    response = await jp_fetch(
        "polartep", "api", "jobs", job["id"], "log", params={"follow": "true"}, request_timeout=300
    )
    # Then one response carries the whole log, up to the job's end
    text = response.body.decode()
    assert response.headers["Content-Type"].startswith("text/plain")
    assert text.index("first line") < text.index("last line") < text.index("[polartep] succeeded")
    _, done = await fetch_json(jp_fetch, "polartep", "api", "jobs", job["id"])
    assert done["status"] == "succeeded"


async def test_get_with_wait_answers_when_the_job_ends(jp_fetch: Any, jp_root_dir: Path) -> None:
    from ..jobs_notebooks import write_notebook

    # Given a job that takes a couple of seconds
    write_notebook(jp_root_dir / "nap.ipynb", "import time\ntime.sleep(2)", "print('awake')")
    _, job = await submit(jp_fetch, notebook="nap.ipynb", outputs=["ipynb"])
    # When a client asks for it with wait=60 (no polling)
    code, done = await fetch_json(
        jp_fetch, "polartep", "api", "jobs", job["id"], params={"wait": "60"}, request_timeout=120
    )
    # Then the one answer is the ended job, its output already there
    assert code == 200 and done["status"] == "succeeded", done
    assert "ipynb" in done["available_outputs"]
    # And wait=0 answers at once; a bad wait is a 400 naming it
    code, now = await fetch_json(jp_fetch, "polartep", "api", "jobs", job["id"], params={"wait": "0"})
    assert code == 200 and now["id"] == job["id"]
    code, err = await fetch_json(jp_fetch, "polartep", "api", "jobs", job["id"], params={"wait": "soon"})
    assert code == 400 and "wait" in err["message"]
