"""`%stac` line magic: `%stac catalogs`, `%stac search --bbox 170,60,-170,70 -o items`."""

from __future__ import annotations

import argparse
import shlex
from typing import Any

from . import notebook


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="%stac search", add_help=False)
    parser.add_argument("--catalog", default="workspace")
    parser.add_argument("--collections", help="comma-separated collection ids")
    parser.add_argument("--bbox", help="W,S,E,N (W > E crosses 180°; write --bbox=-170,… for a negative W)")
    parser.add_argument("--datetime", help="RFC 3339 instant or interval")
    parser.add_argument("--filter", help="CQL2 text, e.g. 'eo:cloud_cover <= 20'")
    parser.add_argument("--max-items", type=int, default=None)
    parser.add_argument("-o", "--output", help="variable that receives the ItemCollection")
    return parser


def stac(line: str, local_ns: dict[str, Any] | None = None) -> Any:
    """`%stac catalogs` lists catalogs; `%stac search …` returns (or stores with -o) the items."""
    words = shlex.split(line)
    command = words[0] if words else "catalogs"
    if command == "catalogs":
        return [f"{c['name']}: {c['title']} ({c['url']})" for c in notebook.catalogs()]
    if command == "search":
        try:
            args = _parser().parse_args(words[1:])
        except SystemExit as exc:
            raise ValueError(f"bad %stac search arguments: {line!r}") from exc
        params: dict[str, Any] = {}
        if args.collections:
            params["collections"] = args.collections.split(",")
        if args.bbox:
            params["bbox"] = [float(v) for v in args.bbox.split(",")]
        if args.datetime:
            params["datetime"] = args.datetime
        if args.filter:
            params["filter"] = args.filter
        items = notebook.search(args.catalog, max_items=args.max_items, **params)
        if args.output:
            if local_ns is not None:
                local_ns[args.output] = items
            return None
        return items
    raise ValueError(f"unknown %stac command {command!r}: use catalogs or search")


def register(ipython: Any) -> None:
    def magic(line: str) -> Any:
        return stac(line, ipython.user_ns)

    magic.__doc__ = stac.__doc__
    ipython.register_magic_function(magic, "line", "stac")
