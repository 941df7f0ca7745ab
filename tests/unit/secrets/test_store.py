"""The encrypted file store: no clear text on disk, 0600, wrong key or damage never overwrites."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from polartep_lab.secrets.store import EncryptedFileStore, StoredSecret, StoreUnreadable, load_or_create_key

VALUE = "s3cr3t-token-0123456789"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_store_round_trip_is_encrypted_and_private(tmp_path: Path) -> None:
    # Given a new store with a key file made on first start
    key_file = tmp_path / "keys" / "secrets.key"
    store = EncryptedFileStore.open(tmp_path / "data" / "secrets.enc", key_file, environ={})
    # When a secret is saved
    store.save({"TOKEN": StoredSecret("TOKEN", VALUE, "a token")})
    # Then the file and the key are 0600, the file holds no clear text, and it reads back
    assert mode(store.path) == 0o600
    assert mode(key_file) == 0o600
    assert VALUE.encode() not in store.path.read_bytes()
    assert b"TOKEN" not in store.path.read_bytes()
    again = EncryptedFileStore.open(store.path, key_file, environ={})
    assert again.load()["TOKEN"].value == VALUE
    assert VALUE not in repr(again.load()["TOKEN"])


def test_key_from_environment_wins(tmp_path: Path) -> None:
    key = Fernet.generate_key().decode()
    store = EncryptedFileStore.open(
        tmp_path / "s.enc", tmp_path / "unused.key", {"POLARTEP_SECRETS_KEY": key}
    )
    store.save({"A": StoredSecret("A", VALUE)})
    assert not (tmp_path / "unused.key").exists()
    assert Fernet(key.encode()).decrypt(store.path.read_bytes())


def test_wrong_key_is_a_clear_error_and_leaves_the_file(tmp_path: Path) -> None:
    # Given a store written with one key
    store = EncryptedFileStore.open(tmp_path / "s.enc", tmp_path / "k1", environ={})
    store.save({"A": StoredSecret("A", VALUE)})
    before = store.path.read_bytes()
    # When it is opened with another key
    other = EncryptedFileStore.open(
        store.path, tmp_path / "k2-does-not-exist", {"POLARTEP_SECRETS_KEY": Fernet.generate_key().decode()}
    )
    # Then reading fails with a message that names the cause, and the file is unchanged
    with pytest.raises(StoreUnreadable, match="cannot decrypt"):
        other.load()
    assert store.path.read_bytes() == before


def test_missing_key_file_for_an_existing_store_is_refused(tmp_path: Path) -> None:
    (tmp_path / "s.enc").write_bytes(b"gAAAA-whatever")
    with pytest.raises(StoreUnreadable, match=r"key file .* is missing"):
        load_or_create_key(tmp_path / "nokey", store_exists=True, environ={})
    assert not (tmp_path / "nokey").exists()


def test_bad_key_material_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreUnreadable, match="valid key"):
        load_or_create_key(tmp_path / "k", store_exists=False, environ={"POLARTEP_SECRETS_KEY": "short"})


def test_damaged_file_is_refused(tmp_path: Path) -> None:
    store = EncryptedFileStore.open(tmp_path / "s.enc", tmp_path / "k", environ={})
    store.save({"A": StoredSecret("A", VALUE)})
    damaged = bytearray(store.path.read_bytes())
    damaged[40] ^= 0x01
    store.path.write_bytes(bytes(damaged))
    with pytest.raises(StoreUnreadable):
        store.load()
    assert store.path.read_bytes() == bytes(damaged)


def test_loose_key_file_permissions_are_tightened(tmp_path: Path) -> None:
    key_file = tmp_path / "k"
    key_file.write_bytes(Fernet.generate_key())
    key_file.chmod(0o644)
    load_or_create_key(key_file, store_exists=False, environ={})
    assert mode(key_file) == 0o600
