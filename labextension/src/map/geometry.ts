/**
 * Footprints and search areas between lon/lat and the map's plane (pure functions, node-tested).
 *
 * Two questions polar maps get wrong when they are answered with plain extent transforms:
 * - drawing a lon/lat footprint that crosses 180° or contains a pole: its edges must be densified
 *   (a lon/lat edge is a curve on a polar map) and the cut edges RFC 7946 adds at ±180° and at the
 *   pole must not be stroked, so a pole cap renders as a closed disc, not a sliver or a square;
 * - sending a box drawn on a polar map: a screen rectangle is not a lon/lat bbox. Its densified
 *   outline becomes a lon/lat polygon, cut at 180° (two parts) or, when it contains the pole,
 *   closed along the pole (one RFC 7946 cap). Only on Web Mercator is it an exact bbox.
 *
 * Projections come in as functions (proj4 in the map, proj4 in the tests): nothing here loads
 * OpenLayers.
 */

export type Position = [number, number];
export type ProjectionCode = 'EPSG:3413' | 'EPSG:3031' | 'EPSG:3857';

/** GeoJSON geometries the STAC panel meets (footprints are polygons; others are drawn as given). */
export interface IGeometry {
  type: string;
  coordinates?: unknown;
  geometries?: IGeometry[];
}

export interface IProjector {
  /** lon/lat -> map x/y */
  forward(lonLat: Position): Position;
  /** map x/y -> lon/lat */
  inverse(xy: Position): Position;
}

/** The latitude limit of Web Mercator. */
export const MERCATOR_MAX_LAT = 85.05112878;

export function isPolarProjection(code: ProjectionCode): boolean {
  return code === 'EPSG:3413' || code === 'EPSG:3031';
}

/** Longitude into [-180, 180). 180 stays 180 (it is a valid east edge). */
export function wrapLon(lon: number): number {
  if (lon >= -180 && lon <= 180) {
    return lon;
  }
  return ((((lon + 180) % 360) + 360) % 360) - 180;
}

/** True for an edge RFC 7946 keeps planar although it spans 360°: a full parallel at ±180°. */
function fullParallel(a: Position, b: Position): boolean {
  return Math.abs(a[0]) === 180 && Math.abs(b[0]) === 180 && a[0] !== b[0];
}

/** The longitude step of an edge: planar per RFC 7946, the short way when it jumps over 180°. */
function lonStep(a: Position, b: Position): number {
  const delta = b[0] - a[0];
  if (Math.abs(delta) <= 180 || fullParallel(a, b)) {
    return delta;
  }
  return delta > 0 ? delta - 360 : delta + 360;
}

/**
 * Points along a lon/lat ring, no two more than `maxStep` degrees apart, longitudes continuous
 * (a ring that jumps over 180° continues beyond ±180, which projects to the same place).
 */
export function densifyLonLat(ring: Position[], maxStep = 1): Position[] {
  if (ring.length === 0) {
    return [];
  }
  const out: Position[] = [[ring[0][0], ring[0][1]]];
  let lon = ring[0][0];
  for (let i = 1; i < ring.length; i++) {
    const a = ring[i - 1];
    const b = ring[i];
    const dLon = lonStep(a, b);
    const dLat = b[1] - a[1];
    const steps = Math.max(1, Math.ceil(Math.max(Math.abs(dLon), Math.abs(dLat)) / maxStep));
    for (let s = 1; s <= steps; s++) {
      out.push([lon + (dLon * s) / steps, a[1] + (dLat * s) / steps]);
    }
    lon += dLon;
  }
  return out;
}

/** The polygons of a geometry as lists of rings (lon/lat); points and lines give none. */
export function polygonsOf(geometry: IGeometry | null | undefined): Position[][][] {
  if (!geometry) {
    return [];
  }
  if (geometry.type === 'Polygon') {
    return [geometry.coordinates as Position[][]];
  }
  if (geometry.type === 'MultiPolygon') {
    return geometry.coordinates as Position[][][];
  }
  if (geometry.type === 'GeometryCollection') {
    return (geometry.geometries ?? []).flatMap(g => polygonsOf(g));
  }
  return [];
}

/** West, south, east, north of lon/lat polygons (plain min/max, no wrapping). */
export function lonLatBounds(polygons: Position[][][]): number[] | null {
  let [w, s, e, n] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const polygon of polygons) {
    for (const ring of polygon) {
      for (const [lon, lat] of ring) {
        w = Math.min(w, lon);
        e = Math.max(e, lon);
        s = Math.min(s, lat);
        n = Math.max(n, lat);
      }
    }
  }
  return Number.isFinite(w) ? [w, s, e, n] : null;
}

