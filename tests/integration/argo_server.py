"""A stand-in Argo Server for tests: enforces Argo's swagger.json on every request.

Argo needs Kubernetes, which cannot run here. This server answers the workflow endpoints like the
Argo Server does, but first checks each request against ``tests/contracts/argo/swagger.json``:
the path and method exist, every query parameter is declared, the body validates against the
operation's body schema (Draft 4, as Swagger 2.0 says), the bearer token is right. A request the
real server would reject is answered 400/404/401 *and* recorded in ``violations``, so tests fail on
it. Its own answers are validated against the operation's 200 schema too.
"""

from __future__ import annotations

import json
import re
import secrets
import string
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from jsonschema import Draft4Validator

SWAGGER = json.loads(
    (Path(__file__).resolve().parents[1] / "contracts" / "argo" / "swagger.json").read_text()
)


class Operation:
    def __init__(self, template: str, method: str, spec: dict[str, Any]) -> None:
        self.template = template
        self.method = method
        self.spec = spec
        pattern = re.sub(r"\{([^}]+)\}", r"(?P<\1>[^/]+)", template.replace(".", r"\."))
        self.regex = re.compile(f"^{pattern}$")
        params = spec.get("parameters", [])
        self.query = {p["name"] for p in params if p["in"] == "query"}
        body = [p for p in params if p["in"] == "body"]
        self.body = self._validator(body[0]["schema"]) if body else None
        ok = (spec.get("responses") or {}).get("200", {}).get("schema")
        self.response = self._validator(ok) if ok else None

    @staticmethod
    def _validator(schema: dict[str, Any]) -> Draft4Validator:
        return Draft4Validator({**schema, "definitions": SWAGGER["definitions"]})


OPERATIONS = [
    Operation(path, method.upper(), spec)
    for path, item in SWAGGER["paths"].items()
    for method, spec in item.items()
    if method in ("get", "post", "put", "delete", "patch")
]


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class ArgoState:
    def __init__(self, token: str) -> None:
        self.token = token
        self.workflows: dict[tuple[str, str], dict[str, Any]] = {}
        self.templates: dict[tuple[str, str], dict[str, Any]] = {}
        self.violations: list[str] = []
        self.calls: list[tuple[str, str]] = []
        self.lock = threading.Lock()

    def name_for(self, meta: dict[str, Any]) -> str:
        if meta.get("name"):
            return str(meta["name"])
        return str(meta.get("generateName", "wf-")) + "".join(
            secrets.choice(string.ascii_lowercase + string.digits) for _ in range(5)
        )

    def run(self, workflow: dict[str, Any], namespace: str) -> dict[str, Any]:
        """What a finished run of the workflow looks like (entry node + one pod per template)."""
        meta = workflow.setdefault("metadata", {})
        name = self.name_for(meta)
        meta.pop("generateName", None)
        meta.update(name=name, namespace=namespace, uid=secrets.token_hex(8), creationTimestamp=now())
        entry = workflow["spec"].get("entrypoint", "main")
        nodes = {
            name: {"id": name, "name": name, "displayName": name, "type": "Pod", "templateName": entry,
                   "phase": "Succeeded", "startedAt": now(), "finishedAt": now()}
        }  # fmt: skip
        workflow["status"] = {"phase": "Succeeded", "startedAt": now(), "finishedAt": now(), "nodes": nodes,
                              "progress": "1/1"}  # fmt: skip
        self.workflows[(namespace, name)] = workflow
        return workflow


