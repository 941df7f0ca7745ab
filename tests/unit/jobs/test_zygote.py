"""Job processes forked from the pre-imported zygote; a dead zygote never stops jobs from running."""

from __future__ import annotations

import os
import signal
from pathlib import Path

from polartep_lab.jobs.models import CreateJob
from polartep_lab.jobs.service import JobService

from ...jobs_notebooks import processes_gone, write_notebook


def parent_of_job(service: JobService, job_id: str) -> int:
    log, _ = service.read_log(job_id)
    line = next(x for x in log.decode().splitlines() if x.startswith("parent "))
    return int(line.split()[1])


def test_jobs_are_forked_from_the_zygote_and_run_cold_without_it(tmp_path: Path) -> None:
    root = tmp_path / "root"
    write_notebook(root / "who.ipynb", "import os\nprint('parent', os.environ['POLARTEP_JOB_PARENT'])")
    service = JobService(tmp_path / "data", root)
    try:
        # Given two jobs run one after the other
        first = service.wait(service.submit(CreateJob(notebook="who.ipynb", outputs=["ipynb"])).id, 180)
        second = service.wait(service.submit(CreateJob(notebook="who.ipynb", outputs=["ipynb"])).id, 180)
        assert first.status.value == second.status.value == "succeeded", (first.message, second.message)
        # Then (after the first, which starts it) each job's process is a child of the one zygote
        zygote = service._zygote
        assert zygote is not None and zygote.alive()
        assert parent_of_job(service, second.id) == zygote.pid
        # And each job had its own process, gone with its job
        runners = [service.store.get(j.id)["runner_pid"] for j in (first, second)]  # type: ignore[index]
        assert len(set(runners)) == 2 and processes_gone(runners)
        # When the zygote dies, the next job still runs (a cold process of its own)
        os.kill(zygote.pid, signal.SIGKILL)
        zygote.proc.wait(timeout=30)
        third = service.wait(service.submit(CreateJob(notebook="who.ipynb", outputs=["ipynb"])).id, 180)
        assert third.status.value == "succeeded", third.message
        assert parent_of_job(service, third.id) == os.getpid()
    finally:
        service.close()
    # And closing the service leaves no zygote behind
    assert processes_gone([zygote.pid])
