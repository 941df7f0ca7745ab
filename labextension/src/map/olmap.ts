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
import MultiPolygon from 'ol/geom/MultiPolygon';
import { get as getProjection, getTransform, toLonLat, transformExtent } from 'ol/proj';
import { createEmpty, extend as extendExtent, extendCoordinate, isEmpty } from 'ol/extent';
import type { FeatureLike } from 'ol/Feature';
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

import { POLAR_DEFS, POLAR_EXTENT } from './defs';
import {
  areaEnvelope,
  bboxGeometry,
  drawnArea,
  IDrawnArea,
  IGeometry,
  IProjector,
  Position,
  projectFootprint,
  visibleIn
} from './geometry';
import { IEoxLayer, IFootprint, IMapOptions, IPolarMap, Projection, templateForProjection } from './types';

export { POLAR_EXTENT };

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
  private footprints: IFootprint[] = [];
  private footprintSource = new VectorSource();
  private areaSource = new VectorSource();
  private area: IGeometry | null = null;
  private hovered: string | null = null;
  private selected: string | null = null;
  private footprintClickHandlers: ((id: string) => void)[] = [];
  private footprintHoverHandlers: ((id: string | null) => void)[] = [];
  private stopDrawing: (() => void) | null = null;

  constructor(
    private target: HTMLElement,
    private options: IMapOptions
  ) {
    registerProjections();
    this._projection = options.projection;
    this.map = new OLMap({ target, view: view(options.projection), layers: [] });
    this.markProjection();
    // panels are often laid out after the map is created: follow the element's size
    this.resizer = new ResizeObserver(() => this.map.updateSize());
    this.resizer.observe(target);
    this.map.on('singleclick', event => {
      const lonLat = toLonLat(event.coordinate, this._projection) as [number, number];
      this.clickHandlers.forEach(handler => handler(lonLat));
      if (this.stopDrawing === null) {
        const id = this.footprintAt(event.pixel);
        if (id !== null) {
          this.footprintClickHandlers.forEach(handler => handler(id));
        }
      }
    });
    this.map.on('pointermove', event => {
      if (event.dragging || this.footprintHoverHandlers.length === 0) {
        return;
      }
      const id = this.stopDrawing === null ? this.footprintAt(event.pixel) : null;
      this.target.style.cursor = id !== null ? 'pointer' : '';
      if (id !== this.hovered) {
        this.footprintHoverHandlers.forEach(handler => handler(id));
      }
    });
    this.rebuild();
  }


  /** lon/lat <-> map x/y without wrapping longitudes (a box may be drawn on a world copy) */
  private projector(): IProjector {
    const forward = getTransform('EPSG:4326', this._projection)!;
    const inverse = getTransform(this._projection, 'EPSG:4326')!;
    return {
      forward: p => forward([p[0], p[1]]) as Position,
      inverse: p => inverse([p[0], p[1]]) as Position
    };
  }

  private footprintAt(pixel: number[]): string | null {
    let found: string | null = null;
    this.map.forEachFeatureAtPixel(
      pixel,
      feature => {
        found = String(feature.getId());
        return true;
      },
      { layerFilter: layer => layer.getSource() === this.footprintSource, hitTolerance: 2 }
    );
    return found;
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
    this.stopDrawing?.();
    this._projection = projection;
    this.map.setView(view(projection));
    this.markProjection();
    this.rebuild();
  }

  get footprintCount(): number {
    return this.footprintSource.getFeatures().length;
  }

  setFootprints(footprints: IFootprint[]): void {
    this.footprints = footprints.map(f => ({ id: f.id, geometry: f.geometry }));
    this.drawFootprints();
  }

  highlightFootprints(hovered: string | null, selected: string | null): void {
    this.hovered = hovered;
    this.selected = selected;
    this.footprintSource.changed();
  }

  onFootprintClick(handler: (id: string) => void): void {
    this.footprintClickHandlers.push(handler);
  }

  onFootprintHover(handler: (id: string | null) => void): void {
    this.footprintHoverHandlers.push(handler);
  }

  setSearchArea(geometry: IGeometry | null): void {
    this.area = geometry;
    this.drawArea_();
  }

  fitFootprints(): void {
    const extent = createEmpty();
    for (const source of [this.footprintSource, this.areaSource]) {
      const part = source.getExtent();
      if (part) {
        extendExtent(extent, part);
      }
    }
    if (!isEmpty(extent) && extent.every(Number.isFinite)) {
      this.map.getView().fit(extent, { padding: [20, 20, 20, 20], maxZoom: 10 });
    }
  }

  drawArea(handler: (area: IDrawnArea) => void): () => void {
    this.stopDrawing?.();
    const source = new VectorSource();
    const layer = new VectorLayer({ source, className: 'jp-polartep-map-draw' });
    this.map.addLayer(layer);
    const draw = new Draw({ source, type: 'Circle', geometryFunction: createBox() });
    const stop = (): void => {
      this.map.removeInteraction(draw);
      this.map.removeLayer(layer);
      if (this.stopDrawing === stop) {
        this.stopDrawing = null;
      }
      delete this.target.dataset.drawing;
    };
    draw.on('drawend', event => {
      const extent = event.feature.getGeometry()!.getExtent();
      const projection = this._projection;
      // the click that ends the box must not also select a footprint: stop after this event
      setTimeout(stop, 0);
      handler(drawnArea(extent, projection, this.projector()));
    });
    this.map.addInteraction(draw);
    this.stopDrawing = stop;
    this.target.dataset.drawing = 'true';
    return stop;
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
    let extent = transformExtent([west, south, east, north], 'EPSG:4326', this._projection, 21);
    if (west > east && !isPolar(this._projection)) {
      extent = transformExtent([west, south, east + 360, north], 'EPSG:4326', this._projection, 21);
    } else if (west > east) {
      // across 180°: the extent of the band's densified outline (transformExtent reads W > E as
      // the other way round the globe)
      const band = bboxGeometry([west, south, east, north]);
      const drawn = projectFootprint(band, this._projection, this.projector().forward);
      extent = createEmpty();
      drawn.polygons.flat(2).forEach(([x, y]) => extendCoordinate(extent, [x, y]));
    }
    if (!isEmpty(extent) && extent.every(Number.isFinite)) {
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
      // the lon/lat bbox enclosing the box (a polar box is no bbox: see drawArea for the shape)
      handler(areaEnvelope(drawnArea(extent, this._projection, this.projector())));
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
    layers.push(
      new VectorLayer({
        className: 'jp-polartep-map-search-area',
        source: this.areaSource,
        style: new Style({ stroke: new Stroke({ color: '#1c7ed6', width: 2, lineDash: [6, 4] }) })
      })
    );
    layers.push(
      new VectorLayer({
        className: 'jp-polartep-map-stac-footprints',
        source: this.footprintSource,
        style: feature => this.footprintStyle(feature)
      })
    );
    this.drawFootprints();
    this.drawArea_();
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

  /** Footprints as features of the current projection (fill polygons + stroked outline). */
  private drawFootprints(): void {
    const project = this.projector().forward;
    const features: Feature[] = [];
    for (const footprint of this.footprints) {
      if (!footprint.geometry || !visibleIn(footprint.geometry, this._projection)) {
        continue;
      }
      const drawn = projectFootprint(footprint.geometry, this._projection, project);
      if (drawn.polygons.length === 0) {
        continue;
      }
      const feature = new Feature({ geometry: new MultiPolygon(drawn.polygons) });
      feature.set('outline', new MultiLineString(drawn.outline));
      feature.setId(footprint.id);
      features.push(feature);
    }
    this.footprintSource.clear(true);
    this.footprintSource.addFeatures(features);
    this.target.dataset.footprints = String(features.length);
    this.target.dataset.projection = this._projection;
  }

  private drawArea_(): void {
    this.areaSource.clear(true);
    if (this.area) {
      const drawn = projectFootprint(this.area, this._projection, this.projector().forward);
      if (drawn.outline.length > 0) {
        this.areaSource.addFeature(new Feature({ geometry: new MultiLineString(drawn.outline) }));
      }
    }
    this.target.dataset.searchArea = this.area ? 'true' : 'false';
  }

  private footprintStyle(feature: FeatureLike): Style[] {
    const id = String(feature.getId());
    const selected = id === this.selected;
    const hovered = id === this.hovered;
    const color = selected ? '#c2255c' : hovered ? '#f08c00' : '#d9480f';
    return [
      new Style({
        fill: new Fill({ color: selected || hovered ? 'rgba(240,140,0,0.25)' : 'rgba(217,72,15,0.08)' })
      }),
      new Style({
        geometry: f => f.get('outline'),
        stroke: new Stroke({ color, width: selected || hovered ? 3 : 1.5 }),
        zIndex: selected || hovered ? 2 : 1
      })
    ];
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
