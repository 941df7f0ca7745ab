/** The tile preview: a raster or STAC item on the shared polar map, with display controls. */
import { ReactWidget } from '@jupyterlab/apputils';
import * as React from 'react';

import { createMap, IEoxLayer, IPolarMap, ITileLoader, Projection } from '../map';
import { ProjectionOptions } from '../map/picker';
import { notifyError } from '../notify';
import { SourceChoices } from './choices';
import { Tiles, TilesClient } from './client';
import { commonRescale, dateLabel, HEMISPHERE_BBOX, ISceneDate, ISceneItem, nearestDate, sceneDates, suitedProjection } from './scenes';

export const COLORMAPS = ['', 'viridis', 'magma', 'cividis', 'blues', 'ice', 'rdbu', 'terrain', 'gray'];

/**
 * What the preview shows; the `polartep:tiles-preview` command's args. A `collection` without an
 * `item`, or a workspace-catalog `search`, is shown date by date with a time slider.
 */
export interface IPreviewRequest {
  url?: string;
  collection?: string;
  item?: string;
  search?: Record<string, unknown>;
  /** the slider's date (collection and search previews) */
  datetime?: string;
  projection?: Projection;
  rescale?: string;
  colormap_name?: string;
  /** the band shown (1-based) and the STAC asset shown; default: as the server chooses */
  bidx?: number;
  asset?: string;
}

