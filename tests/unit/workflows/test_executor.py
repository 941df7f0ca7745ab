"""The local executor: fan-out, when, retries, deadlines, exit handlers, failures, stop, restart."""

from __future__ import annotations

import json
import time
from pathlib import Path

import nbformat
import pytest

from polartep_lab.core.errors import Conflict, Invalid
from polartep_lab.workflows.local import INTERRUPTED, LocalBackend
from polartep_lab.workflows.manifest import ManifestError
from polartep_lab.workflows.notebook import notebook_template
from polartep_lab.workflows.pods import PodSettings
from polartep_lab.workflows.service import WorkflowService

from .conftest import nodes_by_display, run, script, wf

PRINT_ITEM = script("show", "print('{{inputs.parameters.v}}')", inputs={"parameters": [{"name": "v"}]})


def test_with_items_and_with_param_fan_out_and_aggregate(service: WorkflowService) -> None:
    # Given a generator whose JSON output feeds a withParam fan-out, and a withItems fan-out
    gen = script("gen", "import json; print(json.dumps([1, 2, 3]))")
    square = script(
        "square",
        "v = int('{{inputs.parameters.v}}'); open('/tmp/out', 'w').write(str(v * v))",
        inputs={"parameters": [{"name": "v"}]},
        outputs={"parameters": [{"name": "sq", "valueFrom": {"path": "/tmp/out"}}]},
    )
    total = script(
        "total",
        "import json; print(sum(int(x) for x in json.loads('{{inputs.parameters.v}}')))",
        inputs={"parameters": [{"name": "v"}]},
    )
    main = {
        "name": "main",
        "dag": {
            "tasks": [
                {"name": "gen", "template": "gen"},
                {"name": "sq", "template": "square", "depends": "gen",
                 "withParam": "{{tasks.gen.outputs.result}}",
                 "arguments": {"parameters": [{"name": "v", "value": "{{item}}"}]}},
                {"name": "letters", "template": "show", "withItems": ["a", "b"],
                 "arguments": {"parameters": [{"name": "v", "value": "{{item}}"}]}},
                {"name": "sum", "template": "total", "depends": "sq",
                 "arguments": {"parameters": [{"name": "v", "value": "{{tasks.sq.outputs.parameters.sq}}"}]}},
            ]
        },
    }  # fmt: skip
    # When it runs
    workflow = run(service, wf([main, gen, square, total, PRINT_ITEM], "main"))
    # Then each item had its node (Argo's names) and the aggregate reached the last step
    assert workflow["status"]["phase"] == "Succeeded", workflow["status"]
    nodes = nodes_by_display(workflow)
    assert {"sq(0:1)", "sq(1:2)", "sq(2:3)", "letters(0:a)", "letters(1:b)"} <= set(nodes)
    assert nodes["sq"]["type"] == "TaskGroup"
    assert nodes["sum"]["outputs"]["result"] == "14"


def test_when_skips_and_depends_omits(service: WorkflowService) -> None:
    flip = script("flip", "print('heads')")
    steps = {
        "name": "main",
        "steps": [
            [{"name": "flip", "template": "flip"}],
            [
                {"name": "heads", "template": "show", "when": "{{steps.flip.outputs.result}} == heads",
                 "arguments": {"parameters": [{"name": "v", "value": "H"}]}},
                {"name": "tails", "template": "show", "when": "{{steps.flip.outputs.result}} == tails",
                 "arguments": {"parameters": [{"name": "v", "value": "T"}]}},
            ],
        ],
    }  # fmt: skip
    workflow = run(service, wf([steps, flip, PRINT_ITEM], "main"))
    nodes = nodes_by_display(workflow)
    assert workflow["status"]["phase"] == "Succeeded"
    assert nodes["heads"]["phase"] == "Succeeded"
    assert nodes["tails"]["phase"] == "Skipped"
    assert "evaluated false" in nodes["tails"]["message"]


def test_failing_step_fails_run_keeps_log_and_handled_failure_continues(service: WorkflowService) -> None:
    fail = script("fail", "import sys; print('bad input'); sys.exit(3)")
    dag = {
        "name": "main",
        "dag": {
            "tasks": [
                {"name": "a", "template": "fail"},
                {"name": "cleanup", "template": "show", "depends": "a.Failed",
                 "arguments": {"parameters": [{"name": "v", "value": "cleaning"}]}},
                {"name": "next", "template": "show", "depends": "a",
                 "arguments": {"parameters": [{"name": "v", "value": "never"}]}},
            ]
        },
    }  # fmt: skip
    workflow = run(service, wf([dag, fail, PRINT_ITEM], "main"))
    nodes = nodes_by_display(workflow)
    # a's failure is expected by cleanup (a.Failed): the DAG goes on; next is omitted
    assert nodes["a"]["phase"] == "Failed" and nodes["a"]["message"] == "Error (exit code 3)"
    assert nodes["cleanup"]["phase"] == "Succeeded"
    assert nodes["next"]["phase"] == "Omitted"
    assert service.logs(workflow["metadata"]["name"], nodes["a"]["id"]) == "bad input\n"
    # Given a plain failing step, the run fails
    failed = run(service, wf([fail], "fail"))
    assert failed["status"]["phase"] == "Failed"
    assert failed["status"]["message"] == "Error (exit code 3)"


