/** The tile preview: a raster or STAC item on the shared polar map, with display controls. */
import { Notification, ReactWidget } from '@jupyterlab/apputils';
import * as React from 'react';

import { createMap, IPolarMap, Projection, PROJECTIONS } from '../map';
import { Tiles, TilesClient } from './client';

export const COLORMAPS = ['', 'viridis', 'magma', 'cividis', 'blues', 'ice', 'rdbu', 'terrain', 'gray'];

/** What the preview shows; the `polartep:tiles-preview` command's args. */
export interface IPreviewRequest {
  url?: string;
  collection?: string;
  item?: string;
  projection?: Projection;
  rescale?: string;
  colormap_name?: string;
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
  const [layer, setLayer] = React.useState<Tiles.ILayer | null>(null);
  const [pixel, setPixel] = React.useState('');
  const [busy, setBusy] = React.useState(false);
  const layerRef = React.useRef<Tiles.ILayer | null>(null);

  React.useEffect(() => {
    let disposed = false;
    void createMap(host.current!, { projection: (initial.projection as Projection) || 'EPSG:3413' }).then(
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
        if (initial.url || (initial.collection && initial.item)) {
          void show();
        }
      },
      error => Notification.error(`Cannot load the map: ${errorMessage(error)}`)
    );
    return () => {
      disposed = true;
      map.current?.dispose();
    };
  }, []);

  const show = async (auto = false): Promise<void> => {
    const request: Tiles.ILayerRequest = {};
    if (collection && item) {
      request.collection = collection;
      request.item = item;
    } else if (source.trim()) {
      request.url = source.trim();
    } else {
      Notification.error('Give a workspace raster path or URL, or a collection and item');
      return;
    }
    if (projection) {
      request.projection = projection;
    }
    if (rescale.trim()) {
      request.rescale = rescale.trim();
    }
    if (colormap) {
      request.colormap_name = colormap;
    }
    setBusy(true);
    try {
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
      layerRef.current = described;
      setLayer(described);
      setProjection(described.projection);
      onRequest({ ...request, projection: described.projection });
      const m = map.current;
      if (m) {
        m.setProjection(described.projection);
        m.setLayers([{ ...described.layer, opacity }]);
        if (described.bounds) {
          m.fitBounds(described.bounds);
        }
      }
    } catch (error) {
      Notification.error(errorMessage(error));
    } finally {
      setBusy(false);
    }
  };

  const changeProjection = (code: Projection) => {
    setProjection(code);
    map.current?.setProjection(code);
    if (layer?.bounds) {
      map.current?.fitBounds(layer.bounds);
    }
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
            onChange={e => setSource(e.target.value)}
          />
        </label>
        <label>
          Collection
          <input aria-label="Collection" value={collection} onChange={e => setCollection(e.target.value)} />
        </label>
        <label>
          Item
          <input aria-label="Item" value={item} onChange={e => setItem(e.target.value)} />
        </label>
        <label>
          Projection
          <select
            aria-label="Projection"
            value={projection}
            onChange={e => changeProjection(e.target.value as Projection)}
          >
            <option value="">suits the data</option>
            {PROJECTIONS.map(p => (
              <option key={p.code} value={p.code}>
                {p.label}
              </option>
            ))}
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
