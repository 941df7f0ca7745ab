"""The same STAC API contract as tests/server/test_stac_api.py, on every store: the embedded one, a
real PostgreSQL 15 + PostGIS + PgSTAC cluster started here reached by DSN, and the same PgSTAC
reached through a real stac-fastapi-pgstac service (uvicorn on 127.0.0.1, transactions enabled)
by URL — one fixture parametrized over the three."""

from __future__ import annotations

import itertools
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from polartep_lab.stac.pgstac_store import prepare_database
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


@pytest.fixture(scope="session")
def stac_api(pg_cluster: pgstac_cluster.Cluster) -> Iterator[pgstac_cluster.StacApi]:
    import psycopg

    with psycopg.connect(pg_cluster.dsn, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE stacapi TEMPLATE {pg_cluster.database}")
    with psycopg.connect(_dsn(pg_cluster, "stacapi"), autocommit=True) as conn:
        # what an operator does once for the workspace catalog's database (docs/stac.md)
        prepare_database(conn)
    api = pgstac_cluster.start_stac_api(pg_cluster, "stacapi", sys.executable)
    yield api
    pgstac_cluster.stop_stac_api(api)


def _dsn(cluster: pgstac_cluster.Cluster, database: str) -> str:
    return cluster.dsn.rsplit("/", 1)[0] + f"/{database}"


@pytest.fixture(params=["embedded", "pgstac", "stac-fastapi-pgstac"])
def stac_backend(request: pytest.FixtureRequest) -> dict[str, Any]:
    if request.param == "embedded":
        return {}
    if request.param == "stac-fastapi-pgstac":
        api: pgstac_cluster.StacApi = request.getfixturevalue("stac_api")
        import psycopg

        # an empty catalog for each test
        with psycopg.connect(_dsn(request.getfixturevalue("pg_cluster"), "stacapi"), autocommit=True) as conn:
            conn.execute("SELECT pgstac.delete_collection(id) FROM pgstac.collections")
        return {"stac_backend": "pgstac", "stac_api_url": api.url}
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
    expected = ("embedded", "SQLiteStore")
    if stac_backend:
        expected = ("real", "StacApiStore" if "stac_api_url" in stac_backend else "PgSTACStore")
    assert (stac["backend"]["kind"], stac["backend"]["name"]) == expected
