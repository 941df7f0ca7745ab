"""The job process (started as ``python -m polartep_lab.jobs.process <jobs.sqlite> <job id>``).

Runs one notebook snapshot with nbclient on its own kernel, reports progress and the final state
through the database, writes the log, the executed notebook and its HTML. A watchdog thread kills
the kernel (and its children) when the job is cancelled, times out or the server dies.
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
import time
from pathlib import Path
from typing import Any, BinaryIO

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, DeadKernelError

from ..core.paths import atomic_write
from .notebook import inject_parameters, mark_error
from .proctree import identity, kill_tree
from .store import JobStore

MASK_VARS_ENV = "POLARTEP_JOB_MASK_VARS"
PARTIAL_SAVE_SECONDS = 5.0
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


class Masker:
    """Replaces the values of injected secrets with ``***`` in logs and saved outputs."""

    def __init__(self, values: list[str]) -> None:
        self.values = sorted({v for v in values if len(v) >= 4}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for value in self.values:
            text = text.replace(value, "***")
        return text

    def notebook(self, nb: nbformat.NotebookNode) -> None:
        if not self.values:
            return
        for cell in nb.cells:
            for out in cell.get("outputs", []):
                if "text" in out:
                    out["text"] = self(out["text"])
                if "traceback" in out:
                    out["traceback"] = [self(line) for line in out["traceback"]]
                if "evalue" in out:
                    out["evalue"] = self(out["evalue"])
                for mime, data in out.get("data", {}).items():
                    if isinstance(data, str) and (mime.startswith("text/") or mime.endswith("json")):
                        out["data"][mime] = self(data)


class _Client(NotebookClient):
    """nbclient that copies stream output and errors to the job log as they arrive."""

    job_log: Any = None
    masker: Masker = Masker([])

    def output(self, outs: list[Any], msg: dict[str, Any], display_id: str | None, cell_index: int) -> Any:
        content = msg.get("content", {})
        kind = msg.get("msg_type") or msg.get("header", {}).get("msg_type")
        if self.job_log is not None:
            if kind == "stream":
                self.job_log.write(self.masker(content.get("text", "")))
            elif kind == "error":
                self.job_log.write(self.masker(_ANSI.sub("", "\n".join(content.get("traceback", [])))) + "\n")
            self.job_log.flush()
        return super().output(outs, msg, display_id, cell_index)


def _save(nb: nbformat.NotebookNode, path: Path) -> None:
    atomic_write(path, nbformat.writes(nb).encode("utf-8"))


def _html(nb: nbformat.NotebookNode, path: Path) -> None:
    from nbconvert import HTMLExporter

    body, _ = HTMLExporter().from_notebook_node(nb)
    atomic_write(path, body.encode("utf-8"))


def _outputs(
    nb: nbformat.NotebookNode, job_dir: Path, job: dict[str, Any], error: Any, masker: Masker
) -> str:
    """Mask secrets, mark the error cell, save the executed notebook (and its HTML); a problem or ''."""
    masker.notebook(nb)
    if error and error.get("cell_index") is not None:
        mark_error(nb, error["cell_index"], error["ename"], error["evalue"])
    _save(nb, job_dir / "output.ipynb")
    if "html" in job["outputs"]:
        try:
            _html(nb, job_dir / "output.html")
        except Exception as exc:
            return f"HTML export failed: {exc}"
    return ""


class OutputWriter(threading.Thread):
    """Writes the outputs while the kernel shuts down (the notebook no longer changes by then)."""

    def __init__(self, *args: Any) -> None:
        super().__init__(daemon=True, name="polartep-job-outputs")
        self.args, self.error, self.problem = args, args[3], ""

    def run(self) -> None:
        try:
            self.problem = _outputs(*self.args)
        except Exception as exc:  # reported like an HTML problem; the main thread retries the save
            self.problem = f"saving outputs failed: {exc}"


class Watchdog(threading.Thread):
    """Kills the kernel when the job is cancelled, its time is up or the server went away; and
    writes the job's progress down (so the cells' thread never waits for the database)."""

    def __init__(self, store: JobStore, job_id: str, deadline: float) -> None:
        super().__init__(daemon=True, name="polartep-job-watchdog")
        self.store, self.job_id, self.deadline = store, job_id, deadline
        self.parent = int(os.environ.get("POLARTEP_JOB_PARENT") or os.getppid())
        self.kernel_pid: int | None = None
        self.reason: str | None = None
        self.orphaned = False
        self.stopped = threading.Event()
        self.cells_done = 0

    def run(self) -> None:
        written = 0
        while not self.stopped.wait(0.5):
            if os.getppid() != self.parent:
                self.orphaned = True  # set before the kernel dies: the job thread then writes nothing
                kill_tree(self.kernel_pid)
                os._exit(3)  # the restarted server marks the job interrupted
            done = self.cells_done
            if done != written:
                self.store.update(self.job_id, cells_done=done)
                written = done
            if time.time() >= self.deadline:
                self.reason = "timed_out"
            else:
                job = self.store.get(self.job_id)
                if job is None or job["status"] != "running":
                    self.reason = "cancelled"
            if self.reason:
                kill_tree(self.kernel_pid)
                return


def _report(report: BinaryIO | None) -> None:
    """Tell the dispatcher the job's state changed (it then reads the database)."""
    if report is not None:
        with contextlib.suppress(OSError, ValueError):
            report.write(b"changed\n")


