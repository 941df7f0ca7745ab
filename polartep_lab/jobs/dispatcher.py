"""The dispatcher half of :class:`polartep_lab.jobs.service.JobService`: a thread that takes queued
jobs in FIFO order (at most ``max_concurrent`` running, counted across every process sharing the
database), launches each one (forked from the zygote, or cold), watches timeouts and cancels,
mirrors workflow jobs, sweeps retention, and fails the jobs a dead server left running.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import psutil

from . import proctree, workflow_jobs
from .launcher import Forked, Zygote
from .models import Status
from .runner import MASK_VARS_ENV
from .store import JobStore

RESTART_MESSAGE = "interrupted by server restart"
GRACE_SECONDS = 10.0
MIRROR_EVERY = 1.0  # seconds between two looks at the runs behind workflow jobs
PRUNE_EVERY = 600.0  # seconds between two retention sweeps of the dispatcher
ZYGOTE_RETRY = 30.0  # seconds before a zygote that died is started again


class Dispatcher:
    """Mixed into JobService, which sets these attributes up and provides ``prune``,
    ``_notify`` and ``_notify_waiters``."""

    store: JobStore
    log: logging.Logger
    identity: str
    max_concurrent: int
    env_provider: Any
    data_dir: Path
    jobs_dir: Path
    _procs: dict[str, subprocess.Popen[bytes] | Forked]
    _ending: dict[str, float]
    _zygote: Zygote | None
    _zygote_at: float
    _pruned: float
    _mirrored: float
    _used: bool
    _lock: threading.Lock
    _wake: threading.Event
    _stop: threading.Event

    def prune(self, now: float | None = None) -> list[str]:
        raise NotImplementedError

    def _notify(self) -> None:
        raise NotImplementedError

    def _notify_waiters(self) -> None:
        raise NotImplementedError

    def _owned(self, pid: int, job_id: str) -> bool:
        """Is ``pid`` still a process of this job (runner or kernel), not a reused pid?"""
        try:
            return psutil.Process(pid).environ().get("POLARTEP_JOB_ID") == job_id
        except (psutil.Error, OSError):
            return False

    def recover(self) -> list[str]:
        """Jobs left running by a dead dispatcher (server killed) fail, and their processes go."""
        interrupted = []
        for record in self.store.with_status("running"):
            if record["kind"] == "workflow":
                continue  # the workflows backend runs it; the dispatcher mirrors its state
            if record["dispatcher"] != self.identity and proctree.is_alive(record["dispatcher"]):
                continue  # another live process (e.g. a kernel's Python API) runs it
            if record.get("runner") and proctree.is_alive(record["runner"]):
                proctree.kill_tree(record["runner_pid"])
            if record.get("kernel_pid") and self._owned(record["kernel_pid"], record["id"]):
                proctree.kill_tree(record["kernel_pid"])
            fields = {"status": Status.failed.value, "finished": time.time(), "message": RESTART_MESSAGE}
            if self.store.update(record["id"], only_if_status=("running",), **fields):
                interrupted.append(record["id"])
        return interrupted

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self._tick()
            except Exception:  # keep dispatching whatever happens to one job
                self.log.exception("polartep jobs dispatcher")
            self._wake.wait(0.5)
            self._wake.clear()

    def _tick(self) -> None:
        now = time.time()
        if now - self._pruned > PRUNE_EVERY:
            self._pruned = now
            self.prune(now)
        with self._lock:
            procs = list(self._procs.items())
        for job_id, proc in procs:
            code = proc.poll()
            record = self.store.get(job_id)
            if code is not None:
                with self._lock:
                    self._procs.pop(job_id, None)
                self._ending.pop(job_id, None)
                self._notify_waiters()  # wait() also waits for the process to be gone
                if record and record["status"] == "running":
                    msg = f"the job process exited with code {code}"
                    self.store.update(
                        job_id, only_if_status=("running",), status="failed", finished=now, message=msg
                    )
                continue
            if record is None or record["status"] != "running":
                started = self._ending.setdefault(job_id, now)
                if now - started > GRACE_SECONDS:  # the runner did not stop its kernel itself
                    proctree.kill_tree(proc.pid)
            elif now > (record["started"] or now) + record["timeout"] + GRACE_SECONDS:
                proctree.kill_tree(proc.pid)
                msg = f"timed out after {record['timeout']:g} s"
                self.store.update(
                    job_id, only_if_status=("running",), status="timed_out", finished=now, message=msg
                )
        if now - self._mirrored >= MIRROR_EVERY:
            self._mirrored = now
            workflow_jobs.mirror_all(self)
        if (
            self._used
            and (self._zygote is None or not self._zygote.alive())
            and time.monotonic() - self._zygote_at > ZYGOTE_RETRY
            and not self._stop.is_set()
        ):
            self._start_zygote()
        while not self._stop.is_set():
            record = self.store.claim_next(self.max_concurrent, self.identity)
            if record is None:
                break
            self._launch(record)
            self._used = True

    def _runner_env(self) -> dict[str, str]:
        return {**os.environ, "POLARTEP_DATA_DIR": str(self.data_dir.parent)}

    def _start_zygote(self) -> None:
        if self._zygote is not None:
            self._zygote.close()
        self._zygote_at = time.monotonic()
        try:
            self._zygote = Zygote(self.store.path, self.jobs_dir, self._runner_env(), self._notify)
        except OSError as exc:
            self._zygote = None
            self.log.warning("polartep jobs: no zygote, one cold process per job: %s", exc)

    def _spawn_runner(self) -> subprocess.Popen[bytes]:
        env = self._runner_env()
        return subprocess.Popen(
            [sys.executable, "-m", "polartep_lab.jobs.process", str(self.store.path)],
            env=env, cwd=self.jobs_dir, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip

    def _launch(self, record: dict[str, Any]) -> None:
        """Fork the job's process from the zygote (or, failing that, start a cold one)."""
        job_id = record["id"]
        injected: dict[str, str] = {}
        if self.env_provider is not None:
            try:
                injected = dict(self.env_provider())
            except Exception as exc:  # a job without secrets is better than none
                self.log.warning("polartep jobs: secrets for injection unavailable: %s", exc)
        env = {
            **injected,
            MASK_VARS_ENV: ",".join(injected),
            "POLARTEP_JOB_ID": job_id,
            "POLARTEP_JOB_PARENT": str(os.getpid()),
        }
        proc: subprocess.Popen[bytes] | Forked | None = None
        if self._zygote is not None:
            try:
                proc = self._zygote.fork(job_id, env)
            except OSError as exc:
                self.log.warning("polartep jobs: %s; starting job %s cold", exc, job_id)
        if proc is None:
            try:
                cold = self._spawn_runner()
                assert cold.stdin is not None
                cold.stdin.write((json.dumps({"job": job_id, "env": env}) + "\n").encode())
                cold.stdin.close()
            except OSError as exc:
                message = f"cannot start the job process: {exc}"
                self.store.update(job_id, status="failed", finished=time.time(), message=message)
                return
            proc = cold
            threading.Thread(target=self._watch, args=(cold,), name="polartep-job-watch", daemon=True).start()
        with self._lock:
            self._procs[job_id] = proc
        self.store.update(job_id, runner_pid=proc.pid)

    def _watch(self, proc: subprocess.Popen[bytes]) -> None:  # a cold job process
        """Relay a job process's reports (one line per state change on its stdout), then its exit."""
        if proc.stdout is not None:
            with contextlib.suppress(OSError, ValueError):
                for _ in iter(proc.stdout.readline, b""):
                    self._notify()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=GRACE_SECONDS * 6)
        self._notify()
