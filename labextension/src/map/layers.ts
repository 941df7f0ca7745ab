/**
 * The OpenLayers layers of the map: the offline coastline basemap (Natural Earth via world-atlas,
 * public domain), online XYZ basemaps, eox-map JSON layers, the search area, the STAC footprints
 * and the graticule.
 */
import Feature, { FeatureLike } from 'ol/Feature';
import GeoJSON from 'ol/format/GeoJSON';
import MultiLineString from 'ol/geom/MultiLineString';
import MultiPolygon from 'ol/geom/MultiPolygon';
import type BaseLayer from 'ol/layer/Base';
import Graticule from 'ol/layer/Graticule';
import type ImageTile from 'ol/ImageTile';
import type Tile from 'ol/Tile';
import TileState from 'ol/TileState';
import TileLayer from 'ol/layer/Tile';
import VectorLayer from 'ol/layer/Vector';
import VectorSource from 'ol/source/Vector';
import XYZ from 'ol/source/XYZ';
import Fill from 'ol/style/Fill';
import Stroke from 'ol/style/Stroke';
import Style from 'ol/style/Style';
import { mesh } from 'topojson-client';
import land from 'world-atlas/land-110m.json';

import { coastlineParts } from './coast';
import { IGeometry, isPolarProjection, Position, projectFootprint, visibleIn } from './geometry';
import { loadTile } from './tileload';
import { IEoxLayer, IFootprint, ITileLoader, Projection, templateForProjection } from './types';
import { polarTileGrid } from './view';

/** Coastlines cut to the map's hemisphere, as a stroked vector layer. */
export function coastlineLayer(projection: Projection): VectorLayer {
  const topology = land as any;
  const lines: number[][][] = (mesh(topology, topology.objects.land) as any).coordinates;
  const geometry = new MultiLineString(coastlineParts(lines, projection));
  geometry.transform('EPSG:4326', projection);
  return new VectorLayer({
    className: 'jp-polartep-map-coast',
    source: new VectorSource({ features: [new Feature({ geometry })] }),
    style: new Style({ stroke: new Stroke({ color: '#4a6f8a', width: 1.2 }) })
  });
}

/**
 * An XYZ tile layer on the projection's grid; `onTileLoad` is called for every tile loaded. With
 * `fetcher`, tiles are fetched by it and their failures handled (./tileload).
 */
export function tileLayer(
  url: string,
  projection: Projection,
  className: string,
  onTileLoad?: () => void,
  fetcher?: { load: (url: string) => Promise<Blob>; failed: (message: string) => void }
): TileLayer<XYZ> {
  const polar = isPolarProjection(projection);
  const source = new XYZ({
    url,
    projection,
    tileGrid: polar ? polarTileGrid() : undefined,
    wrapX: !polar,
    transition: 0,
    ...(fetcher ? { tileLoadFunction: fetchedTiles(fetcher.load, fetcher.failed) } : {})
  });
  if (onTileLoad) {
    source.on('tileloadend', onTileLoad);
  }
  return new TileLayer({ source, className });
}

/** OpenLayers' tile load function for tiles fetched by `load`: empty, retried or failed. */
function fetchedTiles(load: (url: string) => Promise<Blob>, failed: (message: string) => void) {
  return (tile: Tile, src: string): void => {
    const image = (tile as ImageTile).getImage() as HTMLImageElement;
    void loadTile(load, src).then(result => {
      if (tile.getState() !== TileState.LOADING) {
        return; // dropped meanwhile (the view moved on)
      }
      if (result.kind === 'image') {
        const objectUrl = URL.createObjectURL(result.blob);
        const release = (): void => URL.revokeObjectURL(objectUrl);
        image.addEventListener('load', release, { once: true });
        image.addEventListener('error', release, { once: true });
        image.src = objectUrl;
      } else if (result.kind === 'empty') {
        tile.setState(TileState.EMPTY);
      } else {
        tile.setState(TileState.ERROR);
        failed(result.message);
      }
    });
  };
}

/** The OpenLayers layer of an eox-map JSON layer (XYZ tiles or inline GeoJSON), or null. */
export function eoxLayer(
  layer: IEoxLayer,
  projection: Projection,
  onTileLoad: () => void,
  loader?: ITileLoader
): BaseLayer | null {
  const source = layer.source;
  if (layer.type === 'Tile' && source?.type === 'XYZ' && source.url) {
    const url = templateForProjection(source.url, projection);
    const fetcher = loader?.accepts(url)
      ? { load: (tileUrl: string) => loader.load(tileUrl), failed: (message: string) => loader.failed(layer, message) }
      : undefined;
    return tileLayer(url, projection, 'jp-polartep-map-raster', onTileLoad, fetcher);
  }
  if (layer.type === 'Vector' && source?.data) {
    const features = new GeoJSON().readFeatures(source.data, {
      dataProjection: 'EPSG:4326',
      featureProjection: projection
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

/** The outline of the search area, dashed. */
export function searchAreaLayer(source: VectorSource): VectorLayer {
  return new VectorLayer({
    className: 'jp-polartep-map-search-area',
    source,
    style: new Style({ stroke: new Stroke({ color: '#1c7ed6', width: 2, lineDash: [6, 4] }) })
  });
}

/** The STAC footprints; `emphasis` tells which are hovered or selected. */
export function footprintLayer(
  source: VectorSource,
  emphasis: () => { hovered: string | null; selected: string | null }
): VectorLayer {
  return new VectorLayer({
    className: 'jp-polartep-map-stac-footprints',
    source,
    style: feature => footprintStyle(feature, emphasis())
  });
}

export function graticuleLayer(): Graticule {
  return new Graticule({
    className: 'jp-polartep-map-graticule',
    strokeStyle: new Stroke({ color: 'rgba(120,120,120,0.5)', width: 0.6, lineDash: [2, 4] }),
    showLabels: false,
    wrapX: false
  });
}

/** A faint fill of the polygons and a stroked outline (its `outline`, without the cut edges). */
function footprintStyle(
  feature: FeatureLike,
  emphasis: { hovered: string | null; selected: string | null }
): Style[] {
  const id = String(feature.getId());
  const selected = id === emphasis.selected;
  const hovered = id === emphasis.hovered;
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

/** Footprints as features of `projection` (fill polygons + stroked outline); the other
 * hemisphere's are left out. */
export function footprintFeatures(
  footprints: IFootprint[],
  projection: Projection,
  project: (p: Position) => Position
): Feature[] {
  const features: Feature[] = [];
  for (const footprint of footprints) {
    if (!footprint.geometry || !visibleIn(footprint.geometry, projection)) {
      continue;
    }
    const drawn = projectFootprint(footprint.geometry, projection, project);
    if (drawn.polygons.length === 0) {
      continue;
    }
    const feature = new Feature({ geometry: new MultiPolygon(drawn.polygons) });
    feature.set('outline', new MultiLineString(drawn.outline));
    feature.setId(footprint.id);
    features.push(feature);
  }
  return features;
}

/** The outline of a search area in `projection` (none when nothing of it is drawn). */
export function areaFeatures(
  area: IGeometry,
  projection: Projection,
  project: (p: Position) => Position
): Feature[] {
  const drawn = projectFootprint(area, projection, project);
  return drawn.outline.length > 0 ? [new Feature({ geometry: new MultiLineString(drawn.outline) })] : [];
}
