"""Every notebook in polartep_lab/examples runs top to bottom on the embedded defaults."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

import polartep_lab

EXAMPLES = sorted((Path(polartep_lab.__file__).parent / "examples").glob("*.ipynb"))


def test_there_are_examples() -> None:
    assert EXAMPLES, "no example notebooks found"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_runs(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLARTEP_DATA_DIR", str(tmp_path / "data"))
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute(env=dict(os.environ))
