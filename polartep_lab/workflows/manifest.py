"""Argo Workflow manifests: parse, validate against Argo's JSON schema, check semantics.

Every manifest the workspace writes or submits passes :func:`check` first. Problems come back as
:class:`Problem` (a JSON path like ``spec.templates[1].dag.tasks[0].depends`` and a reason), so the
REST face and the editor can show where a manifest is wrong.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ..core.errors import Invalid
from .expressions import ExpressionError, depends_names

CONTRACTS = Path(__file__).parent / "contracts"
KINDS = ("Workflow", "WorkflowTemplate", "ClusterWorkflowTemplate")
TEMPLATE_TYPES = (
    "container",
    "script",
    "steps",
    "dag",
    "resource",
    "suspend",
    "containerSet",
    "data",
    "http",
)
_REF = re.compile(r"\{\{\s*([^{}]+?)\s*\}\}")


@dataclass(frozen=True)
class Problem:
    path: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "message": self.message}

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class ManifestError(Invalid):
    """A manifest that may not run: carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        shown = "; ".join(str(p) for p in problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        super().__init__(f"invalid workflow manifest: {shown}{more}", "invalid_manifest")
        self.problems = problems


def parse(text: str) -> dict[str, Any]:
    """YAML (or JSON) text -> the manifest mapping; bad YAML is an :class:`Invalid` with its line."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ManifestError([Problem("", f"invalid YAML: {where}{problem}")]) from exc
    if not isinstance(data, dict):
        raise ManifestError([Problem("", "a workflow manifest must be a YAML mapping")])
    return data


def dump(manifest: dict[str, Any]) -> str:
    """The manifest as YAML, keys in their own order (what the editor saves)."""
    return yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True, width=100)


INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString"


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    """Argo's schema.json; its IntOrString says only ``string``, but Kubernetes (and the Argo server)
    take ``limit: 3`` as well, so that one definition accepts integers too."""
    data: dict[str, Any] = json.loads((CONTRACTS / "schema.json").read_text(encoding="utf-8"))
    data["definitions"][INT_OR_STRING] = {"anyOf": [{"type": "string"}, {"type": "integer"}]}
    return data


@lru_cache(maxsize=4)
def _validator(kind: str) -> Any:
    from jsonschema import Draft202012Validator

    definitions = schema()["definitions"]
    return Draft202012Validator(
        {"$ref": f"#/definitions/io.argoproj.workflow.v1alpha1.{kind}", "definitions": definitions}
    )


def json_path(parts: Any) -> str:
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def schema_problems(manifest: dict[str, Any]) -> list[Problem]:
    kind = manifest.get("kind")
    if kind not in KINDS:
        return [Problem("kind", f"must be one of {', '.join(KINDS)}, not {kind!r}")]
    problems = []
    for error in sorted(_validator(kind).iter_errors(manifest), key=lambda e: list(map(str, e.path))):
        best = error
        # oneOf/anyOf errors: report the most specific sub-error
        while best.context:
            best = min(best.context, key=lambda e: len(e.context or []) - len(e.absolute_path))
        problems.append(Problem(json_path(best.absolute_path), best.message))
    if not problems:
        ref = {"$ref": f"#/definitions/io.argoproj.workflow.v1alpha1.{kind}"}
        problems = [p for p in unknown_fields(manifest, ref, []) if not p.path.startswith("metadata.")]
    return problems


def unknown_fields(value: Any, node: dict[str, Any], path: list[Any]) -> list[Problem]:
    """Keys the schema does not define (a typo such as ``depend:``), which Argo's strict decoding
    refuses; the schema itself allows them (it has no ``additionalProperties: false``)."""
    definitions = schema()["definitions"]
    while "$ref" in node:
        node = definitions[node["$ref"].rsplit("/", 1)[-1]]
    problems: list[Problem] = []
    if isinstance(value, dict) and "properties" in node:
        props = node["properties"]
        for key, item in value.items():
            if key not in props:
                problems.append(Problem(json_path([*path, key]), f"unknown field {key!r}"))
            else:
                problems += unknown_fields(item, props[key], [*path, key])
    elif isinstance(value, list) and isinstance(node.get("items"), dict):
        for i, item in enumerate(value):
            problems += unknown_fields(item, node["items"], [*path, i])
    return problems


def _template_kind(template: dict[str, Any]) -> str | None:
    found = [t for t in TEMPLATE_TYPES if t in template]
    return found[0] if len(found) == 1 else None


def semantic_problems(manifest: dict[str, Any], *, require_arguments: bool = False) -> list[Problem]:
    """What Argo's lint checks beyond structure: entrypoint, references, cycles, parameters."""
    problems: list[Problem] = []
    spec = manifest.get("spec") or {}
    templates = spec.get("templates") or []
    by_name: dict[str, dict[str, Any]] = {}
    for i, template in enumerate(templates):
        name = template.get("name")
        if name in by_name:
            problems.append(Problem(f"spec.templates[{i}].name", f"duplicate template name {name!r}"))
        by_name[name] = template
        kinds = [t for t in TEMPLATE_TYPES if t in template]
        if len(kinds) != 1:
            problems.append(
                Problem(
                    f"spec.templates[{i}]", f"template {name!r} must have exactly one of {TEMPLATE_TYPES}"
                )
            )
    if not spec.get("workflowTemplateRef"):
        entry = spec.get("entrypoint")
        if not entry:
            problems.append(Problem("spec.entrypoint", "missing: name the template to start with"))
        elif entry not in by_name:
            problems.append(Problem("spec.entrypoint", f"no template named {entry!r}"))
    on_exit = spec.get("onExit")
    if on_exit and on_exit not in by_name:
        problems.append(Problem("spec.onExit", f"no template named {on_exit!r}"))
    for i, template in enumerate(templates):
        base = f"spec.templates[{i}]"
        for s, group in enumerate(template.get("steps") or []):
            for j, step in enumerate(group or []):
                problems += _reference(step, by_name, f"{base}.steps[{s}][{j}]")
        dag = template.get("dag")
        if dag:
            problems += _dag_problems(dag, by_name, f"{base}.dag")
    if require_arguments and manifest.get("kind") == "Workflow":
        for i, param in enumerate((spec.get("arguments") or {}).get("parameters") or []):
            if "value" not in param and "valueFrom" not in param and "default" not in param:
                problems.append(
                    Problem(
                        f"spec.arguments.parameters[{i}]",
                        f"parameter {param.get('name')!r} needs a value",
                    )
                )
    return problems


def _reference(step: dict[str, Any], by_name: dict[str, Any], path: str) -> list[Problem]:
    if "templateRef" in step or "inline" in step:
        return []
    ref = step.get("template")
    if not ref:
        return [Problem(f"{path}.template", "missing: name the template this step runs")]
    if ref not in by_name:
        return [Problem(f"{path}.template", f"no template named {ref!r}")]
    return []


def _dag_problems(dag: dict[str, Any], by_name: dict[str, Any], base: str) -> list[Problem]:
    problems: list[Problem] = []
    tasks = dag.get("tasks") or []
    names = [t.get("name") for t in tasks]
    edges: dict[str, list[str]] = {}
    for j, task in enumerate(tasks):
        path = f"{base}.tasks[{j}]"
        problems += _reference(task, by_name, path)
        try:
            deps = task_dependencies(task)
        except ExpressionError as exc:
            problems.append(Problem(f"{path}.depends", str(exc)))
            deps = []
        for dep in deps:
            if dep not in names:
                problems.append(Problem(f"{path}.depends", f"unknown task {dep!r}"))
        edges[task.get("name")] = [d for d in deps if d in names]
    cycle = find_cycle(edges)
    if cycle:
        problems.append(Problem(f"{base}.tasks", f"dependency cycle: {' -> '.join(cycle)}"))
    if dag.get("target"):
        for target in str(dag["target"]).split():
            if target not in names:
                problems.append(Problem(f"{base}.target", f"unknown task {target!r}"))
    return problems


def task_dependencies(task: dict[str, Any]) -> list[str]:
    """Names a DAG task waits for (``dependencies`` list or the ``depends`` expression)."""
    if task.get("depends"):
        return depends_names(str(task["depends"]))
    return [str(d) for d in task.get("dependencies") or []]


def find_cycle(edges: dict[str, list[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for dep in edges.get(node, []):
            if state.get(dep) == 1:
                return [*stack[stack.index(dep) :], dep]
            if state.get(dep) is None:
                found = visit(dep)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in edges:
        if state.get(node) is None:
            found = visit(node)
            if found:
                return found
    return None


def problems_of(manifest: dict[str, Any], *, require_arguments: bool = False) -> list[Problem]:
    problems = schema_problems(manifest)
    if not problems:
        problems = semantic_problems(manifest, require_arguments=require_arguments)
    return problems


def check(manifest: dict[str, Any], *, require_arguments: bool = False) -> dict[str, Any]:
    """Raise :class:`ManifestError` unless the manifest is valid; return it otherwise."""
    problems = problems_of(manifest, require_arguments=require_arguments)
    if problems:
        raise ManifestError(problems)
    return manifest


def apply_parameters(manifest: dict[str, Any], parameters: dict[str, Any] | None) -> dict[str, Any]:
    """A copy with ``spec.arguments.parameters`` overridden; unknown names are refused."""
    manifest = json.loads(json.dumps(manifest))
    if not parameters:
        return manifest
    spec = manifest.setdefault("spec", {})
    params = spec.setdefault("arguments", {}).setdefault("parameters", [])
    known = {p.get("name"): p for p in params}
    for name, value in parameters.items():
        if name not in known:
            raise Invalid(
                f"parameters.{name}: the workflow has no parameter {name!r} "
                f"(it has: {', '.join(map(str, known)) or 'none'})",
                "unknown_parameter",
            )
        known[name]["value"] = value if isinstance(value, str) else json.dumps(value)
        known[name].pop("valueFrom", None)
    return manifest


def references(text: str) -> list[str]:
    """The ``{{ … }}`` expressions in a string."""
    return [m.group(1) for m in _REF.finditer(text)]
