"""The workspace catalog against the official STAC API validation suite and an unmodified
pystac-client, over HTTP, on a real `jupyter server` holding the demo collection."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from polartep_lab.stac.demo import DEMO_COLLECTION, demo_items
from tests import stac_live

pytestmark = pytest.mark.integration
VALIDATOR = Path(__file__).parents[1] / "stac_validator_offline.py"
#: the AOI of the suite's intersects checks: 300° of longitude north of 60°N, written with edges
#: shorter than 180° (an edge spanning more is read as crossing the antimeridian, see docs/stac.md)
ARCTIC_BAND = {
    "type": "Polygon",
    "coordinates": [[[-150, 60], [0, 60], [150, 60], [150, 88], [0, 88], [-150, 88], [-150, 60]]],
}
#: the demo collection plus 100 more scenes: the suite wants 100+ items in the AOI
EXTRA = 100


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[stac_live.LiveServer]:
    tmp = tmp_path_factory.mktemp("stac-live")
    stac_live.seed_demo(tmp / "data", extra_items=EXTRA)
    live = stac_live.start(tmp)
    yield live
    live.stop()


def test_stac_api_validator_reports_no_errors(server: stac_live.LiveServer) -> None:
    # Given the workspace catalog with the demo collection, served by a real jupyter server
    classes = ["core", "item-search", "features", "collections", "filter", "features#filter"]
    # When the official validation suite runs every check of these conformance classes
    proc = subprocess.run(
        [sys.executable, str(VALIDATOR), server.stac_url, DEMO_COLLECTION, json.dumps(ARCTIC_BAND),
         server.token, *classes],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert proc.stdout.strip(), f"the validator printed nothing:\n{proc.stderr[-4000:]}"
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    # Then it reports no error (warnings are advice: printed, not failed on)
    print("stac-api-validator warnings:", *report["warnings"], sep="\n- ")
    assert report["errors"] == [], "\n".join(report["errors"])
    assert proc.returncode == 0, proc.stderr[-4000:]
    # And it did run the filter checks (CQL2 text and JSON) and the paging checks
    for line in ("Filter Extension - CQL2-Text", "Filter Extension - CQL2-JSON", "Item Search conformance"):
        assert line in proc.stderr, f"{line!r} not validated:\n{proc.stderr[-3000:]}"


def _expected(bbox: list[float], start: str, end: str, max_cloud: float) -> set[str]:
    """What a correct server returns, computed here from the generated scenes: their footprints are
    lon/lat boxes (split in two when they cross the dateline, so the box test is exact)."""
    west, south, east, north = bbox
    low, high = datetime.fromisoformat(start), datetime.fromisoformat(end)
    items = demo_items() + [
        dict(i, id=i["id"].replace("seaice-", "extra-")) for i in demo_items(EXTRA, seed=3031)
    ]
    found = set()
    for item in items:
        w, s, e, n = item["bbox"]
        boxes = [(w, e)] if w <= e else [(w, 180.0), (-180.0, e)]
        overlaps = any(bw <= east and be >= west for bw, be in boxes) and s <= north and n >= south
        when = datetime.fromisoformat(item["properties"]["datetime"])
        if overlaps and low <= when <= high and item["properties"]["eo:cloud_cover"] < max_cloud:
            found.add(item["id"])
    return found


def test_pystac_client_searches_and_pages_unmodified(server: stac_live.LiveServer) -> None:
    from pystac_client import Client

    # Given pystac-client pointed at the workspace catalog (only the token header added)
    client = Client.open(server.stac_url, headers=server.headers)
    # When it lists the collections
    assert [c.id for c in client.get_collections()] == [DEMO_COLLECTION]
    assert client.conforms_to("ITEM_SEARCH") and client.conforms_to("FILTER")
    # And searches with bbox + datetime + a CQL2 filter (text, then JSON), 7 items a page
    bbox, start, end = [-120.0, 55.0, 120.0, 90.0], "2020-06-01T00:00:00+00:00", "2024-06-30T00:00:00+00:00"
    expected = _expected(bbox, start, end, 50)
    assert len(expected) > 14, "the demo data should need several pages"
    for flt, lang in (
        ("eo:cloud_cover < 50", "cql2-text"),
        ({"op": "<", "args": [{"property": "eo:cloud_cover"}, 50]}, "cql2-json"),
    ):
        search = client.search(
            collections=[DEMO_COLLECTION], bbox=bbox, datetime=f"{start}/{end}", filter=flt, filter_lang=lang,
            limit=7,
        )  # fmt: skip
        pages = list(search.pages_as_dicts())
        ids = [f["id"] for page in pages for f in page["features"]]
        # Then following the next links returns every match exactly once
        assert len(ids) == len(set(ids))
        assert set(ids) == expected
        assert len(pages) == -(-len(expected) // 7)
        assert search.matched() == len(expected)
    # And fetching one item and its collection works like on any STAC API
    item = next(client.search(ids=[sorted(expected)[0]], collections=[DEMO_COLLECTION]).items())
    assert item.get_collection().id == DEMO_COLLECTION
