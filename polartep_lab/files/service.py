"""The files service: storage roots, listing, uploads, moves, trash, inspection, actions.

Plain Python (no tornado): the REST handlers, notebooks and tests use this same object.
"""

from __future__ import annotations

import json
import posixpath
import shutil
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ..core.errors import Conflict, Invalid, NotFound, TooLarge
from ..core.paths import atomic_write
from . import actions, inspection
from .local import LocalRoot
from .models import (
    CreateS3Root,
    CreateTask,
    CreateUpload,
    DescribeTask,
    DescribeUpload,
    Entry,
    Listing,
    OnConflict,
    RootInfo,
    TaskStatus,
    TrashEntry,
    UploadState,
)
from .roots import StorageRoot
from .s3 import S3Root, Unavailable
from .tasks import TaskRunner
from .trash import Trash
from .uploads import UploadStore

READ_CHUNK = 1024 * 1024


class _Sink:
    """A write-only byte sink for streaming a zip archive chunk by chunk."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.written = 0

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        self.written += len(data)
        return len(data)

    def tell(self) -> int:
        return self.written

    def flush(self) -> None:
        return None

    def drain(self) -> bytes:
        out = b"".join(self.parts)
        self.parts.clear()
        return out


class FileService:
    def __init__(
        self,
        data_dir: Path,
        roots: list[StorageRoot],
        *,
        max_upload_bytes: int = 0,
        max_chunk_bytes: int = 64 * 1024 * 1024,
        trash_days: int = 30,
        secret_lookup: Callable[[str], str] | None = None,
        url_check: Callable[[str], None] | None = None,
        services: dict[str, Any] | None = None,
    ) -> None:
        self.data_dir = data_dir
        data_dir.mkdir(parents=True, exist_ok=True)
        self.fixed_roots = {r.name: r for r in roots}
        self.max_upload_bytes = max_upload_bytes
        self.max_chunk_bytes = max_chunk_bytes
        self.secret_lookup = secret_lookup
        self.url_check = url_check
        self.services = services if services is not None else {}
        self.uploads = UploadStore(data_dir / "uploads")
        self.tasks = TaskRunner(data_dir / "tasks")
        self.trash = Trash(data_dir / "trash", trash_days)
        self._user_roots_file = data_dir / "roots.json"
        self.user_roots: dict[str, S3Root] = {}
        for spec in self._load_user_roots():
            self.user_roots[spec.name] = self._s3_root(spec)
        self.trash.purge_expired(self._root_or_none)

    @classmethod
    def for_folder(cls, folder: str | Path = ".", data_dir: str | Path | None = None) -> FileService:
        """The service over one local folder (root `workspace`), for notebooks and scripts."""
        from ..core.paths import default_data_dir

        data = Path(data_dir) if data_dir is not None else default_data_dir() / "files"
        return cls(data, [LocalRoot("workspace", Path(folder), excluded=(data.parent,))])

    def wait(self, task_id: str, timeout: float = 600) -> DescribeTask:
        """Block until a task is done or failed (for notebooks)."""
        import time

        deadline = time.monotonic() + timeout
        while True:
            task = self.tasks.get(task_id)
            if task.status in (TaskStatus.done, TaskStatus.failed) or time.monotonic() > deadline:
                return task
            time.sleep(0.2)

    # ---- roots ---------------------------------------------------------------------------------
    def _load_user_roots(self) -> list[CreateS3Root]:
        if not self._user_roots_file.is_file():
            return []
        return [CreateS3Root.model_validate(r) for r in json.loads(self._user_roots_file.read_text())]

    def _s3_root(self, spec: CreateS3Root) -> S3Root:
        return S3Root(
            spec.name,
            spec.bucket,
            prefix=spec.prefix,
            endpoint_url=spec.endpoint_url,
            region=spec.region,
            title=spec.title,
            credentials_secret=spec.credentials_secret,
            anonymous=spec.anonymous,
            secret_lookup=self.secret_lookup,
            removable=True,
        )

    def roots(self) -> list[RootInfo]:
        every = [*self.fixed_roots.values(), *self.user_roots.values()]
        return [RootInfo.model_validate(r.describe()) for r in every]

    def root(self, name: str) -> StorageRoot:
        found = self.fixed_roots.get(name) or self.user_roots.get(name)
        if found is None:
            raise NotFound(f"no storage root {name!r}", "no_root")
        return found

    def _root_or_none(self, name: str) -> StorageRoot | None:
        return self.fixed_roots.get(name) or self.user_roots.get(name)

    def add_root(self, spec: CreateS3Root) -> RootInfo:
        if spec.name in self.fixed_roots or spec.name in self.user_roots:
            raise Conflict(f"a root named {spec.name!r} exists", "root_exists")
        if spec.endpoint_url and self.url_check is not None:
            self.url_check(spec.endpoint_url)
        self.user_roots[spec.name] = self._s3_root(spec)
        self._save_user_roots()
        return RootInfo.model_validate(self.user_roots[spec.name].describe())

    def remove_root(self, name: str) -> None:
        if name in self.fixed_roots:
            raise Invalid(f"root {name!r} is configured by the operator", "fixed_root")
        if self.user_roots.pop(name, None) is None:
            raise NotFound(f"no storage root {name!r}", "no_root")
        self._save_user_roots()

    def _save_user_roots(self) -> None:
        specs = [
            CreateS3Root(
                name=r.name,
                bucket=r.bucket,
                title=r.title,
                prefix=r.prefix,
                endpoint_url=r.endpoint_url,
                region=r.region,
                credentials_secret=r.credentials_secret,
                anonymous=r.anonymous,
            ).model_dump()
            for r in self.user_roots.values()
        ]
        atomic_write(self._user_roots_file, json.dumps(specs, indent=1).encode(), mode=0o600)

    # ---- reading -------------------------------------------------------------------------------
    def locate(self, root_name: str, path: str, show_hidden: bool = False) -> tuple[StorageRoot, str]:
        root = self.root(root_name)
        from .roots import clean_path

        rel = clean_path(path, show_hidden=show_hidden and root.show_hidden)
        root.full(rel)  # root-specific checks (escaping symlinks) before anything else
        return root, rel

    def get(self, root_name: str, path: str, show_hidden: bool = False) -> Listing | Entry:
        """A folder's listing or a file's stat."""
        root, rel = self.locate(root_name, path)
        entry = root.stat(rel)
        if entry.type == "directory":
            return Listing(root=root.name, path=rel, entries=root.list(rel, show_hidden))
        return entry

    def metadata(self, root_name: str, path: str) -> dict[str, Any]:
        root, rel = self.locate(root_name, path)
        entry = root.stat(rel)
        out = inspection.inspect(root, rel, entry)
        out["kind"] = entry.kind
        out["url"] = root.url(rel)
        if entry.kind in ("raster", "vector", "netcdf", "zarr") or out.get("type") == "vector":
            kind = "vector" if out.get("type") == "vector" else entry.kind
            out["code"] = actions.code_snippet(root, rel, kind)
        return out

    def quicklook(self, root_name: str, path: str) -> bytes:
        root, rel = self.locate(root_name, path)
        entry = root.stat(rel)
        if entry.kind != "raster":
            raise Invalid(f"{entry.name} is not a raster; no quicklook", "not_a_raster")
        try:
            return inspection.quicklook_png(root, rel)
        except Exception as exc:
            raise Invalid(f"cannot draw a quicklook of {entry.name}: {exc}", "unreadable") from exc

    def read_chunks(self, root_name: str, path: str) -> tuple[Entry, Iterator[bytes]]:
        root, rel = self.locate(root_name, path)
        entry = root.stat(rel)
        if entry.type != "file":
            raise Invalid(f"{rel} is a folder; download it as a zip", "is_folder")

        def chunks() -> Iterator[bytes]:
            with root.open_read(rel) as fh:
                while block := fh.read(READ_CHUNK):
                    yield block

        return entry, chunks()

    def zip_chunks(self, root_name: str, path: str) -> tuple[str, Iterator[bytes]]:
        """A folder as a zip archive, produced chunk by chunk (never whole in memory or on disk)."""
        root, rel = self.locate(root_name, path)
        if not root.is_dir(rel):
            raise Invalid(f"{rel} is not a folder", "not_a_folder")
        name = posixpath.basename(rel) or root.name

        def chunks() -> Iterator[bytes]:
            sink = _Sink()
            with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as zf:  # type: ignore[arg-type]
                for child, _ in root.walk_files(rel):
                    arcname = posixpath.join(name, child[len(rel) :].lstrip("/"))
                    with root.open_read(child) as src, zf.open(arcname, "w", force_zip64=True) as dst:
                        while block := src.read(READ_CHUNK):
                            dst.write(block)
                            if sink.written and sink.parts:
                                yield sink.drain()
                    yield sink.drain()
            yield sink.drain()

        return f"{name}.zip", chunks()

    # ---- writing -------------------------------------------------------------------------------
    def _resolve_conflict(self, root: StorageRoot, rel: str, policy: OnConflict) -> str | None:
        """The path to write to, or None to skip; raises Conflict when the user must choose."""
        if not root.exists(rel):
            return rel
        if policy == OnConflict.ask:
            raise Conflict(
                f"{posixpath.basename(rel)} exists in {root.name}:{posixpath.dirname(rel) or '/'}", "exists"
            )
        if policy == OnConflict.skip:
            return None
        if policy == OnConflict.keep_both:
            return self._free_name(root, rel)
        if root.is_dir(rel):
            raise Conflict(f"{rel} is a folder; it is not replaced by a file", "is_folder")
        return rel

    @staticmethod
    def _free_name(root: StorageRoot, rel: str) -> str:
        stem, ext = posixpath.splitext(rel)
        if stem.endswith(".tar"):
            stem, ext = stem[:-4], ".tar" + ext
        for n in range(1, 10_000):
            candidate = f"{stem} ({n}){ext}"
            if not root.exists(candidate):
                return candidate
        raise Conflict(f"no free name next to {rel}", "name_exhausted")

    def mkdir(self, root_name: str, path: str) -> Entry:
        root, rel = self.locate(root_name, path)
        if rel == "":
            raise Invalid("the root exists", "exists")
        if root.exists(rel):
            raise Conflict(f"{rel} exists", "exists")
        root.mkdir(rel)
        root.invalidate()
        return root.stat(rel)

    def start_upload(self, req: CreateUpload) -> DescribeUpload:
        root, rel = self.locate(req.root, req.path)
        if rel == "":
            raise Invalid("an upload needs a file name", "bad_path")
        if self.max_upload_bytes and req.size > self.max_upload_bytes:
            raise TooLarge(
                f"{posixpath.basename(rel)} is {req.size} bytes; "
                f"the upload limit is {self.max_upload_bytes} bytes",
                "quota",
            )
        resumed = self.uploads.find_unfinished(root.name, rel, req.size)
        if resumed is not None:
            resumed.on_conflict = req.on_conflict
            self._check_target(root, rel, req.on_conflict)
            self.uploads.save(resumed)
            return resumed
        target = self._check_target(root, rel, req.on_conflict)
        upload = DescribeUpload(
            id="",
            root=root.name,
            path=rel,
            size=req.size,
            offset=0,
            state=UploadState.receiving,
            on_conflict=req.on_conflict,
            created="",
        )
        if target is None:
            upload.state = UploadState.skipped
            return upload
        upload = self.uploads.create(upload)
        if req.size == 0:
            return self._complete(upload)
        return upload

    def _check_target(self, root: StorageRoot, rel: str, policy: OnConflict) -> str | None:
        parent = posixpath.dirname(rel)
        if parent and root.exists(parent) and not root.is_dir(parent):
            raise Conflict(f"{parent} is a file, not a folder", "parent_is_file")
        return self._resolve_conflict(root, rel, policy)

    def receive_chunk(self, upload_id: str, offset: int, data: bytes) -> DescribeUpload:
        if len(data) > self.max_chunk_bytes:
            raise TooLarge(f"a chunk is at most {self.max_chunk_bytes} bytes", "chunk_too_large")
        upload = self.uploads.append(upload_id, offset, data)
        if upload.offset == upload.size:
            return self._complete(upload)
        return upload

    def _complete(self, upload: DescribeUpload) -> DescribeUpload:
        root = self.root(upload.root)
        # the user's choice is applied now; a file that appeared meanwhile is never overwritten unasked
        policy = upload.on_conflict if upload.on_conflict != OnConflict.ask else OnConflict.keep_both
        target = self._resolve_conflict(root, upload.path, policy)
        if target is None:
            self.uploads.finish(upload, UploadState.skipped)
            return upload
        partial = self.uploads.partial(upload.id)
        local = root.local_path(target) if isinstance(root, LocalRoot) else None
        if local is not None:
            local.parent.mkdir(parents=True, exist_ok=True)
            partial.chmod(0o644)
            shutil.move(str(partial), str(local))
        else:
            root.put_file(partial, target)
            root.invalidate()
        self.uploads.finish(upload, UploadState.complete, target)
        return upload

    def cancel_upload(self, upload_id: str) -> DescribeUpload:
        return self.uploads.discard(upload_id)

    def move(self, root_name: str, path: str, to_root: str | None, to_path: str, policy: OnConflict) -> Entry:
        return self._transfer(root_name, path, to_root, to_path, policy, keep_source=False)

    def copy(self, root_name: str, path: str, to_root: str | None, to_path: str, policy: OnConflict) -> Entry:
        return self._transfer(root_name, path, to_root, to_path, policy, keep_source=True)

    def _transfer(
        self,
        root_name: str,
        path: str,
        to_root: str | None,
        to_path: str,
        policy: OnConflict,
        keep_source: bool,
    ) -> Entry:
        src_root, src = self.locate(root_name, path)
        dst_root, dst = self.locate(to_root or root_name, to_path)
        if src == "" or dst == "":
            raise Invalid("a root itself cannot be moved or copied onto", "bad_path")
        entry = src_root.stat(src)
        if src_root is dst_root and (dst == src or dst.startswith(src + "/")):
            raise Invalid(f"cannot put {src} inside itself", "into_itself")
        target = self._check_target(dst_root, dst, policy)
        if target is None:
            return entry
        if target == dst and dst_root.exists(dst):
            self.delete(dst_root.name, dst)  # replace: the old one goes to the trash, recoverable
        if src_root is dst_root:
            (src_root.copy if keep_source else src_root.move)(src, target)
        else:
            self._copy_between(src_root, src, dst_root, target, entry)
            if not keep_source:
                src_root.delete(src)
        src_root.invalidate()
        dst_root.invalidate()
        return dst_root.stat(target)

    def _copy_between(
        self, src_root: StorageRoot, src: str, dst_root: StorageRoot, dst: str, entry: Entry
    ) -> None:
        files = [(src, 0)] if entry.type == "file" else list(src_root.walk_files(src))
        if entry.type == "directory":
            dst_root.mkdir(dst)
        staging = self.data_dir / "staging"
        staging.mkdir(exist_ok=True)
        for child, _ in files:
            tmp = staging / f"{id(self)}-{posixpath.basename(child)}"
            try:
                src_root.get_file(child, tmp)
                sub = child[len(src) :].lstrip("/")
                dst_root.put_file(tmp, posixpath.join(dst, sub) if sub else dst)
            finally:
                tmp.unlink(missing_ok=True)

    # ---- trash ---------------------------------------------------------------------------------
    def delete(self, root_name: str, path: str) -> TrashEntry:
        root, rel = self.locate(root_name, path)
        if rel == "":
            raise Invalid("a root cannot be deleted", "bad_path")
        entry = root.stat(rel)
        trashed = self.trash.put(root, rel, entry.type, entry.size)
        root.invalidate()
        return trashed

    def list_trash(self) -> list[TrashEntry]:
        self.trash.purge_expired(self._root_or_none)
        return self.trash.list()

    def restore(self, entry_id: str, policy: OnConflict = OnConflict.ask) -> Entry:
        entry = self.trash.get(entry_id)
        root = self.root(entry.root)
        target = self._resolve_conflict(root, entry.path, policy)
        if target is None:
            raise Conflict(f"{entry.path} exists; restore skipped", "exists")
        self.trash.restore(root, entry, target)
        root.invalidate()
        return root.stat(target)

    def purge(self, entry_id: str | None = None) -> int:
        entries = [self.trash.get(entry_id)] if entry_id else self.trash.list()
        for entry in entries:
            self.trash.purge(entry, self._root_or_none(entry.root))
        return len(entries)

    # ---- actions -------------------------------------------------------------------------------
    def start_task(self, req: CreateTask) -> DescribeTask:
        root, rel = self.locate(req.root, req.path)
        entry = root.stat(rel)
        if entry.kind != "raster":
            raise Invalid(f"{entry.name} is not a raster", "not_a_raster")
        stem = posixpath.splitext(rel)[0]
        dest = self.locate(root.name, req.to_path)[1] if req.to_path else f"{stem}-cog.tif"
        dest = self._resolve_conflict(root, dest, OnConflict.keep_both) or dest
        task = DescribeTask(
            id="", kind=req.kind, root=root.name, path=rel, status=TaskStatus.queued, created="",
        )  # fmt: skip

        def work(report: Callable[[float], None]) -> dict[str, Any]:
            return actions.convert_to_cog(root, rel, dest, req.profile, entry.size, report)

        return self.tasks.submit(task, work)

    def register_item(
        self,
        root_name: str,
        path: str,
        collection_id: str,
        create: bool,
        title: str | None,
        item_id: str | None,
    ) -> dict[str, Any]:
        stac = self.services.get("stac")
        if stac is None:
            raise Unavailable(
                "the STAC feature is not enabled in this workspace; enable it to register items",
                "stac_unavailable",
            )
        root, rel = self.locate(root_name, path)
        entry = root.stat(rel)
        if entry.kind != "raster":
            raise Invalid(f"{entry.name} is not a raster", "not_a_raster")
        item = actions.build_item(root, rel, collection_id, item_id)
        created = actions.register_item(stac, item, collection_id, create, title)
        return {"collection_id": collection_id, "item": created}

    def close(self) -> None:
        self.tasks.close()
