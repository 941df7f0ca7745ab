import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  commonRescale,
  dateLabel,
  inView,
  nearestDate,
  sceneDates,
  suitedProjection
} from '../lib/tiles/scenes.js';

const item = (id, datetime, south, north, max = 100) => ({
  id,
  collection: 'c',
  bbox: [-180, south, 180, north],
  properties: { datetime },
  assets: { data: { 'raster:bands': [{ statistics: { minimum: 0, maximum: max } }] } }
});

const north1 = item('n1', '2024-01-15T00:00:00Z', 63, 90);
const north2 = item('n2', '2024-02-15T00:00:00Z', 63, 90, 98);
const north2b = item('n2b', '2024-02-15T00:00:00Z', 70, 80);
const south2 = item('s2', '2024-02-15T00:00:00Z', -90, -63);
const south4 = item('s4', '2024-04-15T00:00:00Z', -90, -63);

test('the slider keeps to the hemisphere the map shows, one position per date', () => {
  // Given Arctic and Antarctic items, two Arctic ones on the same date
  const items = [south4, north2, north1, north2b, south2];
  // Then the Arctic map has two dates (oldest first), the second a mosaic of two items
  const arctic = sceneDates(items, 'EPSG:3413');
  assert.deepEqual(
    arctic.map(d => [d.datetime, d.items.map(i => i.id)]),
    [
      ['2024-01-15T00:00:00Z', ['n1']],
      ['2024-02-15T00:00:00Z', ['n2', 'n2b']]
    ]
  );
  // And the Antarctic map its own two dates; Web Mercator every date
  assert.deepEqual(
    sceneDates(items, 'EPSG:3031').map(d => d.items.map(i => i.id)),
    [['s2'], ['s4']]
  );
  assert.equal(sceneDates(items, 'EPSG:3857').length, 3);
  assert.equal(inView({ id: 'x' }, 'EPSG:3031'), true);
});

test('projection, nearest date, common rescale and labels', () => {
  assert.equal(suitedProjection([north1, south2, south4]), 'EPSG:3031');
  assert.equal(suitedProjection([north1, north2, south4]), 'EPSG:3413');
  assert.equal(suitedProjection([item('eq', '2024-01-01T00:00:00Z', -10, 10)]), 'EPSG:3857');
  const arctic = sceneDates([north1, north2], 'EPSG:3413');
  assert.equal(nearestDate(arctic, '2024-02-10T00:00:00Z'), 1);
  assert.equal(nearestDate(arctic, '2023-01-01T00:00:00Z'), 0);
  assert.equal(nearestDate(arctic, undefined), 0);
  assert.equal(commonRescale([north1, north2]), '0,100');
  assert.equal(commonRescale([{ id: 'bare' }]), null);
  assert.equal(dateLabel('2024-01-15T00:00:00Z'), '2024-01-15');
  assert.equal(dateLabel('2024-01-15T10:30:00Z'), '2024-01-15 10:30:00');
});
