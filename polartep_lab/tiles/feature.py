from __future__ import annotations

import os
from pathlib import Path

from jupyter_server.utils import url_path_join

from ..core.features import Backend, Feature, FeatureContext, Health, Route
from . import keepalive
from .access import ROOTS_ENV
from .handlers import LayersHandler, TilesConfigHandler
from .proxy import PROXY_NAME
from .service import TilesService


def build(ctx: FeatureContext) -> TilesService:
    app = ctx.app
    workspace_data = ctx.data_dir.parent
    roots = [ctx.root_dir, ctx.data_dir, workspace_data / "stac"]
    roots += [Path(p).expanduser() for p in getattr(app, "tiles_data_roots", [])]
    ctx.data_dir.mkdir(parents=True, exist_ok=True)
    # the tiler process (started later by jupyter-server-proxy) inherits these
    os.environ[ROOTS_ENV] = os.pathsep.join(str(Path(r).resolve()) for r in roots)
    allowed = list(getattr(app, "outbound_allowed_hosts", []))
    if allowed:
        os.environ["POLARTEP_TILER_ALLOWED_HOSTS"] = ",".join(allowed)
    service = TilesService(
        tiler=url_path_join(ctx.base_url, PROXY_NAME),
        roots=roots,
        data_dir=ctx.data_dir,
        stac=ctx.services.get("stac"),
        raster_api_url=getattr(app, "raster_api_url", ""),
        outbound=ctx.http.policy,
        http=ctx.http,
    )
    # jupyter-server-proxy (loaded before us) mounted the tiler: forward over kept-alive connections
    if keepalive.install(app.serverapp.web_app, ctx.base_url, PROXY_NAME, ctx.log):
        service.closers.append(keepalive.close_sessions)
    return service


def backend(service: TilesService) -> Backend:
    if service.kind.value == "real":
        return Backend("real", "eoAPI raster (titiler-pgstac)", service.tiler)
    return Backend("embedded", "titiler via jupyter-server-proxy", service.tiler)


def health(service: TilesService) -> Health:
    if service.kind.value == "real":
        return Health(True, f"raster API {service.tiler}")
    try:
        import jupyter_server_proxy  # noqa: F401
    except ImportError:
        return Health(False, "jupyter-server-proxy is not installed: the tiler cannot start")
    return Health(True, "tiler starts on the first tile request")


def demo(workspace: Path) -> list[str]:
    from .samples import make_samples

    folder = workspace / "data" / "polar"
    existed = {p for p in folder.glob("*")} if folder.exists() else set()
    made = make_samples(folder)
    return [p.relative_to(workspace).as_posix() for p in made if p not in existed]


FEATURE = Feature(
    name="tiles",
    title="Map tiles",
    description="Tile preview of workspace rasters and STAC items in polar projections "
    "(EPSG:3413, EPSG:3031) and Web Mercator.",
    build=build,
    routes=(Route("api/tiles", TilesConfigHandler), Route("api/tiles/layers", LayersHandler)),
    backend=backend,
    health=health,
    config=lambda service: {
        "tiler": service.tiler,
        "tile_matrix_sets": list(service.config().tile_matrix_sets),
    },
    demo=demo,
    order=40,
)
