"""A real PostgreSQL 15 + PostGIS + PgSTAC cluster in a temp dir on a free port (tests, benchmark).

As root, postgres runs as the `postgres` user (`su postgres`), with data and socket dirs it owns.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tests.netutil import free_port, stop_process, wait_for_http

PG_BIN = Path("/usr/lib/postgresql/15/bin")
POSTGIS_CONTROL = Path("/usr/share/postgresql/15/extension/postgis.control")


def missing() -> str | None:
    """Why a cluster cannot start here, or None."""
    if not (PG_BIN / "postgres").exists():
        return "PostgreSQL 15 is not installed (apt-get install postgresql-15-postgis-3)"
    if not POSTGIS_CONTROL.exists():
        return "PostGIS is not installed (apt-get install postgresql-15-postgis-3)"
    if (
        shutil.which("pypgstac") is None
        and not Path(os.environ.get("VIRTUAL_ENV", "/x"), "bin/pypgstac").exists()
    ):
        return None
    return None


@dataclass
class Cluster:
    root: Path
    port: int
    password: str
    database: str = "postgis"

    @property
    def dsn(self) -> str:
        return f"postgresql://postgres:{self.password}@127.0.0.1:{self.port}/{self.database}"

    @property
    def env(self) -> dict[str, str]:
        return {
            "PGHOST": "127.0.0.1",
            "PGPORT": str(self.port),
            "PGUSER": "postgres",
            "PGPASSWORD": self.password,
            "PGDATABASE": self.database,
        }


def _as_postgres(cmd: str) -> None:
    if os.geteuid() == 0:
        subprocess.run(
            ["su", "postgres", "-s", "/bin/sh", "-c", cmd], check=True, capture_output=True, timeout=120
        )
    else:
        subprocess.run(["sh", "-c", cmd], check=True, capture_output=True, timeout=120)


def start(pypgstac: str) -> Cluster:
    """initdb + start + CREATE DATABASE + `pypgstac migrate`."""
    root = Path(tempfile.mkdtemp(prefix="polartep-pg-"))
    data, sock = root / "data", root / "sock"
    data.mkdir()
    sock.mkdir()
    password = secrets.token_hex(12)
    pwfile = root / "pw"
    pwfile.write_text(password)
    if os.geteuid() == 0:
        uid = pwd.getpwnam("postgres").pw_uid
        gid = pwd.getpwnam("postgres").pw_gid
        for path in (root, data, sock, pwfile):
            os.chown(path, uid, gid)
    root.chmod(0o700)
    port = free_port()
    _as_postgres(
        f"{PG_BIN}/initdb -D {data} -U postgres --auth=scram-sha-256 --pwfile={pwfile}"
        " -E UTF8 --locale=C.UTF-8"
    )
    _as_postgres(
        f"{PG_BIN}/pg_ctl -D {data} -l {root}/server.log -w "
        f"-o '-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={sock} -c fsync=off' start"
    )
    cluster = Cluster(root, port, password)
    import psycopg

    with psycopg.connect(cluster.dsn.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {cluster.database}")
    subprocess.run(
        [pypgstac, "migrate"], env={**os.environ, **cluster.env}, check=True, capture_output=True, timeout=300
    )
    return cluster


def stop(cluster: Cluster) -> None:
    try:
        _as_postgres(f"{PG_BIN}/pg_ctl -D {cluster.root / 'data'} -m immediate -w stop")
    finally:
        shutil.rmtree(cluster.root, ignore_errors=True)


@dataclass
class StacApi:
    """A stac-fastapi-pgstac service (uvicorn on 127.0.0.1) over one database of a cluster."""

    process: subprocess.Popen[bytes]
    url: str
    log: Path


def start_stac_api(cluster: Cluster, database: str, python: str, timeout: float = 120.0) -> StacApi:
    """stac-fastapi-pgstac with its Transactions (and Bulk Transactions) extensions, started with
    uvicorn on a free local port against `database` of the cluster; returns once it answers."""
    port = free_port()
    workdir = Path(tempfile.mkdtemp(prefix="polartep-stac-api-"))  # it reads a .env from its cwd
    log = workdir / "server.log"
    env = {
        **os.environ,
        **cluster.env,
        "PGDATABASE": database,
        "ENABLE_TRANSACTIONS_EXTENSIONS": "TRUE",
        "USE_API_HYDRATE": "TRUE",
        "DB_MIN_CONN_SIZE": "1",
        "DB_MAX_CONN_SIZE": "4",
    }
    with log.open("wb") as out:
        process = subprocess.Popen(
            [python, "-m", "uvicorn", "stac_fastapi.pgstac.app:create_app", "--factory",
             "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
            env=env, cwd=workdir, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    api = StacApi(process, url, log)
    wait_for_http(
        f"{url}/_mgmt/ping",
        timeout,
        process=process,
        log=log,
        name="stac-fastapi-pgstac",
        on_failure=lambda: stop_stac_api(api),
    )
    return api


def stop_stac_api(api: StacApi) -> None:
    stop_process(api.process)
    shutil.rmtree(api.log.parent, ignore_errors=True)
