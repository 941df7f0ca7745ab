from __future__ import annotations

from typing import Any

from jupyter_server.utils import url_path_join

from ..core.features import Backend, Feature, FeatureContext, Health, Route
from . import handlers as h
from .catalogs import CatalogRegistry
from .service import StacService
from .store import CatalogStore


def open_store(
    backend: str, data_dir: Any, dsn: str = "", api_url: str = "", http: Any = None
) -> CatalogStore:
    """The workspace catalog's store: embedded SQLite file, or PgSTAC (by URL of a
    stac-fastapi-pgstac service when one is given, else by DSN)."""
    if backend == "pgstac" and api_url:
        from .stac_api_store import StacApiStore

        return StacApiStore(api_url, http)
    if backend == "pgstac":
        from .pgstac_store import PgSTACStore

        return PgSTACStore(dsn)
    from .sqlite_store import SQLiteStore

    return SQLiteStore(data_dir / "catalog.sqlite")


def build(ctx: FeatureContext) -> StacService:
    app = ctx.app
    ctx.data_dir.mkdir(parents=True, exist_ok=True)
    store = open_store(app.stac_backend, ctx.data_dir, app.stac_pgstac_dsn, app.stac_api_url, ctx.http)
    root_url = url_path_join(ctx.base_url, "polartep", "stac")
    registry = CatalogRegistry(ctx.data_dir, list(app.stac_catalogs), root_url)
    return StacService(
        store,
        registry,
        http=ctx.http,
        root_dir=ctx.root_dir,
        services=ctx.services,
        root_url=root_url,
        log=ctx.log,
        remote_timeout=app.stac_remote_timeout,
        unknown_extensions=app.stac_unknown_extensions,
    )


def _backend(service: StacService) -> Backend:
    kind = "real" if service.store.kind == "real" else "embedded"
    return Backend(kind, type(service.store).__name__, service.store.describe())


def _health(service: StacService) -> Health:
    ok, detail = service.store.health()
    return Health(ok, detail)


def _demo(workspace: Any) -> list[str]:
    from .demo import seed_demo
    from .demo_cogs import seed_cog_demo

    # footprint-only scenes, then real sea-ice concentration COGs under data/sea-ice/
    return seed_demo(workspace) + seed_cog_demo(workspace)


FEATURE = Feature(
    name="stac",
    title="Data access (STAC)",
    description="Browse and search STAC catalogs; the workspace catalog is a STAC API with transactions.",
    build=build,
    routes=(
        Route("stac", h.LandingHandler),
        Route("stac/", h.LandingHandler),
        Route("stac/api", h.OpenAPIHandler),
        Route("stac/conformance", h.ConformanceHandler),
        Route("stac/queryables", h.QueryablesHandler),
        Route("stac/search", h.SearchHandler),
        Route("stac/collections", h.CollectionsHandler),
        Route("stac/collections/{collection_id}", h.CollectionHandler),
        Route("stac/collections/{collection_id}/queryables", h.QueryablesHandler),
        Route("stac/collections/{collection_id}/items", h.ItemsHandler),
        Route("stac/collections/{collection_id}/items/{item_id}", h.ItemHandler),
        Route("api/stac/catalogs", h.CatalogsHandler),
        Route("api/stac/catalogs/{name}", h.CatalogHandler),
        Route("api/stac/catalogs/{name}/collections", h.CatalogCollectionsHandler),
        Route("api/stac/catalogs/{name}/collections/{collection_id}", h.CatalogCollectionHandler),
        Route("api/stac/catalogs/{name}/collections/{collection_id}/items/{item_id}", h.CatalogItemHandler),
        Route("api/stac/catalogs/{name}/search", h.CatalogSearchHandler),
        Route("api/stac/catalogs/{name}/code", h.CatalogCodeHandler),
        Route("api/stac/downloads", h.DownloadHandler),
    ),
    backend=_backend,
    health=_health,
    config=lambda s: {"store": s.store.describe(), "catalogs": len(s.catalogs())},
    demo=_demo,
    order=20,
)
