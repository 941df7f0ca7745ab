import { Poll } from '@lumino/polling';
import { ISignal, Signal } from '@lumino/signaling';

import { chooseProjection, IDrawnArea, lonLatBounds, polygonsOf, ProjectionCode } from '../map/geometry';
import { Stac, StacClient } from './client';
import { formatExactBbox, interval, parseBbox } from './format';

/** The map's projection: chosen from the data ('auto') or by the user. */
export type MapChoice = 'auto' | ProjectionCode;

/** The search form as the user typed it. */
export interface ISearchForm {
  bbox: string;
  start: string;
  end: string;
  filter: string;
  limit: number;
}

/** State of the STAC browser: catalog -> collections -> search -> results -> item. */
export class StacBrowserModel {
  constructor(readonly client = new StacClient()) {
    this._poll = new Poll({
      factory: () => this.refreshCatalogs(),
      frequency: { interval: 60 * 1000, backoff: true, max: 300 * 1000 },
      standby: 'when-hidden',
      name: 'polartep:stac-catalogs'
    });
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }
  get catalogs(): Stac.ICatalog[] {
    return this._catalogs;
  }
  get catalog(): string {
    return this._catalog;
  }
  get collections(): Stac.ICollection[] {
    return this._collections;
  }
  get collection(): Stac.ICollection | null {
    return this._collection;
  }
  get results(): Stac.IItemCollection | null {
    return this._results;
  }
  get item(): Stac.IItem | null {
    return this._item;
  }
  get busy(): boolean {
    return this._busy;
  }
  get error(): string | null {
    return this._error;
  }
  get form(): ISearchForm {
    return this._form;
  }
  get page(): number {
    return this._tokens.length + 1;
  }
  get lastSearch(): Stac.ISearch | null {
    return this._lastSearch;
  }

  /** A box drawn on a polar map (sent as `intersects`); null when the bbox field says it all. */
  get area(): IDrawnArea | null {
    return this._area;
  }
  get mapChoice(): MapChoice {
    return this._mapChoice;
  }
  /** The item whose footprint is under the pointer (map or results list). */
  get hovered(): string | null {
    return this._hovered;
  }

  setForm(patch: Partial<ISearchForm>): void {
    this._form = { ...this._form, ...patch };
    if (patch.bbox !== undefined) {
      this._area = null; // a typed bbox replaces a drawn area
    }
    this._changed.emit();
  }

  /** A box drawn on the map: an exact bbox goes into the bbox field, anything else is a polygon. */
  setArea(area: IDrawnArea | null): void {
    if (area?.bbox) {
      this._form = { ...this._form, bbox: formatExactBbox(area.bbox) };
      this._area = null;
    } else {
      this._area = area;
      if (area) {
        this._form = { ...this._form, bbox: '' };
      }
    }
    this._changed.emit();
  }

  setMapChoice(choice: MapChoice): void {
    this._mapChoice = choice;
    this._changed.emit();
  }

  setHovered(id: string | null): void {
    if (id !== this._hovered) {
      this._hovered = id;
      this._changed.emit();
    }
  }

  /**
   * The projection of the map: the user's choice, else the one the search area calls for (Arctic
   * north of 50°N, Antarctic south of 50°S), else the one of the results, else Web Mercator.
   */
  get mapProjection(): ProjectionCode {
    if (this._mapChoice !== 'auto') {
      return this._mapChoice;
    }
    if (this._area) {
      return this._area.projection; // keep the map the box was drawn on
    }
    let typed: number[] | null = null;
    try {
      typed = parseBbox(this._form.bbox);
    } catch {
      typed = null;
    }
    if (typed) {
      return chooseProjection([typed]);
    }
    const items = this._results?.features ?? [];
    return chooseProjection(items.map(item => item.bbox ?? lonLatBounds(polygonsOf(item.geometry as never))));
  }

  refreshNow(): Promise<void> {
    return this._poll.refresh();
  }

  async refreshCatalogs(): Promise<void> {
    this._catalogs = await this.client.catalogs();
    if (!this._catalogs.some(c => c.name === this._catalog)) {
      this._catalog = 'workspace';
    }
    if (!this._loadedOnce) {
      this._loadedOnce = true;
      await this.selectCatalog(this._catalog);
    }
    this._changed.emit();
  }

  async selectCatalog(name: string): Promise<void> {
    this._catalog = name;
    this._collections = [];
    this._collection = null;
    this._results = null;
    this._item = null;
    await this._run(async () => {
      this._collections = await this.client.collections(name);
    });
  }

