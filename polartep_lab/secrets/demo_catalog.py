"""A tiny STAC API that requires a bearer token, on 127.0.0.1, for examples and tests.

It answers the landing page and ``/search`` with two Arctic items, and 401 without the token.
"""

from __future__ import annotations

import json
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def _item(item_id: str, lon: float, lat: float, when: str) -> dict[str, Any]:
    d = 0.5
    ring = [
        [lon - d, lat - d],
        [lon + d, lat - d],
        [lon + d, lat + d],
        [lon - d, lat + d],
        [lon - d, lat - d],
    ]
    return {
        "type": "Feature",
        "stac_version": "1.0.0",
        "id": item_id,
        "collection": "sea-ice-demo",
        "geometry": {"type": "Polygon", "coordinates": [ring]},
        "bbox": [lon - d, lat - d, lon + d, lat + d],
        "properties": {"datetime": when, "proj:epsg": 3413},
        "links": [],
        "assets": {},
    }


ITEMS = [
    _item("svalbard-2024-03-01", 16.0, 78.5, "2024-03-01T10:00:00Z"),
    _item("fram-strait-2024-03-02", -2.0, 79.0, "2024-03-02T10:00:00Z"),
]


class AuthenticatedCatalog:
    """``with AuthenticatedCatalog() as catalog:`` serves on ``catalog.url`` until the block ends."""

    def __init__(self, token: str | None = None) -> None:
        self.token = token or secrets.token_urlsafe(24)
        expected = f"Bearer {self.token}"

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.headers.get("Authorization") != expected:
                    self._reply(401, {"code": "Unauthorized", "description": "a bearer token is required"})
                elif self.path.split("?")[0] in ("/", ""):
                    self._reply(200, {"type": "Catalog", "id": "demo", "stac_version": "1.0.0", "links": []})
                elif self.path.split("?")[0] == "/search":
                    self._reply(200, {"type": "FeatureCollection", "features": ITEMS})
                else:
                    self._reply(404, {"code": "NotFound", "description": self.path})

            def _reply(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/geo+json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> AuthenticatedCatalog:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
