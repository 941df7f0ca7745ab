"""The files API scenarios, run the same on every kind of root (workspace folder, S3 bucket).

`tests/server/test_files_api.py` runs them on `workspace`; `tests/integration/test_files_s3.py`
on a bucket of a real S3-compatible server (moto's standalone server on 127.0.0.1).
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import os
import zipfile
from pathlib import Path
from typing import Any

from polartep_lab.files import samples

from .conftest import fetch_json

MB = 1024 * 1024


async def upload(
    jp_fetch: Any, root: str, path: str, data: bytes, chunk: int = MB, on_conflict: str = "ask"
) -> tuple[int, Any]:
    """Upload `data` in chunks the way the panel does; returns the last (status, body)."""
    code, body = await fetch_json(
        jp_fetch, "polartep/api/files/uploads", method="POST",
        body={"root": root, "path": path, "size": len(data), "on_conflict": on_conflict},
    )  # fmt: skip
    if code not in (200, 201) or body["state"] != "receiving":
        return code, body
    offset = body["offset"]
    while offset < len(data):
        code, body = await fetch_json(
            jp_fetch, "polartep/api/files/uploads", body["id"], method="PUT",
            params={"offset": offset}, body=data[offset : offset + chunk],
        )  # fmt: skip
        assert code == 200, body
        offset = body["offset"]
    return code, body


async def names(jp_fetch: Any, root: str, path: str = "") -> list[str]:
    code, body = await fetch_json(jp_fetch, "polartep/api/files", root, path)
    assert code == 200, body
    return [e["name"] for e in body["entries"]]


async def download(jp_fetch: Any, root: str, path: str) -> bytes:
    response = await jp_fetch("polartep/api/files", root, path, params={"download": "1"})
    return bytes(response.body)


async def resumable_upload_never_shows_a_partial(jp_fetch: Any, root: str) -> None:
    # Given a 5 MB file sent in 1 MB chunks
    data = os.urandom(5 * MB + 123)
    code, started = await fetch_json(
        jp_fetch, "polartep/api/files/uploads", method="POST",
        body={"root": root, "path": "big/scene.bin", "size": len(data)},
    )  # fmt: skip
    assert code == 201, started
    for offset in (0, MB):
        code, state = await fetch_json(
            jp_fetch, "polartep/api/files/uploads", started["id"], method="PUT",
            params={"offset": offset}, body=data[offset : offset + MB],
        )  # fmt: skip
        assert code == 200 and state["offset"] == offset + MB
    # When the connection breaks after 2 MB, then no file (partial or whole) is listed
    code, _ = await fetch_json(jp_fetch, "polartep/api/files", root, "big/scene.bin")
    assert code == 404
    assert "scene.bin" not in await names(jp_fetch, root, "") + (
        await names(jp_fetch, root, "big") if "big" in await names(jp_fetch, root) else []
    )
    # When a chunk arrives at the wrong offset, it is refused with the server's offset
    code, err = await fetch_json(
        jp_fetch, "polartep/api/files/uploads", started["id"], method="PUT",
        params={"offset": 3 * MB}, body=data[3 * MB : 4 * MB],
    )  # fmt: skip
    assert code == 409 and err["reason"] == "offset_mismatch" and str(2 * MB) in err["message"]
    # When the client starts the same upload again, it resumes from 2 MB
    code, resumed = await upload(jp_fetch, root, "big/scene.bin", data)
    assert resumed["id"] == started["id"] and resumed["state"] == "complete"
    # Then the file is whole and listed
    assert (
        hashlib.sha256(await download(jp_fetch, root, "big/scene.bin")).digest()
        == hashlib.sha256(data).digest()
    )
    code, stat = await fetch_json(jp_fetch, "polartep/api/files", root, "big/scene.bin")
    assert code == 200 and stat["size"] == len(data) and stat["type"] == "file"


async def name_clash_asks_then_follows_the_choice(jp_fetch: Any, root: str) -> None:
    # Given a file
    code, _ = await upload(jp_fetch, root, "clash/a.txt", b"first")
    # When the same name is uploaded without a choice, then the server asks (409 exists)
    code, err = await upload(jp_fetch, root, "clash/a.txt", b"second")
    assert code == 409 and err["reason"] == "exists"
    # keep both -> a new name, the old file untouched
    code, kept = await upload(jp_fetch, root, "clash/a.txt", b"second", on_conflict="keep_both")
    assert kept["final_path"] == "clash/a (1).txt"
    # skip -> nothing written
    code, skipped = await upload(jp_fetch, root, "clash/a.txt", b"third", on_conflict="skip")
    assert skipped["state"] == "skipped"
    assert await download(jp_fetch, root, "clash/a.txt") == b"first"
    # replace -> new content; the old one is recoverable from the trash
    code, replaced = await upload(jp_fetch, root, "clash/a.txt", b"fourth", on_conflict="replace")
    assert replaced["state"] == "complete"
    assert await download(jp_fetch, root, "clash/a.txt") == b"fourth"
    assert sorted(await names(jp_fetch, root, "clash")) == ["a (1).txt", "a.txt"]


async def organize_and_recover_from_trash(jp_fetch: Any, root: str) -> None:
    base = "polartep/api/files"
    # Given a folder with a file
    code, _ = await fetch_json(jp_fetch, base, root, "org", method="PUT", body={"type": "directory"})
    assert code == 201
    await upload(jp_fetch, root, "org/x.txt", b"x")
    # When it is renamed, copied and the copy deleted
    code, moved = await fetch_json(
        jp_fetch, base, root, "org/x.txt", method="PATCH", body={"to_path": "org/y.txt"}
    )
    assert code == 200 and moved["path"] == "org/y.txt"
    code, copied = await fetch_json(
        jp_fetch, base, root, "org/y.txt", method="POST", body={"to_path": "org/z.txt"}
    )
    assert code == 201 and copied["path"] == "org/z.txt"
    code, trashed = await fetch_json(jp_fetch, base, root, "org/z.txt", method="DELETE")
    assert code == 200 and trashed["path"] == "org/z.txt"
    assert await names(jp_fetch, root, "org") == ["y.txt"]
    # Then the trash holds it and restores it
    code, trash = await fetch_json(jp_fetch, base, "trash")
    assert trashed["id"] in [e["id"] for e in trash["entries"]]
    code, restored = await fetch_json(jp_fetch, base, "trash", trashed["id"], method="POST", body={})
    assert code == 200 and restored["path"] == "org/z.txt"
    assert await download(jp_fetch, root, "org/z.txt") == b"x"
    # A move onto an existing name asks first
    code, err = await fetch_json(
        jp_fetch, base, root, "org/y.txt", method="PATCH", body={"to_path": "org/z.txt"}
    )
    assert code == 409 and err["reason"] == "exists"
    # A folder downloads as a zip with its files
    await upload(jp_fetch, root, "org/sub/deep.txt", b"deep")
    archive = zipfile.ZipFile(io.BytesIO(await download(jp_fetch, root, "org")))
    assert sorted(archive.namelist()) == ["org/sub/deep.txt", "org/y.txt", "org/z.txt"]
    assert archive.read("org/sub/deep.txt") == b"deep"


async def inspect_polar_geodata(jp_fetch: Any, root: str, tmp: Path) -> None:
    base = "polartep/api/files"
    # Given a polar GeoTIFF (EPSG:3413, covering the pole) and a GeoJSON uploaded
    tif = samples.polar_geotiff(tmp / "arctic.tif")
    geojson = samples.stations_geojson(tmp / "stations.geojson")
    await upload(jp_fetch, root, "geo/arctic.tif", tif.read_bytes())
    await upload(jp_fetch, root, "geo/stations.geojson", geojson.read_bytes())
    await upload(jp_fetch, root, "geo/broken.tif", b"II*\x00 not really a tiff")
    # When the raster is inspected
    code, meta = await fetch_json(jp_fetch, base, root, "geo/arctic.tif", params={"metadata": "1"})
    assert code == 200, meta
    # Then CRS, size, bands, nodata and lon/lat bounds reaching the pole are reported
    assert meta["type"] == "raster" and "error" not in meta, meta
    assert meta["driver"] == "GTiff" and meta["crs"] == "EPSG:3413"
    assert (meta["width"], meta["height"], meta["count"], meta["dtype"]) == (128, 128, 1, "float32")
    assert meta["nodata"] == -9999
    west, south, east, north = meta["bounds"]
    assert north == 90 and (west, east) == (-180, 180) and 76 < south < 78  # box corner ~1414 km off the pole
    assert isinstance(meta["cog"]["valid"], bool) and "rioxarray" in meta["code"]
    # And the vector's driver, count, fields and bounds
    code, vec = await fetch_json(jp_fetch, base, root, "geo/stations.geojson", params={"metadata": "1"})
    assert vec["type"] == "vector" and vec["crs"] == "EPSG:4326" and vec["feature_count"] == 3
    assert {f["name"] for f in vec["layers"][0]["fields"]} == {"name", "elevation"}
    assert vec["bounds"] == [-62.35, 71.63, 128.87, 82.5]
    # A corrupt file reports the error instead of failing
    code, bad = await fetch_json(jp_fetch, base, root, "geo/broken.tif", params={"metadata": "1"})
    assert code == 200 and "cannot read broken.tif" in bad["error"]
    # A quicklook is a PNG
    response = await jp_fetch(base, root, "geo/arctic.tif", params={"quicklook": "1"})
    assert response.headers["Content-Type"] == "image/png", response.headers
    assert response.body[:8] == b"\x89PNG\r\n\x1a\n", response.body[:100]


async def convert_to_cog(jp_fetch: Any, root: str, tmp: Path) -> None:
    base = "polartep/api/files"
    tif = samples.polar_geotiff(tmp / "to-cog.tif", size=600)
    await upload(jp_fetch, root, "cog/to-cog.tif", tif.read_bytes())
    # When a COG conversion is started, then progress is polled until done
    code, task = await fetch_json(
        jp_fetch, base, "tasks", method="POST", body={"root": root, "path": "cog/to-cog.tif"}
    )
    assert code == 202, task
    for _ in range(600):
        code, task = await fetch_json(jp_fetch, base, "tasks", task["id"])
        if task["status"] in ("done", "failed"):
            break
        await asyncio.sleep(0.1)
    assert task["status"] == "done", task
    assert task["progress"] == 1 and task["result"]["path"] == "cog/to-cog-cog.tif"
    # Then the new file is a valid COG with overviews, the source unchanged
    code, meta = await fetch_json(jp_fetch, base, root, "cog/to-cog-cog.tif", params={"metadata": "1"})
    assert meta["cog"]["valid"] is True and meta["overviews"], meta
    code, src = await fetch_json(jp_fetch, base, root, "cog/to-cog.tif", params={"metadata": "1"})
    assert src["cog"]["valid"] is False


async def bad_paths_are_refused(jp_fetch: Any, raw_fetch: Any, root: str) -> None:
    for raw in (
        "../etc/passwd",
        "a/../../x",
        "%2e%2e/%2e%2e/etc/passwd",
        "a%252fb",
        "a%255cb",
        "/etc/passwd",
        "a%00b",
        "a%5c..%5cb",
    ):
        code, body = await raw_fetch(f"polartep/api/files/{root}/{raw}")
        assert code == 400, (raw, code, body)
        assert json.loads(body)["reason"] in ("bad_path", "path_escape"), raw
