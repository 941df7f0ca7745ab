"""Test support for environments: tiny pure-Python wheels made on the spot (no network needed)."""

from __future__ import annotations

import base64
import hashlib
import zipfile
from pathlib import Path

PACKAGE = "polar-bear-counter"
MODULE = "polar_bear_counter"


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def make_wheel(folder: Path, version: str, package: str = PACKAGE, module: str = MODULE) -> Path:
    """A valid py3-none-any wheel whose module reports its version: `<module>.VERSION`."""
    folder.mkdir(parents=True, exist_ok=True)
    dist = f"{module}-{version}.dist-info"
    files = {
        f"{module}/__init__.py": f'VERSION = "{version}"\n\ndef count(n):\n    return n * 2\n'.encode(),
        f"{dist}/METADATA": f"Metadata-Version: 2.1\nName: {package}\nVersion: {version}\n".encode(),
        f"{dist}/WHEEL": b"Wheel-Version: 1.0\nGenerator: polartep-tests\nRoot-Is-Purelib: true\n"
        b"Tag: py3-none-any\n",
    }
    record = [_record_line(n, d) for n, d in files.items()] + [f"{dist}/RECORD,,"]
    files[f"{dist}/RECORD"] = ("\n".join(record) + "\n").encode()
    path = folder / f"{module}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return path


def spec_text(
    name: str, version: str | None, extra_pip: list[str] | None = None, python: str = "3.11"
) -> str:
    pin = f"{PACKAGE}=={version}" if version else PACKAGE
    pip = "".join(f"      - {p}\n" for p in [pin, *(extra_pip or [])])
    return f"name: {name}\nchannels:\n  - conda-forge\ndependencies:\n  - python={python}\n  - pip:\n{pip}"
