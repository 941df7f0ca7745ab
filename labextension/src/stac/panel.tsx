import { ReactWidget } from '@jupyterlab/apputils';
import { CommandRegistry } from '@lumino/commands';
import React, { useEffect, useState } from 'react';

import { useSignals } from '../common/react';
import { createMap, IPolarMap, PROJECTIONS } from '../map';
import { bboxGeometry, describeArea } from '../map/geometry';
import { Stac } from './client';
import { formatBbox, formatBytes, formatInterval, thumbnailOf } from './format';
import { MapChoice, StacBrowserModel } from './model';

/** The command of the tiles feature that previews an item on the shared map. */
export const PREVIEW_COMMAND = 'polartep:tiles-preview';

export interface IBrowserActions {
  insertCode(): Promise<void>;
  notifyError(message: string): void;
  notify(message: string): void;
}

function CatalogPicker(props: { model: StacBrowserModel }): JSX.Element {
  const { model } = props;
  const [adding, setAdding] = useState(false);
  const [spec, setSpec] = useState<Stac.ICreateCatalog>({ name: '', url: '', type: 'api' });
  const current = model.catalogs.find(c => c.name === model.catalog);
  return (
    <div className="jp-polartep-stac-catalogs">
      <label>
        Catalog{' '}
        <select
          aria-label="Catalog"
          value={model.catalog}
          onChange={e => void model.selectCatalog(e.target.value)}
        >
          {model.catalogs.map(c => (
            <option key={c.name} value={c.name}>
              {c.title || c.name}
              {c.source === 'user' ? ' (added)' : ''}
            </option>
          ))}
        </select>
      </label>
      <button className="jp-polartep-stac-small" onClick={() => setAdding(!adding)}>
        {adding ? 'Cancel' : 'Add catalog…'}
      </button>
      {current?.removable && (
        <button className="jp-polartep-stac-small" onClick={() => void model.removeCatalog(current.name)}>
          Remove
        </button>
      )}
      {adding && (
        <form
          className="jp-polartep-stac-form"
          aria-label="Add catalog"
          onSubmit={e => {
            e.preventDefault();
            void model.addCatalog(spec).then(() => setAdding(false));
          }}
        >
          <input
            aria-label="Catalog name"
            placeholder="name (e.g. earth-search)"
            value={spec.name}
            onChange={e => setSpec({ ...spec, name: e.target.value })}
          />
          <input
            aria-label="Catalog URL"
            placeholder="STAC API URL, catalog.json URL or workspace path"
            value={spec.url}
            onChange={e => setSpec({ ...spec, url: e.target.value })}
          />
          <select
            aria-label="Catalog type"
            value={spec.type}
            onChange={e => setSpec({ ...spec, type: e.target.value as 'api' | 'static' })}
          >
            <option value="api">STAC API</option>
            <option value="static">Static catalog</option>
          </select>
          <button type="submit">Add</button>
        </form>
      )}
    </div>
  );
}

function CollectionCard(props: { collection: Stac.ICollection; onOpen: () => void }): JSX.Element {
  const c = props.collection;
  const thumb = thumbnailOf(c.assets, c.links);
  return (
    <li className="jp-polartep-stac-collection" data-collection={c.id}>
      {thumb && <img className="jp-polartep-stac-thumb" src={thumb} alt="" />}
      <div>
        <button className="jp-polartep-link" onClick={props.onOpen}>
          {c.title || c.id}
        </button>
        <div className="jp-polartep-stac-detail">{(c.description ?? '').slice(0, 160)}</div>
        <div className="jp-polartep-stac-detail">
          {formatBbox(c.extent?.spatial?.bbox?.[0])} · {formatInterval(c.extent?.temporal?.interval?.[0])}
        </div>
        {c.keywords && c.keywords.length > 0 && (
          <div className="jp-polartep-stac-keywords">
            {c.keywords.map(k => (
              <span key={k}>{k}</span>
            ))}
          </div>
        )}
      </div>
    </li>
  );
}

