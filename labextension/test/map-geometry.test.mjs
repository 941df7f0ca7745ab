import { test } from 'node:test';
import assert from 'node:assert/strict';
import proj4 from 'proj4';
import {
  areaEnvelope,
  bboxGeometry,
  chooseProjection,
  densifyLonLat,
  describeArea,
  drawnArea,
  projectFootprint,
  visibleIn
} from '../lib/map/geometry.js';
import { POLAR_DEFS } from '../lib/map/defs.js';

// the same proj4 definitions the map registers
proj4.defs('EPSG:3413', POLAR_DEFS['EPSG:3413']);
proj4.defs('EPSG:3031', POLAR_DEFS['EPSG:3031']);
const projector = code => ({
  forward: p => proj4('EPSG:4326', code, p),
  inverse: p => proj4(code, 'EPSG:4326', p)
});
const forward = code => projector(code).forward;

/** Area of a ring in the plane (shoelace). */
const area = ring => {
  let a = 0;
  for (let i = 1; i < ring.length; i++) a += ring[i - 1][0] * ring[i][1] - ring[i][0] * ring[i - 1][1];
  return Math.abs(a / 2);
};
/** Even-odd point in polygon (ray casting). */
const inside = (ring, [x, y]) => {
  let hit = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) hit = !hit;
  }
  return hit;
};
const polygonsOf = g => (g.type === 'Polygon' ? [g.coordinates] : g.coordinates);
/** A point is in a lon/lat search geometry, planar as the server reads it (RFC 7946). */
const inGeometry = (g, p) => polygonsOf(g).some(poly => inside(poly[0], p));

test('densify follows RFC 7946: planar edges, the short way across 180°, a full parallel at ±180°', () => {
  // an edge written across the dateline goes the short way (20°), not 340° round
  const across = densifyLonLat([[170, 60], [-170, 60]], 1);
  assert.equal(across.length, 21);
  assert.deepEqual(across[20], [190, 60]);
  // the RFC 7946 pole cap's bottom edge from -180° to 180° goes all the way round
  const parallel = densifyLonLat([[-180, 84], [180, 84]], 1);
  assert.equal(parallel.length, 361);
});

test('a pole cap becomes a closed disc in EPSG:3413, not a sliver', () => {
  // Given the RFC 7946 form of a cap around the North Pole (what the catalog stores)
  const cap = { type: 'Polygon', coordinates: [[[-180, 84], [180, 84], [180, 90], [-180, 90], [-180, 84]]] };
  // When it is projected for the Arctic map
  const drawn = projectFootprint(cap, 'EPSG:3413', forward('EPSG:3413'));
  const ring = drawn.polygons[0][0];
  // Then its area is the disc of radius ~ the 84° parallel (r = distance of a point at 84°N)
  const [x, y] = forward('EPSG:3413')([0, 84]);
  const r = Math.hypot(x, y);
  const disc = Math.PI * r * r;
  assert.ok(Math.abs(area(ring) - disc) / disc < 0.01, `area ${area(ring)} vs ${disc}`);
  assert.ok(inside(ring, [0, 0]), 'the pole is inside');
  // And the outline is the 84° circle alone: no stroke along the 180° cut or the pole
  assert.equal(drawn.outline.length, 1);
  for (const [px, py] of drawn.outline[0]) {
    assert.ok(Math.abs(Math.hypot(px, py) - r) < 1, 'every outline point is on the 84° circle');
  }
  // And the unclosed non-RFC cap (a ring of latitude) is a disc too
  const ringCap = { type: 'Polygon', coordinates: [[[0, 84], [90, 84], [180, 84], [-90, 84], [0, 84]]] };
  const disc2 = projectFootprint(ringCap, 'EPSG:3413', forward('EPSG:3413')).polygons[0][0];
  assert.ok(Math.abs(area(disc2) - disc) / disc < 0.01);
});

