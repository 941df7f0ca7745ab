"""DAG templates in the local executor: dependency order, ``depends`` logic, failFast, fan-out."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from .expressions import SUCCESS_LIKE, evaluate_depends
from .manifest import task_dependencies
from .scope import Scope, expand_items

if TYPE_CHECKING:
    from .executor import Run

HANDLING_STATES = ("Failed", "Errored", "AllFailed", "AnySucceeded")


def _depends_text(task: dict[str, Any]) -> str | None:
    if task.get("depends"):
        return str(task["depends"])
    deps = task.get("dependencies") or []
    return " && ".join(deps) if deps else None


def _handled(tasks: list[dict[str, Any]]) -> set[str]:
    """Tasks whose failure some other task expects (``X.Failed`` …): their failure is not the DAG's."""
    handled = set()
    for task in tasks:
        text = str(task.get("depends") or "")
        for state in HANDLING_STATES:
            for name in (t["name"] for t in tasks):
                if f"{name}.{state}" in text:
                    handled.add(name)
        if (task.get("continueOn") or {}).get("failed"):
            handled.add(task["name"])
    return handled


def _needed(tasks: dict[str, dict[str, Any]], target: str | None) -> set[str]:
    if not target:
        return set(tasks)
    needed: set[str] = set()
    stack = target.split()
    while stack:
        name = stack.pop()
        if name in needed:
            continue
        needed.add(name)
        stack.extend(task_dependencies(tasks[name]))
    return needed


def run_dag(run: Run, template: dict[str, Any], scope: Scope, dag_node: dict[str, Any]) -> tuple[str, str]:
    dag = template["dag"]
    tasks = {t["name"]: t for t in dag.get("tasks") or []}
    needed = _needed(tasks, scope.substitute(str(dag.get("target") or "")))
    handled = _handled(list(tasks.values()))
    fail_fast = dag.get("failFast", True)
    slots = threading.Semaphore(int(template["parallelism"])) if template.get("parallelism") else None
    done: dict[str, dict[str, Any]] = {}  # task -> {"phase", "nodes", "node"}
    started: set[str] = set()
    changed = threading.Condition()
    failure: list[str] = []

    def phase_of(name: str) -> str:
        return str(done[name]["phase"])

    def result_of(name: str, state: str | None) -> bool:
        phase = phase_of(name)
        children = done[name]["nodes"]
        if state is None:
            return phase in SUCCESS_LIKE
        if state == "Errored":
            return phase == "Error"
        if state == "AnySucceeded":
            return any(c["phase"] == "Succeeded" for c in children)
        if state == "AllFailed":
            return bool(children) and all(c["phase"] in ("Failed", "Error") for c in children)
        return phase == state

    def parents_of(task: dict[str, Any]) -> list[str]:
        deps = [d for d in task_dependencies(task) if d in done]
        return [done[d]["node"]["id"] for d in deps] or [dag_node["id"]]

    def work(task: dict[str, Any]) -> None:
        name = f"{dag_node['name']}.{task['name']}"
        parents = parents_of(task)
        try:
            if slots:
                slots.acquire()
            try:
                nodes, node = _run_task(run, task, scope, name, parents, dag_node["id"])
            finally:
                if slots:
                    slots.release()
        except Exception as exc:
            node = run.new_node(name, task["name"], "Pod", task.get("template"), parents, dag_node["id"])
            nodes = [run.finish(node, "Error", str(exc))]
        from .executor import record_outputs

        fanned = node["type"] == "TaskGroup"
        record_outputs(scope, f"tasks.{task['name']}", nodes if fanned else [node], fanned, run)
        with changed:
            done[task["name"]] = {"phase": node["phase"], "nodes": nodes, "node": node}
            if node["phase"] in ("Failed", "Error") and task["name"] not in handled:
                failure.append(task["name"])
            changed.notify_all()

    threads: list[threading.Thread] = []
    with changed:
        while True:
            if run.cancel_reason is not None:
                break
            ready = [
                t
                for n, t in tasks.items()
                if n in needed and n not in started and all(d in done for d in task_dependencies(t))
            ]
            if failure and fail_fast:
                ready = []
            for task in ready:
                started.add(task["name"])
                text = _depends_text(task)
                if text is not None and not evaluate_depends(text, result_of):
                    parents = parents_of(task)
                    node = run.new_node(
                        f"{dag_node['name']}.{task['name']}", task["name"], "Skipped",
                        task.get("template"), parents, dag_node["id"],
                    )  # fmt: skip
                    run.finish(node, "Omitted", f"omitted: depends condition not met ({text})")
                    done[task["name"]] = {"phase": "Omitted", "nodes": [node], "node": node}
                    continue
                thread = threading.Thread(target=work, args=(task,), daemon=True)
                thread.start()
                threads.append(thread)
            running = len(started) - len(done)
            if ready and not running:
                continue  # only omitted tasks were "started": look again
            if not running:
                break
            changed.wait(timeout=1.0)
    for thread in threads:
        thread.join()
    if run.cancel_reason is not None:
        return "Failed", run.cancel_reason
    if failure:
        return "Failed", f"task '{failure[0]}' failed"
    return "Succeeded", ""


def _run_task(
    run: Run, task: dict[str, Any], scope: Scope, name: str, parents: list[str], boundary: str
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    if expand_items(task, scope) is None:
        node = run.run_step(task, scope, name, task["name"], parents, boundary)
        node.pop("_continue", None)
        return [node], node
    group = run.new_node(name, task["name"], "TaskGroup", task.get("template"), parents, boundary)
    expansions = run.expand(task, scope)
    inner = Scope(parent=scope)  # fan-out outputs are recorded by the caller, not here
    children = run.run_parallel(
        [(task, expansions)],
        inner,
        lambda step, label: (f"{name}{label[len(task['name']) :]}", label),
        [group["id"]],
        boundary,
        "tasks",
        None,
    )
    failed = [c for c in children if c["phase"] in ("Failed", "Error") and not c.get("_continue")]
    for c in children:
        c.pop("_continue", None)
    phase = "Failed" if failed else "Succeeded"
    message = f"child '{failed[0]['id']}' failed" if failed else ""
    return children, run.finish(group, phase, message)
