"""API models of the tiles feature (pydantic v2)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field, model_validator


class Status(StrEnum):
    embedded = "embedded"
    real = "real"


class CreateLayer(BaseModel):
    """What to show: a COG (``url``) or a STAC item (``item_url``, or ``collection`` + ``item``)."""

    url: str | None = Field(
        None, description="workspace-relative path, data-root file or http(s) URL of a COG"
    )
    item_url: str | None = Field(None, description="a STAC item JSON (workspace file or http(s) URL)")
    collection: str | None = Field(None, description="workspace catalog collection id")
    item: str | None = Field(None, description="workspace catalog item id")
    search: dict[str, Any] | None = Field(
        None, description="STAC search of the workspace catalog (bbox, datetime, collections …): a mosaic"
    )
    mosaic_url: str | None = Field(None, description="a STAC FeatureCollection (search result) file or URL")
    assets: list[str] = Field(default_factory=list, description="STAC assets to show (default: first raster)")
    bidx: list[int] = Field(default_factory=list, description="band indexes")
    expression: str | None = None
    rescale: str | None = Field(None, description="'min,max'")
    colormap_name: str | None = None
    projection: str | None = Field(
        None, description="EPSG:3413 | EPSG:3031 | EPSG:3857; default: suits the data"
    )
    format: str = Field("png", pattern="^(png|jpg|jpeg|webp)$")
    title: str | None = None

    @model_validator(mode="after")
    def _one_source(self) -> CreateLayer:
        given = [
            bool(self.url),
            bool(self.item_url),
            bool(self.collection or self.item),
            self.search is not None,
            bool(self.mosaic_url),
        ]
        if sum(given) != 1:
            raise ValueError("give exactly one of url, item_url, collection + item, search or mosaic_url")
        if (self.collection or self.item) and not (self.collection and self.item):
            raise ValueError("collection and item go together")
        if self.rescale is not None:
            parts = self.rescale.split(",")
            try:
                ok = len(parts) == 2 and float(parts[0]) < float(parts[1])
            except ValueError:
                ok = False
            if not ok:
                raise ValueError("rescale must be 'min,max' with min < max")
        return self


class Band(BaseModel):
    """One band of a raster, as the band choice of the panel lists it."""

    index: int = Field(description="1-based band index (the tiler's bidx)")
    name: str = Field(description="the band's description, or b<index>")


class DescribeLayer(BaseModel):
    """A layer ready for any client: URL templates per grid and the eox-map layer JSON."""

    id: str
    title: str
    kind: str = Field(description="cog | stac | mosaic")
    source: str = Field(description="the value passed to the tiler as url=")
    projection: str
    tile_matrix_set: str
    bounds: list[float] | None = Field(None, description="WGS84 west, south, east, north")
    tiles: dict[str, str] = Field(description="tile matrix set id -> XYZ URL template")
    tilejson: str | None = None
    wmts: str | None = None
    info: str | None = None
    statistics: str | None = None
    point: str | None = Field(None, description="URL template with {lon} and {lat}")
    query: dict[str, Any]
    layer: dict[str, Any] = Field(description="eox-map layer JSON for the chosen projection")
    bands: list[Band] = Field(
        default_factory=list, description="the raster's bands (workspace files; empty when not known)"
    )
    raster_assets: list[str] = Field(
        default_factory=list, description="the raster assets of the item (STAC layers)"
    )


class TilesConfig(BaseModel):
    kind: Status
    tiler: str = Field(description="URL (path below the server) of the tiler")
    tile_matrix_sets: list[str]
    projections: dict[str, str]
