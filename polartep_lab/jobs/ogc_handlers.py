"""REST face of OGC API - Processes: /polartep/ogcapi/… (same job store as /polartep/api/jobs)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from jupyter_server.auth.decorator import authorized
from jupyter_server.utils import url_path_join
from pydantic import ValidationError
from tornado import web

from ..core.errors import Invalid, PolarTEPError
from ..core.handlers import PolarTEPHandler
from .models import FINISHED, DescribeJob, Status
from .ogc import EXCEPTION_TYPES, ProcessesFace
from .service import JobService

FAILED = "http://www.opengis.net/def/exceptions/ogcapi-processes-1/1.0/job-failed"


class _OgcHandler(PolarTEPHandler):
    feature = "jobs"

    @property
    def face(self) -> ProcessesFace:
        return ProcessesFace(self.service)

    @property
    def ogc_base(self) -> str:
        return (
            f"{self.request.protocol}://{self.request.host}{url_path_join(self.base_url, 'polartep/ogcapi')}"
        )

    @property
    def api_base(self) -> str:
        return f"{self.request.protocol}://{self.request.host}{url_path_join(self.base_url, 'polartep/api')}"

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """Errors as OGC exceptions (RFC 7807): ``{type, title, status, detail}``."""
        exc = kwargs.get("exc_info", (None, None, None))[1]
        if isinstance(exc, ValidationError):
            exc = Invalid(str(exc), "invalid-parameter")
        if isinstance(exc, PolarTEPError):
            status_code, title, detail = exc.status, exc.reason, exc.message
        else:
            title = self._reason or "error"
            detail = getattr(exc, "log_message", None) or title
        self.set_status(status_code)
        self.set_header("Content-Type", "application/json")
        type_ = EXCEPTION_TYPES.get(status_code, f"about:blank#{title}")
        if title in ("result-not-ready", "no_such_process"):
            type_ = f"http://www.opengis.net/def/exceptions/ogcapi-processes-1/1.0/{title.replace('_', '-')}"
        self.finish(json.dumps({"type": type_, "title": title, "status": status_code, "detail": detail}))


class LandingHandler(_OgcHandler):
    @web.authenticated
    @authorized
    def get(self) -> None:
        self.reply(self.face.landing(self.ogc_base))


class ConformanceHandler(_OgcHandler):
    @web.authenticated
    @authorized
    def get(self) -> None:
        self.reply(self.face.conformance())


class ProcessListHandler(_OgcHandler):
    @web.authenticated
    @authorized
    def get(self) -> None:
        self.reply(self.face.processes(self.ogc_base))


class ProcessHandler(_OgcHandler):
    @web.authenticated
    @authorized
    def get(self, process_id: str) -> None:
        self.reply(self.face.process(process_id, self.ogc_base))


class ExecutionHandler(_OgcHandler):
    @web.authenticated
    @authorized
    async def post(self, process_id: str) -> None:
        body = self.json_body()
        if not isinstance(body, dict):
            raise Invalid("body: an execute request object is required", "invalid-parameter")
        response = body.get("response", "raw")
        if response not in ("raw", "document"):
            raise Invalid("response: 'raw' or 'document'", "invalid-parameter")
        self.face.process(process_id, self.ogc_base)  # 404 for an unknown process
        prefer = [p.strip().lower() for p in self.request.headers.get("Prefer", "").split(",")]
        sync = self.face.allows_sync(process_id) and "respond-async" not in prefer
        job = self.face.execute(process_id, body)
        status_url = f"{self.ogc_base}/jobs/{job.id}"
        if not sync:
            self.set_header("Location", status_url)
            self.set_header("Preference-Applied", "respond-async")
            self.reply(self.face.status_info(job, self.ogc_base), status=201)
            return
        # synchronous: the job still exists (/per/core/process-execute-sync-job), monitored here
        self.add_header("Link", f'<{status_url}>; rel="monitor"; type="application/json"')
        job = await self.finished(job.id)
        if job.status != Status.succeeded:
            summary = job.message or job.status.value
            self.set_status(500)
            self.set_header("Content-Type", "application/json")
            detail = f"job {job.id} {job.status.value}: {summary}"
            self.finish(json.dumps({"type": FAILED, "title": "job-failed", "status": 500, "detail": detail}))
            return
        if response == "document":  # /req/core/process-execute-sync-document
            self.reply(self.face.results(job.id, self.api_base))
            return
        for link in self.face.results_links(job.id, self.api_base):  # /req/core/process-execute-sync-raw-ref
            self.add_header("Link", link)
        self.set_status(204)
        self.finish()

    async def finished(self, job_id: str) -> DescribeJob:
        """Wait (without blocking the server) until the job has ended."""
        jobs: JobService = self.service
        loop = asyncio.get_running_loop()
        while True:
            job = await loop.run_in_executor(None, jobs.get, job_id)
            if job.status in FINISHED:  # its outputs are written before it is marked so
                return job
            await jobs.changed(0.25)


class OgcJobsHandler(_OgcHandler):
    @web.authenticated
    @authorized
    def get(self) -> None:
        try:
            limit = int(self.get_argument("limit", "100"))
        except ValueError as exc:
            raise Invalid("limit: must be an integer", "invalid-parameter") from exc
        self.reply(self.face.job_list(self.ogc_base, max(1, limit)))


class OgcJobHandler(_OgcHandler):
    @web.authenticated
    @authorized
    def get(self, job_id: str) -> None:
        self.reply(self.face.job(job_id, self.ogc_base))

    @web.authenticated
    @authorized
    def delete(self, job_id: str) -> None:
        self.reply(self.face.dismiss(job_id, self.ogc_base))


class OgcResultsHandler(_OgcHandler):
    @web.authenticated
    @authorized
    def get(self, job_id: str) -> None:
        self.reply(self.face.results(job_id, self.api_base))
