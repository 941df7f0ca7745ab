"""Footprints on the sphere as flat lon/lat shapes: dateline splits and pole-enclosing rings.

GeoJSON (RFC 7946) wants geometries that cross the 180° meridian cut in two. Real footprints
often are not: a swath from 170° to -170° or a ring of latitude around the North Pole. Everything
here turns such shapes into MultiPolygons inside [-180, 180] x [-90, 90], so that planar tests
(R-tree boxes, shapely, PostGIS) give the answer a polar scientist expects.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Sequence
from typing import Any

import shapely
from shapely.geometry import MultiPolygon, Polygon, box, shape
from shapely.geometry.base import BaseGeometry

from ..core.errors import Invalid

WORLD = box(-180.0, -90.0, 180.0, 90.0)


def parse_bbox(value: Any, name: str = "bbox") -> list[float]:
    """A bbox from a list or a comma-separated string; 4 or 6 numbers, latitudes in range."""
    if isinstance(value, str):
        parts = [p for p in value.split(",") if p.strip() != ""]
        try:
            numbers = [float(p) for p in parts]
        except ValueError as exc:
            raise Invalid(f"{name}: not a list of numbers: {value!r}", "bad_bbox") from exc
    elif isinstance(value, list | tuple):
        if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value):
            raise Invalid(f"{name}: every coordinate must be a number", "bad_bbox")
        numbers = [float(v) for v in value]
    else:
        raise Invalid(f"{name}: expected 4 or 6 numbers", "bad_bbox")
    if len(numbers) not in (4, 6):
        raise Invalid(f"{name}: expected 4 or 6 numbers, got {len(numbers)}", "bad_bbox")
    if not all(math.isfinite(v) for v in numbers):
        raise Invalid(f"{name}: coordinates must be finite numbers", "bad_bbox")
    half = len(numbers) // 2
    west, south, east, north = numbers[0], numbers[1], numbers[half], numbers[half + 1]
    if not (-90 <= south <= north <= 90):
        raise Invalid(f"{name}: latitudes must satisfy -90 <= south <= north <= 90", "bad_bbox")
    if not (-180 <= west <= 180 and -180 <= east <= 180):
        raise Invalid(f"{name}: longitudes must be within -180..180", "bad_bbox")
    return numbers


def bbox_boxes(bbox: Sequence[float]) -> list[tuple[float, float, float, float]]:
    """2D boxes of a bbox; one that crosses the dateline (west > east) becomes two."""
    half = len(bbox) // 2
    west, south, east, north = bbox[0], bbox[1], bbox[half], bbox[half + 1]
    if west <= east:
        return [(west, south, east, north)]
    return [(west, south, 180.0, north), (-180.0, south, east, north)]


def bbox_geometry(bbox: Sequence[float]) -> BaseGeometry:
    parts = [box(*b) for b in bbox_boxes(bbox)]
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


def _unwrap(ring: Sequence[Sequence[float]]) -> list[tuple[float, float]]:
    """Longitudes made continuous (each step the short way round), latitudes kept."""
    out: list[tuple[float, float]] = []
    for point in ring:
        lon, lat = float(point[0]), float(point[1])
        if out:
            prev = out[-1][0]
            delta = (lon - prev + 180.0) % 360.0 - 180.0
            if delta == -180.0 and lon - prev > 0:
                delta = 180.0
            lon = prev + delta
        out.append((lon, lat))
    return out


def _ring_to_plane(ring: Sequence[Sequence[float]]) -> tuple[list[tuple[float, float]], bool]:
    """An unwrapped ring, closed across the pole if it winds once around it."""
    points = _unwrap(ring)
    if len(points) < 3:
        return points, False
    winding = points[-1][0] - points[0][0]
    if abs(winding) < 1e-9:
        return points, False
    # the ring goes once around a pole: close it along the pole
    mean_lat = sum(p[1] for p in points) / len(points)
    pole = 90.0 if mean_lat > 0 else -90.0
    closed = [*points, (points[-1][0], pole), (points[0][0], pole), points[0]]
    return closed, True


def _fold(geom: BaseGeometry) -> BaseGeometry:
    """Cut a shape in unwrapped longitudes into [-180, 180] pieces and shift them back."""
    minx, _, maxx, _ = geom.bounds
    pieces: list[BaseGeometry] = []
    for k in range(math.floor((minx + 180.0) / 360.0), math.floor((maxx + 180.0) / 360.0) + 1):
        shift = 360.0 * k
        window = box(-180.0 + shift, -90.0, 180.0 + shift, 90.0)
        part = geom.intersection(window)
        if not part.is_empty:
            pieces.append(shapely.affinity.translate(part, xoff=-shift))
    polys: list[Polygon] = []
    for piece in pieces:
        for g in getattr(piece, "geoms", [piece]):
            if isinstance(g, Polygon) and not g.is_empty and g.area > 0:
                polys.append(g)
    if not polys:
        return geom.intersection(WORLD)
    merged = shapely.union_all(polys)
    return merged


def _needs_fold(geom_json: dict[str, Any]) -> bool:
    def rings() -> list[Sequence[Sequence[float]]]:
        coords = geom_json.get("coordinates") or []
        if geom_json.get("type") == "Polygon":
            return list(coords)
        if geom_json.get("type") == "MultiPolygon":
            return [r for poly in coords for r in poly]
        return []

    for ring in rings():
        for a, b in itertools.pairwise(ring):
            if abs(float(a[0])) == 180.0 and abs(float(b[0])) == 180.0:
                # an edge from -180 to +180 is the RFC 7946 pole cap's full parallel, not a crossing
                continue
            if abs(float(b[0]) - float(a[0])) > 180.0:
                return True
    return False


def footprint(geom_json: dict[str, Any], name: str = "geometry") -> BaseGeometry:
    """The planar shape of a GeoJSON geometry, dateline-split and pole-closed, inside the world."""
    try:
        if geom_json.get("type") in ("Polygon", "MultiPolygon") and _needs_fold(geom_json):
            polygons = (
                [geom_json["coordinates"]]
                if geom_json["type"] == "Polygon"
                else list(geom_json["coordinates"])
            )
            parts: list[BaseGeometry] = []
            for poly in polygons:
                outer, _ = _ring_to_plane(poly[0])
                holes = [_ring_to_plane(r)[0] for r in poly[1:]]
                planar = Polygon(outer, holes)
                if not planar.is_valid:
                    planar = shapely.make_valid(planar)
                parts.append(_fold(planar))
            result = shapely.union_all(parts)
        else:
            result = shape(geom_json)
            if not result.is_valid:
                result = shapely.make_valid(result)
    except (KeyError, TypeError, ValueError, IndexError, shapely.errors.ShapelyError) as exc:
        raise Invalid(f"{name}: not a valid GeoJSON geometry ({exc})", "bad_geometry") from exc
    if result.is_empty:
        raise Invalid(f"{name}: empty geometry", "bad_geometry")
    return result


def rfc7946(geom_json: dict[str, Any]) -> dict[str, Any]:
    """The geometry as stored: unchanged unless it crosses the dateline or winds around a pole."""
    if geom_json.get("type") in ("Polygon", "MultiPolygon") and _needs_fold(geom_json):
        shaped = footprint(geom_json)
        polys = list(getattr(shaped, "geoms", [shaped]))
        polys = [p for p in polys if isinstance(p, Polygon)]
        oriented = [shapely.geometry.polygon.orient(p) for p in polys]
        return to_geojson(oriented[0] if len(oriented) == 1 else MultiPolygon(oriented))
    return geom_json


def geometry_bbox(geom: BaseGeometry) -> list[float]:
    """The STAC bbox of a planar footprint; it wraps (west > east) when the shape is cut at 180°."""
    west, south, east, north = geom.bounds
    parts = [p.bounds for p in getattr(geom, "geoms", [geom])]
    left = [b for b in parts if b[0] <= -180.0 + 1e-9]
    right = [b for b in parts if b[2] >= 180.0 - 1e-9]
    if left and right and all(b in left or b in right for b in parts):
        wrap_east = max(b[2] for b in left)
        wrap_west = min(b[0] for b in right)
        if wrap_west > wrap_east:
            return [wrap_west, south, wrap_east, north]
    return [west, south, east, north]


def boxes_of(geom: BaseGeometry) -> list[tuple[float, float, float, float]]:
    """One bounding box per polygon piece (what the R-tree indexes)."""
    return [tuple(p.bounds) for p in getattr(geom, "geoms", [geom])]  # type: ignore[misc]


def to_geojson(geom: BaseGeometry) -> dict[str, Any]:
    """GeoJSON with lists (not tuples), as JSON would give it back."""
    return dict(json.loads(shapely.to_geojson(geom)))
