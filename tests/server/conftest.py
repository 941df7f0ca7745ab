"""REST tests: a real jupyter-server with the extension, driven with `jp_fetch`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

pytest_plugins = ("pytest_jupyter.jupyter_server",)


@pytest.fixture
def polartep_data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "polartep-data"
    path.mkdir()
    return path


@pytest.fixture
def polartep_config() -> dict[str, Any]:
    """Extra `c.PolarTEP` config; tests override this fixture to swap backends."""
    return {}


@pytest.fixture
def jp_server_config(polartep_data_dir: Path, polartep_config: dict[str, Any]) -> dict[str, Any]:
    return {
        # jupyter-server-proxy serves the tiler at /polartep/tiles/ (so route tests cover it too)
        "ServerApp": {"jpserver_extensions": {"polartep_lab": True, "jupyter_server_proxy": True}},
        "PolarTEP": {"data_dir": str(polartep_data_dir), **polartep_config},
    }


async def fetch_json(jp_fetch: Any, *parts: str, **kwargs: Any) -> tuple[int, Any]:
    """Call the API and return (status, parsed JSON) without raising on 4xx."""
    kwargs.setdefault("raise_error", False)
    if "body" in kwargs and not isinstance(kwargs["body"], str | bytes):
        kwargs["body"] = json.dumps(kwargs["body"])
    response = await jp_fetch(*parts, **kwargs)
    body = response.body.decode() if response.body else ""
    try:
        return response.code, (json.loads(body) if body else None)
    except ValueError:
        return response.code, body
