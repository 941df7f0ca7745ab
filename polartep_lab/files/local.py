"""The `workspace` root: the notebook server's folder on this machine (the embedded default)."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fsspec.implementations.local import LocalFileSystem

from ..core.errors import Invalid, NotFound
from .models import Entry
from .roots import StorageRoot, kind_of


class LocalRoot(StorageRoot):
    """A folder on local disk. Symlinks that point outside it are refused and not listed."""

    kind = "local"

    def __init__(
        self,
        name: str,
        folder: Path,
        title: str = "",
        excluded: tuple[Path, ...] = (),
        show_hidden: bool = False,
    ) -> None:
        super().__init__(name, title or "Workspace", show_hidden)
        self.folder = Path(folder).resolve()
        # only what lies inside the root can (and must) be hidden: e.g. <root>/.polartep
        self.excluded = tuple(p for p in (Path(e).resolve() for e in excluded) if self.folder in p.parents)
        self._fs = LocalFileSystem()

    @property
    def fs(self) -> Any:
        return self._fs

    def _resolved(self, rel: str) -> Path:
        candidate = (self.folder / rel).resolve() if rel else self.folder
        if candidate != self.folder and self.folder not in candidate.parents:
            raise Invalid(f"path {rel!r} leads outside its root (symlink)", "path_escape")
        for excluded in self.excluded:
            if candidate == excluded or excluded in candidate.parents:
                raise NotFound(f"{rel!r} is not part of the workspace files", "hidden")
        return candidate

    def full(self, rel: str) -> str:
        self._resolved(rel)
        # the unresolved path: moving/deleting a symlink acts on the link, not its target
        return str(self.folder / rel) if rel else str(self.folder)

    def url(self, rel: str) -> str:
        return str(self._resolved(rel))

    def local_path(self, rel: str) -> Path | None:
        return self._resolved(rel)

    def list(self, rel: str, show_hidden: bool = False) -> list[Entry]:
        """One `os.scandir` (fsspec's local `ls` stats every entry several times)."""
        with self.errors(rel):
            folder = self._resolved(rel)
            if not folder.is_dir():
                raise NotFound(f"{self.name}:{rel} is not a folder", "not_a_folder")
            out = []
            with os.scandir(folder) as it:
                for item in it:
                    if item.name.startswith(".") and not (show_hidden and self.show_hidden):
                        continue
                    child = f"{rel}/{item.name}" if rel else item.name
                    if item.is_symlink() and not self.visible(child):
                        continue
                    try:
                        st = item.stat()
                        is_dir = item.is_dir()
                    except OSError:
                        continue  # broken link or vanished meanwhile
                    if is_dir and any(folder / item.name == e for e in self.excluded):
                        continue
                    out.append(
                        Entry(
                            name=item.name,
                            path=child,
                            type="directory" if is_dir else "file",
                            size=None if is_dir else st.st_size,
                            modified=datetime.fromtimestamp(st.st_mtime, UTC).isoformat(),
                            kind=kind_of(item.name, is_dir),
                        )
                    )
        return sorted(out, key=lambda e: (e.type != "directory", e.name.lower()))

    def visible(self, rel: str) -> bool:
        try:
            self._resolved(rel)
        except (Invalid, NotFound):
            return False
        return os.path.exists(self.folder / rel)

    def describe(self) -> dict[str, Any]:
        return {**super().describe(), "removable": False}
