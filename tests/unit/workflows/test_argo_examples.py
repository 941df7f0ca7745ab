"""Argo's own examples: all validate; with busybox allowed on the host they run with Argo's phases."""

from __future__ import annotations

from pathlib import Path

import pytest

from polartep_lab.workflows import manifest as mf
from polartep_lab.workflows.service import WorkflowService

from .conftest import EXAMPLES, example, make_service, nodes_by_display, run

ALL = sorted(p.name for p in EXAMPLES.glob("*.yaml"))


@pytest.mark.parametrize("name", ALL)
def test_every_official_example_validates(name: str) -> None:
    # Given an example copied from argo-workflows, when it is checked, then nothing is wrong
    assert mf.problems_of(example(name)) == []


def test_dag_diamond_runs_in_dependency_order(service: WorkflowService) -> None:
    # Given dag-diamond (A -> B, C -> D), when it runs locally
    workflow = run(service, example("dag-diamond.yaml"))
    # Then every node succeeded, as Argo documents
    assert workflow["status"]["phase"] == "Succeeded"
    nodes = nodes_by_display(workflow)
    assert {k: n["phase"] for k, n in nodes.items() if n["type"] == "Pod"} == dict.fromkeys(
        "ABCD", "Succeeded"
    )
    # And D started after B and C finished, B and C after A
    assert nodes["B"]["startedAt"] >= nodes["A"]["finishedAt"]
    assert nodes["C"]["startedAt"] >= nodes["A"]["finishedAt"]
    assert nodes["D"]["startedAt"] >= max(nodes["B"]["finishedAt"], nodes["C"]["finishedAt"])
    # And the graph edges (children) are Argo's: A -> B, C; B -> D; C -> D
    assert {nodes[c]["displayName"] if c in nodes else workflow["status"]["nodes"][c]["displayName"]
            for c in nodes["A"]["children"]} == {"B", "C"}  # fmt: skip
    assert service.logs(workflow["metadata"]["name"], nodes["D"]["id"]) == "D\n"


def test_parameters_example_overrides_message(service: WorkflowService) -> None:
    # Given arguments-parameters, when submitted with message=goodbye world
    workflow = run(service, example("arguments-parameters.yaml"), {"message": "goodbye world"})
    # Then the step printed it
    assert workflow["status"]["phase"] == "Succeeded"
    assert service.logs(workflow["metadata"]["name"]).strip().endswith("goodbye world")


def test_steps_example_runs_groups_in_sequence(service: WorkflowService) -> None:
    workflow = run(service, example("steps.yaml"))
    nodes = nodes_by_display(workflow)
    assert workflow["status"]["phase"] == "Succeeded"
    assert nodes["hello2a"]["startedAt"] >= nodes["hello1"]["finishedAt"]
    assert nodes["[0]"]["type"] == "StepGroup" and nodes["[1]"]["phase"] == "Succeeded"


def test_artifact_passing_hands_the_file_over(service: WorkflowService) -> None:
    workflow = run(service, example("artifact-passing.yaml"))
    nodes = nodes_by_display(workflow)
    assert workflow["status"]["phase"] == "Succeeded"
    assert nodes["generate-artifact"]["outputs"]["artifacts"][0]["name"] == "hello-art"
    name = workflow["metadata"]["name"]
    assert service.logs(name, nodes["consume-artifact"]["id"]) == "hello world\n"
    # And nothing was written to the real /tmp/message path of the container
    assert nodes["consume-artifact"]["inputs"]["artifacts"][0]["path"] == "/tmp/message"


def test_hello_world_without_container_runtime_fails_with_clear_error(tmp_path: Path) -> None:
    # Given no container runtime and busybox not allowed on the host
    service = make_service(tmp_path, host_images=())
    workflow = run(service, example("hello-world.yaml"))
    # Then the step fails with an error naming it and what it needs
    node = next(iter(workflow["status"]["nodes"].values()))
    assert workflow["status"]["phase"] in ("Failed", "Error")
    assert node["phase"] == "Error"
    assert "container steps need Argo or a container runtime" in node["message"]
    assert workflow["metadata"]["name"] in node["message"]
