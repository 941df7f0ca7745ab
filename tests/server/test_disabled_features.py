from __future__ import annotations

from typing import Any

import pytest

from .conftest import fetch_json


@pytest.fixture
def polartep_config() -> dict[str, Any]:
    return {"disabled_features": ["docs"]}


async def test_disabled_feature_has_no_routes_and_says_why(jp_fetch: Any) -> None:
    # Given docs disabled by configuration (fixture above)
    code, body = await fetch_json(jp_fetch, "polartep", "api", "status")
    docs = next(f for f in body["features"] if f["name"] == "docs")
    # Then status says it is off and why, and its routes answer 404
    assert docs["enabled"] is False
    assert docs["reason"] == "disabled by configuration"
    code, _ = await fetch_json(jp_fetch, "polartep", "api", "docs")
    assert code == 404
