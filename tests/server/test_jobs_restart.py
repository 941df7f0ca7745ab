"""Durability: kill -9 the notebook server mid-job, start it again, check every job's fate."""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest

from polartep_lab.jobs.store import JobStore
from tests.netutil import free_port, stop_process, wait_for_http

from ..jobs_notebooks import greeting_notebook, processes_gone, sleeping_notebook


class Server:
    def __init__(self, root: Path, data: Path, work: Path) -> None:
        self.root, self.data, self.work = root, data, work
        self.token = secrets.token_hex(8)
        self.proc: subprocess.Popen[bytes] | None = None
        self.url = ""

    def start(self) -> None:
        port = free_port()
        self.url = f"http://127.0.0.1:{port}/"
        env = {
            **os.environ,
            "JUPYTER_CONFIG_DIR": str(self.work / "config"),
            "JUPYTER_RUNTIME_DIR": str(self.work / "runtime"),
        }
        cmd = [
            sys.executable, "-m", "jupyter", "server", "--no-browser", "--allow-root",
            "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={self.root}",
            "--ServerApp.jpserver_extensions=polartep_lab=True",
            f"--PolarTEP.data_dir={self.data}", "--PolarTEP.max_concurrent_jobs=1",
        ]  # fmt: skip
        log = self.work / "server.log"
        self.proc = subprocess.Popen(cmd, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT)
        headers = {"Authorization": f"token {self.token}"}
        wait_for_http(
            f"{self.url}polartep/api/status",
            90,
            headers=headers,
            process=self.proc,
            log=log,
            name="jupyter server",
        )

    def call(self, method: str, path: str, body: Any = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            self.url + path, data=data, method=method,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )  # fmt: skip
        with urllib.request.urlopen(request, timeout=30) as response:
            raw = response.read()
            return json.loads(raw) if raw[:1] in (b"{", b"[") else raw

    def wait(self, job_id: str, predicate: Any, timeout: float = 120) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job = self.call("GET", f"polartep/api/jobs/{job_id}")
            if predicate(job):
                return job  # type: ignore[no-any-return]
            time.sleep(0.3)
        raise AssertionError(f"job {job_id} stuck: {job}")

    def kill9(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc is not None:
            stop_process(self.proc)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    root, data = tmp_path / "root", tmp_path / "data"
    for folder in (root, data, tmp_path / "config"):
        folder.mkdir()
    srv = Server(root, data, tmp_path)
    yield srv
    srv.stop()


def test_kill_9_mid_job_then_restart(server: Server) -> None:
    greeting_notebook(server.root / "greet.ipynb")
    sleeping_notebook(server.root / "sleep.ipynb")
    server.start()
    # Given a finished job, a running job and a queued job (one at a time)
    done = server.call(
        "POST", "polartep/api/jobs", {"notebook": "greet.ipynb", "parameters": {"name": "Thule"}}
    )
    server.wait(done["id"], lambda j: j["status"] == "succeeded")
    running = server.call("POST", "polartep/api/jobs", {"notebook": "sleep.ipynb"})
    server.wait(running["id"], lambda j: j["progress"]["cells_done"] >= 1)
    queued = server.call(
        "POST", "polartep/api/jobs", {"notebook": "greet.ipynb", "parameters": {"name": "Alert"}}
    )
    assert server.call("GET", f"polartep/api/jobs/{queued['id']}")["status"] == "queued"
    record = JobStore(server.data / "jobs" / "jobs.sqlite").get(running["id"])
    assert record is not None
    pids = [record["runner_pid"], record["kernel_pid"]]
    assert all(psutil.pid_exists(p) for p in pids)
    # When the server is killed with SIGKILL
    server.kill9()
    # Then the running job's processes do not linger as orphans
    assert processes_gone(pids), f"orphans after kill -9: {pids}"
    # When the server starts again on the same data dir
    server.start()
    # Then the running job is failed "interrupted by server restart"
    interrupted = server.call("GET", f"polartep/api/jobs/{running['id']}")
    assert interrupted["status"] == "failed"
    assert interrupted["message"] == "interrupted by server restart"
    # And the queued job runs now
    after = server.wait(queued["id"], lambda j: j["status"] in ("succeeded", "failed"))
    assert after["status"] == "succeeded", after
    # And the finished job's outputs are intact
    output = server.call("GET", f"polartep/api/jobs/{done['id']}/outputs/ipynb")
    assert "hello Thule" in json.dumps(output)
    status = server.call("GET", "polartep/api/status")
    jobs = next(f for f in status["features"] if f["name"] == "jobs")
    assert jobs["enabled"] and jobs["config"]["recovered_after_restart"] == 1
