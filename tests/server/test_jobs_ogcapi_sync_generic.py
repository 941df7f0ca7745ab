"""``c.PolarTEP.jobs_sync_execute``: the generic process also runs synchronously."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ..jobs_notebooks import greeting_notebook
from .test_jobs_ogcapi import check, ogc
from .test_jobs_ogcapi_sync import execute


@pytest.fixture
def polartep_config() -> dict[str, Any]:
    return {"jobs_sync_execute": True}


async def test_the_generic_process_runs_synchronously_when_configured(
    jp_fetch: Any, jp_root_dir: Path
) -> None:
    greeting_notebook(jp_root_dir / "greet.ipynb")
    # Given the generic process configured for sync-execute too
    _, generic = await ogc(jp_fetch, "processes", "execute-notebook")
    check(generic, "schemas/process.yaml")
    assert generic["jobControlOptions"] == ["async-execute", "sync-execute"]
    # When it is executed without a preference, asking for the results document
    body = {"inputs": {"notebook": "greet.ipynb", "parameters_json": json.dumps({"name": "Qaqortoq"})}}
    response = await execute(jp_fetch, "execute-notebook", {**body, "response": "document"})
    # Then the answer carries the results
    assert response.code == 200, response.body
    results = json.loads(response.body)
    check(results, "schemas/results.yaml")
    href = results["output_notebook"]["href"]
    out = await jp_fetch("polartep", *href.split("/polartep/", 1)[1].split("/"))
    assert b"hello Qaqortoq" in out.body
    # And respond-async still makes it a job
    response = await execute(jp_fetch, "execute-notebook", body, Prefer="respond-async")
    assert response.code == 201
