"""Polar tile matrix sets and the projection a dataset opens in."""

from __future__ import annotations

import pytest

from polartep_lab.core.errors import Invalid
from polartep_lab.tiles.grids import grid_for_projection, projection_for_bounds, registry


def test_polar_grids_are_gibs_like() -> None:
    grids = registry()
    assert grids.list() == ["WebMercatorQuad", "EPSG3413Quad", "EPSG3031Quad"]
    for grid_id, epsg in (("EPSG3413Quad", 3413), ("EPSG3031Quad", 3031)):
        tms = grids.get(grid_id)
        assert tms.crs.to_epsg() == epsg
        assert tms.matrix(0).cellSize == 32768 and tms.matrix(0).matrixWidth == 1
        bounds = tms.xy_bounds(0, 0, 0)
        assert (bounds.left, bounds.top) == (-4194304, 4194304)
        # zoom 3: tile (3, 3) ends at the pole
        assert tms.xy_bounds(3, 3, 3).right == 0 and tms.xy_bounds(3, 3, 3).bottom == 0


def test_the_pole_is_in_the_polar_grid_not_in_web_mercator() -> None:
    grids = registry()
    assert grids.get("EPSG3413Quad").tile(0.0, 90.0, 1) is not None
    assert grids.get("WebMercatorQuad").bbox.top < 85.1


@pytest.mark.parametrize(
    ("bounds", "projection"),
    [
        ((-180, 60, 180, 90), "EPSG:3413"),
        ((-180, -90, 180, -60), "EPSG:3031"),
        ((5, 40, 15, 50), "EPSG:3857"),
        ((-60, 55, -20, 84), "EPSG:3413"),
    ],
)
def test_polar_data_opens_polar(bounds: tuple[float, float, float, float], projection: str) -> None:
    assert projection_for_bounds(*bounds) == projection


def test_unknown_projection_lists_the_known_ones() -> None:
    assert grid_for_projection("EPSG:3031") == "EPSG3031Quad"
    with pytest.raises(Invalid, match="EPSG:3413"):
        grid_for_projection("EPSG:4326")
