"""Start a real JupyterHub (configurable-http-proxy, local-process spawner) on 127.0.0.1 free ports."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.netutil import free_port, stop_process, wait_for_http

HERE = Path(__file__).resolve().parent
CHP = HERE / "node_modules" / ".bin" / "configurable-http-proxy"


@dataclass
class Hub:
    url: str
    state: Path
    service_token: str
    process: subprocess.Popen[bytes]
    passwords: dict[str, str] = field(default_factory=dict)

    def api(self, method: str, path: str, body: Any = None, token: str | None = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.url}hub/api/{path}",
            data=data,
            method=method,
            headers={"Authorization": f"token {token or self.service_token}"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            text = response.read()
            return json.loads(text) if text else None

    def user_token(self, user: str) -> str:
        reply = self.api("POST", f"users/{user}/tokens", {"note": "polartep test script", "expires_in": 3600})
        return str(reply["token"])

    def stop(self) -> None:
        stop_process(self.process)
        # single-user servers are children of the hub; make sure none is left
        subprocess.run(["pkill", "-f", f"{self.state}/singleuser_config.json"], check=False)
        subprocess.run(
            ["pkill", "-f", f"configurable-http-proxy.*{self.url.split(':')[-1].rstrip('/')}"], check=False
        )


def start_hub(
    state: Path,
    passwords: dict[str, str],
    groups: dict[str, list[str]],
    singleuser_config: dict[str, Any],
) -> Hub:
    if not CHP.exists():
        raise RuntimeError(f"{CHP} missing: run `npm ci --prefix {HERE}` (make test does)")
    state.mkdir(parents=True, exist_ok=True)
    (state / "jupyter-config" / "labconfig").mkdir(parents=True, exist_ok=True)
    (state / "jupyter-config" / "labconfig" / "page_config.json").write_text(
        json.dumps({"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}})
    )
    (state / "singleuser_config.json").write_text(json.dumps(singleuser_config))
    proxy_port, hub_port, api_port = free_port(), free_port(), free_port()
    service_token = secrets.token_hex(24)
    env = {
        **os.environ,
        "POLARTEP_HUB_STATE": str(state),
        "POLARTEP_HUB_PASSWORDS": json.dumps(passwords),
        "POLARTEP_HUB_GROUPS": json.dumps({g: {"users": users} for g, users in groups.items()}),
        "POLARTEP_HUB_PROXY_PORT": str(proxy_port),
        "POLARTEP_HUB_PORT": str(hub_port),
        "POLARTEP_HUB_PROXY_API_PORT": str(api_port),
        "POLARTEP_HUB_SERVICE_TOKEN": service_token,
        "POLARTEP_CHP": str(CHP),
        "CONFIGPROXY_AUTH_TOKEN": secrets.token_hex(16),
    }
    log = (state / "hub.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "jupyterhub", "-f", str(HERE / "hub_config.py")],
        cwd=state,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    hub = Hub(f"http://127.0.0.1:{proxy_port}/", state, service_token, process, passwords)
    headers = {"Authorization": f"token {service_token}"}
    wait_for_http(
        f"{hub.url}hub/api/",
        90,
        headers=headers,
        process=process,
        log=state / "hub.log",
        name="jupyterhub",
        on_failure=hub.stop,
        interval=0.5,
    )
    return hub
