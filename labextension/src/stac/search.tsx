import React from 'react';

import { describeArea } from '../map/geometry';
import { StacBrowserModel } from './model';
import type { IBrowserActions } from './panel';

/** The search form of a collection: where (bbox or drawn area), when, filter, page size. */
export function SearchForm(props: { model: StacBrowserModel; actions: IBrowserActions }): JSX.Element {
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

/** A page of results, with paging. */
export function Results(props: { model: StacBrowserModel }): JSX.Element | null {
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
