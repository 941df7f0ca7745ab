"""Papermill's convention: parameters cell parsing, type checks, injected cell."""

from __future__ import annotations

import nbformat
import pytest

from polartep_lab.core.errors import Invalid
from polartep_lab.jobs.magic import parse_run
from polartep_lab.jobs.notebook import (
    check_parameters,
    declared_parameters,
    inject_parameters,
    mark_error,
    read_notebook,
)


def notebook(*cells: tuple[str, list[str]]) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    for source, tags in cells:
        cell = nbformat.v4.new_code_cell(source)
        cell.metadata["tags"] = tags
        nb.cells.append(cell)
    return nb


PARAMS = (
    'region = "arctic"  # EPSG:3413 side\nyear: int = 2024\nthreshold = 0.15\nbands = ["B04", "B08"]\n'
    "dry_run = False\nbbox = None\nstart = compute()\nimport math",
    ["parameters"],
)


def test_declared_parameters_have_names_types_defaults_and_help() -> None:
    params = declared_parameters(notebook(("x = 1", []), PARAMS))
    assert [(p.name, p.type, p.default) for p in params] == [
        ("region", "string", "arctic"),
        ("year", "integer", 2024),
        ("threshold", "number", 0.15),
        ("bands", "array", ["B04", "B08"]),
        ("dry_run", "boolean", False),
        ("bbox", "null", None),
        ("start", "any", "compute()"),
    ]
    assert params[0].help == "EPSG:3413 side"
    assert declared_parameters(notebook(("x = 1", []))) == []


@pytest.mark.parametrize(
    ("values", "bad"),
    [
        ({"year": "2024"}, "parameters.year"),
        ({"year": 2024.5}, "parameters.year"),
        ({"threshold": "high"}, "parameters.threshold"),
        ({"dry_run": 1}, "parameters.dry_run"),
        ({"bands": "B04"}, "parameters.bands"),
        ({"not a name": 1}, "parameters.not a name"),
    ],
)
def test_a_value_of_the_wrong_type_is_refused_naming_it(values: dict[str, object], bad: str) -> None:
    with pytest.raises(Invalid, match=bad):
        check_parameters(notebook(PARAMS), values)


def test_values_of_the_right_type_pass() -> None:
    check_parameters(
        notebook(PARAMS),
        {
            "year": 2025,
            "threshold": 1,
            "bbox": [0, 60, 10, 90],
            "start": "x",
            "region": "antarctic",
            "extra": 3,
        },
    )


def test_injected_cell_goes_after_the_parameters_cell_and_replaces_an_old_one() -> None:
    nb = notebook(("import os", []), PARAMS, ("print(year)", []))
    inject_parameters(nb, {"year": 2020, "region": "antarctic"})
    inject_parameters(nb, {"year": 2021})
    tags = [c.metadata.get("tags") for c in nb.cells]
    assert tags == [[], ["parameters"], ["injected-parameters"], []]
    assert nb.cells[2].source == "# Parameters\nyear = 2021\n"
    # Without a parameters cell the injected cell goes first (papermill)
    bare = notebook(("print(1)", []))
    inject_parameters(bare, {"a": "b"})
    assert bare.cells[0].metadata["tags"] == ["injected-parameters"]


def test_mark_error_highlights_the_cell_and_adds_a_banner() -> None:
    nb = notebook(("x = 1", []), ("1/0", []))
    mark_error(nb, 1, "ZeroDivisionError", "division by zero")
    assert "ZeroDivisionError: division by zero" in nb.cells[0].source
    assert nb.cells[-1].metadata["polartep"]["error"] is True
    assert nb.cells[-2].metadata["tags"] == ["polartep-error-marker"]


def test_not_a_notebook() -> None:
    with pytest.raises(Invalid, match="notebook: not a Jupyter notebook"):
        read_notebook('{"cells": 3}')


def test_job_magic_arguments() -> None:
    path, params, options, wait = parse_run(
        [
            "nb.ipynb",
            "-p",
            "year",
            "2024",
            "-p",
            "region",
            "arctic",
            "-p",
            "t",
            "0.5",
            "--wait",
            "--timeout",
            "30",
            "--tag",
            "x",
        ]
    )
    assert path == "nb.ipynb" and params == {"year": 2024, "region": "arctic", "t": 0.5}
    assert options == {"timeout": 30.0, "tags": ["x"]} and wait
    with pytest.raises(ValueError):
        parse_run(["nb.ipynb", "--bogus"])
