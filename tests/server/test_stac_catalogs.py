"""Catalog registry, the proxy to remote catalogs, the code snippet and pystac-client, over REST."""

from __future__ import annotations

import asyncio
import json
import socket
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.stac_samples import collection, polar_items

from .conftest import fetch_json


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never answers (a hung catalog)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield int(server.getsockname()[1])
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    server.close()


@pytest.fixture
def polartep_config() -> dict[str, Any]:
    return {
        "stac_remote_timeout": 1.0,
        "stac_catalogs": [{"name": "operator-cat", "url": "https://stac.example.org/v1"}],
    }


def write_static_catalog(root: Path) -> None:
    folder = root / "static"
    (folder / "sea-ice").mkdir(parents=True)
    catalog = {"type": "Catalog", "stac_version": "1.0.0", "id": "static", "description": "d",
               "links": [{"rel": "child", "href": "sea-ice/collection.json"}]}  # fmt: skip
    coll = collection()
    coll["links"] = [{"rel": "item", "href": f"{i['id']}.json"} for i in polar_items()]
    (folder / "catalog.json").write_text(json.dumps(catalog))
    (folder / "sea-ice" / "collection.json").write_text(json.dumps(coll))
    for item in polar_items():
        (folder / "sea-ice" / f"{item['id']}.json").write_text(json.dumps({**item, "collection": "sea-ice"}))


async def test_registry_lists_adds_persists_and_removes(jp_fetch: Any, polartep_data_dir: Path) -> None:
    # Given the workspace catalog and one operator catalog
    code, body = await fetch_json(jp_fetch, "polartep", "api", "stac", "catalogs")
    assert code == 200
    assert [(c["name"], c["source"]) for c in body["catalogs"]] == [
        ("workspace", "workspace"),
        ("operator-cat", "operator"),
    ]
    # When the user adds a catalog, it is listed and persisted in the data dir
    new = {"name": "earth-search", "url": "https://earth-search.example.com/v1", "title": "Earth Search"}
    code, body = await fetch_json(jp_fetch, "polartep", "api", "stac", "catalogs", method="POST", body=new)
    assert code == 201 and body["removable"] is True
    stored = json.loads((polartep_data_dir / "stac" / "catalogs.json").read_text())
    assert stored["catalogs"][0]["name"] == "earth-search"
    # Duplicates and bad names are refused; operator catalogs cannot be removed
    code, _ = await fetch_json(jp_fetch, "polartep", "api", "stac", "catalogs", method="POST", body=new)
    assert code == 409
    bad = {**new, "name": "Bad Name!"}
    code, body = await fetch_json(jp_fetch, "polartep", "api", "stac", "catalogs", method="POST", body=bad)
    assert code == 400 and "name" in body["message"]
    code, _ = await fetch_json(
        jp_fetch, "polartep", "api", "stac", "catalogs", "operator-cat", method="DELETE"
    )
    assert code == 403
    code, _ = await fetch_json(
        jp_fetch, "polartep", "api", "stac", "catalogs", "earth-search", method="DELETE"
    )
    assert code == 204
    code, body = await fetch_json(jp_fetch, "polartep", "api", "stac", "catalogs")
    assert "earth-search" not in [c["name"] for c in body["catalogs"]]


