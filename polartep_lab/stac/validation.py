"""Validate STAC objects against the official JSON schemas shipped in `schemas/` (offline).

An object is checked against the core schema of its `stac_version` and against the schema of every
extension it declares in `stac_extensions` that is bundled here (eo, projection, raster, view, file,
sat, sar, …; see `schemas/SOURCE.md`). Nothing is ever downloaded. An extension that is not bundled
cannot be checked: :func:`unbundled_extensions` names them, and the service either refuses the
object or accepts it with a warning (`c.PolarTEP.stac_unknown_extensions`).
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator, ValidationError
from jsonschema.exceptions import best_match
from referencing import Registry, Resource
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT7

from ..core.errors import Invalid

SCHEMAS_DIR = Path(__file__).parent / "schemas"
VERSIONS = ("1.0.0", "1.1.0")
_KIND_PATH = {
    "item": "item-spec/json-schema/item.json",
    "collection": "collection-spec/json-schema/collection.json",
    "catalog": "catalog-spec/json-schema/catalog.json",
}
#: schema URL prefix -> bundled folder (relative to SCHEMAS_DIR)
_URL_ROOTS = (
    ("https://schemas.stacspec.org/", ""),
    ("https://geojson.org/schema/", "geojson/"),
    ("https://stac-extensions.github.io/", "extensions/"),
    ("https://proj.org/schemas/", "proj/"),
)
_EXTENSION_URL = re.compile(
    r"^https://stac-extensions\.github\.io/([a-z0-9-]+)/(v[0-9][0-9A-Za-z.\-]*)/schema\.json$"
)


class StacInvalid(Invalid):
    """A STAC object that fails its schema: the message lists every error."""

    def __init__(self, kind: str, errors: list[str]) -> None:
        super().__init__(f"invalid STAC {kind}: " + "; ".join(errors), "invalid_stac")
        self.errors = errors


def local_schema(url: str) -> Path | None:
    """The bundled copy of the schema at `url` (core, GeoJSON, extension, PROJJSON), or None."""
    if not isinstance(url, str):
        return None
    url = url.split("#", 1)[0]
    for prefix, folder in _URL_ROOTS:
        if url.startswith(prefix):
            rel = folder + url[len(prefix) :]
            if folder == "" and not rel.startswith(tuple(f"v{v}/" for v in VERSIONS)):
                return None
            path = (SCHEMAS_DIR / rel).resolve()
            if path.is_relative_to(SCHEMAS_DIR.resolve()) and path.is_file() and path.suffix == ".json":
                return path
            return None
    return None


def _url_of(path: Path) -> str:
    rel = path.relative_to(SCHEMAS_DIR).as_posix()
    for prefix, folder in reversed(_URL_ROOTS):
        if folder and rel.startswith(folder):
            return prefix + rel[len(folder) :]
    return "https://schemas.stacspec.org/" + rel


@cache
def _registry() -> Registry:
    """Every schema keyed by the URL derived from its path (not its `$id`, see SOURCE.md)."""
    resources = []
    for path in SCHEMAS_DIR.rglob("*.json"):
        url = _url_of(path)
        contents = json.loads(path.read_text(encoding="utf-8"))
        resource = Resource.from_contents(contents, default_specification=DRAFT7)
        resources.append((url, resource))
        # most ids end in '#'
        resources.append((url + "#", resource))
    return Registry().with_resources(resources)


@cache
def _validator(url: str) -> Draft7Validator:
    schema = _registry().contents(url)
    # resolve relative refs against the path-derived URL, not the schema's own `$id`
    return Draft7Validator({**schema, "$id": url}, registry=_registry())


def _core_validator(kind: str, version: str) -> Draft7Validator:
    return _validator(f"https://schemas.stacspec.org/v{version}/{_KIND_PATH[kind]}")


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


def _not_this_kind(error: ValidationError) -> bool:
    """An error saying the object is not of the type a oneOf branch is for (Item vs Collection)."""
    return list(error.relative_path) == ["type"] and error.validator in ("const", "enum")


def _extension_errors(error: ValidationError) -> list[ValidationError]:
    """Extension schemas are `oneOf: [item branch, collection branch, …]`: keep the errors of the
    branch(es) written for this object's `type`, so the reason is about the field, not the type."""
    if error.validator != "oneOf" or not error.context:
        return [error]
    branches: dict[Any, list[ValidationError]] = {}
    for sub in error.context:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)
    relevant = [errs for errs in branches.values() if not any(_not_this_kind(e) for e in errs)]
    if len(relevant) != 1:
        return [error]
    return sorted(relevant[0], key=lambda e: list(e.absolute_path))