function SearchForm(props: { model: StacBrowserModel; actions: IBrowserActions }): JSX.Element {
  const { model, actions } = props;
  const f = model.form;
  return (
    <form
      className="jp-polartep-stac-form"
      aria-label="Search"
      onSubmit={e => {
        e.preventDefault();
        void model.search();
      }}
    >
      <label>
        Bounding box (W,S,E,N; W &gt; E crosses 180°)
        <input
          aria-label="Bounding box"
          placeholder="e.g. 170,60,-170,70"
          value={f.bbox}
          onChange={e => model.setForm({ bbox: e.target.value })}
        />
      </label>
      <div className="jp-polartep-stac-presets">
        <button type="button" onClick={() => model.setForm({ bbox: '-180,60,180,90' })}>
          Arctic
        </button>
        <button type="button" onClick={() => model.setForm({ bbox: '-180,-90,180,-60' })}>
          Antarctic
        </button>
        <button type="button" onClick={() => model.setForm({ bbox: '' })}>
          Anywhere
        </button>
      </div>
      {model.area && (
        <div className="jp-polartep-stac-area" data-testid="stac-area">
          Search area drawn on the map: {describeArea(model.area)}; sent as a polygon (intersects), not a
          lon/lat bbox.{' '}
          <button type="button" className="jp-polartep-stac-small" onClick={() => model.setArea(null)}>
            Clear
          </button>
        </div>
      )}
      <div className="jp-polartep-stac-row">
        <label>
          From
          <input aria-label="From date" type="date" value={f.start} onChange={e => model.setForm({ start: e.target.value })} />
        </label>
        <label>
          To
          <input aria-label="To date" type="date" value={f.end} onChange={e => model.setForm({ end: e.target.value })} />
        </label>
      </div>
      <label>
        Filter (CQL2)
        <input
          aria-label="Filter"
          placeholder="e.g. eo:cloud_cover <= 20"
          value={f.filter}
          onChange={e => model.setForm({ filter: e.target.value })}
        />
      </label>
      <div className="jp-polartep-stac-row">
        <label>
          Per page
          <input
            aria-label="Per page"
            type="number"
            min={1}
            max={500}
            value={f.limit}
            onChange={e => model.setForm({ limit: Math.max(1, Number(e.target.value) || 1) })}
          />
        </label>
        <button type="submit" disabled={model.busy}>
          Search
        </button>
        <button
          type="button"
          disabled={!model.results}
          onClick={() => void actions.insertCode().catch(e => actions.notifyError(String(e)))}
        >
          Insert code
        </button>
      </div>
    </form>
  );
}

function Results(props: { model: StacBrowserModel }): JSX.Element | null {
  const { model } = props;
  const results = model.results;
  if (!results) {
    return null;
  }
  const matched = results.numberMatched ?? results.features.length;
  return (
    <section aria-label="Results" className="jp-polartep-stac-results">
      <div data-testid="stac-matched">
        {matched} matched · page {model.page}
      </div>
      <ul className="jp-polartep-list">
        {results.features.map(item => (
          <li
            key={`${item.collection}/${item.id}`}
            data-item={item.id}
            className={item.id === model.hovered ? 'jp-polartep-stac-hovered' : undefined}
            onMouseEnter={() => model.setHovered(item.id)}
            onMouseLeave={() => model.setHovered(null)}
          >
            <button className="jp-polartep-link" onClick={() => void model.openItem(item)}>
              {item.id}
            </button>
            <span className="jp-polartep-stac-detail">
              {' '}
              {String(item.properties.datetime ?? item.properties.start_datetime ?? '').slice(0, 19)}
            </span>
          </li>
        ))}
      </ul>
      <div className="jp-polartep-stac-row">
        <button disabled={model.page <= 1 || model.busy} onClick={() => void model.previousPage()}>
          Previous
        </button>
        <button disabled={!model.hasNext() || model.busy} onClick={() => void model.nextPage()}>
          Next
        </button>
      </div>
    </section>
  );
}

/** The shared map under the search form: footprints of the page of results, the search area,
 * a projection picker ('Auto' follows the data) and a draw-box tool. */
