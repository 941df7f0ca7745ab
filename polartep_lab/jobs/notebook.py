"""Notebook parameters in papermill's convention: the cell tagged ``parameters`` declares names
and defaults; an ``injected-parameters`` cell right after it overrides them for one run."""

from __future__ import annotations

import ast
from dataclasses import asdict, dataclass
from typing import Any

import nbformat

from ..core.errors import Invalid

PARAMETERS_TAG = "parameters"
INJECTED_TAG = "injected-parameters"
_TYPES: dict[type, str] = {
    bool: "boolean",
    int: "integer",
    float: "number",
    str: "string",
    list: "array",
    dict: "object",
}


@dataclass(frozen=True)
class Parameter:
    """One name of the parameters cell, as the run dialog and OGC process description show it."""

    name: str
    type: str  # boolean | integer | number | string | array | object | null | any
    default: Any
    help: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def read_notebook(text: str, field: str = "notebook") -> nbformat.NotebookNode:
    """Parse and validate notebook JSON; a non-notebook is a 400 naming ``field``."""
    try:
        nb = nbformat.reads(text, as_version=4)
        nbformat.validate(nb)
    except Exception as exc:  # nbformat raises several kinds
        raise Invalid(
            f"{field}: not a Jupyter notebook ({str(exc).splitlines()[0][:200]})", "not_a_notebook"
        ) from exc
    return nb


def _tags(cell: Any) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def parameters_cell_index(nb: nbformat.NotebookNode) -> int | None:
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and PARAMETERS_TAG in _tags(cell):
            return index
    return None


def _type_of(value: Any) -> str:
    if value is None:
        return "null"
    return _TYPES.get(type(value), "any")


def declared_parameters(nb: nbformat.NotebookNode) -> list[Parameter]:
    """Names, defaults and types of the parameters cell (literal assignments; others are `any`)."""
    index = parameters_cell_index(nb)
    if index is None:
        return []
    source = nb.cells[index].source
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    lines = source.splitlines()
    found: list[Parameter] = []
    for node in tree.body:
        target, value = None, None
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            target, value = node.targets[0].id, node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            target, value = node.target.id, node.value
        if target is None or value is None:
            continue
        try:
            default = ast.literal_eval(value)
            kind = _type_of(default)
        except ValueError:
            default, kind = ast.get_source_segment(source, value), "any"
        line = lines[node.lineno - 1] if node.lineno - 1 < len(lines) else ""
        comment = line.split("#", 1)[1].strip() if "#" in line[node.end_col_offset or 0 :] else ""
        found.append(Parameter(target, kind, default, comment))
    return found


def check_parameters(nb: nbformat.NotebookNode, values: dict[str, Any]) -> None:
    """A value must have the type of its default (an integer is fine for a number); 400 names it."""
    declared = {p.name: p for p in declared_parameters(nb)}
    for name, value in values.items():
        if not name.isidentifier():
            raise Invalid(f"parameters.{name}: not a valid Python name", "bad_parameter")
        param = declared.get(name)
        if param is None or param.type in ("any", "null"):
            continue
        got = _type_of(value)
        if got == param.type or (param.type == "number" and got == "integer"):
            continue
        raise Invalid(
            f"parameters.{name}: expected {param.type} like its default {param.default!r}, got {got}",
            "bad_parameter",
        )


def inject_parameters(
    nb: nbformat.NotebookNode, values: dict[str, Any], kernel_language: str = "python"
) -> None:
    """Insert (or replace) the ``injected-parameters`` cell after the parameters cell, in place."""
    nb.cells = [c for c in nb.cells if INJECTED_TAG not in _tags(c)]
    if not values:
        return
    lines = ["# Parameters"] + [f"{name} = {value!r}" for name, value in values.items()]
    cell = nbformat.v4.new_code_cell("\n".join(lines) + "\n")
    cell.metadata["tags"] = [INJECTED_TAG]
    index = parameters_cell_index(nb)
    nb.cells.insert(0 if index is None else index + 1, cell)


def mark_error(nb: nbformat.NotebookNode, cell_index: int, ename: str, evalue: str) -> None:
    """Highlight the failed cell and put a banner on top linking to it (papermill style)."""
    anchor = "polartep-error"
    cell = nb.cells[cell_index]
    cell.metadata.setdefault("polartep", {})["error"] = True
    tags = _tags(cell)
    if "polartep-error" not in tags:
        cell.metadata["tags"] = [*tags, "polartep-error"]
    execution = cell.get("execution_count")
    banner = nbformat.v4.new_markdown_cell(
        f'<span style="color:red; font-weight:bold">An exception was raised in cell {cell_index + 1}'
        f"{f' (In [{execution}])' if execution else ''}: {ename}: {evalue}</span> "
        f"[Go to the failed cell](#{anchor})"
    )
    banner.metadata["tags"] = ["polartep-error-banner"]
    marker = nbformat.v4.new_markdown_cell(
        f'<span id="{anchor}" style="color:red; font-weight:bold">The exception below stopped the job.</span>'
    )
    marker.metadata["tags"] = ["polartep-error-marker"]
    nb.cells.insert(cell_index, marker)
    nb.cells.insert(0, banner)
