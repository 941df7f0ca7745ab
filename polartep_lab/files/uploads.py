"""Chunked, resumable uploads: chunks go to a partial file in the data dir, never into the root.

An upload is a record (``<id>.json``, written atomically) and a partial file (``<id>.part``). Each
chunk names the offset it starts at; a chunk at the wrong offset is refused with the offset the
server has, so a client that lost its connection (or the page) resumes where the data stopped.
Only when the last byte is on disk does the file move (or, for S3, stream) to its place: a listing
never shows a half-received file. Memory use is one chunk, whatever the file's size.
"""

from __future__ import annotations

import json
import os
import threading
import uuid
from datetime import UTC, datetime
from pathlib import Path

from ..core.errors import Conflict, Invalid, NotFound
from ..core.paths import atomic_write
from .models import DescribeUpload, UploadState

_ID_CHARS = set("0123456789abcdef")


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class UploadStore:
    """Upload records and partial files under ``<data_dir>/uploads``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def _lock(self, upload_id: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(upload_id, threading.Lock())

    def _record(self, upload_id: str) -> Path:
        if len(upload_id) != 32 or not set(upload_id) <= _ID_CHARS:
            raise NotFound(f"no upload {upload_id!r}", "no_upload")
        return self.folder / f"{upload_id}.json"

    def partial(self, upload_id: str) -> Path:
        return self.folder / f"{upload_id}.part"

    def save(self, upload: DescribeUpload) -> None:
        atomic_write(self._record(upload.id), upload.model_dump_json().encode(), mode=0o600)

    def get(self, upload_id: str) -> DescribeUpload:
        path = self._record(upload_id)
        if not path.is_file():
            raise NotFound(f"no upload {upload_id!r}", "no_upload")
        upload = DescribeUpload.model_validate(json.loads(path.read_text()))
        if upload.state == UploadState.receiving:
            # what is on disk is the truth (a kill -9 between write and record update)
            part = self.partial(upload_id)
            upload.offset = min(part.stat().st_size, upload.size) if part.exists() else 0
        return upload

    def list(self) -> list[DescribeUpload]:
        out = []
        for path in sorted(self.folder.glob("*.json")):
            try:
                out.append(self.get(path.stem))
            except (NotFound, ValueError):
                continue
        return sorted(out, key=lambda u: u.created)

    def find_unfinished(self, root: str, path: str, size: int) -> DescribeUpload | None:
        for upload in self.list():
            if upload.state == UploadState.receiving and (upload.root, upload.path, upload.size) == (
                root,
                path,
                size,
            ):
                return upload
        return None

    def create(self, upload: DescribeUpload) -> DescribeUpload:
        upload.id = uuid.uuid4().hex
        upload.created = now()
        self.partial(upload.id).touch(mode=0o600)
        self.save(upload)
        return upload

    def append(self, upload_id: str, offset: int, data: bytes) -> DescribeUpload:
        """Write one chunk at `offset`; returns the record with the new offset."""
        with self._lock(upload_id):
            upload = self.get(upload_id)
            if upload.state != UploadState.receiving:
                raise Conflict(f"upload {upload_id} is {upload.state.value}", "upload_" + upload.state.value)
            if offset != upload.offset:
                raise Conflict(
                    f"chunk starts at byte {offset} but the server has {upload.offset} bytes; "
                    f"resume from {upload.offset}",
                    "offset_mismatch",
                )
            if offset + len(data) > upload.size:
                raise Invalid(
                    f"chunk ends at byte {offset + len(data)}, past the declared size {upload.size}",
                    "too_much_data",
                )
            part = self.partial(upload_id)
            with part.open("r+b") as fh:
                fh.truncate(offset)  # drop a torn tail from an interrupted earlier write
                fh.seek(offset)
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            # the partial file's size is the offset (see get): no record write per chunk
            upload.offset = offset + len(data)
            return upload

    def finish(self, upload: DescribeUpload, state: UploadState, final_path: str | None = None) -> None:
        upload.state = state
        upload.final_path = final_path
        self.save(upload)
        self.partial(upload.id).unlink(missing_ok=True)

    def discard(self, upload_id: str) -> DescribeUpload:
        with self._lock(upload_id):
            upload = self.get(upload_id)
            if upload.state == UploadState.receiving:
                self.finish(upload, UploadState.cancelled)
            return upload

    def forget(self, upload_id: str) -> None:
        self._record(upload_id).unlink(missing_ok=True)
        self.partial(upload_id).unlink(missing_ok=True)
