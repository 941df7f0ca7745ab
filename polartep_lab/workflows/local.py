"""The embedded backend: the local executor with run records on disk."""

from __future__ import annotations

import json
import secrets
import string
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from ..core.errors import Conflict, Invalid, NotFound
from .executor import Run, now
from .pods import PodSettings
from .service import set_author
from .store import RunStore, check_name

INTERRUPTED = "interrupted: the Jupyter server stopped while this run was in progress"
FINISHED = ("Succeeded", "Failed", "Error")


def _suffix() -> str:
    return "".join(secrets.choice(string.ascii_lowercase + string.digits) for _ in range(5))


class LocalBackend:
    """Runs workflows in threads of the server process; each step is a real child process."""

    kind = "local"

    def __init__(self, data_dir: Path, settings: PodSettings, parallelism: int = 4) -> None:
        self.store = RunStore(data_dir / "runs")
        self.settings = settings
        self.slots = threading.Semaphore(max(1, parallelism))
        self.parallelism = parallelism
        self.active: dict[str, Run] = {}
        self.threads: dict[str, threading.Thread] = {}
        self.lock = threading.Lock()
        self.interrupted = self.store.mark_interrupted(INTERRUPTED)

    # ---- submit and run ------------------------------------------------------------------
    def submit(self, manifest: dict[str, Any]) -> dict[str, Any]:
        workflow = json.loads(json.dumps(manifest))
        meta = workflow.setdefault("metadata", {})
        with self.lock:
            name = meta.get("name")
            if name:
                check_name(name)
                if self.store.exists(name):
                    raise Conflict(f"a workflow run named {name!r} already exists", "exists")
            else:
                prefix = meta.pop("generateName", None) or "workflow-"
                name = prefix + _suffix()
                while self.store.exists(name):
                    name = prefix + _suffix()
                check_name(name)
            meta.pop("generateName", None)
            meta.update(name=name, namespace="local", uid=str(uuid.uuid4()), creationTimestamp=now())
            meta.setdefault("labels", {})["workflows.argoproj.io/phase"] = "Pending"
            workflow["status"] = {"phase": "Pending", "nodes": {}, "progress": "0/0"}
            self.store.save(workflow)
        self._start(workflow)
        return workflow

    def _start(self, workflow: dict[str, Any], reuse: dict[str, dict[str, Any]] | None = None) -> None:
        name = workflow["metadata"]["name"]
        run = Run(workflow, self.store.folder(name), self.settings, self._save, self.slots, reuse)
        thread = threading.Thread(target=self._execute, args=(run,), name=f"workflow-{name}", daemon=True)
        with self.lock:
            self.active[name] = run
            self.threads[name] = thread
        thread.start()

    def _save(self, workflow: dict[str, Any]) -> None:
        phase = (workflow.get("status") or {}).get("phase", "")
        workflow["metadata"].setdefault("labels", {})["workflows.argoproj.io/phase"] = phase
        if self.store.folder(workflow["metadata"]["name"]).is_dir():
            self.store.save(workflow)

    def _execute(self, run: Run) -> None:
        try:
            run.execute()
        finally:
            with self.lock:
                self.active.pop(run.name, None)
                self.threads.pop(run.name, None)

    # ---- read ----------------------------------------------------------------------------
    def get(self, name: str) -> dict[str, Any]:
        with self.lock:
            run = self.active.get(name)
        if run is not None:
            with run.lock:
                return json.loads(json.dumps(run.workflow))  # type: ignore[no-any-return]
        return self.store.load(name)

    def list(self) -> list[dict[str, Any]]:
        with self.lock:
            live = set(self.active)
        return [
            self.get(w["metadata"]["name"]) if w["metadata"]["name"] in live else w for w in self.store.all()
        ]

    def logs(self, name: str, node: str | None = None) -> str:
        workflow = self.get(name)
        nodes = workflow.get("status", {}).get("nodes", {})
        folder = self.store.folder(name) / "logs"
        if node:
            found = nodes.get(node) or next((n for n in nodes.values() if n["name"] == node), None)
            if found is None:
                raise NotFound(f"run {name!r} has no node {node!r}", "no_node")
            return self._mask(self._node_log(folder, found["id"]))
        parts = []
        for n in sorted(nodes.values(), key=lambda n: n.get("startedAt", "")):
            if n["type"] == "Pod":
                text = self._node_log(folder, n["id"])
                parts += [f"{n['displayName']}: {line}" for line in text.splitlines()]
        return self._mask("\n".join(parts) + ("\n" if parts else ""))

    def _mask(self, text: str) -> str:
        return self.settings.mask(text)

    @staticmethod
    def _node_log(folder: Path, nid: str) -> str:
        out = folder / f"{nid}.log"
        err = folder / f"{nid}.err"
        text = out.read_text(encoding="utf-8", errors="replace") if out.exists() else ""
        if err.exists() and err.stat().st_size:
            text += err.read_text(encoding="utf-8", errors="replace")
        return text

    def artifact(self, name: str, node: str, artifact: str) -> Path:
        """The stored file of an output artifact (node id or name)."""
        nodes = self.get(name).get("status", {}).get("nodes", {})
        found = nodes.get(node) or next((n for n in nodes.values() if n["name"] == node), None)
        names = [a["name"] for a in ((found or {}).get("outputs") or {}).get("artifacts") or []]
        if found is None or artifact not in names:
            raise NotFound(f"run {name!r} has no artifact {artifact!r} on node {node!r}", "no_artifact")
        path = self.store.folder(name) / "artifacts" / found["id"] / artifact
        if not path.is_file():
            raise Invalid(
                f"artifact {artifact!r} is a folder: download its files from the workspace", "folder"
            )
        return path

    def wait(self, name: str, timeout: float = 600) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                thread = self.threads.get(name)
            if thread is None:
                return self.get(name)
            thread.join(timeout=0.2)
        return self.get(name)

    # ---- actions -------------------------------------------------------------------------
    def _running(self, name: str, verb: str) -> Run:
        with self.lock:
            run = self.active.get(name)
        if run is None:
            phase = self.store.load(name).get("status", {}).get("phase")
            raise Conflict(f"cannot {verb} run {name!r}: it is {phase}", "finished")
        return run

    def stop(self, name: str) -> dict[str, Any]:
        self._running(name, "stop").cancel("Stopped with strategy 'Stop'", stop_only=True)
        return self.get(name)

    def terminate(self, name: str) -> dict[str, Any]:
        self._running(name, "terminate").cancel("Stopped with strategy 'Terminate'")
        return self.get(name)

    def retry(self, name: str) -> dict[str, Any]:
        workflow = self.store.load(name)
        with self.lock:
            busy = name in self.active
        phase = workflow.get("status", {}).get("phase")
        if busy or phase not in ("Failed", "Error"):
            raise Conflict(f"only failed runs can be retried; {name!r} is {phase}", "not_failed")
        nodes = workflow["status"].get("nodes", {})
        reuse = {n["name"]: n for n in nodes.values() if n["type"] == "Pod" and n["phase"] == "Succeeded"}
        workflow["status"] = {
            "phase": "Pending",
            "nodes": {},
            "startedAt": workflow["status"].get("startedAt"),
        }
        self.store.save(workflow)
        self._start(workflow, reuse)
        return workflow

    def resubmit(self, name: str, author: str | None = None) -> dict[str, Any]:
        """A new run of ``name``'s manifest; ``author`` (when given) replaces the original one."""
        old = self.store.load(name)
        manifest = {k: v for k, v in old.items() if k != "status"}
        labels = {k: v for k, v in (old["metadata"].get("labels") or {}).items() if "argoproj.io" not in k}
        manifest["metadata"] = {
            "generateName": name.rstrip("-") + "-",
            "labels": {**labels, "workflows.argoproj.io/resubmitted-from-workflow": name},
            **({"annotations": old["metadata"]["annotations"]} if old["metadata"].get("annotations") else {}),
        }
        if author is not None:
            set_author(manifest, author)
        return self.submit(manifest)

    def delete(self, name: str) -> None:
        with self.lock:
            run = self.active.get(name)
        if run is not None:
            run.cancel("Stopped with strategy 'Terminate'")
            self.wait(name, timeout=30)
        self.store.delete(name)

    def close(self) -> None:
        with self.lock:
            runs = list(self.active.values())
        for run in runs:
            run.cancel(INTERRUPTED)
        for run in runs:
            self.wait(run.name, timeout=10)
