"""Servers the tests start in their own process on 127.0.0.1: a free port, waiting until one
answers over HTTP, and stopping it."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable, Mapping
from pathlib import Path

#: servers polled here are local: never through an HTTP proxy of the environment
_LOCAL = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def free_port() -> int:
    """A TCP port on 127.0.0.1 nothing listens on (free when asked; the caller binds it soon)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _tail(log: Path | None) -> str:
    return log.read_text(errors="replace")[-3000:] if log is not None and log.exists() else ""


def wait_for_http(
    url: str,
    timeout: float = 60.0,
    *,
    headers: Mapping[str, str] | None = None,
    process: subprocess.Popen[bytes] | None = None,
    log: Path | None = None,
    name: str = "server",
    on_failure: Callable[[], None] | None = None,
    interval: float = 0.3,
) -> bytes:
    """GET `url` until it answers 2xx, and return the body.

    When `process` exits first or nothing answers in `timeout` seconds, `on_failure` is called (to
    stop what was started) and RuntimeError is raised with the tail of `log`.
    """
    deadline = time.monotonic() + timeout
    while True:
        if process is not None and process.poll() is not None:
            problem = f"{name} exited ({process.returncode})"
            break
        try:
            request = urllib.request.Request(url, headers=dict(headers or {}))
            with _LOCAL.open(request, timeout=min(10.0, timeout)) as response:
                return bytes(response.read())
        except OSError:  # refused, reset, timed out, or an HTTP error status (HTTPError)
            pass
        if time.monotonic() > deadline:
            problem = f"{name} did not answer in {timeout:g} s"
            break
        time.sleep(interval)
    message = f"{problem}:\n{_tail(log)}"  # read before on_failure, which may remove the log
    if on_failure is not None:
        on_failure()
    raise RuntimeError(message)


def stop_process(process: subprocess.Popen[bytes], timeout: float = 20.0) -> None:
    """Terminate `process`, kill it if it has not exited after `timeout` seconds, and reap it."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=timeout)
