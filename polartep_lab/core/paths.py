"""Paths and files: default data dir, root-confined path resolution, atomic writes."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from jupyter_core.paths import jupyter_data_dir

from .errors import Forbidden, Invalid


def default_data_dir() -> Path:
    """`$POLARTEP_DATA_DIR`, else `<jupyter data dir>/polartep`."""
    env = os.environ.get("POLARTEP_DATA_DIR")
    if env:
        return Path(env).expanduser()
    return Path(jupyter_data_dir()) / "polartep"


def resolve_within(root: Path | str, relative: str) -> Path:
    """Resolve `relative` below `root`; refuse anything that escapes it (``..``, absolute, symlinks)."""
    if "\x00" in relative:
        raise Invalid("path contains a NUL byte", reason="bad_path")
    root_path = Path(root).resolve()
    rel = relative.replace("\\", "/").lstrip("/")
    candidate = (root_path / rel).resolve()
    if candidate != root_path and root_path not in candidate.parents:
        raise Forbidden(f"path {relative!r} is outside its root", reason="path_escape")
    return candidate


def atomic_write(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write `data` to `path` so that readers see the old or the new file, never a torn one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def unique_path(path: Path) -> Path:
    """`path` if free, else `stem-1.ext`, `stem-2.ext`, ... (never overwrites)."""
    if not path.exists():
        return path
    for n in range(1, 10_000):
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
        if not candidate.exists():
            return candidate
    raise Invalid(f"no free name next to {path.name}", reason="name_exhausted")
