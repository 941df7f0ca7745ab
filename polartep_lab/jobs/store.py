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
    author TEXT NOT NULL DEFAULT '',
    workflow_run TEXT,
    workflow_backend TEXT
);
CREATE INDEX IF NOT EXISTS jobs_status ON jobs(status, seq);
CREATE TABLE IF NOT EXISTS processes (
    id TEXT PRIMARY KEY,
    notebook TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created REAL NOT NULL,
    sync_execute INTEGER NOT NULL DEFAULT 0
);
"""

JSON_COLUMNS = ("parameters", "tags", "outputs", "error")
FINISHED = ("succeeded", "failed", "cancelled", "timed_out")
#: columns added after the first release: (name, declaration), added to older databases on open
MIGRATIONS = (
    ("jobs", "author", "TEXT NOT NULL DEFAULT ''"),
    ("jobs", "workflow_run", "TEXT"),
    ("jobs", "workflow_backend", "TEXT"),
    ("processes", "sync_execute", "INTEGER NOT NULL DEFAULT 0"),
)


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

    def __init__(self, path: Path, create: bool = True, keep_open: bool = False) -> None:
        """``create``: make or migrate the schema (the server does; a job process need not).
        ``keep_open``: one connection for every call, for a single thread that writes often
        (a job's progress)."""
        self.path = Path(path)
        self.keep_open = keep_open
        self._db: sqlite3.Connection | None = None
        if create:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.connect() as db:
                db.execute("PRAGMA journal_mode=WAL")
                db.executescript(SCHEMA)
                self._migrate(db)

    @staticmethod
    def _migrate(db: sqlite3.Connection) -> None:
        """Add the columns an older ``jobs.sqlite`` lacks (their defaults fill the old rows)."""
        for table, name, declaration in MIGRATIONS:
            have = {row["name"] for row in db.execute(f"PRAGMA table_info({table})").fetchall()}
            if name not in have:
                try:
                    db.execute(f"ALTER TABLE {table} ADD COLUMN {name} {declaration}")
                except sqlite3.OperationalError as exc:  # another process added it meanwhile
                    if "duplicate column" not in str(exc):
                        raise

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA busy_timeout=30000")
        db.execute("PRAGMA synchronous=NORMAL")  # WAL: commits survive kill -9 of any process
        return db

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        if self.keep_open:
            if self._db is None:
                self._db = self._open()
            yield self._db
            return
        db = self._open()
        try:
            yield db
        finally:
            db.close()

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

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

    def delete_if_finished(self, job_id: str) -> bool:
        done = ", ".join(f"'{s}'" for s in FINISHED)
        with self.connect() as db:
            return db.execute(f"DELETE FROM jobs WHERE id = ? AND status IN ({done})", (job_id,)).rowcount > 0

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

    def expired(self, finished_before: float | None, keep: int | None) -> list[str]:
        """Finished jobs to remove: finished before ``finished_before``, and every finished job
        beyond the newest ``keep`` ones. Queued and running jobs are never listed."""
        done = ", ".join(f"'{s}'" for s in FINISHED)
        ids: set[str] = set()
        with self.connect() as db:
            if finished_before is not None:
                rows = db.execute(
                    f"SELECT id FROM jobs WHERE status IN ({done}) AND COALESCE(finished, created) < ?",
                    (finished_before,),
                ).fetchall()
                ids.update(r["id"] for r in rows)
            if keep is not None:
                rows = db.execute(
                    f"SELECT id FROM jobs WHERE status IN ({done}) ORDER BY seq DESC LIMIT -1 OFFSET ?",
                    (keep,),
                ).fetchall()
                ids.update(r["id"] for r in rows)
        return sorted(ids)

    def active_workflows(self) -> list[dict[str, Any]]:
        with self.connect() as db:
            rows = db.execute(
                "SELECT * FROM jobs WHERE kind = 'workflow' AND status IN ('queued', 'running') ORDER BY seq"
            ).fetchall()
        return [r for r in (_row(x) for x in rows) if r is not None]

    def claim_next(self, max_running: int, dispatcher: str) -> dict[str, Any] | None:
        """Atomically move the oldest queued job to running if fewer than ``max_running`` run."""
        with self.transaction() as db:
            running = db.execute(
                "SELECT COUNT(*) FROM jobs WHERE status = 'running' AND kind = 'notebook'"
            ).fetchone()[0]
            if running >= max_running:
                return None
            row = db.execute(
                "SELECT id FROM jobs WHERE status = 'queued' AND kind = 'notebook' ORDER BY seq LIMIT 1"
            ).fetchone()
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
                "INSERT OR REPLACE INTO processes (id, notebook, title, description, created, sync_execute) "
                "VALUES (:id, :notebook, :title, :description, :created, :sync_execute)",
                {"sync_execute": False, **process},
            )

    def processes(self) -> list[dict[str, Any]]:
        with self.connect() as db:
            rows = db.execute("SELECT * FROM processes ORDER BY id").fetchall()
        return [{**dict(r), "sync_execute": bool(r["sync_execute"])} for r in rows]

    def process(self, process_id: str) -> dict[str, Any] | None:
        with self.connect() as db:
            row = db.execute("SELECT * FROM processes WHERE id = ?", (process_id,)).fetchone()
        return {**dict(row), "sync_execute": bool(row["sync_execute"])} if row else None

    def delete_process(self, process_id: str) -> bool:
        with self.connect() as db:
            return db.execute("DELETE FROM processes WHERE id = ?", (process_id,)).rowcount > 0
