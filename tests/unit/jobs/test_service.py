"""The job service on its own: secrets injection (provider passed in), shared FIFO limit, Python API."""

from __future__ import annotations

import json
import time
from pathlib import Path

import nbformat
import pytest

from polartep_lab.jobs.models import CreateJob
from polartep_lab.jobs.service import JobService

from ...jobs_notebooks import greeting_notebook, write_notebook


def test_injected_secrets_reach_the_kernel_and_are_masked(tmp_path: Path) -> None:
    # Given a service whose secrets provider (what the secrets feature offers) injects a token
    root = tmp_path / "root"
    write_notebook(
        root / "secret.ipynb",
        "import os\nprint('token is', os.environ['CDSE_TOKEN'])\nlen(os.environ['CDSE_TOKEN'])",
        "print('job', os.environ['POLARTEP_JOB_ID'])",
    )
    service = JobService(tmp_path / "data", root, env_provider=lambda: {"CDSE_TOKEN": "s3cr3t-value"})
    try:
        # When a job reads it
        job = service.submit(CreateJob(notebook="secret.ipynb"))
        done = service.wait(job.id, timeout=180)
        # Then the kernel had it in its environment, and the log and outputs mask its value
        assert done.status.value == "succeeded", done.message
        output = service.output_path(job.id, "ipynb").read_text()
        log, _ = service.read_log(job.id)
        assert "token is ***" in output and "token is ***" in log.decode()
        assert "s3cr3t-value" not in output and b"s3cr3t-value" not in log
        cell = nbformat.reads(output, as_version=4).cells[0]
        results = [o for o in cell.outputs if o["output_type"] == "execute_result"]
        assert results[0]["data"]["text/plain"] == "12"  # the kernel saw the real 12-character value
        assert f"job {job.id}" in log.decode()
    finally:
        service.close()
    # And nothing of the secret is stored in the job database or folder (read once the service has
    # stopped: while it runs, SQLite may remove its -wal file between the listing and the read)
    for path in (tmp_path / "data").rglob("*"):
        if path.is_file():
            assert b"s3cr3t-value" not in path.read_bytes(), path


def test_two_dispatchers_share_one_fifo_limit(tmp_path: Path) -> None:
    # Given two services (a server and a kernel's Python API) on the same job database, limit 1
    root = tmp_path / "root"
    greeting_notebook(root / "greet.ipynb")
    first = JobService(tmp_path / "data", root, max_concurrent=1)
    second = JobService(tmp_path / "data", root, max_concurrent=1)
    try:
        ids = [
            s.submit(CreateJob(notebook="greet.ipynb", parameters={"times": n}, outputs=["ipynb"])).id
            for n, s in enumerate([first, second, first])
        ]
        # When they run, never more than one runs at a time, and they start in submission order
        most = 0
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            listing = first.list().jobs
            most = max(most, sum(j.status.value == "running" for j in listing))
            if all(j.status.value == "succeeded" for j in listing):
                break
            time.sleep(0.1)
        jobs = [first.get(i) for i in ids]
        assert [j.status.value for j in jobs] == ["succeeded"] * 3
        assert most == 1
        starts = [j.started or 0 for j in jobs]
        assert starts == sorted(starts)
        assert all(json.loads(first.output_path(i, "ipynb").read_text()) for i in ids)
    finally:
        first.close()
        second.close()


def test_python_api_submit_wait_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLARTEP_DATA_DIR", str(tmp_path / "data"))
    import polartep_lab.jobs.api as api

    monkeypatch.setattr(api, "_service", None)
    from polartep_lab import jobs

    path = greeting_notebook(tmp_path / "greet.ipynb")
    job = jobs.submit(str(path), parameters={"name": "Eureka"}, wait=True, outputs=["ipynb"])
    try:
        assert job.status == "succeeded"
        assert "hello Eureka" in job.output().read_text()
        assert [j.id for j in jobs.list_jobs(status="succeeded")] == [job.id]
        assert "Eureka" in repr(job) or job.id[:8] in repr(job)
    finally:
        api.service().close()
