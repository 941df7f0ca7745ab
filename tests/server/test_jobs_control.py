"""Cancel, timeout and the FIFO queue: the kernel and its children never outlive their job."""

from __future__ import annotations

import asyncio
import re
import time
from pathlib import Path
from typing import Any

import psutil
import pytest

from ..jobs_notebooks import greeting_notebook, processes_gone, sleeping_notebook
from .conftest import fetch_json
from .test_jobs_api import submit, wait_job


@pytest.fixture
def polartep_config() -> dict[str, Any]:
    return {"max_concurrent_jobs": 1}


async def wait_for(jp_fetch: Any, job_id: str, predicate: Any, timeout: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        _, job = await fetch_json(jp_fetch, "polartep", "api", "jobs", job_id)
        if predicate(job):
            return job
        await asyncio.sleep(0.25)
    raise AssertionError(f"job {job_id} never reached the expected state: {job}")


async def job_processes(jp_fetch: Any, job_id: str, data_dir: Path) -> list[int]:
    """Runner, kernel and the child the notebook started (its pid is in the log)."""
    from polartep_lab.jobs.store import JobStore

    record = JobStore(data_dir / "jobs" / "jobs.sqlite").get(job_id)
    assert record is not None
    log = (await jp_fetch("polartep", "api", "jobs", job_id, "log")).body.decode()
    child = re.search(r"child (\d+)", log)
    assert child, log
    return [record["runner_pid"], record["kernel_pid"], int(child.group(1))]


gone = processes_gone


async def test_cancel_kills_kernel_and_children_and_the_queue_moves_on(
    jp_fetch: Any, jp_root_dir: Path, polartep_data_dir: Path
) -> None:
    sleeping_notebook(jp_root_dir / "sleep.ipynb")
    greeting_notebook(jp_root_dir / "greet.ipynb")
    # Given a long job running and a second one waiting (max_concurrent_jobs = 1)
    _, slow = await submit(jp_fetch, notebook="sleep.ipynb")
    _, waiting = await submit(jp_fetch, notebook="greet.ipynb")
    running = await wait_for(jp_fetch, slow["id"], lambda j: j["progress"]["cells_done"] >= 1)
    assert running["status"] == "running"
    pids = await job_processes(jp_fetch, slow["id"], polartep_data_dir)
    assert all(psutil.pid_exists(p) for p in pids)
    _, queued = await fetch_json(jp_fetch, "polartep", "api", "jobs", waiting["id"])
    assert queued["status"] == "queued"
    # When the running job is cancelled
    code, cancelled = await fetch_json(
        jp_fetch, "polartep", "api", "jobs", slow["id"], "cancel", method="POST", body={}
    )
    # Then it is cancelled at once, and its runner, kernel and the kernel's child are gone
    assert code == 200 and cancelled["status"] == "cancelled"
    assert gone(pids), f"processes outlived the cancelled job: {pids}"
    # And the queued job runs next and succeeds
    assert (await wait_job(jp_fetch, waiting["id"]))["status"] == "succeeded"
    # And the partial output of the cancelled job is kept
    final = await wait_for(jp_fetch, slow["id"], lambda j: "ipynb" in j["available_outputs"])
    assert final["status"] == "cancelled"
    # And cancelling it again is a conflict
    code, _ = await fetch_json(
        jp_fetch, "polartep", "api", "jobs", slow["id"], "cancel", method="POST", body={}
    )
    assert code == 409


async def test_a_queued_job_can_be_cancelled_before_it_starts(jp_fetch: Any, jp_root_dir: Path) -> None:
    sleeping_notebook(jp_root_dir / "sleep.ipynb")
    greeting_notebook(jp_root_dir / "greet.ipynb")
    _, slow = await submit(jp_fetch, notebook="sleep.ipynb", timeout=60)
    _, waiting = await submit(jp_fetch, notebook="greet.ipynb")
    # When the waiting job is cancelled
    code, cancelled = await fetch_json(
        jp_fetch, "polartep", "api", "jobs", waiting["id"], "cancel", method="POST", body={}
    )
    assert code == 200 and cancelled["status"] == "cancelled"
    # Then it never starts; deleting the running one kills it
    code, _ = await fetch_json(jp_fetch, "polartep", "api", "jobs", slow["id"], method="DELETE")
    assert code == 204
    await asyncio.sleep(1)
    _, job = await fetch_json(jp_fetch, "polartep", "api", "jobs", waiting["id"])
    assert job["status"] == "cancelled" and job["started"] is None


async def test_timeout_kills_the_kernel_and_marks_timed_out(
    jp_fetch: Any, jp_root_dir: Path, polartep_data_dir: Path
) -> None:
    # Given a notebook that sleeps far longer than its timeout
    sleeping_notebook(jp_root_dir / "sleep.ipynb")
    _, job = await submit(jp_fetch, notebook="sleep.ipynb", timeout=10)
    await wait_for(jp_fetch, job["id"], lambda j: j["progress"]["cells_done"] >= 1)
    pids = await job_processes(jp_fetch, job["id"], polartep_data_dir)
    # When its time is up
    done = await wait_job(jp_fetch, job["id"], timeout=120)
    # Then it is timed_out, and no process of it remains
    assert done["status"] == "timed_out", done
    assert "timed out after 10 s" in done["message"]
    assert gone(pids), f"processes outlived the timed-out job: {pids}"
    log = (await jp_fetch("polartep", "api", "jobs", job["id"], "log")).body.decode()
    assert "[polartep] timed_out" in log and "\nnever\n" not in log
