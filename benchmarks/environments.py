"""Time to a usable kernel for a small spec: our builder vs a plain `uv venv && uv pip install`.

Both sides build a venv for the same packages (ipykernel + one small pure-Python package),
start a kernel from a kernelspec and run `import <package>` in it. Measured twice in the same
run: with a cold package cache (a fresh uv cache dir: downloads from PyPI) and with it warm.
Prints each time and the ratio ours / reference (1.0 = no overhead).

    python benchmarks/environments.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from polartep_lab.environments.kernels import KernelSpecs
from polartep_lab.environments.local import LocalBuilder
from polartep_lab.environments.runner import uv_binary
from polartep_lab.environments.service import EnvironmentService
from tests.environments_support import MODULE, make_wheel, spec_text


def use_kernel(kernels_dir: Path, name: str) -> None:
    manager = KernelManager(
        kernel_name=name, kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(kernels_dir)])
    )
    manager.start_kernel()
    client = manager.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=120)
        reply = client.execute_interactive(f"import {MODULE}", timeout=60)
        assert reply["content"]["status"] == "ok", reply
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def ours(work: Path, wheels: Path, cache: Path, run: int) -> float:
    data = work / f"ours-{run}"
    kernels = KernelSpecs(data / "jupyter")
    service = EnvironmentService(
        LocalBuilder(
            data, kernels, {"installer": "uv", "find_links": [str(wheels)], "cache_dir": str(cache)}
        ),
        kernels,
    )
    start = time.perf_counter()
    build = service.create("default", "bench", spec_text("bench", "1.0"))
    done = service.wait(build.id, timeout=900, interval=0.05)
    assert done.status.value == "COMPLETED", service.build_log(build.id).log[-2000:]
    use_kernel(kernels.kernels_dir, service.kernel_name_for("default/bench"))
    return time.perf_counter() - start


def reference(work: Path, wheels: Path, cache: Path, run: int) -> float:
    uv = uv_binary()
    prefix = work / f"ref-{run}" / "env"
    env = {**os.environ, "UV_CACHE_DIR": str(cache), "UV_PYTHON_DOWNLOADS": "never"}
    start = time.perf_counter()
    subprocess.run([uv, "venv", str(prefix), "--python", "3.11", "-q"], check=True, env=env)
    subprocess.run(
        [uv, "pip", "install", "-q", "--python", str(prefix / "bin/python"), "--find-links", str(wheels),
         "ipykernel", "polar-bear-counter==1.0"],
        check=True, env=env,
    )  # fmt: skip
    kdir = work / f"ref-{run}" / "kernels"
    (kdir / "ref").mkdir(parents=True)
    argv = [str(prefix / "bin/python"), "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (kdir / "ref" / "kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": "ref", "language": "python"})
    )
    use_kernel(kdir, "ref")
    return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        wheels = work / "wheels"
        make_wheel(wheels, "1.0")
        rows = []
        for label, cache_ours, cache_ref in (
            ("cold cache", work / "cache-ours", work / "cache-ref"),
            ("warm cache", work / "cache-ours", work / "cache-ref"),
        ):
            run = len(rows)
            t_ref = reference(work, wheels, cache_ref, run)
            t_ours = ours(work, wheels, cache_ours, run)
            rows.append((label, t_ours, t_ref))
        print(f"{'':12} {'ours (s)':>9} {'uv venv+pip install (s)':>24} {'ratio':>6}")
        for label, t_ours, t_ref in rows:
            print(f"{label:12} {t_ours:9.2f} {t_ref:24.2f} {t_ours / t_ref:6.2f}")


if __name__ == "__main__":
    main()
