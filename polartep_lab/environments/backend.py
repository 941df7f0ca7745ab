"""The interface every environments backend implements (embedded builder, conda-store)."""

from __future__ import annotations

import abc

from .models import DescribeBuild, DescribeEnvironment
from .spec import Specification


class EnvironmentBackend(abc.ABC):
    """Stores environments and their ordered builds, and runs builds. Never imports tornado."""

    kind = "embedded"

    @abc.abstractmethod
    def list(self) -> list[DescribeEnvironment]: ...

    @abc.abstractmethod
    def get(self, namespace: str, name: str) -> DescribeEnvironment:
        """The environment with all its builds, oldest first; NotFound if absent."""

    @abc.abstractmethod
    def submit(self, namespace: str, name: str, spec: Specification, create: bool) -> DescribeBuild:
        """Queue a build of `spec`; `create` refuses an existing environment (Conflict)."""

    @abc.abstractmethod
    def activate(self, namespace: str, name: str, build_id: int) -> None:
        """Make a COMPLETED build of this environment the active one."""

    @abc.abstractmethod
    def delete(self, namespace: str, name: str) -> None: ...

    @abc.abstractmethod
    def build(self, build_id: int) -> DescribeBuild: ...

    @abc.abstractmethod
    def log(self, build_id: int) -> str: ...

    @abc.abstractmethod
    def lockfile(self, build_id: int) -> str: ...

    @abc.abstractmethod
    def cancel(self, build_id: int) -> DescribeBuild: ...

    @abc.abstractmethod
    def python_for(self, namespace: str, name: str) -> str | None:
        """The interpreter of the active build, if this machine can run it (for the kernelspec)."""

    def describe_backend(self) -> str:
        return ""

    def health(self) -> tuple[bool, str]:
        return True, "ok"

    def close(self) -> None:
        return None
