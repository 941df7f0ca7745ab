"""Manifest checks: paths of schema errors, typos, references, cycles; expressions."""

from __future__ import annotations

import pytest

from polartep_lab.workflows import manifest as mf
from polartep_lab.workflows.expressions import ExpressionError, depends_names, evaluate_depends, evaluate_when

from .conftest import example


def test_typo_in_a_field_is_reported_with_its_path() -> None:
    manifest = example("dag-diamond.yaml")
    manifest["spec"]["templates"][0]["dag"]["tasks"][1]["depend"] = "A"
    assert [str(p) for p in mf.problems_of(manifest)] == [
        "spec.templates[0].dag.tasks[1].depend: unknown field 'depend'"
    ]


def test_integers_where_kubernetes_takes_int_or_string() -> None:
    manifest = example("hello-world.yaml")
    manifest["spec"]["templates"][0]["retryStrategy"] = {"limit": 3}
    manifest["spec"]["activeDeadlineSeconds"] = 600
    assert mf.problems_of(manifest) == []


def test_bad_yaml_names_the_line() -> None:
    with pytest.raises(mf.ManifestError, match=r"invalid YAML: line 3, column 1"):
        mf.parse("spec:\n  entrypoint: [unclosed\n")


def test_depends_and_when_expressions() -> None:
    assert depends_names("A && (B.Succeeded || C.Failed)") == ["A", "B", "C"]
    states = {"A": "Succeeded", "B": "Failed"}

    def result(name: str, state: str | None) -> bool:
        return states[name] in ("Succeeded", "Skipped") if state is None else states[name] == state

    assert evaluate_depends("A && B.Failed", result) is True
    assert evaluate_depends("A && B", result) is False
    assert evaluate_when("heads == heads") is True
    assert evaluate_when("5 > 10 || tails != heads") is True
    assert evaluate_when("!(2 >= 2)") is False
    with pytest.raises(ExpressionError):
        depends_names("A.Finished")
    with pytest.raises(ExpressionError):
        evaluate_when("a == (b")