def _extension_name(url: str) -> str:
    match = _EXTENSION_URL.match(url)
    return f"{match.group(1)} {match.group(2)}" if match else url


def plain_json(obj: Any, kind: str) -> Any:
    """`obj` as plain JSON data (tuples become lists, as when it arrives over HTTP); a value JSON
    cannot hold is a validation error, not a crash."""
    try:
        return json.loads(json.dumps(obj, allow_nan=False))
    except (TypeError, ValueError) as exc:
        raise StacInvalid(kind, [f"(root): not plain JSON data ({exc})"]) from exc


def declared_extensions(obj: Any) -> list[str]:
    """The `stac_extensions` URLs an object declares (strings only; the core schema checks the rest)."""
    if not isinstance(obj, dict) or not isinstance(obj.get("stac_extensions"), list):
        return []
    return [url for url in obj["stac_extensions"] if isinstance(url, str)]


def unbundled_extensions(obj: Any) -> list[str]:
    """Declared extensions whose schema is not bundled here (so they cannot be checked offline)."""
    return [url for url in declared_extensions(obj) if local_schema(url) is None]


def bundled_extensions() -> list[str]:
    """Schema URLs of every bundled extension, sorted."""
    return sorted(_url_of(p) for p in (SCHEMAS_DIR / "extensions").rglob("schema.json"))


def _errors_against(validator: Draft7Validator, obj: dict[str, Any], suffix: str = "") -> list[str]:
    found = []
    try:
        errors = sorted(validator.iter_errors(obj), key=lambda e: list(e.absolute_path))
        if suffix:
            errors = [sub for e in errors for sub in _extension_errors(e)]
    except Unresolvable as exc:
        return [f"(root): the schema refers to {exc.ref!r}, which is not available offline{suffix}"]
    for error in errors:
        where = "/".join(str(p) for p in error.absolute_path) or "(root)"
        found.append(f"{where}: {_message(error)}{suffix}")
    return found


def errors_of(obj: Any, kind: str) -> list[str]:
    """Readable schema errors of a STAC `kind` ('item', 'collection', 'catalog'); [] if valid.

    The core schema first; then, if it passes, the schema of each bundled extension declared."""
    if not isinstance(obj, dict):
        return [f"a STAC {kind} must be a JSON object"]
    version = obj.get("stac_version")
    if version not in VERSIONS:
        return [f"stac_version: must be one of {', '.join(VERSIONS)} (got {version!r})"]
    found = _errors_against(_core_validator(kind, version), obj)
    if found:
        return found
    for url in dict.fromkeys(declared_extensions(obj)):
        if local_schema(url) is not None:
            schema_url = _url_of(local_schema(url))  # type: ignore[arg-type]
            found += _errors_against(_validator(schema_url), obj, f" (extension {_extension_name(url)})")
    return found


def validate(obj: Any, kind: str) -> dict[str, Any]:
    """Return `obj` if it is a valid STAC `kind`, else raise :class:`StacInvalid` (HTTP 400)."""
    errors = errors_of(obj, kind)
    if errors:
        raise StacInvalid(kind, errors)
    return obj  # type: ignore[no-any-return]
