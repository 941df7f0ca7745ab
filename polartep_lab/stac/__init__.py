"""STAC data access from a notebook: `import polartep_lab.stac as stac`.

`stac.catalogs()`, `stac.search("workspace", bbox=[170, 60, -170, 70], datetime="2024-01-01T00:00:00Z/..")`
(a `pystac.ItemCollection`), `stac.add_items(items, collection="sea-ice")`, `stac.catalog()`.
The workspace catalog is read and written directly in the workspace data dir (no server needed);
other catalogs are opened with pystac-client.
"""

from __future__ import annotations

from .notebook import add_collection, add_items, catalog, catalogs, search, service

__all__ = ["add_collection", "add_items", "catalog", "catalogs", "search", "service"]