/** What the band and asset choices change, and the rescale that goes with them. */
interface IChoice {
  band?: string;
  asset?: string;
  rescale?: string;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

interface IProps {
  client: TilesClient;
  initial: IPreviewRequest;
  onRequest: (request: IPreviewRequest) => void;
}

function PreviewBody({ client, initial, onRequest }: IProps): JSX.Element {
  const host = React.useRef<HTMLDivElement>(null);
  const map = React.useRef<IPolarMap | null>(null);
  const [source, setSource] = React.useState(initial.url ?? '');
  const [collection, setCollection] = React.useState(initial.collection ?? '');
  const [item, setItem] = React.useState(initial.item ?? '');
  const [projection, setProjection] = React.useState<Projection | ''>(initial.projection ?? '');
  const [rescale, setRescale] = React.useState(initial.rescale ?? '');
  const [colormap, setColormap] = React.useState(initial.colormap_name ?? '');
  const [opacity, setOpacity] = React.useState(1);
  const [band, setBand] = React.useState(initial.bidx ? String(initial.bidx) : '');
  const [asset, setAsset] = React.useState(initial.asset ?? '');
  const [layer, setLayer] = React.useState<Tiles.ILayer | null>(null);
  const [pixel, setPixel] = React.useState('');
  const [busy, setBusy] = React.useState(false);
  const [dates, setDates] = React.useState<ISceneDate[]>([]);
  const [dateIndex, setDateIndex] = React.useState(0);
  const layerRef = React.useRef<Tiles.ILayer | null>(null);
  /** the items of the collection / search being previewed, and the search that found them */
  const scenes = React.useRef<{ search: Record<string, unknown>; items: ISceneItem[] } | null>(null);
  const searchRef = React.useRef<Record<string, unknown> | null>(initial.search ?? null);
  /** the latest date asked for: answers to earlier slider positions are dropped */
  const dateRequest = React.useRef(0);

  /** tile failures already shown (one notification per layer and message) */
  const notified = React.useRef(new Set<string>());

  React.useEffect(() => {
    let disposed = false;
    const tileLoader: ITileLoader = {
      accepts: url => client.servesTile(url),
      load: url => client.tile(url),
      failed: (failing: IEoxLayer, message: string) => {
        const key = `${failing.properties.id}\n${message}`;
        if (!notified.current.has(key)) {
          notified.current.add(key);
          notifyError(`Tiles of ${failing.properties.title}: ${message}`);
        }
      }
    };
    const options = { projection: (initial.projection as Projection) || 'EPSG:3413', tileLoader };
    void createMap(host.current!, options).then(
      created => {
        if (disposed) {
          created.dispose();
          return;
        }
        map.current = created;
        host.current!.dataset.ready = 'true';
        created.onClick(([lon, lat]) => {
          const current = layerRef.current;
          if (!current) {
            return;
          }
          client.point(current, lon, lat).then(
            reply => setPixel(`${lat.toFixed(3)}°, ${lon.toFixed(3)}°: ${JSON.stringify(reply.values)}`),
            error => setPixel(`${lat.toFixed(3)}°, ${lon.toFixed(3)}°: ${errorMessage(error)}`)
          );
        });
        if (initial.url || initial.collection || initial.search) {
          void show(!initial.rescale);
        }
      },
      error => notifyError(`Cannot load the map: ${errorMessage(error)}`)
    );
    return () => {
      disposed = true;
      map.current?.dispose();
    };
  }, []);

  /** Display options of the form, as a layer request. */
  const styled = (request: Tiles.ILayerRequest, scale = rescale, choice: IChoice = {}): Tiles.ILayerRequest => {
    if (scale.trim()) {
      request.rescale = scale.trim();
    }
    if (colormap) {
      request.colormap_name = colormap;
    }
    const shownBand = choice.band ?? band;
    const shownAsset = choice.asset ?? asset;
    if (shownBand && !request.search) {
      request.bidx = [Number(shownBand)];
    }
    if (shownAsset && (request.item || request.item_url)) {
      request.assets = [shownAsset];
    }
    return request;
  };

  /** A new source: the band and asset choices of the last one do not apply. */
  const newSource = (): void => {
    setBand('');
    setAsset('');
  };

  /** Put a described layer on the map (in its projection) and remember it. */
  const display = (described: Tiles.ILayer, request: IPreviewRequest, fit: boolean) => {
    layerRef.current = described;
    setLayer(described);
    setProjection(described.projection);
    onRequest({ ...request, projection: described.projection });
    const m = map.current;
    if (m) {
      m.setProjection(described.projection);
      m.setLayers([{ ...described.layer, opacity }]);
      if (fit && described.bounds) {
        m.fitBounds(described.bounds);
      }
    }
  };

  /** Show one date of the collection / search: its item, or a mosaic when it has several. */
  const showDate = async (
    all: ISceneDate[],
    index: number,
    code: Projection,
    scale: string,
    fit: boolean
  ): Promise<void> => {
    const current = scenes.current;
    const date = all[index];
    if (!current || !date) {
      return;
    }
    setDateIndex(index);
    setPixel('');
    const asked = ++dateRequest.current;
    const only = date.items.length === 1 ? date.items[0] : null;
    const hemisphere = HEMISPHERE_BBOX[code];
    const search: Record<string, unknown> = { ...current.search, datetime: date.datetime };
    if (hemisphere && !('bbox' in search) && !('intersects' in search)) {
      search.bbox = hemisphere;
    }
    const request = styled(
      only?.collection
        ? { collection: only.collection, item: only.id, projection: code }
        : { search, projection: code, title: `${search.collections ?? 'search'} ${dateLabel(date.datetime)}` },
      scale
    );
    const described = await client.layer(request);
    if (asked !== dateRequest.current) {
      return; // the slider moved on meanwhile
    }
    const preview: IPreviewRequest = searchRef.current
      ? { search: searchRef.current }
      : { collection: collection || String((current.search.collections as string[])?.[0] ?? '') };
    display(described, { ...preview, datetime: date.datetime, rescale: request.rescale, colormap_name: colormap }, fit);
  };

  /** Preview every date of a collection or search: list its items, then show one date. */
  const showScenes = async (search: Record<string, unknown>, auto: boolean): Promise<void> => {
    const items = await client.searchItems(search);
    if (items.length === 0) {
      throw new Error('the search found no items to show');
    }
    scenes.current = { search, items };
    const code = projection || suitedProjection(items);
    const all = sceneDates(items, code);
    setDates(all);
    if (all.length === 0) {
      throw new Error(`no dated item of this search is visible in ${code}`);
    }
    let scale = rescale;
    if (auto && !scale.trim()) {
      scale = commonRescale(items) ?? '';
      setRescale(scale);
    }
    const wanted = dates[dateIndex]?.datetime ?? initial.datetime;
    await showDate(all, nearestDate(all, wanted), code, scale, true);
  };

  const show = async (auto = false, choice: IChoice = {}, fit = true): Promise<void> => {
    let request: Tiles.ILayerRequest = {};
    let sceneSearch: Record<string, unknown> | null = null;
    if (collection && item) {
      request.collection = collection;
      request.item = item;
    } else if (source.trim()) {
      request.url = source.trim();
    } else if (collection) {
      sceneSearch = { collections: [collection] };
      searchRef.current = null;
    } else if (searchRef.current) {
      sceneSearch = searchRef.current;
    } else {
      notifyError('Give a workspace raster path or URL, a collection (and item), or a search');
      return;
    }
    if (!sceneSearch) {
      dateRequest.current++; // a slider answer still on its way must not replace this layer
      scenes.current = null;
      setDates([]);
    }
    if (projection) {
      request.projection = projection;
    }
    request = styled(request, choice.rescale ?? rescale, choice);
    setBusy(true);
    try {
      if (sceneSearch) {
        await showScenes(sceneSearch, auto);
        return;
      }
      let described = await client.layer(request);
      if (auto && !request.rescale) {
        const stats = await client.statistics(described).catch(() => null);
        if (stats) {
          const low = stats.percentile_2 ?? stats.min;
          const high = stats.percentile_98 ?? stats.max;
          if (high > low) {
            request.rescale = `${low},${high}`;
            setRescale(request.rescale);
            described = await client.layer(request);
          }
        }
      }
      const shown: IPreviewRequest = { ...request, bidx: request.bidx?.[0], asset: request.assets?.[0] };
      display(described, shown, fit);
    } catch (error) {
      notifyError(errorMessage(error));
    } finally {
      setBusy(false);
    }
  };

  const changeProjection = (code: Projection) => {
    setProjection(code);
    map.current?.setProjection(code);
    if (scenes.current && dates.length > 0) {
      // the other hemisphere has other items (and dates): keep the nearest date
      const all = sceneDates(scenes.current.items, code);
      setDates(all);
      if (all.length === 0) {
        map.current?.setLayers([]);
        setLayer(null);
        layerRef.current = null;
        return;
      }
      const index = nearestDate(all, dates[dateIndex]?.datetime);
      showDate(all, index, code, rescale, true).catch(error => notifyError(errorMessage(error)));
      return;
    }
    if (layer?.bounds) {
      map.current?.fitBounds(layer.bounds);
    }
  };

  const changeDate = (index: number) => {
    setBusy(true);
    showDate(dates, index, (projection || 'EPSG:3413') as Projection, rescale, false)
      .catch(error => notifyError(errorMessage(error)))
      .finally(() => setBusy(false));
  };

  return (
    <div className="jp-polartep-tiles">
      <form
        className="jp-polartep-tiles-controls"
        onSubmit={event => {
          event.preventDefault();
          void show(true);
        }}
      >
        <label>
          Raster
          <input
            aria-label="Raster path or URL"
            placeholder="data/polar/arctic-quadrants-3413.tif or https://…"
            value={source}
            onChange={e => {
              setSource(e.target.value);
              newSource();
            }}
          />
        </label>
        <label>
          Collection
          <input
            aria-label="Collection"
            placeholder="item, or all dates"
            value={collection}
            onChange={e => {
              setCollection(e.target.value);
              newSource();
            }}
          />
        </label>
        <label>
          Item
          <input
            aria-label="Item"
            value={item}
            onChange={e => {
              setItem(e.target.value);
              newSource();
            }}
          />
        </label>
        <label>
          Projection
          <select
            aria-label="Projection"
            value={projection}
            onChange={e => changeProjection(e.target.value as Projection)}
          >
            <option value="">suits the data</option>
            <ProjectionOptions />
          </select>
        </label>
        <label>
          Rescale
          <input
            aria-label="Rescale"
            placeholder="auto"
            size={9}
            value={rescale}
            onChange={e => setRescale(e.target.value)}
          />
        </label>
        <label>
          Colormap
          <select aria-label="Colormap" value={colormap} onChange={e => setColormap(e.target.value)}>
            {COLORMAPS.map(name => (
              <option key={name} value={name}>
                {name || 'none'}
              </option>
            ))}
          </select>
        </label>
        {layer && (
          <SourceChoices
            layer={layer}
            band={band}
            asset={asset}
            busy={busy}
            onBand={value => {
              setBand(value);
              setRescale('');
              void show(true, { band: value, rescale: '' }, false);
            }}
            onAsset={value => {
              setAsset(value);
              setRescale('');
              void show(true, { asset: value, rescale: '' }, false);
            }}
          />
        )}
        <label>
          Opacity
          <input
            aria-label="Opacity"
            type="range"
            min={0}
            max={1}
            step={0.05}
            value={opacity}
            onChange={e => {
              const value = Number(e.target.value);
              setOpacity(value);
              if (layer) {
                map.current?.setOpacity(layer.layer.properties.id, value);
              }
            }}
          />
        </label>
        <button type="submit" className="jp-mod-styled jp-mod-accept" disabled={busy}>
          Show
        </button>
      </form>
      {dates.length > 0 && (
        <div className="jp-polartep-tiles-time" data-testid="polartep-tiles-time">
          <button
            className="jp-mod-styled"
            aria-label="Previous date"
            disabled={dateIndex <= 0}
            onClick={() => changeDate(dateIndex - 1)}
          >
            ◀
          </button>
          <input
            aria-label="Date"
            type="range"
            min={0}
            max={Math.max(0, dates.length - 1)}
            step={1}
            value={dateIndex}
            onChange={e => changeDate(Number(e.target.value))}
          />
          <button
            className="jp-mod-styled"
            aria-label="Next date"
            disabled={dateIndex >= dates.length - 1}
            onClick={() => changeDate(dateIndex + 1)}
          >
            ▶
          </button>
          <span className="jp-polartep-tiles-date" data-testid="polartep-tiles-date">
            {dates[dateIndex] ? dateLabel(dates[dateIndex].datetime) : ''} ({dateIndex + 1}/{dates.length})
          </span>
        </div>
      )}
      <div className="jp-polartep-tiles-map" ref={host} data-testid="polartep-tiles-map" />
      <div className="jp-polartep-tiles-status" data-testid="polartep-tiles-status">
        {layer ? `${layer.title} — ${layer.tile_matrix_set}` : 'No layer'}
        {pixel ? ` · ${pixel}` : ''}
      </div>
    </div>
  );
}

/** The main-area widget of one tile preview. */
export class TilePreview extends ReactWidget {
  request: IPreviewRequest;

  constructor(
    private client: TilesClient,
    initial: IPreviewRequest
  ) {
    super();
    this.request = initial;
    this.addClass('jp-polartep-tiles-widget');
  }

  render(): JSX.Element {
    return (
      <PreviewBody
        client={this.client}
        initial={this.request}
        onRequest={request => {
          this.request = request;
        }}
      />
    );
  }
}
