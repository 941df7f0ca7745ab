"""The Kubernetes Secret backend against a local server with the core/v1 Secret API's semantics."""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from polartep_lab.core.errors import Conflict
from polartep_lab.secrets.kubernetes import ANNOTATION, KubernetesSecretStore
from polartep_lab.secrets.models import CreateSecret, UpdateSecret
from polartep_lab.secrets.service import SecretsService
from polartep_lab.secrets.store import StoreUnreadable

from .kube_api import KubeSecretsAPI

pytestmark = pytest.mark.integration
TOKEN = "sa-token-for-tests"
LOG = logging.getLogger("polartep.test.kube")


@pytest.fixture
def kube() -> Iterator[KubeSecretsAPI]:
    api = KubeSecretsAPI(TOKEN)
    yield api
    api.close()


def service(kube: KubeSecretsAPI, tmp_path: Path, token: str = TOKEN) -> SecretsService:
    store = KubernetesSecretStore(kube.url, "polar-user-1", "polartep-workspace-secrets", token)
    return SecretsService(store, tmp_path, log=LOG)


def test_secrets_live_in_one_kubernetes_secret(kube: KubeSecretsAPI, tmp_path: Path) -> None:
    # Given a workspace on the Kubernetes backend with no secret object yet
    svc = service(kube, tmp_path)
    assert svc.list().secrets == []
    # When secrets are created and updated
    svc.create(
        CreateSecret.model_validate(
            {"name": "STAC_TOKEN", "value": "tok-1", "inject": True, "hosts": ["stac.example.org"]}
        )
    )
    svc.create(CreateSecret.model_validate({"name": "DB_PW", "value": "pw-2"}))
    svc.update("DB_PW", UpdateSecret(description="database"))
    # Then one Secret object holds the values (base64) and the metadata (annotation, no values)
    obj = kube.objects[("polar-user-1", "polartep-workspace-secrets")]
    assert base64.b64decode(obj["data"]["STAC_TOKEN"]).decode() == "tok-1"
    meta = json.loads(obj["metadata"]["annotations"][ANNOTATION])
    assert meta["DB_PW"]["description"] == "database"
    assert "tok-1" not in obj["metadata"]["annotations"][ANNOTATION]
    assert [m for m, _ in kube.requests].count("POST") == 1  # created once, then replaced
    # And a new server process reads them back
    again = service(kube, tmp_path)
    assert again.injected_env() == {"STAC_TOKEN": "tok-1"}
    assert again.credentials_for_host("stac.example.org") == {"Authorization": "Bearer tok-1"}
    again.delete("DB_PW")
    assert sorted(kube.objects[("polar-user-1", "polartep-workspace-secrets")]["data"]) == ["STAC_TOKEN"]


def test_concurrent_change_is_a_conflict_not_a_lost_update(kube: KubeSecretsAPI, tmp_path: Path) -> None:
    # Given two servers on the same Secret
    first = service(kube, tmp_path)
    first.create(CreateSecret.model_validate({"name": "A", "value": "a-1"}))
    second_view = service(kube, tmp_path)  # reads A
    first.create(CreateSecret.model_validate({"name": "B", "value": "b-1"}))
    # When the one with a stale view writes, it gets a 409 and nothing is lost
    with pytest.raises(Conflict):
        second_view.create(CreateSecret.model_validate({"name": "C", "value": "c-1"}))
    # And retrying after the reload keeps everybody's secrets
    second_view.create(CreateSecret.model_validate({"name": "C", "value": "c-1"}))
    assert sorted(s.name for s in service(kube, tmp_path).list().secrets) == ["A", "B", "C"]


def test_refused_credentials_lock_the_store(kube: KubeSecretsAPI, tmp_path: Path) -> None:
    svc = service(kube, tmp_path, token="wrong")
    assert svc.status.value == "locked"
    assert "answered 401" in (svc.problem or "")
    with pytest.raises(Conflict):
        svc.create(CreateSecret.model_validate({"name": "A", "value": "a-1"}))
    with pytest.raises(StoreUnreadable):
        KubernetesSecretStore("", "ns", "name")
