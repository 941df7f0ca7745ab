"""Polar TEP workspace: a JupyterLab 4 extension bundle for polar Earth observation."""

from __future__ import annotations

from typing import Any

from ._version import __version__

__all__ = ["Map", "__version__"]


def Map(projection: str = "EPSG:3413", **kwargs: Any) -> Any:
    """A notebook map in a polar projection on the workspace tiler (see :mod:`polartep_lab.maps`)."""
    from .maps import Map as _Map

    return _Map(projection, **kwargs)


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    return [{"src": "labextension", "dest": "polartep-lab"}]


def _jupyter_server_extension_points() -> list[dict[str, Any]]:
    from .app import PolarTEP

    return [{"module": "polartep_lab.app", "app": PolarTEP}]


def load_ipython_extension(ipython: Any) -> None:
    """`%load_ext polartep_lab` registers the workspace magics."""
    from .magics import register

    register(ipython)
