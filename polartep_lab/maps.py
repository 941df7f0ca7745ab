"""Notebook maps in polar projections on the workspace tiler: ``polartep_lab.Map(projection=...)``.

``Map`` is an ipyleaflet map (the widget library leafmap builds on) whose CRS matches the tiler's
grids exactly (EPSG3413Quad / EPSG3031Quad: ±4,194,304 m, 32,768 m/px at zoom 0, 256 px tiles),
so ``add_cog_layer`` / ``add_stac_layer`` put tiles from ``<base_url>/polartep/tiles/`` on it.
The browser fetches the tiles with the notebook's own login, nothing is requested from the kernel.
ipyleaflet/leafmap are imported only when a map is made. ``tile_urls`` gives the URL templates
for any other client (leafmap's ``add_tile_layer``, QGIS, OpenLayers).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from .tiles.grids import POLAR_EXTENT, PROJECTION_GRID, grid_for_projection

_STERE = "+proj=stere +k=1 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"
_PROJ4 = {
    "EPSG:3413": f"{_STERE} +lat_0=90 +lat_ts=70 +lon_0=-45",
    "EPSG:3031": f"{_STERE} +lat_0=-90 +lat_ts=-71 +lon_0=0",
}
_CENTRE = {"EPSG:3413": (90.0, 0.0), "EPSG:3031": (-90.0, 0.0), "EPSG:3857": (70.0, 0.0)}


def leaflet_crs(projection: str) -> dict[str, Any]:
    """The ipyleaflet ``crs`` dict of a projection, matching the tiler's tile matrix set."""
    if projection == "EPSG:3857":
        from ipyleaflet import projections

        return dict(projections.EPSG3857)
    grid_for_projection(projection)  # refuses unknown projections with the list of known ones
    return {
        "name": projection,
        "custom": True,
        "proj4def": _PROJ4[projection],
        "origin": [-POLAR_EXTENT, POLAR_EXTENT],
        "bounds": [[-POLAR_EXTENT, -POLAR_EXTENT], [POLAR_EXTENT, POLAR_EXTENT]],
        "resolutions": [2 * POLAR_EXTENT / 256 / 2**z for z in range(19)],
    }


def server_base_url() -> str:
    """The notebook server's base URL (``/`` unless JupyterHub or config put it elsewhere)."""
    env = os.environ.get("JUPYTERHUB_SERVICE_PREFIX")
    if env:
        return env if env.endswith("/") else env + "/"
    try:
        from jupyter_server.serverapp import list_running_servers

        servers = list(list_running_servers())
    except Exception:  # no runtime dir, old server …
        servers = []
    return str(servers[0].get("base_url", "/")) if len(servers) == 1 else "/"


def _source(url: str) -> str:
    """A local path that exists becomes absolute (the tiler resolves it against its roots)."""
    if "://" in url:
        return url
    path = Path(url).expanduser()
    return str(path.resolve()) if path.exists() else url


def tile_urls(
    url: str | None = None,
    *,
    item_url: str | None = None,
    base_url: str | None = None,
    format: str = "png",
    **params: Any,
) -> dict[str, str]:
    """XYZ URL templates of a COG (``url``) or STAC item (``item_url``), per projection."""
    if bool(url) == bool(item_url):
        raise ValueError("give url (a COG) or item_url (a STAC item)")
    kind = "cog" if url else "stac"
    query: dict[str, Any] = {"url": _source(url or item_url or "")}
    query.update({k: v for k, v in params.items() if v is not None})
    tiler = f"{(base_url or server_base_url()).rstrip('/')}/polartep/tiles/{kind}"
    qs = urlencode(query, doseq=True)
    return {p: f"{tiler}/tiles/{grid}/{{z}}/{{x}}/{{y}}.{format}?{qs}" for p, grid in PROJECTION_GRID.items()}


def Map(projection: str = "EPSG:3413", base_url: str | None = None, **kwargs: Any) -> Any:
    """An ipyleaflet map in ``projection`` (EPSG:3413, EPSG:3031 or EPSG:3857) on the workspace tiler."""
    import ipyleaflet

    class PolarMap(ipyleaflet.Map):  # type: ignore[misc]
        def add_cog_layer(self, url: str, name: str | None = None, **params: Any) -> Any:
            """Add a COG (workspace path or http(s) URL) through the workspace tiler."""
            template = tile_urls(url, base_url=self.tiler_base_url, **params)[self.projection]
            return self._add(template, name or Path(url).name)

        def add_stac_layer(
            self, url: str, assets: list[str] | str = "data", name: str | None = None, **params: Any
        ) -> Any:
            """Add a STAC item (file or URL) through the workspace tiler."""
            assets = [assets] if isinstance(assets, str) else assets
            template = tile_urls(item_url=url, base_url=self.tiler_base_url, assets=assets, **params)
            return self._add(template[self.projection], name or Path(url).stem)

        def _add(self, template: str, name: str) -> Any:
            layer = ipyleaflet.TileLayer(url=template, name=name, max_zoom=18, max_native_zoom=18)
            self.add(layer)
            return layer

    centre = kwargs.pop("center", _CENTRE.get(projection, (0.0, 0.0)))
    if projection == "EPSG:3857":
        m = PolarMap(center=centre, zoom=kwargs.pop("zoom", 2), **kwargs)
    else:
        m = PolarMap(
            crs=leaflet_crs(projection),
            center=centre,
            zoom=kwargs.pop("zoom", 1),
            basemap=ipyleaflet.TileLayer(url="", name="none", base=True),
            **kwargs,
        )
    m.projection = projection
    m.tiler_base_url = base_url or server_base_url()
    return m
