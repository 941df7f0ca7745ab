from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

from ..core.features import Backend, Feature, FeatureContext, Health, Route
from .handlers import (
    BuildCancelHandler,
    BuildLockfileHandler,
    BuildLogHandler,
    DiffHandler,
    EnvironmentHandler,
    EnvironmentsHandler,
)
from .kernels import KernelSpecs
from .service import EnvironmentService, jupyter_dir


def _register_kernel_dir(ctx: FeatureContext, kernels: KernelSpecs) -> None:
    """Make the environments' kernelspecs visible to this server and to processes it starts."""
    kernels.kernels_dir.mkdir(parents=True, exist_ok=True)
    serverapp = getattr(ctx.app, "serverapp", None)
    ksm = getattr(serverapp, "kernel_spec_manager", None)
    if ksm is not None and str(kernels.kernels_dir) not in ksm.kernel_dirs:
        ksm.kernel_dirs.append(str(kernels.kernels_dir))
    paths = [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p]
    if str(kernels.jupyter_dir) not in paths:
        os.environ["JUPYTER_PATH"] = os.pathsep.join([*paths, str(kernels.jupyter_dir)])


def build(ctx: FeatureContext) -> EnvironmentService:
    app = ctx.app
    kernels = KernelSpecs(jupyter_dir(ctx.data_dir))
    _register_kernel_dir(ctx, kernels)
    if app.environments_backend == "conda-store":
        from .condastore import CondaStoreBackend

        backend: Any = CondaStoreBackend(
            url=app.environments_conda_store_url,
            http=ctx.http,
            token=lambda: _token(ctx),
            store_prefix=app.environments_conda_store_prefix or None,
        )
    else:
        from .local import LocalBuilder

        backend = LocalBuilder(
            ctx.data_dir,
            kernels,
            {
                "installer": app.environments_installer,
                "find_links": [_absolute(link) for link in app.environments_find_links],
                "index_url": app.environments_index_url,
                "offline": app.environments_offline,
                "cache_dir": app.environments_cache_dir,
            },
        )
    return EnvironmentService(backend, kernels)


def _absolute(link: str) -> str:
    """Builds run in their own folder: a relative wheel folder is taken from the server's."""
    return link if "://" in link else str(Path(link).expanduser().resolve())


def _token(ctx: FeatureContext) -> str | None:
    name = ctx.app.environments_conda_store_token_secret
    secrets = ctx.services.get("secrets")
    if secrets is not None and name:
        for getter in ("get_value", "value", "get"):
            fn = getattr(secrets, getter, None)
            if fn is None:
                continue
            try:
                value = fn(name)
            except Exception:
                continue
            if isinstance(value, str):
                return value
            if isinstance(value, dict) and isinstance(value.get("value"), str):
                return str(value["value"])
    return os.environ.get(name) if name else None


def _backend(service: EnvironmentService) -> Backend:
    kind = service.backend.kind
    return Backend("real" if kind == "conda-store" else "embedded", type(service.backend).__name__,
                   service.backend.describe_backend())  # fmt: skip


async def _health(service: EnvironmentService) -> Health:
    ok, detail = await asyncio.to_thread(service.backend.health)
    return Health(ok, detail)


FEATURE = Feature(
    name="environments",
    title="Environments",
    description="Reproducible environments from an environment.yml, each one a Jupyter kernel.",
    build=build,
    routes=(
        Route("api/environments", EnvironmentsHandler),
        Route("api/environments/builds/{build_id}/log", BuildLogHandler),
        Route("api/environments/builds/{build_id}/lockfile", BuildLockfileHandler),
        Route("api/environments/builds/{build_id}/cancel", BuildCancelHandler),
        Route("api/environments/{namespace}/{name}/diff", DiffHandler),
        Route("api/environments/{namespace}/{name}", EnvironmentHandler),
    ),
    backend=_backend,
    health=_health,
    config=lambda service: service.config(),
    order=40,
)
