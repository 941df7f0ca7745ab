"""Demo polar data for `make lab` (filled in below)."""

from __future__ import annotations

from pathlib import Path


def seed_demo(workspace: Path) -> list[str]:
    return []
