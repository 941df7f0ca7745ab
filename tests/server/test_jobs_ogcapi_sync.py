"""OGC API - Processes 1.0 synchronous execution (/req/core/process-execute-default-execution-mode,
/req/core/process-execute-sync-document, /req/core/process-execute-sync-raw-ref), validated
against the official schemas; asynchronous stays the default for processes that do not opt in."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ..jobs_notebooks import failing_notebook, greeting_notebook
from .conftest import fetch_json
from .test_jobs_ogcapi import check, ogc, wait_ogc


async def publish(jp_fetch: Any, **body: Any) -> dict[str, Any]:
    code, published = await fetch_json(
        jp_fetch, "polartep", "api", "jobs", "processes", method="POST", body=body
    )
    assert code == 201, published
    return published  # type: ignore[no-any-return]


async def execute(jp_fetch: Any, process: str, body: dict[str, Any], **headers: str) -> Any:
    return await jp_fetch(
        "polartep", "ogcapi", "processes", process, "execution", method="POST",
        body=json.dumps(body), headers=headers, raise_error=False, request_timeout=300,
    )  # fmt: skip


async def test_sync_execute_returns_the_results(jp_fetch: Any, jp_root_dir: Path) -> None:
    greeting_notebook(jp_root_dir / "greet.ipynb")
    # Given one process published with sync-execute, and one without
    await publish(jp_fetch, id="greet-now", notebook="greet.ipynb", sync_execute=True)
    await publish(jp_fetch, id="greet-later", notebook="greet.ipynb")
    # Then their descriptions say so (valid process documents)
    code, now = await ogc(jp_fetch, "processes", "greet-now")
    assert code == 200, now
    check(now, "schemas/process.yaml")
    assert now["jobControlOptions"] == ["async-execute", "sync-execute"]
    _, later = await ogc(jp_fetch, "processes", "greet-later")
    check(later, "schemas/process.yaml")
    assert later["jobControlOptions"] == ["async-execute"]
    # When the sync process is executed without a Prefer header and response=document
    response = await execute(jp_fetch, "greet-now", {"inputs": {"name": "Ilulissat"}, "response": "document"})
    # Then the answer is 200 with the results document (no 201, no Location)
    assert response.code == 200, response.body
    results = json.loads(response.body)
    check(results, "schemas/results.yaml")
    assert "Location" not in response.headers
    href = results["output_notebook"]["href"]
    out = await jp_fetch("polartep", *href.split("/polartep/", 1)[1].split("/"))
    assert b"hello Ilulissat" in out.body
    # And the job behind it is monitorable and finished
    monitor = re.search(r"<([^>]+)>; rel=\"monitor\"", response.headers["Link"])
    assert monitor, response.headers.get_list("Link")
    job_id = monitor.group(1).rsplit("/", 1)[-1]
    _, info = await ogc(jp_fetch, "jobs", job_id)
    check(info, "schemas/statusInfo.yaml")
    assert info["status"] == "successful"
    # When executed with the default response (raw) and outputs by reference
    response = await execute(jp_fetch, "greet-now", {"inputs": {"name": "Sisimiut"}})
    # Then 204 with one Link header per output (/req/core/process-execute-sync-raw-ref)
    assert response.code == 204
    links = response.headers.get_list("Link")
    outputs = [link for link in links if 'rel="item"' in link]
    assert any('title="output_notebook"' in link for link in outputs), links
    href = re.search(r"<([^>]+)>", next(link for link in outputs if "output_notebook" in link))
    assert href
    out = await jp_fetch("polartep", *href.group(1).split("/polartep/", 1)[1].split("/"))
    assert b"hello Sisimiut" in out.body
    # When the same sync process is asked for respond-async, it is a job (201 + Location)
    response = await execute(jp_fetch, "greet-now", {"inputs": {"name": "Nuuk"}}, Prefer="respond-async")
    assert response.code == 201
    info = json.loads(response.body)
    check(info, "schemas/statusInfo.yaml")
    assert response.headers["Preference-Applied"] == "respond-async"
    assert (await wait_ogc(jp_fetch, info["jobID"]))["status"] == "successful"
    # And a process without sync-execute stays asynchronous without any Prefer header
    response = await execute(jp_fetch, "greet-later", {"inputs": {"name": "Tasiilaq"}})
    assert response.code == 201
    check(json.loads(response.body), "schemas/statusInfo.yaml")


async def test_sync_failure_is_an_exception_and_bad_response_a_400(jp_fetch: Any, jp_root_dir: Path) -> None:
    failing_notebook(jp_root_dir / "fail.ipynb")
    await publish(jp_fetch, id="fail-now", notebook="fail.ipynb", sync_execute=True)
    # When a synchronous execution's notebook raises
    response = await execute(jp_fetch, "fail-now", {"inputs": {}})
    # Then the answer is an OGC exception naming the job's error
    assert response.code == 500
    err = json.loads(response.body)
    check(err, "schemas/exception.yaml")
    assert "the ice is too thin" in err["detail"]
    # And an unknown response mode is refused before anything runs
    code, err = await ogc(
        jp_fetch, "processes", "fail-now", "execution", method="POST", body={"inputs": {}, "response": "zip"}
    )
    assert code == 400 and "response" in err["detail"]
    check(err, "schemas/exception.yaml")


async def test_the_generic_process_is_async_unless_configured(jp_fetch: Any) -> None:
    _, generic = await ogc(jp_fetch, "processes", "execute-notebook")
    assert generic["jobControlOptions"] == ["async-execute"]
