"""REST face of the files feature: thin handlers over :class:`FileService` (blocking work in threads)."""

from __future__ import annotations

import asyncio
import urllib.parse
from collections.abc import Iterator

from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from tornado import web

from ..core.errors import Invalid
from ..core.handlers import PolarTEPHandler
from .models import (
    CreateS3Root,
    CreateTask,
    CreateUpload,
    ListRootsResponse,
    ListTasksResponse,
    ListTrashResponse,
    ListUploadsResponse,
    MakeFolder,
    MoveOrCopy,
    OnConflict,
    RegisterItem,
)
from .service import FileService


class _FilesHandler(PolarTEPHandler):
    feature = "files"

    @property
    def files(self) -> FileService:
        return self.service  # type: ignore[no-any-return]

    def flag(self, name: str) -> bool:
        return self.get_query_argument(name, "0").lower() in ("1", "true", "yes")

    def finish_binary(self, chunk: bytes | None = None) -> None:
        """Finish keeping our Content-Type (APIHandler.finish would force application/json)."""
        super(APIHandler, self).finish(chunk)

    async def stream(self, chunks: Iterator[bytes]) -> None:
        while True:
            block = await asyncio.to_thread(next, chunks, None)
            if block is None:
                break
            if block:
                self.write(block)
                await self.flush()
        self.finish_binary()


class RootsHandler(_FilesHandler):
    @web.authenticated
    @authorized
    def get(self) -> None:
        self.reply(ListRootsResponse(roots=self.files.roots()))

    @web.authenticated
    @authorized
    async def post(self) -> None:
        spec = self.parse(CreateS3Root)
        self.reply(await asyncio.to_thread(self.files.add_root, spec), 201)


class RootHandler(_FilesHandler):
    @web.authenticated
    @authorized
    def delete(self, name: str) -> None:
        self.files.remove_root(name)
        self.set_status(204)
        self.finish()


class UploadsHandler(_FilesHandler):
    @web.authenticated
    @authorized
    def get(self) -> None:
        self.reply(ListUploadsResponse(uploads=self.files.uploads.list()))

    @web.authenticated
    @authorized
    async def post(self) -> None:
        req = self.parse(CreateUpload)
        upload = await asyncio.to_thread(self.files.start_upload, req)
        self.reply(upload, 201 if upload.state.value == "receiving" else 200)


class UploadHandler(_FilesHandler):
    @web.authenticated
    @authorized
    def get(self, upload_id: str) -> None:
        self.reply(self.files.uploads.get(upload_id))

    @web.authenticated
    @authorized
    async def put(self, upload_id: str) -> None:
        try:
            offset = int(self.get_query_argument("offset"))
        except (ValueError, web.MissingArgumentError) as exc:
            raise Invalid("a chunk needs ?offset=<first byte> as an integer", "bad_offset") from exc
        upload = await asyncio.to_thread(self.files.receive_chunk, upload_id, offset, self.request.body)
        self.reply(upload)

    @web.authenticated
    @authorized
    def delete(self, upload_id: str) -> None:
        self.reply(self.files.cancel_upload(upload_id))


class TasksHandler(_FilesHandler):
    @web.authenticated
    @authorized
    def get(self) -> None:
        self.reply(ListTasksResponse(tasks=self.files.tasks.list()))

    @web.authenticated
    @authorized
    async def post(self) -> None:
        req = self.parse(CreateTask)
        self.reply(await asyncio.to_thread(self.files.start_task, req), 202)


class TaskHandler(_FilesHandler):
    @web.authenticated
    @authorized
    def get(self, task_id: str) -> None:
        self.reply(self.files.tasks.get(task_id))


class TrashHandler(_FilesHandler):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        entries = await asyncio.to_thread(self.files.list_trash)
        self.reply(ListTrashResponse(entries=entries, retention_days=self.files.trash.retention_days))

    @web.authenticated
    @authorized
    async def delete(self) -> None:
        purged = await asyncio.to_thread(self.files.purge)
        self.reply({"purged": purged})


class TrashEntryHandler(_FilesHandler):
    @web.authenticated
    @authorized
    async def post(self, entry_id: str) -> None:
        policy = OnConflict(self.json_body().get("on_conflict", "ask"))
        self.reply(await asyncio.to_thread(self.files.restore, entry_id, policy))

    @web.authenticated
    @authorized
    async def delete(self, entry_id: str) -> None:
        await asyncio.to_thread(self.files.purge, entry_id)
        self.set_status(204)
        self.finish()


class StacItemsHandler(_FilesHandler):
    @web.authenticated
    @authorized
    async def post(self) -> None:
        req = self.parse(RegisterItem)
        result = await asyncio.to_thread(
            self.files.register_item,
            req.root,
            req.path,
            req.collection_id,
            req.create_collection,
            req.collection_title,
            req.item_id,
        )
        self.reply(result, 201)


class PathHandler(_FilesHandler):
    """`/api/files/{root}/{path}`: listing/stat, metadata, quicklook, download; mkdir, move, copy, delete."""

    @web.authenticated
    @authorized
    async def get(self, root: str, path: str) -> None:
        if self.flag("metadata"):
            self.reply(await asyncio.to_thread(self.files.metadata, root, path))
        elif self.flag("quicklook"):
            png = await asyncio.to_thread(self.files.quicklook, root, path)
            self.set_header("Content-Type", "image/png")
            self.set_header("Cache-Control", "private, max-age=60")
            self.finish_binary(png)
        elif self.flag("download"):
            await self._download(root, path)
        else:
            self.reply(await asyncio.to_thread(self.files.get, root, path, self.flag("hidden")))

    async def _download(self, root: str, path: str) -> None:
        entry = await asyncio.to_thread(self.files.get, root, path)
        if entry.type == "directory":
            name, chunks = await asyncio.to_thread(self.files.zip_chunks, root, path)
            self.set_header("Content-Type", "application/zip")
        else:
            stat, chunks = await asyncio.to_thread(self.files.read_chunks, root, path)
            name = stat.name
            self.set_header("Content-Type", "application/octet-stream")
            self.set_header("Content-Length", str(stat.size or 0))
        quoted = urllib.parse.quote(name)
        self.set_header("Content-Disposition", f"attachment; filename*=UTF-8''{quoted}")
        await self.stream(chunks)

    @web.authenticated
    @authorized
    async def put(self, root: str, path: str) -> None:
        self.parse(MakeFolder)
        self.reply(await asyncio.to_thread(self.files.mkdir, root, path), 201)

    @web.authenticated
    @authorized
    async def patch(self, root: str, path: str) -> None:
        req = self.parse(MoveOrCopy)
        entry = await asyncio.to_thread(
            self.files.move, root, path, req.to_root, req.to_path, req.on_conflict
        )
        self.reply(entry)

    @web.authenticated
    @authorized
    async def post(self, root: str, path: str) -> None:
        req = self.parse(MoveOrCopy)
        entry = await asyncio.to_thread(
            self.files.copy, root, path, req.to_root, req.to_path, req.on_conflict
        )
        self.reply(entry, 201)

    @web.authenticated
    @authorized
    async def delete(self, root: str, path: str) -> None:
        self.reply(await asyncio.to_thread(self.files.delete, root, path))


class RootListingHandler(_FilesHandler):
    """`/api/files/{root}`: the root folder's listing (same as `/api/files/{root}/`)."""

    @web.authenticated
    @authorized
    async def get(self, root: str) -> None:
        self.reply(await asyncio.to_thread(self.files.get, root, "", self.flag("hidden")))
