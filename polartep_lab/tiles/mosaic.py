"""Which items a mosaic tile needs, done right in polar grids.

titiler-pgstac finds a tile's items from the tile's two reprojected corners: in a polar grid the
corners of a tile next to the pole reproject to two points far south of it, so the "box" misses the
pole and the items there (tiles near the pole come back empty). Here the tile's edges are densified
(21 points per edge), a tile that contains a pole reaches it, and a box that crosses the antimeridian
is split in two.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

Box = tuple[float, float, float, float]


def tile_boxes(tms: Any, z: int, x: int, y: int) -> list[Box]:
    """WGS84 boxes covering tile (z, x, y) of ``tms`` (two when it crosses the antimeridian)."""
    from pyproj import Transformer
    from rasterio.crs import CRS
    from rasterio.warp import transform_bounds

    bounds = tms.xy_bounds(x, y, z)
    crs = CRS.from_wkt(tms.crs._pyproj_crs.to_wkt())
    west, south, east, north = transform_bounds(crs, "EPSG:4326", *bounds, densify_pts=21)
    to_grid = Transformer.from_crs("EPSG:4326", tms.crs._pyproj_crs, always_xy=True)
    for lat in (90.0, -90.0):
        px, py = to_grid.transform(0.0, lat)
        if bounds.left <= px <= bounds.right and bounds.bottom <= py <= bounds.top:
            west, east = -180.0, 180.0
            north, south = (90.0, south) if lat > 0 else (north, -90.0)
    if west > east:
        return [(west, south, 180.0, north), (-180.0, south, east, north)]
    return [(west, south, east, north)]


def two_corner_box(tms: Any, z: int, x: int, y: int) -> Box:
    """What a two-corner lookup uses (titiler-pgstac's approach): for comparison only."""
    from pyproj import Transformer

    bounds = tms.xy_bounds(x, y, z)
    to_lonlat = Transformer.from_crs(tms.crs._pyproj_crs, "EPSG:4326", always_xy=True)
    lon1, lat1 = to_lonlat.transform(bounds.left, bounds.bottom)
    lon2, lat2 = to_lonlat.transform(bounds.right, bounds.top)
    return min(lon1, lon2), min(lat1, lat2), max(lon1, lon2), max(lat1, lat2)


def item_boxes(item: dict[str, Any]) -> list[Box]:
    bbox = item.get("bbox") or []
    if len(bbox) == 6:
        bbox = [bbox[0], bbox[1], bbox[3], bbox[4]]
    if len(bbox) != 4:
        return []
    west, south, east, north = (float(v) for v in bbox)
    if west > east:
        return [(west, south, 180.0, north), (-180.0, south, east, north)]
    return [(west, south, east, north)]


def intersects(a: Box, b: Box) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def items_for_boxes(items: Iterable[dict[str, Any]], boxes: list[Box]) -> list[dict[str, Any]]:
    """The items whose bbox meets any of ``boxes``, in their given order."""
    return [item for item in items if any(intersects(i, b) for i in item_boxes(item) for b in boxes)]
