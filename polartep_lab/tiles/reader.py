"""The tiler's raster reader: rio-tiler's ``Reader``, warping a reprojected tile once, not twice.

rio-tiler reads a reprojected tile from a GDAL warped VRT with ``masked=True``, so rasterio also
reads the band's nodata mask, and GDAL computes that mask by reading the band again. A warped VRT
answers a whole-window read by warping straight into the caller's buffer, bypassing the block
cache, so the mask read warps the tile a second time. With GDAL's
``GDAL_VRT_WARP_USE_DATASET_RASTERIO=NO`` the read goes through the block cache instead and the
mask read reuses the warped blocks: one warp per tile, the same pixels.

The second warp is what made polar tiles dear. For a geographic (EPSG:4326) source, a 256x256 tile
of EPSG3413Quad costs GDAL about 19,000 exact PROJ transforms (the longitude turns fast around the
pole, so its row-wise linear approximation keeps splitting), and a WebMercatorQuad tile 4 (GDAL
special-cases Web Mercator). Halving the polar warp takes a third off the polar tile's read.

The block path is taken only for rasters with overviews. A zoomed-out tile of a raster without
any would be warped block by block at full resolution (10x slower, measured), where GDAL's direct
path warps at the tile's resolution.
"""

from __future__ import annotations

from typing import Any

import rasterio
from rio_tiler.io import Reader

#: GDAL configuration of a read that warps through the block cache (see the module docstring)
CACHED_WARP = {"GDAL_VRT_WARP_USE_DATASET_RASTERIO": "NO"}


def warp_config(dataset: Any) -> dict[str, str]:
    """The GDAL configuration to read reprojected windows of ``dataset`` with."""
    return dict(CACHED_WARP) if dataset.overviews(1) else {}


class WorkspaceReader(Reader):
    """rio-tiler's COG reader whose reprojected reads (tiles, parts, features) warp once."""

    def part(self, *args: Any, **kwargs: Any) -> Any:
        with rasterio.Env(**warp_config(self.dataset)):
            return super().part(*args, **kwargs)

    def read(self, *args: Any, **kwargs: Any) -> Any:
        with rasterio.Env(**warp_config(self.dataset)):
            return super().read(*args, **kwargs)
