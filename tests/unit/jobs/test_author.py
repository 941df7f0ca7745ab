"""Jobs record their author: the JupyterHub user under a hub (read over real HTTP), else the OS user."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from polartep_lab.core.identity import Identity, os_user
from polartep_lab.jobs.models import CreateJob, ListJobsQuery
from polartep_lab.jobs.service import JobService
from polartep_lab.jobs.store import JobStore

from ...fake_hub import hub_env
from ...jobs_notebooks import write_notebook

HUB_USER = "alice@eox.at"


@pytest.fixture
def hub_identity() -> Iterator[Identity]:
    with hub_env(HUB_USER) as env:
        yield Identity(env=env)


def notebook(path: Path) -> Path:
    return write_notebook(path, "print('hi')")


def _service(tmp_path: Path, identity: Identity | None = None) -> JobService:
    # no dispatcher: the author is set at submission, nothing needs to run
    return JobService(tmp_path / "data", tmp_path / "root", identity=identity, start=False)


def test_a_job_submitted_under_a_hub_is_authored_by_the_hub_user(
    tmp_path: Path, hub_identity: Identity
) -> None:
    # Given a service whose identity is a hub user, and one outside a hub on the same database
    notebook(tmp_path / "root" / "nb.ipynb")
    hub, laptop = _service(tmp_path, hub_identity), _service(tmp_path)
    # When each submits a job
    job = hub.submit(CreateJob(notebook="nb.ipynb"))
    other = laptop.submit(CreateJob(notebook="nb.ipynb"))
    # Then the hub job is the hub user's (as the Hub API names them), the other the OS user's
    assert hub_identity.current().source == "hub"
    assert job.author == HUB_USER and hub.get(job.id).author == HUB_USER
    assert other.author == os_user()
    # And the list filters by author
    mine = hub.list(ListJobsQuery(author=HUB_USER))
    assert [j.id for j in mine.jobs] == [job.id] and mine.total == 1
    assert {j.author for j in hub.list().jobs} == {HUB_USER, os_user()}
    # And a rerun is authored by whoever reruns it
    rerun = laptop.rerun(job.id)
    assert rerun.rerun_of == job.id and rerun.author == os_user()


def test_an_older_job_database_gains_the_author_column(tmp_path: Path) -> None:
    # Given a jobs.sqlite from before authors were recorded, with one job in it
    path = tmp_path / "data" / "jobs.sqlite"
    path.parent.mkdir(parents=True)
    db = sqlite3.connect(path)
    db.execute(
        "CREATE TABLE jobs (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE NOT NULL,"
        " kind TEXT NOT NULL DEFAULT 'notebook', name TEXT NOT NULL, notebook TEXT NOT NULL,"
        " cwd TEXT NOT NULL, kernel TEXT NOT NULL, parameters TEXT NOT NULL DEFAULT '{}',"
        " timeout REAL NOT NULL, tags TEXT NOT NULL DEFAULT '[]',"
        ' outputs TEXT NOT NULL DEFAULT \'["ipynb","html"]\', status TEXT NOT NULL,'
        " message TEXT NOT NULL DEFAULT '', error TEXT, created REAL NOT NULL, started REAL,"
        " finished REAL, cells_done INTEGER NOT NULL DEFAULT 0, cells_total INTEGER NOT NULL DEFAULT 0,"
        " runner_pid INTEGER, runner TEXT, kernel_pid INTEGER, dispatcher TEXT, rerun_of TEXT,"
        " process_id TEXT)"
    )
    db.execute(
        "INSERT INTO jobs (id, name, notebook, cwd, kernel, timeout, status, created)"
        " VALUES ('old', 'old', 'old.ipynb', '/', 'python3', 60, 'succeeded', 1)"
    )
    db.commit()
    db.close()
    # When the store opens it (twice: the migration is idempotent)
    JobStore(path)
    service = _service(tmp_path)
    # Then the old job reads back with an empty author, and new jobs get one
    assert service.get("old").author == ""
    notebook(tmp_path / "root" / "nb.ipynb")
    assert service.submit(CreateJob(notebook="nb.ipynb")).author == os_user()
    assert service.list(ListJobsQuery(author=os_user())).total == 1