def test_retry_strategy_limit_attempts(service: WorkflowService, tmp_path: Path) -> None:
    counter = tmp_path / "count"
    flaky = script(
        "flaky",
        f"import pathlib, sys; p = pathlib.Path({str(counter)!r})\n"
        "n = int(p.read_text()) if p.exists() else 0\n"
        "p.write_text(str(n + 1)); sys.exit(0 if n >= 2 else 1)",
        retryStrategy={"limit": "3"},
    )
    workflow = run(service, wf([flaky], "flaky"))
    name = workflow["metadata"]["name"]
    nodes = nodes_by_display(workflow)
    assert workflow["status"]["phase"] == "Succeeded"
    assert nodes[name]["type"] == "Retry"
    assert [nodes[f"{name}({i})"]["phase"] for i in range(3)] == ["Failed", "Failed", "Succeeded"]


def test_active_deadline_kills_the_step(service: WorkflowService) -> None:
    slow = script("slow", "import time; time.sleep(60)", activeDeadlineSeconds=1)
    start = time.monotonic()
    workflow = run(service, wf([slow], "slow"))
    assert time.monotonic() - start < 30
    node = nodes_by_display(workflow)[workflow["metadata"]["name"]]
    assert node["phase"] == "Failed"
    assert "deadline" in node["message"]


def test_exit_handler_sees_the_status(service: WorkflowService) -> None:
    fail = script("fail", "raise SystemExit(1)")
    notify = script("notify", "print('workflow {{workflow.status}}')")
    workflow = run(service, wf([fail, notify], "fail", onExit="notify"))
    assert workflow["status"]["phase"] == "Failed"
    exit_node = nodes_by_display(workflow)["onExit"]
    assert service.logs(workflow["metadata"]["name"], exit_node["id"]) == "workflow Failed\n"


def test_stop_finished_is_conflict_and_terminate_running(service: WorkflowService) -> None:
    slow = script("slow", "import time; time.sleep(60)")
    workflow = service.submit(wf([slow], "slow"))
    name = workflow["metadata"]["name"]
    deadline = time.monotonic() + 30
    while service.get(name)["status"]["phase"] != "Running" and time.monotonic() < deadline:
        time.sleep(0.1)
    service.cancel(name, "terminate")
    done = service.wait(name, 30)
    assert done["status"]["phase"] == "Failed"
    assert done["status"]["message"] == "Stopped with strategy 'Terminate'"
    with pytest.raises(Conflict):
        service.cancel(name, "stop")


def test_retry_reruns_only_failed_steps(service: WorkflowService, tmp_path: Path) -> None:
    flag = tmp_path / "fixed"
    first = script("first", "print('once')")
    second = script(
        "second", f"import pathlib, sys; sys.exit(0 if pathlib.Path({str(flag)!r}).exists() else 1)"
    )
    steps = {
        "name": "main",
        "steps": [[{"name": "one", "template": "first"}], [{"name": "two", "template": "second"}]],
    }
    workflow = run(service, wf([steps, first, second], "main"))
    assert workflow["status"]["phase"] == "Failed"
    one_started = nodes_by_display(workflow)["one"]["startedAt"]
    flag.write_text("yes")
    name = workflow["metadata"]["name"]
    service.action(name, "retry")
    again = service.wait(name, 60)
    assert again["status"]["phase"] == "Succeeded"
    assert nodes_by_display(again)["one"]["startedAt"] == one_started  # reused, not rerun
    with pytest.raises(Conflict):
        service.action(name, "retry")


