"""The statistics that benchmarks/tiles.py judges the tile targets with."""

from __future__ import annotations

import importlib.util
import random
import statistics
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCHMARK = Path(__file__).resolve().parents[3] / "benchmarks" / "tiles.py"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_tiles", BENCHMARK)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_median_interval_holds_the_median_and_narrows_with_more_samples(bench: ModuleType) -> None:
    rng = random.Random(1)
    small = [rng.gauss(1.08, 0.05) for _ in range(12)]
    large = [rng.gauss(1.08, 0.05) for _ in range(400)]
    low_s, high_s = bench.median_ci(small, random.Random(0))
    low_l, high_l = bench.median_ci(large, random.Random(0))
    assert low_s <= statistics.median(small) <= high_s
    assert low_l <= statistics.median(large) <= high_l
    assert high_l - low_l < (high_s - low_s) / 2
    assert low_l < 1.08 < high_l


def test_ratio_interval_of_two_samples(bench: ModuleType) -> None:
    rng = random.Random(2)
    merc = [rng.uniform(9.0, 11.0) for _ in range(300)]
    polar = [1.5 * v for v in merc[::-1]]
    low, high = bench.ratio_ci(polar, merc, random.Random(0))
    assert low < 1.5 < high
    assert high - low < 0.2


def test_verdict_words(bench: ModuleType) -> None:
    assert bench.verdict(1.05, (1.02, 1.08), 1.1).endswith("(target <= 1.10x: met)")
    assert "at the line" in bench.verdict(1.08, (1.05, 1.12), 1.1)
    assert "MISSED" in bench.verdict(1.12, (1.09, 1.15), 1.1)
    assert bench.verdict(1.05, (1.02, 1.08), 1.1).startswith("1.05x, 95% CI 1.02-1.08x")
