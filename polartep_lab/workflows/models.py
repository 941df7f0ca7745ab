"""REST models of the workflows feature (pydantic v2)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator


class Phase(StrEnum):
    pending = "Pending"
    running = "Running"
    succeeded = "Succeeded"
    failed = "Failed"
    error = "Error"


class CreateRun(BaseModel):
    """``POST /runs``: a manifest or a workspace path, parameters, which backend."""

    manifest: dict[str, Any] | None = None
    path: str | None = None
    parameters: dict[str, Any] = Field(default_factory=dict)
    backend: Literal["local", "argo"] | None = None

    @model_validator(mode="after")
    def _one_source(self) -> CreateRun:
        if (self.manifest is None) == (self.path is None):
            raise ValueError("give exactly one of 'manifest' or 'path'")
        return self


class LintRequest(BaseModel):
    manifest: dict[str, Any] | None = None
    yaml: str | None = None

    @model_validator(mode="after")
    def _one_source(self) -> LintRequest:
        if (self.manifest is None) == (self.yaml is None):
            raise ValueError("give exactly one of 'manifest' or 'yaml'")
        return self


class SaveFile(LintRequest):
    pass


class SubmitTemplate(BaseModel):
    parameters: dict[str, Any] = Field(default_factory=dict)
    backend: Literal["local", "argo"] | None = None


class DescribeRun(BaseModel):
    name: str
    backend: str
    phase: str
    message: str = ""
    progress: str = ""
    createdAt: str | None = None
    startedAt: str | None = None
    finishedAt: str | None = None
    entrypoint: str | None = None
    source: str = ""
    author: str = ""


class ListRunsQuery(BaseModel):
    backend: Literal["local", "argo"] | None = None


class ListRunsResponse(BaseModel):
    runs: list[DescribeRun]
