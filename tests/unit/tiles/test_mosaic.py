"""Items for a mosaic tile: densified bounds find the items next to the pole; two corners do not."""

from __future__ import annotations

from polartep_lab.tiles.grids import registry
from polartep_lab.tiles.mosaic import intersects, items_for_boxes, tile_boxes, two_corner_box


def item(item_id: str, bbox: list[float]) -> dict[str, object]:
    return {"type": "Feature", "id": item_id, "bbox": bbox}


CAP = item("cap", [-180, 87.3, 180, 90])  # the cap north of 87.3°N
DATELINE = item("dateline", [170, 60, -170, 70])  # crosses the antimeridian
EUROPE = item("europe", [5, 45, 15, 55])


def test_tile_at_the_pole_finds_the_cap_item() -> None:
    arctic = registry().get("EPSG3413Quad")
    # Given tile 3/3/3 of the Arctic grid, whose corner is the North Pole
    boxes = tile_boxes(arctic, 3, 3, 3)
    # Then its densified box reaches the pole and finds the cap item
    assert boxes[0][3] == 90.0 and boxes[0][0] == -180.0
    assert items_for_boxes([CAP, EUROPE], boxes) == [CAP]
    # While the two-corner box (titiler-pgstac's lookup) is a line at ~80°N that misses it
    corner = two_corner_box(arctic, 3, 3, 3)
    assert corner[3] < 81 and not intersects(corner, (-180, 87.3, 180, 90))


def test_dateline_boxes_are_split() -> None:
    arctic = registry().get("EPSG3413Quad")
    # Tile 3/0/0 lies around 180° (3413's -45° meridian points down): two boxes, one each side
    boxes = tile_boxes(arctic, 3, 0, 0)
    assert len(boxes) == 2 and boxes[0][2] == 180.0 and boxes[1][0] == -180.0
    # A dateline-crossing item is found from either side, never read as -170..170
    assert items_for_boxes([DATELINE], [(175, 62, 179, 68)]) == [DATELINE]
    assert items_for_boxes([DATELINE], [(-179, 62, -175, 68)]) == [DATELINE]
    assert items_for_boxes([DATELINE], [(0, 62, 10, 68)]) == []
