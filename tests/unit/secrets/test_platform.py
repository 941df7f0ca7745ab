"""Platform secrets: a directory of files laid out like a mounted Kubernetes Secret volume."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from polartep_lab.secrets.platform import MountedSecrets, env_name


def kubernetes_volume(root: Path, files: dict[str, bytes]) -> None:
    """What the kubelet writes: a timestamped dir, a `..data` link to it, and one link per key."""
    stamp = root / "..2026_11_24_22_00_00.000000001"
    stamp.mkdir(parents=True)
    for name, data in files.items():
        (stamp / name).write_bytes(data)
    os.symlink(stamp.name, root / "..data")
    for name in files:
        os.symlink(f"..data/{name}", root / name)


def test_reads_a_kubernetes_style_volume(tmp_path: Path) -> None:
    kubernetes_volume(
        tmp_path,
        {
            "api-token": b"abc-123\n",
            "DB_PASSWORD": b"pw",
            "empty": b"",
            "blob": b"\xff\xfe",
            "big": b"x" * 70000,
        },
    )
    mounted = MountedSecrets(tmp_path, logging.getLogger("t"))
    found = mounted.all()
    assert sorted(found) == ["API_TOKEN", "DB_PASSWORD"]
    assert found["API_TOKEN"].value == "abc-123"
    assert found["API_TOKEN"].file_name == "api-token"


def test_missing_directory_means_no_secrets(tmp_path: Path) -> None:
    assert MountedSecrets(tmp_path / "nope", logging.getLogger("t")).all() == {}


def test_env_names() -> None:
    assert env_name("api-token") == "API_TOKEN"
    assert env_name("Token_1") == "Token_1"
    assert env_name("1password.key") == "_1PASSWORD_KEY"
