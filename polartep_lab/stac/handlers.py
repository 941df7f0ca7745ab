"""REST faces of the stac feature: the workspace STAC API (`/polartep/stac/…`) and the
catalog browser API (`/polartep/api/stac/…`). Thin: parse, call the service in a thread, reply."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join
from tornado import web
from tornado.ioloop import IOLoop

from ..core.errors import Invalid
from ..core.handlers import PolarTEPHandler
from .catalogs import CreateCatalog
from .service import OPENAPI_JSON, StacService
from .snippet import search_code
from .validation import unbundled_extensions


class _StacHandler(PolarTEPHandler):
    feature = "stac"

    @property
    def stac(self) -> StacService:
        return self.service  # type: ignore[no-any-return]

    @property
    def root_url(self) -> str:
        path = url_path_join(self.base_url, "polartep", "stac")
        return f"{self.request.protocol}://{self.request.host}{path}"

    async def call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run a (blocking) service call off the event loop."""
        return await IOLoop.current().run_in_executor(None, functools.partial(fn, *args, **kwargs))

    def query(self) -> dict[str, str]:
        return {k: self.get_query_argument(k) for k in self.request.query_arguments}

    _geojson: str | None = None

    def reply_geojson(self, payload: Any, status: int = 200, media: str = "application/geo+json") -> None:
        """Items and item collections are GeoJSON (`application/geo+json`)."""
        self._geojson = media
        self.set_status(status)
        self.finish(json.dumps(payload, default=str))

    def finish(self, chunk: Any = None) -> Any:
        if not self._geojson:
            return super().finish(chunk)
        # APIHandler.finish would force application/json
        self.update_api_activity()
        self.set_header("Content-Type", self._geojson)
        return JupyterHandler.finish(self, chunk)

    def warn_unchecked(self, body: dict[str, Any]) -> None:
        """`Warning: 299` naming declared extensions whose schema is not bundled (accepted unchecked)."""
        features = body.get("features")
        many = body.get("type") == "FeatureCollection" and isinstance(features, list)
        objects = features if many else [body]
        unknown = list(dict.fromkeys(url for obj in objects for url in unbundled_extensions(obj)))
        if unknown:
            urls = " ".join(quote(url, safe=":/?#[]@!$&()*+,;=%~._-") for url in unknown[:10])
            warning = f'299 polartep "STAC extension schemas not bundled, not checked: {urls}"'
            self.set_header("Warning", warning)

    def body_object(self) -> dict[str, Any]:
        body = self.json_body()
        if not isinstance(body, dict):
            raise Invalid("request body must be a JSON object", "bad_body")
        return body


# ---- the workspace catalog as a STAC API ------------------------------------------------------------
class LandingHandler(_StacHandler):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        self.reply(await self.call(self.stac.landing, self.root_url))


