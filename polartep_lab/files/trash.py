"""A recoverable trash: deleted files wait in the data dir (S3: a hidden prefix of the bucket).

Each entry is a record ``<data_dir>/trash/<id>.json``; the content sits in
``<data_dir>/trash/<id>/<name>`` for the workspace root and in ``.polartep-trash/<id>/<name>``
inside an S3 root (moving terabytes out of a bucket to delete them would be absurd). Entries older
than the retention period are purged when the trash is listed or the server starts.
"""

from __future__ import annotations

import contextlib
import json
import posixpath
import shutil
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ..core.errors import NotFound
from ..core.paths import atomic_write
from .local import LocalRoot
from .models import TrashEntry
from .roots import StorageRoot
from .uploads import now

S3_TRASH = ".polartep-trash"


class Trash:
    def __init__(self, folder: Path, retention_days: int) -> None:
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.retention_days = retention_days

    def _record(self, entry_id: str) -> Path:
        if len(entry_id) != 32 or not all(c in "0123456789abcdef" for c in entry_id):
            raise NotFound(f"no trash entry {entry_id!r}", "no_trash_entry")
        return self.folder / f"{entry_id}.json"

    def _held(self, root: StorageRoot, entry: TrashEntry) -> tuple[bool, str]:
        """Where the content is: (on local disk?, path)."""
        name = posixpath.basename(entry.path)
        if isinstance(root, LocalRoot):
            return True, str(self.folder / entry.id / name)
        return False, f"{S3_TRASH}/{entry.id}/{name}"

    def put(self, root: StorageRoot, rel: str, type_: str, size: int | None) -> TrashEntry:
        entry = TrashEntry(
            id=uuid.uuid4().hex, root=root.name, path=rel, type=type_, size=size, deleted=now()
        )  # type: ignore[arg-type]
        local, held = self._held(root, entry)
        if local:
            assert isinstance(root, LocalRoot)
            Path(held).parent.mkdir(parents=True)
            shutil.move(str(root.folder / rel), held)
        else:
            root.move(rel, held)
        atomic_write(self._record(entry.id), entry.model_dump_json().encode(), mode=0o600)
        return entry

    def get(self, entry_id: str) -> TrashEntry:
        path = self._record(entry_id)
        if not path.is_file():
            raise NotFound(f"no trash entry {entry_id!r}", "no_trash_entry")
        return TrashEntry.model_validate(json.loads(path.read_text()))

    def list(self) -> list[TrashEntry]:
        out = []
        for path in self.folder.glob("*.json"):
            try:
                out.append(TrashEntry.model_validate(json.loads(path.read_text())))
            except ValueError:
                continue
        return sorted(out, key=lambda e: e.deleted, reverse=True)

    def restore(self, root: StorageRoot, entry: TrashEntry, dest: str) -> None:
        local, held = self._held(root, entry)
        if local:
            assert isinstance(root, LocalRoot)
            target = root.folder / dest
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(held, str(target))
            shutil.rmtree(self.folder / entry.id, ignore_errors=True)
        else:
            root.move(held, dest)
        self._record(entry.id).unlink(missing_ok=True)

    def purge(self, entry: TrashEntry, root: StorageRoot | None) -> None:
        if root is not None and not isinstance(root, LocalRoot):
            with contextlib.suppress(NotFound):
                root.delete(f"{S3_TRASH}/{entry.id}")
        shutil.rmtree(self.folder / entry.id, ignore_errors=True)
        self._record(entry.id).unlink(missing_ok=True)

    def purge_expired(self, root_of: Callable[[str], StorageRoot | None]) -> int:
        limit = datetime.now(UTC) - timedelta(days=self.retention_days)
        purged = 0
        for entry in self.list():
            if datetime.fromisoformat(entry.deleted) < limit:
                self.purge(entry, root_of(entry.root))
                purged += 1
        return purged
