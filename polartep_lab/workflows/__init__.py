"""Workflows: Argo Workflow manifests run by the local executor or an Argo Workflows server.

From a notebook::

    from polartep_lab import workflows
    run = workflows.submit("flows/sea-ice.workflow.yaml", parameters={"month": "2024-03"}, wait=True)
    run["status"]["phase"]

Runs started here use the workspace's data dir (``$POLARTEP_DATA_DIR``), so the Workflows panel
shows them too. ``backend="argo"`` needs ``POLARTEP_ARGO_URL`` (and ``ARGO_TOKEN``) in the
environment of the kernel.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .build import notebook_pipeline
from .notebook import notebook_template

__all__ = [
    "get",
    "get_service",
    "lint",
    "list_runs",
    "logs",
    "notebook_pipeline",
    "notebook_template",
    "submit",
]

_services: dict[str, Any] = {}


def get_service(root_dir: str | Path | None = None) -> Any:
    """The workflows service of this process (workspace = ``root_dir`` or the current folder)."""
    from ..core.http import OutboundClient
    from ..core.paths import default_data_dir
    from .argo import ArgoBackend
    from .local import LocalBackend
    from .pods import PodSettings
    from .service import WorkflowService

    root = Path(root_dir or os.getcwd()).resolve()
    key = str(root)
    if key not in _services:
        images = tuple(i for i in os.environ.get("POLARTEP_WORKFLOWS_HOST_IMAGES", "").split(",") if i)
        settings = PodSettings(root_dir=root, host_images=images)
        backends: dict[str, Any] = {"local": LocalBackend(default_data_dir() / "workflows", settings)}
        url = os.environ.get("POLARTEP_ARGO_URL")
        if url:
            namespace = os.environ.get("POLARTEP_ARGO_NAMESPACE", "argo")
            backends["argo"] = ArgoBackend(
                OutboundClient(), url, namespace, lambda: os.environ.get("ARGO_TOKEN")
            )
        _services[key] = WorkflowService(backends, "local", root)
    return _services[key]


def submit(
    manifest_or_path: dict[str, Any] | str,
    parameters: dict[str, Any] | None = None,
    backend: str = "local",
    wait: bool = False,
    timeout: float = 3600,
) -> dict[str, Any]:
    """Validate and start a workflow; with ``wait=True`` (local runs) return it finished."""
    svc = get_service()
    workflow: dict[str, Any] = svc.submit(manifest_or_path, parameters, backend)
    if wait and backend == "local":
        workflow = svc.wait(workflow["metadata"]["name"], timeout)
    return workflow


def get(name: str) -> dict[str, Any]:
    return get_service().get(name)  # type: ignore[no-any-return]


def list_runs() -> list[dict[str, Any]]:
    return get_service().list()  # type: ignore[no-any-return]


def logs(name: str, node: str | None = None) -> str:
    return get_service().logs(name, node)  # type: ignore[no-any-return]


def lint(manifest_or_yaml: dict[str, Any] | str) -> dict[str, Any]:
    svc = get_service()
    if isinstance(manifest_or_yaml, dict):
        return svc.lint(manifest_or_yaml)  # type: ignore[no-any-return]
    return svc.lint(yaml_text=manifest_or_yaml)  # type: ignore[no-any-return]
