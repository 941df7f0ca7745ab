"""The tiles service: builds map layers (tile URL templates, eox-map layer JSON) for the tiler.

Plain Python (no tornado): the REST handlers, the notebook widget (:mod:`polartep_lab.maps`) and
tests use it alike. The tiler itself runs as its own process behind jupyter-server-proxy
(embedded) or is an eoAPI raster service (``c.PolarTEP.raster_api_url``, real).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urljoin, urlsplit

from ..core.errors import Invalid, NotFound, Upstream
from ..core.http import OutboundPolicy
from ..core.paths import atomic_write
from .access import SourcePolicy, allowed_source
from .grids import OFFERED, PROJECTION_GRID, grid_for_projection, projection_for_bounds
from .models import Band, CreateLayer, DescribeLayer, Status, TilesConfig

_SAFE_ID = re.compile(r"[^A-Za-z0-9._-]+")


class TilesService:
    """Layers for the workspace tiler (``tiler`` = URL path of the tiler below the server)."""

    def __init__(
        self,
        tiler: str,
        roots: Sequence[Path],
        data_dir: Path,
        stac: Any | None = None,
        raster_api_url: str = "",
        outbound: OutboundPolicy | None = None,
        http: Any | None = None,
    ) -> None:
        self.tiler = (raster_api_url or tiler).rstrip("/")
        #: the embedded tiler (jupyter-server-proxy): workspace files, item files, saved searches
        self.embedded = tiler.rstrip("/")
        #: the eoAPI raster service (titiler-pgstac): catalog items and search mosaics
        self.raster_api = raster_api_url.rstrip("/")
        self.kind = Status.real if raster_api_url else Status.embedded
        self.http = http  # core.http.OutboundClient: registers searches with the raster API
        self.policy = SourcePolicy([Path(r).resolve() for r in roots], outbound or OutboundPolicy())
        self.data_dir = data_dir
        self.stac = stac
        #: called when the server stops (the feature adds the proxy's connection pool here)
        self.closers: list[Callable[[], Awaitable[None]]] = []

    async def close(self) -> None:
        for close in self.closers:
            await close()

    # ---- what the tiler offers ----------------------------------------------------------------
    def config(self) -> TilesConfig:
        return TilesConfig(
            kind=self.kind,
            tiler=self.tiler,
            tile_matrix_sets=list(OFFERED),
            projections=dict(PROJECTION_GRID),
        )

    # ---- layers ---------------------------------------------------------------------------------
    def layer(self, request: CreateLayer) -> DescribeLayer:
        """Describe the layer for a COG or STAC item; refuses what the tiler may not read."""
        bands: list[Band] = []
        raster_assets: list[str] = []
        if request.url:
            kind, source = "cog", allowed_source(request.url, self.policy)
            local = not source.startswith(("http://", "https://"))
            bounds: tuple[float, float, float, float] | None = None
            if local:
                bounds, bands = raster_bounds_and_bands(source)
                _check_bands(request.bidx, bands)
                if not (request.bidx or request.expression) and len(bands) not in (1, 3, 4):
                    # 2 or 5+ bands make no PNG a browser can show: show the first band
                    request = request.model_copy(update={"bidx": [1]})
            title = request.title or Path(urlsplit(request.url).path).name or request.url
            shown = request.url
        elif request.search is not None or request.mosaic_url:
            return self._mosaic(request)
        else:
            kind = "stac"
            item, shown = self._item(request)
            bounds = _item_bounds(item)
            title = request.title or item.get("properties", {}).get("title") or item.get("id", "item")
            if not request.assets:
                request = request.model_copy(update={"assets": [_first_raster_asset(item)]})
            for name in request.assets:
                _check_asset(item, name)
            raster_assets = [str(name) for name, asset in item.get("assets", {}).items() if _is_raster(asset)]
        projection = request.projection or (projection_for_bounds(*bounds) if bounds else "EPSG:3857")
        grid = grid_for_projection(projection)
        projection = next((p for p, g in PROJECTION_GRID.items() if g == grid), projection)
        query = self._query(shown, request, multi_asset=kind == "stac")
        # workspace files and item files only the workspace's own tiler can read (a raster API
        # elsewhere cannot see the workspace): they stay on the embedded tiler in both modes
        base = f"{self.embedded}/{kind}"
        if self.kind is Status.real and request.collection and request.item:
            # titiler-pgstac reads the item from PgSTAC itself: its item routes, no url=
            base = f"{self.raster_api}/collections/{quote(request.collection)}/items/{quote(request.item)}"
            query.pop("url")
        qs = urlencode(query, doseq=True)
        tiles = {g: f"{base}/tiles/{g}/{{z}}/{{x}}/{{y}}.{request.format}?{qs}" for g in OFFERED}
        layer_id = _SAFE_ID.sub("-", f"{kind}-{title}").strip("-")[:80]
        return DescribeLayer(
            id=layer_id,
            title=title,
            kind=kind,
            source=shown,
            projection=projection,
            tile_matrix_set=grid,
            bounds=list(bounds) if bounds else None,
            tiles=tiles,
            tilejson=f"{base}/{grid}/tilejson.json?{qs}",
            wmts=f"{base}/WMTSCapabilities.xml?{qs}",
            info=f"{base}/info?{urlencode(_only_source(query), doseq=True)}",
            statistics=f"{base}/statistics?{qs}",
            point=f"{base}/point/{{lon}},{{lat}}?{qs}",
            query=query,
            layer=eox_layer(layer_id, title, tiles[grid], projection),
            bands=bands,
            raster_assets=raster_assets,
        )

    def _mosaic(self, request: CreateLayer) -> DescribeLayer:
        """A mosaic of a STAC search result (workspace catalog search, or a FeatureCollection)."""
        if request.mosaic_url:
            shown = request.mosaic_url
            allowed_source(shown, self.policy)
            features: list[dict[str, Any]] = []
        else:
            if self.stac is None:
                raise NotFound("the workspace catalog (stac feature) is not available", "no_stac")
            result = self.stac.search(**(request.search or {}))
            root = self.policy.roots[0] if self.policy.roots else Path.cwd()
            features = [_absolute_hrefs(dict(f), root) for f in result.get("features", [])]
            if not features:
                raise NotFound("the search found no items to show", "empty_search")
            payload = json.dumps({"type": "FeatureCollection", "features": features}, sort_keys=True)
            digest = hashlib.sha1(payload.encode()).hexdigest()[:16]
            path = self.data_dir / "mosaics" / f"{digest}.json"
            atomic_write(path, payload.encode())
            shown = str(path)
        boxes = [b for b in (_item_bounds(f) for f in features) if b]
        bounds = (
            (
                min(b[0] for b in boxes),
                min(b[1] for b in boxes),
                max(b[2] for b in boxes),
                max(b[3] for b in boxes),
            )
            if boxes
            else None
        )
        projection = request.projection or (projection_for_bounds(*bounds) if bounds else "EPSG:3413")
        grid = grid_for_projection(projection)
        projection = next((p for p, g in PROJECTION_GRID.items() if g == grid), projection)
        with_assets = request.model_copy(update={"assets": request.assets or ["data"]})
        extra: dict[str, str] = {}
        if self.kind is Status.real and request.search is not None:
            # titiler-pgstac: register the search, then its /searches/{id}/ tile routes
            search_id = self._register_search(request.search, request.title)
            base = f"{self.raster_api}/searches/{quote(search_id)}"
            query = self._query(shown, with_assets, multi_asset=True)
            query.pop("url")
            qs = urlencode(query, doseq=True)
            extra = {
                "tilejson": f"{base}/{grid}/tilejson.json?{qs}",
                "wmts": f"{base}/WMTSCapabilities.xml?{qs}",
                "info": f"{base}/info",
                "point": f"{base}/point/{{lon}},{{lat}}?{qs}",
            }
            shown = base
        else:
            query = self._query(shown, with_assets)
            qs = urlencode(query, doseq=True)
            base = f"{self.embedded}/mosaic"
        tiles = {g: f"{base}/tiles/{g}/{{z}}/{{x}}/{{y}}.{request.format}?{qs}" for g in OFFERED}
        title = request.title or "search mosaic"
        layer_id = _SAFE_ID.sub("-", f"mosaic-{title}").strip("-")[:80]
        return DescribeLayer(
            **extra,
            id=layer_id,
            title=title,
            kind="mosaic",
            source=shown,
            projection=projection,
            tile_matrix_set=grid,
            bounds=list(bounds) if bounds else None,
            tiles=tiles,
            query=query,
            layer=eox_layer(layer_id, title, tiles[grid], projection),
        )

    def tile_url(self, request: CreateLayer, projection: str = "EPSG:3413") -> str:
        """The XYZ URL template of a layer in one projection (any tile client takes it)."""
        return self.layer(request).tiles[grid_for_projection(projection)]

    # ---- helpers --------------------------------------------------------------------------------
    def _register_search(self, search: dict[str, Any], title: str | None) -> str:
        """POST the search to titiler-pgstac's ``/searches/register``; its id names the mosaic."""
        import httpx

        body = registered_search(search)
        body["metadata"] = {"type": "mosaic", "name": title or "polartep search mosaic"}
        url = f"{self.raster_api}/searches/register"
        try:
            if self.http is not None:
                with self.http.client() as client:
                    response = client.post(url, json=body)
            else:
                response = httpx.post(url, json=body, timeout=30)
        except httpx.HTTPError as exc:
            raise Upstream(f"the raster API cannot register the search: {exc}") from exc
        if response.status_code >= 400:
            code, text = response.status_code, response.text[:300]
            raise Upstream(f"the raster API refused the search ({code}): {text}")
        try:
            return str(response.json()["id"])
        except (ValueError, KeyError, TypeError) as exc:
            raise Upstream("the raster API answered the search registration without an id") from exc

    def _query(self, source: str, request: CreateLayer, multi_asset: bool = False) -> dict[str, Any]:
        query: dict[str, Any] = {"url": source}
        if request.assets and request.bidx and multi_asset:
            # titiler's multi-asset readers take the bands per asset: `assets=data|bidx=1`
            bands = ",".join(str(b) for b in request.bidx)
            query["assets"] = [f"{a}|bidx={bands}" for a in request.assets]
        elif request.assets:
            query["assets"] = request.assets
        if request.bidx and not (request.assets and multi_asset):
            query["bidx"] = request.bidx
        if request.expression:
            query["expression"] = request.expression
        if request.rescale:
            query["rescale"] = request.rescale
        if request.colormap_name:
            query["colormap_name"] = request.colormap_name
        return query

    def _item(self, request: CreateLayer) -> tuple[dict[str, Any], str]:
        """The item JSON and the ``url=`` the tiler reads it from."""
        if request.item_url:
            source = allowed_source(request.item_url, self.policy)
            return _read_item(source, self.policy), request.item_url
        if self.stac is None:
            raise NotFound("the workspace catalog (stac feature) is not available", "no_stac")
        try:
            item = self.stac.get_item(request.collection, request.item)
        except LookupError as exc:
            raise NotFound(f"no item {request.item!r} in collection {request.collection!r}") from exc
        item = _absolute_hrefs(dict(item), self.policy.roots[0] if self.policy.roots else Path.cwd())
        safe = [_SAFE_ID.sub("_", str(p)) for p in (request.collection, request.item)]
        path = self.data_dir / "items" / safe[0] / f"{safe[1]}.json"
        atomic_write(path, json.dumps(item).encode())
        return item, str(path)


