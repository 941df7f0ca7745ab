"""The environment.yml parser, name rules and the rebuild diff (pure logic)."""

from __future__ import annotations

import pytest

from polartep_lab.core.errors import Invalid
from polartep_lab.environments.spec import check_name, diff, parse, render

GOOD = """
name: sea-ice
channels: [conda-forge]
dependencies:
  - python=3.11
  - pip
  - numpy>=1.26
  - pip:
      - xarray==2024.1.0
      - Polar_Bear.Counter[fast]>=1
variables:
  OMP_NUM_THREADS: 1
"""


def test_parse_reads_name_channels_conda_pip_variables() -> None:
    # Given an environment.yml with conda, pip and variables / When parsed
    spec = parse(GOOD)
    # Then every part is there, names normalised, versions kept
    assert spec.name == "sea-ice"
    assert spec.channels == ["conda-forge"]
    assert [d.name for d in spec.conda] == ["python", "pip", "numpy"]
    assert [d.name for d in spec.pip] == ["xarray", "polar-bear-counter"]
    assert spec.pip[1].version == "[fast]>=1"
    assert spec.python_version == "3.11"
    assert spec.variables == {"OMP_NUM_THREADS": "1"}
    # and only numpy needs a conda installer
    assert spec.conda_only() == ["numpy>=1.26"]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("name: x\ndependencies: [a\n", "bad_yaml"),
        ("- just a list", "bad_spec"),
        ("dependencies: []", "bad_spec"),
        ("name: 'bad name'\n", "bad_name"),
        ("name: ok\ndependencies:\n  - numpy>>=!1\n", "bad_version"),
        ("name: ok\ndependencies:\n  - pip:\n    - 'xarray>=>1'\n", "bad_version"),
        ("name: ok\ndependencies:\n  - pip:\n    - '--index-url http://evil'\n", "bad_spec"),
        ("name: ok\ndependencies:\n  - pip:\n    - 'pkg @ https://x/y.whl'\n", "bad_spec"),
        ("name: ok\ndependencies:\n  - python=three\n", "bad_version"),
        ("name: ok\nsurprise: 1\n", "bad_spec"),
        ("name: ok\ndependencies:\n  - 3.11\n", "bad_spec"),
    ],
)
def test_bad_specifications_are_refused_with_a_reason(text: str, reason: str) -> None:
    # Given a broken specification / When parsed / Then a 400-class error says why
    with pytest.raises(Invalid) as err:
        parse(text)
    assert err.value.reason == reason


@pytest.mark.parametrize("name", ["", "a b", "-lead", "x" * 65, "ns/evil", "../up", "ü"])
def test_names_follow_conda_store_rules(name: str) -> None:
    with pytest.raises(Invalid):
        check_name(name)


def test_diff_lists_added_removed_changed_packages() -> None:
    # Given the active spec and a new one that bumps, drops and adds packages
    old = parse(GOOD)
    new = parse(GOOD.replace("xarray==2024.1.0", "xarray==2024.6.0").replace("  - numpy>=1.26\n", "")
                + "")  # fmt: skip
    new2 = parse(new.text.replace("  - pip:\n", "  - scipy\n  - pip:\n"))
    # When diffed
    changes = diff(old, new2)
    # Then each kind of change is reported
    assert changes["added"] == [{"kind": "conda", "name": "scipy", "spec": "scipy"}]
    assert changes["removed"] == [{"kind": "conda", "name": "numpy", "spec": "numpy>=1.26"}]
    assert changes["changed"] == [
        {"kind": "pip", "name": "xarray", "old": "xarray==2024.1.0", "new": "xarray==2024.6.0"}
    ]
    assert changes["unchanged"] is False
    # and a spec against itself is unchanged
    assert diff(old, parse(GOOD))["unchanged"] is True


def test_render_makes_a_spec_the_parser_reads_back() -> None:
    # Given form fields / When rendered and parsed again / Then nothing is lost
    text = render("glacier", "3.11", ["numpy=1.26"], ["polar-bear-counter==1.0"])
    spec = parse(text)
    assert spec.name == "glacier"
    assert spec.python_version == "3.11"
    assert [d.text for d in spec.pip] == ["polar-bear-counter==1.0"]
