"""The stac service: the workspace catalog (a STAC API over a store) and the catalog registry.

Plain Python: the REST handlers, the notebook API, the magics and other features (files, the data
editor, tiles) all call this object. Every write is validated against the STAC JSON schemas and
rejected whole, with every error listed, before anything is stored.
"""

from __future__ import annotations

import copy
import logging
from pathlib import Path
from typing import Any

from ..core.errors import Invalid, NotFound
from ..core.http import OutboundClient
from .catalogs import WORKSPACE, CatalogRegistry, CreateCatalog, DescribeCatalog
from .geometry import footprint, geometry_bbox, rfc7946
from .remote import RemoteCatalog
from .search import SearchRequest, apply_fields, parse_search
from .store import CatalogStore, SearchPage, item_times
from .validation import StacInvalid, errors_of, plain_json, unbundled_extensions

STAC_VERSION = "1.1.0"
CONFORMANCE = [
    "https://api.stacspec.org/v1.0.0/core",
    "https://api.stacspec.org/v1.0.0/collections",
    "https://api.stacspec.org/v1.0.0/ogcapi-features",
    "https://api.stacspec.org/v1.0.0/item-search",
    "https://api.stacspec.org/v1.0.0/item-search#fields",
    "https://api.stacspec.org/v1.0.0/item-search#sort",
    "https://api.stacspec.org/v1.0.0/item-search#filter",
    "https://api.stacspec.org/v1.0.0/ogcapi-features#fields",
    "https://api.stacspec.org/v1.0.0/ogcapi-features#sort",
    "https://api.stacspec.org/v1.0.0/ogcapi-features/extensions/transaction",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-json",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
    "http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
    "http://www.opengis.net/spec/cql2/1.0/conf/temporal-functions",
]
_GEOJSON = "application/geo+json"
#: media type of the OpenAPI document linked as `service-desc`
OPENAPI_JSON = "application/vnd.oai.openapi+json;version=3.0"
QUERYABLES_REL = "http://www.opengis.net/def/rel/ogc/1.0/queryables"
_OWN_RELS = {"self", "root", "parent", "collection", "items", QUERYABLES_REL}


