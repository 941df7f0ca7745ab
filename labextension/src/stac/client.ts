/** The stac feature's client: the catalog browser API under /polartep/api/stac/. */
import { jsonInit, requestAPI } from '../api';

export namespace Stac {
  export interface ICatalog {
    name: string;
    title: string;
    url: string;
    type: 'workspace' | 'api' | 'static' | string;
    source: 'workspace' | 'operator' | 'user' | string;
    secret: string | null;
    removable: boolean;
  }
  export interface ICreateCatalog {
    name: string;
    url: string;
    title?: string;
    type?: 'api' | 'static';
  }
  export interface ILink {
    rel: string;
    href: string;
    type?: string;
    title?: string;
    method?: string;
    body?: ISearch;
  }
  export interface IAsset {
    href: string;
    title?: string;
    type?: string;
    roles?: string[];
    'file:size'?: number;
    [key: string]: unknown;
  }
  export interface ICollection {
    id: string;
    title?: string;
    description?: string;
    keywords?: string[];
    license?: string;
    extent?: {
      spatial?: { bbox?: number[][] };
      temporal?: { interval?: (string | null)[][] };
    };
    assets?: Record<string, IAsset>;
    links?: ILink[];
  }
  export interface IItem {
    id: string;
    collection?: string;
    bbox?: number[];
    geometry?: unknown;
    properties: Record<string, unknown>;
    assets: Record<string, IAsset>;
    links?: ILink[];
  }
  export interface ISearch {
    collections?: string[];
    bbox?: number[];
    /** GeoJSON geometry (lon/lat); a box drawn on a polar map is sent this way */
    intersects?: { type: string; coordinates?: unknown };
    datetime?: string;
    filter?: string | Record<string, unknown>;
    'filter-lang'?: string;
    limit?: number;
    token?: string;
    [key: string]: unknown;
  }
  export interface IItemCollection {
    type: 'FeatureCollection';
    features: IItem[];
    links?: ILink[];
    numberMatched?: number;
    numberReturned?: number;
    next_token?: string | null;
  }
}

/** Catalogs, their collections, searches (through the server) and notebook code. */
export class StacClient {
  private _path(name: string, ...rest: string[]): string {
    return ['api/stac/catalogs', encodeURIComponent(name), ...rest.map(encodeURIComponent)].join('/');
  }

  async catalogs(): Promise<Stac.ICatalog[]> {
    const reply = await requestAPI<{ catalogs: Stac.ICatalog[] }>('api/stac/catalogs');
    return reply.catalogs;
  }
  addCatalog(spec: Stac.ICreateCatalog): Promise<Stac.ICatalog> {
    return requestAPI<Stac.ICatalog>('api/stac/catalogs', jsonInit('POST', spec));
  }
  async removeCatalog(name: string): Promise<void> {
    await requestAPI<null>(this._path(name), jsonInit('DELETE'));
  }
  async collections(name: string): Promise<Stac.ICollection[]> {
    const reply = await requestAPI<{ collections: Stac.ICollection[] }>(this._path(name, 'collections'));
    return reply.collections;
  }
  item(name: string, collection: string, item: string): Promise<Stac.IItem> {
    return requestAPI<Stac.IItem>(this._path(name, 'collections', collection, 'items', item));
  }
  search(name: string, body: Stac.ISearch): Promise<Stac.IItemCollection> {
    return requestAPI<Stac.IItemCollection>(this._path(name, 'search'), jsonInit('POST', body));
  }
  /** Stream an asset into a workspace folder; resolves to the new file's path (never overwrites). */
  download(href: string, folder = 'data'): Promise<{ path: string; bytes: number }> {
    return requestAPI<{ path: string; bytes: number }>('api/stac/downloads', jsonInit('POST', { href, folder }));
  }
  async code(name: string, body: Stac.ISearch): Promise<string> {
    const reply = await requestAPI<{ code: string }>(this._path(name, 'code'), jsonInit('POST', body));
    return reply.code;
  }
}
