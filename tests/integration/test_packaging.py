"""The wheel ships the prebuilt labextension, the server-extension config and the package data."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def test_wheel_contains_prebuilt_labextension_and_config(tmp_path: Path) -> None:
    # Given a production build of the wheel (the build hook runs jlpm build:prod)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("polartep_lab-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    data = next(n.split("/")[0] for n in names if ".data/" in n)
    ext = f"{data}/data/share/jupyter/labextensions/polartep-lab"
    # Then the labextension, install.json, schema and server config are inside
    assert f"{ext}/package.json" in names
    assert f"{ext}/install.json" in names
    assert f"{ext}/schemas/polartep-lab/home.json" in names
    assert any(n.startswith(f"{ext}/static/remoteEntry.") for n in names)
    assert f"{data}/data/etc/jupyter/jupyter_server_config.d/polartep_lab.json" in names
    for needed in (
        "polartep_lab/openapi.yaml",
        "polartep_lab/examples/getting-started.ipynb",
        "polartep_lab/docs/index.md",
    ):
        assert needed in names
    package = json.loads(zipfile.ZipFile(wheel).read(f"{ext}/package.json"))
    assert package["name"] == "polartep-lab"
    assert package["jupyterlab"]["_build"]["load"].startswith("static/remoteEntry.")


def test_extensions_are_enabled_in_this_environment() -> None:
    labext = subprocess.run(
        [sys.executable, "-m", "jupyter", "labextension", "list"], capture_output=True, text=True, check=True
    )
    out = labext.stdout + labext.stderr
    assert "polartep-lab" in out and "enabled" in out and "OK" in out
    server = subprocess.run(
        [sys.executable, "-m", "jupyter", "server", "extension", "list"],
        capture_output=True,
        text=True,
        check=True,
    )
    text = server.stdout + server.stderr
    assert "polartep_lab enabled" in text.replace("\x1b[32m", "").replace("\x1b[0m", "")
