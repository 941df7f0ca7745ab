/**
 * The OpenLayers map behind `createMap` (loaded lazily): polar projections from bundled proj4
 * definitions, tile grids matching the tiler's EPSG3413Quad / EPSG3031Quad (±4,194,304 m,
 * 32,768 m/px at zoom 0), an offline coastline basemap, a graticule and eox-map JSON layers.
 */
import OLMap from 'ol/Map';
import View from 'ol/View';
import Feature from 'ol/Feature';
import GeoJSON from 'ol/format/GeoJSON';
import Draw, { createBox } from 'ol/interaction/Draw';
import Graticule from 'ol/layer/Graticule';
import TileLayer from 'ol/layer/Tile';
import VectorLayer from 'ol/layer/Vector';
import type BaseLayer from 'ol/layer/Base';
import MultiLineString from 'ol/geom/MultiLineString';
import { get as getProjection, toLonLat, transformExtent } from 'ol/proj';
import { register } from 'ol/proj/proj4';
import VectorSource from 'ol/source/Vector';
import XYZ from 'ol/source/XYZ';
import Fill from 'ol/style/Fill';
import Stroke from 'ol/style/Stroke';
import Style from 'ol/style/Style';
import TileGrid from 'ol/tilegrid/TileGrid';
import proj4 from 'proj4';
import { mesh } from 'topojson-client';
import land from 'world-atlas/land-110m.json';

import 'ol/ol.css';

import { IEoxLayer, IMapOptions, IPolarMap, Projection, templateForProjection } from './types';

/** Half the side of the polar grids (metres), as NASA GIBS and the workspace tiler use. */
export const POLAR_EXTENT = 4194304;
const POLAR_DEFS: Record<string, string> = {
  'EPSG:3413':
    '+proj=stere +lat_0=90 +lat_ts=70 +lon_0=-45 +k=1 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs +type=crs',
  'EPSG:3031':
    '+proj=stere +lat_0=-90 +lat_ts=-71 +lon_0=0 +k=1 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs +type=crs'
};

let registered = false;
function registerProjections(): void {
  if (registered) {
    return;
  }
  for (const [code, def] of Object.entries(POLAR_DEFS)) {
    proj4.defs(code, def);
  }
  register(proj4);
  for (const code of Object.keys(POLAR_DEFS)) {
    const projection = getProjection(code);
    projection?.setExtent([-POLAR_EXTENT, -POLAR_EXTENT, POLAR_EXTENT, POLAR_EXTENT]);
    // the graticule and extent transforms need the lon/lat range the projection is valid for
    projection?.setWorldExtent(code === 'EPSG:3413' ? [-180, 30, 180, 90] : [-180, -90, 180, -30]);
  }
  registered = true;
}

const POLAR_RESOLUTIONS = Array.from({ length: 19 }, (_, z) => (2 * POLAR_EXTENT) / 256 / 2 ** z);

function polarTileGrid(): TileGrid {
  return new TileGrid({
    extent: [-POLAR_EXTENT, -POLAR_EXTENT, POLAR_EXTENT, POLAR_EXTENT],
    origin: [-POLAR_EXTENT, POLAR_EXTENT],
    resolutions: POLAR_RESOLUTIONS,
    tileSize: 256
  });
}

function isPolar(projection: Projection): boolean {
  return projection === 'EPSG:3413' || projection === 'EPSG:3031';
}

/** Coastlines of Natural Earth (world-atlas, public domain), cut to the map's hemisphere. */
function coastlines(projection: Projection): Feature[] {
  const topology = land as any;
  const lines: number[][][] = (mesh(topology, topology.objects.land) as any).coordinates;
  const keep = (lat: number) =>
    projection === 'EPSG:3413' ? lat >= 0 : projection === 'EPSG:3031' ? lat <= 0 : true;
  const parts: number[][][] = [];
  for (const line of lines) {
    let current: number[][] = [];
    for (const point of line) {
      const last = current[current.length - 1];
      if (projection === 'EPSG:3857' && last && Math.abs(point[0] - last[0]) > 180) {
        // a line cut at the antimeridian: on a flat map it must not streak across the world
        parts.push(current);
        current = [];
      }
      if (keep(point[1])) {
        current.push(point);
      } else if (current.length > 0) {
        parts.push(current);
        current = [];
      }
    }
    if (current.length > 1) {
      parts.push(current);
    }
  }
  const geometry = new MultiLineString(parts.filter(p => p.length > 1));
  geometry.transform('EPSG:4326', projection);
  return [new Feature({ geometry })];
}

const WORLD_EXTENTS: Record<Projection, number[]> = {
  'EPSG:3413': [-180, 30, 180, 90],
  'EPSG:3031': [-180, -90, 180, -30],
  'EPSG:3857': [-180, -85, 180, 85]
};

function view(projection: Projection): View {
  const known = getProjection(projection);
  if (known && !known.getWorldExtent()) {
    known.setWorldExtent(WORLD_EXTENTS[projection]);
  }
  if (isPolar(projection)) {
    return new View({
      projection,
      center: [0, 0],
      resolutions: POLAR_RESOLUTIONS,
      zoom: 1,
      extent: [-POLAR_EXTENT, -POLAR_EXTENT, POLAR_EXTENT, POLAR_EXTENT],
      constrainOnlyCenter: true
    });
  }
  return new View({ projection, center: [0, 0], zoom: 1 });
}

export class PolarMap implements IPolarMap {
  private map: OLMap;
  private current: IEoxLayer[] = [];
  private olLayers = new Map<string, BaseLayer>();
  private clickHandlers: ((lonLat: [number, number]) => void)[] = [];
  private loaded = 0;
  private _projection: Projection;
  private resizer: ResizeObserver;
  private target: HTMLElement;

