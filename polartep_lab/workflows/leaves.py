"""Leaf steps of the local executor: a script/container step as a process, with its inputs
staged as files and its outputs (result, parameters, artifacts) collected into the node."""

from __future__ import annotations

import shutil
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .pods import Cancelled, Pod, PodSettings, StepError
from .scope import Scope

RESULT_LIMIT = 256 * 1024


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class LeafSteps:
    """Mixin of :class:`executor.Run`: everything about one leaf (Pod) node."""

    name: str
    run_dir: Path
    settings: PodSettings
    reuse: dict[str, dict[str, Any]]
    lock: threading.RLock
    artifacts: dict[str, str]
    pods: set[Pod]
    run_slots: threading.Semaphore | None
    leaf_slots: threading.Semaphore
    deadline: float | None
    cancel_reason: str | None

    def run_leaf(
        self,
        template: dict[str, Any],
        scope: Scope,
        inputs: dict[str, Any],
        name: str,
        display: str,
        parents: list[str],
        boundary: str | None,
    ) -> dict[str, Any]:
        previous = self.reuse.get(name)
        if previous and previous.get("phase") == "Succeeded":
            with self.lock:
                self.nodes[previous["id"]] = previous
                for parent in parents:
                    kids = self.nodes[parent].setdefault("children", [])
                    if previous["id"] not in kids:
                        kids.append(previous["id"])
            for art in (previous.get("outputs") or {}).get("artifacts") or []:
                self.artifacts[f"{previous['id']}/{art['name']}"] = str(
                    self.run_dir / "artifacts" / previous["id"] / art["name"]
                )
            self.touch()
            return previous
        node = self.new_node(name, display, "Pod", template["name"], parents, boundary)
        node["phase"] = "Pending"
        visible_inputs = _public(inputs)
        if visible_inputs:
            node["inputs"] = visible_inputs
        node_dir = self.run_dir / "nodes" / node["id"]
        shutil.rmtree(node_dir, ignore_errors=True)
        node_dir.mkdir(parents=True)
        log, err = self.log_paths(node["id"])
        for path in (log, err):
            path.unlink(missing_ok=True)
        try:
            self.check_cancel()
            pod = Pod(template, scope, self.settings, node_dir)
            self.stage_inputs(pod, inputs, scope)
        except Cancelled as exc:
            return self.finish(node, "Failed", str(exc))
        except (StepError, ValueError, OSError) as exc:
            return self.finish(node, "Error", f"step {display!r}: {exc}")
        slots = [s for s in (self.run_slots, self.leaf_slots) if s is not None]
        for slot in slots:
            slot.acquire()
        try:
            with self.lock:
                node["phase"] = "Running"
                node["startedAt"] = now()
                self.pods.add(pod)
            self.touch()
            if self.cancel_reason is not None:
                return self.finish(node, "Failed", self.cancel_reason)
            deadline = None
            if template.get("activeDeadlineSeconds") is not None:
                deadline = time.monotonic() + float(scope.substitute(str(template["activeDeadlineSeconds"])))
            if self.deadline is not None:
                deadline = min(deadline or self.deadline, self.deadline)
            try:
                result = pod.run(log, err, deadline)
            except (StepError, OSError) as exc:
                return self.finish(node, "Error", f"step {display!r}: {exc}")
        finally:
            with self.lock:
                self.pods.discard(pod)
            for slot in reversed(slots):
                slot.release()
        if result.timed_out and self.deadline is not None and time.monotonic() >= self.deadline:
            self.cancel("Max duration limit exceeded")
        outputs, problem = self.pod_outputs(template, pod, node["id"], log, result.exit_code)
        if outputs:
            node["outputs"] = outputs
        if result.cancelled:
            return self.finish(node, "Failed", self.cancel_reason or "terminated")
        if result.exit_code != 0 or result.timed_out:
            return self.finish(node, "Failed", result.message)
        if problem:
            return self.finish(node, "Error", problem)
        return self.finish(node, "Succeeded")

    def log_paths(self, nid: str) -> tuple[Path, Path]:
        return self.run_dir / "logs" / f"{nid}.log", self.run_dir / "logs" / f"{nid}.err"

    def stage_inputs(self, pod: Pod, inputs: dict[str, Any], scope: Scope) -> None:
        for art in inputs.get("artifacts") or []:
            target = pod.paths.local(art["path"])
            target.parent.mkdir(parents=True, exist_ok=True)
            scope.set(f"inputs.artifacts.{art['name']}.path", str(target))
            if "_raw" in art:
                target.write_text(art["_raw"], encoding="utf-8")
            elif "_from" in art:
                source = Path(art["_from"])
                if not source.exists():
                    raise ValueError(
                        f"input artifact {art['name']!r}: {art['_from']!r} is not an output artifact"
                    )
                if source.is_dir():
                    shutil.copytree(source, target, dirs_exist_ok=True)
                else:
                    shutil.copyfile(source, target)
        for art in (pod.template.get("outputs") or {}).get("artifacts") or []:
            scope.set(f"outputs.artifacts.{art['name']}.path", str(pod.paths.local(art["path"])))
        for p in (pod.template.get("outputs") or {}).get("parameters") or []:
            if (p.get("valueFrom") or {}).get("path"):
                scope.set(
                    f"outputs.parameters.{p['name']}.path", str(pod.paths.local(p["valueFrom"]["path"]))
                )

    def pod_outputs(
        self, template: dict[str, Any], pod: Pod, nid: str, log: Path, exit_code: int
    ) -> tuple[dict[str, Any], str]:
        outputs: dict[str, Any] = {"exitCode": str(exit_code)}
        problem = ""
        stdout = log.read_bytes()[-RESULT_LIMIT:].decode("utf-8", "replace") if log.exists() else ""
        outputs["result"] = self.settings.mask(stdout.rstrip("\n"))
        params = []
        for p in (template.get("outputs") or {}).get("parameters") or []:
            source = p.get("valueFrom") or {}
            if "path" in source:
                path = pod.paths.local(source["path"])
                if path.is_file():
                    value = path.read_text(encoding="utf-8", errors="replace").rstrip("\n")
                elif "default" in source:
                    value = str(source["default"])
                else:
                    problem = problem or f"output parameter {p['name']!r}: {source['path']} was not written"
                    continue
            else:
                value = pod.scope.substitute(str(p.get("value", "")))
            params.append({"name": p["name"], "value": self.settings.mask(value)})
        if params:
            outputs["parameters"] = params
        arts = []
        for a in (template.get("outputs") or {}).get("artifacts") or []:
            path = pod.paths.local(a["path"])
            stored = self.run_dir / "artifacts" / nid / a["name"]
            if not path.exists():
                if not a.get("optional") and exit_code == 0:
                    problem = problem or f"output artifact {a['name']!r}: {a['path']} was not written"
                continue
            shutil.rmtree(stored, ignore_errors=True)
            stored.parent.mkdir(parents=True, exist_ok=True)
            if path.is_dir():
                shutil.copytree(path, stored)
            else:
                shutil.copyfile(path, stored)
            self.artifacts[f"{nid}/{a['name']}"] = str(stored)
            arts.append({"name": a["name"], "path": a["path"], "size": _size(stored)})
        if arts:
            outputs["artifacts"] = arts
        return outputs, problem


def _public(inputs: dict[str, Any]) -> dict[str, Any]:
    out = dict(inputs)
    if "artifacts" in out:
        out["artifacts"] = [{k: v for k, v in a.items() if not k.startswith("_")} for a in out["artifacts"]]
    return out


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