test('a footprint cut at 180° is one shape on the polar map: the seam is not stroked', () => {
  const split = {
    type: 'MultiPolygon',
    coordinates: [
      [[[170, 60], [180, 60], [180, 70], [170, 70], [170, 60]]],
      [[[-180, 60], [-170, 60], [-170, 70], [-180, 70], [-180, 60]]]
    ]
  };
  const drawn = projectFootprint(split, 'EPSG:3413', forward('EPSG:3413'));
  assert.equal(drawn.polygons.length, 2);
  // two outlines (each part without its 180° edge), no point of them inside the swath
  assert.equal(drawn.outline.length, 2);
  const seam = forward('EPSG:3413')([180, 65]);
  for (const line of drawn.outline) {
    for (const p of line) {
      assert.ok(Math.hypot(p[0] - seam[0], p[1] - seam[1]) > 50_000);
    }
  }
  // on Web Mercator nothing is left out (the cut is the map's edge)
  const flat = projectFootprint(split, 'EPSG:3857', p => p);
  assert.equal(flat.outline.length, 2);
  assert.equal(flat.outline[0].length, 41);
});

test('southern footprints are hidden on the Arctic map, and the other way round', () => {
  const south = bboxGeometry([-60, -80, -40, -70]);
  assert.equal(visibleIn(south, 'EPSG:3413'), false);
  assert.equal(visibleIn(south, 'EPSG:3031'), true);
  assert.equal(visibleIn(south, 'EPSG:3857'), true);
  assert.equal(visibleIn(null, 'EPSG:3857'), false);
});

test('a box drawn on Web Mercator is an exact bbox, west > east across 180°', () => {
  const merc = {
    forward: ([lon, lat]) => [lon * 1000, lat * 1000],
    inverse: ([x, y]) => [x / 1000, y / 1000]
  };
  const plain = drawnArea([10_000, 60_000, 20_000, 70_000], 'EPSG:3857', merc);
  assert.deepEqual(plain.bbox, [10, 60, 20, 70]);
  // drawn on the world copy east of the dateline: 170°..190° -> [170, 60, -170, 70]
  const across = drawnArea([170_000, 60_000, 190_000, 70_000], 'EPSG:3857', merc);
  assert.deepEqual(across.bbox, [170, 60, -170, 70]);
  assert.equal(across.crossesDateline, true);
  assert.equal(across.geometry.type, 'MultiPolygon');
});

test('a box drawn around the North Pole on EPSG:3413 is sent as one polygon closed along the pole', () => {
  // Given a 2000 km square centred on the pole of the Arctic map
  const p = projector('EPSG:3413');
  const box = [-1_000_000, -1_000_000, 1_000_000, 1_000_000];
  // When it is turned into a search area
  const area3413 = drawnArea(box, 'EPSG:3413', p);
  // Then it is a polygon (not a bbox), containing the pole, cut once at 180°
  assert.equal(area3413.bbox, null);
  assert.equal(area3413.containsPole, true);
  assert.equal(area3413.geometry.type, 'Polygon');
  const ring = area3413.geometry.coordinates[0];
  assert.ok(ring.every(([lon, lat]) => lon >= -180 && lon <= 180 && lat <= 90));
  assert.ok(ring.some(([lon, lat]) => lon === 180 && lat === 90));
  // And its lon/lat shape, read planar as the server does, holds exactly the points of the box
  for (let k = 0; k < 400; k++) {
    const xy = [-1_400_000 + 7_000 * k, ((k * 7919) % 2_800_000) - 1_400_000];
    const lonlat = p.inverse(xy);
    const inBox = Math.abs(xy[0]) < 1_000_000 && Math.abs(xy[1]) < 1_000_000;
    const margin = Math.min(Math.abs(Math.abs(xy[0]) - 1e6), Math.abs(Math.abs(xy[1]) - 1e6));
    if (margin > 5_000) {
      assert.equal(inGeometry(area3413.geometry, lonlat), inBox, `point ${xy} (${lonlat})`);
    }
  }
  assert.match(describeArea(area3413), /around the North Pole/);
});

