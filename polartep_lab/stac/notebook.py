"""The notebook API over the stac service (works without the notebook server)."""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

from ..core.paths import default_data_dir
from .catalogs import WORKSPACE, CatalogRegistry
from .service import StacService


def _operator_catalogs() -> list[dict[str, Any]]:
    """Operator catalogs given to kernels as JSON in $POLARTEP_STAC_CATALOGS (optional)."""
    raw = os.environ.get("POLARTEP_STAC_CATALOGS", "")
    return list(json.loads(raw)) if raw else []


@cache
def _service(data_dir: str) -> StacService:
    from .feature import open_store

    folder = Path(data_dir) / "stac"
    folder.mkdir(parents=True, exist_ok=True)
    backend = os.environ.get("POLARTEP_STAC_BACKEND", "embedded")
    store = open_store(
        backend, folder, os.environ.get("POLARTEP_STAC_DSN", ""), os.environ.get("POLARTEP_STAC_API_URL", "")
    )
    registry = CatalogRegistry(folder, _operator_catalogs(), "/polartep/stac")
    return StacService(store, registry, root_dir=Path.cwd())


def service(data_dir: str | Path | None = None) -> StacService:
    """The workspace catalog's service on the store in the workspace data dir."""
    return _service(str(Path(data_dir) if data_dir else default_data_dir()))


def catalogs() -> list[dict[str, Any]]:
    """Every catalog you can search: the workspace catalog, the operator's, the ones you added."""
    return [c.model_dump() for c in service().catalogs()]


def catalog(name: str = WORKSPACE) -> Any:
    """The workspace catalog's service, or a `pystac_client.Client` for a STAC API catalog."""
    if name == WORKSPACE:
        return service()
    from pystac_client import Client

    entry = service().registry.get(name)
    headers = {}
    if entry.secret and os.environ.get(entry.secret):
        headers["Authorization"] = f"Bearer {os.environ[entry.secret]}"
    return Client.open(entry.url, headers=headers)


def search(catalog_name: str = WORKSPACE, *, max_items: int | None = None, page_size: int = 100,
           **params: Any) -> Any:  # fmt: skip
    """Search a catalog; every matching item (up to `max_items`) as a `pystac.ItemCollection`.

    Parameters are the STAC API's: collections, ids, bbox (west > east crosses 180°), intersects,
    datetime, filter (CQL2 text or JSON), sortby.
    """
    import pystac

    if catalog_name != WORKSPACE:
        client = catalog(catalog_name)
        found = client.search(max_items=max_items, limit=page_size, **params)
        return found.item_collection()
    svc = service()
    features: list[dict[str, Any]] = []
    body: dict[str, Any] = {**params, "limit": page_size}
    while True:
        page = svc.search(**body)
        features.extend(page["features"])
        if max_items is not None and len(features) >= max_items:
            features = features[:max_items]
            break
        nxt = [link for link in page["links"] if link.get("rel") == "next"]
        if not nxt:
            break
        body = dict(nxt[0]["body"])
    return pystac.ItemCollection([pystac.Item.from_dict(f, preserve_dict=False) for f in features])


def _as_dict(obj: Any) -> dict[str, Any]:
    return obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)


def add_collection(collection: Any, *, replace: bool = False) -> dict[str, Any]:
    """Add a collection (a dict or a `pystac.Collection`) to the workspace catalog."""
    data = _as_dict(collection)
    own = ("self", "root", "parent", "items")
    data["links"] = [link for link in data.get("links", []) if link.get("rel") not in own]
    svc = service()
    if replace and svc.store.read_collection(data["id"]) is not None:
        return svc.update_collection(data["id"], data)
    return svc.create_collection(data)


def add_items(items: Any, collection: str, *, replace: bool = False) -> int:
    """Add items (dicts, `pystac.Item`s or an ItemCollection) to a workspace collection.

    All or nothing: one invalid item refuses the whole batch with every schema error listed.
    With `replace=True`, items with existing ids are replaced.
    """
    if hasattr(items, "items") and not isinstance(items, dict):
        items = list(items.items)
    if isinstance(items, dict) and items.get("type") == "FeatureCollection":
        items = items["features"]
    if isinstance(items, dict) or hasattr(items, "to_dict"):
        items = [items]
    data = []
    for it in items:
        d = _as_dict(it)
        d["links"] = [
            link
            for link in d.get("links", [])
            if link.get("rel") not in ("self", "root", "parent", "collection")
        ]
        data.append(d)
    return service().create_items(collection, data, upsert=replace)
