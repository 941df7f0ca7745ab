"""Entry point of a job process: ``python -m polartep_lab.jobs.process <jobs.sqlite>``.

The process imports what a job needs first, then reads one line from stdin — ``{"job": id,
"env": {...}}`` — and runs that job. So the dispatcher can start the next job's process ahead of
time (a warm process) and hand it a job the moment one is claimed; every job still gets its own
process. Secrets to inject travel through the pipe, never through a file.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from pathlib import Path


def main() -> int:
    # nbformat imports jsonschema, whose optional URI format checker (rfc3987_syntax) compiles a
    # grammar for seconds at import time; a job process never checks formats, so it is left out.
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
    from .runner import run

    with contextlib.suppress(ImportError):  # imported ahead for the HTML output
        from nbconvert import HTMLExporter  # noqa: F401
    line = sys.stdin.readline()
    if not line.strip():
        return 0  # the dispatcher went away before handing over a job
    order = json.loads(line)
    os.environ.update(order.get("env", {}))
    db_path = Path(sys.argv[1])
    log = os.open(
        db_path.parent / "jobs" / order["job"] / "runner.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644
    )
    os.dup2(log, 1)
    os.dup2(log, 2)
    return run(db_path, order["job"])


if __name__ == "__main__":
    sys.exit(main())
