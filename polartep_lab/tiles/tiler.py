"""The workspace tiler: a titiler application with polar tile matrix sets and an allow-listed `url`.

Run by jupyter-server-proxy as its own process (see :mod:`polartep_lab.tiles.proxy`), reachable at
``<base_url>/polartep/tiles/`` with titiler's route layout below it:

* ``/cog/…``   COG tiles, tilejson, WMTSCapabilities.xml, info, statistics, point, preview
* ``/stac/…``  STAC item tiles (``url=`` an item file or URL; every asset href is allow-listed too)
* ``/tileMatrixSets`` the grids, WebMercatorQuad plus EPSG3413Quad / EPSG3031Quad

This module imports titiler, so only the tiler process (and tests/benchmarks) import it.
"""

from __future__ import annotations

import os
from typing import Annotated, Any

import attr
from fastapi import FastAPI, Query
from fastapi.exceptions import RequestValidationError
from rasterio.errors import RasterioIOError
from rio_tiler.errors import InvalidAssetName, TileOutsideBounds
from rio_tiler.io import BaseReader, STACReader
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send
from titiler.core.errors import DEFAULT_STATUS_CODES, add_exception_handlers
from titiler.core.factory import MultiBaseTilerFactory, TilerFactory, TMSFactory
from titiler.extensions import wmtsExtension

from ..core.errors import Invalid, PolarTEPError
from .access import SourcePolicy, allowed_source
from .grids import OFFERED, registry
from .mosaic_routes import mosaic_router
from .reader import WorkspaceReader

#: STAC asset media types the tiler treats as rasters
RASTER_TYPES = {
    "image/tiff",
    "image/tiff; application=geotiff",
    "image/tiff; application=geotiff; profile=cloud-optimized",
    "image/tiff; profile=cloud-optimized; application=geotiff",
    "image/vnd.stac.geotiff; cloud-optimized=true",
    "image/x.geotiff",
    "image/jp2",
    "application/x-hdf5",
    "application/x-hdf",
}


class ForwardedPrefix:
    """Use jupyter-server-proxy's ``X-Forwarded-Prefix`` as root_path, so URLs in TileJSON and
    WMTS documents point back through the notebook server (``…/polartep/tiles/cog/…``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            for key, value in scope.get("headers", []):
                if key == b"x-forwarded-prefix":
                    scope = {**scope, "root_path": value.decode("latin-1").rstrip("/")}
                    break
        await self.app(scope, receive, send)


def workspace_stac_reader(policy: SourcePolicy) -> type[STACReader]:
    """A STACReader whose asset hrefs must pass the same allow-list as `url`, read with the
    tiler's :class:`~polartep_lab.tiles.reader.WorkspaceReader`."""

    @attr.s
    class WorkspaceSTACReader(STACReader):
        reader: type[BaseReader] = attr.ib(default=WorkspaceReader)

        def _get_asset_info(self, asset: Any) -> Any:
            name = asset if isinstance(asset, str) else str(asset.get("name", ""))
            stac_asset = self.item.assets.get(name)
            media = (stac_asset.media_type or "").lower() if stac_asset is not None else ""
            if stac_asset is not None and media and media not in RASTER_TYPES:
                raise Invalid(f"asset {name!r} is not a raster ({media})", "not_a_raster")
            info = super()._get_asset_info(asset)
            info["url"] = allowed_source(info["url"], policy)
            return info

    return WorkspaceSTACReader


def create_app(policy: SourcePolicy | None = None) -> FastAPI:
    policy = policy or SourcePolicy.from_env()
    grids = registry()

    def source(
        url: Annotated[
            str, Query(description="Workspace-relative path, file under a data root, or http(s) URL")
        ],
    ) -> str:
        return allowed_source(url, policy)

    WorkspaceSTACReader = workspace_stac_reader(policy)

    app = FastAPI(
        title="Polar TEP workspace tiler",
        description="titiler with polar tile matrix sets (EPSG3413Quad, EPSG3031Quad)",
        openapi_url="/api",
        docs_url="/api.html",
    )
    cog = TilerFactory(
        reader=WorkspaceReader,
        path_dependency=source,
        supported_tms=grids,
        router_prefix="/cog",
        extensions=[wmtsExtension(layer_identifier_provider=_layer_name)],
    )
    stac = MultiBaseTilerFactory(
        reader=WorkspaceSTACReader,
        path_dependency=source,
        supported_tms=grids,
        router_prefix="/stac",
        extensions=[wmtsExtension(layer_identifier_provider=_layer_name)],
    )
    app.include_router(cog.router, prefix="/cog", tags=["Cloud Optimized GeoTIFF"])
    app.include_router(stac.router, prefix="/stac", tags=["STAC item"])
    app.include_router(TMSFactory(supported_tms=grids).router, tags=["Tile matrix sets"])
    app.include_router(mosaic_router(source, WorkspaceSTACReader, grids), prefix="/mosaic", tags=["Mosaic"])
    add_exception_handlers(app, {**DEFAULT_STATUS_CODES, InvalidAssetName: 404})

    @app.exception_handler(PolarTEPError)
    async def _domain_error(request: Request, exc: PolarTEPError) -> JSONResponse:
        return _error(exc.status, exc.message, exc.reason)

    @app.exception_handler(RasterioIOError)
    async def _not_raster(request: Request, exc: RasterioIOError) -> JSONResponse:
        text = str(exc)
        if "not recognized as" in text or "not a supported file format" in text:
            return _error(400, "the file is not a raster GDAL can read", "not_a_raster")
        return _error(404 if "No such file" in text else 502, text, "read_failed")

    @app.exception_handler(TileOutsideBounds)
    async def _outside(request: Request, exc: TileOutsideBounds) -> JSONResponse:
        # a map asks for every tile of its view: outside the data is no error, the tile is empty
        return _error(404, str(exc), "outside_bounds")

    @app.exception_handler(IndexError)
    async def _no_band(request: Request, exc: IndexError) -> JSONResponse:
        # rasterio: "band index 5 out of range (not in (1, 2))", from bidx= or an expression's b5
        if str(exc).startswith("band index"):
            return _error(400, f"no such band: {exc}", "no_such_band")
        return _error(500, f"internal error: {exc}", "internal")

    @app.exception_handler(RequestValidationError)
    async def _bad_parameter(request: Request, exc: RequestValidationError) -> JSONResponse:
        for err in exc.errors():
            if "tileMatrixSetId" in [str(p) for p in err.get("loc", ())]:
                available = ", ".join(grids.list())
                return _error(400, f"unknown tile matrix set: use one of {available}", "unknown_tms")
        parts = [f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}" for e in exc.errors()]
        return _error(400, "; ".join(parts), "validation")

    @app.get("/", include_in_schema=False)
    def health() -> dict[str, Any]:
        return {
            "name": "polartep-tiler",
            "pid": os.getpid(),
            "tileMatrixSets": list(OFFERED),
            "roots": len(policy.roots),
        }

    app.add_middleware(ForwardedPrefix)  # type: ignore[arg-type]
    return app


def _layer_name(source: Any) -> str:
    """WMTS layer names: the file name, never the server's absolute path."""
    return str(source).rstrip("/").rsplit("/", 1)[-1] if isinstance(source, str) else "layer"


def _error(status: int, message: str, reason: str) -> JSONResponse:
    return JSONResponse({"message": message, "reason": reason, "detail": message}, status_code=status)
