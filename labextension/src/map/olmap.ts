/**
 * The OpenLayers map behind `createMap` (loaded lazily): polar projections and tile grids
 * (./view), an offline coastline basemap, eox-map JSON layers, STAC footprints and a graticule
 * (./layers), and boxes drawn with the mouse (./draw).
 */
import OLMap from 'ol/Map';
import type BaseLayer from 'ol/layer/Base';
import { toLonLat, transformExtent } from 'ol/proj';
import { createEmpty, extend as extendExtent, extendCoordinate, isEmpty } from 'ol/extent';
import VectorSource from 'ol/source/Vector';

import 'ol/ol.css';

import { POLAR_EXTENT } from './defs';
import { drawBoxes } from './draw';
import {
  areaEnvelope,
  bboxGeometry,
  drawnArea,
  IDrawnArea,
  IGeometry,
  IProjector,
  isPolarProjection,
  projectFootprint
} from './geometry';
import {
  areaFeatures,
  coastlineLayer,
  eoxLayer,
  footprintFeatures,
  footprintLayer,
  graticuleLayer,
  searchAreaLayer,
  tileLayer
} from './layers';
import { IEoxLayer, IFootprint, IMapOptions, IPolarMap, Projection } from './types';
import { mapView, projectorFor, registerProjections } from './view';

export { POLAR_EXTENT };

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
    this.map = new OLMap({ target, view: mapView(options.projection), layers: [] });
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

  private projector(): IProjector {
    return projectorFor(this._projection);
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
    this.map.setView(mapView(projection));
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
    this.drawSearchArea();
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
    const stopBoxes = drawBoxes(this.map, extent => {
      const projection = this._projection;
      // the click that ends the box must not also select a footprint: stop after this event
      setTimeout(stop, 0);
      handler(drawnArea(extent, projection, this.projector()));
    });
    const stop = (): void => {
      stopBoxes();
      if (this.stopDrawing === stop) {
        this.stopDrawing = null;
      }
      delete this.target.dataset.drawing;
    };
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
    const polar = isPolarProjection(this._projection);
    if (!polar) {
      south = Math.max(south, -85);
      north = Math.min(north, 85);
    }
    let extent = transformExtent([west, south, east, north], 'EPSG:4326', this._projection, 21);
    if (west > east && !polar) {
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
    // the lon/lat bbox enclosing each box (a polar box is no bbox: see drawArea for the shape)
    return drawBoxes(this.map, extent =>
      handler(areaEnvelope(drawnArea(extent, this._projection, this.projector())))
    );
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
    const projection = this._projection;
    const online = this.options.onlineBasemaps?.[projection];
    if (online) {
      layers.push(tileLayer(online, projection, 'jp-polartep-map-online'));
    }
    if (this.options.coastline !== false) {
      layers.push(coastlineLayer(projection));
    }
    for (const layer of this.current) {
      const ol = eoxLayer(
        layer,
        projection,
        () => {
          this.loaded += 1;
        },
        this.options.tileLoader
      );
      if (ol) {
        ol.setVisible(layer.visible !== false);
        ol.setOpacity(layer.opacity ?? 1);
        this.olLayers.set(layer.properties.id, ol);
        layers.push(ol);
      }
    }
    layers.push(searchAreaLayer(this.areaSource));
    layers.push(footprintLayer(this.footprintSource, () => ({ hovered: this.hovered, selected: this.selected })));
    this.drawFootprints();
    this.drawSearchArea();
    if (this.options.graticule !== false) {
      layers.push(graticuleLayer());
    }
  }

  private drawFootprints(): void {
    const features = footprintFeatures(this.footprints, this._projection, this.projector().forward);
    this.footprintSource.clear(true);
    this.footprintSource.addFeatures(features);
    this.target.dataset.footprints = String(features.length);
    this.target.dataset.projection = this._projection;
  }

  private drawSearchArea(): void {
    this.areaSource.clear(true);
    if (this.area) {
      this.areaSource.addFeatures(areaFeatures(this.area, this._projection, this.projector().forward));
    }
    this.target.dataset.searchArea = this.area ? 'true' : 'false';
  }
}
