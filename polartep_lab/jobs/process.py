"""Job processes: ``python -m polartep_lab.jobs.process [--zygote] <jobs.sqlite>``.

A job's process imports nbclient, nbformat, jupyter_client (and nbconvert for the HTML) before it
can start a kernel: about a CPU-second, paid again for every job. So the dispatcher keeps one
**zygote**: a process that imports all that once, warms nbformat's validator, then waits. For each
job the dispatcher writes one line to its stdin — ``{"job": id, "env": {...}}`` — and the zygote
forks: the child is the job's own process (new session, its own kernel, the same code as ever),
created in milliseconds with nothing left to import. The zygote answers on stdout with
``{"job": id, "pid": pid}``, and ``{"job": id, "exit": pid, "code": n}`` once it reaped the
child; the job itself reports each change of its state as a line on the same pipe, so the
dispatcher reacts at once instead of polling. Secrets to inject travel through the pipe, never
through a file.

A job's process inherits the server's environment as it was when the zygote started, plus the
job's own variables (injected secrets, ``POLARTEP_JOB_ID``); a restart of the server picks up a
changed environment. The zygote never runs a kernel nor a thread (forking is safe), and exits
when the dispatcher goes away (its stdin closes); a job whose parent went away kills its kernel
and stops (see ``runner.Watchdog``). Without ``--zygote`` the process reads one order and runs
that job itself.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import sys
import traceback
from pathlib import Path
from typing import Any, BinaryIO


def _prepare() -> None:
    """Import (and warm up) what a job needs, once."""
    # nbformat imports jsonschema, whose optional URI format checker (rfc3987_syntax) compiles a
    # grammar for seconds at import time; a job process never checks formats, so it is left out.
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
    import nbformat

    from . import runner  # noqa: F401  (nbclient, jupyter_client, the store)

    with contextlib.suppress(ImportError):  # imported ahead for the HTML output
        from nbconvert import HTMLExporter  # noqa: F401
    with contextlib.suppress(Exception):  # builds and caches the notebook schema validator
        nbformat.validate(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")]))
    # Starting a kernel looks up the kernel folders, which imports IPython (about a third of a
    # small job's time when left to each job), and scans every package's entry points for kernel
    # provisioners. Both once, here. Kernel specs themselves are still looked up by each job, so
    # a kernel installed after the zygote started is found.
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.provisioning import KernelProvisionerFactory

    with contextlib.suppress(Exception):
        KernelSpecManager().kernel_dirs  # noqa: B018  (its default imports IPython.paths)
        KernelProvisionerFactory.instance()


def _run_order(db_path: Path, order: dict[str, Any], report: BinaryIO) -> int:
    """In the job's own process: take the job's environment, send output to its log, run it."""
    from .runner import run

    os.environ.update(order.get("env", {}))
    log = os.open(
        db_path.parent / "jobs" / order["job"] / "runner.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644
    )
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.close(log)
    return run(db_path, order["job"], report=report)


def _child(db_path: Path, order: dict[str, Any], pipe: int) -> int:
    """The forked job process."""
    os.setsid()  # its own session: the job, its kernel and their children are killed as one
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    # its parent is the zygote, which goes away with the dispatcher
    order = {**order, "env": {**order.get("env", {}), "POLARTEP_JOB_PARENT": str(os.getppid())}}
    report = os.fdopen(os.dup(pipe), "wb", buffering=0)
    return _run_order(db_path, order, report)


def zygote(db_path: Path) -> int:
    _prepare()
    out = sys.stdout.fileno()
    children: dict[int, str] = {}

    def send(message: dict[str, Any]) -> None:
        with contextlib.suppress(OSError):
            os.write(out, (json.dumps(message) + "\n").encode())

    def reap() -> None:
        while children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            job = children.pop(pid, "")
            send({"job": job, "exit": pid, "code": os.waitstatus_to_exitcode(status)})

    send({"ready": os.getpid()})
    pending = b""
    while True:
        ready, _, _ = select.select([0], [], [], 0.2)
        reap()
        if not ready:
            continue
        chunk = os.read(0, 65536)
        if not chunk:
            return 0  # the dispatcher went away; running jobs notice it and stop
        pending += chunk
        while b"\n" in pending:
            line, pending = pending.split(b"\n", 1)
            if not line.strip():
                continue
            order = json.loads(line)
            pid = os.fork()
            if pid == 0:  # the job's process
                code = 1
                try:
                    code = _child(db_path, order, out)
                except BaseException:
                    traceback.print_exc()
                finally:
                    os._exit(code)
            children[pid] = order["job"]
            send({"job": order["job"], "pid": pid})


def single(db_path: Path) -> int:
    """One job in this process (the order on stdin); the fallback when no zygote can run."""
    _prepare()
    line = sys.stdin.readline()
    if not line.strip():
        return 0  # the dispatcher went away before handing over a job
    report = os.fdopen(os.dup(1), "wb", buffering=0)  # the pipe to the dispatcher (not inherited)
    return _run_order(db_path, json.loads(line), report)


def main() -> int:
    args = sys.argv[1:]
    if args and args[0] == "--zygote":
        return zygote(Path(args[1]))
    return single(Path(args[0]))


if __name__ == "__main__":
    sys.exit(main())
