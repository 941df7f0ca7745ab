"""Entry point of a job process: ``python -m polartep_lab.jobs.process <jobs.sqlite> <job id>``."""

from __future__ import annotations

import sys
from pathlib import Path


def main() -> int:
    # nbformat imports jsonschema, whose optional URI format checker (rfc3987_syntax) compiles a
    # grammar for seconds at import time; a job process never checks formats, so it is left out.
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
    from .runner import run

    return run(Path(sys.argv[1]), sys.argv[2])


if __name__ == "__main__":
    sys.exit(main())
