"""Job records in SQLite: shared by the server's dispatcher and each job's own process.

Every process opens its own connection (WAL mode), so the job process reports progress and its
final state through the database, and the records survive ``kill -9`` of the server.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT UNIQUE NOT NULL,
    kind TEXT NOT NULL DEFAULT 'notebook',
    name TEXT NOT NULL,
    notebook TEXT NOT NULL,
    cwd TEXT NOT NULL,
    kernel TEXT NOT NULL,
    parameters TEXT NOT NULL DEFAULT '{}',
    timeout REAL NOT NULL,
    tags TEXT NOT NULL DEFAULT '[]',
    outputs TEXT NOT NULL DEFAULT '["ipynb","html"]',
    status TEXT NOT NULL,
    message TEXT NOT NULL DEFAULT '',
    error TEXT,
    created REAL NOT NULL,
    started REAL,
    finished REAL,
    cells_done INTEGER NOT NULL DEFAULT 0,
    cells_total INTEGER NOT NULL DEFAULT 0,
    runner_pid INTEGER,
    runner TEXT,
    kernel_pid INTEGER,
    dispatcher TEXT,
    rerun_of TEXT,
    process_id TEXT,
    author TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS jobs_status ON jobs(status, seq);
CREATE TABLE IF NOT EXISTS processes (
    id TEXT PRIMARY KEY,
    notebook TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created REAL NOT NULL
);
"""

JSON_COLUMNS = ("parameters", "tags", "outputs", "error")
FINISHED = ("succeeded", "failed", "cancelled", "timed_out")
#: columns added after the first release: (name, declaration), added to older databases on open
MIGRATIONS = (("author", "TEXT NOT NULL DEFAULT ''"),)


def _row(row: sqlite3.Row | None) -> dict[str, Any] | None:
    if row is None:
        return None
    out = dict(row)
    for column in JSON_COLUMNS:
        if column in out and out[column] is not None:
            out[column] = json.loads(out[column])
    return out


class JobStore:
    """Thin, process-safe access to the ``jobs.sqlite`` file."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(SCHEMA)
            self._migrate(db)

    @staticmethod
    def _migrate(db: sqlite3.Connection) -> None:
        """Add the columns an older ``jobs.sqlite`` lacks (their defaults fill the old rows)."""
        have = {row["name"] for row in db.execute("PRAGMA table_info(jobs)").fetchall()}
        for name, declaration in MIGRATIONS:
            if name not in have:
                try:
                    db.execute(f"ALTER TABLE jobs ADD COLUMN {name} {declaration}")
                except sqlite3.OperationalError as exc:  # another process added it meanwhile
                    if "duplicate column" not in str(exc):
                        raise

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA busy_timeout=30000")
        db.execute("PRAGMA synchronous=NORMAL")  # WAL: commits survive kill -9 of any process
        try:
            yield db
        finally:
            db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self.connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    # ---- jobs ---------------------------------------------------------------------------------
    def insert(self, record: dict[str, Any]) -> None:
        values = {k: (json.dumps(v) if k in JSON_COLUMNS and v is not None else v) for k, v in record.items()}
        columns = ", ".join(values)
        marks = ", ".join(f":{k}" for k in values)
        with self.connect() as db:
            db.execute(f"INSERT INTO jobs ({columns}) VALUES ({marks})", values)

    def get(self, job_id: str) -> dict[str, Any] | None:
        with self.connect() as db:
            return _row(db.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone())

    def update(self, job_id: str, only_if_status: tuple[str, ...] = (), **fields: Any) -> bool:
        """Set ``fields``; with ``only_if_status`` only while the job is in one of those states."""
        values = {k: (json.dumps(v) if k in JSON_COLUMNS and v is not None else v) for k, v in fields.items()}
        sets = ", ".join(f"{k} = :{k}" for k in values)
        sql = f"UPDATE jobs SET {sets} WHERE id = :_id"
        params: dict[str, Any] = {**values, "_id": job_id}
        if only_if_status:
            sql += " AND status IN ({})".format(", ".join(f":_s{i}" for i in range(len(only_if_status))))
            params.update({f"_s{i}": s for i, s in enumerate(only_if_status)})
        with self.connect() as db:
            return db.execute(sql, params).rowcount > 0

    def delete(self, job_id: str) -> bool:
        with self.connect() as db:
            return db.execute("DELETE FROM jobs WHERE id = ?", (job_id,)).rowcount > 0

    def list(
        self,
        status: list[str] | None = None,
        tag: str | None = None,
        kind: str | None = None,
        process_id: str | None = None,
        author: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[list[dict[str, Any]], int]:
        where, params = ["1 = 1"], []
        if status:
            where.append("status IN ({})".format(", ".join("?" for _ in status)))
            params.extend(status)
        if tag:
            where.append("EXISTS (SELECT 1 FROM json_each(jobs.tags) WHERE value = ?)")
            params.append(tag)
        if kind:
            where.append("kind = ?")
            params.append(kind)
        if process_id:
            where.append("process_id = ?")
            params.append(process_id)
        if author:
            where.append("author = ?")
            params.append(author)
        clause = " AND ".join(where)
        with self.connect() as db:
            total = db.execute(f"SELECT COUNT(*) FROM jobs WHERE {clause}", params).fetchone()[0]
            rows = db.execute(
                f"SELECT * FROM jobs WHERE {clause} ORDER BY seq DESC LIMIT ? OFFSET ?",
                [*params, limit, offset],
            ).fetchall()
        return [r for r in (_row(x) for x in rows) if r is not None], int(total)

    def with_status(self, status: str) -> list[dict[str, Any]]:
        with self.connect() as db:
            rows = db.execute("SELECT * FROM jobs WHERE status = ? ORDER BY seq", (status,)).fetchall()
        return [r for r in (_row(x) for x in rows) if r is not None]

    def claim_next(self, max_running: int, dispatcher: str) -> dict[str, Any] | None:
        """Atomically move the oldest queued job to running if fewer than ``max_running`` run."""
        with self.transaction() as db:
            running = db.execute("SELECT COUNT(*) FROM jobs WHERE status = 'running'").fetchone()[0]
            if running >= max_running:
                return None
            row = db.execute("SELECT id FROM jobs WHERE status = 'queued' ORDER BY seq LIMIT 1").fetchone()
            if row is None:
                return None
            db.execute(
                "UPDATE jobs SET status = 'running', started = ?, dispatcher = ?, message = '' WHERE id = ?",
                (time.time(), dispatcher, row["id"]),
            )
            return _row(db.execute("SELECT * FROM jobs WHERE id = ?", (row["id"],)).fetchone())

    # ---- published processes (OGC API Processes) ----------------------------------------------
    def put_process(self, process: dict[str, Any]) -> None:
        with self.connect() as db:
            db.execute(
                "INSERT OR REPLACE INTO processes (id, notebook, title, description, created) "
                "VALUES (:id, :notebook, :title, :description, :created)",
                process,
            )

    def processes(self) -> list[dict[str, Any]]:
        with self.connect() as db:
            return [dict(r) for r in db.execute("SELECT * FROM processes ORDER BY id").fetchall()]

    def process(self, process_id: str) -> dict[str, Any] | None:
        with self.connect() as db:
            row = db.execute("SELECT * FROM processes WHERE id = ?", (process_id,)).fetchone()
        return dict(row) if row else None

    def delete_process(self, process_id: str) -> bool:
        with self.connect() as db:
            return db.execute("DELETE FROM processes WHERE id = ?", (process_id,)).rowcount > 0
