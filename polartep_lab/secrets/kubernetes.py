"""Real backend: the workspace's secrets as one Kubernetes Secret (core/v1), through the API server.

Values go in the Secret's ``data`` (base64, as Kubernetes keeps them; encrypted at rest by the
cluster's configuration); the metadata (description, inject, hosts …) in one annotation. Writes
carry the ``resourceVersion`` read last, so a concurrent change is a 409, never a lost update.
Configured with ``c.PolarTEP.secrets_kubernetes`` (in-cluster defaults: the pod's service account).
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path
from typing import Any

import httpx

from ..core.errors import Conflict, Upstream
from .store import SecretStore, StoredSecret, StoreUnreadable

ANNOTATION = "polartep.eox.at/secrets"
SA_DIR = Path("/var/run/secrets/kubernetes.io/serviceaccount")


def _in_cluster_api() -> str:
    host, port = os.environ.get("KUBERNETES_SERVICE_HOST"), os.environ.get("KUBERNETES_SERVICE_PORT", "443")
    return f"https://{host}:{port}" if host else ""


class KubernetesSecretStore(SecretStore):
    kind = "real"

    def __init__(
        self,
        api_url: str,
        namespace: str,
        secret_name: str,
        token: str = "",
        verify: bool | str = True,
        timeout: float = 15.0,
    ) -> None:
        if not api_url:
            raise StoreUnreadable("no Kubernetes API: set c.PolarTEP.secrets_kubernetes['api_url']")
        self.api_url = api_url.rstrip("/")
        self.namespace = namespace
        self.secret_name = secret_name
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._client = httpx.Client(headers=headers, verify=verify, timeout=timeout)
        self._version: str | None = None

    @classmethod
    def from_app(cls, app: Any, data_dir: Path) -> KubernetesSecretStore:
        conf = dict(getattr(app, "secrets_kubernetes", {}) or {})
        token_file = Path(conf.get("token_file") or SA_DIR / "token")
        ca_file = conf.get("ca_file") or (str(SA_DIR / "ca.crt") if (SA_DIR / "ca.crt").exists() else None)
        namespace = conf.get("namespace")
        if not namespace and (SA_DIR / "namespace").exists():
            namespace = (SA_DIR / "namespace").read_text().strip()
        token = token_file.read_text().strip() if token_file.is_file() else ""
        verify: bool | str = ca_file if ca_file else not conf.get("insecure", False)
        return cls(
            conf.get("api_url") or _in_cluster_api(),
            namespace or "default",
            conf.get("secret_name") or "polartep-workspace-secrets",
            token,
            verify,
        )

    def _url(self, name: str | None = None) -> str:
        base = f"{self.api_url}/api/v1/namespaces/{self.namespace}/secrets"
        return f"{base}/{name}" if name else base

    def stamp(self) -> object:
        # the resourceVersion read or written last; a 409 on save reloads it, which makes the
        # service reload too before its next change
        return self._version

    def location(self) -> str:
        return f"kubernetes secret {self.namespace}/{self.secret_name} at {self.api_url}"

    def load(self) -> dict[str, StoredSecret]:
        try:
            response = self._client.get(self._url(self.secret_name))
        except httpx.HTTPError as exc:
            raise StoreUnreadable(
                f"cannot reach the Kubernetes API at {self.api_url}: {type(exc).__name__}"
            ) from None
        if response.status_code == 404:
            self._version = None
            return {}
        if response.status_code != 200:
            raise StoreUnreadable(
                f"the Kubernetes API answered {response.status_code} for secret "
                f"{self.namespace}/{self.secret_name} (check the service account's RBAC)"
            )
        body = response.json()
        self._version = body.get("metadata", {}).get("resourceVersion")
        try:
            meta = json.loads((body.get("metadata", {}).get("annotations") or {}).get(ANNOTATION, "{}"))
            data = body.get("data") or {}
            out = {}
            for name, encoded in data.items():
                fields = dict(meta.get(name) or {})
                fields.setdefault("created", "1970-01-01T00:00:00+00:00")
                fields.setdefault("updated", fields["created"])
                value = base64.b64decode(encoded, validate=True).decode("utf-8")
                out[name] = StoredSecret.from_json({**fields, "name": name, "value": value})
            return out
        except (ValueError, TypeError, KeyError) as exc:
            raise StoreUnreadable(
                f"kubernetes secret {self.namespace}/{self.secret_name} is not in the workspace's format "
                f"({type(exc).__name__})"
            ) from None

    def save(self, secrets: dict[str, StoredSecret]) -> None:
        meta = {}
        for name, secret in secrets.items():
            fields = secret.to_json()
            del fields["value"], fields["name"]
            meta[name] = fields
        metadata: dict[str, Any] = {
            "name": self.secret_name,
            "namespace": self.namespace,
            "labels": {"app.kubernetes.io/managed-by": "polartep-lab"},
            "annotations": {ANNOTATION: json.dumps(meta, sort_keys=True)},
        }
        if self._version is not None:
            metadata["resourceVersion"] = self._version
        document = {
            "apiVersion": "v1",
            "kind": "Secret",
            "type": "Opaque",
            "metadata": metadata,
            "data": {n: base64.b64encode(s.value.encode()).decode() for n, s in secrets.items()},
        }
        try:
            if self._version is None:
                response = self._client.post(self._url(), json=document)
            else:
                response = self._client.put(self._url(self.secret_name), json=document)
        except httpx.HTTPError as exc:
            raise Upstream(f"cannot reach the Kubernetes API: {type(exc).__name__}", "kubernetes") from None
        if response.status_code == 409:
            self.load()  # take the newer version; the caller retries with fresh data
            raise Conflict("the secrets changed elsewhere meanwhile; reload and try again", "changed")
        if response.status_code not in (200, 201):
            raise Upstream(f"the Kubernetes API answered {response.status_code}", "kubernetes")
        self._version = response.json().get("metadata", {}).get("resourceVersion")

    def close(self) -> None:
        self._client.close()
