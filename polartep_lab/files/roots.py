"""A storage root: one named place (the workspace folder, an S3 bucket prefix) behind fsspec.

Every path a caller gives is *relative to its root* and checked by :func:`clean_path` before any
file system sees it: no ``..``, no absolute path, no backslash, no NUL byte, no percent-encoded
separator. Implementations add their own checks (the workspace root refuses symlinks that leave it).
"""

from __future__ import annotations

import posixpath
import re
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from ..core.errors import Invalid, NotFound
from .models import Entry

_ENCODED = re.compile(r"%(2f|5c|2e|00)", re.IGNORECASE)
RASTER_SUFFIXES = {".tif", ".tiff", ".gtiff", ".vrt", ".jp2", ".img", ".nc4", ".hdf", ".png", ".jpg"}
VECTOR_SUFFIXES = {".geojson", ".gpkg", ".shp", ".fgb", ".gml", ".kml", ".parquet", ".geoparquet"}
NETCDF_SUFFIXES = {".nc", ".nc4", ".cdf", ".h5", ".hdf5"}


def clean_path(path: str, *, show_hidden: bool = False) -> str:
    """A normalized root-relative POSIX path ('' = the root) or :class:`Invalid` (HTTP 400)."""
    if "\x00" in path:
        raise Invalid("path contains a NUL byte", "bad_path")
    if "\\" in path:
        raise Invalid("path contains a backslash", "bad_path")
    if _ENCODED.search(path):
        raise Invalid("path contains an encoded separator", "bad_path")
    if path.startswith("/"):
        raise Invalid(f"path {path!r} is absolute; give it relative to its root", "bad_path")
    parts = [p for p in path.split("/") if p not in ("", ".")]
    if any(p == ".." for p in parts):
        raise Invalid(f"path {path!r} leaves its root", "path_escape")
    if not show_hidden and any(p.startswith(".") for p in parts):
        raise NotFound(f"{path!r} is hidden", "hidden")
    return "/".join(parts)


def kind_of(name: str, is_dir: bool) -> str:
    """What a file is for the inspector: raster, vector, netcdf, zarr, stac, folder or file."""
    lower = name.lower()
    suffix = posixpath.splitext(lower)[1]
    if is_dir:
        return "zarr" if suffix == ".zarr" else "folder"
    if suffix in NETCDF_SUFFIXES:
        return "netcdf"
    if suffix in RASTER_SUFFIXES:
        return "raster"
    if suffix in VECTOR_SUFFIXES or lower.endswith(".shp.zip"):
        return "vector"
    if suffix == ".json":
        return "json"
    return "file"


def _mtime(info: dict[str, Any]) -> str | None:
    value = info.get("mtime") or info.get("LastModified") or info.get("last_modified")
    if value is None:
        return None
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC).isoformat()
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return str(value)


