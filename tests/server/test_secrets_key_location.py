"""The store key may not sit in the notebook folder, where sharing it would hand it out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .conftest import fetch_json


@pytest.fixture
def polartep_config(jp_root_dir: Path) -> dict[str, Any]:
    return {"secrets_key_file": str(jp_root_dir / "shared" / "secrets.key")}


async def test_key_file_in_the_notebook_folder_is_refused(jp_fetch: Any, jp_root_dir: Path) -> None:
    # Given a server configured with a key file inside the notebook folder
    # When secrets are listed, the problem is shown and no key was written there
    code, listing = await fetch_json(jp_fetch, "polartep", "api", "secrets")
    assert code == 200 and listing["status"] == "locked"
    assert "inside the notebook folder" in listing["problem"]
    assert not (jp_root_dir / "shared" / "secrets.key").exists()
    code, reply = await fetch_json(
        jp_fetch, "polartep", "api", "secrets", method="POST", body={"name": "A", "value": "v-1234"}
    )
    assert code == 409 and "inside the notebook folder" in reply["message"]