function SearchMap(props: { model: StacBrowserModel; actions: IBrowserActions }): JSX.Element {
  const { model, actions } = props;
  const host = React.useRef<HTMLDivElement>(null);
  const map = React.useRef<IPolarMap | null>(null);
  const stopDrawing = React.useRef<(() => void) | null>(null);
  const [ready, setReady] = useState(false);
  const [drawing, setDrawing] = useState(false);
  const [count, setCount] = useState(0);
  const projection = model.mapProjection;
  const results = model.results;

  useEffect(() => {
    let disposed = false;
    void createMap(host.current!, { projection }).then(
      created => {
        if (disposed) {
          created.dispose();
          return;
        }
        map.current = created;
        created.onFootprintHover(id => model.setHovered(id));
        created.onFootprintClick(id => {
          const item = model.results?.features.find(f => f.id === id);
          if (item) {
            void model.openItem(item);
          }
        });
        setReady(true);
      },
      error => actions.notifyError(`Cannot load the map: ${error instanceof Error ? error.message : error}`)
    );
    return () => {
      disposed = true;
      map.current?.dispose();
      map.current = null;
    };
  }, []);

  // a new projection or a new page of results: redraw and fit
  useEffect(() => {
    const m = map.current;
    if (!m) {
      return;
    }
    m.setProjection(projection);
    m.setFootprints((results?.features ?? []).map(item => ({ id: item.id, geometry: item.geometry as never })));
    setCount(m.footprintCount);
    m.fitFootprints();
  }, [ready, projection, results]);

  useEffect(() => {
    const area = model.area;
    let geometry = area?.geometry ?? null;
    if (!geometry) {
      try {
        const body = model.searchBody();
        geometry = body.bbox ? bboxGeometry(body.bbox) : null;
      } catch {
        geometry = null;
      }
    }
    map.current?.setSearchArea(geometry);
  }, [ready, projection, model.area, model.form.bbox]);

  useEffect(() => {
    map.current?.highlightFootprints(model.hovered, model.item?.id ?? null);
  }, [ready, model.hovered, model.item]);

  const toggleDraw = (): void => {
    if (stopDrawing.current) {
      stopDrawing.current();
      stopDrawing.current = null;
      setDrawing(false);
      return;
    }
    const m = map.current;
    if (!m) {
      return;
    }
    setDrawing(true);
    stopDrawing.current = m.drawArea(area => {
      stopDrawing.current = null;
      setDrawing(false);
      model.setArea(area);
    });
  };

  const total = results?.features.length ?? 0;
  return (
    <section aria-label="Map" className="jp-polartep-stac-mapbox">
      <div className="jp-polartep-stac-row">
        <label>
          Map
          <select
            aria-label="Map projection"
            value={model.mapChoice}
            onChange={e => {
              stopDrawing.current?.();
              stopDrawing.current = null;
              setDrawing(false);
              model.setMapChoice(e.target.value as MapChoice);
            }}
          >
            <option value="auto">Auto ({PROJECTIONS.find(p => p.code === projection)?.label})</option>
            {PROJECTIONS.map(p => (
              <option key={p.code} value={p.code}>
                {p.label}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          aria-pressed={drawing}
          disabled={!ready}
          title="Click two corners of a box on the map"
          onClick={toggleDraw}
        >
          {drawing ? 'Cancel drawing' : 'Draw box'}
        </button>
      </div>
      <div
        ref={host}
        className="jp-polartep-stac-map"
        data-ready={ready ? 'true' : 'false'}
        aria-label="Footprints map"
      />
      <div className="jp-polartep-stac-detail" data-testid="stac-footprints" data-count={count}>
        {drawing
          ? 'Click two corners of the search box on the map.'
          : results
            ? `${count} of ${total} footprints on the map` +
              (count < total ? ' (the others are outside this projection)' : '')
            : 'Search to see the footprints.'}
      </div>
    </section>
  );
}

function ItemDetails(props: {
  model: StacBrowserModel;
  commands: CommandRegistry;
  actions: IBrowserActions;
}): JSX.Element | null {
  const { model, commands, actions } = props;
  const item = model.item;
  if (!item) {
    return null;
  }
  const thumb = thumbnailOf(item.assets, item.links);
  const canPreview = commands.hasCommand(PREVIEW_COMMAND);
  return (
    <section aria-label="Item" className="jp-polartep-stac-item">
      <h3>{item.id}</h3>
      <div className="jp-polartep-stac-row">
        <button onClick={() => model.closeItem()}>Back to results</button>
        {canPreview && (
          <button
            onClick={() =>
              void commands.execute(PREVIEW_COMMAND, { collection: item.collection ?? '', item: item.id })
            }
          >
            Preview on map
          </button>
        )}
      </div>
      {thumb && <img className="jp-polartep-stac-preview" src={thumb} alt={`thumbnail of ${item.id}`} />}
      <table className="jp-polartep-stac-table" aria-label="Properties">
        <tbody>
          {item.bbox && (
            <tr>
              <th>bbox</th>
              <td>{formatBbox(item.bbox)}</td>
            </tr>
          )}
          {Object.entries(item.properties).map(([key, value]) => (
            <tr key={key}>
              <th>{key}</th>
              <td>{typeof value === 'object' ? JSON.stringify(value) : String(value)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Assets</h3>
      <ul className="jp-polartep-list" aria-label="Assets">
        {Object.entries(item.assets).map(([key, asset]) => (
          <li key={key} className="jp-polartep-stac-asset">
            <strong>{asset.title || key}</strong>
            <div className="jp-polartep-stac-detail">
              {(asset.roles ?? []).join(', ')} · {asset.type ?? 'unknown type'} {formatBytes(asset['file:size'])}
            </div>
            <button
              className="jp-polartep-stac-small"
              onClick={() => void navigator.clipboard?.writeText(asset.href)}
              title={asset.href}
            >
              Copy href
            </button>{' '}
            {/^https?:/.test(asset.href) && (
              <button
                className="jp-polartep-stac-small"
                onClick={() =>
                  void model.client.download(asset.href).then(
                    r => actions.notify(`Downloaded to ${r.path} (${formatBytes(r.bytes)})`),
                    e => actions.notifyError(e instanceof Error ? e.message : String(e))
                  )
                }
              >
                Download
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

function BrowserView(props: {
  model: StacBrowserModel;
  commands: CommandRegistry;
  actions: IBrowserActions;
}): JSX.Element {
  const { model, commands, actions } = props;
  useSignals(model.changed, commands.commandChanged);
  const [shownError, setShownError] = useState<string | null>(null);
  useEffect(() => {
    if (model.error && model.error !== shownError) {
      actions.notifyError(model.error);
    }
    setShownError(model.error);
  }, [model.error]);
  const collection = model.collection;
  return (
    <div className="jp-polartep-stac">
      <CatalogPicker model={model} />
      {model.error && (
        <div className="jp-polartep-error" role="alert">
          {model.error}
        </div>
      )}
      {model.busy && <div className="jp-polartep-stac-detail">Loading…</div>}
      {!collection ? (
        <section aria-label="Collections">
          <h3>Collections</h3>
          <ul className="jp-polartep-list">
            {model.collections.map(c => (
              <CollectionCard key={c.id} collection={c} onOpen={() => model.selectCollection(c)} />
            ))}
          </ul>
          {!model.busy && model.collections.length === 0 && <div>No collections in this catalog.</div>}
        </section>
      ) : (
        <section aria-label="Collection">
          <button className="jp-polartep-link" onClick={() => model.selectCollection(null)}>
            ← All collections
          </button>
          <h3>{collection.title || collection.id}</h3>
          <div className="jp-polartep-stac-detail">{collection.description}</div>
          <div className="jp-polartep-stac-detail">
            Extent: {formatBbox(collection.extent?.spatial?.bbox?.[0])} ·{' '}
            {formatInterval(collection.extent?.temporal?.interval?.[0])}
          </div>
          <SearchForm model={model} actions={actions} />
          <SearchMap model={model} actions={actions} />
          {model.item ? <ItemDetails model={model} commands={commands} actions={actions} /> : <Results model={model} />}
        </section>
      )}
    </div>
  );
}

/** The body of the STAC browser side panel. */
export class StacBrowser extends ReactWidget {
  constructor(
    readonly model: StacBrowserModel,
    private readonly _commands: CommandRegistry,
    private readonly _actions: IBrowserActions
  ) {
    super();
    this.addClass('jp-polartep-stac-body');
  }

  render(): JSX.Element {
    return <BrowserView model={this.model} commands={this._commands} actions={this._actions} />;
  }
}
