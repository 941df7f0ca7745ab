"""Build workflow manifests in Python with Hera (hera-workflows' models), validated like any other.

``notebook_pipeline`` chains workspace notebooks as notebook steps (papermill convention): the
result is a plain Argo Workflow mapping that runs locally and on Argo.
"""

from __future__ import annotations

from typing import Any

from . import manifest as mf
from .notebook import DEFAULT_IMAGE, notebook_template, step_name


def notebook_pipeline(
    notebooks: list[str],
    parameters: dict[str, Any] | None = None,
    name: str = "notebooks-",
    parallel: bool = False,
    image: str = DEFAULT_IMAGE,
) -> dict[str, Any]:
    """A Workflow running ``notebooks`` (workspace paths) in order (or all at once), each with
    the workflow ``parameters`` it declares; parameters become ``spec.arguments.parameters``."""
    from hera.workflows import DAG, Env, Parameter, Script, Workflow  # heavy: import on use

    parameters = parameters or {}
    names: list[str] = []
    with Workflow(
        generate_name=name,
        entrypoint="main",
        arguments=[
            Parameter(name=k, value=v if isinstance(v, str) else str(v)) for k, v in parameters.items()
        ],
    ) as workflow:
        steps = []
        for path in notebooks:
            step = step_name(path)
            while step in names:
                step += "-again"
            names.append(step)
            spec = notebook_template(path, dict.fromkeys(parameters, ""), name=step, image=image)["script"]
            steps.append(
                Script(
                    name=step,
                    image=spec["image"],
                    command=spec["command"],
                    source=spec["source"],
                    env=[Env(name=e["name"], value=e["value"]) for e in spec["env"]],
                    inputs=[Parameter(name=k) for k in parameters],
                    annotations={"polartep.io/notebook": path},
                )
            )
        with DAG(name="main"):
            previous = None
            for script in steps:
                task = script(
                    name=script.name,
                    arguments={k: "{{workflow.parameters." + k + "}}" for k in parameters},
                )
                if previous is not None and not parallel:
                    previous >> task
                previous = task
    return mf.check(workflow.to_dict())
