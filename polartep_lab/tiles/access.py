"""What the tiler may read: files below the workspace/data roots and http(s) URLs, nothing else.

titiler's ``?url=`` would otherwise open any path the server process can read (``/etc/passwd``,
``/proc/self/environ``) or any GDAL virtual file system (``/vsicurl/http://169.254.169.254/…``).
Every source goes through :func:`allowed_source` before a reader opens it.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..core.errors import Forbidden, Invalid, NotFound
from ..core.http import OutboundPolicy
from ..core.paths import resolve_within

#: environment variable that carries the allowed roots to the tiler process (os.pathsep-separated)
ROOTS_ENV = "POLARTEP_TILER_ROOTS"


@dataclass
class SourcePolicy:
    """Allowed local roots (first one = where relative paths resolve) and the outbound policy."""

    roots: Sequence[Path]
    outbound: OutboundPolicy = field(default_factory=OutboundPolicy)

    @classmethod
    def from_env(cls) -> SourcePolicy:
        raw = os.environ.get(ROOTS_ENV, "")
        roots = [Path(p).resolve() for p in raw.split(os.pathsep) if p.strip()]
        allowed = [h for h in os.environ.get("POLARTEP_TILER_ALLOWED_HOSTS", "").split(",") if h]
        return cls(roots, OutboundPolicy(allowed))


def allowed_source(url: str, policy: SourcePolicy) -> str:
    """The path or URL a reader may open for ``url``; raise Forbidden/NotFound/Invalid otherwise.

    ``url`` is an http(s) URL, a ``file://`` URL or path below a root, or a path relative to the
    first root (the workspace). GDAL virtual paths (``/vsi…``) and other schemes are refused.
    """
    url = url.strip()
    if not url:
        raise Invalid("url is empty", "bad_url")
    if "\x00" in url:
        raise Invalid("url contains a NUL byte", "bad_url")
    scheme = urlsplit(url).scheme.lower()
    if scheme in ("http", "https"):
        policy.outbound.check(url)
        return url
    if scheme == "file":
        url = unquote(urlsplit(url).path)
    elif scheme and len(scheme) > 1:  # a one-letter "scheme" would be a Windows drive
        raise Forbidden(f"the tiler reads workspace files and http(s) URLs, not {scheme}: URLs", "bad_scheme")
    if url.lstrip("/").lower().startswith("vsi"):
        raise Forbidden("GDAL virtual file systems are not allowed in url", "bad_scheme")
    return str(_local_path(url, policy.roots))


def _local_path(path: str, roots: Sequence[Path]) -> Path:
    if not roots:
        raise Forbidden("the tiler has no workspace roots: only http(s) URLs are allowed", "no_roots")
    if path.startswith("/"):
        target = Path(path).resolve()
        for root in roots:
            if target == root or root in target.parents:
                return _existing(target, path)
        raise Forbidden(f"{path} is outside the workspace and data folders", "path_escape")
    return _existing(resolve_within(roots[0], path), path)


def _existing(target: Path, shown: str) -> Path:
    if not target.is_file():
        raise NotFound(f"no such file in the workspace: {shown}", "no_file")
    return target
