"""Shared helpers of the secrets server tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .conftest import fetch_json


async def create_secret(jp_fetch: Any, **body: Any) -> dict[str, Any]:
    code, reply = await fetch_json(jp_fetch, "polartep", "api", "secrets", method="POST", body=body)
    assert code == 201, reply
    return reply  # type: ignore[no-any-return]


def files_containing(root: Path, needle: str) -> list[Path]:
    """Every file under ``root`` whose raw bytes contain ``needle``."""
    hits = []
    for path in root.rglob("*"):
        if path.is_file() and needle.encode() in path.read_bytes():
            hits.append(path)
    return hits
