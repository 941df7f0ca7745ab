"""The embedded builder's records survive a crash: a build whose process died becomes FAILED."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from polartep_lab.environments import store
from polartep_lab.environments.kernels import KernelSpecs
from polartep_lab.environments.local import LocalBuilder


def test_a_build_left_running_by_a_killed_server_is_failed_on_restart(tmp_path: Path) -> None:
    # Given a build recorded as BUILDING by a process that no longer exists (server kill -9)
    data = tmp_path / "environments"
    store.initialise(data)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    with store.connect(data) as conn:
        conn.execute(
            "INSERT INTO environments (namespace, name, active_build_id, created, updated) "
            "VALUES (?,?,?,?,?)",
            ("default", "crashed", None, store.now(), store.now()),
        )
        conn.execute(
            "INSERT INTO builds (namespace, name, specification, status, created, pid) VALUES (?,?,?,?,?,?)",
            ("default", "crashed", "name: crashed\n", "BUILDING", store.now(), dead.pid),
        )
    # When a new server opens the same data dir
    builder = LocalBuilder(data, KernelSpecs(data / "jupyter"))
    env = builder.get("default", "crashed")
    # Then the build has a verdict and nothing was made active
    assert env.builds[0].status.value == "FAILED"
    assert env.builds[0].message == "the build process ended without a result"
    assert env.active_build_id is None and env.kernel_name is None


def test_a_finished_build_is_never_changed_by_a_late_verdict(tmp_path: Path) -> None:
    # Given a canceled build
    data = tmp_path / "environments"
    store.initialise(data)
    with store.connect(data) as conn:
        conn.execute(
            "INSERT INTO environments (namespace, name, created, updated) VALUES (?,?,?,?)",
            ("default", "e", store.now(), store.now()),
        )
        conn.execute(
            "INSERT INTO builds (namespace, name, specification, status, created) VALUES (?,?,?,?,?)",
            ("default", "e", "name: e\n", "CANCELED", store.now()),
        )
    # When its build process reports COMPLETED afterwards / Then that is ignored
    assert store.finish(data, 1, "COMPLETED", "ready") is False
    with store.connect(data) as conn:
        row = conn.execute("SELECT status FROM builds WHERE id=1").fetchone()
        env = conn.execute("SELECT active_build_id FROM environments").fetchone()
    assert row["status"] == "CANCELED" and env["active_build_id"] is None
