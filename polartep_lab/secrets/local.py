"""The workspace's secrets from plain Python (a notebook, a script), without the server.

``workspace_secrets()`` opens the same encrypted store the server uses by default
(``$POLARTEP_DATA_DIR/secrets``, key from ``$POLARTEP_SECRETS_KEY`` or the key file), so a
script can bind a token to a host and call an API through the workspace's outbound client
without the token appearing in its code. The server picks up changes made here.
"""

from __future__ import annotations

import logging
from pathlib import Path

from ..core.paths import default_data_dir
from .service import SecretsService
from .store import EncryptedFileStore, StoreUnreadable, default_key_file


def workspace_secrets(
    data_dir: Path | str | None = None, key_file: Path | str | None = None
) -> SecretsService:
    """A secrets service over the workspace's encrypted store (created on first use)."""
    root = Path(data_dir).expanduser() if data_dir else default_data_dir()
    folder = root / "secrets"
    log = logging.getLogger("polartep.secrets")
    store: EncryptedFileStore | None = None
    problem: str | None = None
    try:
        store = EncryptedFileStore.open(
            folder / "secrets.enc", Path(key_file or default_key_file()).expanduser()
        )
    except StoreUnreadable as exc:
        problem = str(exc)
    return SecretsService(store, folder, log=log, problem=problem)
