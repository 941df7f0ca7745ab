"""Workflows in a real JupyterLab: build a 3-step DAG in the editor, save, reopen, run, read a log."""

from __future__ import annotations

import re

import pytest
import yaml
from playwright.sync_api import expect

from .conftest import JupyterLabPage

pytestmark = pytest.mark.browser

PIPELINE = """\
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: pipeline-
  labels:
    team: polar
spec:
  entrypoint: main
  podGC:
    strategy: OnWorkflowSuccess
  arguments:
    parameters:
      - name: region
        value: arctic
  templates:
    - name: main
      dag:
        tasks:
          - name: prepare
            template: prepare
    - name: prepare
      script:
        image: python:3.11
        command: [python]
        source: |
          print("preparing {{workflow.parameters.region}}")
"""


def test_build_save_reopen_run_and_read_log(jlab: JupyterLabPage) -> None:
    page = jlab.page
    flows = jlab.lab.root / "flows"
    flows.mkdir(exist_ok=True)
    path = flows / "pipeline.workflow.yaml"
    path.write_text(PIPELINE)
    # Given the workflows panel, the workspace's workflow file is listed
    panel = jlab.open_side_panel("polartep-workflows")
    panel.get_by_role("button", name="flows/pipeline.workflow.yaml", exact=True).click()
    editor = page.locator(".jp-polartep-workflows-editor")
    expect(editor.locator("tr[data-step='prepare']")).to_be_visible()
    # When two steps are added and connected into a 3-step DAG
    for name in ("measure", "report"):
        editor.get_by_label("New step name").fill(name)
        editor.get_by_role("button", name="Add step").click()
        expect(editor.locator(f"tr[data-step='{name}']")).to_be_visible()
    editor.get_by_label("Depends of measure").fill("prepare")
    editor.get_by_label("Depends of measure").press("Tab")
    editor.get_by_label("Depends of report").fill("measure && prepare")
    editor.get_by_label("Depends of report").press("Tab")
    editor.get_by_label("Image of report").fill("python:3.12-slim")
    editor.get_by_label("Image of report").press("Tab")
    editor.get_by_label("Command of report").fill('["python", "-u"]')
    editor.get_by_label("Command of report").press("Tab")
    expect(editor.locator("textarea")).to_have_value(re.compile(r"depends: measure && prepare"))
    expect(editor.locator("textarea")).to_have_value(re.compile(r"image: python:3.12-slim"))
    expect(editor.locator(".jp-polartep-workflows-graph g[data-node='report']")).to_be_visible()
    editor.get_by_role("button", name="Save").click()
    expect(editor.get_by_text("modified")).to_have_count(0)
    # Then the file has the three steps and every field the editor does not know
    saved = yaml.safe_load(path.read_text())
    original = yaml.safe_load(PIPELINE)
    tasks = saved["spec"]["templates"][0]["dag"]["tasks"]
    assert [t["name"] for t in tasks] == ["prepare", "measure", "report"]
    assert tasks[2]["depends"] == "measure && prepare"
    report = next(t for t in saved["spec"]["templates"] if t["name"] == "report")
    assert report["script"]["image"] == "python:3.12-slim"
    assert report["script"]["command"] == ["python", "-u"]
    assert saved["spec"]["podGC"] == original["spec"]["podGC"]
    assert saved["metadata"] == original["metadata"]
    assert saved["spec"]["templates"][1] == original["spec"]["templates"][1]
    # When the YAML is broken by hand, the problem is shown with its path and nothing is saved
    text = editor.locator("textarea")
    text.fill(path.read_text().replace("entrypoint: main", "entrypoint: 1"))
    editor.get_by_role("button", name="Apply YAML").click()
    expect(editor.get_by_label("Validation problems")).to_contain_text("spec.entrypoint")
    # When the editor is closed (discarding) and the file reopened, the saved DAG is back
    page.locator("#jp-main-dock-panel .lm-TabBar-tab", has_text="pipeline.workflow.yaml").locator(
        ".lm-TabBar-tabCloseIcon"
    ).click()
    dialog_discard = page.get_by_role("button", name=re.compile("Discard|Close"))
    if dialog_discard.count():
        dialog_discard.first.click()
    panel.get_by_role("button", name="flows/pipeline.workflow.yaml", exact=True).click()
    editor = page.locator(".jp-polartep-workflows-editor")
    expect(editor.get_by_label("Depends of report")).to_have_value("measure && prepare")
    # When submitted locally, the run view opens and the DAG turns green
    editor.get_by_role("button", name="Submit").click()
    run = page.locator(".jp-polartep-workflows-run")
    expect(run.get_by_test_id("workflow-run-phase")).to_have_text("Succeeded", timeout=90_000)
    for name in ("prepare", "measure", "report"):
        expect(run.locator(f"g[data-node='{name}']")).to_have_attribute("data-phase", "Succeeded")
    # And a node's log opens
    run.locator("g[data-node='prepare']").click()
    expect(run.get_by_test_id("workflow-node-log")).to_have_text("preparing arctic\n")
    # And the run is listed in the panel with its phase
    expect(panel.locator("li[data-phase='Succeeded']").first).to_be_visible()
