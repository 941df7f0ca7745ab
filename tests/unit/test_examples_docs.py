from __future__ import annotations

from pathlib import Path

import pytest

from polartep_lab.core.errors import Invalid, NotFound
from polartep_lab.docs.service import Guide
from polartep_lab.examples.service import ExampleLibrary


def test_examples_have_titles_and_copy_never_overwrites(tmp_path: Path) -> None:
    lib = ExampleLibrary(tmp_path)
    example = next(e for e in lib.list() if e.name == "getting-started")
    assert example.title.startswith("Getting started")
    assert lib.copy_to_workspace("getting-started") == "examples/getting-started.ipynb"
    assert lib.copy_to_workspace("getting-started") == "examples/getting-started-1.ipynb"
    with pytest.raises(NotFound):
        lib.copy_to_workspace("missing")
    with pytest.raises(Invalid):
        lib.copy_to_workspace("../etc")


def test_guide_has_a_page_per_feature_in_order() -> None:
    guide = Guide()
    slugs = [p.slug for p in guide.pages()]
    assert slugs[:3] == ["index", "getting-started", "configuration"]
    for feature in ("stac", "tiles", "files", "secrets", "environments", "workflows", "jobs"):
        assert feature in slugs
    assert guide.page("index")["title"] == "Polar TEP workspace"
    with pytest.raises(Invalid):
        guide.page("../x")
