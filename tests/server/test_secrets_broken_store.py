"""A store the server cannot decrypt locks the feature, tells the panel, and is never overwritten."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet

from .conftest import fetch_json
from .test_secrets_security import key_file, polartep_config

__all__ = ["key_file", "polartep_config"]


@pytest.fixture
def polartep_data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "polartep-data"
    (path / "secrets").mkdir(parents=True)
    # a store written with a key the server does not have
    token = Fernet(Fernet.generate_key()).encrypt(b'{"version": 1, "secrets": []}')
    (path / "secrets" / "secrets.enc").write_bytes(token)
    return path


async def test_wrong_key_locks_the_store_and_keeps_the_file(
    jp_fetch: Any, polartep_data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Given a server started over a store encrypted with another key
    store = polartep_data_dir / "secrets" / "secrets.enc"
    before = store.read_bytes()
    # Then start-up logged a clear error
    setup_log = "\n".join(r.getMessage() for r in caplog.get_records("setup"))
    assert "secrets store locked: cannot decrypt the secrets store" in setup_log
    # When the panel lists secrets, it is told what is wrong
    code, listing = await fetch_json(jp_fetch, "polartep", "api", "secrets")
    assert code == 200
    assert listing["status"] == "locked"
    assert "cannot decrypt" in listing["problem"]
    # And the status page reports the feature unhealthy
    code, status = await fetch_json(jp_fetch, "polartep", "api", "status")
    feature = {f["name"]: f for f in status["features"]}["secrets"]
    assert feature["health"]["ok"] is False and "cannot decrypt" in feature["health"]["detail"]
    # When a secret is created anyway, it is refused and the file is not overwritten
    code, reply = await fetch_json(
        jp_fetch, "polartep", "api", "secrets", method="POST", body={"name": "A", "value": "value-1"}
    )
    assert code == 409 and reply["reason"] == "store_unreadable"
    assert store.read_bytes() == before
