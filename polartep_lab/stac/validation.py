"""Validate STAC objects against the official JSON schemas shipped in `schemas/` (offline)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator, ValidationError
from jsonschema.exceptions import best_match
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from ..core.errors import Invalid

SCHEMAS_DIR = Path(__file__).parent / "schemas"
VERSIONS = ("1.0.0", "1.1.0")
_KIND_PATH = {
    "item": "item-spec/json-schema/item.json",
    "collection": "collection-spec/json-schema/collection.json",
    "catalog": "catalog-spec/json-schema/catalog.json",
}


class StacInvalid(Invalid):
    """A STAC object that fails its schema: the message lists every error."""

    def __init__(self, kind: str, errors: list[str]) -> None:
        super().__init__(f"invalid STAC {kind}: " + "; ".join(errors), "invalid_stac")
        self.errors = errors


@cache
def _registry() -> Registry:
    """Every schema keyed by the URL derived from its path (not its `$id`, see SOURCE.md)."""
    resources = []
    for path in SCHEMAS_DIR.rglob("*.json"):
        rel = path.relative_to(SCHEMAS_DIR).as_posix()
        if rel.startswith("geojson/"):
            url = "https://geojson.org/schema/" + rel.split("/", 1)[1]
        else:
            url = "https://schemas.stacspec.org/" + rel
        contents = json.loads(path.read_text(encoding="utf-8"))
        resource = Resource.from_contents(contents, default_specification=DRAFT7)
        resources.append((url, resource))
        # v1.0.0 ids end in '#'
        resources.append((url + "#", resource))
    return Registry().with_resources(resources)


@cache
def _validator(kind: str, version: str) -> Draft7Validator:
    url = f"https://schemas.stacspec.org/v{version}/{_KIND_PATH[kind]}"
    schema = _registry().contents(url)
    # resolve relative refs against the path-derived URL, not the schema's own `$id`
    return Draft7Validator({**schema, "$id": url}, registry=_registry())


def _message(error: ValidationError) -> str:
    """The deepest useful reason, without the whole offending instance repeated."""
    if error.context:
        deepest = best_match(error.context)
        if deepest is not None:
            path = "/".join(str(p) for p in deepest.relative_path)
            inner = _message(deepest)
            return f"{path}: {inner}" if path else inner
    message = error.message
    if error.validator in ("oneOf", "anyOf", "allOf", "not") or len(message) > 200:
        return f"does not satisfy the schema's '{error.validator}' rule at {error.json_path}"
    return message


def plain_json(obj: Any, kind: str) -> Any:
    """`obj` as plain JSON data (tuples become lists, as when it arrives over HTTP); a value JSON
    cannot hold is a validation error, not a crash."""
    try:
        return json.loads(json.dumps(obj, allow_nan=False))
    except (TypeError, ValueError) as exc:
        raise StacInvalid(kind, [f"(root): not plain JSON data ({exc})"]) from exc


def errors_of(obj: Any, kind: str) -> list[str]:
    """Readable schema errors of a STAC `kind` ('item', 'collection', 'catalog'); [] if valid."""
    if not isinstance(obj, dict):
        return [f"a STAC {kind} must be a JSON object"]
    version = obj.get("stac_version")
    if version not in VERSIONS:
        return [f"stac_version: must be one of {', '.join(VERSIONS)} (got {version!r})"]
    found = []
    for error in sorted(_validator(kind, version).iter_errors(obj), key=lambda e: list(e.absolute_path)):
        where = "/".join(str(p) for p in error.absolute_path) or "(root)"
        found.append(f"{where}: {_message(error)}")
    return found


def validate(obj: Any, kind: str) -> dict[str, Any]:
    """Return `obj` if it is a valid STAC `kind`, else raise :class:`StacInvalid` (HTTP 400)."""
    errors = errors_of(obj, kind)
    if errors:
        raise StacInvalid(kind, errors)
    return obj  # type: ignore[no-any-return]