async def test_static_catalog_in_the_workspace_is_browsed_and_searched(
    jp_fetch: Any, jp_root_dir: Path
) -> None:
    # Given a static catalog.json in the workspace
    write_static_catalog(jp_root_dir)
    spec = {"name": "local", "url": "static/catalog.json", "type": "static"}
    code, _ = await fetch_json(jp_fetch, "polartep", "api", "stac", "catalogs", method="POST", body=spec)
    assert code == 201
    # Then its collections, items and a dateline search come through the server
    code, body = await fetch_json(jp_fetch, "polartep", "api", "stac", "catalogs", "local", "collections")
    assert code == 200 and [c["id"] for c in body["collections"]] == ["sea-ice"]
    code, body = await fetch_json(
        jp_fetch,
        "polartep",
        "api",
        "stac",
        "catalogs",
        "local",
        "collections",
        "sea-ice",
        "items",
        "north-pole",
    )
    assert code == 200 and body["id"] == "north-pole"
    code, body = await fetch_json(
        jp_fetch, "polartep", "api", "stac", "catalogs", "local", "search", method="POST",
        body={"bbox": [170, 60, -170, 70]},
    )  # fmt: skip
    assert code == 200
    assert {f["id"] for f in body["features"]} == {"across-dateline", "east-of-dateline", "west-of-dateline"}
    # And a path escaping the workspace is refused
    escape = {"name": "escape", "url": "../../etc/catalog.json", "type": "static"}
    await fetch_json(jp_fetch, "polartep", "api", "stac", "catalogs", method="POST", body=escape)
    code, _ = await fetch_json(jp_fetch, "polartep", "api", "stac", "catalogs", "escape", "collections")
    assert code == 403


async def test_unreachable_and_hung_catalogs_are_502(jp_fetch: Any, silent_port: int) -> None:
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    closed_port = closed.getsockname()[1]
    closed.close()
    for name, port, reason in (("down", closed_port, "unreachable"), ("hung", silent_port, "timeout")):
        spec = {"name": name, "url": f"http://127.0.0.1:{port}/stac"}
        code, _ = await fetch_json(jp_fetch, "polartep", "api", "stac", "catalogs", method="POST", body=spec)
        assert code == 201
        code, body = await fetch_json(jp_fetch, "polartep", "api", "stac", "catalogs", name, "collections")
        assert code == 502 and body["reason"] == reason, body
        assert name in body["message"]


async def test_insert_code_reproduces_the_search(jp_fetch: Any, polartep_data_dir: Path) -> None:
    # Given the workspace catalog with polar items
    await fetch_json(jp_fetch, "polartep", "stac", "collections", method="POST", body=collection())
    await fetch_json(
        jp_fetch, "polartep", "stac", "collections", "sea-ice", "items", method="POST",
        body={"type": "FeatureCollection", "features": polar_items()},
    )  # fmt: skip
    search = {"bbox": [170, 60, -170, 70], "filter": "eo:cloud_cover <= 20", "limit": 2}
    code, body = await fetch_json(
        jp_fetch, "polartep", "api", "stac", "catalogs", "workspace", "code", method="POST", body=search
    )
    assert code == 200
    # When the code runs (in a fresh interpreter on the same data dir, as a kernel would)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", body["code"].removesuffix("items") + "print(sorted(i.id for i in items))",
        env={"POLARTEP_DATA_DIR": str(polartep_data_dir), "PATH": __import__("os").environ["PATH"]},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(proc.communicate(), 120)
    assert proc.returncode == 0, err.decode()
    # Then it finds every matching item (all pages), as the panel's search did
    assert "2 items" in out.decode()
    assert "['across-dateline', 'west-of-dateline']" in out.decode()


