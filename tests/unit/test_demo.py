from __future__ import annotations

from pathlib import Path

from polartep_lab.demo import prepare


def test_demo_is_idempotent_and_keeps_user_files(tmp_path: Path) -> None:
    created = prepare(tmp_path)
    assert "examples/getting-started.ipynb" in created
    (tmp_path / "examples" / "getting-started.ipynb").write_text("edited by the user")
    assert prepare(tmp_path) == []
    assert (tmp_path / "examples" / "getting-started.ipynb").read_text() == "edited by the user"
