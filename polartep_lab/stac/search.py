"""Item search requests: parsed once (GET query or POST body), answered by any store.

Bad input raises :class:`Invalid` naming the parameter (HTTP 400).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import cql2
from shapely.geometry.base import BaseGeometry

from ..core.errors import Invalid
from .geometry import bbox_geometry, footprint, parse_bbox

DEFAULT_LIMIT = 10
#: what an item keeps when `fields.include` is given but empty
DEFAULT_FIELDS = ("id", "type", "stac_version", "geometry", "bbox", "links", "assets", "properties.datetime",
                  "collection")  # fmt: skip
MAX_LIMIT = 10_000
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def parse_instant(text: str, name: str = "datetime") -> datetime:
    """An RFC 3339 date-time with a time zone (`2024-03-01T00:00:00Z`)."""
    value = text.strip()
    if not _RFC3339.match(value):
        raise Invalid(f"{name}: {text!r} is not an RFC 3339 date-time", "bad_datetime")
    try:
        parsed = datetime.fromisoformat(value.replace("z", "Z").replace("Z", "+00:00"))
    except ValueError as exc:
        raise Invalid(f"{name}: {text!r} is not a valid date-time ({exc})", "bad_datetime") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def parse_interval(text: Any, name: str = "datetime") -> tuple[datetime | None, datetime | None]:
    """`instant`, `start/end`, `../end`, `start/..` (open ends may also be empty)."""
    if not isinstance(text, str) or not text.strip():
        raise Invalid(f"{name}: expected an RFC 3339 date-time or interval", "bad_datetime")
    if "/" not in text:
        instant = parse_instant(text, name)
        return instant, instant
    parts = text.split("/")
    if len(parts) != 2:
        raise Invalid(f"{name}: an interval has exactly one '/'", "bad_datetime")
    start = None if parts[0].strip() in ("", "..") else parse_instant(parts[0], name)
    end = None if parts[1].strip() in ("", "..") else parse_instant(parts[1], name)
    if start is None and end is None:
        raise Invalid(f"{name}: an interval needs at least one end", "bad_datetime")
    if start is not None and end is not None and start > end:
        raise Invalid(f"{name}: start is after end", "bad_datetime")
    return start, end


def iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f").rstrip("0").rstrip(".") + "Z"


@dataclass
class SearchRequest:
    collections: list[str] | None = None
    ids: list[str] | None = None
    bbox: list[float] | None = None
    intersects: dict[str, Any] | None = None
    datetime: tuple[datetime | None, datetime | None] | None = None
    filter: dict[str, Any] | None = None
    sortby: list[tuple[str, str]] = field(default_factory=list)
    include: list[str] | None = None
    exclude: list[str] | None = None
    limit: int = DEFAULT_LIMIT
    token: str | None = None

    def area(self) -> BaseGeometry | None:
        """The search area as a planar shape (dateline-split), or None for anywhere."""
        if self.intersects is not None:
            return footprint(self.intersects, "intersects")
        if self.bbox is not None:
            return bbox_geometry(self.bbox)
        return None

    def to_body(self) -> dict[str, Any]:
        """The request as a STAC API POST body (what `next`/`prev` links carry)."""
        body: dict[str, Any] = {"limit": self.limit}
        if self.collections:
            body["collections"] = self.collections
        if self.ids:
            body["ids"] = self.ids
        if self.bbox is not None:
            body["bbox"] = self.bbox
        if self.intersects is not None:
            body["intersects"] = self.intersects
        if self.datetime is not None:
            start, end = self.datetime
            body["datetime"] = (
                iso(start)
                if start is not None and start == end
                else f"{iso(start) if start else '..'}/{iso(end) if end else '..'}"
            )
        if self.filter is not None:
            body["filter"] = self.filter
            body["filter-lang"] = "cql2-json"
        if self.sortby:
            body["sortby"] = [{"field": f, "direction": d} for f, d in self.sortby]
        if self.include is not None or self.exclude:
            fields: dict[str, list[str]] = {"exclude": self.exclude or []}
            if self.include is not None:
                fields["include"] = self.include
            body["fields"] = fields
        if self.token:
            body["token"] = self.token
        return body


def _str_list(value: Any, name: str) -> list[str]:
    if isinstance(value, str):
        items = [v.strip() for v in value.split(",") if v.strip()]
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        items = list(value)
    else:
        raise Invalid(f"{name}: expected a list of strings", f"bad_{name}")
    return items


def _limit(value: Any) -> int:
    try:
        limit = int(value)
        if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
            raise ValueError
    except (TypeError, ValueError) as exc:
        raise Invalid(f"limit: expected an integer, got {value!r}", "bad_limit") from exc
    if limit < 1:
        raise Invalid("limit: must be at least 1", "bad_limit")
    return min(limit, MAX_LIMIT)


#: CQL2 operators (basic, advanced comparison, spatial, temporal, array, arithmetic, functions)
CQL2_OPS = frozenset([
    "and", "or", "not", "=", "<>", "<", "<=", ">", ">=", "like", "between", "in", "isnull", "casei",
    "accenti", "+", "-", "*", "/", "%", "^", "div", "s_intersects", "s_equals", "s_disjoint",
    "s_touches", "s_within", "s_overlaps", "s_crosses", "s_contains", "t_after", "t_before",
    "t_contains", "t_disjoint", "t_during", "t_equals", "t_finishedby", "t_finishes", "t_intersects",
    "t_meets", "t_metby", "t_overlappedby", "t_overlaps", "t_startedby", "t_starts", "anyinteracts",
    "a_equals", "a_contains", "a_containedby", "a_overlaps",
])  # fmt: skip
#: the most nodes / nesting a filter may have (validating a CQL2 expression is costly)
FILTER_MAX_NODES, FILTER_MAX_DEPTH = 2000, 40


def _check_shape(node: Any, depth: int = 0, seen: list[int] | None = None) -> None:
    """Cheap structural checks before the (slow) CQL2 JSON-schema validation."""
    seen = [0] if seen is None else seen
    seen[0] += 1
    if seen[0] > FILTER_MAX_NODES or depth > FILTER_MAX_DEPTH:
        limits = f"at most {FILTER_MAX_NODES} nodes, {FILTER_MAX_DEPTH} levels"
        raise Invalid(f"filter: too large ({limits})", "bad_filter")
    if isinstance(node, list):
        for child in node:
            _check_shape(child, depth + 1, seen)
    elif isinstance(node, dict):
        if "op" in node:
            op = node["op"]
            if not isinstance(op, str) or op.lower() not in CQL2_OPS:
                raise Invalid(f"filter: unknown CQL2 operator {op!r:.60}", "bad_filter")
            if not isinstance(node.get("args", []), list):
                raise Invalid(f"filter: the args of {op!r} must be a list", "bad_filter")
        for child in node.values():
            _check_shape(child, depth + 1, seen)


@lru_cache(maxsize=512)
def _validated(canonical: str) -> str:
    """CQL2 JSON (text) validated against the CQL2 schema; cached, as a next page repeats it."""
    expr = cql2.parse_json(canonical)
    expr.validate()
    return json.dumps(expr.to_json())


def parse_filter(value: Any, lang: str | None) -> dict[str, Any]:
    """CQL2 text or JSON -> validated CQL2 JSON."""
    if lang not in (None, "cql2-text", "cql2-json"):
        raise Invalid("filter-lang: must be cql2-text or cql2-json", "bad_filter_lang")
    try:
        if isinstance(value, dict):
            tree = _between_pairs(value)
        elif isinstance(value, str) and lang == "cql2-json":
            tree = _between_pairs(json.loads(value))
        elif isinstance(value, str):
            tree = cql2.parse_text(value).to_json()
        else:
            raise Invalid("filter: expected CQL2 text or a CQL2 JSON object", "bad_filter")
        _check_shape(tree)
        return dict(json.loads(_validated(json.dumps(tree, sort_keys=True))))
    except (ValueError, TypeError, RecursionError, cql2.ParseError, cql2.ValidationError) as exc:
        raise Invalid(f"filter: not valid CQL2 ({str(exc)[:300]})", "bad_filter") from exc


def _between_pairs(node: Any) -> Any:
    """Accept the older `between` form `[property, [low, high]]`."""
    if isinstance(node, list):
        return [_between_pairs(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _between_pairs(v) for k, v in node.items()}
    args = out.get("args")
    pair = isinstance(args, list) and len(args) == 2 and isinstance(args[1], list) and len(args[1]) == 2
    if str(out.get("op", "")).lower() == "between" and pair:
        out["args"] = [args[0], args[1][0], args[1][1]]  # type: ignore[index]
    return out


def _sortby(value: Any) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    if isinstance(value, str):
        for part in (p.strip() for p in value.split(",")):
            if not part:
                continue
            direction = "desc" if part.startswith("-") else "asc"
            out.append((part.lstrip("+- "), direction))
    elif isinstance(value, list):
        for entry in value:
            if not isinstance(entry, dict) or not isinstance(entry.get("field"), str):
                raise Invalid("sortby: each entry needs a 'field'", "bad_sortby")
            direction = str(entry.get("direction", "asc")).lower()
            if direction not in ("asc", "desc"):
                raise Invalid("sortby: direction must be asc or desc", "bad_sortby")
            out.append((entry["field"], direction))
    else:
        raise Invalid("sortby: expected '-field,+field' or a list of {field, direction}", "bad_sortby")
    for name, _ in out:
        if not re.fullmatch(r"[A-Za-z0-9_:.\-]+", name):
            raise Invalid(f"sortby: bad field name {name!r}", "bad_sortby")
    return out


def _fields(value: Any) -> tuple[list[str] | None, list[str] | None]:
    if isinstance(value, str):
        include: list[str] = []
        exclude: list[str] = []
        for part in (p.strip() for p in value.split(",")):
            if part.startswith("-"):
                exclude.append(part[1:])
            elif part:
                include.append(part.lstrip("+"))
        return include or None, exclude
    if isinstance(value, dict):
        return (
            _str_list(value.get("include") or [], "fields") if "include" in value else None,
            _str_list(value.get("exclude") or [], "fields"),
        )
    raise Invalid("fields: expected 'a,-b' or {include, exclude}", "bad_fields")


def parse_search(params: dict[str, Any], *, from_query: bool) -> SearchRequest:
    """A search from GET query parameters (strings) or a POST body (JSON)."""
    request = SearchRequest()
    if params.get("collections") not in (None, "", []):
        request.collections = _str_list(params["collections"], "collections")
    if params.get("ids") not in (None, "", []):
        request.ids = _str_list(params["ids"], "ids")
    if params.get("bbox") not in (None, ""):
        if not from_query and not isinstance(params["bbox"], list):
            raise Invalid("bbox: in a POST body, a bbox is a JSON array of numbers", "bad_bbox")
        request.bbox = parse_bbox(params["bbox"])
    if params.get("intersects") not in (None, ""):
        geom = params["intersects"]
        if isinstance(geom, str):
            try:
                geom = json.loads(geom)
            except ValueError as exc:
                raise Invalid("intersects: not GeoJSON", "bad_intersects") from exc
        if not isinstance(geom, dict) or "type" not in geom:
            raise Invalid("intersects: expected a GeoJSON geometry", "bad_intersects")
        footprint(geom, "intersects")
        request.intersects = geom
    if request.bbox is not None and request.intersects is not None:
        raise Invalid("bbox and intersects: give only one of them", "bad_bbox")
    if params.get("datetime") not in (None, ""):
        request.datetime = parse_interval(params["datetime"])
    if params.get("filter") not in (None, ""):
        lang = params.get("filter-lang") or params.get("filter_lang")
        if lang is None and not from_query and isinstance(params["filter"], dict):
            lang = "cql2-json"
        request.filter = parse_filter(params["filter"], lang)
    if params.get("sortby") not in (None, "", []):
        request.sortby = _sortby(params["sortby"])
    if "fields" in params and (params["fields"] is not None or not from_query):
        request.include, request.exclude = _fields(params["fields"])
    if params.get("limit") not in (None, ""):
        request.limit = _limit(params["limit"])
    token = params.get("cursor") if from_query else params.get("token")
    if token in (None, ""):
        token = params.get("token")
    if token not in (None, ""):
        if not isinstance(token, str):
            raise Invalid("token: expected a string (the cursor of a next/prev link)", "bad_token")
        request.token = token
    return request


def apply_fields(item: dict[str, Any], include: list[str] | None, exclude: list[str] | None) -> dict:
    """The Fields extension: keep `include` paths (plus type, stac_version, id, links), drop
    `exclude` paths; a more specific include (`properties.x`) wins over a broader exclude."""
    if include is None and not exclude:
        return item
    out: dict[str, Any]
    if include is not None and not include:
        include = [f for f in DEFAULT_FIELDS if f not in (exclude or [])]
    if include:
        out = {k: item[k] for k in ("type", "stac_version", "id", "links") if k in item}
        for path in include:
            _copy_path(item, out, path.split("."))
    else:
        out = json.loads(json.dumps(item))
    for path in exclude or []:
        if include and any(i == path or i.startswith(path + ".") for i in include):
            continue
        _drop_path(out, path.split("."))
    return out


def _copy_path(src: dict[str, Any], dst: dict[str, Any], keys: list[str]) -> None:
    head, rest = keys[0], keys[1:]
    if head not in src:
        return
    if not rest:
        dst[head] = src[head]
        return
    if isinstance(src[head], dict):
        child = dst.setdefault(head, {})
        if isinstance(child, dict):
            _copy_path(src[head], child, rest)


def _drop_path(obj: dict[str, Any], keys: list[str]) -> None:
    head, rest = keys[0], keys[1:]
    if not rest:
        obj.pop(head, None)
    elif isinstance(obj.get(head), dict):
        _drop_path(obj[head], rest)
