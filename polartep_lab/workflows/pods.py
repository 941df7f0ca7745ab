"""One leaf step as a real process: script, host-run container or container runtime.

Paths a template declares (input/output artifacts, output parameter files) are mapped into the
node's own folder, so two runs of ``/tmp/hello_world.txt`` never collide; the declared path is
rewritten in the command, args and script source.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .scope import Scope

PYTHONS = ("python", "python3", f"python3.{sys.version_info.minor}")
CONTAINER_HELP = "container steps need Argo or a container runtime (podman/docker)"


class Cancelled(Exception):
    """The run was stopped, terminated or ran out of time."""


class StepError(Exception):
    """The step could not start (no runtime, missing artifact…): its node ends as Error."""


@dataclass
class PodSettings:
    root_dir: Path
    host_images: tuple[str, ...] = ()
    container_runtime: str | None = None
    #: secrets marked for injection, read when a step starts (the secrets feature supplies it)
    secrets_env: Callable[[], dict[str, str]] = field(default=dict)

    def secret_values(self) -> list[str]:
        return sorted((v for v in self.secrets_env().values() if len(v) >= 4), key=len, reverse=True)

    def mask(self, text: str) -> str:
        """Secret values never reach a run record or a log answer."""
        for value in self.secret_values():
            text = text.replace(value, "***")
        return text


@dataclass
class PodResult:
    exit_code: int
    message: str = ""
    timed_out: bool = False
    cancelled: bool = False


def image_name(image: str) -> str:
    """``docker.io/library/busybox:1.36`` -> ``busybox``."""
    name = image.split("@", 1)[0].rsplit("/", 1)[-1]
    return name.split(":", 1)[0]


def declared_paths(template: dict[str, Any]) -> list[str]:
    paths = [a.get("path") for a in (template.get("inputs") or {}).get("artifacts") or []]
    outputs = template.get("outputs") or {}
    paths += [a.get("path") for a in outputs.get("artifacts") or []]
    paths += [(p.get("valueFrom") or {}).get("path") for p in outputs.get("parameters") or []]
    return sorted({p for p in paths if p}, key=len, reverse=True)


class PathMap:
    """Declared (container) paths -> files below the node's folder."""

    def __init__(self, fs_root: Path, declared: list[str], mapped: bool) -> None:
        self.fs_root = fs_root
        self.mapped = mapped
        self.paths = {p: (fs_root / p.lstrip("/")) if mapped else Path(p) for p in declared}

    def local(self, declared: str) -> Path:
        return self.paths.get(declared) or Path(declared)

    def rewrite(self, text: str) -> str:
        if not self.mapped:
            return text
        for declared in self.paths:  # longest first
            text = text.replace(declared, str(self.paths[declared]))
        return text


def _interpreter(command: list[str]) -> list[str]:
    if command and command[0] in PYTHONS:
        return [sys.executable, *command[1:]]
    return command


class Pod:
    """Runs one leaf template; `kill()` stops its whole process group."""

    def __init__(self, template: dict[str, Any], scope: Scope, settings: PodSettings, node_dir: Path) -> None:
        self.template = template
        self.scope = scope
        self.settings = settings
        self.node_dir = node_dir
        self.process: subprocess.Popen[bytes] | None = None
        self._killed = threading.Event()
        kind = "script" if "script" in template else "container"
        self.kind = kind
        self.body = template[kind]
        self.mode = self._mode()
        self.paths = PathMap(node_dir / "fs", declared_paths(template), mapped=self.mode != "runtime")

    def _mode(self) -> str:
        if self.kind == "script":  # scripts run in the workspace environment, whatever the image
            return "host"
        image = image_name(str(self.body.get("image", "")))
        if image and image in self.settings.host_images:
            return "host"
        if self.settings.container_runtime:
            return "runtime"
        raise StepError(f"{CONTAINER_HELP}; image {self.body.get('image')!r} cannot run locally")

    def argv(self) -> list[str]:
        body = self.scope.deep(self.body)
        command = [self.paths.rewrite(str(c)) for c in body.get("command") or []]
        args = [self.paths.rewrite(str(a)) for a in body.get("args") or []]
        if self.kind == "script":
            script = self.node_dir / "script"
            script.write_text(self.paths.rewrite(str(body.get("source", ""))), encoding="utf-8")
            command = command or ["python"]
            if self.mode == "runtime":
                return [*command, "/argo/staging/script", *args]
            return [*_interpreter(command), str(script), *args]
        if not command and not args:
            raise StepError("a container step without command cannot run outside a container runtime")
        argv = [*command, *args] if command else args
        if self.mode == "host":
            return _interpreter(argv)
        return argv

    def environment(self) -> dict[str, str]:
        env = {**os.environ, **self.settings.secrets_env()}
        for item in self.scope.deep(self.body.get("env") or []):
            if "value" in item:
                env[str(item["name"])] = str(item["value"])
        return env

    def _runtime_argv(self, argv: list[str], env: dict[str, str]) -> list[str]:
        runtime = self.settings.container_runtime or "docker"
        cmd = [runtime, "run", "--rm", "-i", "--network", "host"]
        for parent in sorted({Path(p).parent.as_posix() for p in self.paths.paths}):
            host = self.node_dir / "fs" / parent.lstrip("/")
            host.mkdir(parents=True, exist_ok=True)
            cmd += ["-v", f"{host}:{parent}"]
        if self.kind == "script":
            cmd += ["-v", f"{self.node_dir / 'script'}:/argo/staging/script:ro"]
        for item in self.body.get("env") or []:
            if "value" in item:
                cmd += ["-e", f"{item['name']}={self.scope.substitute(str(item['value']))}"]
        if argv:
            cmd += ["--entrypoint", argv[0], str(self.body.get("image")), *argv[1:]]
        else:
            cmd += [str(self.body.get("image"))]
        return cmd

    def run(self, log: Path, err: Path, deadline: float | None) -> PodResult:
        argv = self.argv()
        env = self.environment()
        if self.mode == "runtime":
            argv = self._runtime_argv(argv, env)
        elif shutil.which(argv[0], path=env.get("PATH")) is None and not Path(argv[0]).is_file():
            raise StepError(f"command {argv[0]!r} not found on this machine")
        (self.node_dir / "fs").mkdir(parents=True, exist_ok=True)
        for path in self.paths.paths.values():
            path.parent.mkdir(parents=True, exist_ok=True)
        with log.open("ab") as out, err.open("ab") as errors:
            self.process = subprocess.Popen(
                argv,
                stdout=out,
                stderr=errors,
                stdin=subprocess.DEVNULL,
                cwd=self.settings.root_dir,
                env=env,
                start_new_session=True,
            )
            if self._killed.is_set():
                self._signal(signal.SIGKILL)
            timed_out = False
            while True:
                try:
                    code = self.process.wait(timeout=0.1)
                    break
                except subprocess.TimeoutExpired:
                    if deadline is not None and time.monotonic() > deadline:
                        timed_out = True
                        self._signal(signal.SIGKILL)
        if timed_out:
            return PodResult(code, "Pod was active on the node longer than the specified deadline", True)
        if self._killed.is_set():
            return PodResult(code, "terminated", cancelled=True)
        return PodResult(code, "" if code == 0 else f"Error (exit code {code})")

    def _signal(self, sig: int) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, sig)

    def kill(self) -> None:
        self._killed.set()
        self._signal(signal.SIGTERM)
        if self.process is not None:
            try:
                self.process.wait(timeout=3)
            except subprocess.TimeoutExpired:
                self._signal(signal.SIGKILL)
