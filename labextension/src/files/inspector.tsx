import React from 'react';

import { Files } from './client';

export function formatBytes(size: number | null | undefined): string {
  if (size === null || size === undefined) {
    return '';
  }
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = size;
  let i = 0;
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  return `${i === 0 ? value : value.toFixed(1)} ${units[i]}`;
}

function bounds(b: number[] | null | undefined): string {
  if (!b || b.length !== 4) {
    return '—';
  }
  const [w, s, e, n] = b.map(v => Math.round(v * 1000) / 1000);
  return `W ${w}, S ${s}, E ${e}, N ${n}${w > e ? ' (crosses 180°)' : ''}`;
}

function Row(props: { label: string; value: React.ReactNode }): JSX.Element | null {
  if (props.value === undefined || props.value === null || props.value === '') {
    return null;
  }
  return (
    <tr>
      <th>{props.label}</th>
      <td>{props.value}</td>
    </tr>
  );
}

/** The metadata table of one inspected file (raster, vector, NetCDF/Zarr, STAC). */
export function MetadataTable(props: { meta: Files.Metadata }): JSX.Element {
  const m = props.meta;
  return (
    <table className="jp-polartep-files-meta" data-testid="files-metadata">
      <tbody>
        <Row label="Type" value={m.type} />
        {m.error && <Row label="Error" value={<span className="jp-polartep-error">{m.error}</span>} />}
        <Row label="Driver" value={m.driver} />
        <Row label="CRS" value={m.crs} />
        {m.type === 'raster' && (
          <>
            <Row label="Size" value={`${m.width} × ${m.height} px, ${m.count} band(s)`} />
            <Row label="Data type" value={m.dtype} />
            <Row label="Nodata" value={m.nodata === null ? 'none' : String(m.nodata)} />
            <Row label="Overviews" value={(m.overviews ?? []).join(', ') || 'none'} />
            <Row label="COG" value={m.cog?.valid ? 'valid COG' : 'not a COG'} />
          </>
        )}
        {m.type === 'vector' && (
          <>
            <Row label="Features" value={String(m.feature_count)} />
            <Row
              label="Layers"
              value={(m.layers ?? []).map((l: any) => `${l.name} (${l.geometry_type})`).join(', ')}
            />
            <Row
              label="Fields"
              value={(m.layers?.[0]?.fields ?? []).map((f: any) => `${f.name}: ${f.dtype}`).join(', ')}
            />
          </>
        )}
        {(m.type === 'netcdf' || m.type === 'zarr') && (
          <>
            <Row
              label="Dimensions"
              value={Object.entries(m.dimensions ?? {})
                .map(([k, v]) => `${k}=${v}`)
                .join(', ')}
            />
            <Row label="Variables" value={(m.variables ?? []).map((v: any) => v.name).join(', ')} />
            <Row label="Grid mapping" value={Object.values(m.grid_mappings ?? {}).map((g: any) => g.name).join(', ')} />
          </>
        )}
        {m.type === 'stac' && (
          <>
            <Row label="STAC type" value={m.stac_type} />
            <Row label="Id" value={m.id} />
            <Row label="Links" value={(m.links ?? []).map((l: any) => l.rel).join(', ')} />
          </>
        )}
        <Row label="Bounds (lon/lat)" value={m.bounds ? bounds(m.bounds) : undefined} />
      </tbody>
    </table>
  );
}
