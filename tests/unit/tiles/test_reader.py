"""The tiler's reader warps a reprojected tile once (rio-tiler's stock Reader warps it twice),
gives the same pixels, and keeps GDAL's direct path for rasters without overviews."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import rasterio
from rasterio.transform import from_bounds
from rio_tiler.io import Reader

from polartep_lab.tiles.grids import registry
from polartep_lab.tiles.reader import CACHED_WARP, WorkspaceReader, warp_config
from polartep_lab.tiles.samples import ARCTIC, ARCTIC_SECTORS, make_samples

KERNEL = re.compile(r"GDALWarpKernel\(\)::\w+\(\) Src=\S+ Dst=\d+,\d+,(\d+)x(\d+)")


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("samples")
    make_samples(folder)
    return folder


class KernelLog(logging.Handler):
    """Adds up the destination pixels of every GDAL warp kernel run (from GDAL's debug log)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.pixels = 0

    def emit(self, record: logging.LogRecord) -> None:
        match = KERNEL.search(record.getMessage())
        if match:
            self.pixels += int(match[1]) * int(match[2])


@pytest.fixture
def kernel_log() -> Iterator[KernelLog]:
    handler = KernelLog()
    logger = logging.getLogger("rasterio._err")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def warped_pixels(
    reader: type[Reader], path: Path, grid: str, tile: tuple[int, int, int], log: KernelLog
) -> int:
    z, x, y = tile
    log.pixels = 0
    with rasterio.Env(CPL_DEBUG=True), reader(str(path), tms=registry().get(grid)) as src:
        src.tile(x, y, z)
    return log.pixels


@pytest.mark.parametrize(("grid", "tile"), [("EPSG3413Quad", (3, 3, 3)), ("EPSG3413Quad", (3, 2, 5))])
def test_a_polar_tile_of_a_geographic_raster_is_warped_once(
    samples: Path, kernel_log: KernelLog, grid: str, tile: tuple[int, int, int]
) -> None:
    path = samples / ARCTIC_SECTORS
    stock = warped_pixels(Reader, path, grid, tile, kernel_log)
    ours = warped_pixels(WorkspaceReader, path, grid, tile, kernel_log)
    assert stock == 2 * 256 * 256  # the data, then the nodata mask warped again
    assert ours == 256 * 256


@pytest.mark.parametrize(
    ("name", "grid", "tile"),
    [
        (ARCTIC_SECTORS, "EPSG3413Quad", (3, 3, 3)),
        (ARCTIC_SECTORS, "EPSG3413Quad", (3, 5, 2)),
        (ARCTIC_SECTORS, "WebMercatorQuad", (3, 2, 1)),
        (ARCTIC, "WebMercatorQuad", (2, 1, 0)),
        (ARCTIC, "EPSG3413Quad", (3, 3, 4)),
    ],
)
def test_same_pixels_and_mask_as_rio_tiler(
    samples: Path, name: str, grid: str, tile: tuple[int, int, int]
) -> None:
    z, x, y = tile
    tms = registry().get(grid)
    with Reader(str(samples / name), tms=tms) as src:
        expected = src.tile(x, y, z)
    with WorkspaceReader(str(samples / name), tms=tms) as src:
        got = src.tile(x, y, z)
    assert np.array_equal(got.array.data, expected.array.data)
    assert np.array_equal(got.array.mask, expected.array.mask)
    assert got.array.count() > 0  # the tile holds data, not only nodata


def test_the_cached_path_only_for_rasters_with_overviews(samples: Path, tmp_path: Path) -> None:
    with rasterio.open(samples / ARCTIC_SECTORS) as src:
        assert src.overviews(1)
        assert warp_config(src) == CACHED_WARP
    plain = tmp_path / "no-overviews.tif"
    profile = {
        "driver": "GTiff",
        "width": 64,
        "height": 16,
        "count": 1,
        "dtype": "uint8",
        "crs": "EPSG:4326",
        "transform": from_bounds(-180, 60, 180, 90, 64, 16),
        "nodata": 0,
    }
    with rasterio.open(plain, "w", **profile) as dst:
        dst.write(np.full((1, 16, 64), 7, dtype="uint8"))
    with rasterio.open(plain) as src:
        assert warp_config(src) == {}


def test_the_setting_holds_only_during_the_read(samples: Path) -> None:
    from rasterio._env import get_gdal_config

    seen: list[str | None] = []

    def during_the_read(data: np.ma.MaskedArray) -> np.ma.MaskedArray:
        seen.append(get_gdal_config("GDAL_VRT_WARP_USE_DATASET_RASTERIO"))
        return data

    outer = {"GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR"}  # as titiler's endpoints wrap a read
    with rasterio.Env(**outer):
        with WorkspaceReader(str(samples / ARCTIC_SECTORS), tms=registry().get("EPSG3413Quad")) as src:
            src.tile(3, 3, 3, post_process=during_the_read)
        assert get_gdal_config("GDAL_DISABLE_READDIR_ON_OPEN") == "EMPTY_DIR"
    assert seen == ["NO"]
    assert get_gdal_config("GDAL_VRT_WARP_USE_DATASET_RASTERIO") is None


def test_stac_item_assets_are_read_by_the_one_warp_reader(samples: Path, kernel_log: KernelLog) -> None:
    from polartep_lab.core.http import OutboundPolicy
    from polartep_lab.tiles.access import SourcePolicy
    from polartep_lab.tiles.tiler import workspace_stac_reader

    reader = workspace_stac_reader(SourcePolicy([samples], OutboundPolicy()))
    item = str(samples / "arctic-quadrants-item.json")
    kernel_log.pixels = 0
    with rasterio.Env(CPL_DEBUG=True), reader(item, tms=registry().get("WebMercatorQuad")) as src:
        assert src.reader is WorkspaceReader
        image = src.tile(1, 0, 2, assets=["data"])
    assert image.array.count() > 0
    assert kernel_log.pixels == 256 * 256  # both bands of the asset in one warp, no second one for the mask
