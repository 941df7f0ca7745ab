"""``kind: "workflow"`` jobs: a workflow run (local executor or Argo) behind a job record.

The workflows feature runs the workflow; the job record mirrors its phase, progress, times and
message, so the same list, panel, log, cancel, rerun and delete work for both kinds. A workflow job
does not count against ``max_concurrent_jobs`` (the workflows backend has its own parallelism).
"""

from __future__ import annotations

import contextlib
import json
import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.errors import Conflict, Invalid, NotFound, PolarTEPError
from ..core.paths import atomic_write
from .models import CreateJob, Status

if TYPE_CHECKING:
    from .service import JobService

#: Argo phases -> job statuses
PHASES = {
    "Pending": Status.queued,
    "Running": Status.running,
    "Succeeded": Status.succeeded,
    "Failed": Status.failed,
    "Error": Status.failed,
}
SNAPSHOT = "workflow.json"


def _epoch(stamp: Any) -> float | None:
    if not isinstance(stamp, str) or not stamp:
        return None
    try:
        return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def _progress(text: Any) -> tuple[int, int]:
    """Argo's ``"done/total"`` steps."""
    try:
        done, total = str(text).split("/", 1)
        return int(done), int(total)
    except ValueError:
        return 0, 0


def workflows_of(jobs: JobService) -> Any:
    service = jobs.workflows_lookup() if jobs.workflows_lookup is not None else None
    if service is None:
        raise Invalid("kind: workflow jobs need the workflows feature, which is not enabled", "no_workflows")
    return service


def submit(jobs: JobService, request: CreateJob, snapshot: dict[str, Any] | None = None, **extra: Any) -> str:
    """Start the run through the workflows service and create its job record; returns the id."""
    service = workflows_of(jobs)
    path = request.workflow or ""
    try:
        manifest = snapshot if snapshot is not None else service.load(path)
    except NotFound as exc:
        raise Invalid(f"workflow: {exc.message}", "no_workflow") from exc
    except PolarTEPError as exc:
        raise Invalid(f"workflow: {exc.message}", exc.reason) from exc
    try:
        run = service.submit(manifest if snapshot is not None else path, request.parameters)
    except (Invalid, NotFound) as exc:
        raise Invalid(f"workflow: {exc.message}", exc.reason) from exc
    meta = run.get("metadata") or {}
    record = jobs._record(
        request,
        kernel=service.default_backend,
        cwd=str(jobs.root_dir),
        workflow_run=meta.get("name"),
        workflow_backend=service.default_backend,
        dispatcher=jobs.identity,
        **extra,
    )
    record.update(notebook=path, outputs=[], name=request.name or meta.get("name") or Path(path).stem)
    job_dir = jobs.jobs_dir / record["id"]
    job_dir.mkdir(parents=True)
    atomic_write(job_dir / SNAPSHOT, json.dumps(manifest).encode("utf-8"))
    jobs.store.insert(record)
    mirror(jobs, jobs.store.get(record["id"]) or record)
    return str(record["id"])


def rerun(jobs: JobService, old: dict[str, Any]) -> str:
    snapshot = jobs.jobs_dir / old["id"] / SNAPSHOT
    if not snapshot.is_file():
        raise NotFound(f"job {old['id']} has no workflow snapshot left", "no_snapshot")
    request = CreateJob(
        kind="workflow",
        workflow=old["notebook"],
        parameters=old["parameters"],
        tags=old["tags"],
        name=old["name"],
    )
    manifest = json.loads(snapshot.read_text(encoding="utf-8"))
    return submit(jobs, request, snapshot=manifest, rerun_of=old["id"])


def mirror(jobs: JobService, record: dict[str, Any]) -> None:
    """Copy the run's phase, progress, times and message into the job record."""
    service = jobs.workflows_lookup() if jobs.workflows_lookup is not None else None
    if service is None or not record.get("workflow_run"):
        return
    try:
        run = service.get(record["workflow_run"], record.get("workflow_backend"))
    except NotFound:
        fields = {"status": "failed", "finished": time.time(), "message": "the workflow run is gone"}
        jobs.store.update(record["id"], only_if_status=("queued", "running"), **fields)
        return
    except PolarTEPError as exc:  # the backend is unreachable now: try again on the next turn
        jobs.log.debug("polartep jobs: workflow %s: %s", record["workflow_run"], exc.message)
        return
    status = (run.get("status") or {}) if isinstance(run, dict) else {}
    phase = status.get("phase") or "Pending"
    done, total = _progress(status.get("progress", ""))
    fields: dict[str, Any] = {
        "status": PHASES.get(phase, Status.running).value,
        "message": status.get("message", "") or "",
        "cells_done": done,
        "cells_total": total,
    }
    started, finished = _epoch(status.get("startedAt")), _epoch(status.get("finishedAt"))
    if started:
        fields["started"] = started
    if fields["status"] in ("succeeded", "failed"):
        fields["finished"] = finished or time.time()
        if fields["status"] == "failed" and not fields["message"]:
            fields["message"] = f"workflow {phase.lower()}"
    jobs.store.update(record["id"], only_if_status=("queued", "running"), **fields)


def mirror_all(jobs: JobService) -> None:
    if jobs.workflows_lookup is None or jobs.workflows_lookup() is None:
        return
    for record in jobs.store.active_workflows():
        mirror(jobs, record)


def cancel(jobs: JobService, record: dict[str, Any]) -> None:
    """Terminate the run (the job record is already marked cancelled)."""
    service = jobs.workflows_lookup() if jobs.workflows_lookup is not None else None
    if service is None or not record.get("workflow_run"):
        return
    with contextlib.suppress(Conflict, NotFound):  # it ended meanwhile
        service.cancel(record["workflow_run"], "terminate", record.get("workflow_backend"))


def delete(jobs: JobService, record: dict[str, Any]) -> None:
    service = jobs.workflows_lookup() if jobs.workflows_lookup is not None else None
    if service is None or not record.get("workflow_run"):
        return
    with contextlib.suppress(Conflict, NotFound):
        service.delete(record["workflow_run"], record.get("workflow_backend"))


def log(jobs: JobService, record: dict[str, Any]) -> bytes:
    service = jobs.workflows_lookup() if jobs.workflows_lookup is not None else None
    if service is None or not record.get("workflow_run"):
        return b""
    try:
        return str(service.logs(record["workflow_run"], None, record.get("workflow_backend"))).encode("utf-8")
    except PolarTEPError as exc:
        return f"[polartep] no workflow log: {exc.message}\n".encode()
