"""Demo sea-ice concentration rasters: real Cloud-Optimized GeoTIFFs made offline, described by rio-stac.

The collection ``polar-sea-ice-concentration`` holds monthly Arctic fields in EPSG:3413 (NSIDC
Sea Ice Polar Stereographic North) and a few Antarctic ones in EPSG:3031. The fields are synthetic
but plausible: 0-100 % concentration, a smooth ice edge whose latitude follows the season and
wobbles with longitude, a marginal ice zone a few degrees wide; land and the area outside the
grid's disc are nodata (255). Land is Natural Earth's 1:110m land (the world-atlas data the map
draws as its coastline), so land on the tiles lines up with the coast. Rasters are written with
rio-cogeo (``cog_translate``, deflate profile) and items made with rio-stac (proj, raster and eo extensions),
so the workspace has real data to search, tile and open with rioxarray, with no network.

``concentration(...)`` gives the value any pixel must hold, so tests can check tiles and pixel
queries against it; :func:`seed_cog_demo` puts the files under the workspace and the items in the
workspace catalog (idempotent).
"""

from __future__ import annotations

import json
import math
import os
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

COG_COLLECTION = "polar-sea-ice-concentration"
#: where the rasters go, relative to the workspace
COG_FOLDER = "data/sea-ice"
NODATA = 255
ASSET = "data"
#: half-side of the rasters' square grid around the pole (m); the disc of radius HALF is valid
HALF = 3_000_000.0
SIZE = 384

ARCTIC_DATES = [datetime(2024, month, 15, tzinfo=UTC) for month in range(1, 7)]
ANTARCTIC_DATES = [datetime(2024, month, 15, tzinfo=UTC) for month in (2, 4, 6)]


@dataclass(frozen=True)
class Scene:
    """One raster of the demo collection."""

    hemisphere: str  # "north" | "south"
    when: datetime

    @property
    def epsg(self) -> int:
        return 3413 if self.hemisphere == "north" else 3031

    @property
    def item_id(self) -> str:
        return f"sic-{self.hemisphere}-{self.when:%Y%m%d}"

    @property
    def filename(self) -> str:
        return f"{self.item_id}.tif"


def scenes() -> list[Scene]:
    return [Scene("north", d) for d in ARCTIC_DATES] + [Scene("south", d) for d in ANTARCTIC_DATES]


# ---- the field ------------------------------------------------------------------------------------
def edge_latitude(hemisphere: str, when: datetime, lon: Any) -> Any:
    """|latitude| of the ice edge: furthest from the pole in March (north) / September (south)."""
    doy = when.timetuple().tm_yday
    if hemisphere == "north":
        seasonal = 71.0 - 8.0 * math.cos(2 * math.pi * (doy - 75) / 365.25)
        wobble = 4.0 * np.cos(np.radians(2 * lon + 40)) + 1.5 * np.sin(np.radians(5 * lon))
    else:
        seasonal = 64.0 - 6.0 * math.cos(2 * math.pi * (doy - 258) / 365.25)
        wobble = 2.5 * np.cos(np.radians(3 * lon - 20)) + 1.0 * np.sin(np.radians(7 * lon))
    return seasonal + wobble


LAND = Path(__file__).parent / "land" / "land-110m.json"


def _land_rings() -> list[list[np.ndarray]]:
    """Natural Earth 1:110m land (world-atlas TopoJSON, the map's coastline) as lon/lat rings."""
    topo = json.loads(LAND.read_text())
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:  # quantized, delta-encoded positions
        pts = np.cumsum(np.asarray(arc, dtype="float64"), axis=0)
        arcs.append(np.column_stack([pts[:, 0] * sx + tx, pts[:, 1] * sy + ty]))

    def ring(indexes: list[int]) -> np.ndarray:
        parts = [arcs[i] if i >= 0 else arcs[~i][::-1] for i in indexes]
        return np.concatenate([parts[0], *(p[1:] for p in parts[1:])])  # arcs share end points

    polygons = []
    for geometry in topo["objects"]["land"]["geometries"]:
        parts = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        polygons.extend([ring(r) for r in rings] for rings in parts)
    return polygons


