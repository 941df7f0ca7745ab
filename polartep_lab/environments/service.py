"""The environments service: the Python API behind REST, the panel, notebooks, jobs and workflows."""

from __future__ import annotations

import contextlib
import shutil
import time
from pathlib import Path
from typing import Any

from ..core.errors import Conflict, Invalid
from .backend import EnvironmentBackend
from .kernels import PREFIX, KernelSpecs, kernel_name
from .models import BuildLog, DescribeBuild, DescribeEnvironment, SpecDiff
from .spec import Specification, check_name, diff, parse

RESERVED_NAMESPACES = frozenset({"builds"})


class EnvironmentService:
    """Environments = namespace + name + environment.yml + ordered builds + one active build.

    Exactly one kernelspec per environment, kept pointing at the active build.
    """

    def __init__(self, backend: EnvironmentBackend, kernels: KernelSpecs) -> None:
        self.backend = backend
        self.kernels = kernels

    # ---- names and specs -------------------------------------------------------------------------
    @staticmethod
    def _names(namespace: str, name: str) -> tuple[str, str]:
        check_name(namespace, "namespace")
        check_name(name, "environment name")
        if namespace in RESERVED_NAMESPACES:
            raise Invalid(f"namespace {namespace!r} is reserved", "bad_name")
        return namespace, name

    @staticmethod
    def _spec(name: str, text: str) -> Specification:
        spec = parse(text, default_name=name)
        if spec.name != name:
            raise Invalid(
                f"the specification is named {spec.name!r}, the environment {name!r}", "name_mismatch"
            )
        return spec

    # ---- reading ---------------------------------------------------------------------------------
    def list(self) -> list[DescribeEnvironment]:
        envs = self.backend.list()
        self._sync_kernels(envs)
        return envs

    def get(self, namespace: str, name: str) -> DescribeEnvironment:
        self._names(namespace, name)
        env = self.backend.get(namespace, name)
        self._sync_kernel(env)
        return env

    def diff(self, namespace: str, name: str, text: str) -> SpecDiff:
        """What rebuilding with `text` would change, against the active build (else the newest)."""
        env = self.get(namespace, name)
        new = self._spec(name, text)
        base = env.active_build_id or (env.builds[-1].id if env.builds else None)
        old = None
        if base is not None:
            try:
                old = parse(self.backend.build(base).specification, default_name=name)
            except Invalid:
                old = None
        return SpecDiff(**diff(old, new), against_build_id=base)

    def build_log(self, build_id: int, offset: int = 0) -> BuildLog:
        build = self.backend.build(build_id)
        data = self.backend.log(build_id).encode()
        offset = max(0, min(offset, len(data)))
        chunk = data[offset:]
        return BuildLog(
            build_id=build_id,
            status=build.status,
            log=chunk.decode("utf-8", errors="replace"),
            offset=offset,
            next_offset=offset + len(chunk),
        )

    def lockfile(self, build_id: int) -> str:
        return self.backend.lockfile(build_id)

    def build(self, build_id: int) -> DescribeBuild:
        return self.backend.build(build_id)

    def kernel_name_for(self, environment: str) -> str:
        """The kernel to run code in `environment` (`"namespace/name"`, or `"name"` in `default`)."""
        namespace, _, name = environment.rpartition("/")
        env = self.get(namespace or "default", name)
        if env.active_build_id is None or env.kernel_name is None:
            raise Conflict(f"environment {environment} has no completed build yet", "not_built")
        return env.kernel_name

    # ---- changing --------------------------------------------------------------------------------
    def create(self, namespace: str, name: str, specification: str) -> DescribeBuild:
        self._names(namespace, name)
        return self.backend.submit(namespace, name, self._spec(name, specification), create=True)

    def rebuild(self, namespace: str, name: str, specification: str, confirm: bool) -> DescribeBuild:
        """A new build from a new spec; refused until the caller confirmed the diff it was shown."""
        changes = self.diff(namespace, name, specification)
        if not confirm:
            summary = (
                f"{len(changes.added)} added, {len(changes.removed)} removed, {len(changes.changed)} changed"
            )
            raise Conflict(
                f"rebuilding {namespace}/{name} changes its packages ({summary}): review the diff "
                "(POST …/diff) and send confirm=true",
                "confirmation_required",
            )
        return self.backend.submit(namespace, name, self._spec(name, specification), create=False)

    def activate(self, namespace: str, name: str, build_id: int) -> DescribeEnvironment:
        """Roll back (or forward): make a completed build active; the kernel follows at once."""
        self._names(namespace, name)
        self.backend.activate(namespace, name, build_id)
        return self.get(namespace, name)

    def cancel(self, build_id: int) -> DescribeBuild:
        return self.backend.cancel(build_id)

    def delete(self, namespace: str, name: str) -> None:
        self._names(namespace, name)
        self.backend.delete(namespace, name)
        self.kernels.remove(namespace, name)

    def wait(self, build_id: int, timeout: float = 600.0, interval: float = 0.5) -> DescribeBuild:
        """Block until a build has a verdict (for notebooks and scripts; the panel polls instead)."""
        deadline = time.monotonic() + timeout
        while True:
            build = self.backend.build(build_id)
            if build.status.finished:
                if build.status.value == "COMPLETED":
                    self.get(build.namespace, build.name)  # kernelspec in place before returning
                return build
            if time.monotonic() > deadline:
                raise TimeoutError(f"build {build_id} is still {build.status.value} after {timeout:.0f} s")
            time.sleep(interval)

    # ---- kernels ---------------------------------------------------------------------------------
    def _sync_kernel(self, env: DescribeEnvironment) -> None:
        if env.active_build_id is None:
            return
        python = self.backend.python_for(env.namespace, env.name)
        if python is None:
            return
        variables: dict[str, str] = {}
        with contextlib.suppress(Invalid):
            variables = parse(env.specification).variables
        self.kernels.write(env.namespace, env.name, python, env.active_build_id, variables)

    def _sync_kernels(self, envs: list[DescribeEnvironment]) -> None:
        for env in envs:
            self._sync_kernel(env)
        wanted = {kernel_name(e.namespace, e.name) for e in envs if e.kernel_name}
        for stale in self.kernels.names() - wanted:
            if stale.startswith(PREFIX):
                shutil.rmtree(self.kernels.kernels_dir / stale, ignore_errors=True)

    def config(self) -> dict[str, Any]:
        return {"kernels_dir": str(self.kernels.kernels_dir), "backend": self.backend.describe_backend()}

    def close(self) -> None:
        self.backend.close()


def jupyter_dir(data_dir: Path) -> Path:
    return data_dir / "jupyter"
