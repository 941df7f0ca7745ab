"""An environment's specification in conda's `environment.yml` form: parse, check, compare.

Pure logic (no I/O): the service and both backends use it; unit tests cover it directly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from packaging.requirements import InvalidRequirement, Requirement

from ..core.errors import Invalid

#: conda-store's rule for namespace and environment names (letters, digits, `-`, `_`, `.`).
NAME_RULE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
#: a conda MatchSpec as written in environment.yml: `name`, `name=1.2`, `name>=1,<2`, `chan::name 1.*`
_CONDA_DEP = re.compile(
    r"^(?:(?P<channel>[A-Za-z0-9_./-]+)::)?(?P<name>[A-Za-z0-9_][A-Za-z0-9_.-]*)"
    r"\s*(?P<version>(?:[=<>!~]=?|\s)\s*[A-Za-z0-9_.*+!=<>,|\s-]*)?$"
)
_PYTHON_VERSION = re.compile(r"^(?:==?)?\s*(?P<v>3(?:\.\d+){0,2})(?:\.\*)?$")
#: packages a venv provides by itself (conda lists them, a venv builder needs nothing for them)
VENV_PROVIDED = frozenset({"python", "pip", "setuptools", "wheel"})
MAX_SPEC_BYTES = 256 * 1024


def check_name(value: str, what: str = "name") -> str:
    if not isinstance(value, str) or not NAME_RULE.match(value):
        raise Invalid(
            f"invalid {what} {value!r}: use 1-64 letters, digits, '.', '_' or '-', starting with a "
            "letter or digit",
            "bad_name",
        )
    return value


@dataclass(frozen=True)
class Dependency:
    name: str  # normalised: lower-case, `_` -> `-`
    text: str  # as written
    version: str  # the version part ("" when unpinned)


@dataclass
class Specification:
    name: str
    channels: list[str] = field(default_factory=list)
    conda: list[Dependency] = field(default_factory=list)
    pip: list[Dependency] = field(default_factory=list)
    variables: dict[str, str] = field(default_factory=dict)
    text: str = ""

    @property
    def python_version(self) -> str | None:
        for dep in self.conda:
            if dep.name == "python" and dep.version:
                match = _PYTHON_VERSION.match(dep.version.strip())
                if not match:
                    raise Invalid(
                        f"python version {dep.version.strip()!r} is not a plain 3.X[.Y] version",
                        "bad_version",
                    )
                return match.group("v")
        return None

    def conda_only(self) -> list[str]:
        """Conda packages a venv builder cannot provide."""
        return [d.text for d in self.conda if d.name not in VENV_PROVIDED]

    def pip_requirements(self) -> list[str]:
        return [d.text for d in self.pip]


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _conda_dependency(text: str) -> Dependency:
    match = _CONDA_DEP.match(text.strip())
    if not match:
        raise Invalid(f"invalid conda package spec {text!r}", "bad_version")
    version = (match.group("version") or "").strip()
    if version and (">>" in version or "<<" in version or "=!" in version or version.endswith((",", "|"))):
        raise Invalid(f"invalid version in conda package spec {text!r}", "bad_version")
    return Dependency(_normalise(match.group("name")), text.strip(), version)


def _pip_dependency(text: str) -> Dependency:
    if text.strip().startswith("-"):
        raise Invalid(f"pip options are not allowed in a specification: {text!r}", "bad_spec")
    try:
        req = Requirement(text)
    except InvalidRequirement as exc:
        raise Invalid(f"invalid pip requirement {text!r}: {exc}", "bad_version") from exc
    if req.url:
        raise Invalid(f"pip requirement {text!r} names a URL: name packages from an index", "bad_spec")
    version = str(req.specifier)
    if req.extras:
        version = "[" + ",".join(sorted(req.extras)) + "]" + version
    return Dependency(_normalise(req.name), text.strip(), version)


def parse(text: str, default_name: str | None = None) -> Specification:
    """Parse and check an environment.yml text; :class:`Invalid` with a clear message otherwise."""
    if len(text.encode()) > MAX_SPEC_BYTES:
        raise Invalid("specification is larger than 256 KiB", "too_large")
    try:
        data: Any = yaml.safe_load(text) if text.strip() else None
    except yaml.YAMLError as exc:
        raise Invalid(f"specification is not valid YAML: {exc}", "bad_yaml") from exc
    if not isinstance(data, dict):
        raise Invalid("specification must be a YAML mapping with name, channels, dependencies", "bad_spec")
    unknown = set(data) - {"name", "channels", "dependencies", "variables", "prefix", "description"}
    if unknown:
        raise Invalid(f"unknown specification keys: {', '.join(sorted(map(str, unknown)))}", "bad_spec")
    name = data.get("name", default_name)
    if name is None:
        raise Invalid("specification has no name", "bad_spec")
    check_name(str(name), "environment name")
    channels = data.get("channels") or []
    if not isinstance(channels, list) or not all(isinstance(c, str) for c in channels):
        raise Invalid("channels must be a list of strings", "bad_spec")
    variables = data.get("variables") or {}
    if not isinstance(variables, dict):
        raise Invalid("variables must be a mapping of names to values", "bad_spec")
    deps = data.get("dependencies") or []
    if not isinstance(deps, list):
        raise Invalid("dependencies must be a list", "bad_spec")
    spec = Specification(
        name=str(name),
        channels=list(channels),
        text=text,
        variables={str(k): str(v) for k, v in variables.items()},
    )
    for dep in deps:
        if isinstance(dep, str):
            spec.conda.append(_conda_dependency(dep))
        elif isinstance(dep, dict) and set(dep) == {"pip"} and isinstance(dep["pip"], list):
            spec.pip.extend(_pip_dependency(str(p)) for p in dep["pip"])
        elif isinstance(dep, int | float):
            raise Invalid(f"invalid conda package spec {dep!r}: write it as a string", "bad_spec")
        else:
            raise Invalid(f"invalid dependency entry {dep!r}: a string or a `pip:` list", "bad_spec")
    spec.python_version  # noqa: B018 - validates the python pin early
    return spec


def render(
    name: str, python: str | None, packages: list[str], pip: list[str], channels: list[str] | None = None
) -> str:
    """An environment.yml text from form fields (the panel's "create from a form")."""
    deps: list[Any] = [f"python={python}"] if python else []
    deps.extend(packages)
    if pip:
        deps.append({"pip": list(pip)})
    doc: dict[str, Any] = {"name": name, "channels": channels or ["conda-forge"], "dependencies": deps}
    return yaml.safe_dump(doc, sort_keys=False)


def diff(old: Specification | None, new: Specification) -> dict[str, Any]:
    """What a rebuild would change: packages added/removed/changed, python, channels, variables."""

    def table(spec: Specification | None) -> dict[str, tuple[str, str]]:
        out: dict[str, tuple[str, str]] = {}
        if spec is None:
            return out
        for kind, deps in (("conda", spec.conda), ("pip", spec.pip)):
            for dep in deps:
                out[f"{kind}:{dep.name}"] = (dep.text, dep.version)
        return out

    before, after = table(old), table(new)
    added = [
        {"kind": k.split(":")[0], "name": k.split(":", 1)[1], "spec": after[k][0]}
        for k in after
        if k not in before
    ]
    removed = [
        {"kind": k.split(":")[0], "name": k.split(":", 1)[1], "spec": before[k][0]}
        for k in before
        if k not in after
    ]
    changed = [
        {"kind": k.split(":")[0], "name": k.split(":", 1)[1], "old": before[k][0], "new": after[k][0]}
        for k in after
        if k in before and before[k][0] != after[k][0]
    ]
    out: dict[str, Any] = {"added": added, "removed": removed, "changed": changed}
    old_channels = old.channels if old else []
    out["channels"] = None if old_channels == new.channels else {"old": old_channels, "new": new.channels}
    old_vars = old.variables if old else {}
    out["variables"] = None if old_vars == new.variables else {"old": old_vars, "new": new.variables}
    out["unchanged"] = not (added or removed or changed or out["channels"] or out["variables"])
    return out
