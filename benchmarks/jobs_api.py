"""Headless jobs: wall time per job via the REST API vs nbclient and papermill directly, and
throughput of 20 jobs at concurrency 2. Every number comes from this one run.

    .venv/bin/python benchmarks/jobs_api.py [--runs 5] [--batch 20]

papermill is a reference only (``pip install papermill``); it is skipped when missing.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient

SOURCE = (
    'hemisphere = "north"\nthreshold = 0.15',
    "ice = sum(c >= threshold for c in [0.1, 0.5, 0.9])\nprint(hemisphere, ice)",
)


def write_notebook(path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell(SOURCE[0])
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell(SOURCE[1])]
    nbformat.write(nb, path)


def direct_nbclient(path: Path) -> float:
    start = time.perf_counter()
    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(1, nbformat.v4.new_code_cell("threshold = 0.5"))
    NotebookClient(nb, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    nbformat.write(nb, path.with_name("direct-out.ipynb"))
    return time.perf_counter() - start


def direct_papermill(path: Path) -> float | None:
    try:
        import papermill
    except ImportError:
        return None
    start = time.perf_counter()
    papermill.execute_notebook(
        str(path),
        str(path.with_name("pm-out.ipynb")),
        parameters={"threshold": 0.5},
        progress_bar=False,
        kernel_name="python3",
    )
    return time.perf_counter() - start


class Server:
    def __init__(self, root: Path, work: Path, concurrency: int) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        self.url, self.token = f"http://127.0.0.1:{port}/", secrets.token_hex(8)
        env = {
            **os.environ,
            "JUPYTER_CONFIG_DIR": str(work / "config"),
            "JUPYTER_RUNTIME_DIR": str(work / "rt"),
        }
        self.proc = subprocess.Popen(
            [
                sys.executable, "-m", "jupyter", "server", "--no-browser", "--allow-root",
                "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
                f"--IdentityProvider.token={self.token}",
                f"--ServerApp.root_dir={root}", "--ServerApp.jpserver_extensions=polartep_lab=True",
                f"--PolarTEP.data_dir={work / 'data'}", f"--PolarTEP.max_concurrent_jobs={concurrency}",
            ],
            env=env, stdout=(work / "server.log").open("wb"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 90
        while True:
            try:
                self.call("GET", "polartep/api/status")
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def call(self, method: str, path: str, body: Any = None) -> Any:
        request = urllib.request.Request(
            self.url + path, method=method, data=json.dumps(body).encode() if body is not None else None,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )  # fmt: skip
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    def run(self, outputs: list[str]) -> str:
        body = {"notebook": "bench.ipynb", "parameters": {"threshold": 0.5}, "outputs": outputs}
        return str(self.call("POST", "polartep/api/jobs", body)["id"])

    def wait(self, job_id: str) -> dict[str, Any]:
        """Until the job ends: ``?wait=`` answers when it has (event-driven, no polling)."""
        while True:
            job = self.call("GET", f"polartep/api/jobs/{job_id}?wait=20")
            if job["status"] not in ("queued", "running"):
                assert job["status"] == "succeeded", job
                return job  # type: ignore[no-any-return]

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--batch", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        root = work / "root"
        root.mkdir()
        (work / "config").mkdir()
        write_notebook(root / "bench.ipynb")
        server = Server(root, work, concurrency=2)
        try:
            timings: dict[str, list[float]] = {
                "nbclient": [],
                "papermill": [],
                "api ipynb": [],
                "api ipynb+html": [],
            }
            for _ in range(args.runs):  # interleaved, so machine load hits every variant alike
                timings["nbclient"].append(direct_nbclient(root / "bench.ipynb"))
                pm = direct_papermill(root / "bench.ipynb")
                if pm is not None:
                    timings["papermill"].append(pm)
                for label, outputs in (("api ipynb", ["ipynb"]), ("api ipynb+html", ["ipynb", "html"])):
                    start = time.perf_counter()
                    server.wait(server.run(outputs))
                    timings[label].append(time.perf_counter() - start)
            start = time.perf_counter()
            ids = [server.run(["ipynb"]) for _ in range(args.batch)]
            for job_id in ids:
                server.wait(job_id)
            batch_seconds = time.perf_counter() - start
        finally:
            server.stop()
    reference = statistics.median(timings["nbclient"])
    load = os.getloadavg()[0]
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load {load:.1f}, {args.runs} runs each")
    for label, values in timings.items():
        if values:
            median = statistics.median(values)
            print(
                f"{label:>16}: median {median:6.2f} s per job  ratio vs nbclient {median / reference:5.2f}x"
            )
    rate = 60 * args.batch / batch_seconds
    print(f"{args.batch} jobs, concurrency 2: {batch_seconds:.1f} s -> {rate:.1f} jobs/min")
    print(f"      nbclient sequential reference: {60 / reference:.1f} jobs/min")


if __name__ == "__main__":
    main()
