"""The workspace catalog's STAC API contract, run against every store (embedded and PgSTAC).

Test modules import these tests and provide a `jp_server_config` for their backend.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.server.conftest import fetch_json
from tests.stac_samples import collection, item, polar_items


async def _seed(jp_fetch: Any) -> None:
    code, body = await fetch_json(
        jp_fetch, "polartep", "stac", "collections", method="POST", body=collection()
    )
    assert code == 201, body
    code, body = await fetch_json(
        jp_fetch, "polartep", "stac", "collections", "sea-ice", "items", method="POST",
        body={"type": "FeatureCollection", "features": polar_items()},
    )  # fmt: skip
    assert code == 201, body


async def _search(jp_fetch: Any, **body: Any) -> tuple[int, Any]:
    return await fetch_json(jp_fetch, "polartep", "stac", "search", method="POST", body=body)


def _ids(result: dict[str, Any]) -> set[str]:
    return {f["id"] for f in result["features"]}


async def test_dateline_bbox_means_the_band_across_180(jp_fetch: Any) -> None:
    # Given polar items on both sides of the dateline, across it, at Greenwich and around the poles
    await _seed(jp_fetch)
    # When a bbox crossing the dateline is searched (west > east)
    code, result = await _search(jp_fetch, bbox=[170, 60, -170, 70], limit=100)
    # Then only the 20° band across 180° matches — not the 340° the other way round
    assert code == 200, result
    assert _ids(result) == {"across-dateline", "east-of-dateline", "west-of-dateline"}
    assert result["numberMatched"] == 3
    # And the same with GET
    code, result = await fetch_json(jp_fetch, "polartep", "stac", "search", params={"bbox": "170,60,-170,70"})
    assert code == 200 and _ids(result) == {"across-dateline", "east-of-dateline", "west-of-dateline"}


async def test_footprints_around_the_poles_match_near_the_pole(jp_fetch: Any) -> None:
    await _seed(jp_fetch)
    # When a small box next to the North Pole is searched
    code, result = await _search(jp_fetch, bbox=[100, 88, 110, 89])
    # Then the ring around the pole (stored as a pole cap) matches, nothing else
    assert code == 200 and _ids(result) == {"north-pole"}
    code, result = await _search(jp_fetch, bbox=[-40, -89, -30, -85])
    assert _ids(result) == {"south-pole"}
    # And an intersects polygon crossing the dateline is split the same way
    code, result = await _search(
        jp_fetch,
        intersects={
            "type": "Polygon",
            "coordinates": [[[179, 63], [-179, 63], [-179, 64], [179, 64], [179, 63]]],
        },
    )
    assert _ids(result) == {"across-dateline"}
    # And the stored pole cap has a bbox that covers every longitude up to the pole
    code, stored = await fetch_json(
        jp_fetch, "polartep", "stac", "collections", "sea-ice", "items", "north-pole"
    )
    assert code == 200 and stored["bbox"] == [-180, 84, 180, 90]


async def test_datetime_filter_sort_fields_and_paging(jp_fetch: Any) -> None:
    await _seed(jp_fetch)
    # datetime interval
    code, result = await _search(jp_fetch, datetime="2024-03-02T00:00:00Z/2024-03-04T00:00:00Z")
    assert _ids(result) == {"east-of-dateline", "west-of-dateline", "greenwich"}
    code, result = await _search(jp_fetch, datetime="../2024-03-01T12:00:00Z")
    assert _ids(result) == {"across-dateline"}
    # CQL2 text (GET) and JSON (POST), with s_intersects
    code, result = await fetch_json(
        jp_fetch, "polartep", "stac", "search", params={"filter": "eo:cloud_cover <= 5", "limit": "50"}
    )
    assert code == 200 and _ids(result) == {"across-dateline", "greenwich", "pacific-mid"}
    cql = {"op": "and", "args": [
        {"op": "<", "args": [{"property": "eo:cloud_cover"}, 20]},
        {"op": "s_intersects", "args": [{"property": "geometry"}, {"bbox": [170, 60, -170, 70]}]},
    ]}  # fmt: skip
    code, result = await _search(jp_fetch, filter=cql)
    assert code == 200 and _ids(result) == {"across-dateline", "west-of-dateline"}
    # sortby and fields
    code, result = await _search(
        jp_fetch, sortby=[{"field": "properties.eo:cloud_cover", "direction": "asc"}]
    )
    covers = [f["properties"]["eo:cloud_cover"] for f in result["features"]]
    assert covers == sorted(covers) and len(covers) == 7
    code, result = await _search(
        jp_fetch, fields={"include": ["properties.eo:cloud_cover"], "exclude": ["assets"]}
    )
    assert "assets" not in result["features"][0] and "eo:cloud_cover" in result["features"][0]["properties"]
    # paging with next/prev links: every item exactly once
    seen: list[str] = []
    code, page = await _search(jp_fetch, limit=3)
    while True:
        assert code == 200, page
        seen.extend(f["id"] for f in page["features"])
        nxt = [link for link in page["links"] if link["rel"] == "next"]
        if not nxt:
            break
        assert nxt[0]["method"] == "POST"
        code, page = await _search(jp_fetch, **nxt[0]["body"])
    assert sorted(seen) == sorted(i["id"] for i in polar_items())
    # GET paging follows the href
    code, page = await fetch_json(jp_fetch, "polartep", "stac", "search", params={"limit": "4"})
    href = next(link["href"] for link in page["links"] if link["rel"] == "next")
    query = dict(parse_qsl(urlsplit(href).query))
    code, page2 = await fetch_json(jp_fetch, "polartep", "stac", "search", params=query)
    assert code == 200 and len(page2["features"]) == 3
    assert not _ids(page) & _ids(page2)


async def test_transactions_validate_and_refuse_whole(jp_fetch: Any) -> None:
    await _seed(jp_fetch)
    items_url = ("polartep", "stac", "collections", "sea-ice", "items")
    # Given a batch where one item is invalid STAC
    good = item("fine", {"type": "Point", "coordinates": [10, 80]})
    bad = item("broken", {"type": "Point", "coordinates": [10]})
    del bad["properties"]["datetime"]
    code, body = await fetch_json(
        jp_fetch, *items_url, method="POST", body={"type": "FeatureCollection", "features": [good, bad]}
    )
    # Then the batch is refused with the schema errors, and nothing is stored
    assert code == 400 and body["reason"] == "invalid_stac"
    assert "datetime" in body["message"]
    code, _ = await fetch_json(jp_fetch, *items_url, "fine")
    assert code == 404
    # A duplicate id is a conflict; PUT updates
    code, body = await fetch_json(jp_fetch, *items_url, method="POST", body=polar_items()[0])
    assert code == 409, body
    changed = polar_items()[0]
    changed["properties"]["eo:cloud_cover"] = 99
    code, body = await fetch_json(jp_fetch, *items_url, "across-dateline", method="PUT", body=changed)
    assert code == 200 and body["properties"]["eo:cloud_cover"] == 99
    # An invalid update keeps the stored item
    broken = json.loads(json.dumps(changed))
    broken["stac_version"] = "0.9"
    code, body = await fetch_json(jp_fetch, *items_url, "across-dateline", method="PUT", body=broken)
    assert code == 400
    code, body = await fetch_json(jp_fetch, *items_url, "across-dateline")
    assert code == 200 and body["properties"]["eo:cloud_cover"] == 99
    # Delete item, then collection
    code, _ = await fetch_json(jp_fetch, *items_url, "greenwich", method="DELETE")
    assert code == 204
    code, _ = await fetch_json(jp_fetch, *items_url, "greenwich")
    assert code == 404
    code, _ = await fetch_json(jp_fetch, "polartep", "stac", "collections", "sea-ice", method="DELETE")
    assert code == 204
    code, _ = await fetch_json(jp_fetch, "polartep", "stac", "collections", "sea-ice")
    assert code == 404


async def test_bad_input_is_400_naming_the_parameter_and_404_for_unknown(jp_fetch: Any) -> None:
    await _seed(jp_fetch)
    for params, name in (
        ({"bbox": "1,2,3"}, "bbox"),
        ({"bbox": "0,80,10,70"}, "bbox"),
        ({"datetime": "yesterday"}, "datetime"),
        ({"filter": "eo:cloud_cover <<= 3"}, "filter"),
        ({"limit": "0"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"cursor": "garbage"}, "token"),
    ):
        code, body = await fetch_json(jp_fetch, "polartep", "stac", "search", params=params)
        assert code == 400, (params, body)
        assert body["message"].startswith(name), (params, body)
    code, body = await _search(jp_fetch, collections=["no-such"])
    assert code == 404
    code, body = await fetch_json(jp_fetch, "polartep", "stac", "collections", "no-such", "items")
    assert code == 404
    code, body = await fetch_json(
        jp_fetch, "polartep", "stac", "collections", method="POST", body={"id": "x"}
    )
    assert code == 400 and body["reason"] == "invalid_stac"


async def test_landing_conformance_and_collection_links(jp_fetch: Any) -> None:
    await _seed(jp_fetch)
    code, landing = await fetch_json(jp_fetch, "polartep", "stac", "")
    assert code == 200 and landing["type"] == "Catalog"
    assert "https://api.stacspec.org/v1.0.0/item-search" in landing["conformsTo"]
    rels = {link["rel"] for link in landing["links"]}
    assert {"self", "root", "conformance", "data", "search", "child"} <= rels
    code, colls = await fetch_json(jp_fetch, "polartep", "stac", "collections")
    assert [c["id"] for c in colls["collections"]] == ["sea-ice"]
    code, items = await fetch_json(
        jp_fetch, "polartep", "stac", "collections", "sea-ice", "items", params={"bbox": "170,60,-170,70"}
    )
    assert code == 200 and _ids(items) == {"across-dateline", "east-of-dateline", "west-of-dateline"}