def test_bad_manifests_are_refused_before_running(service: WorkflowService) -> None:
    cyclic = wf(
        [{"name": "d", "dag": {"tasks": [{"name": "a", "template": "x", "depends": "b"},
                                          {"name": "b", "template": "x", "depends": "a"}]}},
         script("x", "print(1)")],
        "d",
    )  # fmt: skip
    with pytest.raises(ManifestError) as err:
        service.submit(cyclic)
    assert "spec.templates[0].dag.tasks: dependency cycle" in str(err.value)
    with pytest.raises(ManifestError, match=r"spec.entrypoint"):
        service.submit(wf([script("x", "print(1)")], "missing"))
    missing = wf([script("x", "print(1)")], "x", arguments={"parameters": [{"name": "p"}]})
    with pytest.raises(ManifestError, match=r"spec.arguments.parameters\[0\]: parameter 'p' needs a value"):
        service.submit(missing)
    with pytest.raises(Invalid, match="has no parameter 'nope'"):
        service.submit(wf([script("x", "print(1)")], "x"), {"nope": 1})
    assert service.list() == []


def test_interrupted_runs_are_marked_failed_after_restart(tmp_path: Path) -> None:
    # Given the record of a run that was Running when its server died (kill -9: nothing cleaned up)
    name = "slow-abcde"
    record = tmp_path / "data" / "runs" / name / "workflow.json"
    record.parent.mkdir(parents=True)
    node = {"id": name, "name": name, "displayName": name, "type": "Pod", "phase": "Running"}
    manifest = wf([script("slow", "import time; time.sleep(60)")], "slow")
    manifest["metadata"] = {"name": name}
    record.write_text(json.dumps({**manifest, "status": {"phase": "Running", "nodes": {name: node}}}))
    # When a new server starts on the same data dir
    restarted = LocalBackend(tmp_path / "data", PodSettings(root_dir=tmp_path))
    # Then the run is a failed record with the reason, its node too
    assert restarted.interrupted == [name]
    status = restarted.get(name)["status"]
    assert (status["phase"], status["message"]) == ("Failed", INTERRUPTED)
    assert status["nodes"][name]["phase"] == "Failed"
    restarted.close()


def test_notebook_step_runs_with_papermill_parameters(service: WorkflowService) -> None:
    root = service.root_dir
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("month = '2020-01'", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("open('result.txt', 'w').write(f'{month} {scale * 2}')"),
    ]
    nbformat.write(nb, root / "analysis.ipynb")
    template = notebook_template("analysis.ipynb", {"month": "2024-03", "scale": 21})
    workflow = run(service, wf([template], template["name"]))
    assert workflow["status"]["phase"] == "Succeeded", service.logs(workflow["metadata"]["name"])
    assert (root / "result.txt").read_text() == "2024-03 42"
    executed = nbformat.read(root / "analysis.out.ipynb", as_version=4)
    assert executed.cells[1].metadata["tags"] == ["injected-parameters"]


def test_notebook_pipeline_built_with_hera_runs_in_order(service: WorkflowService) -> None:
    from polartep_lab.workflows import notebook_pipeline

    # Given two notebooks that share a parameter; the second reads what the first wrote
    root = service.root_dir
    writes = "open('ice.txt', 'w').write(region)"
    reads = "open('done.txt', 'w').write(open('ice.txt').read() + '!')"
    for name, code in (("make.ipynb", writes), ("use.ipynb", reads)):
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell("region = 'x'", metadata={"tags": ["parameters"]}),
                    nbformat.v4.new_code_cell(code)]  # fmt: skip
        nbformat.write(nb, root / name)
    # When the pipeline is built with Hera and run with region=antarctic
    manifest = notebook_pipeline(["make.ipynb", "use.ipynb"], {"region": "antarctic"})
    tasks = manifest["spec"]["templates"][-1]["dag"]["tasks"]
    assert tasks[1]["depends"] == "make"
    workflow = run(service, manifest)
    # Then both ran, in order
    assert workflow["status"]["phase"] == "Succeeded", service.logs(workflow["metadata"]["name"])
    assert (root / "done.txt").read_text() == "antarctic!"


def test_secrets_reach_steps_as_environment_and_are_masked_in_logs(tmp_path: Path) -> None:
    # Given a secret marked for injection
    root = tmp_path / "root"
    root.mkdir()
    settings = PodSettings(root_dir=root, secrets_env=lambda: {"CDSE_TOKEN": "tok-12345"})
    service = WorkflowService({"local": LocalBackend(tmp_path / "data", settings)}, "local", root)
    # When a step prints it
    workflow = run(
        service, wf([script("leak", "import os; print('token', os.environ['CDSE_TOKEN'])")], "leak")
    )
    # Then the step had it, and the log shows it masked
    assert workflow["status"]["phase"] == "Succeeded"
    text = service.logs(workflow["metadata"]["name"], workflow["metadata"]["name"])
    assert text == "token ***\n"
    assert "tok-12345" not in json.dumps(service.get(workflow["metadata"]["name"]))
