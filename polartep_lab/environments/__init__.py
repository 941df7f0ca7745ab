"""Reproducible environments as Jupyter kernels.

From a notebook (the embedded builder, sharing the workspace's data dir with the server)::

    from polartep_lab import environments
    environments.create("sea-ice", open("environment.yml").read())   # waits for the build
    environments.list()
    environments.activate("sea-ice", build=3)                          # roll back
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import DescribeBuild, DescribeEnvironment
    from .service import EnvironmentService

_service: EnvironmentService | None = None


def default_service() -> EnvironmentService:
    """The embedded environments service on this workspace's data dir (`$POLARTEP_DATA_DIR`)."""
    global _service
    if _service is None:
        from ..core.paths import default_data_dir
        from .kernels import KernelSpecs
        from .local import LocalBuilder
        from .service import EnvironmentService, jupyter_dir

        data_dir = default_data_dir() / "environments"
        kernels = KernelSpecs(jupyter_dir(data_dir))
        _service = EnvironmentService(LocalBuilder(data_dir, kernels, {"installer": "auto"}), kernels)
    return _service


def create(
    name: str, spec: str, namespace: str = "default", wait: bool = True, timeout: float = 900
) -> DescribeBuild:
    """Create an environment from environment.yml text; with `wait`, return its finished build."""
    build = default_service().create(namespace, name, spec)
    return default_service().wait(build.id, timeout) if wait else build


def update(
    name: str, spec: str, namespace: str = "default", wait: bool = True, timeout: float = 900
) -> DescribeBuild:
    """Rebuild with a new spec (call `diff` first to see what changes)."""
    build = default_service().rebuild(namespace, name, spec, confirm=True)
    return default_service().wait(build.id, timeout) if wait else build


def diff(name: str, spec: str, namespace: str = "default") -> dict[str, Any]:
    return default_service().diff(namespace, name, spec).model_dump()


def list() -> list[DescribeEnvironment]:
    return default_service().list()


def get(name: str, namespace: str = "default") -> DescribeEnvironment:
    return default_service().get(namespace, name)


def activate(name: str, build: int, namespace: str = "default") -> DescribeEnvironment:
    """Make an older (or newer) completed build the active one; the kernel follows."""
    return default_service().activate(namespace, name, build)


def delete(name: str, namespace: str = "default") -> None:
    default_service().delete(namespace, name)


def kernel_name(name: str, namespace: str = "default") -> str:
    return default_service().kernel_name_for(f"{namespace}/{name}")


def cancel(build: int) -> DescribeBuild:
    """Stop a queued or running build; the active build stays as it was."""
    return default_service().cancel(build)


def log(build: int) -> str:
    return default_service().build_log(build).log