  /** Re-list the collections when the user is looking at that list (e.g. the panel is shown
   * again after a file was registered); a collection, search or item being viewed is kept. */
  async reloadCollectionsIfListing(): Promise<void> {
    if (this._collection !== null || !this._loadedOnce) {
      return;
    }
    await this._run(async () => {
      this._collections = await this.client.collections(this._catalog);
    });
  }

  selectCollection(collection: Stac.ICollection | null): void {
    this._collection = collection;
    this._results = null;
    this._item = null;
    this._hovered = null;
    this._changed.emit();
  }

  async addCatalog(spec: Stac.ICreateCatalog): Promise<void> {
    await this._run(async () => {
      await this.client.addCatalog(spec);
      this._catalogs = await this.client.catalogs();
    });
    if (!this._error) {
      await this.selectCatalog(spec.name);
    }
  }

  async removeCatalog(name: string): Promise<void> {
    await this._run(async () => {
      await this.client.removeCatalog(name);
      this._catalogs = await this.client.catalogs();
    });
    await this.selectCatalog('workspace');
  }

  /** The search the form describes (throws on a malformed bbox). */
  searchBody(): Stac.ISearch {
    const body: Stac.ISearch = { limit: this._form.limit };
    if (this._collection) {
      body.collections = [this._collection.id];
    }
    const bbox = parseBbox(this._form.bbox);
    if (this._area) {
      body.intersects = this._area.geometry;
    } else if (bbox) {
      body.bbox = bbox;
    }
    const when = interval(this._form.start, this._form.end);
    if (when) {
      body.datetime = when;
    }
    if (this._form.filter.trim()) {
      body.filter = this._form.filter.trim();
      body['filter-lang'] = 'cql2-text';
    }
    return body;
  }

  async search(): Promise<void> {
    let body: Stac.ISearch;
    try {
      body = this.searchBody();
    } catch (error) {
      this._error = error instanceof Error ? error.message : String(error);
      this._changed.emit();
      return;
    }
    this._tokens = [];
    this._lastSearch = body;
    await this._fetch(body);
  }

  async nextPage(): Promise<void> {
    const token = this._token('next');
    if (!token || !this._lastSearch) {
      return;
    }
    this._tokens.push(token);
    await this._fetch({ ...this._lastSearch, token });
  }

  async previousPage(): Promise<void> {
    if (!this._lastSearch || this._tokens.length === 0) {
      return;
    }
    this._tokens.pop();
    const token = this._tokens[this._tokens.length - 1];
    await this._fetch(token ? { ...this._lastSearch, token } : this._lastSearch);
  }

  hasNext(): boolean {
    return this._token('next') !== null;
  }

  async openItem(item: Stac.IItem): Promise<void> {
    this._item = item;
    this._changed.emit();
  }

  closeItem(): void {
    this._item = null;
    this._changed.emit();
  }

  /** Notebook code reproducing the last search. */
  code(): Promise<string> {
    return this.client.code(this._catalog, this._lastSearch ?? this.searchBody());
  }

  dispose(): void {
    this._poll.dispose();
    Signal.clearData(this);
  }

  private _token(rel: 'next' | 'prev'): string | null {
    const results = this._results;
    if (!results) {
      return null;
    }
    const link = (results.links ?? []).find(l => l.rel === rel);
    if (link?.body?.token) {
      return String(link.body.token);
    }
    if (link?.href) {
      const query = new URL(link.href, 'http://x/').searchParams;
      return query.get('token') ?? query.get('cursor');
    }
    return rel === 'next' && results.next_token ? results.next_token : null;
  }

  private async _fetch(body: Stac.ISearch): Promise<void> {
    await this._run(async () => {
      this._results = await this.client.search(this._catalog, body);
      this._item = null;
    });
  }

  private async _run(work: () => Promise<void>): Promise<void> {
    this._busy = true;
    this._error = null;
    this._changed.emit();
    try {
      await work();
    } catch (error) {
      this._error = error instanceof Error ? error.message : String(error);
    } finally {
      this._busy = false;
      this._changed.emit();
    }
  }

  private _poll: Poll;
  private _changed = new Signal<this, void>(this);
  private _catalogs: Stac.ICatalog[] = [];
  private _catalog = 'workspace';
  private _collections: Stac.ICollection[] = [];
  private _collection: Stac.ICollection | null = null;
  private _results: Stac.IItemCollection | null = null;
  private _item: Stac.IItem | null = null;
  private _busy = false;
  private _error: string | null = null;
  private _loadedOnce = false;
  private _tokens: string[] = [];
  private _lastSearch: Stac.ISearch | null = null;
  private _form: ISearchForm = { bbox: '', start: '', end: '', filter: '', limit: 20 };
  private _area: IDrawnArea | null = null;
  private _mapChoice: MapChoice = 'auto';
  private _hovered: string | null = null;
}