class OpenAPIHandler(_StacHandler):
    """The `service-desc` of the landing page: this STAC API's OpenAPI document (JSON)."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        server = f"{self.request.protocol}://{self.request.host}{self.base_url}"
        spec = await self.call(self.stac.openapi, server)
        self.reply_geojson(spec, media=OPENAPI_JSON)


class ConformanceHandler(_StacHandler):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        self.reply(self.stac.conformance())


class QueryablesHandler(_StacHandler):
    @web.authenticated
    @authorized
    async def get(self, collection_id: str | None = None) -> None:
        payload = await self.call(self.stac.queryables, self.root_url, collection_id)
        self.reply_geojson(payload, media="application/schema+json")


class CollectionsHandler(_StacHandler):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        self.reply(await self.call(self.stac.list_collections, self.root_url))

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.body_object()
        created = await self.call(self.stac.create_collection, body)
        self.warn_unchecked(body)
        self.reply(await self.call(self.stac.get_collection, created["id"], self.root_url), 201)


class CollectionHandler(_StacHandler):
    @web.authenticated
    @authorized
    async def get(self, collection_id: str) -> None:
        self.reply(await self.call(self.stac.get_collection, collection_id, self.root_url))

    @web.authenticated
    @authorized
    async def put(self, collection_id: str) -> None:
        body = self.body_object()
        await self.call(self.stac.update_collection, collection_id, body)
        self.warn_unchecked(body)
        self.reply(await self.call(self.stac.get_collection, collection_id, self.root_url))

    @web.authenticated
    @authorized
    async def delete(self, collection_id: str) -> None:
        await self.call(self.stac.delete_collection, collection_id)
        self.set_status(204)
        self.finish()


class ItemsHandler(_StacHandler):
    @web.authenticated
    @authorized
    async def get(self, collection_id: str) -> None:
        params = self.query()
        params.pop("collections", None)
        self.reply_geojson(await self.call(self.stac.items, collection_id, self.root_url, **params))

    @web.authenticated
    @authorized
    async def post(self, collection_id: str) -> None:
        body = self.body_object()
        created = await self.call(self.stac.create_item, collection_id, body)
        self.warn_unchecked(body)
        if created.get("type") == "Feature":
            created = await self.call(self.stac.get_item, collection_id, created["id"], self.root_url)
        self.reply(created, 201)


class ItemHandler(_StacHandler):
    @web.authenticated
    @authorized
    async def get(self, collection_id: str, item_id: str) -> None:
        self.reply_geojson(await self.call(self.stac.get_item, collection_id, item_id, self.root_url))

    @web.authenticated
    @authorized
    async def put(self, collection_id: str, item_id: str) -> None:
        body = self.body_object()
        await self.call(self.stac.update_item, collection_id, item_id, body)
        self.warn_unchecked(body)
        self.reply(await self.call(self.stac.get_item, collection_id, item_id, self.root_url))

    @web.authenticated
    @authorized
    async def delete(self, collection_id: str, item_id: str) -> None:
        await self.call(self.stac.delete_item, collection_id, item_id)
        self.set_status(204)
        self.finish()


class SearchHandler(_StacHandler):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        self.reply_geojson(await self.call(self.stac.search, self.root_url, method="GET", **self.query()))

    @web.authenticated
    @authorized
    async def post(self) -> None:
        self.reply_geojson(
            await self.call(self.stac.search, self.root_url, method="POST", **self.body_object())
        )


# ---- the catalog browser API --------------------------------------------------------------------------
class CatalogsHandler(_StacHandler):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        catalogs = await self.call(self.stac.catalogs)
        self.reply({"catalogs": [c.model_dump() for c in catalogs]})

    @web.authenticated
    @authorized
    async def post(self) -> None:
        spec = self.parse(CreateCatalog)
        self.reply(await self.call(self.stac.add_catalog, spec), 201)


class CatalogHandler(_StacHandler):
    @web.authenticated
    @authorized
    async def get(self, name: str) -> None:
        self.reply(await self.call(self.stac.registry.get, name))

    @web.authenticated
    @authorized
    async def delete(self, name: str) -> None:
        await self.call(self.stac.remove_catalog, name)
        self.set_status(204)
        self.finish()


class CatalogCollectionsHandler(_StacHandler):
    @web.authenticated
    @authorized
    async def get(self, name: str) -> None:
        self.reply({"collections": await self.call(self.stac.catalog_collections, name)})


class CatalogCollectionHandler(_StacHandler):
    @web.authenticated
    @authorized
    async def get(self, name: str, collection_id: str) -> None:
        self.reply(await self.call(self.stac.catalog_collection, name, collection_id))


class CatalogItemHandler(_StacHandler):
    @web.authenticated
    @authorized
    async def get(self, name: str, collection_id: str, item_id: str) -> None:
        self.reply(await self.call(self.stac.catalog_item, name, collection_id, item_id))


class CatalogSearchHandler(_StacHandler):
    @web.authenticated
    @authorized
    async def post(self, name: str) -> None:
        self.reply(await self.call(self.stac.catalog_search, name, self.body_object()))


class CatalogCodeHandler(_StacHandler):
    @web.authenticated
    @authorized
    async def post(self, name: str) -> None:
        body = self.body_object()
        await self.call(self.stac.registry.get, name)
        self.reply({"code": search_code(name, body)})


class DownloadHandler(_StacHandler):
    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.body_object()
        href, folder = body.get("href"), body.get("folder", "data")
        if not isinstance(href, str) or not isinstance(folder, str):
            raise Invalid("href and folder must be strings", "bad_body")
        self.reply(await self.call(self.stac.download_asset, href, folder), 201)
