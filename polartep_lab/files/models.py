"""API models of the files feature (pydantic v2)."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

ROOT_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
#: names of fixed routes below /api/files/ — no root may take them
RESERVED_ROOT_NAMES = frozenset({"roots", "uploads", "tasks", "trash", "stac-items"})


class OnConflict(StrEnum):
    """What to do when the target name is taken: ask the user (409), or their answer."""

    ask = "ask"
    keep_both = "keep_both"
    replace = "replace"
    skip = "skip"


class Entry(BaseModel):
    name: str
    path: str
    type: Literal["file", "directory"]
    size: int | None = None
    modified: str | None = None
    kind: str = "file"


class Listing(BaseModel):
    root: str
    path: str
    type: Literal["directory"] = "directory"
    entries: list[Entry]


class RootInfo(BaseModel):
    name: str
    title: str
    kind: str
    available: bool = True
    error: str | None = None
    removable: bool = False
    bucket: str | None = None
    prefix: str | None = None
    endpoint_url: str | None = None


class ListRootsResponse(BaseModel):
    roots: list[RootInfo]


class CreateS3Root(BaseModel):
    """A user-added S3-compatible bucket; credentials only by secret name, never inline."""

    name: str
    bucket: str
    title: str = ""
    prefix: str = ""
    endpoint_url: str | None = None
    region: str | None = None
    credentials_secret: str | None = Field(
        None, description="secret whose value is 'ACCESS_KEY_ID:SECRET_ACCESS_KEY' or JSON with both"
    )
    anonymous: bool = False

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not ROOT_NAME.match(value) or value in RESERVED_ROOT_NAMES or value == "workspace":
            raise ValueError("a root name is lower-case letters, digits, '-' or '_', and not reserved")
        return value

    @field_validator("bucket")
    @classmethod
    def _bucket(cls, value: str) -> str:
        if not re.match(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", value):
            raise ValueError("not a valid bucket name")
        return value

    @field_validator("prefix")
    @classmethod
    def _prefix(cls, value: str) -> str:
        value = value.strip("/")
        if ".." in value.split("/") or "\\" in value or "\x00" in value:
            raise ValueError("prefix may not leave the bucket")
        return value


class CreateUpload(BaseModel):
    root: str
    path: str
    size: int = Field(ge=0)
    on_conflict: OnConflict = OnConflict.ask


class UploadState(StrEnum):
    receiving = "receiving"
    complete = "complete"
    skipped = "skipped"
    cancelled = "cancelled"


class DescribeUpload(BaseModel):
    id: str
    root: str
    path: str
    size: int
    offset: int
    state: UploadState
    on_conflict: OnConflict
    created: str
    final_path: str | None = None


class ListUploadsResponse(BaseModel):
    uploads: list[DescribeUpload]


class MakeFolder(BaseModel):
    type: Literal["directory"] = "directory"


class MoveOrCopy(BaseModel):
    """Target of a move (PATCH) or copy (POST); `to_root` defaults to the source root."""

    to_path: str
    to_root: str | None = None
    on_conflict: OnConflict = OnConflict.ask


class TaskKind(StrEnum):
    convert_to_cog = "convert_to_cog"


class TaskStatus(StrEnum):
    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"


class CreateTask(BaseModel):
    kind: TaskKind = TaskKind.convert_to_cog
    root: str
    path: str
    to_path: str | None = None
    profile: Literal["deflate", "lzw", "zstd", "webp", "jpeg"] = "deflate"


class DescribeTask(BaseModel):
    id: str
    kind: TaskKind
    root: str
    path: str
    status: TaskStatus
    progress: float = 0.0
    message: str = ""
    created: str
    finished: str | None = None
    result: dict[str, Any] | None = None


class ListTasksResponse(BaseModel):
    tasks: list[DescribeTask]


class TrashEntry(BaseModel):
    id: str
    root: str
    path: str
    type: Literal["file", "directory"]
    size: int | None = None
    deleted: str


class ListTrashResponse(BaseModel):
    entries: list[TrashEntry]
    retention_days: int


class RegisterItem(BaseModel):
    root: str
    path: str
    collection_id: str
    create_collection: bool = False
    collection_title: str | None = None
    item_id: str | None = None