async def test_insert_code_reproduces_an_area_drawn_on_the_polar_map(
    jp_fetch: Any, polartep_data_dir: Path
) -> None:
    # Given the workspace catalog with polar items
    await fetch_json(jp_fetch, "polartep", "stac", "collections", method="POST", body=collection())
    await fetch_json(
        jp_fetch, "polartep", "stac", "collections", "sea-ice", "items", method="POST",
        body={"type": "FeatureCollection", "features": polar_items()},
    )  # fmt: skip
    # And a search as the panel sends a box drawn around the North Pole on the Arctic map:
    # a polygon closed along the pole (RFC 7946), a CQL2 text filter and a date range
    cap = {
        "type": "Polygon",
        "coordinates": [[[-180, 61.5], [-90, 61.2], [0, 61.8], [90, 61.1], [180, 61.5], [180, 90],
                         [-180, 90], [-180, 61.5]]],
    }  # fmt: skip
    search = {
        "collections": ["sea-ice"],
        "intersects": cap,
        "datetime": "2024-03-01T00:00:00Z/2024-03-31T23:59:59Z",
        "filter": "eo:cloud_cover <= 20",
        "filter-lang": "cql2-text",
        "limit": 1,
    }
    code, panel = await fetch_json(
        jp_fetch, "polartep", "api", "stac", "catalogs", "workspace", "search", method="POST", body=search
    )
    assert code == 200
    panel_ids = {f["id"] for f in panel["features"]}
    matched = panel["numberMatched"]
    assert matched >= 2, panel  # the test means something only if several pages are involved
    code, body = await fetch_json(
        jp_fetch, "polartep", "api", "stac", "catalogs", "workspace", "code", method="POST", body=search
    )
    assert code == 200
    assert "intersects=" in body["code"] and "filter=" in body["code"] and "datetime=" in body["code"]
    # When the code runs in a fresh interpreter on the same data dir, as a kernel would
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", body["code"].removesuffix("items") + "print(sorted(i.id for i in items))",
        env={"POLARTEP_DATA_DIR": str(polartep_data_dir), "PATH": __import__("os").environ["PATH"]},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(proc.communicate(), 120)
    assert proc.returncode == 0, err.decode()
    lines = out.decode().splitlines()
    # Then it finds as many items as the panel matched (every page), the first page among them
    assert lines[0] == f"{matched} items"
    found = set(json.loads(lines[1].replace("'", '"')))
    assert len(found) == matched and panel_ids <= found


async def test_pystac_client_works_unmodified(
    jp_fetch: Any, jp_http_port: int, jp_base_url: str, jp_auth_header: dict[str, str]
) -> None:
    await fetch_json(jp_fetch, "polartep", "stac", "collections", method="POST", body=collection())
    await fetch_json(
        jp_fetch, "polartep", "stac", "collections", "sea-ice", "items", method="POST",
        body={"type": "FeatureCollection", "features": polar_items()},
    )  # fmt: skip
    url = f"http://127.0.0.1:{jp_http_port}{jp_base_url}polartep/stac/"

    def run() -> tuple[list[str], list[str]]:
        from pystac_client import Client

        client = Client.open(url, headers=dict(jp_auth_header))
        colls = [c.id for c in client.get_collections()]
        found = client.search(bbox=[170, 60, -170, 70], limit=1, max_items=10)
        return colls, sorted(i.id for i in found.items())

    colls, ids = await asyncio.get_running_loop().run_in_executor(None, run)
    assert colls == ["sea-ice"]
    assert ids == ["across-dateline", "east-of-dateline", "west-of-dateline"]


async def test_download_asset_into_the_workspace_never_overwrites(jp_fetch: Any, jp_root_dir: Path) -> None:
    import functools
    import http.server

    # Given an asset served over HTTP on 127.0.0.1
    served = jp_root_dir.parent / "served"
    served.mkdir()
    (served / "scene.tif").write_bytes(b"II*\x00" + b"\x01" * 5000)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(served))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        href = f"http://127.0.0.1:{server.server_address[1]}/scene.tif"
        # When it is downloaded twice into the workspace
        first = await fetch_json(
            jp_fetch, "polartep", "api", "stac", "downloads", method="POST", body={"href": href}
        )
        second = await fetch_json(
            jp_fetch, "polartep", "api", "stac", "downloads", method="POST", body={"href": href}
        )
        # Then both copies exist, the second under a new name, byte for byte
        assert first == (201, {"path": "data/scene.tif", "bytes": 5004})
        assert second == (201, {"path": "data/scene-1.tif", "bytes": 5004})
        assert (jp_root_dir / "data" / "scene-1.tif").read_bytes() == (served / "scene.tif").read_bytes()
        # And a folder outside the workspace or a missing file is refused
        code, _ = await fetch_json(
            jp_fetch,
            "polartep",
            "api",
            "stac",
            "downloads",
            method="POST",
            body={"href": href, "folder": "../x"},
        )
        assert code == 403
        code, _ = await fetch_json(
            jp_fetch, "polartep", "api", "stac", "downloads", method="POST", body={"href": href + ".missing"}
        )
        assert code == 502
    finally:
        server.shutdown()
        thread.join()
