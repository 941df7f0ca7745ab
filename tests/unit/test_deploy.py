"""The deployment files stay true to the code: every PolarTEP setting in them is a real trait."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from polartep_lab.app import PolarTEP
from polartep_lab.core.features import discover

ROOT = Path(__file__).resolve().parents[2]


def _polartep_config() -> dict[str, object]:
    values = yaml.safe_load((ROOT / "deploy" / "z2jh-values.yaml").read_text())
    return values["singleuser"]["extraFiles"]["polartep-config"]["data"]["PolarTEP"]


def test_values_file_uses_only_real_traits_and_features() -> None:
    config = _polartep_config()
    traits = set(PolarTEP.class_trait_names(config=True))
    assert set(config) - traits == set(), "unknown c.PolarTEP traits in deploy/z2jh-values.yaml"
    features = {f.name for f in discover()}
    assert set(config.get("feature_groups", {})) <= features  # type: ignore[arg-type]
    assert set(config.get("feature_backends", {})) <= features  # type: ignore[arg-type]


def test_binder_files_exist_and_postbuild_prepares_the_demo() -> None:
    post = (ROOT / "binder" / "postBuild").read_text()
    assert post.startswith("#!/usr/bin/env bash")
    assert "polartep_lab.demo" in post
    assert (ROOT / "binder" / "requirements.txt").is_file()
    json.dumps(_polartep_config())  # the values are plain JSON-able data
