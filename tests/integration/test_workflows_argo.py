"""The Argo backend against a server that enforces Argo's swagger.json on every request."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from polartep_lab.core.errors import Conflict, NotFound
from polartep_lab.core.http import OutboundClient, OutboundPolicy
from polartep_lab.workflows.argo import ArgoBackend, pod_name
from polartep_lab.workflows.local import LocalBackend
from polartep_lab.workflows.pods import PodSettings
from polartep_lab.workflows.service import WorkflowService

from .argo_server import ArgoServer

pytestmark = pytest.mark.integration
EXAMPLES = Path(__file__).resolve().parents[1] / "contracts" / "argo" / "examples"
TOKEN = "s3cret-token"


@pytest.fixture
def argo() -> Iterator[ArgoServer]:
    with ArgoServer(TOKEN) as server:
        yield server
    assert server.state.violations == [], "requests the real Argo Server would reject"


@pytest.fixture
def service(argo: ArgoServer, tmp_path: Path) -> WorkflowService:
    # the token reaches the client the way the workspace gives it: a credentials lookup by host
    http = OutboundClient(
        OutboundPolicy(),
        credentials=lambda host: {"Authorization": f"Bearer {TOKEN}"} if host == "127.0.0.1" else {},
    )
    backends: dict[str, Any] = {
        "argo": ArgoBackend(http, argo.url, "polar"),
        "local": LocalBackend(tmp_path / "data", PodSettings(root_dir=tmp_path)),
    }
    return WorkflowService(backends, "argo", tmp_path)


def example(name: str) -> dict[str, Any]:
    return yaml.safe_load((EXAMPLES / name).read_text())  # type: ignore[no-any-return]


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES.glob("*.yaml")))
def test_submit_each_official_example(service: WorkflowService, argo: ArgoServer, name: str) -> None:
    # Given an official example, when it is submitted to Argo, then the create request is valid
    workflow = service.submit(example(name), backend="argo")
    assert workflow["metadata"]["namespace"] == "polar"
    assert ("POST", "/api/v1/workflows/{namespace}") in argo.state.calls


def test_every_call_of_the_client(service: WorkflowService, argo: ArgoServer) -> None:
    # Given a run on Argo with a parameter override
    created = service.submit(example("arguments-parameters.yaml"), {"message": "polar night"}, "argo")
    name = created["metadata"]["name"]
    stored = argo.state.workflows[("polar", name)]
    assert stored["spec"]["arguments"]["parameters"][0]["value"] == "polar night"
    # When it is read, listed and its logs fetched
    assert service.get(name)["status"]["phase"] == "Succeeded"
    assert [r["name"] for r in service.list("argo")] == [name]
    node = next(iter(service.get(name)["status"]["nodes"].values()))
    assert service.logs(name, node["id"]) == f"log of {pod_name(name, node)}\n"
    assert service.logs(name) == f"log of {name}\n"
    # When it is stopped although finished: 409 from Argo is a Conflict
    with pytest.raises(Conflict):
        service.action(name, "stop")
    with pytest.raises(Conflict):
        service.action(name, "terminate")
    with pytest.raises(Conflict):
        service.action(name, "retry")
    # Resubmit makes a new run
    again = service.action(name, "resubmit")
    assert again["metadata"]["name"] != name
    # Lint goes to Argo's /lint
    assert service.backends["argo"].lint(example("dag-diamond.yaml"))["kind"] == "Workflow"  # type: ignore[attr-defined]
    # Delete, then it is gone
    service.delete(name)
    with pytest.raises(NotFound):
        service.get(name, "argo")
    # Health asks the version endpoint
    assert service.backends["argo"].health()[0] is True  # type: ignore[attr-defined]


def test_templates_listed_and_submitted_with_parameters(service: WorkflowService, argo: ArgoServer) -> None:
    template = {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "WorkflowTemplate",
        "metadata": {"name": "sea-ice-mean", "namespace": "polar"},
        "spec": {
            "entrypoint": "execute",
            "arguments": {"parameters": [{"name": "month", "value": "2024-01"}]},
            "templates": [{"name": "execute", "container": {"image": "busybox", "command": ["echo"]}}],
        },
    }
    argo.state.templates[("polar", "sea-ice-mean")] = template
    listed = service.templates("argo")
    assert listed[0]["name"] == "sea-ice-mean" and listed[0]["entrypoint"] == "execute"
    run = service.submit_template("sea-ice-mean", {"month": "2024-03"}, "argo")
    assert run["spec"]["arguments"]["parameters"][0]["value"] == "2024-03"
    # EOX convention: an `execute` entrypoint is an OGC API process with string inputs
    processes = service.processes()
    assert processes[0]["id"] == "sea-ice-mean"
    assert processes[0]["inputs"]["month"]["schema"] == {"type": "string"}


def test_the_test_server_rejects_what_argo_would(argo: ArgoServer) -> None:
    # Given a client that sends a wrong body (workflow must be an object), the server refuses and records it
    http = OutboundClient(credentials=lambda host: {"Authorization": f"Bearer {TOKEN}"})
    with http.client() as client:
        response = client.post(f"{argo.url}/api/v1/workflows/polar", json={"workflow": "not an object"})
        bad_query = client.get(f"{argo.url}/api/v1/workflows/polar", params={"limit": "5"})
        no_route = client.put(f"{argo.url}/api/v1/workflows/polar/x/explode", json={})
    assert response.status_code == 400 and bad_query.status_code == 400 and no_route.status_code == 404
    assert len(argo.state.violations) == 3
    argo.state.violations.clear()
    # And a wrong token is refused
    with OutboundClient().client() as client:
        assert client.get(f"{argo.url}/api/v1/workflows/polar").status_code == 401
    argo.state.violations.clear()
