"""Real sample rasters made offline with rasterio: COGs covering the North and South Poles.

Used by the demo workspace, the example notebook, the tests and the benchmark. Values are chosen
so that a tile's pixels can be checked against what correct reprojection must give:

* ``arctic-quadrants-3413.tif`` (EPSG:3413, ±``half`` m around the pole): band 1 is 10/20/30/40 in
  the four quadrants (x<0,y<0 / x≥0,y<0 / x<0,y≥0 / x≥0,y≥0), band 2 is the distance from the pole
  in km (clipped to 255), nodata 0 outside.
* ``arctic-sectors-4326.tif`` (EPSG:4326, 60°N-90°N): band 1 is the longitude sector 1..4
  (``1 + (lon + 180) // 90``): tiled in EPSG:3413 it must be rotated by 3413's -45° meridian.
* ``antarctic-quadrants-3031.tif``: like the Arctic one, in EPSG:3031.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ARCTIC = "arctic-quadrants-3413.tif"
ARCTIC_SECTORS = "arctic-sectors-4326.tif"
ANTARCTIC = "antarctic-quadrants-3031.tif"


def quadrant_value(x: float, y: float) -> int:
    """The band-1 value the quadrant rasters hold at projected (x, y)."""
    return (10 if x < 0 else 20) + (0 if y < 0 else 20)


def sector_value(lon: float) -> int:
    """The band-1 value the 4326 sector raster holds at longitude ``lon``."""
    return 1 + min(3, int((lon + 180.0) // 90.0))


def _write_cog(
    path: Path, data: Any, crs: str, transform: Any, nodata: float, descriptions: tuple[str, ...] = ()
) -> Path:
    import rasterio
    import rasterio.shutil
    from rasterio.io import MemoryFile

    profile = {
        "driver": "GTiff",
        "width": data.shape[2],
        "height": data.shape[1],
        "count": data.shape[0],
        "dtype": str(data.dtype),
        "crs": crs,
        "transform": transform,
        "nodata": nodata,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    with MemoryFile() as mem:
        with mem.open(**profile) as dst:
            dst.write(data)
            for index, description in enumerate(descriptions, start=1):
                dst.set_band_description(index, description)
        with mem.open() as src:
            tmp = path.with_name(f".{path.name}.tmp")
            rasterio.shutil.copy(
                src,
                tmp,
                driver="COG",
                BLOCKSIZE=256,
                COMPRESS="DEFLATE",
                OVERVIEWS="AUTO",
                RESAMPLING="NEAREST",
            )
            tmp.replace(path)
    _ = rasterio  # keep the import explicit for readers
    return path


def quadrants(path: Path, epsg: int, half: float = 1_000_000.0, size: int = 500) -> Path:
    """A pole-centred quadrant raster in a polar stereographic CRS."""
    import numpy as np
    from rasterio.transform import from_bounds

    res = 2 * half / size
    centres = -half + res * (np.arange(size) + 0.5)
    xx, yy = np.meshgrid(centres, centres[::-1])
    band1 = (np.where(xx < 0, 10, 20) + np.where(yy < 0, 0, 20)).astype("uint8")
    band2 = np.clip(np.hypot(xx, yy) / 1000.0, 1, 255).astype("uint8")
    data = np.stack([band1, band2])
    bounds = from_bounds(-half, -half, half, half, size, size)
    return _write_cog(path, data, f"EPSG:{epsg}", bounds, 0, ("quadrant", "distance to the pole (km)"))


def sectors(path: Path, south: float = 60.0, size: tuple[int, int] = (720, 120)) -> Path:
    """A geographic raster north of ``south`` whose value is the longitude sector."""
    import numpy as np
    from rasterio.transform import from_bounds

    width, height = size
    lons = -180 + 360 * (np.arange(width) + 0.5) / width
    band = np.array([sector_value(lon) for lon in lons], dtype="uint8")
    data = np.broadcast_to(band, (height, width)).copy()[None, :, :]
    bounds = from_bounds(-180, south, 180, 90, width, height)
    return _write_cog(path, data, "EPSG:4326", bounds, 0, ("longitude sector",))


def stac_item(raster: Path, item_id: str, collection: str | None = None) -> dict[str, Any]:
    """A STAC item for one sample raster (footprint from rasterio, asset href relative)."""
    import rasterio
    from rasterio.warp import transform_bounds

    with rasterio.open(raster) as src:
        west, south, east, north = transform_bounds(src.crs, "EPSG:4326", *src.bounds, densify_pts=21)
        epsg = src.crs.to_epsg()
        if src.crs.to_epsg() in (3413, 3031):  # a disc around a pole: the box spans all longitudes
            west, east = -180.0, 180.0
            north, south = (90.0, south) if epsg == 3413 else (north, -90.0)
        shape, bounds = [src.height, src.width], list(src.bounds)
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    item: dict[str, Any] = {
        "type": "Feature",
        "stac_version": "1.0.0",
        "stac_extensions": ["https://stac-extensions.github.io/projection/v1.1.0/schema.json"],
        "id": item_id,
        "bbox": [west, south, east, north],
        "geometry": {"type": "Polygon", "coordinates": [ring]},
        "properties": {
            "datetime": "2024-03-01T00:00:00Z",
            "proj:epsg": epsg,
            "proj:shape": shape,
            "proj:bbox": bounds,
        },
        "links": [],
        "assets": {
            "data": {
                "href": f"./{raster.name}",
                "type": "image/tiff; application=geotiff; profile=cloud-optimized",
                "roles": ["data"],
            },
            "metadata": {"href": "./metadata.json", "type": "application/json", "roles": ["metadata"]},
        },
    }
    if collection:
        item["collection"] = collection
    return item


def make_samples(folder: Path) -> list[Path]:
    """Write the sample COGs (and a STAC item for the Arctic one) into ``folder``; idempotent."""
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for name, build in (
        (ARCTIC, lambda p: quadrants(p, 3413)),
        (ANTARCTIC, lambda p: quadrants(p, 3031)),
        (ARCTIC_SECTORS, sectors),
    ):
        path = folder / name
        if not path.exists():
            build(path)
        made.append(path)
    item_path = folder / "arctic-quadrants-item.json"
    if not item_path.exists():
        item_path.write_text(json.dumps(stac_item(folder / ARCTIC, "arctic-quadrants"), indent=2))
    (folder / "metadata.json").exists() or (folder / "metadata.json").write_text('{"note": "not a raster"}')
    made.append(item_path)
    return made
