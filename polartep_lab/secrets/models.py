"""API models of the secrets feature. Values are `SecretStr`: they never show in a repr or a log."""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, SecretStr

#: env-var-safe: what a kernel or a job sees as an environment variable name
NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")
#: a host a secret is sent to: `stac.example.org`, `127.0.0.1` or `*.example.org`
HOST_RE = re.compile(r"^(\*\.)?[a-z0-9]([a-z0-9-]{0,62})(\.[a-z0-9]([a-z0-9-]{0,62}))*$|^\[[0-9a-f:]+\]$")
HEADER_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,63}$")

MAX_VALUE_BYTES = 64 * 1024
MAX_DESCRIPTION = 1000
MAX_HOSTS = 20
MAX_SECRETS = 500

#: names a secret may not take: injecting them would break kernels or leak the store key
RESERVED_NAMES = frozenset(
    {"PATH", "HOME", "USER", "LOGNAME", "SHELL", "PWD", "LANG", "TERM", "TMPDIR", "HOSTNAME", "IFS"}
)
RESERVED_PREFIXES = ("LD_", "DYLD_", "PYTHON", "JPY_", "JUPYTER", "POLARTEP_", "LC_")


class Auth(StrEnum):
    """How a host-bound secret is sent: `Authorization: Bearer`, basic auth (`user:password`) or a header."""

    bearer = "bearer"
    basic = "basic"
    header = "header"


class Source(StrEnum):
    workspace = "workspace"  # the user's encrypted store: editable
    platform = "platform"  # mounted by the platform (Kubernetes Secret volume): read-only


class Status(StrEnum):
    ok = "ok"
    locked = "locked"  # the store cannot be read (wrong key, damaged file): nothing is written


class CreateSecret(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    value: SecretStr
    description: str = ""
    inject: bool = False
    hosts: list[str] = Field(default_factory=list)
    auth: Auth = Auth.bearer
    header: str | None = None


class UpdateSecret(BaseModel):
    """Partial update: fields left out keep their stored value (the value too)."""

    model_config = ConfigDict(extra="forbid")

    value: SecretStr | None = None
    description: str | None = None
    inject: bool | None = None
    hosts: list[str] | None = None
    auth: Auth | None = None
    header: str | None = None


class DescribeSecret(BaseModel):
    """Metadata of one secret: never its value."""

    name: str
    description: str = ""
    inject: bool = False
    hosts: list[str] = Field(default_factory=list)
    auth: Auth = Auth.bearer
    header: str | None = None
    source: Source = Source.workspace
    read_only: bool = False
    created: datetime | None = None
    updated: datetime | None = None
    last_used: datetime | None = None


class MaskingEvent(BaseModel):
    """A notebook was saved with secret values in its outputs; they were written as `***`."""

    id: int
    path: str
    names: list[str]
    count: int
    time: datetime


class ListSecretsQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: Source | None = None


class ListSecretsResponse(BaseModel):
    secrets: list[DescribeSecret]
    status: Status = Status.ok
    problem: str | None = None
    store: str = ""
    platform_dir: str | None = None
    masked: list[MaskingEvent] = Field(default_factory=list)


class RevealedSecret(BaseModel):
    name: str
    value: str
