"""Pure logic of the files feature: path cleaning, kinds, credentials, upload store, trash, bounds."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from polartep_lab.core.errors import Conflict, Invalid, NotFound
from polartep_lab.files.inspection import lonlat_bounds
from polartep_lab.files.local import LocalRoot
from polartep_lab.files.models import CreateS3Root, DescribeUpload, OnConflict, UploadState
from polartep_lab.files.roots import clean_path, kind_of
from polartep_lab.files.s3 import S3Root, Unavailable, parse_credentials
from polartep_lab.files.tasks import ProgressStream
from polartep_lab.files.trash import Trash
from polartep_lab.files.uploads import UploadStore


@pytest.mark.parametrize(
    "bad", ["..", "a/../..", "a/..", "/etc/passwd", "a\x00b", "a\\b", "a%2fb", "a%2F..", "%2e%2e", "x%5cy"]
)
def test_bad_paths_are_invalid(bad: str) -> None:
    with pytest.raises(Invalid):
        clean_path(bad)


def test_paths_are_normalized_and_hidden_refused() -> None:
    assert clean_path("") == ""
    assert clean_path("a//b/./c/") == "a/b/c"
    with pytest.raises(NotFound):
        clean_path("a/.git/config")
    assert clean_path(".polartep/x", show_hidden=True) == ".polartep/x"


def test_kinds() -> None:
    assert kind_of("scene.TIF", False) == "raster"
    assert kind_of("ice.nc", False) == "netcdf"
    assert kind_of("cube.zarr", True) == "zarr"
    assert kind_of("lakes.gpkg", False) == "vector"
    assert kind_of("item.json", False) == "json"
    assert kind_of("notes.md", False) == "file"
    assert kind_of("folder", True) == "folder"


def test_credentials_parsing() -> None:
    assert parse_credentials("AKIA:abc:def") == ("AKIA", "abc:def")
    assert parse_credentials(json.dumps({"access_key_id": "k", "secret_access_key": "s"})) == ("k", "s")
    with pytest.raises(ValueError):
        parse_credentials("no-separator")


def test_s3_root_without_secrets_service_degrades_clearly() -> None:
    root = S3Root("arctic", "bucket", credentials_secret="S3_CREDS", secret_lookup=None)
    with pytest.raises(Unavailable, match="secrets feature is not enabled"):
        root.storage_options()
    inline = S3Root("arctic", "bucket", key="KEY123", secret="SECRETXYZ", endpoint_url="http://127.0.0.1:9")
    assert inline.storage_options() == {
        "key": "KEY123",
        "secret": "SECRETXYZ",
        "client_kwargs": {"endpoint_url": "http://127.0.0.1:9"},
    }
    # the description (what listings show) never carries the credentials
    described = json.dumps(inline.describe())
    assert "KEY123" not in described and "SECRETXYZ" not in described


def test_root_names_and_prefixes_are_checked() -> None:
    for bad in ("uploads", "Workspace", "a/b", "workspace"):
        with pytest.raises(ValueError):
            CreateS3Root(name=bad, bucket="my-bucket")
    with pytest.raises(ValueError):
        CreateS3Root(name="ok", bucket="my-bucket", prefix="a/../..")


def test_local_root_hides_the_data_dir_and_escaping_links(tmp_path: Path) -> None:
    (tmp_path / "ws" / ".polartep").mkdir(parents=True)
    (tmp_path / "outside").mkdir()
    (tmp_path / "ws" / "out").symlink_to(tmp_path / "outside")
    root = LocalRoot(
        "workspace", tmp_path / "ws", excluded=(tmp_path / "ws" / ".polartep",), show_hidden=True
    )
    with pytest.raises(NotFound):
        root.full(".polartep/secrets/store")
    with pytest.raises(Invalid):
        root.full("out/x")
    assert [e.name for e in root.list("", show_hidden=True)] == []


def _upload(store: UploadStore, size: int) -> DescribeUpload:
    return store.create(
        DescribeUpload(
            id="",
            root="workspace",
            path="a.bin",
            size=size,
            offset=0,
            state=UploadState.receiving,
            on_conflict=OnConflict.ask,
            created="",
        )
    )


def test_upload_store_resumes_from_disk_truth(tmp_path: Path) -> None:
    store = UploadStore(tmp_path)
    upload = _upload(store, 10)
    store.append(upload.id, 0, b"abcd")
    # a crash after the data reached disk but before the record: the partial file is the truth
    with store.partial(upload.id).open("ab") as fh:
        fh.write(b"ef")
    assert store.get(upload.id).offset == 6
    with pytest.raises(Conflict):
        store.append(upload.id, 4, b"ef")
    with pytest.raises(Invalid):
        store.append(upload.id, 6, b"too much data")
    assert store.append(upload.id, 6, b"ghij").offset == 10
    assert store.find_unfinished("workspace", "a.bin", 10) is not None
    assert store.partial(upload.id).read_bytes() == b"abcdefghij"
    with pytest.raises(NotFound):
        store.get("../../etc/passwd")


def test_trash_purges_after_retention(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "old.txt").write_text("old")
    root = LocalRoot("workspace", ws)
    trash = Trash(tmp_path / "trash", retention_days=7)
    entry = trash.put(root, "old.txt", "file", 3)
    assert not (ws / "old.txt").exists()
    assert trash.purge_expired(lambda name: root) == 0
    record = tmp_path / "trash" / f"{entry.id}.json"
    data = json.loads(record.read_text())
    data["deleted"] = (datetime.now(UTC) - timedelta(days=8)).isoformat()
    record.write_text(json.dumps(data))
    assert trash.purge_expired(lambda name: root) == 1
    assert trash.list() == [] and not (tmp_path / "trash" / entry.id).exists()


def test_polar_bounds_are_densified_and_pole_aware() -> None:
    from pyproj import CRS

    # a box around the North Pole in EPSG:3413 reaches latitude 90 and every longitude
    west, south, east, north = lonlat_bounds(CRS.from_epsg(3413), (-1e6, -1e6, 1e6, 1e6))
    assert (west, east, north) == (-180, 180, 90) and 70 < south < 82
    # the same around the South Pole in EPSG:3031
    west, south, east, north = lonlat_bounds(CRS.from_epsg(3031), (-1e6, -1e6, 1e6, 1e6))
    assert south == -90 and -82 < north < -70
    # a box off the pole, over the antimeridian (Bering Strait): west > east
    b = lonlat_bounds(CRS.from_epsg(3413), (-1.6e6, 1.2e6, -1.2e6, 1.6e6))
    assert b is not None and b[0] > b[2], b


def test_progress_stream_reads_click_percentages() -> None:
    seen: list[float] = []
    stream = ProgressStream(seen.append)
    stream.write("Reading input: x  [####--------]   33%\r")
    stream.write("  [############]  100%")
    assert seen == [0.33, 1.0]
