"""IPython magics over the workspace services: `%load_ext polartep_lab`, then `%polartep …`."""

from __future__ import annotations

from typing import Any

from ._version import __version__


def polartep(line: str) -> Any:
    """`%polartep` (version), `%polartep examples`, `%polartep docs`."""
    words = line.split()
    command = words[0] if words else "version"
    if command == "version":
        return __version__
    if command == "examples":
        from pathlib import Path

        from .examples.service import ExampleLibrary

        return [e.name for e in ExampleLibrary(Path.cwd()).list()]
    if command == "docs":
        from .docs.service import Guide

        return [p.slug for p in Guide().pages()]
    raise ValueError(f"unknown %polartep command {command!r}: use version, examples or docs")


def register(ipython: Any) -> None:
    from .secrets.kernel import secret_magic

    ipython.register_magic_function(polartep, "line", "polartep")
    ipython.register_magic_function(secret_magic, "line", "secret")
