"""The outbound HTTP client sends host-bound secrets; platform-mounted secrets work the same way."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from .conftest import fetch_json
from .secrets_helpers import create_secret

TOKEN = "bearer-abc-123-xyz"
PLATFORM = "platform-registry-777"


class Recorder(BaseHTTPRequestHandler):
    seen: list[dict[str, str]] = []

    def do_GET(self) -> None:
        Recorder.seen.append({k.lower(): v for k, v in self.headers.items()})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def recording_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    Recorder.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def mount_dir(tmp_path: Path) -> Path:
    path = tmp_path / "platform-secrets"
    path.mkdir()
    (path / "registry-token").write_text(PLATFORM + "\n")
    return path


@pytest.fixture
def polartep_config(mount_dir: Path) -> dict[str, Any]:
    return {"secrets_mount_dir": str(mount_dir), "secrets_mount_hosts": {"REGISTRY_TOKEN": ["localhost"]}}


async def test_outbound_client_sends_host_bound_secrets(
    jp_fetch: Any, jp_serverapp: Any, recording_server: str
) -> None:
    # Given a secret bound to 127.0.0.1 and a platform secret bound to localhost
    await create_secret(jp_fetch, name="LOCAL_API", value=TOKEN, hosts=["127.0.0.1"])
    http = jp_serverapp.web_app.settings["polartep_http"]
    port = recording_server.split(":")[1]
    # When the workspace's outbound client calls each host
    async with http.async_client() as client:
        assert (await client.get(f"http://{recording_server}/search")).status_code == 200
        assert (await client.get(f"http://localhost:{port}/other")).status_code == 200
    # Then each request carried only the credential bound to its host
    assert Recorder.seen[0]["authorization"] == f"Bearer {TOKEN}"
    assert Recorder.seen[1]["authorization"] == f"Bearer {PLATFORM}"
    # And the use shows in the listing as last-used, without the values
    code, listing = await fetch_json(jp_fetch, "polartep", "api", "secrets")
    assert code == 200
    by_name = {s["name"]: s for s in listing["secrets"]}
    assert by_name["LOCAL_API"]["last_used"] is not None
    assert TOKEN not in str(listing) and PLATFORM not in str(listing)


async def test_platform_secrets_are_listed_read_only(jp_fetch: Any, jp_serverapp: Any) -> None:
    # Given a platform mount with one secret
    # When secrets are listed, it shows as platform and read-only
    code, listing = await fetch_json(jp_fetch, "polartep", "api", "secrets")
    assert [(s["name"], s["source"], s["read_only"], s["inject"]) for s in listing["secrets"]] == [
        ("REGISTRY_TOKEN", "platform", True, True)
    ]
    assert listing["platform_dir"].endswith("platform-secrets")
    # And it is injected and revealable, but cannot be changed or deleted
    service = jp_serverapp.web_app.settings["polartep_services"]["secrets"]
    assert service.injected_env() == {"REGISTRY_TOKEN": PLATFORM}
    code, shown = await fetch_json(
        jp_fetch, "polartep", "api", "secrets", "REGISTRY_TOKEN", "reveal", method="POST", body={}
    )
    assert shown["value"] == PLATFORM
    code, reply = await fetch_json(jp_fetch, "polartep", "api", "secrets", "REGISTRY_TOKEN", method="DELETE")
    assert code == 409 and reply["reason"] == "read_only"
    code, reply = await fetch_json(
        jp_fetch, "polartep", "api", "secrets", method="POST", body={"name": "REGISTRY_TOKEN", "value": "x"}
    )
    assert code == 409
