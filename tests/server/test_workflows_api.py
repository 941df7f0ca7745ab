"""REST face of workflows: submit, follow, logs, actions, lint, files, bad input."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import fetch_json

EXAMPLES = Path(__file__).resolve().parents[1] / "contracts" / "argo" / "examples"


@pytest.fixture
def polartep_config() -> dict[str, Any]:
    return {"workflows_host_images": ["busybox"], "workflows_container_runtime": "none"}


def example(name: str) -> dict[str, Any]:
    return yaml.safe_load((EXAMPLES / name).read_text())  # type: ignore[no-any-return]


async def wait_finished(jp_fetch: Any, name: str, timeout: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        code, workflow = await fetch_json(jp_fetch, "polartep", "api", "workflows", "runs", name)
        assert code == 200
        if workflow["status"]["phase"] not in ("Pending", "Running"):
            return workflow  # type: ignore[no-any-return]
        await asyncio.sleep(0.2)
    raise AssertionError(f"run {name} did not finish")


async def test_submit_dag_diamond_follow_and_read_logs(jp_fetch: Any) -> None:
    # Given dag-diamond, when it is posted
    code, created = await fetch_json(
        jp_fetch, "polartep", "api", "workflows", "runs", method="POST",
        body={"manifest": example("dag-diamond.yaml"), "backend": "local"},
    )  # fmt: skip
    assert code == 201, created
    name = created["metadata"]["name"]
    assert name.startswith("dag-diamond-")
    # Then it finishes Succeeded in Argo's shape
    workflow = await wait_finished(jp_fetch, name)
    assert workflow["status"]["phase"] == "Succeeded"
    pods = {n["displayName"]: n for n in workflow["status"]["nodes"].values() if n["type"] == "Pod"}
    assert sorted(pods) == ["A", "B", "C", "D"]
    # And a node's log is there
    code, log = await fetch_json(
        jp_fetch, "polartep", "api", "workflows", "runs", name, "log", params={"node": pods["C"]["id"]}
    )
    assert code == 200 and log["log"] == "C\n"
    # And the run is listed
    code, listing = await fetch_json(jp_fetch, "polartep", "api", "workflows", "runs")
    assert [r["name"] for r in listing["runs"]] == [name]
    assert listing["runs"][0]["phase"] == "Succeeded" and listing["runs"][0]["progress"] == "4/4"
    # When stopped although finished: 409
    code, err = await fetch_json(
        jp_fetch, "polartep", "api", "workflows", "runs", name, "stop", method="PUT", body={}
    )
    assert code == 409 and err["reason"] == "finished"
    # When deleted, it is gone
    code, _ = await fetch_json(jp_fetch, "polartep", "api", "workflows", "runs", name, method="DELETE")
    assert code == 204
    code, _ = await fetch_json(jp_fetch, "polartep", "api", "workflows", "runs", name)
    assert code == 404


@pytest.mark.parametrize(
    ("change", "path", "reason"),
    [
        (lambda m: m["spec"].update(entrypoint=1), "spec.entrypoint", "not of type 'string'"),
        (lambda m: m["spec"]["templates"][0]["dag"]["tasks"][0].update(depends="D"),
         "spec.templates[0].dag.tasks", "dependency cycle"),
        (lambda m: m["spec"]["templates"][0]["dag"]["tasks"][1].update(template="nope"),
         "spec.templates[0].dag.tasks[1].template", "no template named 'nope'"),
    ],
)  # fmt: skip
async def test_bad_manifests_are_400_with_path(jp_fetch: Any, change: Any, path: str, reason: str) -> None:
    manifest = example("dag-diamond.yaml")
    change(manifest)
    code, err = await fetch_json(
        jp_fetch, "polartep", "api", "workflows", "runs", method="POST", body={"manifest": manifest}
    )
    assert code == 400
    assert f"{path}: " in err["message"] and reason in err["message"]
    code, listing = await fetch_json(jp_fetch, "polartep", "api", "workflows", "runs")
    assert listing["runs"] == []


async def test_files_lint_save_and_submit_by_path(jp_fetch: Any, jp_root_dir: Path) -> None:
    # Given a workflow file in the workspace and an unrelated YAML
    (jp_root_dir / "flows").mkdir()
    (jp_root_dir / "flows" / "hello.workflow.yaml").write_text((EXAMPLES / "hello-world.yaml").read_text())
    (jp_root_dir / "other.yaml").write_text("a: 1\n")
    code, files = await fetch_json(jp_fetch, "polartep", "api", "workflows", "files")
    assert [f["path"] for f in files["files"]] == ["flows/hello.workflow.yaml"]
    # When bad YAML is linted: the line is named
    code, lint = await fetch_json(
        jp_fetch, "polartep", "api", "workflows", "lint", method="POST", body={"yaml": "a: [1,\nb: 2"}
    )
    assert code == 200 and not lint["valid"] and "invalid YAML: line" in lint["problems"][0]["message"]
    # When an invalid manifest is saved: 400 and the file is untouched
    before = (jp_root_dir / "flows" / "hello.workflow.yaml").read_text()
    broken = example("hello-world.yaml")
    broken["spec"]["templates"][0]["container"]["args"] = "not a list"
    code, err = await fetch_json(
        jp_fetch, "polartep", "api", "workflows", "files", "flows/hello.workflow.yaml", method="PUT",
        body={"manifest": broken},
    )  # fmt: skip
    assert code == 400 and "spec.templates[0].container.args" in err["message"]
    assert (jp_root_dir / "flows" / "hello.workflow.yaml").read_text() == before
    # When a path escapes the workspace: refused
    code, _ = await fetch_json(jp_fetch, "polartep", "api", "workflows", "files", "..%2F..%2Fetc%2Fpasswd")
    assert code in (403, 404)
    # When submitted by path, it runs
    code, created = await fetch_json(
        jp_fetch,
        "polartep",
        "api",
        "workflows",
        "runs",
        method="POST",
        body={"path": "flows/hello.workflow.yaml"},
    )
    assert code == 201
    workflow = await wait_finished(jp_fetch, created["metadata"]["name"])
    assert workflow["status"]["phase"] == "Succeeded"
    assert workflow["metadata"]["annotations"]["polartep.io/source"] == "flows/hello.workflow.yaml"


async def test_bad_requests(jp_fetch: Any) -> None:
    code, err = await fetch_json(jp_fetch, "polartep", "api", "workflows", "runs", method="POST", body={})
    assert code == 400 and "exactly one of" in err["message"]
    code, err = await fetch_json(
        jp_fetch, "polartep", "api", "workflows", "runs", method="POST",
        body={"manifest": example("hello-world.yaml"), "backend": "argo"},
    )  # fmt: skip
    assert code == 400 and err["reason"] == "no_backend"
    code, err = await fetch_json(
        jp_fetch, "polartep", "api", "workflows", "runs", "nope", "explode", method="PUT", body={}
    )
    assert code in (400, 404)


async def test_artifact_of_a_local_run_downloads(jp_fetch: Any) -> None:
    # Given artifact-passing run locally
    code, created = await fetch_json(
        jp_fetch, "polartep", "api", "workflows", "runs", method="POST",
        body={"manifest": example("artifact-passing.yaml")},
    )  # fmt: skip
    name = created["metadata"]["name"]
    workflow = await wait_finished(jp_fetch, name)
    node = next(n for n in workflow["status"]["nodes"].values() if n["displayName"] == "generate-artifact")
    # When its output artifact is fetched, by node id
    response = await jp_fetch(
        "polartep", "api", "workflows", "runs", name, "artifacts", node["id"], "hello-art", method="GET"
    )
    # Then it is the file the step wrote
    assert response.body == b"hello world\n"
    code, err = await fetch_json(
        jp_fetch, "polartep", "api", "workflows", "runs", name, "artifacts", node["id"], "nope"
    )
    assert code == 404 and err["reason"] == "no_artifact"


async def test_workspace_templates_listed_and_submitted(jp_fetch: Any, jp_root_dir: Path) -> None:
    # Given a WorkflowTemplate file whose entry template is `execute` (EOX's process convention)
    template = {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "WorkflowTemplate",
        "metadata": {"name": "ice-edge"},
        "spec": {
            "entrypoint": "execute",
            "arguments": {"parameters": [{"name": "pole", "value": "north"}]},
            "templates": [
                {"name": "execute", "script": {"image": "python:3.11", "command": ["python"],
                 "source": "print('edge of the {{workflow.parameters.pole}} ice')"}}
            ],
        },
    }  # fmt: skip
    (jp_root_dir / "ice-edge.yaml").write_text(yaml.safe_dump(template))
    # When templates are listed
    code, listing = await fetch_json(jp_fetch, "polartep", "api", "workflows", "templates")
    assert code == 200
    assert listing["templates"] == [
        {"name": "ice-edge", "path": "ice-edge.yaml", "backend": "local", "entrypoint": "execute",
         "description": "", "parameters": [{"name": "pole", "value": "north"}]}
    ]  # fmt: skip
    # And one is submitted with a parameter, it runs as a Workflow
    code, created = await fetch_json(
        jp_fetch, "polartep", "api", "workflows", "templates", "ice-edge", "submit", method="POST",
        body={"parameters": {"pole": "south"}},
    )  # fmt: skip
    assert code == 201 and created["kind"] == "Workflow"
    name = created["metadata"]["name"]
    assert (await wait_finished(jp_fetch, name))["status"]["phase"] == "Succeeded"
    code, log = await fetch_json(jp_fetch, "polartep", "api", "workflows", "runs", name, "log")
    assert log["log"] == f"{name}: edge of the south ice\n"
