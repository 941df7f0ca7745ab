"""Bad input, conda-only specs and cancellation on the embedded builder (no successful build needed)."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from .conftest import fetch_json

API = ("polartep", "api", "environments")


@pytest.fixture
def silent_index() -> Iterator[str]:
    """A package index that accepts connections and never answers: a build waits on it forever."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
                held.append(conn)
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}/simple"
    stop.set()
    thread.join(timeout=5)
    for conn in held:
        conn.close()
    server.close()


@pytest.fixture
def polartep_config(silent_index: str) -> dict[str, Any]:
    return {"environments_installer": "uv", "environments_index_url": silent_index}


def create_body(name: str, spec: str, namespace: str = "default") -> dict[str, str]:
    return {"namespace": namespace, "name": name, "specification": spec}


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (create_body("x", "name: x\ndependencies: [a\n"), "bad_yaml"),
        (create_body("bad name", "name: bad name\n"), "bad_name"),
        (create_body("x", "name: x\n", namespace="../etc"), "bad_name"),
        (create_body("x", "name: x\n", namespace="builds"), "bad_name"),
        (create_body("x", "name: y\n"), "name_mismatch"),
        (create_body("x", "name: x\ndependencies:\n  - pip:\n    - 'a>=>1'\n"), "bad_version"),
        ({"name": "x"}, "validation"),
    ],
)
async def test_bad_input_is_a_400_and_stores_nothing(
    jp_fetch: Any, body: dict[str, Any], reason: str
) -> None:
    # Given bad input / When posted
    code, answer = await fetch_json(jp_fetch, *API, method="POST", body=body)
    # Then a 400 with the reason, and no environment was stored
    assert code == 400, answer
    assert answer["reason"] == reason
    code, listing = await fetch_json(jp_fetch, *API)
    assert listing == {"environments": []}


async def wait_finished(jp_fetch: Any, name: str, build_id: int) -> dict[str, Any]:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        _code, env = await fetch_json(jp_fetch, *API, "default", name)
        build = next(b for b in env["builds"] if b["id"] == build_id)
        if build["status"] in ("COMPLETED", "FAILED", "CANCELED"):
            return build
        await asyncio.sleep(0.3)
    raise AssertionError("build did not finish")


async def test_conda_only_packages_fail_clearly_without_a_conda_installer(jp_fetch: Any) -> None:
    # Given a spec that needs conda packages and a builder configured for venvs
    spec = "name: gdal-env\ndependencies:\n  - python=3.11\n  - gdal>=3.8\n  - pip:\n    - requests\n"
    code, created = await fetch_json(jp_fetch, *API, method="POST", body=create_body("gdal-env", spec))
    assert code == 201
    # When the build runs / Then it fails, naming the conda packages
    build = await wait_finished(jp_fetch, "gdal-env", created["build"]["id"])
    assert build["status"] == "FAILED"
    assert build["message"] == "conda packages need a conda installer or conda-store: gdal>=3.8"
    code, log = await fetch_json(jp_fetch, *API, "builds", str(build["id"]), "log")
    assert "conda packages need a conda installer or conda-store: gdal>=3.8" in log["log"]
    # and there is no lockfile and no kernel
    code, missing = await fetch_json(jp_fetch, *API, "builds", str(build["id"]), "lockfile")
    assert code == 404 and missing["reason"] == "no_lockfile"
    code, env = await fetch_json(jp_fetch, *API, "default", "gdal-env")
    assert env["kernel_name"] is None and env["active_build_id"] is None


async def test_a_running_build_can_be_canceled(jp_fetch: Any) -> None:
    # Given a build waiting on an index that never answers
    spec = "name: slow\ndependencies:\n  - pip:\n    - polar-bear-counter\n"
    code, created = await fetch_json(jp_fetch, *API, method="POST", body=create_body("slow", spec))
    assert code == 201
    build_id = created["build"]["id"]
    # and a second build of the same environment is refused while it runs
    code, busy = await fetch_json(jp_fetch, *API, "default", "slow", method="PUT",
                                  body={"specification": spec, "confirm": True})  # fmt: skip
    assert code == 409 and busy["reason"] == "busy"
    # When canceled
    code, canceled = await fetch_json(
        jp_fetch, *API, "builds", str(build_id), "cancel", method="POST", body={}
    )
    # Then it is CANCELED for good, and canceling again is a conflict
    assert code == 200 and canceled["status"] == "CANCELED"
    code, env = await fetch_json(jp_fetch, *API, "default", "slow")
    assert env["builds"][0]["status"] == "CANCELED"
    code, _again = await fetch_json(jp_fetch, *API, "builds", str(build_id), "cancel", method="POST", body={})
    assert code == 409
    # and the environment can be deleted
    code, _ = await fetch_json(jp_fetch, *API, "default", "slow", method="DELETE")
    assert code == 204


async def test_unknown_things_are_404(jp_fetch: Any) -> None:
    code, body = await fetch_json(jp_fetch, *API, "default", "nothing")
    assert code == 404 and body["reason"] == "no_environment"
    code, body = await fetch_json(jp_fetch, *API, "builds", "999", "log")
    assert code == 404 and body["reason"] == "no_build"
    code, _body = await fetch_json(jp_fetch, *API, "builds", "abc", "log")
    assert code == 400
