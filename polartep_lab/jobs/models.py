"""API models of headless jobs (pydantic v2)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class Status(StrEnum):
    queued = "queued"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"
    cancelled = "cancelled"
    timed_out = "timed_out"


FINISHED = {Status.succeeded, Status.failed, Status.cancelled, Status.timed_out}
OutputFormat = Literal["ipynb", "html"]


class CreateJob(BaseModel):
    """``POST /polartep/api/jobs``. ``kernel`` is a kernel name or an environment.

    ``kind: "workflow"`` runs a workflow manifest (``workflow``: its workspace path) through the
    workflows feature instead of a notebook; ``parameters`` are then the workflow's arguments."""

    model_config = ConfigDict(extra="forbid")

    notebook: str | None = Field(default=None, description="workspace path of the notebook")
    workflow: str | None = Field(default=None, description="kind workflow: workspace path of the manifest")
    parameters: dict[str, Any] = Field(default_factory=dict)
    kernel: str | None = None
    timeout: float | None = Field(default=None, description="seconds; the server default when absent")
    tags: list[str] = Field(default_factory=list)
    outputs: list[OutputFormat] = Field(default_factory=lambda: ["ipynb", "html"])
    name: str | None = None
    kind: Literal["notebook", "workflow"] = "notebook"

    @model_validator(mode="after")
    def _source(self) -> CreateJob:
        if self.kind == "notebook":
            if not self.notebook:
                raise ValueError("notebook: field required (the workspace path of the notebook)")
            if self.workflow is not None:
                raise ValueError("workflow: only for kind 'workflow'")
        else:
            if not self.workflow:
                raise ValueError("workflow: field required for kind 'workflow' (the manifest's path)")
            if self.notebook is not None:
                raise ValueError("notebook: not used by kind 'workflow' (give 'workflow')")
        return self

    @property
    def source(self) -> str:
        """The notebook's (or the workflow manifest's) workspace path."""
        return (self.notebook if self.kind == "notebook" else self.workflow) or ""

    @field_validator("timeout")
    @classmethod
    def _positive(cls, value: float | None) -> float | None:
        if value is not None and value <= 0:
            raise ValueError("must be a positive number of seconds")
        return value

    @field_validator("tags")
    @classmethod
    def _tags(cls, value: list[str]) -> list[str]:
        return [t.strip() for t in value if t.strip()]


class Progress(BaseModel):
    cells_done: int
    cells_total: int


class JobError(BaseModel):
    ename: str
    evalue: str
    cell_index: int | None = None


class DescribeJob(BaseModel):
    id: str
    kind: str
    name: str
    notebook: str
    kernel: str
    parameters: dict[str, Any]
    timeout: float
    tags: list[str]
    outputs: list[str]
    status: Status
    message: str
    error: JobError | None
    created: float
    started: float | None
    finished: float | None
    progress: Progress
    rerun_of: str | None = None
    process_id: str | None = None
    author: str = Field(default="", description="who submitted it: the JupyterHub user, else the OS user")
    available_outputs: list[str] = Field(default_factory=list)
    workflow: str | None = Field(default=None, description="kind workflow: the manifest's workspace path")
    workflow_run: str | None = Field(
        default=None, description="kind workflow: the run's name in the workflows panel"
    )

    @classmethod
    def from_record(cls, rec: dict[str, Any], available: list[str]) -> DescribeJob:
        return cls(
            **{
                k: rec[k]
                for k in ("id", "kind", "name", "notebook", "kernel", "parameters", "timeout", "tags")
            },
            outputs=rec["outputs"],
            status=Status(rec["status"]),
            message=rec["message"],
            error=JobError(**rec["error"]) if rec.get("error") else None,
            created=rec["created"],
            started=rec["started"],
            finished=rec["finished"],
            progress=Progress(cells_done=rec["cells_done"], cells_total=rec["cells_total"]),
            rerun_of=rec.get("rerun_of"),
            process_id=rec.get("process_id"),
            author=rec.get("author") or "",
            available_outputs=available,
            workflow=rec["notebook"] if rec["kind"] == "workflow" else None,
            workflow_run=rec.get("workflow_run"),
        )


class ListJobsQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: list[Status] = Field(default_factory=list)
    tag: str | None = None
    kind: str | None = None
    author: str | None = None
    limit: int = Field(default=50, ge=1, le=500)
    offset: int = Field(default=0, ge=0)


class ListJobsResponse(BaseModel):
    jobs: list[DescribeJob]
    total: int
    limit: int
    offset: int


class PublishProcess(BaseModel):
    """Publish a notebook as an OGC API process (its inputs come from its parameters cell)."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
    notebook: str = Field(min_length=1)
    title: str | None = None
    description: str = ""
    sync_execute: bool = Field(
        default=False,
        description="also offer synchronous execution (OGC jobControlOptions sync-execute): a request "
        "without 'Prefer: respond-async' then waits for the results",
    )
