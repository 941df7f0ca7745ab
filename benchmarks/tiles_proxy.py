"""Tile latency: through the notebook server's proxy vs the tiler directly vs rio-tiler in-process.

`python benchmarks/tiles_proxy.py [--rounds N]` starts a real Jupyter server with the extension on
127.0.0.1, fetches the same tiles (2 concurrent clients) (a) through jupyter-server-proxy at
/polartep/tiles/, (b) from the tiler process directly (on its Unix socket), (c) with rio-tiler
in-process (the floor), for WebMercatorQuad and the EPSG:3413 grid, and prints median / p95
latency, tiles/s and ratios.
"""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from polartep_lab.tiles.grids import registry
from polartep_lab.tiles.samples import ARCTIC_SECTORS, make_samples

#: tiles that hold data of the 60-90°N sample in each grid
TILES = {
    "WebMercatorQuad": [(2, x, y) for x in range(4) for y in (0,)] + [(3, x, 1) for x in range(8)],
    "EPSG3413Quad": [(2, x, y) for x in (1, 2) for y in (1, 2)]
    + [(3, x, y) for x in (2, 5) for y in (2, 5)]
    + [(3, x, y) for x in (3, 4) for y in (3, 4)],
}
PARAMS = {"url": f"data/polar/{ARCTIC_SECTORS}", "rescale": "0,5", "colormap_name": "viridis"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def tiler_socket(server_pid: int) -> str:
    """The Unix socket of the tiler that jupyter-server-proxy started for ``server_pid``."""
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text()
            cmd = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == server_pid and b"polartep_lab.tiles.server" in cmd:
            return cmd[cmd.index(b"--uds") + 1].decode()
    raise RuntimeError("tiler process not found")


Fetch = Callable[[str, tuple[int, int, int]], bytes]


def run_batch(fetch: Fetch, grid: str, latencies: list[float]) -> float:
    """Every tile of ``grid`` once, 2 concurrent clients; returns the wall time."""

    def one(tile: tuple[int, int, int]) -> None:
        start = time.perf_counter()
        body = fetch(grid, tile)
        latencies.append(time.perf_counter() - start)
        assert body[:4] == b"\x89PNG"

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(one, TILES[grid]))
    return time.perf_counter() - start


def measure(paths: dict[str, Fetch], grid: str, rounds: int) -> dict[str, dict[str, float]]:
    """The paths interleaved round by round (rotating which goes first), so that a load change on
    a shared machine hits every path alike instead of biasing whichever ran last."""
    for fetch in paths.values():  # warm caches (GDAL blocks, connections, imports)
        run_batch(fetch, grid, [])
    latencies: dict[str, list[float]] = {name: [] for name in paths}
    wall = dict.fromkeys(paths, 0.0)
    names = list(paths)
    for r in range(rounds):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            wall[name] += run_batch(paths[name], grid, latencies[name])
    out = {}
    for name, values in latencies.items():
        ordered = sorted(values)
        out[name] = {
            "median_ms": 1000 * statistics.median(ordered),
            "p95_ms": 1000 * ordered[int(0.95 * (len(ordered) - 1))],
            "tiles_per_s": len(ordered) / wall[name],
        }
    return out


