/**
 * Loading one raster tile, and what to do when it fails (plain logic, no OpenLayers: tested in
 * node). A map asks for every tile of its view, so some answers are expected failures:
 *
 * - 404 `outside_bounds` (titiler: the tile is outside the data) and 204 (a mosaic with no item
 *   there) are empty tiles, not errors;
 * - 502/503/504 and network failures are the tiler restarting (jupyter-server-proxy starts it
 *   again when it died): tried again, a few times, with growing waits, so the map recovers;
 * - anything else (a file deleted meanwhile, a band that does not exist, a bad expression …) is
 *   a real error: the tile stays blank and the message goes to the panel, which shows it.
 */

/** A failure as `requestImage` (api.ts) reports it. */
export interface ITileFailure {
  message: string;
  status: number;
  reason: string;
}

export type TileOutcome = 'empty' | 'retry' | 'fail';

/** How many times a tile is asked for in all, when the tiler is restarting. */
export const TILE_ATTEMPTS = 6;

/** What to do after attempt number `attempt` (1-based) failed so. */
export function tileOutcome(failure: ITileFailure, attempt: number, attempts = TILE_ATTEMPTS): TileOutcome {
  if (failure.status === 204 || (failure.status === 404 && failure.reason === 'outside_bounds')) {
    return 'empty';
  }
  const restarting = failure.status === 0 || failure.status === 502 || failure.status === 503 || failure.status === 504;
  return restarting && attempt < attempts ? 'retry' : 'fail';
}

/** The wait (ms) before attempt `attempt + 1`: 0.5, 1, 2, 4, 8 s (15.5 s in all). */
export function retryDelay(attempt: number): number {
  return 500 * 2 ** (attempt - 1);
}

export type TileResult = { kind: 'image'; blob: Blob } | { kind: 'empty' } | { kind: 'fail'; message: string };

/** Load the tile at `url` with `load`, trying again while the tiler restarts. */
export async function loadTile(
  load: (url: string) => Promise<Blob>,
  url: string,
  wait: (ms: number) => Promise<void> = ms => new Promise(resolve => setTimeout(resolve, ms))
): Promise<TileResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      const blob = await load(url);
      return blob.size === 0 ? { kind: 'empty' } : { kind: 'image', blob };
    } catch (error) {
      const failure = asFailure(error);
      const outcome = tileOutcome(failure, attempt);
      if (outcome === 'empty') {
        return { kind: 'empty' };
      }
      if (outcome === 'fail') {
        return { kind: 'fail', message: failure.message };
      }
      await wait(retryDelay(attempt));
    }
  }
}

function asFailure(error: unknown): ITileFailure {
  const e = error as Partial<ITileFailure> | null;
  return {
    message: typeof e?.message === 'string' ? e.message : String(error),
    status: typeof e?.status === 'number' ? e.status : 0,
    reason: typeof e?.reason === 'string' ? e.reason : 'error'
  };
}
