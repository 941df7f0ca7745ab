"""Local executor overhead: a 4-node diamond and a 50-way fan-out of trivial Python scripts.

Reference, measured in the same run: the same scripts started directly with subprocess, in the
same order and with the same parallelism (diamond: A, then B and C together, then D; fan-out: 50
processes, at most `parallelism` at a time). Prints wall times, the per-step overhead and the ratio.

    .venv/bin/python benchmarks/workflows.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from polartep_lab.workflows.local import LocalBackend
from polartep_lab.workflows.pods import PodSettings
from polartep_lab.workflows.service import WorkflowService

PARALLELISM = 4
FANOUT = 50
SOURCE = "print('step {{inputs.parameters.n}}')"
ECHO = {"name": "echo", "inputs": {"parameters": [{"name": "n"}]},
        "script": {"image": "python:3.11", "command": ["python"], "source": SOURCE}}  # fmt: skip


def arg(n: object) -> dict[str, object]:
    return {"parameters": [{"name": "n", "value": str(n)}]}


DIAMOND = {
    "apiVersion": "argoproj.io/v1alpha1", "kind": "Workflow", "metadata": {"generateName": "diamond-"},
    "spec": {"entrypoint": "main", "templates": [
        {"name": "main", "dag": {"tasks": [
            {"name": "A", "template": "echo", "arguments": arg("A")},
            {"name": "B", "template": "echo", "depends": "A", "arguments": arg("B")},
            {"name": "C", "template": "echo", "depends": "A", "arguments": arg("C")},
            {"name": "D", "template": "echo", "depends": "B && C", "arguments": arg("D")},
        ]}}, ECHO]},
}  # fmt: skip
FAN = {
    "apiVersion": "argoproj.io/v1alpha1", "kind": "Workflow", "metadata": {"generateName": "fanout-"},
    "spec": {"entrypoint": "main", "templates": [
        {"name": "main", "dag": {"tasks": [
            {"name": "each", "template": "echo", "withSequence": {"count": str(FANOUT)},
             "arguments": {"parameters": [{"name": "n", "value": "{{item}}"}]}},
        ]}}, ECHO]},
}  # fmt: skip


def direct(n: object) -> None:
    subprocess.run([sys.executable, "-c", f"print('step {n}')"], check=True, capture_output=True)


def direct_diamond() -> float:
    start = time.perf_counter()
    direct("A")
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(direct, ["B", "C"]))
    direct("D")
    return time.perf_counter() - start


def direct_fanout() -> float:
    start = time.perf_counter()
    with ThreadPoolExecutor(PARALLELISM) as pool:
        list(pool.map(direct, range(FANOUT)))
    return time.perf_counter() - start


def executor(service: WorkflowService, manifest: dict[str, object]) -> float:
    start = time.perf_counter()
    run = service.submit(manifest)
    done = service.wait(run["metadata"]["name"], 600)
    elapsed = time.perf_counter() - start
    assert done["status"]["phase"] == "Succeeded", done["status"]
    return elapsed


def best(ours: Callable[[], float], reference: Callable[[], float], repeat: int = 3) -> tuple[float, float]:
    a, b = [], []
    for _ in range(repeat):
        a.append(ours())
        b.append(reference())
    return min(a), min(b)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        settings = PodSettings(root_dir=root)
        local = LocalBackend(root / "data", settings, PARALLELISM)
        service = WorkflowService({"local": local}, "local", root)
        executor(service, DIAMOND)  # warm-up: schema validator, imports
        direct_diamond()
        # best of 3, interleaved, so machine noise hits both sides alike
        rows = [
            ("diamond (4 steps)", 4, *best(lambda: executor(service, DIAMOND), direct_diamond)),
            (f"fan-out ({FANOUT} steps)", FANOUT, *best(lambda: executor(service, FAN), direct_fanout)),
        ]
    print(f"{'case':<20} {'executor s':>10} {'direct s':>10} {'ratio':>7} {'overhead/step ms':>17}")
    for name, steps, ours, ref in rows:
        overhead = (ours - ref) / steps * 1000
        print(f"{name:<20} {ours:>10.3f} {ref:>10.3f} {ours / ref:>7.2f} {overhead:>17.1f}")


if __name__ == "__main__":
    main()
