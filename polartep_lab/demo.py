"""Prepare a demo workspace: `python -m polartep_lab.demo <folder>` (used by `make lab`).

Each feature may seed demo data through its ``Feature.demo`` hook. Idempotent: existing files are
left as they are, so a user's work in the demo workspace is never overwritten.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from .core.features import discover
from .examples.service import EXAMPLES_DIR


def seed_examples(workspace: Path) -> list[str]:
    created = []
    folder = workspace / "examples"
    folder.mkdir(parents=True, exist_ok=True)
    for source in sorted(EXAMPLES_DIR.glob("*.ipynb")):
        dest = folder / source.name
        if not dest.exists():
            shutil.copyfile(source, dest)
            created.append(dest.relative_to(workspace).as_posix())
    return created


def prepare(workspace: Path) -> list[str]:
    workspace.mkdir(parents=True, exist_ok=True)
    created = seed_examples(workspace)
    for feature in discover():
        if feature.demo is not None:
            created.extend(feature.demo(workspace))
    return created


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("workspace", type=Path, help="the folder JupyterLab will serve")
    args = parser.parse_args(argv)
    created = prepare(args.workspace)
    print(f"demo workspace {args.workspace}: {len(created)} new file(s)")
    for path in created:
        print(f"  + {path}")


if __name__ == "__main__":
    main()
