"""Register as STAC item: refused clearly (503) while the stac feature is off."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from polartep_lab.files import samples

from .conftest import fetch_json


@pytest.fixture
def polartep_config() -> dict[str, Any]:
    return {"disabled_features": ["stac"]}


async def test_register_without_the_stac_feature_is_503(jp_fetch: Any, jp_root_dir: Path) -> None:
    # Given a raster in a workspace where the stac feature is switched off
    samples.polar_geotiff(jp_root_dir / "a.tif", size=32)
    # When it is registered as an item
    code, err = await fetch_json(
        jp_fetch, "polartep/api/files/stac-items", method="POST",
        body={"root": "workspace", "path": "a.tif", "collection_id": "c"},
    )  # fmt: skip
    # Then the answer says why, and nothing else happens
    assert code == 503 and err["reason"] == "stac_unavailable"
    assert "STAC feature is not enabled" in err["message"]