/** A footprint as the map draws it: the filled area and the outline to stroke (map x/y). */
export interface IProjectedFootprint {
  /** polygons -> rings -> x/y */
  polygons: Position[][][];
  /** the boundary without the cut edges RFC 7946 adds at ±180° and at the poles */
  outline: Position[][];
}

/** Keep latitudes where the projection is finite (the opposite pole of a polar map is not). */
function clampLat(lat: number, projection: ProjectionCode): number {
  if (projection === 'EPSG:3413') {
    return Math.max(lat, -60);
  }
  if (projection === 'EPSG:3031') {
    return Math.min(lat, 60);
  }
  return Math.max(-MERCATOR_MAX_LAT, Math.min(MERCATOR_MAX_LAT, lat));
}

/** Whether a footprint has something to show on a map (nothing of the Antarctic on the Arctic map). */
export function visibleIn(geometry: IGeometry | null | undefined, projection: ProjectionCode): boolean {
  const bounds = lonLatBounds(polygonsOf(geometry));
  if (!bounds) {
    return false;
  }
  if (projection === 'EPSG:3413') {
    return bounds[3] > 0;
  }
  if (projection === 'EPSG:3031') {
    return bounds[1] < 0;
  }
  return true;
}

/**
 * A lon/lat footprint projected for drawing: every edge densified (`maxStep` degrees), latitudes
 * kept where the projection is finite, and an outline that leaves out the seams of a footprint
 * cut at 180° and the edges along a pole, so a pole cap is a disc and a dateline swath one shape.
 */
export function projectFootprint(
  geometry: IGeometry,
  projection: ProjectionCode,
  project: (lonLat: Position) => Position,
  maxStep = 1
): IProjectedFootprint {
  const polygons = polygonsOf(geometry);
  const bounds = lonLatBounds(polygons);
  const cutAtDateline = bounds !== null && bounds[0] <= -180 && bounds[2] >= 180;
  const polar = isPolarProjection(projection);
  const seam = (a: Position, b: Position): boolean => {
    if (Math.abs(a[1]) === 90 && a[1] === b[1]) {
      return true; // along a pole: a point on a polar map, the map's edge on Mercator
    }
    return polar && cutAtDateline && Math.abs(a[0]) === 180 && a[0] === b[0];
  };
  const toXY = (p: Position): Position => project([p[0], clampLat(p[1], projection)]);
  const projected: Position[][][] = [];
  const outline: Position[][] = [];
  for (const polygon of polygons) {
    const rings: Position[][] = [];
    for (const ring of polygon) {
      rings.push(densifyLonLat(ring, maxStep).map(toXY));
      const lines: Position[][] = [];
      let line: Position[] = [];
      let cut = false;
      for (let i = 1; i < ring.length; i++) {
        const [a, b] = [ring[i - 1], ring[i]];
        if (seam(a, b)) {
          cut = true;
          if (line.length > 1) {
            lines.push(line);
          }
          line = [];
          continue;
        }
        const edge = densifyLonLat([a, b], maxStep).map(toXY);
        line = line.length === 0 ? edge : line.concat(edge.slice(1));
      }
      if (line.length > 1) {
        // a closed ring cut somewhere in the middle: its last stretch continues into its first
        if (cut && lines.length > 0 && !seam(ring[0], ring[1])) {
          lines[0] = line.concat(lines[0].slice(1));
        } else {
          lines.push(line);
        }
      }
      outline.push(...lines);
    }
    projected.push(rings);
  }
  return { polygons: projected, outline };
}

/** A bbox [W, S, E, N] (W > E crosses 180°) as lon/lat polygons (two when it crosses). */
export function bboxPolygons(bbox: number[]): Position[][][] {
  const [west, south, east, north] = bbox.length === 6 ? [bbox[0], bbox[1], bbox[3], bbox[4]] : bbox;
  const box = (w: number, e: number): Position[][] => [
    [
      [w, south],
      [e, south],
      [e, north],
      [w, north],
      [w, south]
    ]
  ];
  return west <= east ? [box(west, east)] : [box(west, 180), box(-180, east)];
}

/** The geometry of a bbox (a MultiPolygon when it crosses 180°). */
export function bboxGeometry(bbox: number[]): IGeometry {
  const polygons = bboxPolygons(bbox);
  return polygons.length === 1
    ? { type: 'Polygon', coordinates: polygons[0] }
    : { type: 'MultiPolygon', coordinates: polygons };
}

