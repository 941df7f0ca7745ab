"""One build, in its own process: `python -m polartep_lab.environments.runner <data_dir> <build_id>`.

It builds the prefix `<data_dir>/builds/<id>/env` with real tools — a conda installer when one is
on PATH, else a venv made by uv from the `pip:` list — records a lockfile (exact versions and
hashes), streams every tool's output into `build.log`, reports its status through the database,
and on success makes the build active and points the environment's kernelspec at it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import IO, Any

from . import store
from .kernels import KernelSpecs
from .spec import Specification, parse

CONDA_TOOLS = ("micromamba", "mamba", "conda")


class BuildFailed(Exception):
    pass


def conda_tool() -> str | None:
    for tool in CONDA_TOOLS:
        found = shutil.which(tool)
        if found:
            return found
    return None


def uv_binary() -> str:
    try:
        from uv import find_uv_bin

        return str(find_uv_bin())
    except (ImportError, FileNotFoundError):
        found = shutil.which("uv")
        if not found:
            raise BuildFailed("uv is not installed: `pip install uv`") from None
        return found


class Build:
    def __init__(self, data_dir: Path, build_id: int, log: IO[str]) -> None:
        self.data_dir = data_dir
        self.build_id = build_id
        self.dir = store.build_dir(data_dir, build_id)
        self.prefix = self.dir / "env"
        self.log = log
        self.options: dict[str, Any] = json.loads((self.dir / "options.json").read_text())

    def say(self, line: str) -> None:
        self.log.write(f"[{time.strftime('%H:%M:%S')}] {line}\n")
        self.log.flush()

    def run(self, argv: list[str], env: dict[str, str] | None = None, show_output: bool = True) -> None:
        self.say("$ " + " ".join(argv))
        process_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
        out = self.log if show_output else subprocess.DEVNULL
        code = subprocess.call(argv, stdout=out, stderr=self.log, env=process_env, cwd=self.dir)
        if code != 0:
            raise BuildFailed(f"{Path(argv[0]).name} {argv[1] if len(argv) > 1 else ''} exited with {code}")

    def python_path(self) -> Path:
        return self.prefix / ("Scripts/python.exe" if os.name == "nt" else "bin/python")

    def build(self, spec: Specification) -> None:
        installer = self.options.get("installer", "auto")
        tool = conda_tool() if installer in ("auto", "conda") else None
        if installer == "conda" and tool is None:
            raise BuildFailed("installer 'conda' is configured but no conda/mamba/micromamba is on PATH")
        if tool:
            self.build_conda(tool, spec)
        else:
            conda_only = spec.conda_only()
            if conda_only:
                raise BuildFailed(
                    "conda packages need a conda installer or conda-store: " + ", ".join(conda_only)
                )
            self.build_venv(spec)
        self.say("checking that the environment can run a kernel")
        self.run([str(self.python_path()), "-c", "import ipykernel, sys; print(sys.version)"])

    def index_args(self) -> list[str]:
        args: list[str] = []
        for link in self.options.get("find_links", []):
            args += ["--find-links", link]
        if self.options.get("index_url"):
            args += ["--index-url", self.options["index_url"]]
        if self.options.get("offline"):
            args.append("--offline")
        return args

    def build_venv(self, spec: Specification) -> None:
        uv = uv_binary()
        python = spec.python_version or "{}.{}".format(*sys.version_info[:2])
        env = {"UV_PYTHON_DOWNLOADS": "never"}
        if self.options.get("cache_dir"):
            env["UV_CACHE_DIR"] = self.options["cache_dir"]
        wanted = [*spec.pip_requirements(), "ipykernel"]
        (self.dir / "requirements.in").write_text("\n".join(wanted) + "\n")
        self.say(f"resolving {len(wanted)} requirements for Python {python} with uv")
        self.run(
            [uv, "pip", "compile", "requirements.in", "-o", "requirements.lock.tmp", "--generate-hashes",
             "--python-version", python, "--no-header", *self.index_args()],
            env,
            show_output=False,  # the lockfile itself; progress and errors go to stderr
        )  # fmt: skip
        self.say(f"creating the venv {self.prefix}")
        self.run(
            [uv, "venv", str(self.prefix), "--python", python, "--python-preference", "only-system"], env
        )
        self.say("installing the locked packages")
        self.run(
            [
                uv,
                "pip",
                "sync",
                "requirements.lock.tmp",
                "--python",
                str(self.python_path()),
                *self.index_args(),
            ],
            env,
        )
        os.replace(self.dir / "requirements.lock.tmp", self.dir / "lockfile.txt")

    def build_conda(self, tool: str, spec: Specification) -> None:
        import yaml

        data = yaml.safe_load(spec.text) or {}
        deps = list(data.get("dependencies") or [])
        if not any(isinstance(d, str) and d.split("=")[0].strip() == "ipykernel" for d in deps):
            deps.append("ipykernel")
        data["dependencies"] = deps
        data.pop("prefix", None)
        (self.dir / "environment.build.yml").write_text(yaml.safe_dump(data, sort_keys=False))
        verb = ["create"] if Path(tool).name == "micromamba" else ["env", "create"]
        self.run([tool, *verb, "-y", "-p", str(self.prefix), "-f", "environment.build.yml"])
        self.say("writing the explicit lockfile")
        lock = subprocess.run(
            [tool, "list", "-p", str(self.prefix), "--explicit", "--md5"],
            capture_output=True,
            text=True,
            check=True,
        )
        (self.dir / "lockfile.txt").write_text(lock.stdout)


def main(data_dir: Path, build_id: int) -> int:
    bdir = store.build_dir(data_dir, build_id)
    with (bdir / "build.log").open("a", encoding="utf-8") as log:
        with store.connect(data_dir) as conn:
            started = conn.execute(
                "UPDATE builds SET status='BUILDING', started=?, pid=? WHERE id=? AND status='QUEUED'",
                (store.now(), os.getpid(), build_id),
            ).rowcount
            row = conn.execute("SELECT * FROM builds WHERE id=?", (build_id,)).fetchone()
        job = Build(data_dir, build_id, log)
        if not started:
            job.say(f"build {build_id} is {row['status'] if row else 'gone'}: nothing to do")
            return 0
        job.say(f"building {row['namespace']}/{row['name']} (build {build_id})")
        try:
            spec = parse(row["specification"])
            job.build(spec)
        except BuildFailed as exc:
            job.say(f"FAILED: {exc}")
            store.finish(data_dir, build_id, "FAILED", str(exc))
            shutil.rmtree(job.prefix, ignore_errors=True)
            return 1
        except Exception as exc:
            job.say(f"FAILED: {type(exc).__name__}: {exc}")
            store.finish(data_dir, build_id, "FAILED", f"{type(exc).__name__}: {exc}")
            shutil.rmtree(job.prefix, ignore_errors=True)
            return 1
        job.say(f"COMPLETED: build {build_id} becomes the active build; its kernel points at it")

        def point_kernel(row: Any) -> None:
            KernelSpecs(data_dir / "jupyter").write(
                row["namespace"], row["name"], str(job.python_path()), build_id, spec.variables
            )

        store.finish(data_dir, build_id, "COMPLETED", "ready", on_active=point_kernel)
        return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), int(sys.argv[2])))
