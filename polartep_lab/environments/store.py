"""The embedded builder's records: SQLite under the data dir, shared by the server and build processes.

Build processes report their state through this database (never through memory), so a build's
status survives a server restart, and a notebook's Python API sees the same environments.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS environments (
    namespace TEXT NOT NULL,
    name TEXT NOT NULL,
    active_build_id INTEGER,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    PRIMARY KEY (namespace, name)
);
CREATE TABLE IF NOT EXISTS builds (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    namespace TEXT NOT NULL,
    name TEXT NOT NULL,
    specification TEXT NOT NULL,
    status TEXT NOT NULL,
    message TEXT NOT NULL DEFAULT '',
    created TEXT NOT NULL,
    started TEXT,
    finished TEXT,
    pid INTEGER
);
CREATE INDEX IF NOT EXISTS builds_by_environment ON builds (namespace, name);
"""

UNFINISHED = ("QUEUED", "BUILDING")


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def db_path(data_dir: Path) -> Path:
    return data_dir / "environments.sqlite"


def build_dir(data_dir: Path, build_id: int) -> Path:
    return data_dir / "builds" / str(build_id)


def initialise(data_dir: Path) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(db_path(data_dir), timeout=30)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.executescript(SCHEMA)
    finally:
        conn.close()


@contextmanager
def connect(data_dir: Path) -> Iterator[sqlite3.Connection]:
    """A connection in WAL mode; commits on success, rolls back on error, always closes."""
    conn = sqlite3.connect(db_path(data_dir), timeout=30, isolation_level=None)
    conn.row_factory = sqlite3.Row
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("BEGIN IMMEDIATE")
        yield conn
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    finally:
        conn.close()


def finish(
    data_dir: Path,
    build_id: int,
    status: str,
    message: str,
    on_active: Callable[[sqlite3.Row], None] | None = None,
) -> bool:
    """Move an unfinished build to a final status; False when it already was final (e.g. canceled).

    A COMPLETED build becomes its environment's active build; `on_active` runs inside the same
    transaction (the kernelspec is in place before anyone can read the new status).
    """
    with connect(data_dir) as conn:
        cur = conn.execute(
            "UPDATE builds SET status=?, message=?, finished=? WHERE id=? AND status IN (?, ?)",
            (status, message, now(), build_id, *UNFINISHED),
        )
        done = cur.rowcount == 1
        if done and status == "COMPLETED":
            row = conn.execute("SELECT namespace, name FROM builds WHERE id=?", (build_id,)).fetchone()
            done = (
                conn.execute(
                    "UPDATE environments SET active_build_id=?, updated=? WHERE namespace=? AND name=?",
                    (build_id, now(), row["namespace"], row["name"]),
                ).rowcount
                == 1
            )
            if done and on_active is not None:
                on_active(row)
        return done
