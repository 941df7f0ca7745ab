"""The secrets service: validation, bindings, injection, shadowing, locked store."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from polartep_lab.core.errors import Conflict, Invalid, NotFound
from polartep_lab.secrets.models import CreateSecret, UpdateSecret
from polartep_lab.secrets.platform import MountedSecrets
from polartep_lab.secrets.service import SecretsService
from polartep_lab.secrets.store import EncryptedFileStore

LOG = logging.getLogger("polartep.test.secrets")


def make_service(tmp_path: Path, mount: Path | None = None, **kwargs: object) -> SecretsService:
    store = EncryptedFileStore.open(tmp_path / "data" / "secrets.enc", tmp_path / "key", environ={})
    return SecretsService(store, tmp_path / "data", MountedSecrets(mount, LOG), log=LOG, **kwargs)  # type: ignore[arg-type]


def create(service: SecretsService, name: str, value: str, **kw: object) -> None:
    service.create(CreateSecret.model_validate({"name": name, "value": value, **kw}))


def test_injection_bindings_and_get(tmp_path: Path) -> None:
    service = make_service(tmp_path)
    create(service, "STAC_TOKEN", "tok-aaaa", inject=True, hosts=["stac.example.org"])
    create(service, "DB_PW", "pw-bbbb", hosts=["*.db.example.org"], auth="basic")
    create(service, "KEY", "key-cccc", hosts=["stac.example.org"], auth="header", header="X-API-Key")
    assert service.injected_env() == {"STAC_TOKEN": "tok-aaaa"}
    assert service.credentials_for_host("STAC.example.org") == {
        "Authorization": "Bearer tok-aaaa",
        "X-API-Key": "key-cccc",
    }
    assert service.credentials_for_host("eu.db.example.org") == {"Authorization": "Basic cHctYmJiYg=="}
    assert service.credentials_for_host("db.example.org") == {}
    assert service.credentials_for_host("evil.org") == {}
    assert service.get("DB_PW") == "pw-bbbb"
    assert service.describe("STAC_TOKEN").last_used is not None


@pytest.mark.parametrize(
    ("body", "error", "reason"),
    [
        ({"name": "1BAD", "value": "x"}, Invalid, "bad_name"),
        ({"name": "PATH", "value": "x"}, Invalid, "reserved_name"),
        ({"name": "JUPYTER_TOKEN", "value": "x"}, Invalid, "reserved_name"),
        ({"name": "OK", "value": ""}, Invalid, "empty_value"),
        ({"name": "OK", "value": "x" * (64 * 1024 + 1)}, Invalid, "too_large"),
        ({"name": "OK", "value": "x", "hosts": ["https://a.org/x"]}, Invalid, "bad_host"),
        ({"name": "OK", "value": "x", "hosts": ["*"]}, Invalid, "bad_host"),
        ({"name": "OK", "value": "x", "auth": "header"}, Invalid, "bad_header"),
        ({"name": "TAKEN", "value": "x"}, Conflict, "exists"),
        ({"name": "OTHER", "value": "x", "hosts": ["a.org"]}, Conflict, "binding_clash"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_lost(
    tmp_path: Path, body: dict[str, object], error: type, reason: str
) -> None:
    # Given a store with one secret bound to a.org
    service = make_service(tmp_path)
    create(service, "TAKEN", "kept-value", hosts=["a.org"])
    before = service.store.path.read_bytes()  # type: ignore[union-attr]
    # When a bad secret is created
    with pytest.raises(error) as info:
        create(service, **body)  # type: ignore[arg-type]
    # Then the error names the cause, never the value, and the store is unchanged
    assert info.value.reason == reason
    assert "kept-value" not in info.value.message
    assert service.store.path.read_bytes() == before  # type: ignore[union-attr]
    assert service.get("TAKEN") == "kept-value"


def test_update_keeps_value_unless_given(tmp_path: Path) -> None:
    service = make_service(tmp_path)
    create(service, "A", "value-1", description="d")
    service.update("A", UpdateSecret(inject=True))
    assert service.get("A") == "value-1"
    assert service.injected_env() == {"A": "value-1"}
    service.update("A", UpdateSecret.model_validate({"value": "value-2"}))
    assert service.get("A") == "value-2"
    service.delete("A")
    with pytest.raises(NotFound):
        service.get("A")


def test_state_survives_a_restart(tmp_path: Path) -> None:
    create(make_service(tmp_path), "A", "value-1", inject=True)
    assert make_service(tmp_path).injected_env() == {"A": "value-1"}


def test_platform_secrets_are_read_only_and_usable(tmp_path: Path) -> None:
    mount = tmp_path / "mount"
    mount.mkdir()
    (mount / "registry-token").write_text("reg-1234\n")
    service = make_service(tmp_path, mount, mount_hosts={"REGISTRY_TOKEN": ["registry.example.org"]})
    listing = service.list()
    assert [(s.name, s.source.value, s.read_only) for s in listing.secrets] == [
        ("REGISTRY_TOKEN", "platform", True)
    ]
    assert service.injected_env() == {"REGISTRY_TOKEN": "reg-1234"}
    assert service.credentials_for_host("registry.example.org") == {"Authorization": "Bearer reg-1234"}
    with pytest.raises(Conflict, match="read-only"):
        service.update("REGISTRY_TOKEN", UpdateSecret(inject=False))
    with pytest.raises(Conflict):
        service.delete("REGISTRY_TOKEN")
    with pytest.raises(Conflict):
        create(service, "REGISTRY_TOKEN", "mine")


def test_locked_store_refuses_changes_but_platform_secrets_work(tmp_path: Path) -> None:
    # Given a store written with one key, and a platform secret
    mount = tmp_path / "mount"
    mount.mkdir()
    (mount / "P").write_text("platform-1")
    create(make_service(tmp_path), "A", "value-1", inject=True)
    path = tmp_path / "data" / "secrets.enc"
    before = path.read_bytes()
    # When the server starts with another key
    wrong = {"POLARTEP_SECRETS_KEY": Fernet.generate_key().decode()}
    store = EncryptedFileStore.open(path, tmp_path / "key", environ=wrong)
    service = SecretsService(store, tmp_path / "data", MountedSecrets(mount, LOG), log=LOG)
    # Then the service is locked with a clear problem, refuses changes, never overwrites
    listing = service.list()
    assert listing.status.value == "locked"
    assert "cannot decrypt" in (listing.problem or "")
    with pytest.raises(Conflict, match="cannot be changed"):
        create(service, "B", "value-2")
    with pytest.raises(Conflict):
        service.delete("A")
    assert path.read_bytes() == before
    assert service.injected_env() == {"P": "platform-1"}


def test_two_processes_on_one_store_do_not_lose_changes(tmp_path: Path) -> None:
    # Given the server's service and a notebook's service over the same store
    server = make_service(tmp_path)
    notebook = make_service(tmp_path)
    # When each creates a secret
    create(server, "FROM_SERVER", "value-server")
    create(notebook, "FROM_NOTEBOOK", "value-notebook", inject=True)
    # Then both see both, and a later change by the server keeps the notebook's secret
    assert server.injected_env() == {"FROM_NOTEBOOK": "value-notebook"}
    server.update("FROM_SERVER", UpdateSecret(inject=True))
    assert sorted(make_service(tmp_path).injected_env()) == ["FROM_NOTEBOOK", "FROM_SERVER"]


def test_log_masker_is_reused_and_sees_other_processes_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given the server's service with one secret, and a notebook's service over the same store
    server = make_service(tmp_path)
    notebook = make_service(tmp_path)
    create(server, "FIRST", "value-first-1234")
    masker = server.masker()
    # When nothing changes, every log record gets the same masker (it is not rebuilt per record)
    assert server.masker() is masker
    assert "value-first-1234" not in masker.mask("token value-first-1234")
    # When another process adds a secret, the masker of a notebook save sees it at once
    create(notebook, "SECOND", "value-second-5678")
    assert "value-second-5678" not in server.masker(fresh=True).mask("x value-second-5678")
    # and the log masker sees the next one once its recheck interval has passed
    create(notebook, "THIRD", "value-third-9012")
    monkeypatch.setattr("polartep_lab.secrets.service.MASKER_RECHECK_S", 0.0)
    assert "value-third-9012" not in server.masker().mask("x value-third-9012")
