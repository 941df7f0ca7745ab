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


def tiles(line: str) -> dict[str, str]:
    """`%tiles <raster path or URL> [key=value …]`: the tile URL templates in every projection."""
    from .maps import tile_urls

    words = line.split()
    if not words:
        raise ValueError("usage: %tiles <raster path or URL> [rescale=0,50 colormap_name=viridis …]")
    params = dict(w.split("=", 1) for w in words[1:] if "=" in w)
    urls = tile_urls(words[0], **params)
    for projection, template in urls.items():
        print(f"{projection}: {template}")
    return urls


def register(ipython: Any) -> None:
    """Register every workspace magic (feature modules are imported only now, in the kernel)."""
    from .jobs.magic import job
    from .secrets.kernel import secret_magic
    from .stac.magics import register as register_stac
    from .workflows.magic import workflow

    ipython.register_magic_function(polartep, "line", "polartep")
    ipython.register_magic_function(tiles, "line", "tiles")
    ipython.register_magic_function(workflow, "cell", "workflow")
    ipython.register_magic_function(job, "line", "job")
    ipython.register_magic_function(secret_magic, "line", "secret")
    register_stac(ipython)
