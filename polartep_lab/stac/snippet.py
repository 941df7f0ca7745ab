"""The notebook code that reproduces a search made in the panel ("Insert code")."""

from __future__ import annotations

from typing import Any

from .search import parse_search

_KEEP = ("collections", "ids", "bbox", "intersects", "datetime", "filter", "sortby", "limit")


def search_code(catalog: str, body: dict[str, Any]) -> str:
    """A cell that runs the same search through `polartep_lab.stac.search` (all pages)."""
    request = parse_search(dict(body), from_query=False)  # refuses what the search would refuse
    params = {k: v for k, v in request.to_body().items() if k in _KEEP}
    page_size = params.pop("limit", None)
    args = [repr(catalog)]
    for key, value in params.items():
        args.append(f"{key}={value!r}")
    if page_size:
        args.append(f"page_size={page_size}")
    call = ",\n    ".join(args)
    return (
        "import polartep_lab.stac as stac\n\n"
        f"items = stac.search(\n    {call},\n)\n"
        'print(len(items), "items")\n'
        "items"
    )