def run(db_path: Path, job_id: str, report: BinaryIO | None = None) -> int:
    store = JobStore(db_path, create=False, keep_open=True)  # this thread's progress writes
    job = store.get(job_id)
    if job is None or job["status"] != "running":
        return 0
    job_dir = db_path.parent / "jobs" / job_id
    log = (job_dir / "job.log").open("a", encoding="utf-8")
    masker = Masker([os.environ.get(n, "") for n in os.environ.get(MASK_VARS_ENV, "").split(",") if n])
    nb = nbformat.read(job_dir / "input.ipynb", as_version=4)
    inject_parameters(nb, job["parameters"])
    total = len(nb.cells)
    store.update(job_id, runner_pid=os.getpid(), runner=identity(os.getpid()), cells_total=total)
    deadline = (job["started"] or time.time()) + job["timeout"]
    watchdog = Watchdog(JobStore(db_path, create=False), job_id, deadline)
    client = _Client(
        nb, timeout=None, kernel_name=job["kernel"], allow_errors=False, record_timing=True,
        resources={"metadata": {"path": job["cwd"]}},
    )  # fmt: skip
    client.job_log, client.masker = log, masker
    error: dict[str, Any] | None = None
    cells_done = 0
    writer: OutputWriter | None = None
    status, message = "succeeded", ""
    env = {k: v for k, v in os.environ.items() if k != MASK_VARS_ENV}
    log.write(f"[polartep] job {job_id}: {job['notebook']} on kernel {job['kernel']}\n")
    log.flush()
    try:
        with client.setup_kernel(env=env):
            provisioner = getattr(client.km, "provisioner", None)
            watchdog.kernel_pid = getattr(provisioner, "pid", None)
            store.update(job_id, kernel_pid=watchdog.kernel_pid)
            watchdog.start()
            info = client.wait_for_reply(client.kc.kernel_info())
            if info:
                nb.metadata["language_info"] = info["content"].get("language_info", {})
            saved = time.monotonic()
            for index, cell in enumerate(nb.cells):
                log.write(f"[polartep] cell {index + 1}/{total}\n")
                log.flush()
                try:
                    client.execute_cell(cell, index, execution_count=client.code_cells_executed + 1)
                except CellExecutionError as exc:
                    status, message = "failed", f"{exc.ename}: {exc.evalue}"
                    error = {"ename": exc.ename, "evalue": masker(exc.evalue), "cell_index": index}
                    cells_done = watchdog.cells_done = index + 1
                    break
                cells_done = watchdog.cells_done = index + 1  # the watchdog writes it down
                if cell.cell_type == "code" and time.monotonic() - saved > PARTIAL_SAVE_SECONDS:
                    _save(nb, job_dir / "output.ipynb")  # partial result if the process is killed
                    saved = time.monotonic()
            writer = OutputWriter(nb, job_dir, job, error, masker)
            writer.start()  # while the kernel shuts down (leaving this block)
    except (DeadKernelError, RuntimeError, Exception) as exc:
        if watchdog.reason:
            status = watchdog.reason
            message = (
                "cancelled by the user" if status == "cancelled" else f"timed out after {job['timeout']:g} s"
            )
        else:
            status, message = "failed", f"{type(exc).__name__}: {exc}"
            error = {"ename": type(exc).__name__, "evalue": masker(str(exc)), "cell_index": None}
    if watchdog.orphaned:  # the server died: leave the record to the restarted server
        time.sleep(60)  # the watchdog ends this process
        return 3
    watchdog.stopped.set()
    if watchdog.reason and status in ("succeeded", "failed") and error is None:
        status = watchdog.reason
    log.write(f"[polartep] {status}{': ' + masker(message) if message else ''}\n")
    log.close()
    if writer is not None:
        writer.join()
    if writer is None or writer.error is not error or writer.problem.startswith("saving"):
        problem = _outputs(nb, job_dir, job, error, masker)  # the shutdown failed: outputs of now
    else:
        problem = writer.problem
    if problem:
        message = f"{message}; {problem}".strip("; ")
    fields: dict[str, Any] = {
        "finished": time.time(), "message": masker(message), "error": error, "cells_done": cells_done
    }  # fmt: skip
    if not store.update(job_id, only_if_status=("running",), status=status, **fields):
        store.update(job_id, error=error, cells_done=cells_done)  # cancelled meanwhile: keep that state
    store.close()
    _report(report)
    return 0
