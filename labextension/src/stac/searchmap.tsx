import React, { useEffect, useState } from 'react';

import { createMap, IPolarMap, PROJECTIONS } from '../map';
import { bboxGeometry } from '../map/geometry';
import { ProjectionOptions } from '../map/picker';
import { MapChoice, StacBrowserModel } from './model';
import type { IBrowserActions } from './panel';

/** The shared map under the search form: footprints of the page of results, the search area,
 * a projection picker ('Auto' follows the data) and a draw-box tool. */
export function SearchMap(props: { model: StacBrowserModel; actions: IBrowserActions }): JSX.Element {
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
            <ProjectionOptions />
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
          ? 'Click two corners of the search box on the map (Escape drops a started box).'
          : results
            ? `${count} of ${total} footprints on the map` +
              (count < total ? ' (the others are outside this projection)' : '')
            : 'Search to see the footprints.'}
      </div>
    </section>
  );
}
