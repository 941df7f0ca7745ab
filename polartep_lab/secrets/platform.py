"""Secrets the platform mounts read-only: a directory of files, as a Kubernetes Secret volume.

Each regular file is one secret: the file name is its name (made env-var-safe: `api-token`
becomes `API_TOKEN`), the contents its value (one trailing newline dropped). Hidden entries
(Kubernetes' `..data` links) are skipped, and so are files over the size limit. The directory
is read again at most every few seconds, so rotated secrets are picked up without a restart.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from .models import MAX_VALUE_BYTES, NAME_RE

_NOT_NAME = re.compile(r"[^A-Za-z0-9_]")


def env_name(file_name: str) -> str:
    """`api-token` -> `API_TOKEN`; names that are already env-var-safe are kept as they are."""
    if NAME_RE.match(file_name):
        return file_name
    name = _NOT_NAME.sub("_", file_name).upper()
    if name[:1].isdigit():
        name = "_" + name
    return name[:128]


@dataclass
class MountedSecret:
    name: str
    file_name: str
    value: str = field(repr=False)
    modified: datetime


class MountedSecrets:
    """The read-only secrets in ``mount_dir`` (none when it is empty or missing)."""

    def __init__(self, mount_dir: Path | None, log: logging.Logger, ttl: float = 5.0) -> None:
        self.mount_dir = mount_dir
        self.log = log
        self.ttl = ttl
        self._cache: dict[str, MountedSecret] = {}
        self._read_at = float("-inf")
        self._warned: set[str] = set()

    def all(self) -> dict[str, MountedSecret]:
        if self.mount_dir is None:
            return self._cache  # the same (empty) dict each time: callers cache on its identity
        if time.monotonic() - self._read_at > self.ttl:
            self._cache = self._read()
            self._read_at = time.monotonic()
        return self._cache

    def refresh(self) -> None:
        self._read_at = float("-inf")

    def _warn_once(self, key: str, message: str, *args: object) -> None:
        if key not in self._warned:
            self._warned.add(key)
            self.log.warning(message, *args)

    def _read(self) -> dict[str, MountedSecret]:
        assert self.mount_dir is not None
        found: dict[str, MountedSecret] = {}
        if not self.mount_dir.is_dir():
            self._warn_once("missing", "platform secrets directory %s does not exist", self.mount_dir)
            return found
        root = self.mount_dir.resolve()
        for entry in sorted(self.mount_dir.iterdir()):
            if entry.name.startswith("."):
                continue
            try:
                target = entry.resolve()
                if root not in target.parents or not target.is_file():
                    continue
                size = target.stat().st_size
                if size == 0:
                    continue
                if size > MAX_VALUE_BYTES:
                    self._warn_once(entry.name, "platform secret file %s is over 64 KiB: skipped", entry.name)
                    continue
                value = target.read_bytes().decode("utf-8")
            except UnicodeDecodeError:
                self._warn_once(entry.name, "platform secret file %s is not UTF-8 text: skipped", entry.name)
                continue
            except OSError as exc:
                self._warn_once(
                    entry.name, "platform secret file %s unreadable: %s", entry.name, exc.strerror
                )
                continue
            if value.endswith("\n"):
                value = value[:-1].removesuffix("\r")
            if not value or "\x00" in value:
                continue
            name = env_name(entry.name)
            modified = datetime.fromtimestamp(target.stat().st_mtime, UTC).replace(microsecond=0)
            found[name] = MountedSecret(name, entry.name, value, modified)
        return found