@cache
def _land(epsg: int) -> Any:
    """The land of one hemisphere in its polar stereographic CRS (one prepared shapely geometry).

    Tested in projected coordinates: in lon/lat, continents cut at 180° (Eurasia) are not simple
    polygons, while in a polar projection their rings close up; the map draws the same vertices.
    """
    import shapely
    from pyproj import Transformer
    from shapely.geometry import Polygon

    north = epsg == 3413
    to_grid = Transformer.from_crs("EPSG:4326", f"EPSG:{epsg}", always_xy=True)
    polygons = []
    for rings in _land_rings():
        lats = rings[0][:, 1]
        if (north and (lats.max() < 30 or lats.min() < -60)) or (not north and lats.min() > -30):
            continue  # the other hemisphere (and nothing near the pole this grid cannot reach)
        projected = [np.column_stack(to_grid.transform(r[:, 0], r[:, 1])) for r in rings]
        polygons.append(shapely.make_valid(Polygon(projected[0], projected[1:])))
    land = shapely.union_all(polygons)
    shapely.prepare(land)
    return land


def is_land(hemisphere: str, lon: Any, lat: Any) -> Any:
    """Land (Natural Earth 1:110m) at lon/lat; the data stop short of 85°S, Antarctica goes on to the pole."""
    from pyproj import Transformer

    epsg = 3413 if hemisphere == "north" else 3031
    lon, lat = np.asarray(lon, dtype="float64"), np.asarray(lat, dtype="float64")
    x, y = Transformer.from_crs("EPSG:4326", f"EPSG:{epsg}", always_xy=True).transform(lon, lat)
    return _land_xy(epsg, x, y) | (lat < -84.0)


def _land_xy(epsg: int, x: Any, y: Any) -> Any:
    import shapely

    return shapely.contains_xy(_land(epsg), x, y)


def ice(hemisphere: str, when: datetime, lon: Any, lat: Any) -> Any:
    """Sea-ice concentration (%, uint8) at lon/lat ignoring land: 0 % equatorward of the edge,
    rising over a ~4° marginal ice zone to a pack of 90-98 %. Arrays or scalars."""
    lon = np.asarray(lon, dtype="float64")
    alat = np.abs(np.asarray(lat, dtype="float64"))
    edge = edge_latitude(hemisphere, when, lon)
    pack = 94.0 + 4.0 * np.sin(np.radians(3 * lon)) * np.cos(np.radians(9 * (alat - 60)))
    ramp = np.clip((alat - edge) / 4.0, 0.0, 1.0)
    return np.rint(np.clip(pack * ramp, 0.0, 100.0)).astype("uint8")


def concentration(hemisphere: str, when: datetime, lon: Any, lat: Any) -> Any:
    """The demo field: :func:`ice` with land masked as NODATA."""
    return np.where(is_land(hemisphere, lon, lat), NODATA, ice(hemisphere, when, lon, lat)).astype("uint8")


