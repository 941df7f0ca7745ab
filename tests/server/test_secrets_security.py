"""Security of the secrets feature: nothing in clear on disk, in listings or in logs; a broken
store locks the feature without losing anything."""

from __future__ import annotations

import logging
import stat
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet

from .conftest import fetch_json
from .secrets_helpers import create_secret, files_containing

VALUES = {
    "STAC_TOKEN": "stac-tok-9f8e7d6c5b4a",
    "DB_PASSWORD": "pw-Zq81!xK0-long",
    "S3_KEY": "AKIAEXAMPLE12345678",
}


async def test_values_never_in_clear_on_disk_in_listings_or_logs(
    jp_fetch: Any,
    jp_serverapp: Any,
    jp_root_dir: Path,
    jp_data_dir: Path,
    polartep_data_dir: Path,
    key_file: Path,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    # Given secrets created through the API (one injected, one bound to a host)
    for name, value in VALUES.items():
        await create_secret(
            jp_fetch,
            name=name,
            value=value,
            inject=name != "DB_PASSWORD",
            hosts=[f"{name.lower()}.example.org".replace("_", "-")],
        )
    # When they are used, updated and misused in ways that produce errors and log lines
    code, listing = await fetch_json(jp_fetch, "polartep", "api", "secrets")
    assert code == 200
    for name, value in VALUES.items():
        code, reply = await fetch_json(
            jp_fetch, "polartep", "api", "secrets", method="POST", body={"name": name, "value": value}
        )
        assert code == 409 and value not in reply["message"]
        code, reply = await fetch_json(
            jp_fetch, "polartep", "api", "secrets", "NOPE_" + name, method="PUT", body={"value": value}
        )
        assert code == 404 and value not in str(reply)
        code, reply = await fetch_json(
            jp_fetch, "polartep", "api", "secrets", method="POST", body={"name": "1" + value, "value": value}
        )
        assert code == 400 and value not in str(reply)
        code, reply = await fetch_json(
            jp_fetch, "polartep", "api", "secrets", method="POST", body='{"name": "' + value
        )
        assert code == 400 and value not in str(reply)
    service = jp_serverapp.web_app.settings["polartep_services"]["secrets"]
    assert service.injected_env() == {"STAC_TOKEN": VALUES["STAC_TOKEN"], "S3_KEY": VALUES["S3_KEY"]}
    # and something in the server logs a value by mistake
    logging.getLogger("tornado.application").error("upstream said %s", VALUES["S3_KEY"])
    jp_serverapp.log.warning("debug dump: %s", VALUES)
    # Then no file under the data dir, the notebook folder or the Jupyter data dir holds a value
    for value in VALUES.values():
        for root in (polartep_data_dir, jp_root_dir, jp_data_dir, key_file.parent):
            assert files_containing(root, value) == [], value
    store = polartep_data_dir / "secrets" / "secrets.enc"
    assert stat.S_IMODE(store.stat().st_mode) == 0o600
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    # And the listing holds no value
    assert not any(v in str(listing) for v in VALUES.values())
    # And the logs captured during the whole test hold none either (the mistakes were masked)
    out, err = capfd.readouterr()
    setup = "\n".join(r.getMessage() for r in caplog.get_records("setup"))
    logs = setup + caplog.text + out + err
    assert "upstream said ***" in logs
    assert "secret STAC_TOKEN created" in logs
    for value in VALUES.values():
        assert value not in logs


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    path = tmp_path / "keys" / "secrets.key"
    path.parent.mkdir()
    path.write_bytes(Fernet.generate_key())
    path.chmod(0o600)
    return path


@pytest.fixture
def polartep_config(key_file: Path) -> dict[str, Any]:
    return {"secrets_key_file": str(key_file)}
