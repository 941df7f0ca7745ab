"""Files API on the workspace root: uploads, clashes, organizing, trash, inspection, COG, security."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from . import files_suite as suite
from .conftest import fetch_json


@pytest.fixture
def polartep_config() -> dict[str, Any]:
    return {"max_upload_bytes": 10 * 1024 * 1024}


@pytest.fixture
def raw_fetch(http_server_client: Any, jp_auth_header: dict[str, str], jp_base_url: str) -> Any:
    """GET a URL exactly as written (no client-side escaping), returning (status, body text)."""

    async def fetch(path: str) -> tuple[int, str]:
        response = await http_server_client.fetch(
            jp_base_url + path, headers=jp_auth_header, raise_error=False
        )
        return response.code, response.body.decode()

    return fetch


async def test_roots_name_the_workspace(jp_fetch: Any) -> None:
    code, body = await fetch_json(jp_fetch, "polartep/api/files/roots")
    assert code == 200
    assert [r["name"] for r in body["roots"]] == ["workspace"]
    assert body["roots"][0]["kind"] == "local"


async def test_listing_and_stat(jp_fetch: Any, jp_root_dir: Path) -> None:
    # Given a workspace with a folder, a file and a hidden file
    (jp_root_dir / "data").mkdir()
    (jp_root_dir / "data" / "a.tif").write_bytes(b"x" * 10)
    (jp_root_dir / ".hidden").write_text("secret")
    # When the root is listed, then the hidden file is not
    code, listing = await fetch_json(jp_fetch, "polartep/api/files/workspace/")
    assert code == 200 and listing["type"] == "directory"
    assert [e["name"] for e in listing["entries"]] == ["data"]
    # And a file's stat has its size and kind
    code, stat = await fetch_json(jp_fetch, "polartep/api/files/workspace/data/a.tif")
    assert (stat["size"], stat["kind"], stat["type"]) == (10, "raster", "file")
    code, _ = await fetch_json(jp_fetch, "polartep/api/files/workspace/.hidden")
    assert code == 404
    code, _ = await fetch_json(jp_fetch, "polartep/api/files/workspace/nope")
    assert code == 404


async def test_resumable_upload(jp_fetch: Any, polartep_data_dir: Path, jp_root_dir: Path) -> None:
    await suite.resumable_upload_never_shows_a_partial(jp_fetch, "workspace")
    # The partial lived in the data dir, never in the workspace
    assert not list(polartep_data_dir.glob("files/uploads/*.part"))
    assert sorted(p.name for p in (jp_root_dir / "big").iterdir()) == ["scene.bin"]


async def test_name_clash(jp_fetch: Any) -> None:
    await suite.name_clash_asks_then_follows_the_choice(jp_fetch, "workspace")


async def test_organize_and_trash(jp_fetch: Any, polartep_data_dir: Path) -> None:
    await suite.organize_and_recover_from_trash(jp_fetch, "workspace")
    # Emptying the trash removes the kept content from the data dir
    code, _body = await fetch_json(jp_fetch, "polartep/api/files/trash", method="DELETE")
    assert code == 200
    assert not [p for p in (polartep_data_dir / "files" / "trash").iterdir()]


async def test_inspection(jp_fetch: Any, tmp_path: Path) -> None:
    await suite.inspect_polar_geodata(jp_fetch, "workspace", tmp_path)


async def test_netcdf_and_stac_inspection(jp_fetch: Any, jp_root_dir: Path) -> None:
    from polartep_lab.files import samples

    samples.sea_ice_netcdf(jp_root_dir / "ice.nc")
    item = {
        "type": "Feature",
        "stac_version": "1.0.0",
        "id": "s1",
        "bbox": [170, 60, -170, 70],
        "properties": {},
        "links": [{"rel": "self", "href": "s1.json"}],
        "assets": {"data": {}},
    }
    (jp_root_dir / "s1.json").write_text(json.dumps(item))
    code, nc = await fetch_json(jp_fetch, "polartep/api/files/workspace/ice.nc", params={"metadata": "1"})
    assert code == 200
    assert nc["type"] == "netcdf" and nc["dimensions"] == {"y": 16, "x": 16}, nc
    assert nc["variables"][0]["grid_mapping"] == "crs"
    assert nc["grid_mappings"]["crs"]["name"] == "polar_stereographic"
    assert nc["crs"] is not None
    _code, stac = await fetch_json(jp_fetch, "polartep/api/files/workspace/s1.json", params={"metadata": "1"})
    assert (stac["type"], stac["stac_type"], stac["id"]) == ("stac", "Feature", "s1")
    assert stac["links"] == [{"rel": "self", "href": "s1.json"}]


async def test_convert_to_cog(jp_fetch: Any, tmp_path: Path) -> None:
    await suite.convert_to_cog(jp_fetch, "workspace", tmp_path)


async def test_quota_is_413_with_the_limit(jp_fetch: Any) -> None:
    code, err = await fetch_json(
        jp_fetch,
        "polartep/api/files/uploads",
        method="POST",
        body={"root": "workspace", "path": "huge.bin", "size": 11 * 1024 * 1024},
    )
    assert code == 413 and str(10 * 1024 * 1024) in err["message"]


async def test_bad_paths(jp_fetch: Any, raw_fetch: Any, jp_root_dir: Path, tmp_path: Path) -> None:
    await suite.bad_paths_are_refused(jp_fetch, raw_fetch, "workspace")
    # A symlink pointing outside the root is not listed and cannot be read
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("no")
    os.symlink(outside, jp_root_dir / "escape")
    code, listing = await fetch_json(jp_fetch, "polartep/api/files/workspace/")
    assert "escape" not in [e["name"] for e in listing["entries"]]
    code, body = await raw_fetch("polartep/api/files/workspace/escape/secret.txt?download=1")
    assert code == 400 and json.loads(body)["reason"] == "path_escape"
    # Bad input changes nothing: an upload to an escaping path is refused before any write
    code, _ = await fetch_json(
        jp_fetch,
        "polartep/api/files/uploads",
        method="POST",
        body={"root": "workspace", "path": "escape/new.txt", "size": 1},
    )
    assert code == 400 and not (outside / "new.txt").exists()


async def test_user_added_bucket_root(jp_fetch: Any, polartep_data_dir: Path) -> None:
    base = "polartep/api/files/roots"
    # A root pointing at a cloud metadata address is refused
    code, err = await fetch_json(
        jp_fetch, base, method="POST",
        body={"name": "meta", "bucket": "x-bucket", "endpoint_url": "http://169.254.169.254"},
    )  # fmt: skip
    assert code == 403 and err["reason"] == "metadata_address"
    # A root with credentials by secret name is kept (without any credential) and listed
    code, root = await fetch_json(
        jp_fetch, base, method="POST",
        body={"name": "team", "bucket": "team-bucket", "endpoint_url": "http://127.0.0.1:9",
              "credentials_secret": "TEAM_S3"},
    )  # fmt: skip
    assert code == 201 and root["removable"] is True
    stored = json.loads((polartep_data_dir / "files" / "roots.json").read_text())
    assert stored[0]["credentials_secret"] == "TEAM_S3" and "secret" not in stored[0]
    code, body = await fetch_json(jp_fetch, base)
    assert [r["name"] for r in body["roots"]] == ["workspace", "team"]
    # Reserved names and duplicates are refused
    code, _ = await fetch_json(jp_fetch, base, method="POST", body={"name": "uploads", "bucket": "abc"})
    assert code == 400
    code, _ = await fetch_json(jp_fetch, base, method="POST", body={"name": "team", "bucket": "abc"})
    assert code == 409
    # Using it without a secrets service says so clearly (503), whether or not secrets exist here
    code, err = await fetch_json(jp_fetch, "polartep/api/files/team/")
    assert code in (403, 503) and err["reason"] in ("secrets_unavailable", "no_secret"), err
    # Removing it forgets it; the workspace root cannot be removed
    code, _ = await fetch_json(jp_fetch, base, "team", method="DELETE")
    assert code == 204
    code, _ = await fetch_json(jp_fetch, base, "workspace", method="DELETE")
    assert code == 400
