"""API models of environments (pydantic v2); the OpenAPI document describes the same shapes."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class BuildStatus(StrEnum):
    QUEUED = "QUEUED"
    BUILDING = "BUILDING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    CANCELED = "CANCELED"

    @property
    def finished(self) -> bool:
        return self in (BuildStatus.COMPLETED, BuildStatus.FAILED, BuildStatus.CANCELED)


class DescribeBuild(BaseModel):
    id: int
    namespace: str
    name: str
    status: BuildStatus
    specification: str
    message: str = ""
    created: str
    started: str | None = None
    finished: str | None = None
    has_lockfile: bool = False


class DescribeEnvironment(BaseModel):
    namespace: str
    name: str
    #: the active build's specification (else the newest build's)
    specification: str
    active_build_id: int | None = None
    #: status of the newest build (what the panel's badge shows)
    status: BuildStatus
    kernel_name: str | None = None
    builds: list[DescribeBuild] = Field(default_factory=list)
    created: str
    updated: str


class CreateEnvironment(BaseModel):
    model_config = ConfigDict(extra="forbid")
    namespace: str = "default"
    name: str
    specification: str


class UpdateEnvironment(BaseModel):
    """Either a new `specification` (with `confirm: true`) or `active_build` to roll back."""

    model_config = ConfigDict(extra="forbid")
    specification: str | None = None
    confirm: bool = False
    active_build: int | None = None


class DiffRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    specification: str


class SpecDiff(BaseModel):
    added: list[dict[str, str]]
    removed: list[dict[str, str]]
    changed: list[dict[str, str]]
    channels: dict[str, Any] | None = None
    variables: dict[str, Any] | None = None
    unchanged: bool
    against_build_id: int | None = None


class ListEnvironmentsResponse(BaseModel):
    environments: list[DescribeEnvironment]


class BuildLog(BaseModel):
    build_id: int
    status: BuildStatus
    #: the log from `offset` on; ask again with `offset=next_offset` to follow a running build
    log: str
    offset: int
    next_offset: int
