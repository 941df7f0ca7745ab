import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coastlineParts } from '../lib/map/coast.js';

test('an Arctic map keeps the northern coastlines and cuts a line where it leaves the hemisphere', () => {
  // Given a line running from the Arctic down across the equator and back up, and a southern line
  const line = [
    [10, 70],
    [12, 30],
    [14, 5],
    [16, -5],
    [18, -10],
    [20, 5],
    [22, 40]
  ];
  const south = [
    [0, -70],
    [5, -75]
  ];
  // When it is cut for the Arctic map
  const parts = coastlineParts([line, south], 'EPSG:3413');
  // Then the two northern runs are kept apart (no edge through the other hemisphere)
  assert.deepEqual(parts, [line.slice(0, 3), line.slice(5)]);
});

test('an Antarctic map keeps only the southern coastlines', () => {
  const north = [
    [0, 70],
    [5, 75]
  ];
  const south = [
    [0, -70],
    [5, -75],
    [10, -80]
  ];
  assert.deepEqual(coastlineParts([north, south], 'EPSG:3031'), [south]);
});

/** A line from 170°E to 170°W at about `lat`, jumping from 179 to -179 as topojson meshes leave it. */
const across180 = lat => [
  [170, lat],
  [179, lat + 1],
  [-179, lat + 1],
  [-170, lat]
];

test('Web Mercator keeps both hemispheres and cuts a line jumping across 180°', () => {
  // Given a line that crosses the antimeridian
  const line = across180(65);
  // Then it is two parts, none streaking across the world
  const parts = coastlineParts([line], 'EPSG:3857');
  assert.deepEqual(parts, [line.slice(0, 2), line.slice(2)]);
  for (const part of parts) {
    for (let i = 1; i < part.length; i++) assert.ok(Math.abs(part[i][0] - part[i - 1][0]) <= 180);
  }
});

test('a polar map cuts no line at 180° (it is a curve there, not a map edge)', () => {
  const line = across180(80);
  assert.deepEqual(coastlineParts([line], 'EPSG:3413'), [line]);
});

test('single points left after a cut are dropped', () => {
  const line = [
    [0, 10],
    [1, -10],
    [2, -11],
    [3, 10]
  ];
  assert.deepEqual(coastlineParts([line], 'EPSG:3413'), []);
  assert.deepEqual(coastlineParts([line], 'EPSG:3031'), [line.slice(1, 3)]);
});
