"""The workflows service: lint, submit and follow Argo Workflow manifests, locally or on Argo.

The API the REST face, the ``%%workflow`` magic, the Python API and the jobs feature share:
``submit(manifest, parameters) -> run``, ``get(name)``, ``list()``, ``cancel(name)``,
``logs(name, node)``, plus workflow files and templates of the workspace.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Protocol

from ..core.errors import Invalid, NotFound
from ..core.identity import Identity
from ..core.paths import atomic_write, resolve_within
from . import manifest as mf

SKIP_DIRS = {"node_modules", "__pycache__", ".git", ".venv", "venv", ".ipynb_checkpoints", "site-packages"}
MAX_FILES = 500
#: who submitted a run: a label (sanitized, to select by) and an annotation (the exact name)
AUTHOR_LABEL = "polartep.eox.at/author"
_LABEL_INVALID = re.compile(r"[^A-Za-z0-9_.-]+")


def label_value(text: str) -> str:
    """``text`` as a valid Kubernetes label value: ``[A-Za-z0-9_.-]``, at most 63 characters,
    starting and ending alphanumeric (``alice@eox.at`` -> ``alice_eox.at``); may be empty."""
    value = _LABEL_INVALID.sub("_", text)[:63]
    return re.sub(r"^[^A-Za-z0-9]+|[^A-Za-z0-9]+$", "", value)


def author_of(workflow: dict[str, Any]) -> str:
    meta = workflow.get("metadata") or {}
    exact = (meta.get("annotations") or {}).get(AUTHOR_LABEL)
    return str(exact or (meta.get("labels") or {}).get(AUTHOR_LABEL) or "")


def set_author(manifest: dict[str, Any], name: str) -> dict[str, Any]:
    """Stamp ``name`` into the manifest's metadata (label + annotation), in Argo's own shape."""
    meta = manifest.setdefault("metadata", {})
    meta["labels"] = {**(meta.get("labels") or {}), AUTHOR_LABEL: label_value(name)}
    meta["annotations"] = {**(meta.get("annotations") or {}), AUTHOR_LABEL: name}
    return manifest


class Backend(Protocol):
    kind: str

    def submit(self, manifest: dict[str, Any]) -> dict[str, Any]: ...
    def get(self, name: str) -> dict[str, Any]: ...
    def list(self) -> list[dict[str, Any]]: ...
    def delete(self, name: str) -> None: ...
    def stop(self, name: str) -> dict[str, Any]: ...
    def terminate(self, name: str) -> dict[str, Any]: ...
    def retry(self, name: str) -> dict[str, Any]: ...
    def resubmit(self, name: str) -> dict[str, Any]: ...
    def logs(self, name: str, node: str | None = None) -> str: ...


def summary(workflow: dict[str, Any], backend: str) -> dict[str, Any]:
    meta = workflow.get("metadata") or {}
    status = workflow.get("status") or {}
    spec = workflow.get("spec") or {}
    return {
        "name": meta.get("name"),
        "backend": backend,
        "phase": status.get("phase") or "Pending",
        "message": status.get("message", ""),
        "progress": status.get("progress", ""),
        "createdAt": meta.get("creationTimestamp"),
        "startedAt": status.get("startedAt"),
        "finishedAt": status.get("finishedAt"),
        "entrypoint": spec.get("entrypoint"),
        "source": (meta.get("annotations") or {}).get("polartep.io/source", ""),
        "author": author_of(workflow),
    }


class WorkflowService:
    def __init__(
        self,
        backends: dict[str, Backend],
        default_backend: str,
        root_dir: Path,
        identity: Identity | None = None,
    ) -> None:
        if default_backend not in backends:
            raise Invalid(f"workflows backend {default_backend!r} is not configured", "no_backend")
        self.backends = backends
        self.default_backend = default_backend
        self.root_dir = root_dir
        #: who submits runs: the hub user under JupyterHub, else the OS user
        self.identity = identity or Identity()

    def author(self) -> str:
        return self.identity.current().name

    def backend(self, name: str | None = None) -> Backend:
        key = name or self.default_backend
        if key not in self.backends:
            configured = ", ".join(self.backends)
            raise Invalid(f"backend {key!r} is not configured (configured: {configured})", "no_backend")
        return self.backends[key]

    # ---- manifests -----------------------------------------------------------------------
    def lint(self, manifest: dict[str, Any] | None = None, yaml_text: str | None = None) -> dict[str, Any]:
        """Schema + semantic checks without running; problems carry JSON paths."""
        if manifest is None:
            try:
                manifest = mf.parse(yaml_text or "")
            except mf.ManifestError as exc:
                return {"valid": False, "problems": [p.as_dict() for p in exc.problems], "manifest": None}
        problems = mf.problems_of(manifest)
        return {
            "valid": not problems,
            "problems": [p.as_dict() for p in problems],
            "manifest": manifest,
            "yaml": mf.dump(manifest),
        }

    def load(self, source: dict[str, Any] | str) -> dict[str, Any]:
        """A manifest mapping, or a workspace path (YAML/JSON file) -> the manifest."""
        if isinstance(source, dict):
            return source
        path = resolve_within(self.root_dir, source)
        if not path.is_file():
            raise NotFound(f"no workflow file {source!r} in the workspace", "no_file")
        return mf.parse(path.read_text(encoding="utf-8"))

    def prepare(
        self, source: dict[str, Any] | str, parameters: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        manifest = self.load(source)
        mf.check(manifest)
        if manifest.get("kind") in ("WorkflowTemplate", "ClusterWorkflowTemplate"):
            manifest = as_workflow(manifest)
        manifest = mf.apply_parameters(manifest, parameters)
        mf.check(manifest, require_arguments=True)
        if isinstance(source, str):
            meta = manifest.setdefault("metadata", {})
            meta.setdefault("annotations", {})["polartep.io/source"] = source
        return set_author(manifest, self.author())

    # ---- runs ----------------------------------------------------------------------------
    def submit(
        self,
        source: dict[str, Any] | str,
        parameters: dict[str, Any] | None = None,
        backend: str | None = None,
    ) -> dict[str, Any]:
        """Validate (schema, references, cycles, parameters) then start the run; returns the Workflow."""
        manifest = self.prepare(source, parameters)
        return self.backend(backend).submit(manifest)

    def _find(self, name: str, backend: str | None) -> tuple[str, Backend]:
        if backend:
            return backend, self.backend(backend)
        order = [self.default_backend, *[b for b in self.backends if b != self.default_backend]]
        last: NotFound | None = None
        for key in order:
            try:
                self.backends[key].get(name)
                return key, self.backends[key]
            except NotFound as exc:
                last = exc
        raise last or NotFound(f"no workflow run {name!r}", "no_run")

    def get(self, name: str, backend: str | None = None) -> dict[str, Any]:
        return self._find(name, backend)[1].get(name)

    def list(self, backend: str | None = None) -> list[dict[str, Any]]:
        keys = [backend] if backend else list(self.backends)
        runs = []
        for key in keys:
            runs += [summary(w, key) for w in self.backend(key).list()]
        return sorted(runs, key=lambda r: r.get("createdAt") or "", reverse=True)

    def cancel(self, name: str, strategy: str = "stop", backend: str | None = None) -> dict[str, Any]:
        return self.action(name, strategy, backend)

    def action(self, name: str, verb: str, backend: str | None = None) -> dict[str, Any]:
        if verb not in ("stop", "terminate", "retry", "resubmit"):
            raise Invalid(f"unknown action {verb!r}: stop, terminate, retry or resubmit", "bad_action")
        key, target = self._find(name, backend)
        if verb == "resubmit" and key == "local":  # a new run, authored by whoever resubmits it
            return target.resubmit(name, author=self.author())  # type: ignore[call-arg]
        return getattr(target, verb)(name)  # type: ignore[no-any-return]

    def delete(self, name: str, backend: str | None = None) -> None:
        self._find(name, backend)[1].delete(name)

    def logs(self, name: str, node: str | None = None, backend: str | None = None) -> str:
        return self._find(name, backend)[1].logs(name, node)

    def artifact(self, name: str, node: str, artifact: str) -> Path:
        """An output artifact of a local run, as a file."""
        local = self.backends.get("local")
        if local is None:
            raise NotFound("artifacts are stored for local runs only", "not_local")
        return local.artifact(name, node, artifact)  # type: ignore[attr-defined,no-any-return]

    def wait(self, name: str, timeout: float = 600) -> dict[str, Any]:
        local = self.backends.get("local")
        if local is None:
            raise Invalid("waiting is only available for local runs", "not_local")
        return local.wait(name, timeout)  # type: ignore[attr-defined,no-any-return]

    # ---- files and templates -------------------------------------------------------------
    def files(self) -> list[dict[str, Any]]:
        """Workflow manifests in the workspace: ``*.workflow.yaml`` or YAML with an Argo kind."""
        found: list[dict[str, Any]] = []
        for folder, dirs, names in os.walk(self.root_dir):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIP_DIRS)
            for name in sorted(names):
                if not name.endswith((".yaml", ".yml")) or name.startswith("."):
                    continue
                path = Path(folder) / name
                info = _describe_file(path, self.root_dir)
                if info:
                    found.append(info)
                if len(found) >= MAX_FILES:
                    return found
        return found

    def read_file(self, path: str) -> dict[str, Any]:
        file = resolve_within(self.root_dir, path)
        if not file.is_file():
            raise NotFound(f"no workflow file {path!r}", "no_file")
        text = file.read_text(encoding="utf-8")
        result = self.lint(yaml_text=text)
        result.update(path=path, yaml=text)
        return result

    def save_file(
        self, path: str, manifest: dict[str, Any] | None = None, yaml_text: str | None = None
    ) -> dict[str, Any]:
        """Write a manifest (validated first; an invalid one never replaces the file)."""
        if not path.endswith((".yaml", ".yml")):
            raise Invalid("workflow files end in .yaml or .yml", "bad_name")
        file = resolve_within(self.root_dir, path)
        if manifest is None:
            manifest = mf.parse(yaml_text or "")
        mf.check(manifest)
        text = yaml_text if yaml_text is not None else mf.dump(manifest)
        atomic_write(file, text.encode("utf-8"))
        return self.read_file(path)

    def templates(self, backend: str | None = None) -> list[dict[str, Any]]:
        key = backend or self.default_backend
        if key == "argo":
            return [_template_info(t, "", "argo") for t in self.backend("argo").templates()]  # type: ignore[attr-defined]
        out = []
        for info in self.files():
            if info["kind"] == "WorkflowTemplate":
                manifest = self.load(info["path"])
                out.append(_template_info(manifest, info["path"], "local"))
        return out

    def submit_template(
        self, name: str, parameters: dict[str, Any] | None = None, backend: str | None = None
    ) -> dict[str, Any]:
        key = backend or self.default_backend
        if key == "argo":
            params = {k: str(v) for k, v in (parameters or {}).items()}
            argo = self.backend("argo")
            return argo.submit_template(name, params, author=self.author())  # type: ignore[attr-defined,no-any-return]
        for info in self.templates("local"):
            if info["name"] == name:
                return self.submit(info["path"], parameters, "local")
        raise NotFound(f"no WorkflowTemplate named {name!r} in the workspace", "no_template")

    def processes(self) -> list[dict[str, Any]]:
        """EOX convention: templates whose entrypoint is ``execute`` are OGC API processes."""
        processes = []
        for info in self.templates():
            if info["entrypoint"] != "execute":
                continue
            processes.append(
                {
                    "id": info["name"],
                    "title": info["description"] or info["name"],
                    "version": "1.0.0",
                    "inputs": {
                        p["name"]: {"title": p["name"], "schema": {"type": "string"}}
                        for p in info["parameters"]
                    },
                    "outputs": {},
                }
            )
        return processes


def as_workflow(template: dict[str, Any]) -> dict[str, Any]:
    meta = template.get("metadata") or {}
    return {
        "apiVersion": template.get("apiVersion", "argoproj.io/v1alpha1"),
        "kind": "Workflow",
        "metadata": {
            "generateName": f"{meta.get('name', 'template')}-",
            "labels": {"workflows.argoproj.io/workflow-template": str(meta.get("name", ""))},
        },
        "spec": dict(template.get("spec") or {}),
    }


def _template_info(template: dict[str, Any], path: str, backend: str) -> dict[str, Any]:
    meta = template.get("metadata") or {}
    spec = template.get("spec") or {}
    entry = next((t for t in spec.get("templates") or [] if t.get("name") == spec.get("entrypoint")), {})
    params = (spec.get("arguments") or {}).get("parameters") or []
    params += [p for p in (entry.get("inputs") or {}).get("parameters") or [] if p not in params]
    return {
        "name": meta.get("name"),
        "path": path,
        "backend": backend,
        "entrypoint": spec.get("entrypoint"),
        "description": (meta.get("annotations") or {}).get("workflows.argoproj.io/description", "").strip(),
        "parameters": [{"name": p.get("name"), "value": p.get("value", p.get("default"))} for p in params],
    }


def _describe_file(path: Path, root: Path) -> dict[str, Any] | None:
    try:
        if path.stat().st_size > 1_000_000:
            return None
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    named = path.name.endswith((".workflow.yaml", ".workflow.yml"))
    if not named and "argoproj.io" not in text:
        return None
    try:
        data = mf.parse(text)
    except mf.ManifestError:
        data = {}
    kind = data.get("kind")
    if not named and kind not in mf.KINDS:
        return None
    meta = data.get("metadata") or {}
    params = ((data.get("spec") or {}).get("arguments") or {}).get("parameters") or []
    return {
        "path": path.relative_to(root).as_posix(),
        "kind": kind or "",
        "name": meta.get("name") or meta.get("generateName") or path.stem,
        "parameters": [
            {"name": p.get("name"), "value": p.get("value")} for p in params if isinstance(p, dict)
        ],
    }
