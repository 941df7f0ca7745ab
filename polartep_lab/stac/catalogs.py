"""The catalogs a user can browse: the workspace catalog, the operator's, and the user's own."""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, field_validator

from ..core.errors import Conflict, Forbidden, Invalid, NotFound
from ..core.paths import atomic_write

WORKSPACE = "workspace"
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")


class CreateCatalog(BaseModel):
    """A catalog the user adds from the panel or a notebook."""

    name: str = Field(description="short id: lower-case letters, digits, - and _")
    url: str = Field(description="a STAC API root, a catalog.json URL or a workspace path")
    title: str = ""
    type: str = Field("api", description="'api' (STAC API) or 'static' (catalog.json)")

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not _NAME.match(value):
            raise ValueError("use 1-63 lower-case letters, digits, '-' or '_'")
        return value

    @field_validator("type")
    @classmethod
    def _type(cls, value: str) -> str:
        if value not in ("api", "static"):
            raise ValueError("must be 'api' or 'static'")
        return value

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("must not be empty")
        return value


class DescribeCatalog(BaseModel):
    name: str
    title: str
    url: str
    type: str
    source: str = Field(description="'workspace', 'operator' or 'user'")
    secret: str | None = Field(None, description="name of the secret that authenticates it")
    removable: bool = False


class CatalogRegistry:
    """Operator catalogs come from `c.PolarTEP.stac_catalogs`; user ones live in catalogs.json."""

    def __init__(self, data_dir: Path, operator: list[dict[str, Any]], workspace_url: str) -> None:
        self.file = Path(data_dir) / "catalogs.json"
        self.workspace_url = workspace_url
        self._lock = threading.Lock()
        self.operator: list[DescribeCatalog] = []
        for entry in operator:
            spec = CreateCatalog.model_validate({k: v for k, v in entry.items() if k != "secret"})
            self.operator.append(
                DescribeCatalog(
                    **spec.model_dump(),
                    source="operator",
                    secret=entry.get("secret") or None,
                )
            )

    def _user(self) -> list[DescribeCatalog]:
        if not self.file.exists():
            return []
        data = json.loads(self.file.read_text(encoding="utf-8"))
        return [DescribeCatalog(**c, source="user", removable=True) for c in data.get("catalogs", [])]

    def list(self) -> list[DescribeCatalog]:
        workspace = DescribeCatalog(
            name=WORKSPACE,
            title="Workspace catalog",
            url=self.workspace_url,
            type="workspace",
            source="workspace",
        )
        return [workspace, *self.operator, *self._user()]

    def get(self, name: str) -> DescribeCatalog:
        for catalog in self.list():
            if catalog.name == name:
                return catalog
        raise NotFound(f"no catalog {name!r}", "no_catalog")

    def add(self, spec: CreateCatalog) -> DescribeCatalog:
        if spec.type == "api" and not spec.url.startswith(("http://", "https://")):
            raise Invalid("url: a STAC API is an http(s) URL", "bad_url")
        with self._lock:
            if any(c.name == spec.name for c in self.list()):
                raise Conflict(f"a catalog named {spec.name!r} exists already", "duplicate_catalog")
            user = [c.model_dump(include={"name", "title", "url", "type"}) for c in self._user()]
            user.append(spec.model_dump())
            atomic_write(self.file, json.dumps({"catalogs": user}, indent=1).encode())
        return self.get(spec.name)

    def remove(self, name: str) -> None:
        with self._lock:
            catalog = self.get(name)
            if catalog.source != "user":
                raise Forbidden(f"catalog {name!r} is configured by the {catalog.source}", "not_removable")
            user = [
                c.model_dump(include={"name", "title", "url", "type"}) for c in self._user() if c.name != name
            ]
            atomic_write(self.file, json.dumps({"catalogs": user}, indent=1).encode())
