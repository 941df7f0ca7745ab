"""Tiny notebooks the jobs tests run (a few cells, python3 kernel)."""

from __future__ import annotations

from pathlib import Path

import nbformat


def write_notebook(
    path: Path, *cells: str | tuple[str, list[str]], markdown_title: str | None = None
) -> Path:
    """Each cell is source code, or ``(source, tags)``; returns ``path``."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    if markdown_title:
        nb.cells.append(nbformat.v4.new_markdown_cell(f"# {markdown_title}"))
    for cell in cells:
        source, tags = (cell, []) if isinstance(cell, str) else cell
        code = nbformat.v4.new_code_cell(source)
        if tags:
            code.metadata["tags"] = tags
        nb.cells.append(code)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def greeting_notebook(path: Path) -> Path:
    """Parameters ``name`` (str), ``times`` (int), ``scale`` (float); prints a greeting."""
    return write_notebook(
        path,
        ('name = "world"  # who to greet\ntimes = 1\nscale = 0.5', ["parameters"]),
        'message = f"hello {name} x{times} at {scale}"\nprint(message)',
        "message",
        markdown_title="Greeting",
    )


def sleeping_notebook(path: Path, seconds: float = 120) -> Path:
    """Starts a child process, records its pid, then sleeps: for cancel/timeout/orphan tests."""
    return write_notebook(
        path,
        "import subprocess, sys\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'])\n"
        "print('child', child.pid, flush=True)",
        f"import time\ntime.sleep({seconds})",
        "print('never')",
    )


def failing_notebook(path: Path) -> Path:
    return write_notebook(path, "x = 1", "raise ValueError('the ice is too thin')", "print('after')")


def processes_gone(pids: list[int], timeout: float = 30) -> bool:
    """True once none of ``pids`` is alive (zombies waiting for a reaper count as gone)."""
    import time

    import psutil

    def alive(pid: int) -> bool:
        try:
            return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return False

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not any(alive(p) for p in pids):
            return True
        time.sleep(0.2)
    return False
