"""Feature sets per hub group, with the user's groups read from a Hub API over real HTTP."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator

import pytest

from polartep_lab.core.access import FeatureAccess, validate_feature_names
from polartep_lab.core.identity import Identity


def test_unknown_feature_names_list_the_valid_ones() -> None:
    validate_feature_names(["docs", "jobs"], ["docs"], {"jobs": ["a"]})
    with pytest.raises(
        ValueError, match=r"unknown Polar TEP feature name\(s\).*dashbord.*valid names: docs, jobs"
    ):
        validate_feature_names(["docs", "jobs"], [], {"dashbord": ["publishers"]})


def test_outside_a_hub_groups_do_not_apply() -> None:
    access = FeatureAccess({"docs": ["publishers"]}, Identity(env={}))
    assert access.decide("docs").enabled
    assert access.decide("examples").reason == "enabled"
    assert access.identity.current().source == "os"


class _HubAPI(http.server.BaseHTTPRequestHandler):
    groups: list[str] = []
    calls = 0

    def do_GET(self) -> None:
        type(self).calls += 1
        if self.headers.get("Authorization") != "token server-token" or self.path != "/hub/api/user":
            self.send_response(403)
            self.end_headers()
            return
        body = json.dumps({"name": "alice", "groups": type(self).groups}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def hub_api() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _HubAPI)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hub/api"
    server.shutdown()


def _env(api_url: str) -> dict[str, str]:
    return {"JUPYTERHUB_USER": "alice", "JUPYTERHUB_API_URL": api_url, "JUPYTERHUB_API_TOKEN": "server-token"}


def test_hub_groups_decide_and_are_cached(hub_api: str) -> None:
    _HubAPI.groups, _HubAPI.calls = ["publishers"], 0
    identity = Identity(env=_env(hub_api), ttl=60)
    access = FeatureAccess({"dashboard": ["publishers"], "secrets": ["admins"]}, identity)
    assert access.decide("dashboard").reason == "enabled for group publishers"
    assert access.decide("secrets").reason == "only for group admins"
    assert access.decide("docs").enabled
    assert _HubAPI.calls == 1  # cached
    _HubAPI.groups = []
    identity.invalidate()
    assert not access.allowed("dashboard")


def test_unreachable_hub_means_only_ungated_features_and_a_retry(hub_api: str) -> None:
    identity = Identity(env=_env("http://127.0.0.1:9/hub/api"), retry=0, timeout=1)
    access = FeatureAccess({"dashboard": ["publishers"]}, identity)
    decision = access.decide("dashboard")
    assert not decision.enabled
    assert "cannot read groups from the Hub API" in decision.reason
    assert access.allowed("docs")
    # the hub comes back: the next lookup (retry=0) reads the groups
    _HubAPI.groups = ["publishers"]
    identity.env["JUPYTERHUB_API_URL"] = hub_api
    assert access.allowed("dashboard")