def _own_links(links: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    return [link for link in links or [] if link.get("rel") not in _OWN_RELS]


class StacService:
    """`root_url` arguments are the absolute URL of the STAC API (`…/polartep/stac`) for links."""

    def __init__(
        self,
        store: CatalogStore,
        registry: CatalogRegistry,
        http: OutboundClient | None = None,
        root_dir: Path | None = None,
        services: dict[str, Any] | None = None,
        root_url: str = "/polartep/stac",
        log: logging.Logger | None = None,
        remote_timeout: float = 20.0,
        unknown_extensions: str = "warn",
    ) -> None:
        self.remote_timeout = remote_timeout
        #: "warn": accept objects declaring extensions with no bundled schema (logged, HTTP Warning
        #: header); "reject": refuse them (400)
        self.unknown_extensions = unknown_extensions
        self.store = store
        self.registry = registry
        self.http = http or OutboundClient()
        self.root_dir = Path(root_dir or Path.cwd())
        self.services = services if services is not None else {}
        self.root_url = root_url.rstrip("/")
        self.log = log or logging.getLogger("polartep.stac")

    def close(self) -> None:
        self.store.close()

    def _root(self, root_url: str | None) -> str:
        return (root_url or self.root_url).rstrip("/")

    # ---- landing / conformance ----------------------------------------------------------------
    def landing(self, root_url: str | None = None) -> dict[str, Any]:
        root = self._root(root_url)
        links = [
            {"rel": "self", "href": f"{root}/", "type": "application/json"},
            {"rel": "root", "href": f"{root}/", "type": "application/json"},
            {"rel": "conformance", "href": f"{root}/conformance", "type": "application/json"},
            {"rel": "service-desc", "href": f"{root}/api", "type": OPENAPI_JSON,
             "title": "OpenAPI document of this STAC API"},
            {"rel": "data", "href": f"{root}/collections", "type": "application/json"},
            {"rel": "search", "href": f"{root}/search", "type": _GEOJSON, "method": "GET"},
            {"rel": "search", "href": f"{root}/search", "type": _GEOJSON, "method": "POST"},
            {"rel": QUERYABLES_REL, "href": f"{root}/queryables", "type": "application/schema+json"},
        ]  # fmt: skip
        for coll in self.store.list_collections():
            href = f"{root}/collections/{coll['id']}"
            title = coll.get("title", coll["id"])
            links.append({"rel": "child", "href": href, "type": "application/json", "title": title})
        return {
            "type": "Catalog",
            "stac_version": STAC_VERSION,
            "id": "polartep-workspace",
            "title": "Polar TEP workspace catalog",
            "description": "Collections and items of this Polar TEP workspace.",
            "conformsTo": CONFORMANCE,
            "links": links,
        }

    def openapi(self, server_url: str = "/") -> dict[str, Any]:
        """The OpenAPI document of the workspace STAC API (`/polartep/stac…` paths of openapi.yaml)."""
        import yaml

        spec = yaml.safe_load((Path(__file__).parent.parent / "openapi.yaml").read_text(encoding="utf-8"))
        spec["paths"] = {k: v for k, v in spec["paths"].items() if k.startswith("/polartep/stac")}
        spec["info"] = {**spec["info"], "title": "Polar TEP workspace catalog (STAC API)"}
        spec["servers"] = [{"url": server_url, "description": "this notebook server"}]
        return dict(spec)

    def conformance(self) -> dict[str, Any]:
        return {"conformsTo": CONFORMANCE}

    def queryables(self, root_url: str | None = None, collection_id: str | None = None) -> dict[str, Any]:
        if collection_id is not None:
            self._collection(collection_id)
        root = self._root(root_url)
        here = root if collection_id is None else f"{root}/collections/{collection_id}"
        return {
            "$schema": "https://json-schema.org/draft/2019-09/schema",
            "$id": f"{here}/queryables",
            "type": "object",
            "title": "Queryables of the Polar TEP workspace catalog",
            "properties": {
                "id": {"type": "string", "title": "Item id"},
                "collection": {"type": "string"},
                "geometry": {"$ref": "https://geojson.org/schema/Geometry.json"},
                "datetime": {"type": "string", "format": "date-time"},
                "eo:cloud_cover": {"type": "number", "minimum": 0, "maximum": 100},
                "platform": {"type": "string"},
            },
            "additionalProperties": True,
        }

    # ---- collections ---------------------------------------------------------------------------
    def _collection(self, collection_id: str) -> dict[str, Any]:
        coll = self.store.read_collection(collection_id)
        if coll is None:
            raise NotFound(f"no collection {collection_id!r} in the workspace catalog", "no_collection")
        return coll

    def _collection_links(self, coll: dict[str, Any], root: str) -> dict[str, Any]:
        out = copy.deepcopy(coll)
        href = f"{root}/collections/{coll['id']}"
        out["links"] = [
            {"rel": "self", "href": href, "type": "application/json"},
            {"rel": "root", "href": f"{root}/", "type": "application/json"},
            {"rel": "parent", "href": f"{root}/", "type": "application/json"},
            {"rel": "items", "href": f"{href}/items", "type": _GEOJSON},
            {"rel": QUERYABLES_REL, "href": f"{href}/queryables", "type": "application/schema+json"},
            *_own_links(coll.get("links")),
        ]
        return out

    def list_collections(self, root_url: str | None = None) -> dict[str, Any]:
        root = self._root(root_url)
        collections = [self._collection_links(c, root) for c in self.store.list_collections()]
        return {
            "collections": collections,
            "links": [
                {"rel": "self", "href": f"{root}/collections", "type": "application/json"},
                {"rel": "root", "href": f"{root}/", "type": "application/json"},
            ],
            "numberMatched": len(collections),
            "numberReturned": len(collections),
        }

    def get_collection(self, collection_id: str, root_url: str | None = None) -> dict[str, Any]:
        return self._collection_links(self._collection(collection_id), self._root(root_url))

    def _valid_collection(self, collection: Any) -> dict[str, Any]:
        collection = plain_json(collection, "collection")
        errors = errors_of(collection, "collection") or self._unchecked(collection, "")
        if errors:
            raise StacInvalid("collection", errors)
        stored = copy.deepcopy(collection)
        stored["links"] = _own_links(stored.get("links"))
        return stored  # type: ignore[no-any-return]

    def _unchecked(self, obj: Any, where: str) -> list[str]:
        """Errors for declared extensions that have no bundled schema, under the "reject" policy;
        under "warn" they are only logged (the REST handler adds a `Warning` header)."""
        unknown = unbundled_extensions(obj)
        if not unknown:
            return []
        if self.unknown_extensions == "reject":
            return [
                f"{where}stac_extensions: {url} has no schema bundled with the workspace, so it cannot "
                "be checked (c.PolarTEP.stac_unknown_extensions = 'reject')"
                for url in unknown
            ]
        self.log.warning("STAC %s: extension schema not bundled, not checked: %s", obj.get("id"), unknown)
        return []

    def create_collection(self, collection: dict[str, Any]) -> dict[str, Any]:
        stored = self._valid_collection(collection)
        self.store.write_collection(stored, create=True)
        return self.get_collection(stored["id"])

    def update_collection(self, collection_id: str, collection: dict[str, Any]) -> dict[str, Any]:
        if isinstance(collection, dict) and collection.get("id", collection_id) != collection_id:
            raise Invalid("id: the body's id differs from the collection in the URL", "id_mismatch")
        stored = self._valid_collection(collection)
        self.store.write_collection(stored, create=False)
        return self.get_collection(collection_id)

    def delete_collection(self, collection_id: str) -> None:
        if not self.store.remove_collection(collection_id):
            raise NotFound(f"no collection {collection_id!r} in the workspace catalog", "no_collection")

    # ---- items ---------------------------------------------------------------------------------
    def _item_links(self, item: dict[str, Any], root: str) -> dict[str, Any]:
        out = dict(item)
        coll = f"{root}/collections/{item['collection']}"
        out["links"] = [
            {"rel": "self", "href": f"{coll}/items/{item['id']}", "type": _GEOJSON},
            {"rel": "parent", "href": coll, "type": "application/json"},
            {"rel": "collection", "href": coll, "type": "application/json"},
            {"rel": "root", "href": f"{root}/", "type": "application/json"},
            *_own_links(item.get("links")),
        ]
        return out

    def get_item(self, collection_id: str, item_id: str, root_url: str | None = None) -> dict[str, Any]:
        self._collection(collection_id)
        item = self.store.read_item(collection_id, item_id)
        if item is None:
            raise NotFound(f"no item {item_id!r} in collection {collection_id!r}", "no_item")
        return self._item_links(item, self._root(root_url))

    def _valid_item(self, collection_id: str, item: Any, index: int | None = None) -> dict[str, Any]:
        where = "" if index is None else f"features/{index}/"
        item = plain_json(item, "item")
        candidate = item
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            # validate the item as it will be served: in its collection, with our links
            candidate = self._item_links({**item, "collection": item.get("collection", collection_id)}, "/")
        errors = [f"{where}{e}" for e in errors_of(candidate, "item")] or self._unchecked(item, where)
        if not errors:
            if item.get("collection", collection_id) != collection_id:
                errors.append(f"{where}collection: must be {collection_id!r} (the URL's collection)")
            try:
                item_times(item)
                if item.get("geometry"):
                    footprint(item["geometry"])
            except Invalid as exc:
                errors.append(f"{where}{exc.message}")
        if errors:
            raise StacInvalid("item", errors)
        stored = copy.deepcopy(item)
        stored["collection"] = collection_id
        stored["links"] = _own_links(stored.get("links"))
        if stored.get("geometry"):
            stored["geometry"] = rfc7946(stored["geometry"])
            if stored["geometry"] != item["geometry"] or "bbox" not in stored:
                stored["bbox"] = geometry_bbox(footprint(stored["geometry"]))
        return stored  # type: ignore[no-any-return]

    def create_item(self, collection_id: str, item: dict[str, Any]) -> dict[str, Any]:
        """Add one item (or every feature of a FeatureCollection: all or nothing)."""
        self._collection(collection_id)
        if isinstance(item, dict) and item.get("type") == "FeatureCollection":
            count = self.create_items(collection_id, list(item.get("features") or []))
            return {"type": "FeatureCollection", "numberCreated": count}
        stored = self._valid_item(collection_id, item)
        self.store.write_items(collection_id, [stored], mode="create")
        return self.get_item(collection_id, stored["id"])

    def create_items(self, collection_id: str, items: list[dict[str, Any]], upsert: bool = False) -> int:
        self._collection(collection_id)
        errors: list[str] = []
        stored = []
        for n, item in enumerate(items):
            try:
                stored.append(self._valid_item(collection_id, item, n))
            except StacInvalid as exc:
                errors.extend(exc.errors)
        if errors:
            raise StacInvalid("item", errors[:50])
        return self.store.write_items(collection_id, stored, mode="upsert" if upsert else "create")

    def update_item(self, collection_id: str, item_id: str, item: dict[str, Any]) -> dict[str, Any]:
        self._collection(collection_id)
        if isinstance(item, dict) and item.get("id", item_id) != item_id:
            raise Invalid("id: the body's id differs from the item in the URL", "id_mismatch")
        stored = self._valid_item(collection_id, item)
        self.store.write_items(collection_id, [stored], mode="update")
        return self.get_item(collection_id, item_id)

    def delete_item(self, collection_id: str, item_id: str) -> None:
        self._collection(collection_id)
        if not self.store.remove_item(collection_id, item_id):
            raise NotFound(f"no item {item_id!r} in collection {collection_id!r}", "no_item")

    # ---- search --------------------------------------------------------------------------------
    def _page(
        self, page: SearchPage, request: SearchRequest, root: str, href: str, method: str
    ) -> dict[str, Any]:
        features = [
            apply_fields(self._item_links(f, root), request.include, request.exclude) for f in page.features
        ]
        links: list[dict[str, Any]] = [
            {"rel": "root", "href": f"{root}/", "type": "application/json"},
            {"rel": "self", "href": href, "type": _GEOJSON},
        ]
        for rel, token in (("next", page.next_token), ("prev", page.prev_token)):
            if token is None:
                continue
            body = {**request.to_body(), "token": token}
            if method == "POST":
                links.append({"rel": rel, "href": href, "type": _GEOJSON, "method": "POST", "body": body})
            else:
                # `token` in a query string is the Jupyter server's auth token: page with `cursor`
                query = _query({k: v for k, v in body.items() if k != "token"} | {"cursor": token})
                links.append({"rel": rel, "href": f"{href}?{query}", "type": _GEOJSON, "method": "GET"})
        out: dict[str, Any] = {
            "type": "FeatureCollection",
            "features": features,
            "links": links,
            "numberReturned": len(features),
            "context": {"limit": request.limit, "returned": len(features)},
        }
        if page.matched is not None:
            out["numberMatched"] = page.matched
            out["context"]["matched"] = page.matched
        return out

    def search(self, root_url: str | None = None, *, method: str = "POST", **params: Any) -> dict[str, Any]:
        """Item search over the workspace catalog: STAC API parameters, a FeatureCollection back."""
        if "filter_lang" in params:
            params["filter-lang"] = params.pop("filter_lang")
        request = parse_search(params, from_query=method == "GET")
        if request.collections:
            for cid in request.collections:
                self._collection(cid)
        root = self._root(root_url)
        page = self.store.search(request)
        return self._page(page, request, root, f"{root}/search", method)

    def items(self, collection_id: str, root_url: str | None = None, **params: Any) -> dict[str, Any]:
        """`/collections/{id}/items` (GET): bbox, datetime, limit, token, sortby, fields, filter."""
        self._collection(collection_id)
        request = parse_search({**params, "collections": [collection_id]}, from_query=True)
        root = self._root(root_url)
        page = self.store.search(request)
        out = self._page(page, request, root, f"{root}/collections/{collection_id}/items", "GET")
        for link in out["links"]:
            if link.get("rel") in ("next", "prev"):
                link["href"] = link["href"].replace("collections=" + collection_id + "&", "")
        out["links"].append({"rel": "collection", "href": f"{root}/collections/{collection_id}",
                             "type": "application/json"})  # fmt: skip
        return out

    # ---- catalog registry and remote catalogs ----------------------------------------------------
    def catalogs(self) -> list[DescribeCatalog]:
        return self.registry.list()

    def add_catalog(self, spec: CreateCatalog | dict[str, Any]) -> DescribeCatalog:
        if isinstance(spec, dict):
            spec = CreateCatalog.model_validate(spec)
        return self.registry.add(spec)

    def remove_catalog(self, name: str) -> None:
        self.registry.remove(name)

    def remote(self, name: str) -> RemoteCatalog:
        catalog = self.registry.get(name)
        headers: dict[str, str] = {}
        secrets = self.services.get("secrets")
        if catalog.secret and secrets is not None and hasattr(secrets, "injected_env"):
            token = secrets.injected_env().get(catalog.secret)
            if token:
                headers["Authorization"] = f"Bearer {token}"
        return RemoteCatalog(catalog, self.http, self.root_dir, headers, self.remote_timeout)

    def catalog_collections(self, name: str) -> list[dict[str, Any]]:
        if name == WORKSPACE:
            return list(self.list_collections()["collections"])
        return self.remote(name).collections()

    def catalog_collection(self, name: str, collection_id: str) -> dict[str, Any]:
        if name == WORKSPACE:
            return self.get_collection(collection_id)
        return self.remote(name).collection(collection_id)

    def catalog_item(self, name: str, collection_id: str, item_id: str) -> dict[str, Any]:
        if name == WORKSPACE:
            return self.get_item(collection_id, item_id)
        return self.remote(name).item(collection_id, item_id)

    def download_asset(self, href: str, folder: str = "data") -> dict[str, Any]:
        """Copy an asset (http(s) URL) into the workspace folder; never overwrites a file."""
        from urllib.parse import urlsplit

        from ..core.paths import resolve_within, unique_path
        from .remote import download

        if not href.startswith(("http://", "https://")):
            raise Invalid("href: only http(s) assets can be downloaded", "bad_href")
        name = Path(urlsplit(href).path).name or "asset"
        target_dir = resolve_within(self.root_dir, folder)
        target_dir.mkdir(parents=True, exist_ok=True)
        dest = unique_path(target_dir / name)
        size = download(self.http, href, dest, timeout=max(60.0, self.remote_timeout))
        return {"path": dest.relative_to(self.root_dir.resolve()).as_posix(), "bytes": size}

    def catalog_search(self, name: str, params: dict[str, Any]) -> dict[str, Any]:
        if name == WORKSPACE:
            return self.search(**params)
        request = parse_search(dict(params), from_query=False)
        return self.remote(name).search(request)


def _query(body: dict[str, Any]) -> str:
    import json
    from urllib.parse import urlencode

    flat: dict[str, str] = {}
    for key, value in body.items():
        if key == "bbox":
            flat[key] = ",".join(format(float(v), ".15g") for v in value)
        elif key in ("collections", "ids"):
            flat[key] = ",".join(value)
        elif key == "sortby":
            flat[key] = ",".join(("-" if s["direction"] == "desc" else "+") + s["field"] for s in value)
        elif key == "fields":
            flat[key] = ",".join([*value.get("include", []), *("-" + e for e in value["exclude"])])
        elif isinstance(value, dict | list):
            flat[key] = json.dumps(value)
        else:
            flat[key] = str(value)
    return urlencode(flat)