test('a box across 180° on the Arctic map (pole outside) is two polygons meeting at 180°', () => {
  const p = projector('EPSG:3413');
  // lon 180 lies on the ray x = -y*... of EPSG:3413 (lon_0 = -45): find a point at 180°, 75°N
  const [cx, cy] = p.forward([180, 75]);
  const box = [cx - 200_000, cy - 200_000, cx + 200_000, cy + 200_000];
  const drawn = drawnArea(box, 'EPSG:3413', p);
  assert.equal(drawn.containsPole, false);
  assert.equal(drawn.crossesDateline, true);
  assert.equal(drawn.geometry.type, 'MultiPolygon');
  const [east, west] = drawn.geometry.coordinates;
  const lons = poly => poly[0].map(q => q[0]);
  const sides = [east, west].map(poly => Math.sign(lons(poly).reduce((a, b) => a + b, 0)));
  assert.deepEqual(sides.sort(), [-1, 1]);
  // every piece touches ±180° and none extends the short way round
  for (const poly of [east, west]) {
    assert.ok(lons(poly).some(l => Math.abs(l) === 180));
    const ls = lons(poly);
    assert.ok(Math.max(...ls) - Math.min(...ls) < 30);
  }
  // the centre of the box is in the search area, a point outside is not
  assert.ok(inGeometry(drawn.geometry, [180, 75]) || inGeometry(drawn.geometry, [-180, 75]));
  assert.ok(inGeometry(drawn.geometry, p.inverse([cx + 150_000, cy + 150_000])));
  assert.ok(!inGeometry(drawn.geometry, p.inverse([cx + 260_000, cy])));
});

test('a box away from 180° on the Antarctic map is one polygon, and it is not a bbox', () => {
  const p = projector('EPSG:3031');
  const [cx, cy] = p.forward([60, -70]);
  const drawn = drawnArea([cx - 100_000, cy - 100_000, cx + 100_000, cy + 100_000], 'EPSG:3031', p);
  assert.equal(drawn.geometry.type, 'Polygon');
  assert.equal(drawn.bbox, null);
  assert.ok(inGeometry(drawn.geometry, [60, -70]));
  // around the South Pole: closed along -90°
  const cap = drawnArea([-500_000, -500_000, 500_000, 500_000], 'EPSG:3031', p);
  assert.equal(cap.containsPole, true);
  assert.ok(cap.geometry.coordinates[0].some(([, lat]) => lat === -90));
  assert.ok(inGeometry(cap.geometry, [10, -89]));
  assert.ok(!inGeometry(cap.geometry, [10, -80]));
});

test('the map projection follows the data: Arctic, Antarctic or Web Mercator', () => {
  assert.equal(chooseProjection([[170, 60, -170, 70]]), 'EPSG:3413');
  assert.equal(chooseProjection([[-180, -90, 180, -60], [0, -75, 10, -70]]), 'EPSG:3031');
  assert.equal(chooseProjection([[-180, 60, 180, 90], [-180, -90, 180, -60]]), 'EPSG:3857');
  assert.equal(chooseProjection([[0, 40, 10, 45]]), 'EPSG:3857');
  assert.equal(chooseProjection([]), 'EPSG:3857');
});

test('the bbox enclosing a drawn area: a band to the pole for a cap, west > east across 180°', () => {
  const p = projector('EPSG:3413');
  const cap = drawnArea([-1_000_000, -1_000_000, 1_000_000, 1_000_000], 'EPSG:3413', p);
  const [w, s, e, n] = areaEnvelope(cap);
  assert.deepEqual([w, e, n], [-180, 180, 90]);
  // the corners of the 2000 km square are the farthest points: ~ 77.4°N
  assert.ok(Math.abs(s - p.inverse([1_000_000, 1_000_000])[1]) < 0.01);
  const [cx, cy] = p.forward([180, 75]);
  const across = areaEnvelope(drawnArea([cx - 200_000, cy - 200_000, cx + 200_000, cy + 200_000], 'EPSG:3413', p));
  assert.ok(across[0] > 170 && across[2] < -170, `${across}`);
});