/** What a box drawn on the map means for a search. */
export interface IDrawnArea {
  /** the map it was drawn on */
  projection: ProjectionCode;
  /** the lon/lat shape (RFC 7946: cut at 180°, a pole cap closed along the pole) */
  geometry: IGeometry;
  /** the exact lon/lat bbox, only when the box is one (Web Mercator); else null */
  bbox: number[] | null;
  /** the box contains the pole of the polar map */
  containsPole: boolean;
  /** the box crosses the 180° meridian */
  crossesDateline: boolean;
}

function round(value: number, digits = 6): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function signedArea(ring: Position[]): number {
  let area = 0;
  for (let i = 1; i < ring.length; i++) {
    area += ring[i - 1][0] * ring[i][1] - ring[i][0] * ring[i - 1][1];
  }
  return area / 2;
}

/** Close a ring, counter-clockwise (RFC 7946 exterior rings), coordinates rounded. */
function exterior(points: Position[]): Position[] {
  const ring = points.map(([x, y]) => [round(x), round(y)] as Position);
  const first = ring[0];
  const last = ring[ring.length - 1];
  if (first[0] !== last[0] || first[1] !== last[1]) {
    ring.push([first[0], first[1]]);
  }
  return signedArea(ring) < 0 ? ring.reverse() : ring;
}

/** The outline of a map-plane box, densified: `perEdge` points per side, counter-clockwise. */
export function boxOutline(extent: number[], perEdge = 64): Position[] {
  const [x0, y0, x1, y1] = extent;
  const corners: Position[] = [
    [x0, y0],
    [x1, y0],
    [x1, y1],
    [x0, y1]
  ];
  const out: Position[] = [];
  for (let c = 0; c < 4; c++) {
    const a = corners[c];
    const b = corners[(c + 1) % 4];
    for (let s = 0; s < perEdge; s++) {
      out.push([a[0] + ((b[0] - a[0]) * s) / perEdge, a[1] + ((b[1] - a[1]) * s) / perEdge]);
    }
  }
  return out;
}

/**
 * Where the segment a->b (map x/y) crosses the 180° meridian: the point on the segment where the
 * longitude jumps, found by bisection in the plane (exact to ~1 mm), returned as its latitude.
 */
