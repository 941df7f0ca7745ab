/**
 * OpenLayers set-up of the map's projections: polar projections registered from the bundled proj4
 * definitions, views and tile grids matching the tiler's EPSG3413Quad / EPSG3031Quad (±4,194,304 m,
 * 32,768 m/px at zoom 0), and lon/lat <-> map x/y transforms.
 */
import View from 'ol/View';
import { get as getProjection, getTransform } from 'ol/proj';
import { register } from 'ol/proj/proj4';
import TileGrid from 'ol/tilegrid/TileGrid';
import proj4 from 'proj4';

import { POLAR_DEFS, POLAR_EXTENT } from './defs';
import { IProjector, isPolarProjection, Position } from './geometry';
import { Projection } from './types';

const POLAR_BOUNDS = [-POLAR_EXTENT, -POLAR_EXTENT, POLAR_EXTENT, POLAR_EXTENT];

/** the lon/lat range each projection is valid for (the graticule and extent transforms need it) */
const WORLD_EXTENTS: Record<Projection, number[]> = {
  'EPSG:3413': [-180, 30, 180, 90],
  'EPSG:3031': [-180, -90, 180, -30],
  'EPSG:3857': [-180, -85, 180, 85]
};

const POLAR_RESOLUTIONS = Array.from({ length: 19 }, (_, z) => (2 * POLAR_EXTENT) / 256 / 2 ** z);

let registered = false;

/** Make the polar projections known to OpenLayers (once). */
export function registerProjections(): void {
  if (registered) {
    return;
  }
  for (const [code, def] of Object.entries(POLAR_DEFS)) {
    proj4.defs(code, def);
  }
  register(proj4);
  for (const code of Object.keys(POLAR_DEFS)) {
    const projection = getProjection(code);
    projection?.setExtent(POLAR_BOUNDS);
    projection?.setWorldExtent(WORLD_EXTENTS[code as Projection]);
  }
  registered = true;
}

/** The tile grid of the tiler's polar TileMatrixSets. */
export function polarTileGrid(): TileGrid {
  return new TileGrid({
    extent: POLAR_BOUNDS,
    origin: [-POLAR_EXTENT, POLAR_EXTENT],
    resolutions: POLAR_RESOLUTIONS,
    tileSize: 256
  });
}

/** A fresh view of the whole map in `projection` (a polar view keeps its centre on the grid). */
export function mapView(projection: Projection): View {
  const known = getProjection(projection);
  if (known && !known.getWorldExtent()) {
    known.setWorldExtent(WORLD_EXTENTS[projection]);
  }
  if (isPolarProjection(projection)) {
    return new View({
      projection,
      center: [0, 0],
      resolutions: POLAR_RESOLUTIONS,
      zoom: 1,
      extent: POLAR_BOUNDS,
      constrainOnlyCenter: true
    });
  }
  return new View({ projection, center: [0, 0], zoom: 1 });
}

/** lon/lat <-> map x/y without wrapping longitudes (a box may be drawn on a world copy) */
export function projectorFor(projection: Projection): IProjector {
  const forward = getTransform('EPSG:4326', projection)!;
  const inverse = getTransform(projection, 'EPSG:4326')!;
  return {
    forward: p => forward([p[0], p[1]]) as Position,
    inverse: p => inverse([p[0], p[1]]) as Position
  };
}
