"""``%%workflow [param=value ...] [--backend argo] [--no-wait]``: run the YAML manifest in the cell."""

from __future__ import annotations

import shlex
from typing import Any


def workflow(line: str, cell: str) -> dict[str, Any] | None:
    from . import get_service
    from . import manifest as mf

    parameters: dict[str, str] = {}
    backend, wait = "local", True
    words = shlex.split(line)
    while words:
        word = words.pop(0)
        if word == "--backend" and words:
            backend = words.pop(0)
        elif word == "--no-wait":
            wait = False
        elif "=" in word:
            key, value = word.split("=", 1)
            parameters[key] = value
        else:
            raise ValueError(f"%%workflow: unexpected {word!r} (use name=value, --backend, --no-wait)")
    svc = get_service()
    run: dict[str, Any] = svc.submit(mf.parse(cell), parameters, backend)
    if wait and backend == "local":
        run = svc.wait(run["metadata"]["name"])
        status = run["status"]
        print(f"{run['metadata']['name']}: {status['phase']} {status.get('message', '')}".rstrip())
        print(svc.logs(run["metadata"]["name"]), end="")
        return None  # printed; the run stays available through workflows.get(name)
    return run