function crossingLat(a: Position, b: Position, inverse: (xy: Position) => Position): number {
  let [lo, hi] = [a, b];
  const side = Math.sign(inverse(a)[0]);
  for (let i = 0; i < 60; i++) {
    const mid: Position = [(lo[0] + hi[0]) / 2, (lo[1] + hi[1]) / 2];
    if (Math.sign(inverse(mid)[0]) === side) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return inverse([(lo[0] + hi[0]) / 2, (lo[1] + hi[1]) / 2])[1];
}

/**
 * The search area of a box drawn on the map (`extent` = [minx, miny, maxx, maxy] in map x/y).
 *
 * Web Mercator: the box is exactly a lon/lat bbox (west > east when it crosses 180°).
 * Polar maps: the densified outline, inverse-projected; cut into two polygons at 180°, or, when
 * the box contains the pole (the origin of EPSG:3413/3031), one polygon closed along the pole.
 */
export function drawnArea(extent: number[], projection: ProjectionCode, projector: IProjector): IDrawnArea {
  const [minx, miny, maxx, maxy] = extent;
  if (!isPolarProjection(projection)) {
    const [w, s] = projector.inverse([minx, miny]);
    const [e, n] = projector.inverse([maxx, maxy]);
    const south = round(Math.max(-90, s));
    const north = round(Math.min(90, n));
    let bbox: number[];
    if (e - w >= 360) {
      bbox = [-180, south, 180, north];
    } else {
      bbox = [round(wrapLon(w)), south, round(wrapLon(e)), north];
      if (bbox[2] === -180 && bbox[0] > -180) {
        bbox[2] = 180;
      }
    }
    return {
      projection,
      geometry: bboxGeometry(bbox),
      bbox,
      containsPole: false,
      crossesDateline: bbox[0] > bbox[2]
    };
  }
  const north = projection === 'EPSG:3413';
  const pole = north ? 90 : -90;
  const containsPole = minx < 0 && maxx > 0 && miny < 0 && maxy > 0;
  const plane = boxOutline(extent);
  const lonLat = plane.map(p => projector.inverse(p));
  // the edges of the outline where the longitude jumps over 180°
  const crossings: number[] = [];
  for (let i = 0; i < lonLat.length; i++) {
    const a = lonLat[i];
    const b = lonLat[(i + 1) % lonLat.length];
    if (Math.abs(b[0] - a[0]) > 180) {
      crossings.push(i);
    }
  }
  if (crossings.length === 0) {
    return {
      projection,
      geometry: { type: 'Polygon', coordinates: [exterior(lonLat)] },
      bbox: null,
      containsPole: false,
      crossesDateline: false
    };
  }
  // walk the outline from just after a crossing; every crossing becomes a point at ±180°
  const n = lonLat.length;
  const start = (crossings[0] + 1) % n;
  const pieces: Position[][] = [];
  let current: Position[] = [];
  for (let k = 0; k < n; k++) {
    const i = (start + k) % n;
    current.push(lonLat[i]);
    if (crossings.includes(i)) {
      const next = (i + 1) % n;
      const lat = crossingLat(plane[i], plane[next], projector.inverse);
      const here = lonLat[i][0] > 0 ? 180 : -180;
      current.push([here, lat]);
      pieces.push(current);
      current = [[-here, lat]];
    }
  }
  // the walk ends on the first crossing: what is left opens the first piece
  pieces[0] = [...current, ...pieces[0]];
  let polygons: Position[][][];
  if (containsPole) {
    // one crossing: the outline runs once around the pole, from -180° to 180° (or back)
    const ring = pieces[0];
    const first = ring[0];
    const last = ring[ring.length - 1];
    polygons = [[exterior([...ring, [last[0], pole], [first[0], pole]])]];
  } else {
    // two crossings: one piece east of 180°, one west of it, each closed along the meridian
    polygons = pieces.map(piece => [exterior(piece)]);
  }
  return {
    projection,
    geometry:
      polygons.length === 1
        ? { type: 'Polygon', coordinates: polygons[0] }
        : { type: 'MultiPolygon', coordinates: polygons },
    bbox: null,
    containsPole,
    crossesDateline: true
  };
}

/**
 * The lon/lat bbox that encloses a drawn area: the exact bbox when there is one, a full-longitude
 * band up to the pole for a pole cap, west > east for two parts cut at 180°.
 */
export function areaEnvelope(area: IDrawnArea): number[] {
  if (area.bbox) {
    return [...area.bbox];
  }
  const polygons = polygonsOf(area.geometry);
  const [w, s, e, n] = lonLatBounds(polygons) ?? [-180, -90, 180, 90];
  if (area.containsPole) {
    return area.projection === 'EPSG:3031' ? [-180, -90, 180, n] : [-180, s, 180, 90];
  }
  if (area.crossesDateline && polygons.length === 2) {
    const east = polygons.map(p => lonLatBounds([p])!);
    const westPart = east.find(b => b[0] > 0) ?? east[0];
    const eastPart = east.find(b => b[2] < 0) ?? east[1];
    return [westPart[0], s, eastPart[2], n];
  }
  return [w, s, e, n];
}

/**
 * The projection a search or its results call for: Arctic when everything is north of `limit`°,
 * Antarctic when everything is south of -`limit`°, Web Mercator otherwise.
 */
export function chooseProjection(bounds: (number[] | null | undefined)[], limit = 50): ProjectionCode {
  const known = bounds.filter((b): b is number[] => Array.isArray(b) && b.length >= 4);
  if (known.length === 0) {
    return 'EPSG:3857';
  }
  const south = Math.min(...known.map(b => (b.length === 6 ? b[1] : b[1])));
  const north = Math.max(...known.map(b => (b.length === 6 ? b[4] : b[3])));
  if (south >= limit) {
    return 'EPSG:3413';
  }
  if (north <= -limit) {
    return 'EPSG:3031';
  }
  return 'EPSG:3857';
}

/** A short description of a drawn area for the search form. */
export function describeArea(area: IDrawnArea): string {
  const where = area.projection === 'EPSG:3413' ? 'Arctic' : area.projection === 'EPSG:3031' ? 'Antarctic' : '';
  if (area.bbox) {
    return `box ${area.bbox.map(v => round(v, 2)).join(', ')}`;
  }
  const parts = polygonsOf(area.geometry).length;
  const bounds = lonLatBounds(polygonsOf(area.geometry));
  const lat = bounds ? (area.projection === 'EPSG:3031' ? bounds[3] : bounds[1]) : 0;
  if (area.containsPole) {
    const pole = area.projection === 'EPSG:3031' ? 'South' : 'North';
    return `${where} box around the ${pole} Pole (to ${round(lat, 1)}°)`;
  }
  return `${where} box, a polygon${parts > 1 ? ` in ${parts} parts across 180°` : ''}`;
}
