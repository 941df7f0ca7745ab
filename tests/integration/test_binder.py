"""binder/: a fresh venv + requirements.txt + postBuild prepares a server that serves the workspace."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.netutil import free_port, stop_process, wait_for_http

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow, pytest.mark.timeout(1500)]


def test_postbuild_in_a_fresh_venv_prepares_a_working_server(tmp_path: Path) -> None:
    # Given a copy of the repository (as binder clones it) and a fresh venv
    repo = tmp_path / "repo"
    ignore = shutil.ignore_patterns(
        ".venv", "node_modules", ".git", "test-artifacts", "workspace", "__pycache__"
    )
    shutil.copytree(ROOT, repo, ignore=ignore)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = {**os.environ, "PATH": f"{venv / 'bin'}:{os.environ['PATH']}", "HOME": str(tmp_path / "home")}
    env.pop("PYTHONPATH", None)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q"]
    subprocess.run([*pip, "-r", "binder/requirements.txt"], cwd=repo, env=env, check=True)
    # When binder runs postBuild
    demo = tmp_path / "home" / "workspace"
    subprocess.run(
        ["bash", "binder/postBuild"], cwd=repo, env={**env, "POLARTEP_DEMO_DIR": str(demo)}, check=True
    )
    assert (demo / "examples" / "getting-started.ipynb").is_file()
    # Then the server it prepared serves the workspace API and the prebuilt labextension
    port, token = free_port(), secrets.token_hex(8)
    proc = subprocess.Popen(
        [str(venv / "bin" / "jupyter"), "lab", "--no-browser", "--allow-root", "--ServerApp.ip=127.0.0.1",
         f"--ServerApp.port={port}", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={demo}"],
        env={**env, "POLARTEP_DATA_DIR": str(tmp_path / "data")},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        headers = {"Authorization": f"token {token}"}
        url = f"http://127.0.0.1:{port}/polartep/api/status"
        status = json.loads(wait_for_http(url, 120, headers=headers, process=proc, name="the binder server"))
        assert status["features"]
        listing = subprocess.run(
            [str(venv / "bin" / "jupyter"), "labextension", "list"], env=env, capture_output=True, text=True
        )
        assert "polartep-lab" in listing.stdout + listing.stderr
    finally:
        stop_process(proc)
