"""The tiler's allow-list: workspace/data files and http(s) URLs only."""

from __future__ import annotations

from pathlib import Path

import pytest

from polartep_lab.core.errors import Forbidden, Invalid, NotFound
from polartep_lab.core.http import OutboundPolicy
from polartep_lab.tiles.access import SourcePolicy, allowed_source


@pytest.fixture
def policy(tmp_path: Path) -> SourcePolicy:
    workspace, data = tmp_path / "workspace", tmp_path / "data"
    (workspace / "sub").mkdir(parents=True)
    data.mkdir()
    (workspace / "sub" / "a.tif").write_bytes(b"x")
    (data / "b.tif").write_bytes(b"x")
    (tmp_path / "outside.tif").write_bytes(b"x")
    (workspace / "link.tif").symlink_to(tmp_path / "outside.tif")
    return SourcePolicy([workspace, data], OutboundPolicy())


def test_files_below_the_roots_are_allowed(policy: SourcePolicy, tmp_path: Path) -> None:
    assert allowed_source("sub/a.tif", policy) == str(tmp_path / "workspace" / "sub" / "a.tif")
    assert allowed_source(str(tmp_path / "data" / "b.tif"), policy) == str(tmp_path / "data" / "b.tif")
    assert allowed_source(f"file://{tmp_path}/data/b.tif", policy) == str(tmp_path / "data" / "b.tif")


@pytest.mark.parametrize(
    "url",
    [
        "/etc/passwd",
        "../outside.tif",
        "sub/../../outside.tif",
        "link.tif",
        "file:///etc/passwd",
        "/vsicurl/http://169.254.169.254/latest",
        "vsizip//etc/x.zip",
        "ftp://example.org/a.tif",
        "s3://bucket/a.tif",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/latest",
        "http://metadata.google.internal/a.tif",
    ],
)
def test_everything_else_is_refused(policy: SourcePolicy, url: str) -> None:
    with pytest.raises(Forbidden):
        allowed_source(url, policy)


def test_missing_and_empty(policy: SourcePolicy) -> None:
    with pytest.raises(NotFound):
        allowed_source("sub/missing.tif", policy)
    with pytest.raises(Invalid):
        allowed_source("  ", policy)
    with pytest.raises(Invalid):
        allowed_source("a\x00.tif", policy)


def test_no_roots_means_urls_only(tmp_path: Path) -> None:
    policy = SourcePolicy([], OutboundPolicy())
    assert allowed_source("http://127.0.0.1:9/a.tif", policy) == "http://127.0.0.1:9/a.tif"
    with pytest.raises(Forbidden):
        allowed_source("a.tif", policy)
