/** The band and asset choices of the tile preview (shown when there is more than one). */
import * as React from 'react';

import { Tiles } from './client';

interface IProps {
  layer: Tiles.ILayer;
  /** the chosen band index ('' = as the server chooses) */
  band: string;
  /** the chosen asset ('' = the item's first raster asset) */
  asset: string;
  busy: boolean;
  onBand: (band: string) => void;
  onAsset: (asset: string) => void;
}

export function SourceChoices({ layer, band, asset, busy, onBand, onAsset }: IProps): JSX.Element {
  return (
    <>
      {layer.bands.length > 1 && (
        <label>
          Band
          <select aria-label="Band" value={band} disabled={busy} onChange={e => onBand(e.target.value)}>
            {/* what the server shows by default: RGB(A) for 3-4 bands, else the first band */}
            <option value="">{[3, 4].includes(layer.bands.length) ? 'all (RGB)' : 'first'}</option>
            {layer.bands.map(b => (
              <option key={b.index} value={String(b.index)}>
                {b.index}: {b.name}
              </option>
            ))}
          </select>
        </label>
      )}
      {layer.raster_assets.length > 1 && (
        <label>
          Asset
          <select aria-label="Asset" value={asset} disabled={busy} onChange={e => onAsset(e.target.value)}>
            <option value="">first raster</option>
            {layer.raster_assets.map(name => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
      )}
    </>
  );
}