def overhead(
    client: httpx.Client, proxied: str, tiler: httpx.Client, uds: str, n: int = 200
) -> dict[str, float]:
    """Median latency (ms) of the tiler's tiny health answer: through the proxy, directly over a
    kept-alive connection, and directly over a new connection per request (what
    jupyter-server-proxy does: a new tornado client for every request, no keep-alive)."""

    def fresh() -> None:
        with socket.socket(socket.AF_UNIX) as sock:
            sock.connect(uds)
            sock.sendall(b"GET / HTTP/1.1\r\nHost: tiler\r\nConnection: close\r\n\r\n")
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
        assert answer.startswith(b"HTTP/1.1 200"), answer[:40]

    calls: dict[str, Callable[[], object]] = {
        "proxy": lambda: client.get(proxied).raise_for_status(),
        "direct": lambda: tiler.get("/").raise_for_status(),
        "direct, new connection": fresh,
    }
    timings: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(n):
        for name, call in calls.items():
            start = time.perf_counter()
            call()
            timings[name].append(time.perf_counter() - start)
    return {name: 1000 * statistics.median(values) for name, values in timings.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="polartep-bench-"))
    root = tmp / "root"
    make_samples(root / "data" / "polar")
    port, token = free_port(), secrets.token_hex(16)
    env = {**os.environ, "POLARTEP_DATA_DIR": str(tmp / "data"), "JUPYTER_RUNTIME_DIR": str(tmp / "rt")}
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "server", "--no-browser", "--allow-root",
         "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    headers = {"Authorization": f"token {token}"}
    base = f"http://127.0.0.1:{port}/polartep/tiles"
    try:
        with httpx.Client(headers=headers, timeout=120) as client:
            deadline = time.monotonic() + 120
            while True:
                try:
                    if client.get(f"{base}/").status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("tiler did not start through the proxy")
                time.sleep(0.5)
            uds = tiler_socket(server.pid)
            tiler = httpx.Client(transport=httpx.HTTPTransport(uds=uds), base_url="http://tiler", timeout=120)
            grids = registry()

            def via(http: httpx.Client, prefix: str) -> Callable[[str, tuple[int, int, int]], bytes]:
                def fetch(grid: str, tile: tuple[int, int, int]) -> bytes:
                    z, x, y = tile
                    response = http.get(f"{prefix}/cog/tiles/{grid}/{z}/{x}/{y}.png", params=PARAMS)
                    response.raise_for_status()
                    return response.content

                return fetch

            from rio_tiler.colormap import cmap
            from rio_tiler.io import Reader

            path = str(root / PARAMS["url"])
            viridis = cmap.get("viridis")

            def in_process(grid: str, tile: tuple[int, int, int]) -> bytes:
                z, x, y = tile
                with Reader(path, tms=grids.get(grid)) as src:
                    image = src.tile(x, y, z)
                image.rescale(((0, 5),))
                return image.render(img_format="PNG", colormap=viridis)

            results = {}
            load_before = os.getloadavg()
            for grid in TILES:
                paths = {
                    "proxy": via(client, base),
                    "direct": via(tiler, "http://tiler"),
                    "in-process": in_process,
                }
                for name, r in measure(paths, grid, args.rounds).items():
                    results[(grid, name)] = r
            bare = overhead(client, f"{base}/", tiler, uds)
            tiler.close()
            load_after = os.getloadavg()
    finally:
        server.terminate()
        server.wait(timeout=30)
    before, after = (" ".join(f"{v:.2f}" for v in load) for load in (load_before, load_after))
    print(
        f"load average (1, 5, 15 min) before: {before}, after: {after}, on {os.cpu_count()} cores; "
        f"{args.rounds} interleaved rounds of each grid's tiles, 2 concurrent clients"
    )
    print(f"{'grid':16} {'path':11} {'median ms':>10} {'p95 ms':>8} {'tiles/s':>8}")
    for (grid, name), r in results.items():
        print(f"{grid:16} {name:11} {r['median_ms']:10.1f} {r['p95_ms']:8.1f} {r['tiles_per_s']:8.1f}")
    for grid in TILES:
        proxy, direct_r, floor = (results[(grid, n)] for n in ("proxy", "direct", "in-process"))
        ratio = proxy["median_ms"] / direct_r["median_ms"]
        verdict = "met" if ratio <= 1.10 else "MISSED"
        print(
            f"{grid}: proxy/direct median {ratio:.2f}x (target <= 1.10x: {verdict}), "
            f"p95 {proxy['p95_ms'] / direct_r['p95_ms']:.2f}x, "
            f"tiles/s {proxy['tiles_per_s'] / direct_r['tiles_per_s']:.2f}x of direct; "
            f"direct/in-process median {direct_r['median_ms'] / floor['median_ms']:.2f}x"
        )
    for name in ("proxy", "direct", "in-process"):
        polar, merc = results[("EPSG3413Quad", name)], results[("WebMercatorQuad", name)]
        ratio = polar["median_ms"] / merc["median_ms"]
        verdict = "met" if ratio <= 1.2 else "MISSED"
        print(f"{name}: EPSG3413Quad/WebMercatorQuad median {ratio:.2f}x (target <= 1.2x: {verdict})")
    print(
        "per-request cost (tiler health answer, sequential medians): "
        + ", ".join(f"{name} {ms:.1f} ms" for name, ms in bare.items())
        + f"; the proxy adds {bare['proxy'] - bare['direct']:.1f} ms, of which a new connection "
        f"per request is {bare['direct, new connection'] - bare['direct']:.1f} ms"
    )


if __name__ == "__main__":
    main()
