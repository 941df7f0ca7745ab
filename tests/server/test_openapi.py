"""`polartep_lab/openapi.yaml` documents every route, and every documented route exists."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from openapi_spec_validator import validate

import polartep_lab

from .routes import polartep_routes

SPEC = Path(polartep_lab.__file__).parent / "openapi.yaml"


def load_spec() -> dict[str, Any]:
    return yaml.safe_load(SPEC.read_text())


def test_spec_is_valid_openapi() -> None:
    validate(load_spec())


async def test_spec_matches_registered_routes(jp_serverapp: Any, jp_base_url: str) -> None:
    spec = load_spec()
    documented = {
        (path, method.upper())
        for path, ops in spec["paths"].items()
        for method in ops
        if method in ("get", "post", "put", "patch", "delete")
    }
    registered = set()
    for route in polartep_routes(jp_serverapp, jp_base_url):
        if getattr(route.handler, "undocumented", False):
            continue
        for method in route.methods:
            registered.add((route.template(jp_base_url), method))
    assert registered - documented == set(), "routes missing from openapi.yaml"
    assert documented - registered == set(), "openapi.yaml documents routes that do not exist"
