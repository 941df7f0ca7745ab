"""Real builds on the embedded builder: kernel appears, runs the package, follows rebuild/rollback."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

from ..environments_support import make_wheel, spec_text
from .conftest import fetch_json

API = ("polartep", "api", "environments")


@pytest.fixture
def wheels(tmp_path: Path) -> Path:
    folder = tmp_path / "wheels"
    make_wheel(folder, "1.0")
    make_wheel(folder, "2.0")
    return folder


@pytest.fixture
def polartep_config(wheels: Path) -> dict[str, Any]:
    return {"environments_installer": "uv", "environments_find_links": [str(wheels)]}


async def wait_for_build(jp_fetch: Any, namespace: str, name: str, build_id: int) -> dict[str, Any]:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        code, env = await fetch_json(jp_fetch, *API, namespace, name)
        assert code == 200, env
        build = next(b for b in env["builds"] if b["id"] == build_id)
        if build["status"] in ("COMPLETED", "FAILED", "CANCELED"):
            return build
        await asyncio.sleep(0.5)
    raise AssertionError(f"build {build_id} did not finish in 300 s")


async def kernelspecs(jp_fetch: Any) -> dict[str, Any]:
    code, body = await fetch_json(jp_fetch, "api", "kernelspecs")
    assert code == 200
    return body["kernelspecs"]  # type: ignore[no-any-return]


async def run_cell(kernel: str, source: str) -> str:
    """Execute one notebook cell in `kernel` (found through JUPYTER_PATH, like a job would)."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": kernel, "display_name": kernel, "language": "python"}
    nb.cells.append(nbformat.v4.new_code_cell(source))
    client = NotebookClient(nb, kernel_name=kernel, timeout=120, startup_timeout=120)
    await client.async_execute()
    return "".join(o.get("text", "") for o in nb.cells[0].outputs)


async def test_build_kernel_rebuild_failed_rebuild_rollback_delete(jp_fetch: Any) -> None:
    # Given an environment.yml that pins a small pip package
    code, created = await fetch_json(
        jp_fetch, *API, method="POST",
        body={"namespace": "glaciology", "name": "ice-tools", "specification": spec_text("ice-tools", "1.0")},
    )  # fmt: skip
    assert code == 201, created
    first = created["build"]
    assert first["status"] in ("QUEUED", "BUILDING")
    # When the build finishes
    build = await wait_for_build(jp_fetch, "glaciology", "ice-tools", first["id"])
    assert build["status"] == "COMPLETED", build["message"]
    # Then its one kernel is listed by the server at once, pointing at the build
    specs = await kernelspecs(jp_fetch)
    code, env = await fetch_json(jp_fetch, *API, "glaciology", "ice-tools")
    kernel = env["kernel_name"]
    assert kernel == "polartep-env-glaciology-ice-tools"
    assert kernel in specs
    assert specs[kernel]["spec"]["metadata"]["polartep"]["build_id"] == first["id"]
    assert env["active_build_id"] == first["id"]
    # and a notebook cell in that kernel imports the package
    assert (await run_cell(kernel, "import polar_bear_counter as p; print(p.VERSION)")).strip() == "1.0"
    # and the log and the lockfile (exact versions with hashes) are there
    code, log = await fetch_json(jp_fetch, *API, "builds", str(first["id"]), "log")
    assert code == 200 and "COMPLETED" in log["log"] and log["next_offset"] == len(log["log"].encode())
    code, tail = await fetch_json(
        jp_fetch, *API, "builds", str(first["id"]), "log", params={"offset": str(log["next_offset"])}
    )
    assert code == 200 and tail["log"] == ""
    response = await jp_fetch(*API, "builds", str(first["id"]), "lockfile")
    lock = response.body.decode()
    assert "polar-bear-counter==1.0" in lock and "--hash=sha256:" in lock and "ipykernel==" in lock

    # When the spec changes without confirmation, nothing is built; the diff says what would change
    new_spec = spec_text("ice-tools", "2.0")
    code, refused = await fetch_json(jp_fetch, *API, "glaciology", "ice-tools", method="PUT",
                                     body={"specification": new_spec})  # fmt: skip
    assert code == 409 and refused["reason"] == "confirmation_required"
    code, changes = await fetch_json(jp_fetch, *API, "glaciology", "ice-tools", "diff", method="POST",
                                     body={"specification": new_spec})  # fmt: skip
    assert code == 200
    assert changes["changed"] == [
        {
            "kind": "pip",
            "name": "polar-bear-counter",
            "old": "polar-bear-counter==1.0",
            "new": "polar-bear-counter==2.0",
        }
    ]
    assert changes["against_build_id"] == first["id"]
    # When confirmed, a second build runs and the same kernel follows it
    code, rebuilt = await fetch_json(jp_fetch, *API, "glaciology", "ice-tools", method="PUT",
                                     body={"specification": new_spec, "confirm": True})  # fmt: skip
    assert code == 202, rebuilt
    second = await wait_for_build(jp_fetch, "glaciology", "ice-tools", rebuilt["build"]["id"])
    assert second["status"] == "COMPLETED", second["message"]
    specs = await kernelspecs(jp_fetch)
    assert [k for k in specs if k.startswith("polartep-env-")] == [kernel]
    assert specs[kernel]["spec"]["metadata"]["polartep"]["build_id"] == second["id"]
    assert (await run_cell(kernel, "import polar_bear_counter as p; print(p.VERSION)")).strip() == "2.0"

    # When a rebuild names a package no index has, that build FAILS with the installer's message
    bad_spec = spec_text("ice-tools", "2.0", ["polartep-no-such-package-xyz"])
    code, bad = await fetch_json(jp_fetch, *API, "glaciology", "ice-tools", method="PUT",
                                 body={"specification": bad_spec, "confirm": True})  # fmt: skip
    assert code == 202
    failed = await wait_for_build(jp_fetch, "glaciology", "ice-tools", bad["build"]["id"])
    assert failed["status"] == "FAILED"
    code, log = await fetch_json(jp_fetch, *API, "builds", str(failed["id"]), "log")
    assert "polartep-no-such-package-xyz" in log["log"]
    # Then the previous build stays active and usable
    code, env = await fetch_json(jp_fetch, *API, "glaciology", "ice-tools")
    assert env["active_build_id"] == second["id"] and env["status"] == "FAILED"
    assert (await run_cell(kernel, "import polar_bear_counter as p; print(p.VERSION)")).strip() == "2.0"

    # When rolled back to the first build, the kernel follows
    code, rolled = await fetch_json(jp_fetch, *API, "glaciology", "ice-tools", method="PUT",
                                    body={"active_build": first["id"]})  # fmt: skip
    assert code == 200 and rolled["environment"]["active_build_id"] == first["id"]
    specs = await kernelspecs(jp_fetch)
    assert specs[kernel]["spec"]["metadata"]["polartep"]["build_id"] == first["id"]
    assert (await run_cell(kernel, "import polar_bear_counter as p; print(p.VERSION)")).strip() == "1.0"
    # and a failed build cannot be made active
    code, _body = await fetch_json(jp_fetch, *API, "glaciology", "ice-tools", method="PUT",
                                  body={"active_build": failed["id"]})  # fmt: skip
    assert code == 409

    # When deleted, the environment and its kernel are gone
    code, _ = await fetch_json(jp_fetch, *API, "glaciology", "ice-tools", method="DELETE")
    assert code == 204
    assert kernel not in await kernelspecs(jp_fetch)
    code, _ = await fetch_json(jp_fetch, *API, "glaciology", "ice-tools")
    assert code == 404
