/** Pure helpers of the STAC browser (unit-tested with node). */

/** Parse "W,S,E,N" (W > E crosses the 180° meridian); null when empty; throws on bad input. */
export function parseBbox(text: string): number[] | null {
  const trimmed = text.trim();
  if (trimmed === '') {
    return null;
  }
  const parts = trimmed.split(/[\s,]+/).map(Number);
  if (parts.length !== 4 || parts.some(n => !Number.isFinite(n))) {
    throw new Error('bbox: give four numbers: west, south, east, north');
  }
  const [west, south, east, north] = parts;
  if (south > north || south < -90 || north > 90) {
    throw new Error('bbox: latitudes must satisfy -90 <= south <= north <= 90');
  }
  if (Math.abs(west) > 180 || Math.abs(east) > 180) {
    throw new Error('bbox: longitudes must be within -180..180');
  }
  return parts;
}

/** A bbox as text that parses back to the same numbers (no rounding beyond 1e-6°). */
export function formatExactBbox(bbox: number[]): string {
  return bbox.map(v => String(Math.round(v * 1e6) / 1e6)).join(',');
}

/** True when a bbox crosses the dateline (west > east). */
export function crossesDateline(bbox: number[]): boolean {
  return bbox[0] > bbox[2];
}

/** A STAC datetime interval from two optional dates (YYYY-MM-DD), or null for any time. */
export function interval(start: string, end: string): string | null {
  if (!start && !end) {
    return null;
  }
  const from = start ? `${start}T00:00:00Z` : '..';
  const to = end ? `${end}T23:59:59Z` : '..';
  return `${from}/${to}`;
}

/** "12.3 MB" for a byte count. */
export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined || !Number.isFinite(bytes)) {
    return '';
  }
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** "2020-01-01 – 2024-12-31" for a collection's temporal interval (open ends as "…"). */
export function formatInterval(interval: (string | null)[] | undefined): string {
  if (!interval) {
    return '';
  }
  const day = (s: string | null) => (s ? s.slice(0, 10) : '…');
  return `${day(interval[0])} – ${day(interval[1])}`;
}

/** A bbox as text with at most 2 decimals. */
export function formatBbox(bbox: number[] | undefined): string {
  if (!bbox) {
    return '';
  }
  return bbox.map(v => String(Math.round(v * 100) / 100)).join(', ');
}

/** The thumbnail href of an item or a collection (asset role "thumbnail", else a "preview" link). */
export function thumbnailOf(
  assets: Record<string, { href: string; roles?: string[] }> | undefined,
  links: { rel: string; href: string }[] | undefined
): string | null {
  for (const asset of Object.values(assets ?? {})) {
    if ((asset.roles ?? []).includes('thumbnail')) {
      return asset.href;
    }
  }
  const preview = (links ?? []).find(l => l.rel === 'preview' || l.rel === 'thumbnail');
  return preview ? preview.href : null;
}
