"""Geospatial inspection of one file: raster, vector, NetCDF/Zarr, STAC JSON, and raster quicklooks.

Bounds are always given in lon/lat (EPSG:4326), computed from densified edges so that polar
stereographic data gets its true extent: a raster that covers a pole reaches latitude ±90, and one
that crosses the antimeridian has ``west > east`` (the GeoJSON/STAC convention). Anything that
cannot be read becomes ``{"error": …}`` in the answer, never an exception.
"""

from __future__ import annotations

import json
import math
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .models import Entry
from .roots import StorageRoot

DENSIFY = 21
MAX_JSON_BYTES = 20 * 1024 * 1024
MAX_REMOTE_COPY = 512 * 1024 * 1024


def crs_name(crs: Any) -> str | None:
    """``EPSG:nnnn`` where the CRS has a code, else its WKT (or None)."""
    if crs is None:
        return None
    try:
        epsg = crs.to_epsg()
    except Exception:
        epsg = None
    if epsg:
        return f"EPSG:{epsg}"
    authority = crs.to_authority() if hasattr(crs, "to_authority") else None
    if authority:
        return f"{authority[0]}:{authority[1]}"
    return str(crs.to_wkt()) if hasattr(crs, "to_wkt") else str(crs)


def lonlat_bounds(crs: Any, bounds: tuple[float, float, float, float]) -> list[float] | None:
    """[west, south, east, north] in lon/lat; pole- and antimeridian-aware (pyproj/GDAL)."""
    from pyproj import CRS, Transformer

    if crs is None:
        return None
    src = CRS.from_user_input(crs.to_wkt() if hasattr(crs, "to_wkt") else crs)
    if src.equals(CRS.from_epsg(4326)):
        return [float(b) for b in bounds]
    transformer = Transformer.from_crs(src, CRS.from_epsg(4326), always_xy=True)
    out = transformer.transform_bounds(*bounds, densify_pts=DENSIFY)
    if not all(math.isfinite(v) for v in out):
        return None
    return [round(float(v), 8) for v in out]


@contextmanager
def local_copy(root: StorageRoot, rel: str, size: int | None) -> Iterator[Path]:
    """A path on local disk for libraries that need one (remote files are copied, up to a limit)."""
    local = root.local_path(rel)
    if local is not None:
        yield local
        return
    if size is not None and size > MAX_REMOTE_COPY:
        raise ValueError(f"file is {size} bytes, too large to inspect remotely (limit {MAX_REMOTE_COPY})")
    with tempfile.TemporaryDirectory(prefix="polartep-inspect-") as tmp:
        path = Path(tmp) / Path(rel).name
        root.get_file(rel, path)
        yield path


def _open_raster(root: StorageRoot, rel: str) -> Any:
    import rasterio

    local = root.local_path(rel)
    if local is not None:
        return rasterio.open(local)
    return rasterio.open(root.full(rel), opener=root.fs)


def inspect_raster(root: StorageRoot, rel: str, size: int | None = None) -> dict[str, Any]:
    with _open_raster(root, rel) as src:
        out: dict[str, Any] = {
            "type": "raster",
            "driver": src.driver,
            "crs": crs_name(src.crs),
            "width": src.width,
            "height": src.height,
            "count": src.count,
            "dtype": src.dtypes[0] if src.dtypes else None,
            "dtypes": list(src.dtypes),
            "nodata": src.nodata,
            "native_bounds": list(src.bounds),
            "resolution": list(src.res),
            "bounds": lonlat_bounds(src.crs, tuple(src.bounds)) if src.crs else None,
            "overviews": src.overviews(1) if src.count else [],
            "block_shapes": [list(s) for s in src.block_shapes[:1]],
            "compression": src.compression.value if src.compression else None,
            "band_descriptions": list(src.descriptions),
        }
    out["cog"] = (
        cog_status(root, rel, size)
        if src.driver == "GTiff"
        else {"valid": False, "errors": ["not a GeoTIFF"]}
    )
    return out


