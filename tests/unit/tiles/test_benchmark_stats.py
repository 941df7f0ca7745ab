"""The statistics that benchmarks/tiles.py judges the tile targets with."""

from __future__ import annotations

import importlib.util
import random
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


def rounds_of(rng: random.Random, level: float, spread: float, loads: list[float]) -> list[list[float]]:
    """Latencies of 32 tiles per round; each round's machine load scales every tile of it."""
    return [[load * rng.gauss(level, spread) for _ in range(32)] for load in loads]


def test_pooled_ratio_and_its_interval(bench: ModuleType) -> None:
    rng = random.Random(1)
    loads = [rng.uniform(0.8, 1.4) for _ in range(8)]
    proxy = rounds_of(rng, 21.6, 1.0, loads)
    direct = rounds_of(rng, 20.0, 1.0, loads)
    stratum = [(proxy, direct)]
    estimate = bench.pooled_ratio(stratum)
    low, high = bench.ratio_ci(stratum, random.Random(0))
    assert low <= estimate <= high
    assert low < 1.08 < high
    assert high - low < 0.1


def test_interval_narrows_with_more_rounds_and_strata(bench: ModuleType) -> None:
    rng = random.Random(2)
    strata = []
    for _ in range(6):
        loads = [rng.uniform(0.8, 1.4) for _ in range(8)]
        strata.append((rounds_of(rng, 21.6, 2.0, loads), rounds_of(rng, 20.0, 2.0, loads)))
    one = bench.ratio_ci(strata[:1], random.Random(0))
    six = bench.ratio_ci(strata, random.Random(0))
    assert six[1] - six[0] < one[1] - one[0]
    assert six[0] < 1.08 < six[1]


def test_rotation(bench: ModuleType) -> None:
    assert bench.rotated(["a", "b", "c"], 0) == ["a", "b", "c"]
    assert bench.rotated(["a", "b", "c"], 4) == ["b", "c", "a"]


def test_verdict_words(bench: ModuleType) -> None:
    assert bench.verdict(1.05, (1.02, 1.08), 1.1).endswith("(target <= 1.10x: met)")
    assert "at the line" in bench.verdict(1.08, (1.05, 1.12), 1.1)
    assert "MISSED" in bench.verdict(1.12, (1.09, 1.15), 1.1)
    assert bench.verdict(1.05, (1.02, 1.08), 1.1).startswith("1.05x, 95% CI 1.02-1.08x")
