import type { IDrawnArea, IGeometry } from './geometry';

export type { IDrawnArea, IGeometry } from './geometry';

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
  /** loads the raster tiles of the server's own tiler (others load as plain images) */
  tileLoader?: ITileLoader;
}

/**
 * Raster tiles fetched by the panel's client instead of plain `<img>` loads, so that the map
 * knows why a tile failed: empty outside the data, tried again while the tiler restarts, and
 * any other failure reported (see ./tileload).
 */
export interface ITileLoader {
  /** whether this loader fetches `url` */
  accepts(url: string): boolean;
  load(url: string): Promise<Blob>;
  /** a tile of this layer could not be loaded, and why */
  failed(layer: IEoxLayer, message: string): void;
}

/** A footprint to draw (a STAC item's geometry, lon/lat GeoJSON). */
export interface IFootprint {
  id: string;
  geometry: IGeometry | null;
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
  /**
   * Footprints drawn for the current projection (densified; pole caps and 180° cuts drawn whole).
   * The map element carries `data-footprints` (how many are drawn) and `data-projection`.
   */
  setFootprints(footprints: IFootprint[]): void;
  /** number of footprints drawn in the current projection (those of the other hemisphere are not) */
  readonly footprintCount: number;
  /** emphasise the hovered and the selected footprint */
  highlightFootprints(hovered: string | null, selected: string | null): void;
  /** the id of a clicked footprint */
  onFootprintClick(handler: (id: string) => void): void;
  /** the id of the footprint under the pointer (null when it leaves) */
  onFootprintHover(handler: (id: string | null) => void): void;
  /** outline a search area (lon/lat GeoJSON), or none */
  setSearchArea(geometry: IGeometry | null): void;
  /** fit the view to the footprints and the search area */
  fitFootprints(): void;
  /**
   * Draw a box with the mouse (click two corners) and get the search area it means: an exact
   * bbox on Web Mercator, a lon/lat polygon (cut at 180°, or a pole cap) on a polar map.
   * Returns a function that stops drawing; drawing also stops after one box.
   */
  drawArea(handler: (area: IDrawnArea) => void): () => void;
  /** number of raster tiles loaded so far (tests and status lines read it) */
  readonly tilesLoaded: number;
  dispose(): void;
}