class StorageRoot(ABC):
    """One named root. Subclasses provide an fsspec file system and the location of the root in it."""

    kind: str = "abstract"

    def __init__(self, name: str, title: str = "", show_hidden: bool = False) -> None:
        self.name = name
        self.title = title or name
        self.show_hidden = show_hidden

    # ---- what subclasses provide -----------------------------------------------------------
    @property
    @abstractmethod
    def fs(self) -> Any:
        """The fsspec file system."""

    @abstractmethod
    def full(self, rel: str) -> str:
        """The fsspec path of a cleaned root-relative path (checked to stay in the root)."""

    @abstractmethod
    def url(self, rel: str) -> str:
        """A URL/path others can open (rasterio, titiler, STAC asset hrefs)."""

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "title": self.title, "kind": self.kind, "available": True, "error": None}

    def translate_errors(self, exc: Exception, rel: str) -> Exception:
        """Map a backend exception to a workspace error (S3 overrides for credential errors)."""
        if isinstance(exc, FileNotFoundError):
            return NotFound(f"{self.name}:{rel or '/'} does not exist", "not_found")
        return exc

    def backend_errors(self) -> tuple[type[BaseException], ...]:
        return (OSError, ValueError)

    @contextmanager
    def errors(self, rel: str) -> Iterator[None]:
        try:
            yield
        except self.backend_errors() as exc:
            mapped = self.translate_errors(exc, rel)
            if mapped is exc:
                raise
            raise mapped from exc

    # ---- one interface over every root --------------------------------------------------------
    def clean(self, path: str) -> str:
        return clean_path(path, show_hidden=self.show_hidden)

    def _entry(self, rel: str, info: dict[str, Any]) -> Entry:
        is_dir = info.get("type") == "directory"
        name = posixpath.basename(rel) or self.name
        return Entry(
            name=name,
            path=rel,
            type="directory" if is_dir else "file",
            size=None if is_dir else int(info.get("size") or 0),
            modified=_mtime(info),
            kind=kind_of(name, is_dir),
        )

    def stat(self, rel: str) -> Entry:
        with self.errors(rel):
            if rel == "":
                return Entry(name=self.name, path="", type="directory", kind="folder")
            info = self.fs.info(self.full(rel))
        return self._entry(rel, info)

    def is_dir(self, rel: str) -> bool:
        with self.errors(rel):
            return rel == "" or bool(self.fs.isdir(self.full(rel)))

    def exists(self, rel: str) -> bool:
        with self.errors(rel):
            return rel == "" or bool(self.fs.exists(self.full(rel)))

    def list(self, rel: str, show_hidden: bool = False) -> list[Entry]:
        try:
            with self.errors(rel):
                base = self.full(rel)
                if rel and not self.fs.isdir(base):
                    raise NotFound(f"{self.name}:{rel} is not a folder", "not_a_folder")
                infos = self.fs.ls(base, detail=True)
        except NotFound:
            if rel:
                raise
            infos = []  # an empty bucket prefix is an empty root, not a missing one
        out = []
        prefix = base.rstrip("/")
        for info in infos:
            name = str(info["name"]).rstrip("/").rsplit("/", 1)[-1]
            if str(info["name"]).rstrip("/") == prefix or not name:
                continue
            if name.startswith(".") and not (show_hidden and self.show_hidden):
                continue
            child = f"{rel}/{name}" if rel else name
            if not self.visible(child):
                continue
            out.append(self._entry(child, info))
        return sorted(out, key=lambda e: (e.type != "directory", e.name.lower()))

    def visible(self, rel: str) -> bool:
        """Whether a listed child may be shown (the workspace root hides escaping symlinks)."""
        return True

    def walk_files(self, rel: str) -> Iterator[tuple[str, int]]:
        """Every file below a folder, as (root-relative path, size); hidden files skipped."""
        with self.errors(rel):
            found = self.fs.find(self.full(rel), detail=True)
        base = self.full(rel).rstrip("/")
        for full, info in sorted(found.items()):
            sub = str(full)[len(base) :].lstrip("/")
            if any(p.startswith(".") for p in sub.split("/")):
                continue
            child = f"{rel}/{sub}" if rel else sub
            if self.visible(child):
                yield child, int(info.get("size") or 0)

    def open_read(self, rel: str) -> IO[bytes]:
        with self.errors(rel):
            return self.fs.open(self.full(rel), "rb")  # type: ignore[no-any-return]

    def mkdir(self, rel: str) -> None:
        with self.errors(rel):
            self.fs.makedirs(self.full(rel), exist_ok=True)

    def put_file(self, local: Path, rel: str) -> None:
        """Store a finished local file at `rel` (streamed; replaces what is there)."""
        with self.errors(rel):
            parent = posixpath.dirname(rel)
            if parent:
                self.fs.makedirs(self.full(parent), exist_ok=True)
            self.fs.put_file(str(local), self.full(rel))

    def get_file(self, rel: str, local: Path) -> None:
        with self.errors(rel):
            self.fs.get_file(self.full(rel), str(local))

    def move(self, rel: str, dest: str) -> None:
        with self.errors(rel):
            self.fs.mv(self.full(rel), self.full(dest), recursive=True)

    def copy(self, rel: str, dest: str) -> None:
        with self.errors(rel):
            if self.fs.isdir(self.full(rel)):
                self.fs.copy(self.full(rel) + "/", self.full(dest), recursive=True)
            else:
                self.fs.copy(self.full(rel), self.full(dest))

    def delete(self, rel: str) -> None:
        with self.errors(rel):
            self.fs.rm(self.full(rel), recursive=True)

    def local_path(self, rel: str) -> Path | None:
        """The path on this machine's disk, when there is one (workspace root)."""
        return None

    def invalidate(self) -> None:
        invalidate = getattr(self.fs, "invalidate_cache", None)
        if invalidate is not None:
            invalidate()
