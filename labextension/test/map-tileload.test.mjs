import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadTile, retryDelay, tileOutcome, TILE_ATTEMPTS } from '../lib/map/tileload.js';

const failure = (status, reason = 'error', message = `failed ${status}`) =>
  Object.assign(new Error(message), { status, reason });

test('tiles outside the data and empty mosaic answers are empty, not errors', () => {
  assert.equal(tileOutcome(failure(404, 'outside_bounds'), 1), 'empty');
  assert.equal(tileOutcome(failure(204), 1), 'empty');
});

test('a missing file, a bad band or a server error fails at once', () => {
  assert.equal(tileOutcome(failure(404, 'no_file'), 1), 'fail');
  assert.equal(tileOutcome(failure(400, 'no_such_band'), 1), 'fail');
  assert.equal(tileOutcome(failure(500, 'internal'), 1), 'fail');
  assert.equal(tileOutcome(failure(403, 'forbidden'), 1), 'fail');
});

test('a restarting tiler is tried again, a bounded number of times', () => {
  for (const status of [0, 502, 503, 504]) {
    assert.equal(tileOutcome(failure(status), 1), 'retry');
    assert.equal(tileOutcome(failure(status), TILE_ATTEMPTS - 1), 'retry');
    assert.equal(tileOutcome(failure(status), TILE_ATTEMPTS), 'fail');
  }
  assert.deepEqual([1, 2, 3, 4, 5].map(retryDelay), [500, 1000, 2000, 4000, 8000]);
});

test('a tile is loaded again while the tiler restarts, then shown', async () => {
  // Given a tiler that answers 502 twice (restarting), then the image
  const answers = [failure(502), failure(0, 'network'), new Blob([new Uint8Array([137, 80, 78, 71])])];
  const asked = [];
  const waits = [];
  const load = async url => {
    asked.push(url);
    const answer = answers.shift();
    if (answer instanceof Error) {
      throw answer;
    }
    return answer;
  };
  // When the tile is loaded
  const result = await loadTile(load, '/t/1/0/0.png', async ms => void waits.push(ms));
  // Then it was asked three times, waiting 0.5 s then 1 s, and the image comes back
  assert.equal(result.kind, 'image');
  assert.equal(result.blob.size, 4);
  assert.deepEqual(asked, ['/t/1/0/0.png', '/t/1/0/0.png', '/t/1/0/0.png']);
  assert.deepEqual(waits, [500, 1000]);
});

test('a tiler that stays down fails with its last message', async () => {
  let calls = 0;
  const load = async () => {
    calls += 1;
    throw failure(502, 'error', 'the tiler did not answer');
  };
  const result = await loadTile(load, '/t', async () => {});
  assert.deepEqual(result, { kind: 'fail', message: 'the tiler did not answer' });
  assert.equal(calls, TILE_ATTEMPTS);
});

test('an empty body and an outside tile are empty; a bad band is reported once, unretried', async () => {
  assert.deepEqual(await loadTile(async () => new Blob([]), '/t', async () => {}), { kind: 'empty' });
  const outside = async () => {
    throw failure(404, 'outside_bounds');
  };
  assert.deepEqual(await loadTile(outside, '/t', async () => {}), { kind: 'empty' });
  let calls = 0;
  const noBand = async () => {
    calls += 1;
    throw failure(400, 'no_such_band', 'no such band: band index 3');
  };
  assert.deepEqual(await loadTile(noBand, '/t', async () => {}), { kind: 'fail', message: 'no such band: band index 3' });
  assert.equal(calls, 1);
});
