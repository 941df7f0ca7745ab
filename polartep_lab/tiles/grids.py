"""Tile matrix sets: WebMercatorQuad plus the polar stereographic grids of NASA GIBS.

EPSG:3413 (NSIDC Sea Ice Polar Stereographic North) and EPSG:3031 (Antarctic Polar
Stereographic) over ±4,194,304 m, so zoom 0 is one 256-pixel tile of 32,768 m/px centred on the
pole. Built with ``morecantile.TileMatrixSet.custom`` and registered next to morecantile's own
grids, so titiler's factories and rio-tiler accept them by id.
"""

from __future__ import annotations

from functools import cache
from typing import Any

#: id -> (EPSG code, human title)
POLAR_GRIDS: dict[str, tuple[int, str]] = {
    "EPSG3413Quad": (3413, "Arctic: NSIDC Sea Ice Polar Stereographic North (EPSG:3413)"),
    "EPSG3031Quad": (3031, "Antarctic Polar Stereographic (EPSG:3031)"),
}
#: half the side of the polar grids' square extent, in metres (as NASA GIBS uses)
POLAR_EXTENT = 4_194_304.0
#: the grids the workspace offers, in the order the panel lists them
OFFERED = ("WebMercatorQuad", "EPSG3413Quad", "EPSG3031Quad")
#: map projection code (as the panel and widget name it) -> tile matrix set id
PROJECTION_GRID = {"EPSG:3857": "WebMercatorQuad", "EPSG:3413": "EPSG3413Quad", "EPSG:3031": "EPSG3031Quad"}


def polar_grid(grid_id: str) -> Any:
    """The morecantile TileMatrixSet of one polar grid."""
    import morecantile
    import pyproj

    epsg, title = POLAR_GRIDS[grid_id]
    extent = [-POLAR_EXTENT, -POLAR_EXTENT, POLAR_EXTENT, POLAR_EXTENT]
    return morecantile.TileMatrixSet.custom(
        extent,
        pyproj.CRS.from_epsg(epsg),
        id=grid_id,
        title=title,
        minzoom=0,
        maxzoom=18,
    )


@cache
def registry() -> Any:
    """The grids the tiler serves: WebMercatorQuad and the polar ones (a morecantile registry)."""
    import morecantile
    from morecantile.defaults import TileMatrixSets

    grids = {grid_id: polar_grid(grid_id) for grid_id in POLAR_GRIDS}
    grids["WebMercatorQuad"] = morecantile.tms.get("WebMercatorQuad")
    return TileMatrixSets({grid_id: grids[grid_id] for grid_id in OFFERED})


def grid_for_projection(projection: str) -> str:
    """`EPSG:3413` -> `EPSG3413Quad`; a grid id passes through."""
    if projection in PROJECTION_GRID:
        return PROJECTION_GRID[projection]
    if projection in OFFERED:
        return projection
    from ..core.errors import Invalid

    raise Invalid(
        f"unknown projection {projection!r}: use one of {', '.join([*PROJECTION_GRID, *OFFERED])}",
        "unknown_tms",
    )


def projection_for_bounds(west: float, south: float, east: float, north: float) -> str:
    """The map projection that suits data with these WGS84 bounds (polar data opens polar)."""
    if south >= 50.0 or (north >= 84.0 and south > 0.0):
        return "EPSG:3413"
    if north <= -50.0 or (south <= -84.0 and north < 0.0):
        return "EPSG:3031"
    return "EPSG:3857"


def write_grid_files(folder: Any) -> list[Any]:
    """Write the polar grids as OGC TileMatrixSet JSON (``<id>.json``) into ``folder``.

    morecantile (and so titiler-pgstac) loads every JSON file of ``TILEMATRIXSET_DIRECTORY``
    at import time as an extra grid named after the file: point an eoAPI raster service at that
    folder and it serves ``EPSG3413Quad`` / ``EPSG3031Quad`` exactly as the embedded tiler does.
    """
    from pathlib import Path

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for grid_id in POLAR_GRIDS:
        path = folder / f"{grid_id}.json"
        path.write_text(polar_grid(grid_id).model_dump_json(exclude_none=True, by_alias=True))
        written.append(path)
    return written
