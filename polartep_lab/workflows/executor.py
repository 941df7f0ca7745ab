"""The local executor: runs an Argo Workflow manifest with real processes, no Kubernetes.

The run's state is the Workflow object itself, in Argo's shape (``status.phase``,
``status.nodes`` keyed by node id with name, type, phase, times, inputs, outputs, children), so
the panel draws local and Argo runs with the same code. Node names follow Argo:
``<wf>[0].step``, ``<wf>.task``, ``task(0:item)``, retries ``step(0)``.
"""

from __future__ import annotations

import json
import threading
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .dag import run_dag
from .leaves import LeafSteps, now
from .pods import Cancelled, Pod, PodSettings
from .scope import Scope, expand_items, item_label, item_values

TERMINAL = ("Succeeded", "Failed", "Error", "Skipped", "Omitted")


def node_id(workflow_name: str, node_name: str) -> str:
    if node_name == workflow_name:
        return workflow_name
    return f"{workflow_name}-{zlib.crc32(node_name.encode()):010d}"


class Run(LeafSteps):
    """One executing workflow: its object, the folder of its logs/artifacts, cancellation."""

    def __init__(
        self,
        workflow: dict[str, Any],
        run_dir: Path,
        settings: PodSettings,
        save: Callable[[dict[str, Any]], None],
        leaf_slots: threading.Semaphore,
        reuse: dict[str, dict[str, Any]] | None = None,
    ) -> None:
        self.workflow = workflow
        self.name: str = workflow["metadata"]["name"]
        self.spec: dict[str, Any] = workflow["spec"]
        self.templates = {t["name"]: t for t in self.spec.get("templates") or []}
        self.run_dir = run_dir
        self.settings = settings
        self._save = save
        self.leaf_slots = leaf_slots
        parallelism = self.spec.get("parallelism")
        self.run_slots = threading.Semaphore(int(parallelism)) if parallelism else None
        self.reuse = reuse or {}
        self.lock = threading.RLock()
        self.cancel_reason: str | None = None
        self.stop_only = False
        self.pods: set[Pod] = set()
        self.artifacts: dict[str, str] = {}  # "node_id/name" -> stored path
        self.deadline: float | None = None
        self._dirty = threading.Event()
        self._done = threading.Event()
        status = workflow.setdefault("status", {})
        status.setdefault("nodes", {})
        (run_dir / "logs").mkdir(parents=True, exist_ok=True)

    # ---- state ----------------------------------------------------------------------------
    @property
    def nodes(self) -> dict[str, dict[str, Any]]:
        return self.workflow["status"]["nodes"]  # type: ignore[no-any-return]

    def touch(self) -> None:
        self._dirty.set()

    def _saver(self) -> None:
        while not self._done.is_set():
            if self._dirty.wait(0.25):
                self._dirty.clear()
                with self.lock:
                    snapshot = json.loads(json.dumps(self.workflow))
                self._save(snapshot)

    def new_node(
        self,
        name: str,
        display: str,
        kind: str,
        template: str | None,
        parents: list[str],
        boundary: str | None,
    ) -> dict[str, Any]:
        nid = node_id(self.name, name)
        node: dict[str, Any] = {
            "id": nid,
            "name": name,
            "displayName": display,
            "type": kind,
            "phase": "Running",
            "startedAt": now(),
        }
        if template:
            node["templateName"] = template
        if boundary:
            node["boundaryID"] = boundary
        with self.lock:
            self.nodes[nid] = node
            for parent in parents:
                children = self.nodes[parent].setdefault("children", [])
                if nid not in children:
                    children.append(nid)
        self.touch()
        return node

    def finish(self, node: dict[str, Any], phase: str, message: str = "") -> dict[str, Any]:
        with self.lock:
            node["phase"] = phase
            node["finishedAt"] = now()
            if message:
                node["message"] = message
            if node["type"] == "Pod":
                self.workflow["status"]["progress"] = self.progress()
        self.touch()
        return node

    def progress(self) -> str:
        pods = [n for n in self.nodes.values() if n["type"] == "Pod"]
        done = sum(1 for n in pods if n["phase"] in TERMINAL)
        return f"{done}/{len(pods)}"

    def check_cancel(self) -> None:
        if self.cancel_reason is not None:
            raise Cancelled(self.cancel_reason)
        if self.deadline is not None and time.monotonic() > self.deadline:
            self.cancel("Max duration limit exceeded")
            raise Cancelled(self.cancel_reason)

    def cancel(self, reason: str, stop_only: bool = False) -> None:
        with self.lock:
            if self.cancel_reason is None:
                self.cancel_reason = reason
                self.stop_only = stop_only
            pods = list(self.pods)
        for pod in pods:
            pod.kill()

    # ---- running --------------------------------------------------------------------------
    def execute(self) -> dict[str, Any]:
        status = self.workflow["status"]
        with self.lock:
            status.update(phase="Running", startedAt=status.get("startedAt") or now())
            status.pop("finishedAt", None)
            status.pop("message", None)
        if self.spec.get("activeDeadlineSeconds") is not None:
            self.deadline = time.monotonic() + float(self.spec["activeDeadlineSeconds"])
        saver = threading.Thread(target=self._saver, name=f"save-{self.name}", daemon=True)
        saver.start()
        try:
            scope = self.workflow_scope()
            entry = self.templates[self.spec["entrypoint"]]
            args = self.spec.get("arguments") or {}
            root = self.run_template(entry, scope, args, self.name, self.name, [], None)
            phase, message = root["phase"], root.get("message", "")
            if self.cancel_reason is not None:
                phase, message = "Failed", self.cancel_reason
            if self.spec.get("onExit") and not (self.cancel_reason and not self.stop_only):
                exit_phase = self.run_exit_handler(scope, phase)
                if exit_phase not in ("Succeeded", "Skipped") and phase == "Succeeded":
                    phase, message = "Failed", "exit handler failed"
            if phase == "Skipped":
                phase = "Succeeded"
        except Exception as exc:  # an executor bug must still end the run with a reason
            phase, message = "Error", f"{type(exc).__name__}: {exc}"
        with self.lock:
            for node in self.nodes.values():
                if node["phase"] in ("Running", "Pending"):
                    node.update(
                        phase="Failed", finishedAt=now(), message=self.cancel_reason or "not finished"
                    )
            status.update(phase=phase, finishedAt=now(), progress=self.progress())
            if message:
                status["message"] = message
        self._done.set()
        saver.join()  # the saver is the only writer: no stale snapshot may land after the final one
        with self.lock:
            snapshot = json.loads(json.dumps(self.workflow))
        self._save(snapshot)
        return self.workflow

    def workflow_scope(self) -> Scope:
        meta = self.workflow["metadata"]
        scope = Scope(
            {
                "workflow.name": self.name,
                "workflow.namespace": meta.get("namespace", "local"),
                "workflow.uid": meta.get("uid", ""),
                "workflow.serviceAccountName": "",
                "workflow.creationTimestamp": meta.get("creationTimestamp", ""),
            }
        )
        params = (self.spec.get("arguments") or {}).get("parameters") or []
        for p in params:
            scope.set(f"workflow.parameters.{p['name']}", p.get("value", p.get("default", "")))
        scope.set("workflow.parameters", json.dumps(params))
        return scope

    def run_exit_handler(self, scope: Scope, phase: str) -> str:
        failed = [
            {
                "displayName": n["displayName"],
                "message": n.get("message", ""),
                "templateName": n.get("templateName"),
            }
            for n in self.nodes.values()
            if n["type"] == "Pod" and n["phase"] in ("Failed", "Error")
        ]
        exit_scope = scope.child({"workflow.status": phase, "workflow.failures": json.dumps(failed)})
        template = self.templates[self.spec["onExit"]]
        name = f"{self.name}.onExit"
        node = self.run_template(template, exit_scope, {}, name, "onExit", [], None)
        return str(node["phase"])

    def run_template(
        self,
        template: dict[str, Any],
        scope: Scope,
        arguments: dict[str, Any],
        name: str,
        display: str,
        parents: list[str],
        boundary: str | None,
    ) -> dict[str, Any]:
        """Run one template (with its retries) as a node; returns the finished node."""
        local = scope.child()
        inputs = self.bind_inputs(template, arguments, local)
        retry = template.get("retryStrategy")
        leaf = "script" in template or "container" in template
        if retry and leaf:
            limit = int(local.substitute(str(retry.get("limit", 0))))
            group = self.new_node(name, display, "Retry", template["name"], parents, boundary)
            group["inputs"] = inputs
            node: dict[str, Any] = group
            for attempt in range(limit + 1):
                node = self.run_leaf(
                    template,
                    local,
                    inputs,
                    f"{name}({attempt})",
                    f"{display}({attempt})",
                    [group["id"]],
                    boundary,
                )
                if node["phase"] == "Succeeded" or self.cancel_reason is not None:
                    break
            if "outputs" in node:
                group["outputs"] = node["outputs"]
            return self.finish(group, node["phase"], node.get("message", ""))
        if leaf:
            return self.run_leaf(template, local, inputs, name, display, parents, boundary)
        kind = "Steps" if "steps" in template else "DAG" if "dag" in template else None
        if kind is None:
            other = next(
                (k for k in ("resource", "suspend", "http", "data", "containerSet") if k in template), "?"
            )
            node = self.new_node(name, display, "Pod", template["name"], parents, boundary)
            return self.finish(node, "Error", f"{other} templates are not supported by the local executor")
        node = self.new_node(name, display, kind, template["name"], parents, boundary)
        if inputs:
            node["inputs"] = inputs
        try:
            if kind == "Steps":
                phase, message = self.run_steps(template, local, node)
            else:
                phase, message = run_dag(self, template, local, node)
            self.collect_outputs(template, local, node)
        except Cancelled as exc:
            phase, message = "Failed", str(exc)
        except (ValueError, KeyError) as exc:
            phase, message = "Error", str(exc)
        return self.finish(node, phase, message)

    def bind_inputs(
        self, template: dict[str, Any], arguments: dict[str, Any], scope: Scope
    ) -> dict[str, Any]:
        given = {p["name"]: p for p in arguments.get("parameters") or []}
        given_art = {a["name"]: a for a in arguments.get("artifacts") or []}
        params = []
        for p in (template.get("inputs") or {}).get("parameters") or []:
            arg = given.get(p["name"], {})
            if "value" in arg:
                value = arg["value"]
            elif "value" in p:
                value = p["value"]
            elif "default" in p:
                value = p["default"]
            else:
                raise_missing = f"input parameter {p['name']!r} of template {template['name']!r} has no value"
                raise ValueError(raise_missing)
            value = scope.substitute(value if isinstance(value, str) else json.dumps(value))
            scope.set(f"inputs.parameters.{p['name']}", value)
            params.append({"name": p["name"], "value": value})
        scope.set("inputs.parameters", json.dumps(params))
        artifacts = []
        for a in (template.get("inputs") or {}).get("artifacts") or []:
            arg = {**a, **given_art.get(a["name"], {})}
            artifacts.append({"name": a["name"], "path": a.get("path"), **self._artifact_source(arg, scope)})
        out: dict[str, Any] = {}
        if params:
            out["parameters"] = params
        if artifacts:
            out["artifacts"] = artifacts
        return out

    def _artifact_source(self, arg: dict[str, Any], scope: Scope) -> dict[str, Any]:
        if "from" in arg:
            return {"_from": scope.substitute(str(arg["from"]))}
        if "raw" in arg:
            return {"_raw": scope.substitute(str(arg["raw"].get("data", "")))}
        if arg.get("optional"):
            return {"_optional": True}
        raise ValueError(
            f"input artifact {arg['name']!r} has no source (from/raw) the local executor can read"
        )

    # ---- steps ----------------------------------------------------------------------------
    def run_steps(self, template: dict[str, Any], scope: Scope, node: dict[str, Any]) -> tuple[str, str]:
        parents = [node["id"]]
        for index, group in enumerate(template["steps"]):
            self.check_cancel()
            gname = f"{node['name']}[{index}]"
            gnode = self.new_node(gname, f"[{index}]", "StepGroup", None, parents, node["id"])
            children = self.run_parallel(
                [(step, self.expand(step, scope)) for step in group or []],
                scope,
                lambda step, label, g=gname: (f"{g}.{label}", label),
                [gnode["id"]],
                node["id"],
                "steps",
                template.get("parallelism"),
            )
            failed = [c for c in children if c["phase"] in ("Failed", "Error") and not c.get("_continue")]
            for c in children:
                c.pop("_continue", None)
            if failed:
                self.finish(gnode, "Failed", f"child '{failed[0]['id']}' failed")
                return "Failed", f"child '{failed[0]['id']}' failed"
            self.finish(gnode, "Succeeded")
            parents = [c["id"] for c in children] or [gnode["id"]]
        return "Succeeded", ""

    def expand(self, step: dict[str, Any], scope: Scope) -> list[tuple[str, Scope]]:
        items = expand_items(step, scope)
        if items is None:
            return [(step["name"], scope)]
        return [
            (f"{step['name']}({i}:{item_label(item)})", scope.child(item_values(item)))
            for i, item in enumerate(items)
        ]

    def run_parallel(
        self,
        work: list[tuple[dict[str, Any], list[tuple[str, Scope]]]],
        scope: Scope,
        naming: Callable[[dict[str, Any], str], tuple[str, str]],
        parents: list[str],
        boundary: str,
        prefix: str,
        parallelism: Any,
    ) -> list[dict[str, Any]]:
        """Run steps (each possibly fanned out) in threads; record their outputs in ``scope``."""
        slots = threading.Semaphore(int(parallelism)) if parallelism else None
        results: dict[int, dict[str, Any]] = {}
        threads = []
        jobs = []
        for step, expansions in work:
            for label, item_scope in expansions:
                jobs.append((step, label, item_scope))

        def one(i: int, step: dict[str, Any], label: str, item_scope: Scope) -> None:
            if slots:
                slots.acquire()
            try:
                name, display = naming(step, label)
                results[i] = self.run_step(step, item_scope, name, display, parents, boundary)
            finally:
                if slots:
                    slots.release()

        for i, (step, label, item_scope) in enumerate(jobs):
            thread = threading.Thread(target=one, args=(i, step, label, item_scope), daemon=True)
            thread.start()
            threads.append(thread)
        for thread in threads:
            thread.join()
        children = [results[i] for i in sorted(results)]
        for step, expansions in work:
            mine = [results[i] for i, job in enumerate(jobs) if job[0] is step and i in results]
            record_outputs(
                scope,
                f"{prefix}.{step['name']}",
                mine,
                fanned=len(expansions) != 1 or expand_items(step, scope) is not None,
                run=self,
            )
        return children

    def run_step(
        self, step: dict[str, Any], scope: Scope, name: str, display: str, parents: list[str], boundary: str
    ) -> dict[str, Any]:
        try:
            if step.get("when") is not None:
                from .expressions import evaluate_when

                expr = scope.substitute(str(step["when"]))
                if not evaluate_when(expr):
                    node = self.new_node(name, display, "Skipped", step.get("template"), parents, boundary)
                    return self.finish(node, "Skipped", f"when '{expr}' evaluated false")
            template = self.templates[step["template"]]
            arguments = scope.deep(step.get("arguments") or {})
            node = self.run_template(template, scope, arguments, name, display, parents, boundary)
        except Exception as exc:
            node = self.new_node(name, display, "Pod", step.get("template"), parents, boundary)
            node = self.finish(node, "Error", str(exc))
        cont = step.get("continueOn") or {}
        if (node["phase"] == "Failed" and cont.get("failed")) or (
            node["phase"] == "Error" and cont.get("error")
        ):
            node["_continue"] = True
        return node

    # ---- leaves ---------------------------------------------------------------------------
    def collect_outputs(self, template: dict[str, Any], scope: Scope, node: dict[str, Any]) -> None:
        """Outputs of steps/dag templates: ``valueFrom.parameter`` expressions over children."""
        outputs = template.get("outputs") or {}
        params = []
        for p in outputs.get("parameters") or []:
            source = p.get("valueFrom") or {}
            expr = source.get("parameter") or source.get("expression") or p.get("value", "")
            value = scope.substitute(str(expr))
            params.append({"name": p["name"], "value": value})
        arts = []
        for a in outputs.get("artifacts") or []:
            src = scope.substitute(str(a.get("from") or ""))
            if src and Path(src).exists():
                self.artifacts[f"{node['id']}/{a['name']}"] = src
                arts.append({"name": a["name"]})
        if params or arts:
            node["outputs"] = {k: v for k, v in (("parameters", params), ("artifacts", arts)) if v}


