from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from ..core.features import Backend, Feature, FeatureContext, Health, Route
from . import handlers as h
from .argo import ArgoBackend
from .local import LocalBackend
from .pods import PodSettings
from .service import WorkflowService

EXAMPLE = Path(__file__).parent / "sea-ice-monthly-mean.workflow.yaml"


def container_runtime(choice: str) -> str | None:
    """``auto``: podman or docker when its daemon answers; ``none``: never; else that command."""
    if choice == "none":
        return None
    candidates = ["podman", "docker"] if choice == "auto" else [choice]
    for name in candidates:
        path = shutil.which(name)
        if not path:
            continue
        try:
            probe = subprocess.run([path, "info"], capture_output=True, timeout=10, check=False)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if probe.returncode == 0:
            return path
    return None


def _secret_env(ctx: FeatureContext) -> dict[str, str]:
    secrets = ctx.services.get("secrets")
    injected = getattr(secrets, "injected_env", None)
    return dict(injected()) if injected else {}


def build(ctx: FeatureContext) -> WorkflowService:
    app = ctx.app
    settings = PodSettings(
        root_dir=ctx.root_dir,
        host_images=tuple(app.workflows_host_images),
        container_runtime=container_runtime(app.workflows_container_runtime),
        secrets_env=lambda: _secret_env(ctx),
    )
    backends: dict[str, Any] = {"local": LocalBackend(ctx.data_dir, settings, app.workflows_parallelism)}
    if app.argo_url:
        secret = app.argo_token_secret

        def token() -> str | None:
            return _secret_env(ctx).get(secret) or os.environ.get(secret) or None

        backends["argo"] = ArgoBackend(ctx.http, app.argo_url, app.argo_namespace, token, app.argo_verify_tls)
    choice = app.workflows_backend
    if app.backend_choice("workflows", "") == "real":
        choice = "argo"
    return WorkflowService(backends, choice, ctx.root_dir, identity=ctx.identity)


def backend(service: WorkflowService) -> Backend:
    if service.default_backend == "argo":
        argo: ArgoBackend = service.backends["argo"]  # type: ignore[assignment]
        return Backend("real", "Argo Workflows", f"{argo.url} namespace {argo.namespace}")
    local: LocalBackend = service.backends["local"]  # type: ignore[assignment]
    return Backend("embedded", "local executor", f"{local.parallelism} parallel steps")


def health(service: WorkflowService) -> Health:
    if service.default_backend == "argo":
        ok, detail = service.backends["argo"].health()  # type: ignore[attr-defined]
        return Health(ok, detail)
    local: LocalBackend = service.backends["local"]  # type: ignore[assignment]
    runtime = local.settings.container_runtime or "no container runtime (container steps need Argo)"
    return Health(True, f"local executor; {runtime}")


def config(service: WorkflowService) -> dict[str, Any]:
    local: LocalBackend = service.backends["local"]  # type: ignore[assignment]
    return {
        "backend": service.default_backend,
        "backends": list(service.backends),
        "parallelism": local.parallelism,
        "container_runtime": bool(local.settings.container_runtime),
        "host_images": list(local.settings.host_images),
    }


def demo(workspace: Path) -> list[str]:
    target = workspace / "workflows" / EXAMPLE.name
    if target.exists():
        return []
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(EXAMPLE, target)
    return [target.relative_to(workspace).as_posix()]


FEATURE = Feature(
    name="workflows",
    title="Workflows",
    description="Argo Workflow manifests: edit, validate and run them locally or on Argo Workflows.",
    build=build,
    routes=(
        Route("api/workflows/runs", h.RunsHandler),
        Route("api/workflows/runs/{name}", h.RunHandler),
        Route("api/workflows/runs/{name}/log", h.RunLogHandler),
        Route("api/workflows/runs/{name}/{action}", h.RunActionHandler),
        Route("api/workflows/runs/{name}/artifacts/{node}/{artifact}", h.RunArtifactHandler),
        Route("api/workflows/lint", h.LintHandler),
        Route("api/workflows/files", h.FilesHandler),
        Route("api/workflows/files/{path:path}", h.FileHandler),
        Route("api/workflows/templates", h.TemplatesHandler),
        Route("api/workflows/templates/{name}/submit", h.TemplateSubmitHandler),
    ),
    backend=backend,
    health=health,
    config=config,
    demo=demo,
    order=60,
)