@cache
def _grid(epsg: int, size: int, half: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """lon, lat of the pixel centres of a pole-centred grid, and where it has no data (land, off-disc)."""
    from pyproj import Transformer

    res = 2 * half / size
    centres = -half + res * (np.arange(size) + 0.5)
    xx, yy = np.meshgrid(centres, centres[::-1])
    lon, lat = Transformer.from_crs(f"EPSG:{epsg}", "EPSG:4326", always_xy=True).transform(xx, yy)
    land = _land_xy(epsg, xx, yy) | (lat < -84.0)
    return lon, lat, land | (np.hypot(xx, yy) > half)  # a disc, as NSIDC's


def field(scene: Scene, size: int = SIZE, half: float = HALF) -> tuple[np.ndarray, Any]:
    """The scene's raster (1, size, size) and its affine transform (pixel-centre sampling)."""
    from rasterio.transform import from_bounds

    lon, lat, empty = _grid(scene.epsg, size, half)
    data = np.where(empty, NODATA, ice(scene.hemisphere, scene.when, lon, lat)).astype("uint8")
    return data[None, :, :], from_bounds(-half, -half, half, half, size, size)


# ---- files ----------------------------------------------------------------------------------------
def write_cog(scene: Scene, path: Path, size: int = SIZE) -> Path:
    """The scene as a COG (rio-cogeo, deflate), written atomically."""
    from rasterio.io import MemoryFile
    from rio_cogeo.cogeo import cog_translate
    from rio_cogeo.profiles import cog_profiles

    data, transform = field(scene, size)
    profile = {
        "driver": "GTiff",
        "width": size,
        "height": size,
        "count": 1,
        "dtype": "uint8",
        "crs": f"EPSG:{scene.epsg}",
        "transform": transform,
        "nodata": NODATA,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with MemoryFile() as mem:
        with mem.open(**profile) as dst:
            dst.write(data)
            dst.set_band_description(1, "sea_ice_concentration")
            dst.update_tags(1, units="%")
        with mem.open() as src:
            output = cog_profiles.get("deflate")
            output.update(blockxsize=256, blockysize=256)
            cog_translate(
                src,
                str(tmp),
                output,
                in_memory=True,
                quiet=True,
                overview_resampling="nearest",
            )
    tmp.replace(path)
    return path


#: a sea-ice colour ramp for quicklooks: open water dark blue -> pack ice white; land grey
def _quicklook_rgb(data: np.ndarray) -> np.ndarray:
    c = np.clip(data.astype("float64"), 0, 100) / 100.0
    red = 10 + c * 235
    green = 40 + c * 210
    blue = 90 + c * 160
    rgb = np.stack([red, green, blue]).astype("uint8")
    land = data == NODATA
    rgb[:, land] = 160
    return rgb


def write_quicklook(cog: Path, path: Path, size: int = 128) -> Path:
    """A small PNG thumbnail of a COG (its overview, read at ``size`` px)."""
    import rasterio
    from rasterio.enums import Resampling
    from rasterio.errors import NotGeoreferencedWarning

    with rasterio.open(cog) as src:
        data = src.read(1, out_shape=(size, size), resampling=Resampling.nearest)
    rgb = _quicklook_rgb(data)
    tmp = path.with_name(f".{path.name}.tmp")
    with warnings.catch_warnings():  # a quicklook has no georeferencing, on purpose
        warnings.simplefilter("ignore", NotGeoreferencedWarning)
        with rasterio.open(tmp, "w", driver="PNG", width=size, height=size, count=3, dtype="uint8") as dst:
            dst.write(rgb)
    tmp.replace(path)
    for extra in tmp.parent.glob(f"{tmp.name}.aux.xml"):
        extra.unlink()
    return path


def stac_item(scene: Scene, cog: Path, quicklook: Path | None = None) -> dict[str, Any]:
    """The scene's STAC item, made by rio-stac from the COG (proj, raster and eo extensions)."""
    from rio_stac import create_stac_item

    hemisphere = "Arctic" if scene.hemisphere == "north" else "Antarctic"
    item = create_stac_item(
        str(cog),
        input_datetime=scene.when,
        id=scene.item_id,
        collection=COG_COLLECTION,
        asset_name=ASSET,
        asset_href=str(cog),
        asset_roles=["data"],
        asset_media_type="image/tiff; application=geotiff; profile=cloud-optimized",
        with_proj=True,
        with_raster=True,
        with_eo=True,
        geom_densify_pts=21,
        properties={
            "title": f"{hemisphere} sea-ice concentration {scene.when:%Y-%m-%d}",
            "platform": "synthetic",
            "instruments": ["demo"],
        },
    )
    data = item.to_dict(include_self_link=False, transform_hrefs=False)
    data["assets"][ASSET]["title"] = "Sea-ice concentration (%)"
    for band in data["assets"][ASSET].get("raster:bands", []):
        band["unit"] = "%"
    if quicklook is not None:
        data["assets"]["thumbnail"] = {
            "href": str(quicklook),
            "type": "image/png",
            "roles": ["thumbnail", "overview"],
            "title": "Quicklook",
        }
    data["bbox"], data["geometry"] = _polar_footprint(scene)
    data["links"] = []
    return data


def _polar_footprint(scene: Scene) -> tuple[list[float], dict[str, Any]]:
    """A disc around a pole: every longitude, from the disc's edge latitude to the pole.

    rio-stac's reprojected square would be a self-crossing ring around the pole; the workspace
    catalog stores pole-containing footprints as a latitude band ring (see ``stac/demo.py``).
    """
    from pyproj import Transformer

    to_lonlat = Transformer.from_crs(f"EPSG:{scene.epsg}", "EPSG:4326", always_xy=True)
    _, edge = to_lonlat.transform(HALF, 0.0)
    edge = round(float(edge), 4)
    pole = 90.0 if scene.hemisphere == "north" else -90.0
    step = 90 if pole > 0 else -90
    ring = [[float(x), edge] for x in (0, step, 180, -step, 0)]
    south, north = (edge, pole) if pole > 0 else (pole, edge)
    return [-180.0, south, 180.0, north], {"type": "Polygon", "coordinates": [ring]}


def demo_cog_collection() -> dict[str, Any]:
    dates = sorted({d for d in ARCTIC_DATES + ANTARCTIC_DATES})
    return {
        "type": "Collection",
        "stac_version": "1.0.0",
        "stac_extensions": [],
        "id": COG_COLLECTION,
        "title": "Sea-ice concentration (demo COGs)",
        "description": "Synthetic monthly sea-ice concentration (0-100 %) as Cloud-Optimized GeoTIFFs: "
        "Arctic in EPSG:3413, Antarctic in EPSG:3031, land and off-grid pixels masked (nodata 255). "
        "Made offline with rio-cogeo and described with rio-stac.",
        "keywords": ["sea ice", "concentration", "arctic", "antarctic", "COG", "demo"],
        "license": "CC0-1.0",
        "extent": {
            "spatial": {"bbox": [[-180, -90, 180, 90]]},
            "temporal": {
                "interval": [
                    [dates[0].strftime("%Y-%m-%dT%H:%M:%SZ"), dates[-1].strftime("%Y-%m-%dT%H:%M:%SZ")]
                ]
            },
        },
        "summaries": {"proj:epsg": [3413, 3031], "platform": ["synthetic"]},
        "links": [],
    }


def make_cogs(folder: Path, size: int = SIZE) -> list[dict[str, Any]]:
    """Write every scene's COG and quicklook into ``folder`` (kept if present); return the items."""
    folder.mkdir(parents=True, exist_ok=True)
    items = []
    for scene in scenes():
        cog = folder / scene.filename
        if not cog.exists():
            write_cog(scene, cog, size)
        quicklook = folder / f"{scene.item_id}.png"
        if not quicklook.exists():
            write_quicklook(cog, quicklook)
        items.append(stac_item(scene, cog.resolve(), quicklook.resolve()))
    return items


def seed_cog_demo(workspace: Path) -> list[str]:
    """The COGs under ``workspace/data/sea-ice`` and their collection in the workspace catalog.

    Idempotent: once the collection is in the catalog nothing is written (files or items).
    """
    from .notebook import service

    data_dir = os.environ.get("POLARTEP_DATA_DIR") or str(Path(workspace) / ".polartep")
    svc = service(data_dir)
    if svc.store.read_collection(COG_COLLECTION) is not None:
        return []
    folder = Path(workspace) / COG_FOLDER
    existed = set(folder.glob("*")) if folder.exists() else set()
    items = make_cogs(folder)
    created = [p.relative_to(workspace).as_posix() for p in sorted(folder.glob("*")) if p not in existed]
    svc.create_collection(demo_cog_collection())
    count = svc.create_items(COG_COLLECTION, items)
    created.append(f"stac: collection {COG_COLLECTION} ({count} COG items) in the workspace catalog")
    return created