def record_outputs(scope: Scope, prefix: str, nodes: list[dict[str, Any]], fanned: bool, run: Run) -> None:
    """``steps.X.outputs.*`` / ``tasks.X.outputs.*`` for one step; fanned-out steps aggregate."""
    if not nodes:
        return
    if not fanned:
        node = nodes[0]
        outputs = node.get("outputs") or {}
        scope.set(f"{prefix}.status", node["phase"])
        scope.set(f"{prefix}.id", node["id"])
        if "result" in outputs:
            scope.set(f"{prefix}.outputs.result", outputs["result"])
        if "exitCode" in outputs:
            scope.set(f"{prefix}.exitCode", outputs["exitCode"])
        for p in outputs.get("parameters") or []:
            scope.set(f"{prefix}.outputs.parameters.{p['name']}", p["value"])
        for a in outputs.get("artifacts") or []:
            stored = run.artifacts.get(f"{node['id']}/{a['name']}")
            if stored:
                scope.set(f"{prefix}.outputs.artifacts.{a['name']}", stored)
        return
    results, params = [], []
    for node in nodes:
        outputs = node.get("outputs") or {}
        if "result" in outputs:
            results.append(_json_or_text(outputs["result"]))
        params.append({p["name"]: p["value"] for p in outputs.get("parameters") or []})
    scope.set(f"{prefix}.outputs.result", json.dumps(results))
    scope.set(f"{prefix}.outputs.parameters", json.dumps(params))
    for key in {k for p in params for k in p}:
        scope.set(f"{prefix}.outputs.parameters.{key}", json.dumps([p.get(key) for p in params]))
    failed = any(n["phase"] in ("Failed", "Error") for n in nodes)
    scope.set(f"{prefix}.status", "Failed" if failed else "Succeeded")


def _json_or_text(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text
