"""Files benchmark, one run against a real `jupyter server` with the extension:

1. listing a folder of 10,000 files through the REST API versus `os.scandir` + stat (ratio);
2. uploading one large file through the chunked upload API versus a local `cp` (throughput
   ratio), and the server's peak RSS growth during the upload (target < 200 MB).

    python benchmarks/files.py                 # 2 GiB upload, as the issue asks
    python benchmarks/files.py --size-mb 256   # lighter, on a shared machine
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

CHUNK = 8 * 1024 * 1024


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


class Server:
    def __init__(self, root: Path, data: Path) -> None:
        self.port, self.token = free_port(), secrets.token_hex(16)
        self.log = (data / "server.log").open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "jupyter", "server", "--no-browser", "--allow-root",
             "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}", "--ServerApp.port_retries=0",
             f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={root}",
             f"--PolarTEP.data_dir={data}", "--PolarTEP.max_upload_bytes=0"],
            stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 90
        while True:
            try:
                self.call("GET", "polartep/api/files/roots")
                return
            except OSError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise RuntimeError("server did not start") from None
                time.sleep(0.3)

    def call(self, method: str, path: str, body: bytes | None = None, ctype: str = "application/json") -> Any:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/{path}", data=body, method=method,
            headers={"Authorization": f"token {self.token}", "Content-Type": ctype},
        )  # fmt: skip
        with urllib.request.urlopen(request, timeout=600) as response:
            return json.loads(response.read())

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=20)


def best_of(n: int, fn) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--size-mb", type=int, default=2048)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="polartep-bench-") as tmp:
        root, data = Path(tmp) / "root", Path(tmp) / "data"
        (root / "many").mkdir(parents=True)
        data.mkdir()
        for i in range(args.files):
            (root / "many" / f"scene_{i:05d}.tif").write_bytes(b"")
        server = Server(root, data)
        try:
            # 1. listing
            def scandir() -> None:
                entries = [(e.name, e.stat().st_size, e.stat().st_mtime) for e in os.scandir(root / "many")]
                assert len(entries) == args.files

            def api() -> None:
                listing = server.call("GET", "polartep/api/files/workspace/many")
                assert len(listing["entries"]) == args.files  # type: ignore[index]

            ref, ours = best_of(3, scandir), best_of(3, api)
            print(f"listing {args.files} files: os.scandir+stat {ref * 1000:.1f} ms, "
                  f"API {ours * 1000:.1f} ms, ratio {ours / ref:.1f}x")  # fmt: skip

            # 2. upload
            size = args.size_mb * 1024 * 1024
            source = Path(tmp) / "big.bin"
            with source.open("wb") as fh:
                block = os.urandom(CHUNK)
                for _ in range(size // CHUNK):
                    fh.write(block)
            start = time.perf_counter()
            subprocess.run(["cp", str(source), str(Path(tmp) / "copy.bin")], check=True)
            cp_seconds = time.perf_counter() - start
            (Path(tmp) / "copy.bin").unlink()

            base_rss = rss_bytes(server.proc.pid)
            peak = [base_rss]
            done = threading.Event()

            def sample() -> None:
                while not done.is_set():
                    peak[0] = max(peak[0], rss_bytes(server.proc.pid))
                    time.sleep(0.05)

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            start = time.perf_counter()
            body = json.dumps({"root": "workspace", "path": "big.bin", "size": size}).encode()
            upload = server.call("POST", "polartep/api/files/uploads", body)
            with source.open("rb") as fh:
                offset = 0
                while chunk := fh.read(CHUNK):
                    upload = server.call(
                        "PUT", f"polartep/api/files/uploads/{upload['id']}?offset={offset}",  # type: ignore[index]
                        chunk, "application/octet-stream",
                    )  # fmt: skip
                    offset += len(chunk)
            api_seconds = time.perf_counter() - start
            done.set()
            sampler.join()
            assert upload["state"] == "complete", upload  # type: ignore[index]
            assert (root / "big.bin").stat().st_size == size
            mb = size / 1024 / 1024
            print(f"upload {mb:.0f} MB: cp {mb / cp_seconds:.0f} MB/s, API {mb / api_seconds:.0f} MB/s, "
                  f"ratio {cp_seconds / api_seconds:.2f} (API/cp throughput)")  # fmt: skip
            growth = (peak[0] - base_rss) / 1024 / 1024
            print(f"server peak RSS growth during upload: {growth:.0f} MB (target < 200 MB)")
        finally:
            server.stop()
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
