/** Client of the tiles feature: layers from the server, JSON endpoints of the tiler via the proxy. */
import { isServerURL, jsonInit, requestAPI, requestImage } from '../api';
import type { IEoxLayer, Projection } from '../map/types';
import type { ISceneItem } from './scenes';

export namespace Tiles {
  export interface IConfig {
    kind: 'embedded' | 'real';
    tiler: string;
    tile_matrix_sets: string[];
    projections: Record<string, string>;
  }
  export interface ILayerRequest {
    url?: string;
    item_url?: string;
    collection?: string;
    item?: string;
    search?: Record<string, unknown>;
    mosaic_url?: string;
    assets?: string[];
    bidx?: number[];
    expression?: string;
    rescale?: string;
    colormap_name?: string;
    projection?: Projection;
    title?: string;
  }
  export interface ILayer {
    id: string;
    title: string;
    kind: 'cog' | 'stac' | 'mosaic';
    source: string;
    projection: Projection;
    tile_matrix_set: string;
    bounds: number[] | null;
    tiles: Record<string, string>;
    tilejson: string | null;
    wmts: string | null;
    info: string | null;
    statistics: string | null;
    point: string | null;
    query: Record<string, unknown>;
    layer: IEoxLayer;
    /** the raster's bands (workspace files; empty when not known) */
    bands: { index: number; name: string }[];
    /** the raster assets of a STAC item */
    raster_assets: string[];
  }
  export interface IBandStatistics {
    min: number;
    max: number;
    percentile_2?: number;
    percentile_98?: number;
  }
}

/** `/base/polartep/tiles/x` -> `tiles/x` (what `requestAPI` expects), or null for other hosts. */
export function tilerPath(url: string): string | null {
  if (/^https?:\/\//.test(url)) {
    return null;
  }
  const at = url.indexOf('/polartep/');
  return at < 0 ? null : url.slice(at + '/polartep/'.length);
}

export class TilesClient {
  /** Whether a tile URL is the workspace tiler's (fetched by `tile`, with the server's auth). */
  servesTile(url: string): boolean {
    return isServerURL(url);
  }

  /** One tile image of the workspace tiler; `APIError` with the tiler's message and reason. */
  tile(url: string): Promise<Blob> {
    return requestImage(url);
  }

  config(): Promise<Tiles.IConfig> {
    return requestAPI<Tiles.IConfig>('api/tiles');
  }

  layer(request: Tiles.ILayerRequest): Promise<Tiles.ILayer> {
    return requestAPI<Tiles.ILayer>('api/tiles/layers', jsonInit('POST', request));
  }

  /** Statistics of the layer's first band (for an automatic rescale). */
  async statistics(layer: Tiles.ILayer): Promise<Tiles.IBandStatistics | null> {
    const path = layer.statistics ? tilerPath(layer.statistics) : null;
    if (!path) {
      return null;
    }
    const reply = await requestAPI<Record<string, any>>(path);
    // COG: {b1: {...}}; STAC item: {asset: {b1: {...}}}
    const first = Object.values(reply)[0] as any;
    const band = first && 'min' in first ? first : (Object.values(first ?? {})[0] as any);
    return band ?? null;
  }

  /**
   * Every item of a workspace-catalog search (a collection's items when `search` is
   * `{collections: [id]}`), following `next` links; at most `max` items.
   */
  async searchItems(search: Record<string, unknown>, max = 2000): Promise<ISceneItem[]> {
    const found: ISceneItem[] = [];
    let body: Record<string, unknown> = { limit: 500, ...search };
    for (let page = 0; page < 20 && found.length < max; page++) {
      const reply = await requestAPI<{ features: ISceneItem[]; links?: { rel: string; body?: Record<string, unknown> }[] }>(
        'stac/search',
        jsonInit('POST', body)
      );
      found.push(...reply.features);
      const next = (reply.links ?? []).find(link => link.rel === 'next' && link.body);
      if (!next || reply.features.length === 0) {
        break;
      }
      body = next.body!;
    }
    return found.slice(0, max);
  }

  /** Pixel values at a point (the tiler's `point` endpoint). */
  async point(layer: Tiles.ILayer, lon: number, lat: number): Promise<{ values: unknown[]; band_names?: string[] }> {
    if (!layer.point) {
      throw new Error('no pixel values on a mosaic: pick a date with a single item, or one raster');
    }
    const url = layer.point.replace('{lon}', lon.toFixed(6)).replace('{lat}', lat.toFixed(6));
    const path = url ? tilerPath(url) : null;
    if (!path) {
      throw new Error('pixel values are only available from the workspace tiler');
    }
    return requestAPI(path);
  }
}
