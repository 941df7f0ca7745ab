"""Workflow runs record their author (JupyterHub user over real HTTP, else the OS user), as Argo
labels; the Argo backend sends the label with the manifest and the template submission."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from polartep_lab.core.http import OutboundClient
from polartep_lab.core.identity import Identity, os_user
from polartep_lab.workflows.argo import ArgoBackend
from polartep_lab.workflows.local import LocalBackend
from polartep_lab.workflows.pods import PodSettings
from polartep_lab.workflows.service import AUTHOR_LABEL, WorkflowService, label_value

from ...fake_hub import hub_env
from .conftest import script, wf

HUB_USER = "alice@eox.at"
HELLO = wf([script("main", "print('hello')")], "main")


@pytest.fixture
def hub_identity() -> Iterator[Identity]:
    with hub_env(HUB_USER) as env:
        yield Identity(env=env)


def _local(tmp_path: Path) -> LocalBackend:
    root = tmp_path / "root"
    root.mkdir(exist_ok=True)
    return LocalBackend(tmp_path / "data", PodSettings(root_dir=root, container_runtime=None))


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("alice", "alice"),
        ("alice@eox.at", "alice_eox.at"),
        ("-Bob Smith-", "Bob_Smith"),
        ("x" * 80, "x" * 63),
        ("@@@", ""),
    ],
)
def test_label_values_are_valid_kubernetes_label_values(name: str, value: str) -> None:
    assert label_value(name) == value


def test_a_local_run_records_the_hub_user_and_a_resubmission_its_own_author(
    tmp_path: Path, hub_identity: Identity
) -> None:
    # Given a service under a hub, and one outside a hub on the same run records
    backend = _local(tmp_path)
    hub = WorkflowService({"local": backend}, "local", tmp_path / "root", identity=hub_identity)
    laptop = WorkflowService({"local": backend}, "local", tmp_path / "root")
    try:
        # When the hub user submits a run
        name = hub.submit(HELLO)["metadata"]["name"]
        done = hub.wait(name, timeout=60)
        # Then the Workflow carries the author in Argo's shape: a sanitized label, the exact annotation
        assert done["metadata"]["labels"][AUTHOR_LABEL] == "alice_eox.at"
        assert done["metadata"]["annotations"][AUTHOR_LABEL] == HUB_USER
        # And get and list expose it
        assert [r["author"] for r in hub.list() if r["name"] == name] == [HUB_USER]
        # And a resubmission outside the hub is authored by the OS user
        again = laptop.action(name, "resubmit")
        assert again["metadata"]["annotations"][AUTHOR_LABEL] == os_user()
        assert again["metadata"]["labels"][AUTHOR_LABEL] == label_value(os_user())
        laptop.wait(again["metadata"]["name"], timeout=60)
        authors = {r["name"]: r["author"] for r in laptop.list()}
        assert authors == {name: HUB_USER, again["metadata"]["name"]: os_user()}
    finally:
        backend.close()


class _FakeArgo(http.server.BaseHTTPRequestHandler):
    posted: list[dict[str, Any]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).posted.append({"path": self.path, "body": body})
        workflow = body.get("workflow") or {"metadata": {}}
        workflow["metadata"]["name"] = "run-1"
        data = json.dumps(workflow).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def argo_url() -> Iterator[str]:
    _FakeArgo.posted = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _FakeArgo)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_the_argo_backend_sends_the_author_label(
    tmp_path: Path, hub_identity: Identity, argo_url: str
) -> None:
    # Given the Argo backend (a local HTTP server in Argo's role) and a hub user
    argo = ArgoBackend(OutboundClient(), argo_url, "polar")
    service = WorkflowService({"argo": argo}, "argo", tmp_path, identity=hub_identity)
    # When a manifest and a WorkflowTemplate are submitted
    service.submit(HELLO)
    service.submit_template("hello-template", {"who": "x"})
    # Then the manifest's metadata has the label (and annotation), the template submission the label
    manifest, template = _FakeArgo.posted
    assert manifest["path"] == "/api/v1/workflows/polar"
    meta = manifest["body"]["workflow"]["metadata"]
    assert meta["labels"] == {AUTHOR_LABEL: "alice_eox.at"}
    assert meta["annotations"] == {AUTHOR_LABEL: HUB_USER}
    assert template["path"] == "/api/v1/workflows/polar/submit"
    assert template["body"]["submitOptions"]["labels"] == f"{AUTHOR_LABEL}=alice_eox.at"
