"""Process trees: find and kill a job's process, its kernel and every child they started."""

from __future__ import annotations

import contextlib
import os
import signal

import psutil


def identity(pid: int) -> str:
    """``pid:create_time`` — tells a live process from a later one that reused its pid."""
    try:
        return f"{pid}:{psutil.Process(pid).create_time():.3f}"
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return f"{pid}:gone"


def is_alive(ident: str | None) -> bool:
    if not ident or ":" not in ident:
        return False
    pid, _ = ident.split(":", 1)
    try:
        return identity(int(pid)) == ident and psutil.Process(int(pid)).status() != psutil.STATUS_ZOMBIE
    except (ValueError, psutil.NoSuchProcess, psutil.AccessDenied):
        return False


def kill_tree(pid: int | None, timeout: float = 5.0) -> list[int]:
    """SIGKILL ``pid``, its descendants and the members of its process group; return killed pids."""
    if not pid:
        return []
    try:
        root = psutil.Process(pid)
    except psutil.NoSuchProcess:
        return []
    victims = {root.pid: root}
    with contextlib.suppress(psutil.Error):
        for child in root.children(recursive=True):
            victims[child.pid] = child
    # kernels run in their own session: catch grandchildren that were re-parented away
    with contextlib.suppress(OSError):
        pgid = os.getpgid(pid)
        if pgid == pid:
            for proc in psutil.process_iter(["pid"]):
                with contextlib.suppress(OSError, psutil.Error):
                    if os.getpgid(proc.pid) == pgid:
                        victims[proc.pid] = proc
    victims.pop(os.getpid(), None)
    for proc in victims.values():
        with contextlib.suppress(psutil.Error):
            proc.send_signal(signal.SIGKILL)
    psutil.wait_procs(list(victims.values()), timeout=timeout)
    return sorted(victims)
