"""A real local HTTP server in the role of the JupyterHub API (``GET /hub/api/user``), for tests
of who the user is: ``hub_env(name)`` starts one and returns the single-user server's environment."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager

TOKEN = "server-token"


def _handler(name: str, groups: list[str]) -> type[http.server.BaseHTTPRequestHandler]:
    class HubAPI(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.headers.get("Authorization") != f"token {TOKEN}" or self.path != "/hub/api/user":
                self.send_response(403)
                self.end_headers()
                return
            body = json.dumps({"name": name, "groups": groups, "kind": "user"}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    return HubAPI


@contextmanager
def hub_env(name: str, groups: list[str] | None = None) -> Iterator[dict[str, str]]:
    """The ``JUPYTERHUB_*`` variables of a single-user server of ``name``, its Hub API running."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(name, list(groups or [])))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield {
            "JUPYTERHUB_USER": name,
            "JUPYTERHUB_API_URL": f"http://127.0.0.1:{server.server_address[1]}/hub/api",
            "JUPYTERHUB_API_TOKEN": TOKEN,
        }
    finally:
        server.shutdown()
        server.server_close()
