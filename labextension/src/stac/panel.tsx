import { ReactWidget } from '@jupyterlab/apputils';
import { CommandRegistry } from '@lumino/commands';
import React, { useEffect, useState } from 'react';

import { useSignals } from '../common/react';
import { Stac } from './client';
import { formatBbox, formatBytes, formatInterval, thumbnailOf } from './format';
import { StacBrowserModel } from './model';
import { Results, SearchForm } from './search';
import { SearchMap } from './searchmap';

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
