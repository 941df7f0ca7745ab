"""``%job run nb.ipynb -p name value … [--wait] [--timeout S] [--kernel K] [--tag T]``, ``%job list``."""

from __future__ import annotations

import ast
import shlex
from typing import Any


def parse_value(text: str) -> Any:
    """``2024`` -> int, ``0.5`` -> float, ``True`` -> bool, ``[1, 2]`` -> list, else the string."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def parse_run(words: list[str]) -> tuple[str, dict[str, Any], dict[str, Any], bool]:
    if not words:
        raise ValueError(
            "usage: %job run NOTEBOOK [-p NAME VALUE]... [--wait] [--timeout S] [--kernel K] [--tag T]"
        )
    path, params, options, wait = words[0], {}, {}, False
    rest = words[1:]
    while rest:
        flag = rest.pop(0)
        if flag in ("-p", "--parameter"):
            if len(rest) < 2:
                raise ValueError(f"{flag} needs NAME VALUE")
            name, value = rest.pop(0), rest.pop(0)
            params[name] = parse_value(value)
        elif flag == "--wait":
            wait = True
        elif flag == "--timeout" and rest:
            options["timeout"] = float(rest.pop(0))
        elif flag == "--kernel" and rest:
            options["kernel"] = rest.pop(0)
        elif flag == "--tag" and rest:
            options.setdefault("tags", []).append(rest.pop(0))
        else:
            raise ValueError(f"unknown option {flag!r}")
    return path, params, options, wait


def job(line: str) -> Any:
    from . import api

    words = shlex.split(line)
    command = words[0] if words else "list"
    if command == "run":
        path, params, options, wait = parse_run(words[1:])
        return api.submit(path, parameters=params, wait=wait, **options)
    if command == "list":
        return api.list_jobs(status=words[1] if len(words) > 1 else None)
    if command in ("status", "wait", "cancel", "log") and len(words) > 1:
        found = api.get(words[1])
        if command == "wait":
            return found.wait()
        if command == "cancel":
            return found.cancel()
        if command == "log":
            print(found.log())
            return None
        return found
    raise ValueError(
        "usage: %job run NOTEBOOK -p NAME VALUE … | %job list [STATUS] | %job status|wait|cancel|log ID"
    )
