"""CQL2 JSON -> a SQLite WHERE clause over the embedded store's `items` table.

Supported: and/or/not, = <> < <= > >=, like, between, in, isNull, s_intersects / s_disjoint
(exact, dateline- and pole-aware, through the `polar_intersects` SQL function), t_intersects,
t_before, t_after on `datetime`. Anything else is a 400 naming `filter`.
"""

from __future__ import annotations

from typing import Any

import shapely

from ..core.errors import Invalid
from .geometry import bbox_geometry, footprint, parse_bbox
from .search import parse_instant

_COMPARE = {"=": "=", "<>": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
_COLUMNS = {
    "id": "i.id",
    "collection": "i.collection",
    "datetime": "i.datetime",
    "start_datetime": "i.start",
    "end_datetime": "i.end",
}
_TIME_COLUMNS = {"i.datetime", "i.start", "i.end"}

#: Properties polar searches filter on most, each copied into its own column of `items` when the
#: item is written, so covering indexes answer `eo:cloud_cover <= 10 AND platform = 'sentinel-1a'`
#: (page and count) without reading any JSON. The columns are untyped and filled by json_extract,
#: so they hold exactly what json_extract gives for other properties: the same results.
INDEXED_PROPERTIES = {
    "eo:cloud_cover": "p_cloud_cover",
    "platform": "p_platform",
    "constellation": "p_constellation",
    "proj:epsg": "p_proj_epsg",
}


class _Translator:
    def __init__(self) -> None:
        self.params: list[Any] = []

    def column(self, prop: str) -> str:
        name = prop[len("properties.") :] if prop.startswith("properties.") else prop
        if name in _COLUMNS:
            return _COLUMNS[name]
        if name in INDEXED_PROPERTIES:
            return f"i.{INDEXED_PROPERTIES[name]}"
        if name == "geometry":
            raise Invalid("filter: 'geometry' can only be used in spatial operators", "bad_filter")
        self.params.append('$."' + name.replace('"', "") + '"')
        return "json_extract(i.properties, ?)"

    def value(self, node: Any, time: bool) -> str:
        if isinstance(node, dict) and "property" in node:
            return self.column(str(node["property"]))
        if isinstance(node, dict) and ("timestamp" in node or "date" in node):
            self.params.append(parse_instant(_text(node), "filter").timestamp())
            return "?"
        if isinstance(node, dict) and "op" in node:
            return self.expr(node)
        if isinstance(node, bool):
            self.params.append(1 if node else 0)
            return "?"
        if isinstance(node, int | float | str) or node is None:
            if time and isinstance(node, str):
                self.params.append(parse_instant(node, "filter").timestamp())
            else:
                self.params.append(node)
            return "?"
        raise Invalid(f"filter: unsupported value {node!r:.80}", "bad_filter")

    def _is_time(self, node: Any) -> bool:
        return (
            isinstance(node, dict)
            and "property" in node
            and _COLUMNS.get(str(node["property"]).removeprefix("properties.")) in _TIME_COLUMNS
        )

    def spatial(self, args: list[Any]) -> str:
        geom_node = next((a for a in args if not (isinstance(a, dict) and "property" in a)), None)
        if geom_node is None:
            raise Invalid("filter: spatial operator needs a geometry literal", "bad_filter")
        if isinstance(geom_node, dict) and "bbox" in geom_node:
            shape = bbox_geometry(parse_bbox(geom_node["bbox"], "filter"))
        elif isinstance(geom_node, dict):
            shape = footprint(geom_node, "filter")
        else:
            raise Invalid("filter: spatial operator needs a geometry literal", "bad_filter")
        self.params.append(shapely.to_wkb(shape))
        return "polar_intersects(i.footprint, ?)"

    def expr(self, node: Any) -> str:
        if isinstance(node, bool):
            return "1" if node else "0"
        if not isinstance(node, dict) or "op" not in node:
            raise Invalid(f"filter: expected an operation, got {node!r:.80}", "bad_filter")
        op = str(node["op"]).lower()
        args = list(node.get("args", []))
        if op in ("and", "or"):
            return "(" + f" {op.upper()} ".join(self.expr(a) for a in args) + ")"
        if op == "not":
            return f"(NOT {self.expr(args[0])})"
        if op in _COMPARE and len(args) == 2:
            time = self._is_time(args[0]) or self._is_time(args[1])
            return f"({self.value(args[0], time)} {_COMPARE[op]} {self.value(args[1], time)})"
        if op == "like" and len(args) == 2:
            return f"({self.value(args[0], False)} LIKE {self.value(args[1], False)})"
        if op == "between" and len(args) == 3:
            time = self._is_time(args[0])
            left = self.value(args[0], time)
            low = self.value(args[1], time)
            high = self.value(args[2], time)
            return f"({left} BETWEEN {low} AND {high})"
        if op == "in" and len(args) == 2 and isinstance(args[1], list):
            time = self._is_time(args[0])
            left = self.value(args[0], time)
            if not args[1]:
                return "0"
            values = ", ".join(self.value(v, time) for v in args[1])
            return f"({left} IN ({values}))"
        if op == "isnull" and len(args) == 1:
            return f"({self.value(args[0], False)} IS NULL)"
        if op in ("s_intersects", "s_disjoint") and len(args) == 2:
            test = self.spatial(args)
            return test if op == "s_intersects" else f"(NOT {test})"
        if op in ("t_intersects", "anyinteracts", "t_before", "t_after") and len(args) == 2:
            return self.temporal(op, args)
        raise Invalid(f"filter: operator {node.get('op')!r} is not supported here", "bad_filter")

    def temporal(self, op: str, args: list[Any]) -> str:
        literal = args[1]
        if isinstance(literal, dict) and "interval" in literal:
            ends = literal["interval"]
            start = None if ends[0] in ("..", None) else parse_instant(_text(ends[0]), "filter")
            end = None if ends[1] in ("..", None) else parse_instant(_text(ends[1]), "filter")
        elif isinstance(literal, dict | str):
            start = end = parse_instant(_text(literal), "filter")
        else:
            raise Invalid("filter: temporal operator needs a timestamp or interval", "bad_filter")
        if op == "t_before":
            if start is None:
                return "0"
            self.params.append(start.timestamp())
            return "(i.end < ?)"
        if op == "t_after":
            if end is None:
                return "0"
            self.params.append(end.timestamp())
            return "(i.start > ?)"
        parts = []
        if end is not None:
            self.params.append(end.timestamp())
            parts.append("i.start <= ?")
        if start is not None:
            self.params.append(start.timestamp())
            parts.append("i.end >= ?")
        return "(" + (" AND ".join(parts) or "1") + ")"


def _text(node: Any) -> str:
    """The RFC 3339 text of a CQL2 timestamp or date literal (a date is its midnight UTC)."""
    if isinstance(node, dict) and "date" in node:
        return f"{node['date']}T00:00:00Z"
    if isinstance(node, dict):
        return str(node.get("timestamp") or "")
    text = str(node)
    return f"{text}T00:00:00Z" if len(text) == 10 else text


def to_sql(cql: dict[str, Any]) -> tuple[str, list[Any]]:
    """The WHERE fragment and its parameters for a validated CQL2 JSON expression."""
    translator = _Translator()
    try:
        sql = translator.expr(cql)
    except (IndexError, KeyError, TypeError) as exc:
        raise Invalid(f"filter: malformed expression ({exc})", "bad_filter") from exc
    return sql, translator.params