def registered_search(search: dict[str, Any]) -> dict[str, Any]:
    """A workspace catalog search as titiler-pgstac registers it (PgSTAC's search body).

    PgSTAC reads a bbox crossing the antimeridian (west > east) as the band between them, the
    wrong way round: such a bbox is sent as a split MultiPolygon ``intersects`` instead.
    """
    keep = ("collections", "ids", "bbox", "intersects", "datetime", "query", "sortby", "filter")
    body = {k: v for k, v in search.items() if k in keep and v is not None}
    lang = search.get("filter-lang", search.get("filter_lang"))
    if lang:
        body["filter-lang"] = lang
    bbox = body.get("bbox")
    if isinstance(bbox, list) and len(bbox) in (4, 6):
        west, south, east, north = (bbox[0], bbox[1], bbox[3], bbox[4]) if len(bbox) == 6 else bbox
        if west > east:
            del body["bbox"]
            boxes = [(west, south, 180.0, north), (-180.0, south, east, north)]
            body["intersects"] = {
                "type": "MultiPolygon",
                "coordinates": [[[[w, s], [e, s], [e, n], [w, n], [w, s]]] for w, s, e, n in boxes],
            }
    return body


def eox_layer(layer_id: str, title: str, template: str, projection: str) -> dict[str, Any]:
    """An eox-map layer (``{type, properties, source, visible, opacity}``) for an XYZ template."""
    return {
        "type": "Tile",
        "properties": {"id": layer_id, "title": title},
        "source": {"type": "XYZ", "url": template, "projection": projection},
        "visible": True,
        "opacity": 1.0,
    }


