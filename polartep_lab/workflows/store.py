"""Run records of the local executor: one folder per run under the feature's data dir.

``runs/<name>/workflow.json`` is the Workflow object (written atomically), ``logs/<node>.log`` and
``.err`` the node's stdout and stderr, ``artifacts/<node>/<name>`` the output artifacts.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

from ..core.errors import Invalid, NotFound
from ..core.paths import atomic_write

_NAME = re.compile(r"^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")
ACTIVE = ("Pending", "Running")


def check_name(name: str) -> str:
    if not _NAME.match(name or ""):
        raise Invalid(f"invalid run name {name!r}: lower-case letters, digits, '-' and '.'", "bad_name")
    return name


class RunStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)

    def folder(self, name: str) -> Path:
        return self.root / check_name(name)

    def exists(self, name: str) -> bool:
        return (self.folder(name) / "workflow.json").is_file()

    def save(self, workflow: dict[str, Any]) -> None:
        folder = self.folder(workflow["metadata"]["name"])
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write(folder / "workflow.json", json.dumps(workflow, indent=1).encode())

    def load(self, name: str) -> dict[str, Any]:
        path = self.folder(name) / "workflow.json"
        if not path.is_file():
            raise NotFound(f"no workflow run {name!r}", "no_run")
        return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]

    def names(self) -> list[str]:
        return sorted(p.parent.name for p in self.root.glob("*/workflow.json"))

    def all(self) -> list[dict[str, Any]]:
        out = []
        for name in self.names():
            try:
                out.append(self.load(name))
            except (OSError, ValueError):
                continue
        return out

    def delete(self, name: str) -> None:
        folder = self.folder(name)
        if not folder.is_dir():
            raise NotFound(f"no workflow run {name!r}", "no_run")
        shutil.rmtree(folder)

    def mark_interrupted(self, reason: str) -> list[str]:
        """Runs left Running by a server that stopped (even kill -9) end as Failed with a reason."""
        marked = []
        for workflow in self.all():
            status = workflow.get("status") or {}
            if status.get("phase") not in ACTIVE:
                continue
            for node in (status.get("nodes") or {}).values():
                if node.get("phase") in ACTIVE:
                    node["phase"] = "Failed"
                    node["message"] = reason
            status.update(phase="Failed", message=reason)
            self.save(workflow)
            marked.append(workflow["metadata"]["name"])
        return marked
