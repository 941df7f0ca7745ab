"""Where workspace secrets are kept. Embedded default: one Fernet-encrypted file, mode 0600.

The key comes from ``$POLARTEP_SECRETS_KEY`` or a key file (0600) kept apart from the workspace
files. A store that cannot be decrypted (wrong key, damaged file) raises :class:`StoreUnreadable`
and is never overwritten: the service stays locked until the operator fixes the key or the file.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import stat
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from jupyter_core.paths import jupyter_data_dir

from ..core.paths import atomic_write

KEY_ENV = "POLARTEP_SECRETS_KEY"
KEY_FILE_ENV = "POLARTEP_SECRETS_KEY_FILE"
STORE_FILE = "secrets.enc"
FORMAT_VERSION = 1


class StoreUnreadable(Exception):
    """The store exists but cannot be read; its message names the cause, never a value."""


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


@dataclass
class StoredSecret:
    name: str
    value: str = field(repr=False)
    description: str = ""
    inject: bool = False
    hosts: list[str] = field(default_factory=list)
    auth: str = "bearer"
    header: str | None = None
    created: datetime = field(default_factory=now)
    updated: datetime = field(default_factory=now)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["created"] = self.created.isoformat()
        data["updated"] = self.updated.isoformat()
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StoredSecret:
        data = dict(data)
        data["created"] = datetime.fromisoformat(data["created"])
        data["updated"] = datetime.fromisoformat(data["updated"])
        return cls(**data)


class SecretStore(ABC):
    """A place that keeps the workspace's secrets (the backend of the secrets feature)."""

    kind = "embedded"

    @classmethod
    @abstractmethod
    def from_app(cls, app: Any, data_dir: Path) -> SecretStore:
        """Build from the `PolarTEP` app's configuration."""

    @abstractmethod
    def load(self) -> dict[str, StoredSecret]:
        """Every stored secret; raises :class:`StoreUnreadable` when the store cannot be read."""

    @abstractmethod
    def save(self, secrets: dict[str, StoredSecret]) -> None:
        """Replace the stored secrets atomically."""

    @abstractmethod
    def location(self) -> str:
        """Where the secrets are kept (for the status page; no key material)."""

    def stamp(self) -> object:
        """Changes whenever another process changed the store (None: never reload)."""
        return None

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Hold off other writers between a load and a save (other processes included)."""
        yield


def default_key_file() -> Path:
    """`$POLARTEP_SECRETS_KEY_FILE`, else `<jupyter data dir>/polartep-secrets.key`.

    That is a sibling of the default data dir (`<jupyter data dir>/polartep`), never inside it:
    copying or sharing the data dir does not carry the key along.
    """
    env = os.environ.get(KEY_FILE_ENV)
    if env:
        return Path(env).expanduser()
    return Path(jupyter_data_dir()) / "polartep-secrets.key"


def _check_key(raw: bytes, origin: str) -> bytes:
    key = raw.strip()
    try:
        Fernet(key)
    except (ValueError, TypeError) as exc:
        raise StoreUnreadable(
            f"{origin} does not hold a valid key (44 characters of url-safe base64; make one with "
            "`python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`)"
        ) from exc
    return key


def load_or_create_key(key_file: Path, store_exists: bool, environ: dict[str, str] | None = None) -> bytes:
    """The store key: from the environment, else the key file, else a new key file (first start only)."""
    env = os.environ if environ is None else environ
    if env.get(KEY_ENV):
        return _check_key(env[KEY_ENV].encode(), f"${KEY_ENV}")
    if key_file.is_file():
        mode = stat.S_IMODE(key_file.stat().st_mode)
        if mode & 0o077:
            os.chmod(key_file, 0o600)  # others must not read it; tighten rather than refuse
        return _check_key(key_file.read_bytes(), f"key file {key_file}")
    if store_exists:
        raise StoreUnreadable(
            f"the secrets store exists but its key file {key_file} is missing: restore the key file "
            f"or set ${KEY_ENV}; the store was left untouched"
        )
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key = Fernet.generate_key()
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(key + b"\n")
        fh.flush()
        os.fsync(fh.fileno())
    return key


class EncryptedFileStore(SecretStore):
    """One Fernet-encrypted JSON document in ``<data dir>/secrets/secrets.enc`` (mode 0600)."""

    kind = "embedded"

    def __init__(self, path: Path, key: bytes) -> None:
        self.path = path
        self._fernet = Fernet(key)

    @classmethod
    def from_app(cls, app: Any, data_dir: Path) -> EncryptedFileStore:
        path = data_dir / STORE_FILE
        key_file = Path(getattr(app, "secrets_key_file", "") or default_key_file()).expanduser()
        return cls.open(path, key_file)

    @classmethod
    def open(cls, path: Path, key_file: Path, environ: dict[str, str] | None = None) -> EncryptedFileStore:
        path.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(path.parent, 0o700)
        return cls(path, load_or_create_key(key_file, path.exists(), environ))

    def location(self) -> str:
        return str(self.path)

    def stamp(self) -> object:
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return None
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        fd = os.open(self.path.with_name(self.path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def load(self) -> dict[str, StoredSecret]:
        if not self.path.exists():
            return {}
        token = self.path.read_bytes()
        try:
            plain = self._fernet.decrypt(token)
        except InvalidToken as exc:
            raise StoreUnreadable(
                f"cannot decrypt the secrets store {self.path}: the key (${KEY_ENV} or the key file) "
                "is not the one it was written with, or the file is damaged; it was left untouched"
            ) from exc
        try:
            document = json.loads(plain)
            if document.get("version") != FORMAT_VERSION:
                raise ValueError(f"unknown format version {document.get('version')!r}")
            return {s["name"]: StoredSecret.from_json(s) for s in document["secrets"]}
        except (ValueError, KeyError, TypeError) as exc:
            raise StoreUnreadable(
                f"the secrets store {self.path} decrypts but its contents are damaged "
                f"({type(exc).__name__}); it was left untouched"
            ) from None

    def save(self, secrets: dict[str, StoredSecret]) -> None:
        document = {"version": FORMAT_VERSION, "secrets": [s.to_json() for s in secrets.values()]}
        token = self._fernet.encrypt(json.dumps(document).encode())
        atomic_write(self.path, token, mode=0o600)
