"""The same STAC API contract as tests/server/test_stac_api.py, on both stores: the embedded one and
a real PostgreSQL 15 + PostGIS + PgSTAC cluster started here (one fixture parametrized over them)."""

from __future__ import annotations

import itertools
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests import pgstac_cluster
from tests.stac_contract import (  # noqa: F401  (collected here, once per backend)
    test_bad_input_is_400_naming_the_parameter_and_404_for_unknown,
    test_dateline_bbox_means_the_band_across_180,
    test_datetime_filter_sort_fields_and_paging,
    test_footprints_around_the_poles_match_near_the_pole,
    test_landing_conformance_and_collection_links,
    test_transactions_validate_and_refuse_whole,
)

pytestmark = pytest.mark.integration
PYPGSTAC = str(Path(sys.executable).parent / "pypgstac")
_numbers = itertools.count()


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[pgstac_cluster.Cluster]:
    why = pgstac_cluster.missing()
    if why:
        pytest.fail(f"{why} — `bash scripts/system-deps.sh` installs it")
    cluster = pgstac_cluster.start(PYPGSTAC)
    yield cluster
    pgstac_cluster.stop(cluster)


@pytest.fixture(params=["embedded", "pgstac"])
def stac_backend(request: pytest.FixtureRequest) -> dict[str, Any]:
    if request.param == "embedded":
        return {}
    cluster: pgstac_cluster.Cluster = request.getfixturevalue("pg_cluster")
    import psycopg

    # a fresh copy of the migrated database for each test
    name = f"test_{next(_numbers)}"
    with psycopg.connect(cluster.dsn, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name} TEMPLATE {cluster.database}")
    return {"stac_backend": "pgstac", "stac_pgstac_dsn": cluster.dsn.rsplit("/", 1)[0] + f"/{name}"}


@pytest.fixture
def jp_server_config(tmp_path: Path, stac_backend: dict[str, Any]) -> dict[str, Any]:
    data = tmp_path / "polartep-data"
    data.mkdir()
    return {
        "ServerApp": {"jpserver_extensions": {"polartep_lab": True}},
        "PolarTEP": {"data_dir": str(data), **stac_backend},
    }


async def test_status_reports_the_backend(jp_fetch: Any, stac_backend: dict[str, Any]) -> None:
    from tests.server.conftest import fetch_json

    _code, status = await fetch_json(jp_fetch, "polartep", "api", "status")
    stac = next(f for f in status["features"] if f["name"] == "stac")
    assert stac["enabled"] and stac["health"]["ok"], stac
    expected = ("real", "PgSTACStore") if stac_backend else ("embedded", "SQLiteStore")
    assert (stac["backend"]["kind"], stac["backend"]["name"]) == expected