def cog_status(root: StorageRoot, rel: str, size: int | None = None) -> dict[str, Any]:
    from rio_cogeo.cogeo import cog_validate

    try:
        with local_copy(root, rel, size) as path:
            valid, errors, warnings = cog_validate(str(path), quiet=True)
    except Exception as exc:
        return {"valid": False, "errors": [str(exc)], "warnings": []}
    return {"valid": bool(valid), "errors": list(errors), "warnings": list(warnings)}


def inspect_vector(root: StorageRoot, rel: str, size: int | None) -> dict[str, Any]:
    import pyogrio
    from pyproj import CRS

    with local_copy(root, rel, size) as path:
        layers = []
        driver = None
        union: list[float] | None = None
        for name, geometry_type in pyogrio.list_layers(path):
            info = pyogrio.read_info(path, layer=name, force_feature_count=True, force_total_bounds=True)
            driver = info.get("driver") or driver
            crs = CRS.from_user_input(info["crs"]) if info.get("crs") else None
            native = info.get("total_bounds")
            bounds = None
            if native is not None and all(math.isfinite(v) for v in native):
                bounds = lonlat_bounds(crs, tuple(native)) if crs else None
            if bounds:
                union = bounds if union is None else _union(union, bounds)
            layers.append(
                {
                    "name": name,
                    "geometry_type": geometry_type or info.get("geometry_type"),
                    "crs": crs_name(crs),
                    "feature_count": int(info.get("features", -1)),
                    "native_bounds": [float(v) for v in native] if native is not None else None,
                    "bounds": bounds,
                    "fields": [
                        {"name": str(f), "dtype": str(t)}
                        for f, t in zip(info.get("fields", []), info.get("dtypes", []), strict=False)
                    ],
                }
            )
    first = layers[0] if layers else {}
    return {
        "type": "vector",
        "driver": driver,
        "crs": first.get("crs"),
        "layers": layers,
        "feature_count": sum(max(0, layer["feature_count"]) for layer in layers),
        "bounds": union,
    }


def _union(a: list[float], b: list[float]) -> list[float]:
    if a[0] > a[2] or b[0] > b[2]:  # antimeridian-crossing boxes: keep the first, do not guess
        return a
    return [min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])]


def inspect_dataset(root: StorageRoot, rel: str, entry: Entry) -> dict[str, Any]:
    """NetCDF (h5netcdf) or Zarr (xarray): variables, dimensions, CF grid mapping."""
    import xarray as xr

    if entry.kind == "zarr":
        local = root.local_path(rel)
        store = str(local) if local is not None else root.fs.get_mapper(root.full(rel))
        ds = xr.open_zarr(store, consolidated=None)
    else:
        local = root.local_path(rel)
        ds = xr.open_dataset(local if local is not None else root.open_read(rel), engine="h5netcdf")
    with ds:
        grid_mappings: dict[str, Any] = {}
        for var in ds.data_vars.values():
            name = var.attrs.get("grid_mapping")
            if name and name in ds.variables and name not in grid_mappings:
                grid_mappings[name] = _grid_mapping(ds.variables[name].attrs)
        return {
            "type": "zarr" if entry.kind == "zarr" else "netcdf",
            "dimensions": {str(k): int(v) for k, v in ds.sizes.items()},
            "variables": [
                {
                    "name": str(n),
                    "dims": [str(d) for d in v.dims],
                    "dtype": str(v.dtype),
                    "units": v.attrs.get("units"),
                    "long_name": v.attrs.get("long_name") or v.attrs.get("standard_name"),
                    "grid_mapping": v.attrs.get("grid_mapping"),
                }
                for n, v in ds.data_vars.items()
            ],
            "coordinates": [str(c) for c in ds.coords],
            "grid_mappings": grid_mappings,
            "crs": next((g["crs"] for g in grid_mappings.values() if g.get("crs")), None),
            "attributes": {str(k): _jsonable(v) for k, v in list(ds.attrs.items())[:40]},
        }


