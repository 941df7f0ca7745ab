from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from polartep_lab.workflows.local import LocalBackend
from polartep_lab.workflows.pods import PodSettings
from polartep_lab.workflows.service import WorkflowService

EXAMPLES = Path(__file__).resolve().parents[2] / "contracts" / "argo" / "examples"


def make_service(tmp_path: Path, host_images: tuple[str, ...] = ("busybox",)) -> WorkflowService:
    root = tmp_path / "root"
    root.mkdir(exist_ok=True)
    settings = PodSettings(root_dir=root, host_images=host_images, container_runtime=None)
    return WorkflowService({"local": LocalBackend(tmp_path / "data", settings, parallelism=4)}, "local", root)


@pytest.fixture
def service(tmp_path: Path) -> Iterator[WorkflowService]:
    svc = make_service(tmp_path)
    yield svc
    svc.backends["local"].close()  # type: ignore[attr-defined]


def example(name: str) -> dict[str, Any]:
    return yaml.safe_load((EXAMPLES / name).read_text())  # type: ignore[no-any-return]


def run(
    service: WorkflowService, manifest: dict[str, Any], parameters: dict[str, Any] | None = None
) -> dict[str, Any]:
    workflow = service.submit(manifest, parameters)
    return service.wait(workflow["metadata"]["name"], timeout=120)


def nodes_by_display(workflow: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {n["displayName"]: n for n in workflow["status"]["nodes"].values()}


def wf(templates: list[dict[str, Any]], entrypoint: str, **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Workflow",
        "metadata": {"generateName": "t-"},
        "spec": {"entrypoint": entrypoint, "templates": templates, **spec},
    }


def script(name: str, source: str, command: str = "python", **extra: Any) -> dict[str, Any]:
    return {"name": name, "script": {"image": "python:3.11", "command": [command], "source": source}, **extra}
