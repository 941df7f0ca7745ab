"""Headless jobs. From a notebook::

from polartep_lab import jobs
job = jobs.submit("analysis.ipynb", parameters={"year": 2024}, wait=True)
job.status, job.output()          # 'succeeded', Path of the executed notebook
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .api import Job

__all__ = ["Job", "get", "list_jobs", "submit"]


def submit(path: str, parameters: dict[str, Any] | None = None, wait: bool = False, **options: Any) -> Job:
    from .api import submit as _submit

    return _submit(path, parameters=parameters, wait=wait, **options)


def get(job_id: str) -> Job:
    from .api import get as _get

    return _get(job_id)


def list_jobs(status: str | None = None, tag: str | None = None, limit: int = 20) -> list[Job]:
    from .api import list_jobs as _list

    return _list(status=status, tag=tag, limit=limit)


def __getattr__(name: str) -> Any:
    if name == "Job":
        from .api import Job

        return Job
    raise AttributeError(name)