def raster_bounds_and_bands(path: str) -> tuple[tuple[float, float, float, float], list[Band]]:
    """WGS84 bounds of a raster, densified (a raster that covers a pole reaches ±90°), and its
    bands: index and description (``b<index>`` when it has none)."""
    import rasterio
    from rasterio.errors import RasterioIOError
    from rasterio.warp import transform, transform_bounds

    try:
        with rasterio.open(path) as src:
            if src.crs is None:
                raise Invalid("the raster has no coordinate reference system", "no_crs")
            west, south, east, north = transform_bounds(src.crs, "EPSG:4326", *src.bounds, densify_pts=21)
            for pole_lat in (90.0, -90.0):
                xs, ys = transform("EPSG:4326", src.crs, [0.0], [pole_lat])
                left, bottom, right, top = src.bounds
                if left <= xs[0] <= right and bottom <= ys[0] <= top:
                    west, east = -180.0, 180.0
                    north, south = (90.0, south) if pole_lat > 0 else (north, -90.0)
            bands = [Band(index=i, name=d or f"b{i}") for i, d in enumerate(src.descriptions, start=1)]
    except RasterioIOError as exc:
        raise Invalid(f"not a raster: {Path(path).name}", "not_a_raster") from exc
    return (west, south, east, north), bands


