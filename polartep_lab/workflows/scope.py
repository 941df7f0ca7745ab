"""``{{…}}`` substitution: the variables a template sees while it runs (Argo's names)."""

from __future__ import annotations

import json
import re
from typing import Any

_VAR = re.compile(r"\{\{\s*([^{}]+?)\s*\}\}")


class Scope:
    """Flat map of Argo variable names (``inputs.parameters.x``, ``steps.a.outputs.result``…)."""

    def __init__(self, values: dict[str, str] | None = None, parent: Scope | None = None) -> None:
        self.values: dict[str, str] = dict(values or {})
        self.parent = parent

    def child(self, values: dict[str, str] | None = None) -> Scope:
        return Scope(values, self)

    def get(self, key: str) -> str | None:
        scope: Scope | None = self
        while scope is not None:
            if key in scope.values:
                return scope.values[key]
            scope = scope.parent
        return None

    def set(self, key: str, value: Any) -> None:
        self.values[key] = value if isinstance(value, str) else json.dumps(value)

    def substitute(self, text: str) -> str:
        def repl(match: re.Match[str]) -> str:
            value = self.get(match.group(1))
            return match.group(0) if value is None else value

        return _VAR.sub(repl, text)

    def deep(self, value: Any) -> Any:
        """Substitute in every string of a JSON-like value."""
        if isinstance(value, str):
            return self.substitute(value)
        if isinstance(value, list):
            return [self.deep(v) for v in value]
        if isinstance(value, dict):
            return {k: self.deep(v) for k, v in value.items()}
        return value

    def unresolved(self, text: str) -> list[str]:
        return [m.group(1) for m in _VAR.finditer(text) if self.get(m.group(1)) is None]


def item_values(item: Any) -> dict[str, str]:
    """``{{item}}`` and, for mapping items, ``{{item.key}}``."""
    values = {"item": item if isinstance(item, str) else json.dumps(item)}
    if isinstance(item, dict):
        for key, value in item.items():
            values[f"item.{key}"] = value if isinstance(value, str) else json.dumps(value)
    return values


def item_label(item: Any) -> str:
    if isinstance(item, dict):
        return ",".join(f"{k}:{v}" for k, v in item.items())
    return item if isinstance(item, str) else json.dumps(item)


def expand_items(step: dict[str, Any], scope: Scope) -> list[Any] | None:
    """The items of ``withItems``/``withParam``/``withSequence``, or None when the step has none."""
    if "withItems" in step:
        return [scope.deep(i) for i in step["withItems"]]
    if "withParam" in step:
        raw = scope.substitute(str(step["withParam"]))
        try:
            items = json.loads(raw)
        except ValueError as exc:
            raise ValueError(f"withParam is not a JSON list: {raw[:200]!r}") from exc
        if not isinstance(items, list):
            raise ValueError(f"withParam is not a JSON list: {raw[:200]!r}")
        return items
    if "withSequence" in step:
        seq = scope.deep(step["withSequence"])
        start = int(seq.get("start", 0))
        end = start + int(seq["count"]) - 1 if "count" in seq else int(seq.get("end", 0))
        fmt = seq.get("format")
        step_by = 1 if end >= start else -1
        numbers = range(start, end + step_by, step_by)
        return [(fmt % n) if fmt else str(n) for n in numbers]
    return None