class Handler(BaseHTTPRequestHandler):
    server: ArgoServer

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _reply(
        self, status: int, payload: Any, op: Operation | None = None, raw: bytes | None = None
    ) -> None:
        if status == 200 and op is not None and op.response is not None and raw is None:
            for error in op.response.iter_errors(payload):
                self.server.state.violations.append(f"response of {op.method} {op.template}: {error.message}")
        body = raw if raw is not None else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _reject(self, status: int, message: str) -> None:
        self.server.state.violations.append(f"{self.command} {self.path}: {message}")
        self._reply(status, {"code": 3 if status == 400 else 5, "message": message})

    def _handle(self) -> None:
        state = self.server.state
        url = urlsplit(self.path)
        match = None
        for op in OPERATIONS:
            found = op.regex.match(url.path)
            if found and op.method == self.command:
                match = (op, found.groupdict())
                break
        if match is None:
            self._reject(404, f"no {self.command} {url.path} in Argo's swagger.json")
            return
        op, params = match
        state.calls.append((op.method, op.template))
        if self.headers.get("Authorization") != f"Bearer {state.token}":
            self._reject(401, "missing or wrong bearer token")
            return
        query = parse_qs(url.query)
        unknown = set(query) - op.query
        if unknown:
            self._reject(400, f"query parameters not in swagger.json: {sorted(unknown)}")
            return
        body: Any = None
        if op.body is not None:
            length = int(self.headers.get("Content-Length") or 0)
            try:
                body = json.loads(self.rfile.read(length) or b"null")
            except ValueError:
                self._reject(400, "body is not JSON")
                return
            errors = [
                f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in op.body.iter_errors(body)
            ]
            if errors:
                self._reject(400, "; ".join(errors[:5]))
                return
            if isinstance(body, dict) and body.get("namespace") not in (None, params.get("namespace")):
                self._reject(400, "body namespace differs from the path's")
                return
        with state.lock:
            self._answer(op, params, query, body)

    def _answer(self, op: Operation, p: dict[str, str], query: dict[str, list[str]], body: Any) -> None:
        state = self.server.state
        ns, name = p.get("namespace", ""), p.get("name", "")
        key = (ns, name)
        t = op.template
        if t == "/api/v1/version":
            version = {"version": "v4.1.2", "buildDate": "2026-08-21T00:00:00Z", "gitCommit": "16a52d67",
                       "gitTag": "v4.1.2", "gitTreeState": "clean", "goVersion": "go1.24", "compiler": "gc",
                       "platform": "linux/amd64"}  # fmt: skip
            self._reply(200, version, op)
        elif t == "/api/v1/workflows/{namespace}" and op.method == "POST":
            self._reply(200, state.run(body["workflow"], ns), op)
        elif t == "/api/v1/workflows/{namespace}" and op.method == "GET":
            items = [w for (n, _), w in state.workflows.items() if n == ns]
            self._reply(200, {"metadata": {}, "items": items or None}, op)
        elif t == "/api/v1/workflows/{namespace}/lint":
            self._reply(200, body["workflow"], op)
        elif t == "/api/v1/workflows/{namespace}/submit":
            template = state.templates.get((ns, body["resourceName"]))
            if template is None:
                self._reply(404, {"code": 5, "message": f"workflowtemplate {body['resourceName']} not found"})
                return
            wf = {
                "metadata": {"generateName": body["resourceName"] + "-"},
                "spec": json.loads(json.dumps(template["spec"])),
            }
            for item in (body.get("submitOptions") or {}).get("parameters") or []:
                k, _, v = item.partition("=")
                for param in wf["spec"].get("arguments", {}).get("parameters", []):
                    if param["name"] == k:
                        param["value"] = v
            self._reply(200, state.run(wf, ns), op)
        elif key not in state.workflows and "{name}" in t and "workflow-templates" not in t:
            self._reply(404, {"code": 5, "message": f'workflows.argoproj.io "{name}" not found'})
        elif t == "/api/v1/workflows/{namespace}/{name}" and op.method == "GET":
            self._reply(200, state.workflows[key], op)
        elif t == "/api/v1/workflows/{namespace}/{name}" and op.method == "DELETE":
            del state.workflows[key]
            self._reply(200, {}, op)
        elif t == "/api/v1/workflows/{namespace}/{name}/log":
            pod = query.get("podName", [name])[0]
            lines = [{"result": {"content": f"log of {pod}", "podName": pod}}]
            self._reply(200, None, op, raw="\n".join(json.dumps(x) for x in lines).encode() + b"\n")
        elif t.endswith(("/stop", "/terminate")):
            wf = state.workflows[key]
            if wf["status"]["phase"] in ("Succeeded", "Failed", "Error"):
                self._reply(409, {"code": 9, "message": "cannot shutdown a completed workflow"})
                return
            self._reply(200, wf, op)
        elif t.endswith("/retry"):
            wf = state.workflows[key]
            if wf["status"]["phase"] == "Succeeded":
                self._reply(409, {"code": 9, "message": "cannot retry successful workflow"})
                return
            self._reply(200, wf, op)
        elif t.endswith("/resubmit"):
            old = state.workflows[key]
            wf = {"metadata": {"generateName": name + "-"}, "spec": json.loads(json.dumps(old["spec"]))}
            self._reply(200, state.run(wf, ns), op)
        elif t == "/api/v1/workflow-templates/{namespace}" and op.method == "GET":
            items = [w for (n, _), w in state.templates.items() if n == ns]
            self._reply(200, {"metadata": {}, "items": items or None}, op)
        else:
            self._reject(501, f"the test server does not answer {op.method} {t}")

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _handle


class ArgoServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, token: str) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.state = ArgoState(token)
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def __enter__(self) -> ArgoServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()
