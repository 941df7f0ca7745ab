"""Headless jobs: submit a notebook snapshot, run it in its own process, keep the record.

``JobService`` is the plain Python API behind the REST face, the panel, ``polartep_lab.jobs.submit``
and the ``%job`` magic. A dispatcher thread takes queued jobs in FIFO order, at most
``max_concurrent`` at a time (counted across every process sharing the database), and launches
each one as ``python -m polartep_lab.jobs.runner``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import subprocess
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..core.errors import Conflict, Invalid, NotFound
from ..core.identity import Identity
from ..core.paths import atomic_write, resolve_within, unique_path
from . import proctree, workflow_jobs
from .dispatcher import ZYGOTE_RETRY, Dispatcher
from .launcher import Forked, Zygote
from .models import FINISHED, CreateJob, DescribeJob, ListJobsQuery, ListJobsResponse, Status
from .notebook import Parameter, check_parameters, declared_parameters, read_notebook
from .store import JobStore

EnvProvider = Callable[[], dict[str, str]]
KernelResolver = Callable[[str], str | None]
OUTPUT_FILES = {"ipynb": "output.ipynb", "html": "output.html"}


def _kernel_names() -> list[str]:
    from jupyter_client.kernelspec import KernelSpecManager

    return sorted(KernelSpecManager().find_kernel_specs())


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


class JobService(Dispatcher):
    def __init__(
        self,
        data_dir: Path,
        root_dir: Path,
        max_concurrent: int = 2,
        default_timeout: float = 86400.0,
        env_provider: EnvProvider | None = None,
        kernel_resolver: KernelResolver | None = None,
        log: logging.Logger | None = None,
        start: bool = True,
        identity: Identity | None = None,
        retention_days: float = 0.0,
        max_kept: int = 0,
        sync_generic: bool = False,
        workflows: Callable[[], Any] | None = None,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.root_dir = Path(root_dir).resolve()
        self.max_concurrent = max(1, int(max_concurrent))
        self.default_timeout = float(default_timeout)
        #: finished jobs older than this many days are removed with their outputs (0: kept)
        self.retention_days = max(0.0, float(retention_days))
        #: at most this many finished jobs are kept, the newest (0: no limit)
        self.max_kept = max(0, int(max_kept))
        self._pruned = 0.0
        self._mirrored = 0.0
        #: the generic OGC process also offers sync-execute
        self.sync_generic = bool(sync_generic)
        #: the workflows feature's service (``kind: "workflow"`` jobs), looked up when needed
        self.workflows_lookup = workflows
        self.env_provider = env_provider
        self.kernel_resolver = kernel_resolver
        self.log = log or logging.getLogger("polartep.jobs")
        #: who submits: the hub user under JupyterHub, else the OS user (``self.identity`` is the
        #: dispatcher's process identity, a different thing)
        self.users = identity or Identity()
        self.store = JobStore(self.data_dir / "jobs.sqlite")
        self.jobs_dir = self.data_dir / "jobs"
        self.jobs_dir.mkdir(parents=True, exist_ok=True)
        self.identity = proctree.identity(os.getpid())
        self._procs: dict[str, subprocess.Popen[bytes] | Forked] = {}
        self._ending: dict[str, float] = {}
        #: the pre-imported process that forks each job's process (see process.py), once used
        self._zygote: Zygote | None = None
        self._zygote_at = -ZYGOTE_RETRY
        self._cond = threading.Condition()
        self._generation = 0
        self._listeners: set[tuple[asyncio.AbstractEventLoop, asyncio.Future[None]]] = set()
        self._used = False
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.recovered = self.recover()
        if start:
            self._thread = threading.Thread(target=self._loop, name="polartep-jobs", daemon=True)
            self._thread.start()

    # ---- submission -----------------------------------------------------------------------------
    def kernels(self) -> list[str]:
        return _kernel_names()

    def resolve_kernel(self, name: str) -> str:
        """A kernel name, or (via the environments feature's resolver) an environment's kernel."""
        if name in self.kernels():
            return name
        if self.kernel_resolver is not None:
            resolved = self.kernel_resolver(name)
            if resolved:
                return resolved
        raise Invalid(
            f"kernel: unknown kernel {name!r} (known: {', '.join(self.kernels())})", "unknown_kernel"
        )

    def read_source(self, notebook: str) -> tuple[Path, str]:
        if not notebook.endswith(".ipynb"):
            raise Invalid(f"notebook: {notebook!r} is not a notebook (.ipynb)", "not_a_notebook")
        path = resolve_within(self.root_dir, notebook)
        if not path.is_file():
            raise Invalid(f"notebook: no notebook at {notebook!r}", "no_notebook")
        return path, path.read_text(encoding="utf-8", errors="replace")

    def parameters_of(self, notebook: str) -> dict[str, Any]:
        """What the run dialog needs: declared parameters, the notebook's kernel, known kernels."""
        _, text = self.read_source(notebook)
        nb = read_notebook(text)
        params: list[Parameter] = declared_parameters(nb)
        return {
            "notebook": notebook,
            "kernel": nb.metadata.get("kernelspec", {}).get("name", "python3"),
            "kernels": self.kernels(),
            "parameters": [p.to_json() for p in params],
            "default_timeout": self.default_timeout,
        }

    def submit(self, request: CreateJob, process_id: str | None = None) -> DescribeJob:
        if request.kind == "workflow":
            return self.get(workflow_jobs.submit(self, request))
        path, text = self.read_source(request.source)
        nb = read_notebook(text)
        kernel = self.resolve_kernel(
            request.kernel or nb.metadata.get("kernelspec", {}).get("name", "python3")
        )
        check_parameters(nb, request.parameters)
        record = self._record(request, kernel, str(path.parent), process_id=process_id)
        self._create(record, text.encode("utf-8"))
        return self.get(record["id"])

    def author(self) -> str:
        """The name of the user submitting now (a rerun is authored by whoever reruns it)."""
        return self.users.current().name

    def _record(self, request: CreateJob, kernel: str, cwd: str, **extra: Any) -> dict[str, Any]:
        return {
            "id": uuid.uuid4().hex,
            "kind": request.kind,
            "name": request.name or Path(request.source).stem,
            "notebook": request.source,
            "cwd": cwd,
            "kernel": kernel,
            "parameters": request.parameters,
            "timeout": request.timeout or self.default_timeout,
            "tags": request.tags,
            "outputs": list(dict.fromkeys(request.outputs or ["ipynb"])),
            "status": Status.queued.value,
            "created": time.time(),
            "author": self.author(),
            **extra,
        }

    def _create(self, record: dict[str, Any], snapshot: bytes) -> None:
        job_dir = self.jobs_dir / record["id"]
        job_dir.mkdir(parents=True)
        atomic_write(job_dir / "input.ipynb", snapshot)
        self.store.insert(record)
        self._used = True
        self._wake.set()

    def rerun(self, job_id: str) -> DescribeJob:
        old = self._record_of(job_id)
        if old["kind"] == "workflow":
            return self.get(workflow_jobs.rerun(self, old))
        snapshot = self.jobs_dir / job_id / "input.ipynb"
        if not snapshot.is_file():
            raise NotFound(f"job {job_id} has no notebook snapshot left", "no_snapshot")
        fields = ("notebook", "parameters", "kernel", "timeout", "tags", "outputs", "name")
        request = CreateJob(**{k: old[k] for k in fields})
        record = self._record(
            request, old["kernel"], old["cwd"], rerun_of=job_id, process_id=old.get("process_id")
        )
        self._create(record, snapshot.read_bytes())
        return self.get(record["id"])

    # ---- reading --------------------------------------------------------------------------------
    def _record_of(self, job_id: str) -> dict[str, Any]:
        record = self.store.get(job_id)
        if record is None:
            raise NotFound(f"no job {job_id!r}", "no_job")
        return record

    def _describe(self, record: dict[str, Any]) -> DescribeJob:
        job_dir = self.jobs_dir / record["id"]
        available = [fmt for fmt, name in OUTPUT_FILES.items() if (job_dir / name).is_file()]
        return DescribeJob.from_record(record, available)

    def get(self, job_id: str) -> DescribeJob:
        return self._describe(self._record_of(job_id))

    def list(self, query: ListJobsQuery | None = None, process_id: str | None = None) -> ListJobsResponse:
        q = query or ListJobsQuery()
        rows, total = self.store.list(
            [s.value for s in q.status],
            q.tag,
            q.kind,
            process_id=process_id,
            author=q.author,
            limit=q.limit,
            offset=q.offset,
        )
        return ListJobsResponse(
            jobs=[self._describe(r) for r in rows], total=total, limit=q.limit, offset=q.offset
        )

    def read_log(self, job_id: str, offset: int = 0) -> tuple[bytes, bool]:
        """Log bytes from ``offset`` and whether the job has finished (no more will come)."""
        record = self._record_of(job_id)
        path = self.jobs_dir / job_id / "job.log"
        data = b""
        if record["kind"] == "workflow":
            data = workflow_jobs.log(self, record)[max(0, offset) :]
        elif path.is_file():
            with path.open("rb") as fh:
                fh.seek(max(0, offset))
                data = fh.read()
        return data, Status(record["status"]) in FINISHED and job_id not in self._procs

    def output_path(self, job_id: str, fmt: str) -> Path:
        self._record_of(job_id)
        if fmt not in OUTPUT_FILES:
            raise Invalid(f"format: unknown output format {fmt!r} (ipynb or html)", "bad_format")
        path = self.jobs_dir / job_id / OUTPUT_FILES[fmt]
        if not path.is_file():
            raise NotFound(f"job {job_id} has no {fmt} output (yet)", "no_output")
        return path

    def copy_output(self, job_id: str, fmt: str, folder: str = "job-outputs") -> str:
        """Copy an output into the workspace (never overwrites); returns its workspace path."""
        source = self.output_path(job_id, fmt)
        record = self._record_of(job_id)
        target = resolve_within(self.root_dir, folder)
        target.mkdir(parents=True, exist_ok=True)
        dest = unique_path(target / f"{record['name']}-{job_id[:8]}{source.suffix}")
        shutil.copyfile(source, dest)
        return dest.relative_to(self.root_dir).as_posix()

    # ---- control --------------------------------------------------------------------------------
    def cancel(self, job_id: str) -> DescribeJob:
        record = self._record_of(job_id)
        if Status(record["status"]) in FINISHED:
            raise Conflict(f"job {job_id} already {record['status']}", "finished")
        fields = {
            "status": Status.cancelled.value,
            "finished": time.time(),
            "message": "cancelled by the user",
        }
        if not self.store.update(job_id, only_if_status=("queued", "running"), **fields):
            raise Conflict(f"job {job_id} finished meanwhile", "finished")
        if record["kind"] == "workflow":
            workflow_jobs.cancel(self, record)
        self._wake.set()
        return self.get(job_id)

    def delete(self, job_id: str) -> None:
        record = self._record_of(job_id)
        if Status(record["status"]) not in FINISHED:
            self.cancel(job_id)
        with self._lock:
            proc = self._procs.pop(job_id, None)
        if proc is not None:
            proctree.kill_tree(proc.pid)
            proc.wait(timeout=10)
        elif record.get("runner") and proctree.is_alive(record["runner"]):
            proctree.kill_tree(record["runner_pid"])
        if record["kind"] == "workflow":
            workflow_jobs.delete(self, record)
        self.store.delete(job_id)
        shutil.rmtree(self.jobs_dir / job_id, ignore_errors=True)

    def busy(self, job_id: str) -> bool:
        """Is a process of this server still working on the job (finishing its outputs)?"""
        with self._lock:
            return job_id in self._procs

    def wait(self, job_id: str, timeout: float | None = None, poll: float = 0.5) -> DescribeJob:
        """Block until the job has finished and its process is gone (woken by the job process's
        report; ``poll`` bounds the wait for jobs another process dispatches)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            with self._cond:
                seen = self._generation
            job = self.get(job_id)
            if job.status in FINISHED and not self.busy(job_id):
                return job
            left = poll if deadline is None else min(poll, deadline - time.monotonic())
            if left <= 0:
                return job
            with self._cond:
                if self._generation == seen:
                    self._cond.wait(timeout=left)

    async def changed(self, timeout: float) -> None:
        """Return when a job process of this server reports (or after ``timeout`` seconds)."""
        loop = asyncio.get_running_loop()
        entry = (loop, loop.create_future())
        with self._cond:
            self._listeners.add(entry)
        try:
            await asyncio.wait_for(asyncio.shield(entry[1]), timeout)
        except TimeoutError:
            pass
        finally:
            with self._cond:
                self._listeners.discard(entry)

    def _notify(self) -> None:
        """A job process reported (a state change) or exited: dispatch, and wake the waiters."""
        self._wake.set()
        self._notify_waiters()

    def _notify_waiters(self) -> None:
        with self._cond:
            self._generation += 1
            self._cond.notify_all()
            listeners = list(self._listeners)
        for loop, future in listeners:
            with contextlib.suppress(RuntimeError):  # that loop is closed
                loop.call_soon_threadsafe(_resolve, future)

    # ---- retention ------------------------------------------------------------------------------
    def prune(self, now: float | None = None) -> list[str]:
        """Remove finished jobs past the retention (age and/or count) with their logs and outputs.

        Queued and running jobs are never removed, nor a finished job whose process is still
        writing its outputs. Returns the removed ids."""
        if not self.retention_days and not self.max_kept:
            return []
        before = (now or time.time()) - self.retention_days * 86400 if self.retention_days else None
        removed = []
        for job_id in self.store.expired(before, self.max_kept or None):
            with self._lock:
                busy = job_id in self._procs
            if busy:
                continue
            if self.store.delete_if_finished(job_id):
                shutil.rmtree(self.jobs_dir / job_id, ignore_errors=True)
                removed.append(job_id)
        if removed:
            self.log.info("polartep jobs: retention removed %d finished job(s)", len(removed))
        return removed

    def close(self) -> None:
        """Stop dispatching; end the job processes (a restart marks their jobs interrupted)."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        with self._lock:
            procs = list(self._procs.values())
            self._procs.clear()
        for proc in procs:
            proctree.kill_tree(proc.pid)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=10)
        if self._zygote is not None:
            self._zygote.close()
            self._zygote = None
