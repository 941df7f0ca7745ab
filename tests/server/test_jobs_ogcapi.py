"""OGC API - Processes 1.0 face, validated against the official schemas (tests/contracts)."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource
from referencing.jsonschema import DRAFT4

from ..jobs_notebooks import greeting_notebook
from .conftest import fetch_json

CONTRACT = Path(__file__).resolve().parents[1] / "contracts" / "ogcapi-processes" / "core" / "openapi"
BASE = "https://schemas.opengis.net/ogcapi/processes/part1/1.0/openapi/"
ALIAS = "https://raw.githubusercontent.com/opengeospatial/ogcapi-processes/master/core/openapi/"


def _retrieve(uri: str) -> Resource[Any]:
    for prefix in (BASE, ALIAS):
        if uri.startswith(prefix):
            path = CONTRACT / uri[len(prefix) :]
            if path.is_file():
                return Resource.from_contents(yaml.safe_load(path.read_text()), default_specification=DRAFT4)
    raise NoSuchResource(ref=uri)


REGISTRY: Registry[Any] = Registry(retrieve=_retrieve)  # type: ignore[call-arg]


def check(document: Any, schema: str) -> None:
    validator = Draft4Validator(
        {"$ref": BASE + schema}, registry=REGISTRY, format_checker=Draft4Validator.FORMAT_CHECKER
    )
    errors = sorted(validator.iter_errors(document), key=str)
    assert not errors, f"{schema}: {errors[0].message} at {list(errors[0].absolute_path)}"


def test_the_validator_rejects_what_the_standard_rejects() -> None:
    # A validator that accepts anything would make every test below pass: it must refuse bad documents
    with pytest.raises(AssertionError):
        check(
            {"jobID": "x", "type": "notebook", "status": "done", "progress": 101}, "schemas/statusInfo.yaml"
        )
    with pytest.raises(AssertionError):
        check({"id": "p"}, "schemas/processSummary.yaml")


async def ogc(jp_fetch: Any, *parts: str, **kwargs: Any) -> tuple[int, Any]:
    return await fetch_json(jp_fetch, "polartep", "ogcapi", *parts, **kwargs)


async def test_landing_conformance_and_processes(jp_fetch: Any, jp_root_dir: Path) -> None:
    # Given a notebook published as a process
    greeting_notebook(jp_root_dir / "greet.ipynb")
    code, published = await fetch_json(
        jp_fetch, "polartep", "api", "jobs", "processes", method="POST",
        body={"id": "greet", "notebook": "greet.ipynb", "title": "Greeting"},
    )  # fmt: skip
    assert code == 201, published
    # Then landing page, conformance and the process list are valid OGC documents
    code, landing = await ogc(jp_fetch)
    assert code == 200
    check(landing, "schemas/landingPage.yaml")
    assert {link["href"].rsplit("/", 1)[-1] for link in landing["links"]} >= {
        "conformance",
        "processes",
        "jobs",
    }
    code, conformance = await ogc(jp_fetch, "conformance")
    check(conformance, "schemas/confClasses.yaml")
    assert "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/core" in conformance["conformsTo"]
    code, processes = await ogc(jp_fetch, "processes")
    check(processes, "schemas/processList.yaml")
    assert [p["id"] for p in processes["processes"]] == ["execute-notebook", "greet"]
    # And the generic process has EOX's inputs; the published one's inputs come from its parameters cell
    code, generic = await ogc(jp_fetch, "processes", "execute-notebook")
    check(generic, "schemas/process.yaml")
    assert set(generic["inputs"]) == {"notebook", "kernel", "parameters_json"}
    code, greet = await ogc(jp_fetch, "processes", "greet")
    check(greet, "schemas/process.yaml")
    assert greet["inputs"]["times"]["schema"] == {"type": "integer", "default": 1}
    assert greet["inputs"]["name"]["description"] == "who to greet"
    code, missing = await ogc(jp_fetch, "processes", "nope")
    assert code == 404
    check(missing, "schemas/exception.yaml")


async def wait_ogc(jp_fetch: Any, job_id: str, timeout: float = 180) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        code, info = await ogc(jp_fetch, "jobs", job_id)
        assert code == 200
        check(info, "schemas/statusInfo.yaml")
        if info["status"] in ("successful", "failed", "dismissed"):
            return info  # type: ignore[no-any-return]
        await asyncio.sleep(0.3)
    raise AssertionError("OGC job did not finish")


async def test_execute_status_results_and_dismiss(jp_fetch: Any, jp_root_dir: Path) -> None:
    greeting_notebook(jp_root_dir / "greet.ipynb")
    await fetch_json(
        jp_fetch,
        "polartep",
        "api",
        "jobs",
        "processes",
        method="POST",
        body={"id": "greet", "notebook": "greet.ipynb"},
    )
    # When the generic process is executed with EOX's inputs (asynchronously)
    execute = {
        "inputs": {
            "notebook": "greet.ipynb",
            "kernel": "python3",
            "parameters_json": json.dumps({"name": "Nuuk"}),
        }
    }
    response = await jp_fetch(
        "polartep", "ogcapi", "processes", "execute-notebook", "execution", method="POST",
        body=json.dumps(execute), headers={"Prefer": "respond-async"},
    )  # fmt: skip
    # Then 201 with Location and a statusInfo
    assert response.code == 201
    info = json.loads(response.body)
    check(info, "schemas/statusInfo.yaml")
    assert response.headers["Location"].endswith(f"/polartep/ogcapi/jobs/{info['jobID']}")
    assert info["status"] in ("accepted", "running") and info["processID"] == "execute-notebook"
    # And it ends successful, with results linking to the executed notebook
    final = await wait_ogc(jp_fetch, info["jobID"])
    assert final["status"] == "successful" and final["progress"] == 100
    code, results = await ogc(jp_fetch, "jobs", info["jobID"], "results")
    assert code == 200
    check(results, "schemas/results.yaml")
    href = results["output_notebook"]["href"]
    assert href.endswith(f"/polartep/api/jobs/{info['jobID']}/outputs/ipynb")
    out = await jp_fetch("polartep", *href.split("/polartep/", 1)[1].split("/"))
    assert b"hello Nuuk" in out.body
    # And the same job is in the jobs API and the OGC job list (one store)
    code, native = await fetch_json(jp_fetch, "polartep", "api", "jobs", info["jobID"])
    assert native["tags"] == ["ogcapi", "execute-notebook"]
    # When the published process is executed with its own inputs
    code, second = await ogc(
        jp_fetch,
        "processes",
        "greet",
        "execution",
        method="POST",
        body={"inputs": {"name": "Qaanaaq", "times": 2}},
    )
    assert code == 201
    second_final = await wait_ogc(jp_fetch, second["jobID"])
    assert second_final["status"] == "successful" and second_final["processID"] == "greet"
    code, jobs = await ogc(jp_fetch, "jobs")
    check(jobs, "schemas/jobList.yaml")
    assert {j["jobID"] for j in jobs["jobs"]} == {info["jobID"], second["jobID"]}
    # When a job is dismissed it is gone
    code, dismissed = await ogc(jp_fetch, "jobs", info["jobID"], method="DELETE")
    assert code == 200 and dismissed["status"] == "dismissed"
    check(dismissed, "schemas/statusInfo.yaml")
    code, gone = await ogc(jp_fetch, "jobs", info["jobID"])
    assert code == 404
    check(gone, "schemas/exception.yaml")


async def test_bad_execute_requests(jp_fetch: Any, jp_root_dir: Path) -> None:
    greeting_notebook(jp_root_dir / "greet.ipynb")
    await fetch_json(
        jp_fetch,
        "polartep",
        "api",
        "jobs",
        "processes",
        method="POST",
        body={"id": "greet", "notebook": "greet.ipynb"},
    )
    cases = [
        ("execute-notebook", {"inputs": {}}, 400, "notebook"),
        (
            "execute-notebook",
            {"inputs": {"notebook": "greet.ipynb", "parameters_json": "{nope"}},
            400,
            "parameters_json",
        ),
        ("greet", {"inputs": {"times": "many"}}, 400, "parameters.times"),
        ("nope", {"inputs": {}}, 404, "nope"),
    ]
    for process, body, status, word in cases:
        code, err = await ogc(jp_fetch, "processes", process, "execution", method="POST", body=body)
        assert code == status, (process, err)
        check(err, "schemas/exception.yaml")
        assert word in err["detail"]
    # And a job that has not succeeded has no results yet
    code, running = await ogc(jp_fetch, "processes", "greet", "execution", method="POST", body={"inputs": {}})
    code, results = await ogc(jp_fetch, "jobs", running["jobID"], "results")
    assert code == 404 and results["type"].endswith("result-not-ready")
