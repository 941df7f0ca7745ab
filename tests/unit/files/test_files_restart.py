"""State survives a server restart: an unfinished upload resumes, a running task is reported."""

from __future__ import annotations

import json
from pathlib import Path

from polartep_lab.files.models import CreateUpload, TaskStatus
from polartep_lab.files.service import FileService


def test_upload_resumes_after_restart(tmp_path: Path) -> None:
    (tmp_path / "ws").mkdir()
    data = bytes(range(256)) * 40
    # Given an upload that received its first half, when the server process goes away
    first = FileService.for_folder(tmp_path / "ws", tmp_path / "data")
    upload = first.start_upload(CreateUpload(root="workspace", path="a.bin", size=len(data)))
    first.receive_chunk(upload.id, 0, data[:5000])
    first.close()
    # Then a new service on the same data dir resumes it at the same offset
    second = FileService.for_folder(tmp_path / "ws", tmp_path / "data")
    resumed = second.start_upload(CreateUpload(root="workspace", path="a.bin", size=len(data)))
    assert (resumed.id, resumed.offset) == (upload.id, 5000)
    assert not (tmp_path / "ws" / "a.bin").exists()
    done = second.receive_chunk(resumed.id, 5000, data[5000:])
    assert done.state.value == "complete" and (tmp_path / "ws" / "a.bin").read_bytes() == data
    second.close()


def test_a_task_running_at_a_crash_is_reported_interrupted(tmp_path: Path) -> None:
    (tmp_path / "ws").mkdir()
    tasks = tmp_path / "data" / "tasks"
    tasks.mkdir(parents=True)
    record = {"id": "a" * 32, "kind": "convert_to_cog", "root": "workspace", "path": "x.tif",
              "status": "running", "progress": 0.4, "created": "2026-01-01T00:00:00+00:00"}  # fmt: skip
    (tasks / f"{'a' * 32}.json").write_text(json.dumps(record))
    service = FileService.for_folder(tmp_path / "ws", tmp_path / "data")
    task = service.tasks.get("a" * 32)
    assert task.status == TaskStatus.failed and "interrupted" in task.message
    service.close()
