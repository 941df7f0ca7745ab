"""Background tasks of the files feature (Convert to COG), with progress the panel polls.

A task is a record ``<data_dir>/tasks/<id>.json`` (atomic writes); work runs on one worker thread so
it never blocks the server's event loop. A task that was running when the server died is marked
failed on the next start ("interrupted"), never left "running" forever.
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from ..core.errors import NotFound
from ..core.paths import atomic_write
from .models import DescribeTask, TaskStatus
from .uploads import now

_PERCENT = re.compile(rb"(\d{1,3})%")


class ProgressStream:
    """A write-only stream that reads percentages from a click progress bar (rio-cogeo's)."""

    def __init__(self, report: Callable[[float], None]) -> None:
        self.report = report

    def write(self, text: str | bytes) -> int:
        data = text.encode() if isinstance(text, str) else text
        found = _PERCENT.findall(data)
        if found:
            self.report(min(100, int(found[-1])) / 100)
        return len(text)

    def flush(self) -> None:
        return None

    def isatty(self) -> bool:
        return False


class TaskRunner:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="polartep-files")
        self._lock = threading.Lock()
        for task in self.list():
            if task.status in (TaskStatus.queued, TaskStatus.running):
                task.status = TaskStatus.failed
                task.message = "interrupted: the server stopped while the task ran"
                task.finished = now()
                self._save(task)

    def _record(self, task_id: str) -> Path:
        if len(task_id) != 32 or not all(c in "0123456789abcdef" for c in task_id):
            raise NotFound(f"no task {task_id!r}", "no_task")
        return self.folder / f"{task_id}.json"

    def _save(self, task: DescribeTask) -> None:
        with self._lock:
            atomic_write(self._record(task.id), task.model_dump_json().encode())

    def get(self, task_id: str) -> DescribeTask:
        path = self._record(task_id)
        if not path.is_file():
            raise NotFound(f"no task {task_id!r}", "no_task")
        return DescribeTask.model_validate(json.loads(path.read_text()))

    def list(self) -> list[DescribeTask]:
        out = []
        for path in self.folder.glob("*.json"):
            try:
                out.append(DescribeTask.model_validate(json.loads(path.read_text())))
            except ValueError:
                continue
        return sorted(out, key=lambda t: t.created, reverse=True)

    def submit(
        self, task: DescribeTask, work: Callable[[Callable[[float], None]], dict[str, Any]]
    ) -> DescribeTask:
        task.id = uuid.uuid4().hex
        task.created = now()
        task.status = TaskStatus.queued
        self._save(task)
        self._pool.submit(self._run, task.id, work)
        return task

    def _run(self, task_id: str, work: Callable[[Callable[[float], None]], dict[str, Any]]) -> None:
        task = self.get(task_id)
        task.status = TaskStatus.running
        self._save(task)
        last = [0.0]

        def report(fraction: float) -> None:
            # at most ~100 record writes per task
            if fraction - last[0] >= 0.01 or fraction >= 1:
                last[0] = fraction
                task.progress = round(min(fraction, 0.99), 3)
                self._save(task)

        try:
            result = work(report)
        except Exception as exc:
            task.status = TaskStatus.failed
            task.message = str(exc) or type(exc).__name__
        else:
            task.status = TaskStatus.done
            task.progress = 1.0
            task.result = result
            task.message = "done"
        task.finished = now()
        self._save(task)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
