"""What the tiles feature sends to / writes for a real eoAPI raster service (titiler-pgstac)."""

from __future__ import annotations

import json
from pathlib import Path

import morecantile

from polartep_lab.tiles.grids import polar_grid, write_grid_files
from polartep_lab.tiles.service import registered_search


def test_polar_grids_written_for_tilematrixset_directory_load_back_identical(tmp_path: Path) -> None:
    # Given the grid files for TILEMATRIXSET_DIRECTORY
    paths = write_grid_files(tmp_path / "tms")
    # Then each is named after its grid id and loads back as the same grid
    assert sorted(p.name for p in paths) == ["EPSG3031Quad.json", "EPSG3413Quad.json"]
    for path in paths:
        loaded = morecantile.TileMatrixSet.model_validate(json.loads(path.read_text()))
        ours = polar_grid(path.stem)
        assert loaded.id == path.stem and loaded.crs.to_epsg() == ours.crs.to_epsg()
        assert loaded.xy_bounds(3, 3, 3) == ours.xy_bounds(3, 3, 3)
        assert loaded.matrix(0).cellSize == 32_768


def test_registered_search_keeps_the_stac_parameters() -> None:
    search = {"collections": ["a"], "datetime": "2024-01-01/..", "limit": 5, "filter_lang": "cql2-json"}
    assert registered_search(search) == {
        "collections": ["a"],
        "datetime": "2024-01-01/..",
        "filter-lang": "cql2-json",
    }


def test_a_bbox_across_the_antimeridian_is_sent_as_two_boxes() -> None:
    # Given a bbox from 170°E to 170°W (west > east), which PgSTAC would read as -170..170
    body = registered_search({"bbox": [170, 60, -170, 70]})
    # Then it goes as a MultiPolygon of the two halves, no bbox
    assert "bbox" not in body
    assert body["intersects"]["type"] == "MultiPolygon"
    lons = [sorted({p[0] for p in poly[0]}) for poly in body["intersects"]["coordinates"]]
    assert lons == [[170, 180.0], [-180.0, -170]]
    # And an ordinary bbox passes unchanged
    assert registered_search({"bbox": [-10, 60, 10, 70]}) == {"bbox": [-10, 60, 10, 70]}
