"""The same environment lifecycle on the conda-store backend, against an OpenAPI-enforcing stand-in."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..conda_store_fake import ENDLESS_PACKAGE, UNKNOWN_PACKAGE, FakeCondaStore
from .conftest import fetch_json

API = ("polartep", "api", "environments")
TOKEN = "conda-store-test-token"
TOKEN_SECRET = "POLARTEP_TEST_CONDA_STORE_TOKEN"


@pytest.fixture
def conda_store(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeCondaStore]:
    monkeypatch.setenv(TOKEN_SECRET, TOKEN)
    with FakeCondaStore(TOKEN) as store:
        yield store
    assert store.violations == [], "requests or answers off the conda-store contract"


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    return tmp_path / "conda-store-state"


@pytest.fixture
def polartep_config(conda_store: FakeCondaStore, store_dir: Path) -> dict[str, Any]:
    return {
        "environments_backend": "conda-store",
        "environments_conda_store_url": conda_store.url,
        "environments_conda_store_token_secret": TOKEN_SECRET,
        "environments_conda_store_prefix": str(store_dir),
    }


def spec(version: str, extra: str = "") -> str:
    head = "name: ice-tools\nchannels: [conda-forge]\ndependencies:\n  - python=3.11\n"
    return f"{head}  - xarray={version}\n{extra}"


async def wait_for_build(jp_fetch: Any, build_id: int) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        code, env = await fetch_json(jp_fetch, *API, "glaciology", "ice-tools")
        assert code == 200, env
        build = next(b for b in env["builds"] if b["id"] == build_id)
        if build["status"] in ("COMPLETED", "FAILED", "CANCELED"):
            return build
        await asyncio.sleep(0.05)
    raise AssertionError("build did not finish")


async def test_lifecycle_through_conda_store(
    jp_fetch: Any, conda_store: FakeCondaStore, store_dir: Path
) -> None:
    # Given the conda-store backend, the status reports it and its health
    code, status = await fetch_json(jp_fetch, "polartep", "api", "status")
    feature = next(f for f in status["features"] if f["name"] == "environments")
    assert feature["backend"]["kind"] == "real" and feature["health"] == {
        "ok": True,
        "detail": "conda-store 2025.2.2",
    }
    # When an environment is created in a new namespace
    code, created = await fetch_json(
        jp_fetch,
        *API,
        method="POST",
        body={"namespace": "glaciology", "name": "ice-tools", "specification": spec("2024.6")},
    )
    assert code == 201, created
    first = await wait_for_build(jp_fetch, created["build"]["id"])
    # Then conda-store built it; the namespace was made; the kernel points into the store
    assert first["status"] == "COMPLETED"
    assert "POST /conda-store/api/v1/namespace/glaciology/" in conda_store.requests
    code, specs = await fetch_json(jp_fetch, "api", "kernelspecs")
    kernel = specs["kernelspecs"]["polartep-env-glaciology-ice-tools"]["spec"]
    assert kernel["argv"][0] == f"{store_dir}/glaciology/envs/ice-tools/bin/python"
    # and log (through conda-store's storage redirect) and lockfile come from conda-store
    code, log = await fetch_json(jp_fetch, *API, "builds", str(first["id"]), "log")
    assert code == 200 and "build completed" in log["log"]
    response = await jp_fetch(*API, "builds", str(first["id"]), "lockfile")
    assert "name: xarray" in response.body.decode()

    # When the spec changes: refused without confirmation, diff shown, then rebuilt
    code, refused = await fetch_json(jp_fetch, *API, "glaciology", "ice-tools", method="PUT",
                                     body={"specification": spec("2024.9")})  # fmt: skip
    assert code == 409 and refused["reason"] == "confirmation_required"
    code, changes = await fetch_json(jp_fetch, *API, "glaciology", "ice-tools", "diff", method="POST",
                                     body={"specification": spec("2024.9")})  # fmt: skip
    assert changes["changed"] == [
        {"kind": "conda", "name": "xarray", "old": "xarray=2024.6", "new": "xarray=2024.9"}
    ]
    code, rebuilt = await fetch_json(jp_fetch, *API, "glaciology", "ice-tools", method="PUT",
                                     body={"specification": spec("2024.9"), "confirm": True})  # fmt: skip
    assert code == 202
    second = await wait_for_build(jp_fetch, rebuilt["build"]["id"])
    assert second["status"] == "COMPLETED"
    code, env = await fetch_json(jp_fetch, *API, "glaciology", "ice-tools")
    assert env["active_build_id"] == second["id"] and [b["id"] for b in env["builds"]] == [
        first["id"],
        second["id"],
    ]

    # When a rebuild names an unknown package, it FAILS and the active build stays
    bad_spec = spec("2024.9", f"  - {UNKNOWN_PACKAGE}\n")
    code, bad = await fetch_json(jp_fetch, *API, "glaciology", "ice-tools", method="PUT",
                                 body={"specification": bad_spec, "confirm": True})  # fmt: skip
    failed = await wait_for_build(jp_fetch, bad["build"]["id"])
    assert failed["status"] == "FAILED"
    code, log = await fetch_json(jp_fetch, *API, "builds", str(failed["id"]), "log")
    assert f"PackagesNotFoundError: {UNKNOWN_PACKAGE}" in log["log"]
    code, env = await fetch_json(jp_fetch, *API, "glaciology", "ice-tools")
    assert env["active_build_id"] == second["id"]

    # When rolled back, conda-store switches its current build and the kernel follows
    code, rolled = await fetch_json(jp_fetch, *API, "glaciology", "ice-tools", method="PUT",
                                    body={"active_build": first["id"]})  # fmt: skip
    assert code == 200 and rolled["environment"]["active_build_id"] == first["id"]
    assert "PUT /conda-store/api/v1/environment/glaciology/ice-tools/" in conda_store.requests
    code, specs = await fetch_json(jp_fetch, "api", "kernelspecs")
    assert (
        specs["kernelspecs"]["polartep-env-glaciology-ice-tools"]["spec"]["metadata"]["polartep"]["build_id"]
        == first["id"]
    )

    # When deleted, it is gone from conda-store and the kernel list
    code, _ = await fetch_json(jp_fetch, *API, "glaciology", "ice-tools", method="DELETE")
    assert code == 204
    code, specs = await fetch_json(jp_fetch, "api", "kernelspecs")
    assert "polartep-env-glaciology-ice-tools" not in specs["kernelspecs"]
    code, listing = await fetch_json(jp_fetch, *API)
    assert listing == {"environments": []}


async def test_cancel_and_bad_input_through_conda_store(jp_fetch: Any, conda_store: FakeCondaStore) -> None:
    # Given a long build on conda-store
    long_spec = spec("1", f"  - {ENDLESS_PACKAGE}\n")
    code, created = await fetch_json(
        jp_fetch,
        *API,
        method="POST",
        body={"namespace": "glaciology", "name": "ice-tools", "specification": long_spec},
    )
    assert code == 201
    # When canceled / Then conda-store reports it CANCELED
    code, canceled = await fetch_json(jp_fetch, *API, "builds", str(created["build"]["id"]), "cancel",
                                      method="POST", body={})  # fmt: skip
    assert code == 200 and canceled["status"] == "CANCELED"
    # and bad input never reaches conda-store
    before = len(conda_store.requests)
    code, body = await fetch_json(
        jp_fetch,
        *API,
        method="POST",
        body={"namespace": "glaciology", "name": "x", "specification": "name: x\ndependencies: [a\n"},
    )
    assert code == 400 and body["reason"] == "bad_yaml"
    assert len(conda_store.requests) == before
    # and a creation of an existing environment is a conflict
    code, body = await fetch_json(
        jp_fetch,
        *API,
        method="POST",
        body={"namespace": "glaciology", "name": "ice-tools", "specification": spec("1")},
    )
    assert code == 409


async def test_wrong_token_is_a_clear_upstream_error(
    jp_fetch: Any, conda_store: FakeCondaStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a token conda-store does not accept
    monkeypatch.setenv(TOKEN_SECRET, "wrong")
    # When listing / Then a 502 that names conda-store's answer
    code, body = await fetch_json(jp_fetch, *API)
    assert code == 502 and "403" in body["message"] and "not authorized" in body["message"]
