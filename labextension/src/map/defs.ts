/** proj4 definitions of the polar maps (pure data: the map and the node tests share them). */

/** Half the side of the polar grids (metres), as NASA GIBS and the workspace tiler use. */
export const POLAR_EXTENT = 4194304;

export const POLAR_DEFS: Record<string, string> = {
  'EPSG:3413':
    '+proj=stere +lat_0=90 +lat_ts=70 +lon_0=-45 +k=1 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs +type=crs',
  'EPSG:3031':
    '+proj=stere +lat_0=-90 +lat_ts=-71 +lon_0=0 +k=1 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs +type=crs'
};
