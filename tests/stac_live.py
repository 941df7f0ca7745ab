"""A real `jupyter server` subprocess with polartep_lab on 127.0.0.1, for tools that need a live
HTTP server (stac-api-validator, pystac-client, schemathesis): they are synchronous and cannot share
pytest-jupyter's event loop."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.netutil import free_port, stop_process, wait_for_http


@dataclass
class LiveServer:
    base: str  # http://127.0.0.1:PORT/
    token: str
    data_dir: Path
    log: Path
    process: subprocess.Popen[bytes]

    @property
    def stac_url(self) -> str:
        return f"{self.base}polartep/stac/"

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"token {self.token}"}

    def get_json(self, path: str) -> Any:
        request = urllib.request.Request(f"{self.base}{path}", headers=self.headers)
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    def stop(self) -> None:
        stop_process(self.process)


def seed_demo(data_dir: Path, extra_items: int = 0) -> None:
    """The demo collection in the workspace catalog of `data_dir` (as `make demo` does), written by
    a separate interpreter like a kernel would; `extra_items` more synthetic scenes if asked."""
    code = (
        "import sys\n"
        "from polartep_lab.stac.demo import DEMO_COLLECTION, demo_items, seed_demo\n"
        "from polartep_lab.stac.notebook import service\n"
        "seed_demo(sys.argv[1])\n"
        "n = int(sys.argv[2])\n"
        "if n:\n"
        "    extra = [dict(i, id=i['id'].replace('seaice-', 'extra-')) for i in demo_items(n, seed=3031)]\n"
        "    service(sys.argv[1]).create_items(DEMO_COLLECTION, extra)\n"
    )
    env = {**os.environ, "POLARTEP_DATA_DIR": str(data_dir)}
    cmd = [sys.executable, "-c", code, str(data_dir), str(extra_items)]
    subprocess.run(cmd, env=env, check=True, timeout=300)


def start(tmp: Path, polartep: dict[str, Any] | None = None) -> LiveServer:
    """`jupyter server` with the extension, its data dir under `tmp`; waits until the API answers."""
    root, data, config = tmp / "root", tmp / "data", tmp / "config"
    for folder in (root, data, config):
        folder.mkdir(parents=True, exist_ok=True)
    settings = {"PolarTEP": {"data_dir": str(data), **(polartep or {})}}
    (config / "jupyter_server_config.json").write_text(json.dumps(settings))
    port, token = free_port(), secrets.token_hex(16)
    log = tmp / "server.log"
    env = {
        **os.environ,
        "JUPYTER_CONFIG_PATH": str(config),
        "JUPYTER_RUNTIME_DIR": str(tmp / "runtime"),
        "POLARTEP_DATA_DIR": str(data),
    }
    cmd = [
        sys.executable, "-m", "jupyter", "server", "--no-browser", "--allow-root",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
    ]  # fmt: skip
    process = subprocess.Popen(cmd, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    server = LiveServer(f"http://127.0.0.1:{port}/", token, data, log, process)
    wait_for_http(
        server.stac_url,
        90,
        headers=server.headers,
        process=process,
        log=log,
        name="jupyter server",
        on_failure=server.stop,
    )
    return server
