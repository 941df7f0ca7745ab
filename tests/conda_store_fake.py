"""A local stand-in for conda-store (which cannot run here) that enforces its official OpenAPI document.

Every request is matched to an operation of `tests/contracts/conda-store/openapi.json` (method,
path, path/query parameter types, JSON body schema) and every answer is validated against the
documented response schema. Anything off the contract is recorded in `violations` and answered
with a 500, so a client that strays fails its test. Behind the contract it answers like
conda-store 2025.2.2: namespaces, environments with a current build, builds that go
QUEUED -> BUILDING -> COMPLETED (FAILED for an unknown package, never for an endless one) one step
per observation
(deterministic, no timing), logs via a 307 to storage, lockfiles, cancel, delete.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import yaml
from jsonschema import Draft202012Validator

CONTRACT = Path(__file__).parent / "contracts" / "conda-store" / "openapi.json"
PREFIX = "/conda-store"
UNKNOWN_PACKAGE = "no-such-package"
#: a package whose build never ends by itself (a long build, to cancel)
ENDLESS_PACKAGE = "endless-package"


def _now() -> str:
    return datetime.now(UTC).isoformat()


class Contract:
    def __init__(self, path: Path = CONTRACT) -> None:
        self.doc = json.loads(path.read_text())
        self.operations: list[tuple[str, re.Pattern[str], dict[str, Any]]] = []
        for template, ops in self.doc["paths"].items():
            regex = re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template) + "$")
            for method, op in ops.items():
                self.operations.append((method.upper(), regex, op))

    def find(self, method: str, path: str) -> tuple[dict[str, Any], dict[str, str]] | None:
        for op_method, regex, op in self.operations:
            match = regex.match(path)
            if op_method == method and match:
                return op, match.groupdict()
        return None

    def errors(self, schema: dict[str, Any], value: Any) -> list[str]:
        full = {"components": self.doc["components"], **schema}
        return [e.message for e in Draft202012Validator(full).iter_errors(value)]

    def check_request(
        self, op: dict[str, Any], params: dict[str, str], query: dict[str, list[str]], body: bytes, ctype: str
    ) -> list[str]:
        problems: list[str] = []
        declared = {p["name"]: p for p in op.get("parameters", [])}
        for name, value in params.items():
            problems += [f"path {name}: {m}" for m in self._param_errors(declared.get(name), value)]
        for name, values in query.items():
            if name not in declared or declared[name]["in"] != "query":
                problems.append(f"undocumented query parameter {name!r}")
                continue
            schema = declared[name]["schema"]
            value: Any = values if schema.get("type") == "array" else values[-1]
            problems += [f"query {name}: {m}" for m in self._param_errors(declared[name], value)]
        content = (op.get("requestBody") or {}).get("content", {})
        if body:
            if "application/json" not in content:
                problems.append("a body was sent to an operation that takes none")
            elif not ctype.startswith("application/json"):
                problems.append(f"body content type {ctype!r} is not application/json")
            else:
                try:
                    data = json.loads(body)
                except ValueError:
                    return [*problems, "body is not JSON"]
                problems += [f"body: {m}" for m in self.errors(content["application/json"]["schema"], data)]
        return problems

    def _param_errors(self, declared: dict[str, Any] | None, value: Any) -> list[str]:
        if declared is None:
            return ["undocumented parameter"]
        schema = declared.get("schema", {})
        kind = schema.get("type")
        if kind == "integer":
            return [] if re.fullmatch(r"-?\d+", str(value)) else [f"{value!r} is not an integer"]
        return []

    def check_response(self, op: dict[str, Any], status: int, ctype: str, body: bytes) -> list[str]:
        documented = op.get("responses", {}).get(str(status))
        if documented is None:
            if 400 <= status < 500:
                data = json.loads(body)
                ok = data.get("status") == "error" and isinstance(data.get("message"), str)
                return [] if ok else [f"error answer {status} is not {{status: error, message}}"]
            if status == 307:
                return []
            return [f"status {status} is not documented"]
        content = documented.get("content", {})
        if "text/plain" in content:
            return [] if ctype.startswith("text/plain") else [f"expected text/plain, sent {ctype}"]
        schema = content.get("application/json", {}).get("schema", {})
        return [f"response: {m}" for m in self.errors(schema, json.loads(body))]


class CondaStoreState:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.namespaces: dict[str, int] = {"default": 1}
        self.environments: dict[int, dict[str, Any]] = {}
        self.builds: dict[int, dict[str, Any]] = {}
        self.next_id = 1

    def _id(self) -> int:
        self.next_id += 1
        return self.next_id

    def namespace(self, name: str) -> dict[str, Any]:
        return {"id": self.namespaces[name], "name": name, "metadata_": {}, "role_mappings": []}

    def observe(self, build: dict[str, Any]) -> None:
        """Each look at an unfinished build moves it one step: QUEUED -> BUILDING -> verdict."""
        if build["status"] == "QUEUED":
            build.update(status="BUILDING", started_on=_now())
        elif build["status"] == "BUILDING":
            text = json.dumps(build["specification"]["spec"])
            if ENDLESS_PACKAGE in text:
                return
            if UNKNOWN_PACKAGE in text:
                build.update(status="FAILED", ended_on=_now(), status_info="PackagesNotFoundError")
            else:
                build.update(status="COMPLETED", ended_on=_now(), size=1234)
                env = self.environments[build["environment_id"]]
                env["current_build_id"] = build["id"]

    def build_json(self, build: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in build.items() if not k.startswith("_")}

    def env_json(self, env: dict[str, Any]) -> dict[str, Any]:
        current = self.builds.get(env["current_build_id"])
        return {
            "id": env["id"],
            "name": env["name"],
            "namespace": self.namespace(env["namespace"]),
            "current_build_id": env["current_build_id"],
            "current_build": self.build_json(current) if current else None,
            "description": "",
        }

    def find_env(self, namespace: str, name: str) -> dict[str, Any] | None:
        return next(
            (e for e in self.environments.values() if e["namespace"] == namespace and e["name"] == name), None
        )


class FakeCondaStore:
    """`with FakeCondaStore(token) as store:` -> `store.url` (with the /conda-store prefix)."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.contract = Contract()
        self.state = CondaStoreState()
        self.violations: list[str] = []
        self.requests: list[str] = []
        handler = self._handler()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}{PREFIX}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeCondaStore:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        store = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return

            def _serve(self) -> None:
                url = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                store.requests.append(f"{self.command} {url.path}")
                if url.path.startswith(PREFIX + "/storage/"):
                    return self._send(200, store.log_text(url.path).encode(), "text/plain", None)
                path = url.path[len(PREFIX) :] if url.path.startswith(PREFIX) else "/-outside-prefix-"
                found = store.contract.find(self.command, path)
                if found is None:
                    store.violations.append(f"{self.command} {path}: no such operation")
                    return self._send(
                        500, b'{"status": "error", "message": "contract"}', "application/json", None
                    )
                op, params = found
                problems = store.contract.check_request(
                    op, params, parse_qs(url.query), body, self.headers.get("Content-Type", "")
                )
                if problems:
                    store.violations += [f"{self.command} {path}: {p}" for p in problems]
                    return self._send(
                        500, b'{"status": "error", "message": "contract"}', "application/json", None
                    )
                if self.headers.get("Authorization") != f"Bearer {store.token}":
                    return self._error(403, "Request not authorized", op)
                query = {k: v[-1] for k, v in parse_qs(url.query).items()}
                data = json.loads(body) if body else {}
                with store.state.lock:
                    status, payload, ctype = store.answer(self.command, path, params, query, data)
                if status == 307:
                    self.send_response(307)
                    self.send_header("Location", str(payload))
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return None
                raw = payload.encode() if isinstance(payload, str) else json.dumps(payload).encode()
                return self._send(status, raw, ctype, op)

            def _error(self, status: int, message: str, op: dict[str, Any]) -> None:
                raw = json.dumps({"status": "error", "message": message}).encode()
                self._send(status, raw, "application/json", op)

            def _send(self, status: int, raw: bytes, ctype: str, op: dict[str, Any] | None) -> None:
                if op is not None:
                    problems = store.contract.check_response(op, status, ctype, raw)
                    store.violations += [f"answer {self.command} {self.path}: {p}" for p in problems]
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            do_GET = do_POST = do_PUT = do_DELETE = _serve

        return Handler

    # ---- conda-store's behaviour -----------------------------------------------------------------
    def log_text(self, storage_path: str) -> str:
        match = re.search(r"build-(\d+)\.log$", storage_path)
        build = self.state.builds.get(int(match.group(1))) if match else None
        if build is None:
            return ""
        lines = [f"scheduled build {build['id']}"]
        if build["status"] != "QUEUED":
            lines.append("solving and installing with conda-lock")
        if build["status"] == "FAILED":
            lines.append(f"PackagesNotFoundError: {UNKNOWN_PACKAGE}")
        if build["status"] in ("COMPLETED", "FAILED", "CANCELED"):
            lines.append(f"build {build['status'].lower()}")
        return "\n".join(lines) + "\n"

    def answer(
        self, method: str, path: str, params: dict[str, str], query: dict[str, str], data: dict[str, Any]
    ) -> tuple[int, Any, str]:
        s = self.state
        ok = "application/json"
        err = lambda code, msg: (code, {"status": "error", "message": msg}, ok)  # noqa: E731
        if path == "/api/v1/" and method == "GET":
            return 200, {"status": "ok", "data": {"version": "2025.2.2"}, "message": None}, ok
        if path.startswith("/api/v1/namespace/"):
            name = params["namespace"]
            if method == "GET":
                if name not in s.namespaces:
                    return err(404, "namespace does not exist")
                return 200, {"status": "ok", "data": s.namespace(name), "message": None}, ok
            if method == "POST":
                if name in s.namespaces:
                    return err(409, "namespace already exists")
                s.namespaces[name] = s._id()
                return 200, {"status": "ok", "message": None}, ok
        if path == "/api/v1/specification/" and method == "POST":
            return self._post_specification(data)
        if path == "/api/v1/environment/" and method == "GET":
            envs = [
                e
                for e in s.environments.values()
                if query.get("namespace") in (None, e["namespace"]) and query.get("name") in (None, e["name"])
            ]
            return 200, self._page([s.env_json(e) for e in envs], query), ok
        if path.startswith("/api/v1/environment/") and "namespace" in params:
            name = params.get("name") or params.get("environment_name", "")
            env = s.find_env(params["namespace"], name)
            if env is None:
                return err(404, "environment does not exist")
            if method == "GET":
                return 200, {"status": "ok", "data": s.env_json(env), "message": None}, ok
            if method == "PUT":
                build = s.builds.get(int(data.get("build_id", -1)))
                if build is None or build["environment_id"] != env["id"]:
                    return err(400, "build id does not exist")
                if build["status"] != "COMPLETED":
                    return err(400, "cannot switch to a build that is not completed")
                env["current_build_id"] = build["id"]
                return 200, {"status": "ok", "message": None}, ok
            if method == "DELETE":
                for build_id in [b for b, v in s.builds.items() if v["environment_id"] == env["id"]]:
                    del s.builds[build_id]
                del s.environments[env["id"]]
                return 200, {"status": "ok", "message": "environment deletion scheduled"}, ok
        if path == "/api/v1/build/" and method == "GET":
            builds = []
            for b in s.builds.values():
                env = s.environments[b["environment_id"]]
                if query.get("namespace") in (None, env["namespace"]) and query.get("name") in (
                    None,
                    env["name"],
                ):
                    s.observe(b)
                    builds.append(s.build_json(b))
            return 200, self._page(sorted(builds, key=lambda b: b["id"]), query), ok
        if path.startswith("/api/v1/build/"):
            build = s.builds.get(int(params["build_id"]))
            if build is None:
                return err(404, "build does not exist")
            if path.endswith("/logs/"):
                return 307, f"{PREFIX}/storage/logs/build-{build['id']}.log", ok
            if path.endswith("/lockfile/"):
                if build["status"] != "COMPLETED":
                    return err(404, "build has no lockfile")
                return 200, self._lockfile(build), "text/plain; charset=utf-8"
            if path.endswith("/cancel/") and method == "PUT":
                if build["status"] in ("COMPLETED", "FAILED", "CANCELED"):
                    return err(400, "cannot cancel a finished build")
                build.update(status="CANCELED", ended_on=_now())
                return 200, {"status": "ok", "message": f"build {build['id']} canceled"}, ok
            if method == "GET":
                s.observe(build)
                return 200, {"status": "ok", "data": s.build_json(build), "message": None}, ok
        return err(404, f"not implemented by the fake: {method} {path}")

    def _page(self, items: list[Any], query: dict[str, str]) -> dict[str, Any]:
        page, size = int(query.get("page", 1)), int(query.get("size", 10))
        return {
            "status": "ok",
            "data": items[(page - 1) * size : page * size],
            "page": page,
            "size": size,
            "count": len(items),
            "message": None,
        }

    def _post_specification(self, data: dict[str, Any]) -> tuple[int, Any, str]:
        s = self.state
        ok = "application/json"
        try:
            spec = yaml.safe_load(data.get("specification") or "")
        except yaml.YAMLError:
            return 400, {"status": "error", "message": "Unable to parse. Invalid YAML"}, ok
        if not isinstance(spec, dict) or not spec.get("name"):
            return 400, {"status": "error", "message": "Specification needs a name"}, ok
        namespace = data.get("namespace") or "default"
        if namespace not in s.namespaces:
            return 403, {"status": "error", "message": "namespace does not exist"}, ok
        name = data.get("environment_name") or spec["name"]
        env = s.find_env(namespace, name)
        build_id = s._id()
        if env is None:
            env = {"id": s._id(), "namespace": namespace, "name": name, "current_build_id": build_id}
            s.environments[env["id"]] = env
        text = json.dumps(spec, sort_keys=True)
        s.builds[build_id] = {
            "id": build_id,
            "environment_id": env["id"],
            "status": "QUEUED",
            "size": 0,
            "scheduled_on": _now(),
            "started_on": None,
            "ended_on": None,
            "status_info": None,
            "specification": {
                "id": s._id(),
                "name": name,
                "spec": spec,
                "sha256": hashlib.sha256(text.encode()).hexdigest(),
                "created_on": _now(),
            },
        }
        return 200, {"status": "ok", "data": {"build_id": build_id}, "message": None}, ok

    @staticmethod
    def _lockfile(build: dict[str, Any]) -> str:
        spec = build["specification"]["spec"]
        lines = ["version: 1", "metadata:", "  platforms: [linux-64]", "package:"]
        for dep in spec.get("dependencies", []):
            if isinstance(dep, str):
                name = re.split(r"[=<>!~ ]", dep, maxsplit=1)[0]
                lines += [f"- name: {name}", "  version: 1.0.0", "  manager: conda", "  platform: linux-64"]
        return "\n".join(lines) + "\n"
