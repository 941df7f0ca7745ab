"""Helpers of the tiles server tests: real sample COGs in the server root, PNG decoding, cleanup."""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from polartep_lab.tiles.samples import make_samples

SAMPLES = "data/polar"


@pytest.fixture(scope="session", name="sample_folder")
def sample_folder_fixture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample rasters, made once per test session with rasterio."""
    folder = tmp_path_factory.mktemp("polar-samples")
    make_samples(folder)
    return folder


@pytest.fixture(name="samples")
def samples_fixture(jp_root_dir: Path, sample_folder: Path) -> Path:
    """Sample rasters copied into the notebook server's root at data/polar/."""
    target = jp_root_dir / SAMPLES
    shutil.copytree(sample_folder, target)
    return target


def tiler_processes() -> list[int]:
    """Pids of tiler processes that this test process started (through jupyter-server-proxy)."""
    pids = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            ppid = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
            cmdline = (proc / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue
        if ppid == os.getpid() and b"polartep_lab.tiles.server" in cmdline:
            pids.append(int(proc.name))
    return pids


def stop_tilers() -> None:
    """SIGTERM: uvicorn exits 0, so jupyter-server-proxy does not start it again."""
    for pid in tiler_processes():
        os.kill(pid, signal.SIGTERM)


@pytest.fixture(name="tiler")
def tiler_fixture(jp_fetch: Any) -> Any:
    """Call the tiler through jupyter-server-proxy; stops the tiler process after the test."""

    async def call(path: str, **params: Any) -> Any:
        parts = ["polartep", "tiles", *path.split("/")] if path else ["polartep", "tiles/"]
        return await jp_fetch(*parts, params=params, raise_error=False, request_timeout=120)

    yield call
    stop_tilers()


def decode_png(body: bytes) -> np.ndarray:
    """PNG bytes -> array (bands, rows, cols), alpha last (decoded by GDAL through rasterio)."""
    import rasterio
    from rasterio.io import MemoryFile

    assert body[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    with MemoryFile(body) as mem, mem.open() as src:
        _ = rasterio
        return src.read()
