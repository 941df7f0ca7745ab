"""REST face of the tiles feature (the tiler itself is served by jupyter-server-proxy)."""

from __future__ import annotations

from jupyter_server.auth.decorator import authorized
from tornado import web
from tornado.ioloop import IOLoop

from ..core.handlers import PolarTEPHandler
from .models import CreateLayer
from .service import TilesService


class _TilesHandler(PolarTEPHandler):
    feature = "tiles"

    @property
    def tiles(self) -> TilesService:
        return self.service  # type: ignore[no-any-return]


class TilesConfigHandler(_TilesHandler):
    @web.authenticated
    @authorized
    def get(self) -> None:
        self.reply(self.tiles.config())


class LayersHandler(_TilesHandler):
    @web.authenticated
    @authorized
    async def post(self) -> None:
        request = self.parse(CreateLayer)
        # opening a raster for its bounds is disk/network work: keep it off the event loop
        layer = await IOLoop.current().run_in_executor(None, self.tiles.layer, request)
        self.reply(layer, status=201)


default_handlers = [("api/tiles", TilesConfigHandler), ("api/tiles/layers", LayersHandler)]
