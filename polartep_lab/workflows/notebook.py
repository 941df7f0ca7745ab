"""Notebook steps: a workspace notebook run with parameters (papermill's convention) as a script step.

:func:`notebook_template` gives a standard Argo *script* template, so the same manifest runs in
the local executor and on Argo (with an image that has ``polartep_lab``). At run time
:func:`run_notebook` injects the parameters as a cell after the one tagged ``parameters`` (tagged
``injected-parameters``, as papermill does), executes the notebook with nbclient and saves it.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from typing import Any

ENV_PREFIX = "POLARTEP_PARAM_"
DEFAULT_IMAGE = "ghcr.io/polartep/polartep-lab:latest"
_NAME = re.compile(r"[^a-z0-9-]+")


def step_name(notebook: str) -> str:
    return _NAME.sub("-", Path(notebook).stem.lower()).strip("-") or "notebook"


def notebook_template(
    notebook: str,
    parameters: dict[str, Any] | None = None,
    name: str | None = None,
    output: str | None = None,
    image: str = DEFAULT_IMAGE,
) -> dict[str, Any]:
    """An Argo script template running ``notebook`` (a workspace path) with ``parameters``."""
    parameters = parameters or {}
    out = output or str(Path(notebook).with_suffix("")) + ".out.ipynb"
    source = (
        "from polartep_lab.workflows.notebook import main\n"
        f"main({json.dumps(notebook)}, {json.dumps(sorted(parameters))}, {json.dumps(out)})\n"
    )
    return {
        "name": name or step_name(notebook),
        "metadata": {"annotations": {"polartep.io/notebook": notebook}},
        "inputs": {
            "parameters": [
                {"name": k, "value": v if isinstance(v, str) else json.dumps(v)}
                for k, v in parameters.items()
            ]
        },
        "script": {
            "image": image,
            "command": ["python"],
            "env": [{"name": ENV_PREFIX + k, "value": "{{inputs.parameters." + k + "}}"} for k in parameters],
            "source": source,
        },
    }


def _typed(value: str) -> Any:
    """Like papermill's ``-p``: numbers, booleans, JSON lists/objects; anything else stays a string."""
    try:
        return json.loads(value)
    except ValueError:
        return value


def inject(nb: Any, parameters: dict[str, Any]) -> Any:
    import nbformat

    lines = [f"{k} = {v!r}" for k, v in parameters.items()]
    cell = nbformat.v4.new_code_cell(
        "# Parameters\n" + "\n".join(lines), metadata={"tags": ["injected-parameters"]}
    )
    cells = [c for c in nb.cells if "injected-parameters" not in c.get("metadata", {}).get("tags", [])]
    index = next(
        (i + 1 for i, c in enumerate(cells) if "parameters" in c.get("metadata", {}).get("tags", [])), 0
    )
    cells.insert(index, cell)
    nb.cells = cells
    return nb


def run_notebook(notebook: str | Path, parameters: dict[str, Any], output: str | Path | None = None) -> Path:
    import nbformat
    from nbclient import NotebookClient

    path = Path(notebook).resolve()
    nb = inject(nbformat.read(path, as_version=4), parameters)
    client = NotebookClient(
        nb, timeout=None, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    target = Path(output).resolve() if output else path.with_suffix(".out.ipynb")
    try:
        client.execute()
    finally:
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, target)
    return target


def main(notebook: str, names: list[str], output: str) -> None:
    """Entry point of the generated script: parameters arrive as environment variables."""
    parameters = {n: _typed(os.environ.get(ENV_PREFIX + n, "")) for n in names}
    print(f"running notebook {notebook} with {parameters}", flush=True)
    try:
        saved = run_notebook(notebook, parameters, output)
    except Exception as exc:
        print(f"notebook {notebook} failed: {exc}", file=sys.stderr, flush=True)
        sys.exit(1)
    print(f"notebook saved to {saved}", flush=True)
