/**
 * Layers in EOX's eox-map layer JSON, so a layer configured in one panel can be pasted into a story
 * or a dashboard unchanged: `{type, properties: {id, title}, source: {type, ...}, visible, opacity, style}`.
 */

/** Map projections every map of the workspace offers (polar first). */
export type Projection = 'EPSG:3413' | 'EPSG:3031' | 'EPSG:3857';

export const PROJECTIONS: { code: Projection; label: string; grid: string }[] = [
  { code: 'EPSG:3413', label: 'Arctic (EPSG:3413)', grid: 'EPSG3413Quad' },
  { code: 'EPSG:3031', label: 'Antarctic (EPSG:3031)', grid: 'EPSG3031Quad' },
  { code: 'EPSG:3857', label: 'Web Mercator (EPSG:3857)', grid: 'WebMercatorQuad' }
];

export interface IEoxLayer {
  type: 'Tile' | 'Vector' | 'Group';
  properties: { id: string; title: string; [key: string]: unknown };
  source?: {
    type: 'XYZ' | 'GeoJSON' | 'Vector' | string;
    url?: string;
    projection?: string;
    /** GeoJSON FeatureCollection for inline vector layers (footprints) */
    data?: unknown;
    [key: string]: unknown;
  };
  visible?: boolean;
  opacity?: number;
  style?: Record<string, unknown>;
}

/** A tile URL template for another grid: `/tiles/<grid>/` is replaced, the rest is kept. */
export function templateForProjection(url: string, projection: Projection): string {
  const grid = PROJECTIONS.find(p => p.code === projection)?.grid ?? 'WebMercatorQuad';
  return url.replace(/\/tiles\/(WebMercatorQuad|EPSG3413Quad|EPSG3031Quad)\//, `/tiles/${grid}/`);
}

/** The options of a map view. */
export interface IMapOptions {
  projection: Projection;
  /** draw the offline coastline basemap (default true) */
  coastline?: boolean;
  /** draw a graticule (default true) */
  graticule?: boolean;
  /** online XYZ basemaps, per projection, used only when configured and reachable */
  onlineBasemaps?: Partial<Record<Projection, string>>;
}

/** What the lazily loaded map offers to panels. */
export interface IPolarMap {
  readonly projection: Projection;
  setProjection(projection: Projection): void;
  setLayers(layers: IEoxLayer[]): void;
  layers(): IEoxLayer[];
  setOpacity(id: string, opacity: number): void;
  /** fit the view to WGS84 bounds [west, south, east, north] */
  fitBounds(bounds: number[]): void;
  /** lon/lat of a click */
  onClick(handler: (lonLat: [number, number]) => void): void;
  /** draw a WGS84 bbox [west, south, east, north] with the mouse (shift-drag) */
  drawBbox(handler: (bbox: number[]) => void): () => void;
  /** number of raster tiles loaded so far (tests and status lines read it) */
  readonly tilesLoaded: number;
  dispose(): void;
}
