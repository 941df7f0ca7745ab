"""The OGC API - Processes (Part 1: Core 1.0) face of headless jobs, over the same job store.

A generic ``execute-notebook`` process (inputs ``notebook``, ``kernel``, ``parameters_json`` as in
EOX's pygeoapi/papermill deployment) plus one process per notebook published as a process, whose
inputs are described from its parameters cell.

Execution is asynchronous by default: every process lists ``async-execute``. A process may also
list ``sync-execute`` (a published process with ``sync_execute``, the generic one with
``c.PolarTEP.jobs_sync_execute``); then, as OGC API - Processes 1.0 requires
(/req/core/process-execute-default-execution-mode), a request without ``Prefer: respond-async``
runs synchronously and answers with the results (/req/core/process-execute-sync-document,
/req/core/process-execute-sync-raw-ref), while ``Prefer: respond-async`` still creates a job.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Any

from ..core.errors import Invalid, NotFound
from .models import CreateJob, DescribeJob, ListJobsQuery, PublishProcess, Status
from .notebook import declared_parameters, read_notebook
from .service import JobService

GENERIC = "execute-notebook"
VERSION = "1.0.0"
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/ogc-process-description",
    "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/json",
    "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/job-list",
    "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/dismiss",
]
OGC_STATUS = {
    Status.queued: "accepted",
    Status.running: "running",
    Status.succeeded: "successful",
    Status.failed: "failed",
    Status.timed_out: "failed",
    Status.cancelled: "dismissed",
}
_JSON_TYPES = {"boolean", "integer", "number", "string", "array", "object"}
_OUTPUTS = {
    "output_notebook": ("ipynb", "application/x-ipynb+json", "The executed notebook"),
    "output_html": ("html", "text/html", "The executed notebook as HTML"),
}
EXCEPTION_TYPES = {
    404: "http://www.opengis.net/def/exceptions/ogcapi-processes-1/1.0/no-such-job",
    400: "http://www.opengis.net/def/exceptions/ogcapi-processes-1/1.0/invalid-parameter",
}


def _iso(ts: float | None) -> str | None:
    return None if ts is None else datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _link(href: str, rel: str, type_: str = "application/json", title: str | None = None) -> dict[str, str]:
    link = {"href": href, "rel": rel, "type": type_}
    if title:
        link["title"] = title
    return link


class ProcessesFace:
    """Builds OGC documents; ``base`` is the absolute URL of ``…/polartep/ogcapi``."""

    def __init__(self, jobs: JobService) -> None:
        self.jobs = jobs

    # ---- publishing -------------------------------------------------------------------------------
    def publish(self, request: PublishProcess) -> dict[str, Any]:
        if request.id == GENERIC:
            raise Invalid(f"id: {GENERIC!r} is the generic process", "reserved")
        _, text = self.jobs.read_source(request.notebook)
        read_notebook(text)
        process = {
            "id": request.id,
            "notebook": request.notebook,
            "title": request.title or request.id,
            "description": request.description,
            "created": time.time(),
            "sync_execute": request.sync_execute,
        }
        self.jobs.store.put_process(process)
        return process

    def published(self) -> list[dict[str, Any]]:
        return self.jobs.store.processes()

    def unpublish(self, process_id: str) -> None:
        if not self.jobs.store.delete_process(process_id):
            raise NotFound(f"no published process {process_id!r}", "no_process")

    # ---- documents --------------------------------------------------------------------------------
    def landing(self, base: str) -> dict[str, Any]:
        return {
            "title": "Polar TEP headless execution",
            "description": "OGC API - Processes over the workspace's notebook jobs",
            "links": [
                _link(base, "self", title="this document"),
                _link(f"{base}/conformance", "http://www.opengis.net/def/rel/ogc/1.0/conformance"),
                _link(f"{base}/processes", "http://www.opengis.net/def/rel/ogc/1.0/processes"),
                _link(f"{base}/jobs", "http://www.opengis.net/def/rel/ogc/1.0/job-list"),
            ],
        }

    def conformance(self) -> dict[str, Any]:
        return {"conformsTo": CONFORMANCE}

    def allows_sync(self, process_id: str) -> bool:
        """Does the process list ``sync-execute`` (besides ``async-execute``)?"""
        if process_id == GENERIC:
            return bool(getattr(self.jobs, "sync_generic", False))
        return bool(self._process_record(process_id).get("sync_execute"))

    def _summary(self, process_id: str, title: str, description: str, base: str) -> dict[str, Any]:
        modes = ["async-execute", "sync-execute"] if self.allows_sync(process_id) else ["async-execute"]
        return {
            "id": process_id,
            "title": title,
            "description": description,
            "version": VERSION,
            "jobControlOptions": modes,
            "outputTransmission": ["reference"],
            "links": [_link(f"{base}/processes/{process_id}", "self", title="process description")],
        }

    def processes(self, base: str) -> dict[str, Any]:
        summaries = [
            self._summary(
                GENERIC,
                "Execute a notebook",
                "Run any workspace notebook with papermill-style parameters",
                base,
            )
        ]
        summaries += [self._summary(p["id"], p["title"], p["description"], base) for p in self.published()]
        return {"processes": summaries, "links": [_link(f"{base}/processes", "self")]}

    def _process_record(self, process_id: str) -> dict[str, Any]:
        record = self.jobs.store.process(process_id)
        if record is None:
            raise NotFound(f"no process {process_id!r}", "no_such_process")
        return record

    def process(self, process_id: str, base: str) -> dict[str, Any]:
        outputs = {
            name: {"title": title, "schema": {"type": "string", "format": "uri", "contentMediaType": media}}
            for name, (_, media, title) in _OUTPUTS.items()
        }
        kernel = {
            "title": "Kernel",
            "description": "kernel name (default: the notebook's)",
            "minOccurs": 0,
            "schema": {"type": "string"},
        }
        if process_id == GENERIC:
            doc = self._summary(
                GENERIC,
                "Execute a notebook",
                "Run any workspace notebook with papermill-style parameters",
                base,
            )
            doc["inputs"] = {
                "notebook": {
                    "title": "Notebook",
                    "description": "workspace path of the notebook",
                    "schema": {"type": "string"},
                },
                "kernel": kernel,
                "parameters_json": {
                    "title": "Parameters (JSON)",
                    "description": "a JSON object of parameter values",
                    "minOccurs": 0,
                    "schema": {"type": "string", "contentMediaType": "application/json"},
                },
            }
        else:
            record = self._process_record(process_id)
            doc = self._summary(process_id, record["title"], record["description"], base)
            _, text = self.jobs.read_source(record["notebook"])
            inputs: dict[str, Any] = {}
            for param in declared_parameters(read_notebook(text)):
                schema: dict[str, Any] = {"type": param.type} if param.type in _JSON_TYPES else {}
                if param.type in _JSON_TYPES:
                    schema["default"] = param.default
                inputs[param.name] = {
                    "title": param.name,
                    "description": param.help,
                    "minOccurs": 0,
                    "schema": schema,
                }
            inputs.setdefault("kernel", kernel)
            doc["inputs"] = inputs
        doc["outputs"] = outputs
        doc["links"].append(
            _link(
                f"{base}/processes/{process_id}/execution", "http://www.opengis.net/def/rel/ogc/1.0/execute"
            )
        )
        return doc

    def execute(self, process_id: str, body: dict[str, Any]) -> DescribeJob:
        inputs = body.get("inputs") or {}
        if not isinstance(inputs, dict):
            raise Invalid("inputs: must be an object", "invalid-parameter")
        values = {
            k: (v.get("value") if isinstance(v, dict) and "value" in v else v) for k, v in inputs.items()
        }
        kernel = values.pop("kernel", None)
        if process_id == GENERIC:
            notebook = values.get("notebook")
            if not isinstance(notebook, str) or not notebook:
                raise Invalid("notebook: input required (a workspace path)", "invalid-parameter")
            raw = values.get("parameters_json") or "{}"
            try:
                parameters = json.loads(raw) if isinstance(raw, str) else raw
            except ValueError as exc:
                raise Invalid(f"parameters_json: not JSON ({exc})", "invalid-parameter") from exc
            if not isinstance(parameters, dict):
                raise Invalid("parameters_json: must be a JSON object", "invalid-parameter")
        else:
            notebook = self._process_record(process_id)["notebook"]
            parameters = values
        request = CreateJob(
            notebook=notebook, parameters=parameters, kernel=kernel, tags=["ogcapi", process_id]
        )
        return self.jobs.submit(request, process_id=process_id)

    def status_info(self, job: DescribeJob, base: str) -> dict[str, Any]:
        done, total = job.progress.cells_done, job.progress.cells_total
        info: dict[str, Any] = {
            "jobID": job.id,
            "processID": job.process_id or GENERIC,
            "type": "process",
            "status": OGC_STATUS[job.status],
            "message": job.message or job.status.value,
            "created": _iso(job.created),
            "started": _iso(job.started),
            "finished": _iso(job.finished),
            "updated": _iso(job.finished or job.started or job.created),
            "progress": 100
            if job.status == Status.succeeded
            else (min(100, int(100 * done / total)) if total else 0),
            "links": [_link(f"{base}/jobs/{job.id}", "self", title="status")],
        }
        if job.status == Status.succeeded:
            info["links"].append(
                _link(f"{base}/jobs/{job.id}/results", "http://www.opengis.net/def/rel/ogc/1.0/results")
            )
        return {k: v for k, v in info.items() if v is not None}

    def _job(self, job_id: str) -> DescribeJob:
        """A notebook job (workflow jobs belong to the workflows feature, not to these processes)."""
        job = self.jobs.get(job_id)
        if job.kind != "notebook":
            raise NotFound(f"no job {job_id!r} among the OGC processes' jobs", "no_job")
        return job

    def job(self, job_id: str, base: str) -> dict[str, Any]:
        return self.status_info(self._job(job_id), base)

    def job_list(self, base: str, limit: int = 100) -> dict[str, Any]:
        listing = self.jobs.list(ListJobsQuery(limit=min(limit, 500), kind="notebook"))
        return {
            "jobs": [self.status_info(j, base) for j in listing.jobs],
            "links": [_link(f"{base}/jobs", "self")],
        }

    def results_links(self, job_id: str, api_base: str) -> list[str]:
        """``Link`` header values, one per output (a raw synchronous response by reference)."""
        return [
            f'<{ref["href"]}>; rel="item"; type="{ref["type"]}"; title="{name}"'
            for name, ref in self.results(job_id, api_base).items()
        ]

    def results(self, job_id: str, api_base: str) -> dict[str, Any]:
        job = self._job(job_id)
        if job.status != Status.succeeded:
            raise NotFound(f"job {job_id} has no results: it is {OGC_STATUS[job.status]}", "result-not-ready")
        return {
            name: {"href": f"{api_base}/jobs/{job_id}/outputs/{fmt}", "type": media, "title": title}
            for name, (fmt, media, title) in _OUTPUTS.items()
            if fmt in job.available_outputs
        }

    def dismiss(self, job_id: str, base: str) -> dict[str, Any]:
        job = self._job(job_id)
        info = self.status_info(job, base)
        self.jobs.delete(job_id)
        info.update(status="dismissed", message="dismissed: the job and its results were removed")
        return info
