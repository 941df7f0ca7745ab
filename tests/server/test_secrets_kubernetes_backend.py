"""Switching the secrets backend to Kubernetes is configuration only: the REST API is the same."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.integration.kube_api import KubeSecretsAPI

from .conftest import fetch_json
from .secrets_helpers import create_secret


@pytest.fixture
def kube() -> Iterator[KubeSecretsAPI]:
    api = KubeSecretsAPI("sa-token")
    yield api
    api.close()


@pytest.fixture
def polartep_config(kube: KubeSecretsAPI, tmp_path: Path) -> dict[str, Any]:
    token_file = tmp_path / "sa-token"
    token_file.write_text("sa-token\n")
    return {
        "secrets_store_class": "polartep_lab.secrets.kubernetes.KubernetesSecretStore",
        "secrets_kubernetes": {
            "api_url": kube.url,
            "namespace": "polar-user-1",
            "token_file": str(token_file),
        },
    }


async def test_rest_api_on_the_kubernetes_backend(
    jp_fetch: Any, kube: KubeSecretsAPI, polartep_data_dir: Path
) -> None:
    # Given a server configured for the Kubernetes backend
    code, status = await fetch_json(jp_fetch, "polartep", "api", "status")
    feature = {f["name"]: f for f in status["features"]}["secrets"]
    assert feature["backend"]["kind"] == "real"
    assert feature["backend"]["name"] == "KubernetesSecretStore"
    # When a secret is created through the REST API
    await create_secret(jp_fetch, name="STAC_TOKEN", value="kube-tok-123", inject=True)
    # Then it lives in the Kubernetes Secret, not on the local disk
    assert ("polar-user-1", "polartep-workspace-secrets") in kube.objects
    assert not (polartep_data_dir / "secrets" / "secrets.enc").exists()
    code, listing = await fetch_json(jp_fetch, "polartep", "api", "secrets")
    assert code == 200 and [s["name"] for s in listing["secrets"]] == ["STAC_TOKEN"]
    assert "kube-tok-123" not in str(listing)
