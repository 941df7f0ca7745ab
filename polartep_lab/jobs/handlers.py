"""REST face of headless jobs: /polartep/api/jobs/…"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from jupyter_server.auth.decorator import authorized
from jupyter_server.utils import url_path_join
from tornado import web

from ..core.errors import Invalid
from ..core.handlers import PolarTEPHandler
from .models import FINISHED, CreateJob, ListJobsQuery, PublishProcess
from .ogc import ProcessesFace
from .service import JobService

MAX_WAIT = 60.0  # seconds a GET of one job may wait for its end
MEDIA = {"ipynb": "application/x-ipynb+json", "html": "text/html; charset=utf-8"}


class _JobsHandler(PolarTEPHandler):
    feature = "jobs"

    @property
    def jobs(self) -> JobService:
        return self.service  # type: ignore[no-any-return]

    @property
    def face(self) -> ProcessesFace:
        return ProcessesFace(self.service)

    async def blocking(self, fn: Any, *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(None, fn, *args)


class JobsHandler(_JobsHandler):
    @web.authenticated
    @authorized
    def get(self) -> None:
        raw: dict[str, Any] = {}
        statuses = [s for value in self.get_arguments("status") for s in value.split(",") if s]
        if statuses:
            raw["status"] = statuses
        for name in ("tag", "kind", "author", "limit", "offset"):
            value = self.get_argument(name, None)
            if value is not None:
                raw[name] = value
        self.reply(self.jobs.list(self.parse(ListJobsQuery, raw)))

    @web.authenticated
    @authorized
    async def post(self) -> None:
        request = self.parse(CreateJob)
        job = await self.blocking(self.jobs.submit, request)
        self.set_header("Location", url_path_join(self.base_url, "polartep/api/jobs", job.id))
        self.reply(job, status=201)


class JobKernelsHandler(_JobsHandler):
    @web.authenticated
    @authorized
    def get(self) -> None:
        self.reply({"kernels": self.jobs.kernels()})


class JobParametersHandler(_JobsHandler):
    @web.authenticated
    @authorized
    def get(self) -> None:
        notebook = self.get_argument("notebook", "")
        if not notebook:
            raise Invalid("notebook: query parameter required", "missing")
        self.reply(self.jobs.parameters_of(notebook))


class JobHandler(_JobsHandler):
    @web.authenticated
    @authorized
    async def get(self, job_id: str) -> None:
        """One job; with ``wait=S`` (at most 60) the answer comes when the job has ended (its
        outputs are written before it is marked so) or after S seconds: no polling needed."""
        try:
            wait = min(MAX_WAIT, max(0.0, float(self.get_argument("wait", "0"))))
        except ValueError as exc:
            raise Invalid("wait: must be a number of seconds", "bad_wait") from exc
        job = self.jobs.get(job_id)
        deadline = time.monotonic() + wait
        while job.status not in FINISHED:
            left = deadline - time.monotonic()
            if left <= 0 or self.request.connection.stream.closed():  # type: ignore[union-attr]
                break
            await self.jobs.changed(min(left, 1.0))  # woken by the job process's report
            job = self.jobs.get(job_id)
        self.reply(job)

    @web.authenticated
    @authorized
    async def delete(self, job_id: str) -> None:
        await self.blocking(self.jobs.delete, job_id)
        self.set_status(204)
        self.finish()


class JobLogHandler(_JobsHandler):
    @web.authenticated
    @authorized
    async def get(self, job_id: str) -> None:
        """Plain-text log from ``offset``; with ``follow=true`` it streams until the job ends."""
        try:
            offset = max(0, int(self.get_argument("offset", "0")))
        except ValueError as exc:
            raise Invalid("offset: must be an integer", "bad_offset") from exc
        follow = self.get_argument("follow", "false").lower() in ("1", "true", "yes")
        data, done = self.jobs.read_log(job_id, offset)
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        if not follow:
            self.set_header("X-Log-Offset", str(offset + len(data)))
            self.finish(data, set_content_type="text/plain; charset=utf-8")
            return
        while True:
            if data:
                self.write(data)
                offset += len(data)
                await self.flush()
            if done or self.request.connection.stream.closed():  # type: ignore[union-attr]
                break
            await self.jobs.changed(0.5)  # the log grows meanwhile; the end wakes it at once
            data, done = self.jobs.read_log(job_id, offset)
        self.finish(set_content_type="text/plain; charset=utf-8")


class JobOutputHandler(_JobsHandler):
    @web.authenticated
    @authorized
    def get(self, job_id: str, format: str) -> None:
        path = self.jobs.output_path(job_id, format)
        if self.get_argument("download", "false").lower() in ("1", "true"):
            self.set_header("Content-Disposition", f'attachment; filename="{job_id}{path.suffix}"')
        self.finish(path.read_bytes(), set_content_type=MEDIA[format])


class JobOutputCopyHandler(_JobsHandler):
    @web.authenticated
    @authorized
    def post(self, job_id: str, format: str) -> None:
        body = self.json_body() or {}
        folder = body.get("folder", "job-outputs") if isinstance(body, dict) else "job-outputs"
        self.reply({"path": self.jobs.copy_output(job_id, format, str(folder))}, status=201)


class JobCancelHandler(_JobsHandler):
    @web.authenticated
    @authorized
    def post(self, job_id: str) -> None:
        self.reply(self.jobs.cancel(job_id))


class JobRerunHandler(_JobsHandler):
    @web.authenticated
    @authorized
    def post(self, job_id: str) -> None:
        job = self.jobs.rerun(job_id)
        self.set_header("Location", url_path_join(self.base_url, "polartep/api/jobs", job.id))
        self.reply(job, status=201)


class PublishedProcessesHandler(_JobsHandler):
    @web.authenticated
    @authorized
    def get(self) -> None:
        self.reply({"processes": self.face.published()})

    @web.authenticated
    @authorized
    def post(self) -> None:
        self.reply(self.face.publish(self.parse(PublishProcess)), status=201)


class PublishedProcessHandler(_JobsHandler):
    @web.authenticated
    @authorized
    def delete(self, process_id: str) -> None:
        self.face.unpublish(process_id)
        self.set_status(204)
        self.finish()
