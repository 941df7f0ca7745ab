/**
 * The dates of a collection or search result for the preview's time slider (pure logic, no DOM).
 *
 * Items are kept to the hemisphere the map shows (an Arctic map shows northern items), grouped by
 * their `datetime`; one item on a date is shown as that item, several as a mosaic of that date.
 */
import type { Projection } from '../map/types';

/** What the slider needs of a STAC item. */
export interface ISceneItem {
  id: string;
  collection?: string;
  bbox?: number[];
  properties?: { datetime?: string | null; [key: string]: unknown };
  assets?: Record<string, { 'raster:bands'?: { statistics?: { minimum?: number; maximum?: number } }[] }>;
}

/** One position of the slider: a date and the items of that date. */
export interface ISceneDate {
  datetime: string;
  items: ISceneItem[];
}

/** WGS84 boxes of the hemisphere each map projection shows (none: everything). */
export const HEMISPHERE_BBOX: Record<Projection, number[] | null> = {
  'EPSG:3413': [-180, 0, 180, 90],
  'EPSG:3031': [-180, -90, 180, 0],
  'EPSG:3857': null
};

function southNorth(item: ISceneItem): [number, number] | null {
  const bbox = item.bbox;
  if (!bbox || bbox.length < 4) {
    return null;
  }
  return bbox.length === 6 ? [bbox[1], bbox[4]] : [bbox[1], bbox[3]];
}

/** Does the item reach the hemisphere the projection shows? Items without a bbox always do. */
export function inView(item: ISceneItem, projection: Projection): boolean {
  const box = HEMISPHERE_BBOX[projection];
  const sn = southNorth(item);
  if (!box || !sn) {
    return true;
  }
  return sn[1] >= box[1] && sn[0] <= box[3];
}

/** The projection suiting most items: Arctic if any item is in the north, else Antarctic, else Web Mercator. */
export function suitedProjection(items: ISceneItem[]): Projection {
  const boxes = items.map(southNorth).filter((sn): sn is [number, number] => sn !== null);
  if (boxes.length === 0) {
    return 'EPSG:3413';
  }
  const north = boxes.filter(([south]) => south >= 0).length;
  const south = boxes.filter(([, top]) => top <= 0).length;
  if (north === 0 && south === 0) {
    return 'EPSG:3857';
  }
  return north >= south ? 'EPSG:3413' : 'EPSG:3031';
}

/** The distinct dates of the items in view, oldest first. */
export function sceneDates(items: ISceneItem[], projection: Projection): ISceneDate[] {
  const byDate = new Map<string, ISceneItem[]>();
  for (const item of items) {
    const when = item.properties?.datetime;
    if (!when || !inView(item, projection)) {
      continue;
    }
    const list = byDate.get(when) ?? [];
    list.push(item);
    byDate.set(when, list);
  }
  return [...byDate.entries()]
    .sort(([a], [b]) => Date.parse(a) - Date.parse(b))
    .map(([datetime, list]) => ({ datetime, items: list }));
}

/** The index of `datetime` in `dates`, or of the nearest date (0 when there is none). */
export function nearestDate(dates: ISceneDate[], datetime: string | null | undefined): number {
  if (!datetime || dates.length === 0) {
    return 0;
  }
  const wanted = Date.parse(datetime);
  let best = 0;
  dates.forEach((d, i) => {
    if (Math.abs(Date.parse(d.datetime) - wanted) < Math.abs(Date.parse(dates[best].datetime) - wanted)) {
      best = i;
    }
  });
  return best;
}

/**
 * A rescale common to every date (`min,max` of the items' `raster:bands` statistics), so colours
 * compare across the slider; null when the items carry no statistics.
 */
export function commonRescale(items: ISceneItem[]): string | null {
  let low = Infinity;
  let high = -Infinity;
  for (const item of items) {
    for (const asset of Object.values(item.assets ?? {})) {
      const stats = asset['raster:bands']?.[0]?.statistics;
      if (stats && Number.isFinite(stats.minimum) && Number.isFinite(stats.maximum)) {
        low = Math.min(low, stats.minimum!);
        high = Math.max(high, stats.maximum!);
      }
    }
  }
  return high > low ? `${low},${high}` : null;
}

/** `2024-03-15T00:00:00Z` -> `2024-03-15` (a time is kept when it is not midnight). */
export function dateLabel(datetime: string): string {
  const [day, time = ''] = datetime.split('T');
  return /^00:00(:00)?(\.0+)?(Z|[+-]00:?00)?$/.test(time) || !time ? day : `${day} ${time.replace(/Z$/, '')}`;
}
