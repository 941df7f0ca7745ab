"""`/mosaic/…` of the workspace tiler: tiles of a STAC search result (a FeatureCollection file/URL).

The items a tile needs are found from densified tile bounds (:mod:`polartep_lab.tiles.mosaic`),
so tiles next to a pole find the items that cover it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi import Path as PathParam
from starlette.responses import Response

from ..core.errors import Invalid, NotFound
from .mosaic import items_for_boxes, tile_boxes

MEDIA = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "webp": "image/webp"}
DRIVER = {"png": "PNG", "jpg": "JPEG", "jpeg": "JPEG", "webp": "WEBP"}


def read_features(source: str) -> list[dict[str, Any]]:
    """The items of a FeatureCollection (a workspace file or an http(s) URL already allow-listed)."""
    try:
        if source.startswith(("http://", "https://")):
            import httpx

            response = httpx.get(source, timeout=30)
            response.raise_for_status()
            data = response.json()
        else:
            data = json.loads(Path(source).read_text())
    except (OSError, ValueError) as exc:
        raise Invalid(f"not a STAC search result: {exc}", "bad_mosaic") from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise Invalid("a mosaic url must be a STAC FeatureCollection (a search result)", "bad_mosaic")
    return [f for f in data.get("features", []) if isinstance(f, dict)]


def mosaic_router(source_dependency: Any, reader: type, grids: Any) -> APIRouter:
    router = APIRouter()

    @router.get("/tiles/{tileMatrixSetId}/{z}/{x}/{y}.{format}", response_class=Response)
    def mosaic_tile(
        tileMatrixSetId: str = PathParam(),
        z: int = PathParam(),
        x: int = PathParam(),
        y: int = PathParam(),
        format: Literal["png", "jpg", "jpeg", "webp"] = PathParam(),
        source: str = Depends(source_dependency),
        assets: list[str] = Query(["data"]),  # noqa: B008
        bidx: list[int] | None = Query(None),  # noqa: B008
        rescale: str | None = Query(None, pattern=r"^-?[\d.]+,-?[\d.]+$"),
        colormap_name: str | None = None,
    ) -> Response:
        import pystac
        from rio_tiler.colormap import cmap
        from rio_tiler.errors import EmptyMosaicError
        from rio_tiler.mosaic import mosaic_reader

        if tileMatrixSetId not in grids.list():
            available = ", ".join(grids.list())
            raise Invalid(f"unknown tile matrix set: use one of {available}", "unknown_tms")
        tms = grids.get(tileMatrixSetId)
        items = items_for_boxes(read_features(source), tile_boxes(tms, z, x, y))
        if not items:
            raise NotFound(f"no item of the search covers tile {z}/{x}/{y}", "empty_tile")

        def tile(item: dict[str, Any], x: int, y: int, z: int, **kwargs: Any) -> Any:
            stac_item = pystac.Item.from_dict(item, href=source if not source.startswith("http") else None)
            with reader(source, item=stac_item, tms=tms) as src:
                wanted = [{"name": a, "indexes": bidx} for a in assets] if bidx else assets
                return src.tile(x, y, z, assets=wanted)

        try:
            image, _ = mosaic_reader(items, tile, x, y, z)
        except EmptyMosaicError as exc:
            raise NotFound(f"the items leave tile {z}/{x}/{y} empty", "empty_tile") from exc
        if rescale:
            low, high = (float(v) for v in rescale.split(","))
            image.rescale(((low, high),))
        colormap = cmap.get(colormap_name) if colormap_name else None
        content = image.render(img_format=DRIVER[format], colormap=colormap)
        return Response(content, media_type=MEDIA[format])

    return router
