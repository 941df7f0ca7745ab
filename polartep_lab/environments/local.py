"""The embedded builder: environments and builds in SQLite, each build in its own process and prefix."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

from ..core.errors import Conflict, NotFound
from ..core.paths import atomic_write
from . import store
from .backend import EnvironmentBackend
from .kernels import KernelSpecs, kernel_name
from .models import BuildStatus, DescribeBuild, DescribeEnvironment
from .runner import BuildFailed, conda_tool, uv_binary
from .spec import Specification


def _alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class LocalBuilder(EnvironmentBackend):
    """Builds with conda/mamba/micromamba when on PATH, else a uv venv from the `pip:` list."""

    kind = "embedded"

    def __init__(self, data_dir: Path, kernels: KernelSpecs, options: dict[str, Any] | None = None) -> None:
        self.data_dir = data_dir
        self.kernels = kernels
        self.options = dict(options or {})
        self._procs: dict[int, subprocess.Popen[bytes]] = {}
        store.initialise(data_dir)

    # ---- reading ---------------------------------------------------------------------------------
    def _build(self, row: sqlite3.Row) -> DescribeBuild:
        return DescribeBuild(
            id=row["id"],
            namespace=row["namespace"],
            name=row["name"],
            status=BuildStatus(row["status"]),
            specification=row["specification"],
            message=row["message"],
            created=row["created"],
            started=row["started"],
            finished=row["finished"],
            has_lockfile=(store.build_dir(self.data_dir, row["id"]) / "lockfile.txt").is_file(),
        )

    def _environment(self, conn: sqlite3.Connection, env: sqlite3.Row) -> DescribeEnvironment:
        rows = conn.execute(
            "SELECT * FROM builds WHERE namespace=? AND name=? ORDER BY id", (env["namespace"], env["name"])
        ).fetchall()
        builds = [self._build(r) for r in rows]
        active = next((b for b in builds if b.id == env["active_build_id"]), None)
        shown = active or (builds[-1] if builds else None)
        return DescribeEnvironment(
            namespace=env["namespace"],
            name=env["name"],
            specification=shown.specification if shown else "",
            active_build_id=env["active_build_id"],
            status=builds[-1].status if builds else BuildStatus.QUEUED,
            kernel_name=kernel_name(env["namespace"], env["name"]) if active else None,
            builds=builds,
            created=env["created"],
            updated=env["updated"],
        )

    def reap(self) -> None:
        """Builds whose process is gone without a verdict (server or machine stopped) become FAILED."""
        for build_id, proc in list(self._procs.items()):
            if proc.poll() is not None:
                del self._procs[build_id]
        with store.connect(self.data_dir) as conn:
            rows = conn.execute("SELECT id, pid, status FROM builds WHERE status IN (?, ?)", store.UNFINISHED)
            lost = [r["id"] for r in rows if r["id"] not in self._procs and not _alive(r["pid"])]
        for build_id in lost:
            store.finish(self.data_dir, build_id, "FAILED", "the build process ended without a result")

    def list(self) -> list[DescribeEnvironment]:
        self.reap()
        with store.connect(self.data_dir) as conn:
            envs = conn.execute("SELECT * FROM environments ORDER BY namespace, name").fetchall()
            return [self._environment(conn, e) for e in envs]

    def get(self, namespace: str, name: str) -> DescribeEnvironment:
        self.reap()
        with store.connect(self.data_dir) as conn:
            env = conn.execute(
                "SELECT * FROM environments WHERE namespace=? AND name=?", (namespace, name)
            ).fetchone()
            if env is None:
                raise NotFound(f"no environment {namespace}/{name}", "no_environment")
            return self._environment(conn, env)

    def build(self, build_id: int) -> DescribeBuild:
        self.reap()
        with store.connect(self.data_dir) as conn:
            row = conn.execute("SELECT * FROM builds WHERE id=?", (build_id,)).fetchone()
        if row is None:
            raise NotFound(f"no build {build_id}", "no_build")
        return self._build(row)

    def log(self, build_id: int) -> str:
        self.build(build_id)
        path = store.build_dir(self.data_dir, build_id) / "build.log"
        return path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""

    def lockfile(self, build_id: int) -> str:
        build = self.build(build_id)
        path = store.build_dir(self.data_dir, build_id) / "lockfile.txt"
        if not path.is_file():
            raise NotFound(f"build {build_id} has no lockfile (it is {build.status.value})", "no_lockfile")
        return path.read_text(encoding="utf-8")

    def python_for(self, namespace: str, name: str) -> str | None:
        env = self.get(namespace, name)
        if env.active_build_id is None:
            return None
        prefix = store.build_dir(self.data_dir, env.active_build_id) / "env"
        python = prefix / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
        return str(python) if python.exists() else None

    # ---- changing --------------------------------------------------------------------------------
    def submit(self, namespace: str, name: str, spec: Specification, create: bool) -> DescribeBuild:
        self.reap()
        stamp = store.now()
        with store.connect(self.data_dir) as conn:
            env = conn.execute(
                "SELECT * FROM environments WHERE namespace=? AND name=?", (namespace, name)
            ).fetchone()
            if create and env is not None:
                raise Conflict(f"environment {namespace}/{name} exists: change its specification", "exists")
            if not create and env is None:
                raise NotFound(f"no environment {namespace}/{name}", "no_environment")
            running = conn.execute(
                "SELECT id FROM builds WHERE namespace=? AND name=? AND status IN (?, ?)",
                (namespace, name, *store.UNFINISHED),
            ).fetchone()
            if running is not None:
                raise Conflict(
                    f"build {running['id']} of {namespace}/{name} is still running: cancel it first", "busy"
                )
            if env is None:
                conn.execute(
                    "INSERT INTO environments (namespace, name, created, updated) VALUES (?, ?, ?, ?)",
                    (namespace, name, stamp, stamp),
                )
            else:
                conn.execute(
                    "UPDATE environments SET updated=? WHERE namespace=? AND name=?", (stamp, namespace, name)
                )
            build_id = int(
                conn.execute(
                    "INSERT INTO builds (namespace, name, specification, status, created) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (namespace, name, spec.text, "QUEUED", stamp),
                ).lastrowid
                or 0
            )
            bdir = store.build_dir(self.data_dir, build_id)
            bdir.mkdir(parents=True, exist_ok=True)
            atomic_write(bdir / "environment.yml", spec.text.encode())
            atomic_write(bdir / "options.json", json.dumps(self.options).encode())
            (bdir / "build.log").write_text("")
        self._start(build_id)
        return self.build(build_id)

    def _start(self, build_id: int) -> None:
        log = (store.build_dir(self.data_dir, build_id) / "build.log").open("ab")
        try:
            proc = subprocess.Popen(
                [sys.executable, "-m", "polartep_lab.environments.runner", str(self.data_dir), str(build_id)],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        finally:
            log.close()
        self._procs[build_id] = proc
        with store.connect(self.data_dir) as conn:
            conn.execute("UPDATE builds SET pid=? WHERE id=? AND pid IS NULL", (proc.pid, build_id))

    def cancel(self, build_id: int) -> DescribeBuild:
        build = self.build(build_id)
        if build.status.finished:
            raise Conflict(f"build {build_id} is already {build.status.value}", "finished")
        with store.connect(self.data_dir) as conn:
            pid = conn.execute("SELECT pid FROM builds WHERE id=?", (build_id,)).fetchone()["pid"]
        if store.finish(self.data_dir, build_id, "CANCELED", "canceled by the user") and pid:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGTERM)
            with (store.build_dir(self.data_dir, build_id) / "build.log").open("a") as log:
                log.write("CANCELED by the user\n")
            proc = self._procs.pop(build_id, None)
            if proc is not None:
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    with contextlib.suppress(ProcessLookupError, PermissionError):
                        os.killpg(pid, signal.SIGKILL)
                    proc.wait(timeout=30)
            shutil.rmtree(store.build_dir(self.data_dir, build_id) / "env", ignore_errors=True)
        return self.build(build_id)

    def activate(self, namespace: str, name: str, build_id: int) -> None:
        with store.connect(self.data_dir) as conn:
            row = conn.execute("SELECT * FROM builds WHERE id=?", (build_id,)).fetchone()
            if row is None or (row["namespace"], row["name"]) != (namespace, name):
                raise NotFound(f"{namespace}/{name} has no build {build_id}", "no_build")
            if row["status"] != "COMPLETED":
                raise Conflict(
                    f"build {build_id} is {row['status']}: only a COMPLETED build can be active", "not_built"
                )
            conn.execute(
                "UPDATE environments SET active_build_id=?, updated=? WHERE namespace=? AND name=?",
                (build_id, store.now(), namespace, name),
            )

    def delete(self, namespace: str, name: str) -> None:
        env = self.get(namespace, name)
        for build in env.builds:
            if not build.status.finished:
                self.cancel(build.id)
        with store.connect(self.data_dir) as conn:
            conn.execute("DELETE FROM environments WHERE namespace=? AND name=?", (namespace, name))
            conn.execute("DELETE FROM builds WHERE namespace=? AND name=?", (namespace, name))
        for build in env.builds:
            shutil.rmtree(store.build_dir(self.data_dir, build.id), ignore_errors=True)

    def describe_backend(self) -> str:
        tool = conda_tool() if self.options.get("installer", "auto") != "uv" else None
        return f"builds with {Path(tool).name}" if tool else "builds venvs with uv"

    def health(self) -> tuple[bool, str]:
        tool = conda_tool() if self.options.get("installer", "auto") != "uv" else None
        if tool:
            return True, f"builds with {tool}"
        try:
            uv = uv_binary()
        except BuildFailed as exc:
            return False, str(exc)
        return True, f"builds venvs with {uv}"

    def close(self) -> None:
        for proc in self._procs.values():
            proc.poll()
