"""The dispatcher's side of job processes: the zygote that forks them (see ``process.py``).

``Zygote.fork(job_id, env)`` returns a ``Forked`` handle with the ``pid``/``poll()``/``wait()`` of
a ``subprocess.Popen``, so the dispatcher treats forked and spawned job processes alike.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import psutil

FORK_TIMEOUT = 120.0  # a cold zygote imports first; on a busy machine that can take a while


class Forked:
    """A job process forked by the zygote."""

    def __init__(self, job_id: str, zygote: Zygote) -> None:
        self.job_id, self.zygote = job_id, zygote
        self.pid = 0
        self.code: int | None = None
        self.forked = threading.Event()
        self.ended = threading.Event()

    def poll(self) -> int | None:
        if self.ended.is_set():
            return self.code
        if not self.zygote.alive() and not _alive(self.pid):  # nobody left to report its exit
            self.code = -1
            self.ended.set()
        return self.code

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"job process {self.pid}", timeout or 0)
            self.ended.wait(0.2)
        return self.code if self.code is not None else -1


def _alive(pid: int) -> bool:
    try:
        return pid > 0 and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


class Zygote:
    """A pre-imported process that forks one process per job, on order."""

    def __init__(self, db_path: Path, cwd: Path, env: dict[str, str], on_report: Callable[[], None]) -> None:
        self.on_report = on_report
        self.children: dict[str, Forked] = {}
        self.lock = threading.Lock()
        self.ready = threading.Event()
        with (cwd / "zygote.log").open("ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "polartep_lab.jobs.process", "--zygote", str(db_path)],
                env=env, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log,
                start_new_session=True,
            )  # fmt: skip
        self.pid = self.proc.pid
        self._reader = threading.Thread(target=self._read, name="polartep-jobs-zygote", daemon=True)
        self._reader.start()

    def alive(self) -> bool:
        return self.proc.poll() is None

    def fork(self, job_id: str, env: dict[str, str]) -> Forked:
        """Start the job's process; raises ``OSError`` when the zygote cannot."""
        handle = Forked(job_id, self)
        with self.lock:
            self.children[job_id] = handle
        try:
            assert self.proc.stdin is not None
            self.proc.stdin.write((json.dumps({"job": job_id, "env": env}) + "\n").encode())
            self.proc.stdin.flush()
        except (OSError, ValueError) as exc:
            raise OSError(f"the job zygote is gone: {exc}") from exc
        if not handle.forked.wait(FORK_TIMEOUT) or not handle.pid:
            with self.lock:
                self.children.pop(job_id, None)
            raise OSError("the job zygote did not start the job process")
        return handle

    def _read(self) -> None:
        assert self.proc.stdout is not None
        with contextlib.suppress(OSError, ValueError):
            for line in iter(self.proc.stdout.readline, b""):
                try:
                    message = json.loads(line)
                except ValueError:
                    message = {}  # a job's own report ("changed")
                with self.lock:
                    handle = self.children.get(str(message.get("job", "")))
                    if "exit" in message:
                        self.children.pop(str(message.get("job", "")), None)
                if "ready" in message:
                    self.ready.set()
                elif handle is not None and "exit" in message:
                    handle.code = int(message.get("code", -1))
                    handle.ended.set()
                elif handle is not None and "pid" in message:
                    handle.pid = int(message["pid"])
                    handle.forked.set()
                self.on_report()
        self.proc.wait()
        with self.lock:
            waiting = list(self.children.values())
        for handle in waiting:
            handle.forked.set()  # no pid: fork() fails and the dispatcher falls back
        self.on_report()

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.killpg(self.proc.pid, 9)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=10)
