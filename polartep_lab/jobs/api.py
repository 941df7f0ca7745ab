"""The notebook-side Python API: the same job store as the server (``$POLARTEP_DATA_DIR/jobs``).

Jobs submitted here are queued in the workspace's job database; whichever dispatcher is alive
(this kernel's, or the notebook server's) runs them within the shared concurrency limit.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

from ..core.paths import default_data_dir
from .models import CreateJob, DescribeJob, ListJobsQuery, Status
from .service import JobService

_service: JobService | None = None
_lock = threading.Lock()


def service() -> JobService:
    """One dispatcher per process, over the workspace's job store; root is ``/`` (absolute paths)."""
    global _service
    with _lock:
        if _service is None:
            limit = int(os.environ.get("POLARTEP_MAX_CONCURRENT_JOBS", "2"))
            _service = JobService(default_data_dir() / "jobs", Path("/"), max_concurrent=limit)
        return _service


class Job:
    """A headless job: ``.status``, ``.refresh()``, ``.wait()``, ``.output()``, ``.log()``, ``.cancel()``."""

    def __init__(self, described: DescribeJob) -> None:
        self._job = described

    @property
    def id(self) -> str:
        return self._job.id

    @property
    def status(self) -> str:
        return self.refresh()._job.status.value

    @property
    def info(self) -> DescribeJob:
        return self._job

    def refresh(self) -> Job:
        self._job = service().get(self.id)
        return self

    def wait(self, timeout: float | None = None) -> Job:
        self._job = service().wait(self.id, timeout=timeout)
        return self

    def output(self, format: str = "ipynb") -> Path:
        return service().output_path(self.id, format)

    def log(self) -> str:
        data, _ = service().read_log(self.id)
        return data.decode("utf-8", errors="replace")

    def cancel(self) -> Job:
        self._job = service().cancel(self.id)
        return self

    def __repr__(self) -> str:
        job = self._job
        done, total = job.progress.cells_done, job.progress.cells_total
        return f"<Job {job.id[:8]} {job.name} {job.status.value} {done}/{total} cells>"


def submit(path: str, parameters: dict[str, Any] | None = None, wait: bool = False, **options: Any) -> Job:
    """Run the notebook at ``path`` headless with ``parameters`` (papermill convention)."""
    absolute = str(Path(path).expanduser().resolve())
    job = Job(service().submit(CreateJob(notebook=absolute, parameters=parameters or {}, **options)))
    return job.wait() if wait else job


def get(job_id: str) -> Job:
    return Job(service().get(job_id))


def list_jobs(status: str | None = None, tag: str | None = None, limit: int = 20) -> list[Job]:
    query = ListJobsQuery(status=[Status(status)] if status else [], tag=tag, limit=limit)
    return [Job(j) for j in service().list(query).jobs]
