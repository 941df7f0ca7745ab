"""One Jupyter kernelspec per environment, always pointing at its active build.

The specs live in `<data_dir>/jupyter/kernels/<kernel name>/kernel.json`. The extension adds that
folder to the running server's kernel spec manager and `<data_dir>/jupyter` to `JUPYTER_PATH`, so a
spec is listed by `/api/kernelspecs` (and the launcher) the moment it is written.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from ..core.paths import atomic_write

PREFIX = "polartep-env-"


def kernel_name(namespace: str, name: str) -> str:
    raw = f"{PREFIX}{namespace}-{name}".lower()
    return re.sub(r"[^a-z0-9._-]", "-", raw)


class KernelSpecs:
    def __init__(self, jupyter_dir: Path) -> None:
        self.jupyter_dir = jupyter_dir
        self.kernels_dir = jupyter_dir / "kernels"

    def path(self, namespace: str, name: str) -> Path:
        return self.kernels_dir / kernel_name(namespace, name) / "kernel.json"

    def write(
        self,
        namespace: str,
        name: str,
        python: str,
        build_id: int | str,
        variables: dict[str, str] | None = None,
    ) -> str:
        spec = {
            "argv": [python, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": f"{name} ({namespace})",
            "language": "python",
            "env": dict(variables or {}),
            "metadata": {
                "polartep": {"environment": f"{namespace}/{name}", "build_id": build_id},
                "debugger": True,
            },
        }
        path = self.path(namespace, name)
        new = json.dumps(spec, indent=1).encode()
        if not path.exists() or path.read_bytes() != new:
            atomic_write(path, new)
        return kernel_name(namespace, name)

    def remove(self, namespace: str, name: str) -> None:
        shutil.rmtree(self.path(namespace, name).parent, ignore_errors=True)

    def names(self) -> set[str]:
        if not self.kernels_dir.is_dir():
            return set()
        return {p.name for p in self.kernels_dir.iterdir() if (p / "kernel.json").is_file()}
