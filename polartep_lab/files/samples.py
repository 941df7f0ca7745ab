"""Small real geodata made offline: a polar stereographic GeoTIFF, a GeoJSON, a CF NetCDF.

Used by the demo workspace, the example notebook and the tests (no download anywhere).
"""

from __future__ import annotations

import json
from pathlib import Path


def polar_geotiff(path: Path, size: int = 128, epsg: int = 3413, cog: bool = False) -> Path:
    """A float32 raster centred on the pole (EPSG:3413 Arctic / 3031 Antarctic), nodata -9999."""
    import numpy as np
    import rasterio
    from rasterio.transform import from_origin

    half = 1_000_000.0  # metres: the raster spans 2000 km and covers the pole
    res = 2 * half / size
    y, x = np.mgrid[0:size, 0:size]
    data = (np.hypot(x - size / 2, y - size / 2) * 10).astype("float32")
    data[:4, :4] = -9999
    profile = {
        "driver": "GTiff",
        "width": size,
        "height": size,
        "count": 1,
        "dtype": "float32",
        "crs": f"EPSG:{epsg}",
        "transform": from_origin(-half, half, res, res),
        "nodata": -9999,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    if cog:
        from rasterio.io import MemoryFile
        from rasterio.shutil import copy

        with MemoryFile() as mem:
            with mem.open(**profile) as dst:
                dst.write(data, 1)
            with mem.open() as src:
                copy(src, path, driver="COG", BLOCKSIZE=256, COMPRESS="DEFLATE", OVERVIEWS="AUTO")
    else:
        with rasterio.open(path, "w", **profile) as dst:
            dst.write(data, 1)
    return path


def stations_geojson(path: Path) -> Path:
    """Three Arctic stations, one across the antimeridian from the others."""
    features = [
        {
            "type": "Feature",
            "properties": {"name": n, "elevation": e},
            "geometry": {"type": "Point", "coordinates": c},
        }
        for n, e, c in (
            ("Ny-Ålesund", 8, [11.93, 78.92]),
            ("Alert", 30, [-62.35, 82.5]),
            ("Tiksi", 1, [128.87, 71.63]),
        )
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path


def sea_ice_netcdf(path: Path, size: int = 16) -> Path:
    """A CF NetCDF on the EPSG:3413 grid with a polar_stereographic grid mapping."""
    import numpy as np
    import xarray as xr

    coords = np.linspace(-1_000_000, 1_000_000, size)
    ds = xr.Dataset(
        {
            "sea_ice_concentration": (
                ("y", "x"),
                np.random.default_rng(1).random((size, size)).astype("float32"),
            )
        },
        coords={"x": coords, "y": coords[::-1]},
    )
    ds["sea_ice_concentration"].attrs = {
        "units": "1",
        "grid_mapping": "crs",
        "long_name": "sea ice concentration",
    }
    ds["crs"] = xr.DataArray(
        0,
        attrs={
            "grid_mapping_name": "polar_stereographic",
            "latitude_of_projection_origin": 90.0,
            "straight_vertical_longitude_from_pole": -45.0,
            "standard_parallel": 70.0,
            "false_easting": 0.0,
            "false_northing": 0.0,
            "semi_major_axis": 6378137.0,
            "inverse_flattening": 298.257223563,
        },
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    ds.to_netcdf(path, engine="h5netcdf")
    return path
