"""A local HTTP server with the Kubernetes core/v1 Secret API's semantics, on 127.0.0.1.

Kubernetes cannot run on this machine. This server enforces what the API server does for Secrets
(kubernetes.io/docs/reference/kubernetes-api/config-and-storage-resources/secret-v1/): bearer
auth, apiVersion/kind, DNS-1123 names, namespace match, data keys and base64 values, the 1 MiB
limit, resourceVersion optimistic concurrency (409 Conflict on a stale write, 409 AlreadyExists
on a duplicate create), and `Status` bodies for errors.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

DNS1123 = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
DATA_KEY = re.compile(r"^[-._a-zA-Z0-9]+$")
PATH = re.compile(r"^/api/v1/namespaces/(?P<ns>[^/]+)/secrets(?:/(?P<name>[^/]+))?$")


def status(code: int, reason: str, message: str) -> dict[str, Any]:
    return {
        "kind": "Status",
        "apiVersion": "v1",
        "status": "Failure",
        "message": message,
        "reason": reason,
        "code": code,
    }


class KubeSecretsAPI:
    def __init__(self, token: str) -> None:
        self.token = token
        self.objects: dict[tuple[str, str], dict[str, Any]] = {}
        self.requests: list[tuple[str, str]] = []
        self._version = 100
        self._lock = threading.Lock()
        api = self

        class Handler(BaseHTTPRequestHandler):
            def _send(self, code: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _handle(self, method: str) -> None:
                api.requests.append((method, self.path))
                if self.headers.get("Authorization") != f"Bearer {api.token}":
                    self._send(401, status(401, "Unauthorized", "Unauthorized"))
                    return
                match = PATH.match(self.path.split("?")[0])
                if not match:
                    self._send(
                        404, status(404, "NotFound", "the server could not find the requested resource")
                    )
                    return
                body = None
                if method in ("POST", "PUT"):
                    length = int(self.headers.get("Content-Length") or 0)
                    body = json.loads(self.rfile.read(length))
                with api._lock:
                    code, reply = api.handle(method, match.group("ns"), match.group("name"), body)
                self._send(code, reply)

            def do_GET(self) -> None:
                self._handle("GET")

            def do_POST(self) -> None:
                self._handle("POST")

            def do_PUT(self) -> None:
                self._handle("PUT")

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _invalid(self, ns: str, body: Any, name: str | None) -> str | None:
        if not isinstance(body, dict) or body.get("apiVersion") != "v1" or body.get("kind") != "Secret":
            return "body must be a v1 Secret"
        meta = body.get("metadata") or {}
        if not DNS1123.match(meta.get("name") or "") or len(meta["name"]) > 253:
            return "metadata.name: Invalid value"
        if name is not None and meta["name"] != name:
            return "the name of the object does not match the name on the URL"
        if meta.get("namespace") not in (None, ns):
            return "the namespace of the provided object does not match the namespace sent on the request"
        size = 0
        for key, value in (body.get("data") or {}).items():
            if not DATA_KEY.match(key):
                return (
                    f"data[{key}]: Invalid value: a valid config key must consist of alphanumeric characters"
                )
            try:
                size += len(base64.b64decode(value, validate=True))
            except (binascii.Error, TypeError):
                return f"data[{key}]: illegal base64 data"
        if size > 1024 * 1024:
            return "Too long: must have at most 1048576 bytes"
        return None

    def handle(self, method: str, ns: str, name: str | None, body: Any) -> tuple[int, dict[str, Any]]:
        if method == "GET" and name:
            found = self.objects.get((ns, name))
            return (200, found) if found else (404, status(404, "NotFound", f'secrets "{name}" not found'))
        if method == "POST" and name is None:
            problem = self._invalid(ns, body, None)
            if problem:
                return 422, status(422, "Invalid", problem)
            key = (ns, body["metadata"]["name"])
            if key in self.objects:
                return 409, status(409, "AlreadyExists", f'secrets "{key[1]}" already exists')
            return 201, self._store(key, body)
        if method == "PUT" and name:
            problem = self._invalid(ns, body, name)
            if problem:
                return 422, status(422, "Invalid", problem)
            current = self.objects.get((ns, name))
            if current is None:
                return 404, status(404, "NotFound", f'secrets "{name}" not found')
            sent = body["metadata"].get("resourceVersion")
            if sent is not None and sent != current["metadata"]["resourceVersion"]:
                return 409, status(
                    409,
                    "Conflict",
                    "the object has been modified; please apply your changes to the latest version "
                    "and try again",
                )
            return 200, self._store((ns, name), body)
        return 405, status(
            405, "MethodNotAllowed", "the server does not allow this method on the requested resource"
        )

    def _store(self, key: tuple[str, str], body: dict[str, Any]) -> dict[str, Any]:
        self._version += 1
        stored = json.loads(json.dumps(body))
        stored["metadata"]["namespace"] = key[0]
        stored["metadata"]["resourceVersion"] = str(self._version)
        stored["metadata"].setdefault("uid", f"uid-{key[1]}")
        self.objects[key] = stored
        return stored
