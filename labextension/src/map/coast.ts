/** The offline coastline basemap's lines, cut for one map (pure functions, node-tested). */
import type { ProjectionCode } from './geometry';

/**
 * Coastline lines (lon/lat) cut to what a map of `projection` can draw: a polar map keeps its own
 * hemisphere (a line leaving it is cut there), Web Mercator keeps everything but cuts a line where it
 * jumps across the antimeridian, so it does not streak across the world. Parts of one point are
 * dropped.
 */
export function coastlineParts(lines: number[][][], projection: ProjectionCode): number[][][] {
  const keep = (lat: number): boolean =>
    projection === 'EPSG:3413' ? lat >= 0 : projection === 'EPSG:3031' ? lat <= 0 : true;
  const parts: number[][][] = [];
  for (const line of lines) {
    let current: number[][] = [];
    for (const point of line) {
      const last = current[current.length - 1];
      if (projection === 'EPSG:3857' && last && Math.abs(point[0] - last[0]) > 180) {
        parts.push(current);
        current = [];
      }
      if (keep(point[1])) {
        current.push(point);
      } else if (current.length > 0) {
        parts.push(current);
        current = [];
      }
    }
    if (current.length > 1) {
      parts.push(current);
    }
  }
  return parts.filter(part => part.length > 1);
}
