"""The real engine: an Argo Workflows server over its REST API (``api/openapi-spec/swagger.json``).

Every request goes through the workspace's outbound client (``ctx.http``), which refuses
link-local/metadata addresses and adds credentials from the secrets store by host; a bearer
token can also come from a named secret.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import httpx

from ..core.errors import Conflict, Forbidden, Invalid, NotFound, Upstream
from ..core.http import OutboundClient
from .service import AUTHOR_LABEL, label_value


def pod_name(workflow: str, node: dict[str, Any]) -> str:
    """Argo's pod names (POD_NAMES=v2): ``<workflow>-<template>-<node hash>``."""
    nid = str(node.get("id", ""))
    template = node.get("templateName")
    if not template or "-" not in nid or nid == workflow:
        return nid
    return f"{workflow}-{template}-{nid.rsplit('-', 1)[1]}"


class ArgoBackend:
    kind = "argo"

    def __init__(
        self,
        http: OutboundClient,
        url: str,
        namespace: str = "argo",
        token: Callable[[], str | None] | None = None,
        verify_tls: bool = True,
    ) -> None:
        if not url:
            raise Invalid("the Argo backend needs c.PolarTEP.argo_url", "no_argo_url")
        self.http = http
        self.url = url.rstrip("/")
        self.namespace = namespace
        self.token = token or (lambda: None)
        self.verify_tls = verify_tls

    # ---- transport -----------------------------------------------------------------------
    def _request(self, method: str, path: str, body: Any = None, params: dict[str, str] | None = None) -> Any:
        headers = {"Accept": "application/json"}
        token = self.token()
        if token:
            headers["Authorization"] = token if token.lower().startswith("bearer ") else f"Bearer {token}"
        try:
            with self.http.client(verify=self.verify_tls) as client:
                response = client.request(method, self.url + path, json=body, params=params, headers=headers)
        except httpx.HTTPError as exc:
            raise Upstream(f"Argo server {self.url} cannot be reached: {exc}", "argo_unreachable") from exc
        if response.status_code >= 400:
            try:
                message = response.json().get("message") or response.text
            except ValueError:
                message = response.text
            error = {400: Invalid, 401: Forbidden, 403: Forbidden, 404: NotFound, 409: Conflict}.get(
                response.status_code, Upstream
            )
            raise error(f"Argo: {message}", "argo")
        return response

    def _json(self, method: str, path: str, body: Any = None, params: dict[str, str] | None = None) -> Any:
        response = self._request(method, path, body, params)
        return response.json() if response.content else {}

    def _wf(self, name: str = "", verb: str = "") -> str:
        path = f"/api/v1/workflows/{quote(self.namespace, safe='')}"
        if name:
            path += f"/{quote(name, safe='')}"
        if verb:
            path += f"/{verb}"
        return path

    # ---- workflows -----------------------------------------------------------------------
    def submit(self, manifest: dict[str, Any]) -> dict[str, Any]:
        workflow = json.loads(json.dumps(manifest))
        workflow.setdefault("metadata", {})["namespace"] = self.namespace
        workflow.pop("status", None)
        return self._json("POST", self._wf(), {"namespace": self.namespace, "workflow": workflow})  # type: ignore[no-any-return]

    def lint(self, manifest: dict[str, Any]) -> dict[str, Any]:
        workflow = json.loads(json.dumps(manifest))
        workflow.setdefault("metadata", {})["namespace"] = self.namespace
        return self._json("POST", self._wf("lint"), {"namespace": self.namespace, "workflow": workflow})  # type: ignore[no-any-return]

    def get(self, name: str) -> dict[str, Any]:
        return self._json("GET", self._wf(name))  # type: ignore[no-any-return]

    def list(self) -> list[dict[str, Any]]:
        reply = self._json("GET", self._wf(), params={"listOptions.limit": "500"})
        return list(reply.get("items") or [])

    def delete(self, name: str) -> None:
        self._request("DELETE", self._wf(name))

    def _action(self, name: str, verb: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
        body = {"name": name, "namespace": self.namespace, **(extra or {})}
        return self._json("PUT", self._wf(name, verb), body)  # type: ignore[no-any-return]

    def stop(self, name: str) -> dict[str, Any]:
        return self._action(name, "stop")

    def terminate(self, name: str) -> dict[str, Any]:
        return self._action(name, "terminate")

    def retry(self, name: str) -> dict[str, Any]:
        return self._action(name, "retry")

    def resubmit(self, name: str) -> dict[str, Any]:
        return self._action(name, "resubmit", {"memoized": False})

    def logs(self, name: str, node: str | None = None) -> str:
        params = {"logOptions.container": "main"}
        if node:
            workflow = self.get(name)
            nodes = (workflow.get("status") or {}).get("nodes") or {}
            found = nodes.get(node) or next((n for n in nodes.values() if n.get("name") == node), None)
            if found is None:
                raise NotFound(f"run {name!r} has no node {node!r}", "no_node")
            params["podName"] = pod_name(name, found)
        response = self._request("GET", self._wf(name, "log"), params=params)
        lines = []
        for raw in response.text.splitlines():
            if not raw.strip():
                continue
            try:
                entry = json.loads(raw)
            except ValueError:
                lines.append(raw)
                continue
            result = entry.get("result") or {}
            if "content" in result:
                lines.append(str(result["content"]))
        return "\n".join(lines) + ("\n" if lines else "")

    # ---- templates -----------------------------------------------------------------------
    def templates(self) -> list[dict[str, Any]]:
        path = f"/api/v1/workflow-templates/{quote(self.namespace, safe='')}"
        return list(self._json("GET", path).get("items") or [])

    def submit_template(
        self, name: str, parameters: dict[str, str] | None = None, author: str | None = None
    ) -> dict[str, Any]:
        options: dict[str, Any] = {"parameters": [f"{k}={v}" for k, v in (parameters or {}).items()]}
        if author is not None:  # Argo's submit options take labels as "key=value,..."
            options["labels"] = f"{AUTHOR_LABEL}={label_value(author)}"
        body = {
            "namespace": self.namespace,
            "resourceKind": "WorkflowTemplate",
            "resourceName": name,
            "submitOptions": options,
        }
        return self._json("POST", self._wf("submit"), body)  # type: ignore[no-any-return]

    def health(self) -> tuple[bool, str]:
        self._json("GET", "/api/v1/version")
        return True, f"Argo server {self.url} (namespace {self.namespace})"