def _check_bands(wanted: Sequence[int], bands: Sequence[Band]) -> None:
    missing = [b for b in wanted if not 1 <= b <= len(bands)]
    if missing:
        raise Invalid(
            f"no band {', '.join(map(str, missing))}: the raster has {len(bands)} band(s), 1-{len(bands)}",
            "no_such_band",
        )


def _item_bounds(item: dict[str, Any]) -> tuple[float, float, float, float] | None:
    bbox = item.get("bbox")
    if isinstance(bbox, list) and len(bbox) >= 4:
        if len(bbox) == 6:
            return bbox[0], bbox[1], bbox[3], bbox[4]
        return bbox[0], bbox[1], bbox[2], bbox[3]
    return None


RASTER_MEDIA = ("image/tiff", "image/jp2", "image/vnd.stac.geotiff", "image/x.geotiff")


def _is_raster(asset: dict[str, Any]) -> bool:
    media = str(asset.get("type", "")).lower()
    if media:
        return media.startswith(RASTER_MEDIA)
    return str(asset.get("href", "")).lower().endswith((".tif", ".tiff", ".jp2"))


def _first_raster_asset(item: dict[str, Any]) -> str:
    for name, asset in item.get("assets", {}).items():
        if _is_raster(asset):
            return str(name)
    raise Invalid(f"item {item.get('id')!r} has no raster asset: not a raster", "not_a_raster")


def _check_asset(item: dict[str, Any], name: str) -> None:
    assets = item.get("assets", {})
    if name not in assets:
        raise NotFound(f"item {item.get('id')!r} has no asset {name!r} (it has {', '.join(assets)})")
    if not _is_raster(assets[name]):
        raise Invalid(f"asset {name!r} is not a raster ({assets[name].get('type', '?')})", "not_a_raster")


def _only_source(query: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in query.items() if k in ("url", "assets")}


def _read_item(source: str, policy: SourcePolicy) -> dict[str, Any]:
    try:
        if source.startswith(("http://", "https://")):
            import httpx

            policy.outbound.check(source)
            response = httpx.get(source, timeout=30, follow_redirects=False)
            if response.status_code == 404:
                raise NotFound(f"no STAC item at {source}")
            response.raise_for_status()
            item = response.json()
        else:
            item = json.loads(Path(source).read_text())
    except (ValueError, OSError) as exc:
        raise Invalid(f"not a STAC item: {exc}", "bad_item") from exc
    except Exception as exc:  # httpx errors
        if isinstance(exc, NotFound):
            raise
        raise Upstream(f"cannot fetch the STAC item: {exc}") from exc
    if not isinstance(item, dict) or item.get("type") != "Feature" or "assets" not in item:
        raise Invalid("not a STAC item (a GeoJSON Feature with assets)", "bad_item")
    return item


def _absolute_hrefs(item: dict[str, Any], root: Path) -> dict[str, Any]:
    """Relative asset hrefs resolved against the item's self link (or the workspace)."""
    base = next((link["href"] for link in item.get("links", []) if link.get("rel") == "self"), None)
    assets = {}
    for name, asset in item.get("assets", {}).items():
        href = str(asset.get("href", ""))
        if href and not urlsplit(href).scheme and not href.startswith("/"):
            href = urljoin(base, href) if base else str((root / href).resolve())
        assets[name] = {**asset, "href": href}
    return {**item, "assets": assets}