def _grid_mapping(attrs: dict[str, Any]) -> dict[str, Any]:
    from pyproj import CRS

    out: dict[str, Any] = {"name": attrs.get("grid_mapping_name")}
    try:
        out["crs"] = crs_name(CRS.from_cf({k: _jsonable(v) for k, v in attrs.items()}))
    except Exception as exc:
        out["crs"] = None
        out["error"] = f"cannot read the CF grid mapping: {exc}"
    return out


def _jsonable(value: Any) -> Any:
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, bytes):
        return value.decode(errors="replace")
    return value


def inspect_json(root: StorageRoot, rel: str, size: int | None) -> dict[str, Any]:
    if size is not None and size > MAX_JSON_BYTES:
        return {"type": "json", "error": f"file is larger than {MAX_JSON_BYTES} bytes"}
    with root.open_read(rel) as fh:
        data = json.loads(fh.read())
    if isinstance(data, dict) and "stac_version" in data:
        return {
            "type": "stac",
            "stac_type": data.get("type"),
            "id": data.get("id"),
            "stac_version": data.get("stac_version"),
            "title": data.get("title") or data.get("properties", {}).get("title"),
            "bbox": data.get("bbox") or data.get("extent", {}).get("spatial", {}).get("bbox", [None])[0],
            "bounds": data.get("bbox"),
            "links": [{"rel": link.get("rel"), "href": link.get("href")} for link in data.get("links", [])],
            "assets": sorted(data.get("assets", {})),
            "crs": "EPSG:4326" if data.get("bbox") else None,
        }
    if isinstance(data, dict) and data.get("type") in ("FeatureCollection", "Feature"):
        return inspect_vector(root, rel, size)
    return {"type": "json", "keys": sorted(data)[:50] if isinstance(data, dict) else None}


def inspect(root: StorageRoot, rel: str, entry: Entry) -> dict[str, Any]:
    """The inspection answer; errors are reported in it, not raised."""
    base: dict[str, Any] = {"root": root.name, "path": rel, "name": entry.name, "size": entry.size}
    try:
        if entry.kind in ("netcdf", "zarr"):
            base.update(inspect_dataset(root, rel, entry))
        elif entry.kind == "raster":
            base.update(inspect_raster(root, rel, entry.size))
        elif entry.kind == "vector":
            base.update(inspect_vector(root, rel, entry.size))
        elif entry.kind == "json":
            base.update(inspect_json(root, rel, entry.size))
        elif entry.type == "directory":
            base.update(type="folder")
        else:
            base.update(type="file")
    except Exception as exc:
        base.update(type=base.get("type") or entry.kind, error=f"cannot read {entry.name}: {exc}")
    return base


def quicklook_png(root: StorageRoot, rel: str, max_size: int = 256) -> bytes:
    """A PNG thumbnail: 1 band greyscale or the first 3 as RGB, stretched 2-98 %, nodata transparent."""
    import numpy as np
    from rasterio.enums import Resampling
    from rasterio.errors import NotGeoreferencedWarning
    from rasterio.io import MemoryFile

    with _open_raster(root, rel) as src:
        scale = max(src.width, src.height) / max_size
        width = max(1, round(src.width / max(scale, 1)))
        height = max(1, round(src.height / max(scale, 1)))
        bands = [1, 2, 3] if src.count >= 3 else [1]
        data = src.read(
            bands, out_shape=(len(bands), height, width), masked=True, resampling=Resampling.average
        )
    mask = np.ma.getmaskarray(data).any(axis=0)
    out = np.zeros((len(bands) + 1, height, width), dtype="uint8")
    for i in range(len(bands)):
        band = data[i].astype("float64")
        valid = band.compressed()
        if valid.size:
            lo, hi = np.percentile(valid, [2, 98])
            hi = hi if hi > lo else lo + 1
            out[i] = np.clip((band.filled(lo) - lo) / (hi - lo) * 255, 0, 255).astype("uint8")
    out[-1] = np.where(mask, 0, 255)
    with warnings.catch_warnings(), MemoryFile() as mem:
        warnings.simplefilter("ignore", NotGeoreferencedWarning)
        with mem.open(driver="PNG", width=width, height=height, count=out.shape[0], dtype="uint8") as dst:
            dst.write(out)
        mem.seek(0)
        return bytes(mem.read())
