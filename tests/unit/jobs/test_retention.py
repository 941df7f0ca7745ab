"""Retention: old finished jobs go with their outputs; queued and running jobs always stay."""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

from polartep_lab.jobs.service import JobService

DAY = 86400.0


def _job(service: JobService, status: str, age_days: float) -> str:
    """A job record of ``status`` that finished (or was created) ``age_days`` ago, with outputs."""
    now = time.time()
    job_id = uuid.uuid4().hex
    record: dict[str, Any] = {
        "id": job_id, "kind": "notebook", "name": status, "notebook": "nb.ipynb", "cwd": ".",
        "kernel": "python3", "parameters": {}, "timeout": 60.0, "tags": [], "outputs": ["ipynb"],
        "status": status, "created": now - age_days * DAY - 10,
        "finished": now - age_days * DAY if status not in ("queued", "running") else None,
    }  # fmt: skip
    service.store.insert(record)
    folder = service.jobs_dir / job_id
    folder.mkdir()
    (folder / "output.ipynb").write_text("{}")
    return job_id


def test_retention_days_removes_old_finished_jobs_and_outputs_only(tmp_path: Path) -> None:
    # Given a service keeping finished jobs 7 days (no dispatcher: nothing runs here)
    service = JobService(tmp_path / "data", tmp_path, retention_days=7, start=False)
    old = {s: _job(service, s, 30) for s in ("succeeded", "failed", "cancelled", "timed_out")}
    recent = _job(service, "succeeded", 1)
    # queued and running jobs created long ago (e.g. a week-long job) are never touched
    queued, running = _job(service, "queued", 30), _job(service, "running", 30)
    # When the retention sweep runs
    removed = service.prune()
    # Then exactly the old finished jobs are gone, with their folders (logs, outputs)
    assert sorted(removed) == sorted(old.values())
    for job_id in old.values():
        assert service.store.get(job_id) is None
        assert not (service.jobs_dir / job_id).exists()
    for job_id in (recent, queued, running):
        assert service.store.get(job_id) is not None
        assert (service.jobs_dir / job_id / "output.ipynb").is_file()
    # And a second sweep finds nothing more
    assert service.prune() == []


def test_max_kept_keeps_the_newest_finished_jobs(tmp_path: Path) -> None:
    # Given a service keeping at most 2 finished jobs, and 4 finished + 1 queued
    service = JobService(tmp_path / "data", tmp_path, max_kept=2, start=False)
    first, second = _job(service, "succeeded", 0), _job(service, "failed", 0)
    queued = _job(service, "queued", 0)
    third, fourth = _job(service, "succeeded", 0), _job(service, "cancelled", 0)
    # When the sweep runs
    removed = service.prune()
    # Then the two oldest finished ones go; the queued one is not counted and stays
    assert sorted(removed) == sorted([first, second])
    listed = {j.id for j in service.list().jobs}
    assert listed == {queued, third, fourth}


def test_no_retention_configured_keeps_everything(tmp_path: Path) -> None:
    service = JobService(tmp_path / "data", tmp_path, start=False)
    job_id = _job(service, "succeeded", 3650)
    assert service.prune() == []
    assert service.store.get(job_id) is not None
