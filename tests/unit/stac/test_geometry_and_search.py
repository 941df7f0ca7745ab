"""Polar geometry, search parsing, CQL2 translation and durability of the embedded store."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import Point

from polartep_lab.core.errors import Invalid, PolarTEPError
from polartep_lab.stac.catalogs import CatalogRegistry
from polartep_lab.stac.geometry import bbox_boxes, footprint, geometry_bbox, parse_bbox, rfc7946
from polartep_lab.stac.search import parse_interval, parse_search
from polartep_lab.stac.service import StacService
from polartep_lab.stac.sqlite_store import SQLiteStore
from tests.stac_samples import ARCTIC_CAP, box, collection, polar_items


def test_dateline_bbox_is_two_boxes_and_normal_bbox_one() -> None:
    assert bbox_boxes([170, 60, -170, 70]) == [(170, 60, 180.0, 70), (-180.0, 60, -170, 70)]
    assert bbox_boxes([-170, 60, 170, 70]) == [(-170, 60, 170, 70)]


def test_footprint_across_dateline_is_split_and_keeps_its_area() -> None:
    shape = footprint(box(175, 62, -175, 66))
    assert shape.geom_type == "MultiPolygon"
    assert shape.area == pytest.approx(10 * 4)
    assert shape.contains(Point(179.5, 64)) and shape.contains(Point(-179.5, 64))
    assert not shape.contains(Point(0, 64))
    assert geometry_bbox(shape) == [175, 62, -175, 66]
    stored = rfc7946(box(175, 62, -175, 66))
    assert stored["type"] == "MultiPolygon"
    assert all(-180 <= x <= 180 for poly in stored["coordinates"] for x, _ in poly[0])


def test_ring_around_the_pole_becomes_a_cap_containing_the_pole() -> None:
    cap = footprint(ARCTIC_CAP)
    assert cap.contains(Point(123, 89.9)) and not cap.contains(Point(0, 80))
    assert geometry_bbox(cap) == [-180, 84, 180, 90]


def test_bad_bbox_and_datetime_are_refused_naming_the_parameter() -> None:
    for value in ("1,2,3", [0, 95, 1, 96], "a,b,c,d", [0, 10, 1, 5], [200, 0, 210, 1]):
        with pytest.raises(Invalid, match=r"^bbox"):
            parse_bbox(value)
    for text in (
        "2024-13-01T00:00:00Z",
        "2024-01-01",
        "2024-01-01T00:00:00",
        "2024-01-02T00:00:00Z/2024-01-01T00:00:00Z",
        "../..",
        "now",
    ):
        with pytest.raises(Invalid, match=r"^datetime"):
            parse_interval(text)
    start, end = parse_interval("2024-01-01T00:00:00Z/..")
    assert start is not None and end is None


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.dictionaries(
        st.sampled_from(
            ["bbox", "datetime", "filter", "limit", "cursor", "sortby", "fields", "ids", "intersects"]
        ),
        st.one_of(st.text(max_size=30), st.from_regex(r"-?\d{1,3}(,-?\d{1,3}){3}", fullmatch=True)),
        max_size=4,
    )
)
def test_fuzzed_search_parameters_give_a_result_or_a_400(
    tmp_path_factory: pytest.TempPathFactory, params: dict
) -> None:
    service = _fuzz_service(tmp_path_factory)
    try:
        result = service.search(method="GET", **params)
    except PolarTEPError as exc:
        assert exc.status in (400, 404)
    else:
        assert result["type"] == "FeatureCollection"


_SERVICES: dict[str, StacService] = {}


def _fuzz_service(factory: pytest.TempPathFactory) -> StacService:
    if "svc" not in _SERVICES:
        folder = factory.mktemp("fuzz")
        service = StacService(SQLiteStore(folder / "c.sqlite"), CatalogRegistry(folder, [], "/polartep/stac"))
        service.create_collection(collection())
        service.create_items("sea-ice", polar_items())
        _SERVICES["svc"] = service
    return _SERVICES["svc"]


def test_get_and_post_forms_parse_alike() -> None:
    get = parse_search(
        {"bbox": "170,60,-170,70", "sortby": "-datetime", "fields": "id,-assets"}, from_query=True
    )
    post = parse_search(
        {"bbox": [170, 60, -170, 70], "sortby": [{"field": "datetime", "direction": "desc"}],
         "fields": {"include": ["id"], "exclude": ["assets"]}},
        from_query=False,
    )  # fmt: skip
    assert get.bbox == post.bbox and get.sortby == post.sortby
    assert (get.include, get.exclude) == (post.include, post.exclude)


def test_writes_survive_kill_9(tmp_path: Path) -> None:
    # Given a process that writes items one transaction at a time and is killed with SIGKILL
    script = textwrap.dedent(
        f"""
        import sys, json
        sys.path.insert(0, {str(Path(__file__).resolve().parents[3])!r})
        from pathlib import Path
        from polartep_lab.stac.catalogs import CatalogRegistry
        from polartep_lab.stac.service import StacService
        from polartep_lab.stac.sqlite_store import SQLiteStore
        from tests.stac_samples import collection, item, box
        folder = Path({str(tmp_path)!r})
        svc = StacService(SQLiteStore(folder / "c.sqlite"), CatalogRegistry(folder, [], "/"))
        svc.create_collection(collection())
        n = 0
        while True:
            svc.create_item("sea-ice", item(f"i{{n}}", box(0, 60, 1, 61), bbox=[0, 60, 1, 61]))
            n += 1
            if n == 20:
                print("ready", flush=True)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE)
    assert proc.stdout is not None and proc.stdout.readline().strip() == b"ready"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    # Then a new store opens the file intact, with every committed item
    store = SQLiteStore(tmp_path / "c.sqlite")
    service = StacService(store, CatalogRegistry(tmp_path, [], "/"))
    result = service.search(limit=10_000)
    assert result["numberMatched"] >= 20
    ids = {f["id"] for f in result["features"]}
    assert {f"i{n}" for n in range(20)} <= ids
    assert json.loads(json.dumps(result))["type"] == "FeatureCollection"


def test_rfc7946_pole_cap_with_a_full_parallel_edge_is_kept() -> None:
    # Given the RFC 7946 way to write a cap around the North Pole (an edge from -180 to +180)
    cap = {"type": "Polygon", "coordinates": [[[-180, 80], [180, 80], [180, 90], [-180, 90], [-180, 80]]]}
    # Then it is the whole cap, not an empty shape
    shape_ = footprint(cap)
    assert shape_.bounds == (-180.0, 80.0, 180.0, 90.0)
    assert abs(shape_.area - 3600.0) < 1e-6


def test_python_tuples_from_libraries_validate_like_json(tmp_path: Path) -> None:
    # Given an item built by a library that uses tuples for coordinates (shapely.mapping, rio-stac)
    from polartep_lab.stac.validation import plain_json

    item = {"geometry": {"type": "Point", "coordinates": (10.0, 80.0)}}
    # Then it is validated as the JSON it stands for
    assert plain_json(item, "item") == {"geometry": {"type": "Point", "coordinates": [10.0, 80.0]}}
    with pytest.raises(Exception, match="not plain JSON"):
        plain_json({"bad": float("nan")}, "item")