  constructor(
    target: HTMLElement,
    private options: IMapOptions
  ) {
    registerProjections();
    this._projection = options.projection;
    this.map = new OLMap({ target, view: view(options.projection), layers: [] });
    this.target = target;
    this.markProjection();
    // panels are often laid out after the map is created: follow the element's size
    this.resizer = new ResizeObserver(() => this.map.updateSize());
    this.resizer.observe(target);
    this.map.on('singleclick', event => {
      const lonLat = toLonLat(event.coordinate, this._projection) as [number, number];
      this.clickHandlers.forEach(handler => handler(lonLat));
    });
    this.rebuild();
  }

  get projection(): Projection {
    return this._projection;
  }

  get tilesLoaded(): number {
    return this.loaded;
  }

  setProjection(projection: Projection): void {
    if (projection === this._projection) {
      return;
    }
    this._projection = projection;
    this.map.setView(view(projection));
    this.markProjection();
    this.rebuild();
  }

  /** The view's projection as `data-projection` on the map element (for styles and tests). */
  private markProjection(): void {
    this.target.dataset.projection = this.map.getView().getProjection().getCode();
  }

  setLayers(layers: IEoxLayer[]): void {
    this.current = layers.map(layer => ({ ...layer }));
    this.rebuild();
  }

  layers(): IEoxLayer[] {
    return this.current.map(layer => ({ ...layer }));
  }

  setOpacity(id: string, opacity: number): void {
    const layer = this.current.find(l => l.properties.id === id);
    if (layer) {
      layer.opacity = opacity;
    }
    this.olLayers.get(id)?.setOpacity(opacity);
  }

  fitBounds(bounds: number[]): void {
    let [west, south, east, north] = bounds;
    if (!isPolar(this._projection)) {
      south = Math.max(south, -85);
      north = Math.min(north, 85);
    }
    const extent = transformExtent([west, south, east, north], 'EPSG:4326', this._projection, 21);
    if (extent.every(Number.isFinite)) {
      this.map.getView().fit(extent, { padding: [20, 20, 20, 20], maxZoom: 12 });
    }
  }

  onClick(handler: (lonLat: [number, number]) => void): void {
    this.clickHandlers.push(handler);
  }

  drawBbox(handler: (bbox: number[]) => void): () => void {
    const source = new VectorSource();
    const layer = new VectorLayer({ source, className: 'jp-polartep-map-draw' });
    this.map.addLayer(layer);
    const draw = new Draw({ source, type: 'Circle', geometryFunction: createBox() });
    draw.on('drawend', event => {
      const extent = event.feature.getGeometry()!.getExtent();
      handler(transformExtent(extent, this._projection, 'EPSG:4326', 21));
    });
    this.map.addInteraction(draw);
    return () => {
      this.map.removeInteraction(draw);
      this.map.removeLayer(layer);
    };
  }

  dispose(): void {
    this.resizer.disconnect();
    this.map.setTarget(undefined);
    this.map.dispose();
  }

  /** Rebuild every OpenLayers layer for the current projection (sources depend on it). */
  private rebuild(): void {
    const layers = this.map.getLayers();
    layers.clear();
    this.olLayers.clear();
    const online = this.options.onlineBasemaps?.[this._projection];
    if (online) {
      layers.push(this.tileLayer(online, 'jp-polartep-map-online', false));
    }
    if (this.options.coastline !== false) {
      layers.push(
        new VectorLayer({
          className: 'jp-polartep-map-coast',
          source: new VectorSource({ features: coastlines(this._projection) }),
          style: new Style({ stroke: new Stroke({ color: '#4a6f8a', width: 1.2 }) })
        })
      );
    }
    for (const layer of this.current) {
      const ol = this.olLayer(layer);
      if (ol) {
        ol.setVisible(layer.visible !== false);
        ol.setOpacity(layer.opacity ?? 1);
        this.olLayers.set(layer.properties.id, ol);
        layers.push(ol);
      }
    }
    if (this.options.graticule !== false) {
      layers.push(
        new Graticule({
          className: 'jp-polartep-map-graticule',
          strokeStyle: new Stroke({ color: 'rgba(120,120,120,0.5)', width: 0.6, lineDash: [2, 4] }),
          showLabels: false,
          wrapX: false
        })
      );
    }
  }

  private olLayer(layer: IEoxLayer): BaseLayer | null {
    const source = layer.source;
    if (layer.type === 'Tile' && source?.type === 'XYZ' && source.url) {
      return this.tileLayer(templateForProjection(source.url, this._projection), 'jp-polartep-map-raster', true);
    }
    if (layer.type === 'Vector' && source?.data) {
      const features = new GeoJSON().readFeatures(source.data, {
        dataProjection: 'EPSG:4326',
        featureProjection: this._projection
      });
      const color = String(layer.style?.['stroke-color'] ?? '#d9480f');
      return new VectorLayer({
        className: 'jp-polartep-map-footprints',
        source: new VectorSource({ features }),
        style: new Style({
          stroke: new Stroke({ color, width: 2 }),
          fill: new Fill({ color: 'rgba(217,72,15,0.08)' })
        })
      });
    }
    return null;
  }

  private tileLayer(url: string, className: string, count: boolean): TileLayer<XYZ> {
    const polar = isPolar(this._projection);
    const source = new XYZ({
      url,
      projection: this._projection,
      tileGrid: polar ? polarTileGrid() : undefined,
      wrapX: !polar,
      transition: 0
    });
    if (count) {
      source.on('tileloadend', () => {
        this.loaded += 1;
      });
    }
    return new TileLayer({ source, className });
  }
}
