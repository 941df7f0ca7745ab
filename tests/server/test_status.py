from __future__ import annotations

from typing import Any

from polartep_lab import __version__

from .conftest import fetch_json


async def test_status_reports_version_and_every_feature(jp_fetch: Any) -> None:
    # Given a server with the extension
    # When the status is asked
    code, body = await fetch_json(jp_fetch, "polartep", "api", "status")
    # Then it answers with the version and each feature's backend and health
    assert code == 200
    assert body["version"] == __version__
    names = {f["name"]: f for f in body["features"]}
    assert {"examples", "docs"} <= set(names)
    docs = names["docs"]
    assert docs["enabled"] is True
    assert docs["backend"]["kind"] == "embedded"
    assert docs["health"]["ok"] is True
    assert docs["config"]["pages"] >= 1
