import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crossesDateline, formatBytes, formatInterval, interval, parseBbox, thumbnailOf } from '../lib/stac/format.js';

test('bbox text is parsed and checked; a dateline bbox is kept as west > east', () => {
  assert.deepEqual(parseBbox('170, 60, -170, 70'), [170, 60, -170, 70]);
  assert.equal(crossesDateline(parseBbox('170,60,-170,70')), true);
  assert.equal(parseBbox('  '), null);
  assert.throws(() => parseBbox('1,2,3'), /four numbers/);
  assert.throws(() => parseBbox('0,80,10,70'), /latitudes/);
  assert.throws(() => parseBbox('0,0,190,1'), /longitudes/);
});

test('date range becomes a STAC interval with open ends', () => {
  assert.equal(interval('', ''), null);
  assert.equal(interval('2024-01-01', ''), '2024-01-01T00:00:00Z/..');
  assert.equal(interval('', '2024-02-01'), '../2024-02-01T23:59:59Z');
});

test('sizes, intervals and thumbnails are formatted', () => {
  assert.equal(formatBytes(1234567), '1.2 MB');
  assert.equal(formatBytes(undefined), '');
  assert.equal(formatInterval(['2020-01-01T00:00:00Z', null]), '2020-01-01 – …');
  assert.equal(thumbnailOf({ a: { href: 'x.png', roles: ['thumbnail'] } }, []), 'x.png');
  assert.equal(thumbnailOf({}, [{ rel: 'preview', href: 'p.png' }]), 'p.png');
  assert.equal(thumbnailOf(undefined, undefined), null);
});
