"""Tile latency: through the notebook server's proxy vs the tiler directly vs rio-tiler in-process.

`python benchmarks/tiles.py [--rounds N]` starts a real Jupyter server with the extension on
127.0.0.1, fetches the same tiles (2 concurrent clients) (a) through jupyter-server-proxy at
/polartep/tiles/, (b) from the tiler process directly (on its Unix socket), (c) in-process with
the tiler's reader (rio-tiler's Reader warping once, the floor) and (d) in-process with rio-tiler's
stock Reader (the reference for that change), for WebMercatorQuad and the EPSG:3413 grid, and
prints median / p95 latency, tiles/s and ratios.

A round fetches each set's tiles over again up to at least ``MIN_BATCH`` fetches, and the grids
and paths take turns round by round. The proxy target is judged on all sets and grids pooled,
the polar/Web Mercator target on each set, each ratio of medians with a 95% bootstrap interval
that resamples whole rounds (both sides of a round saw the same load): ``met`` when the interval
is under the target, ``at the line`` when only the estimate is, ``MISSED`` otherwise.

The tiles are not hand-picked. Two sample rasters are served:

* ``4326``: a geographic (EPSG:4326) raster of 60-90°N, which both grids reproject. Two sets are
  measured in each grid. **all** is every tile of zoom 2 and 3 in which the tiler's reader finds
  data: the whole dataset at two zoom levels, as a map shows it or a seeder renders it. **pole** is
  the tiles nearest the pole, the worst case. In EPSG3413Quad these are the tiles that touch the
  pole. In WebMercatorQuad they are the top row, as near as that grid gets.
* ``3413``: a raster already in EPSG:3413 around the pole (polar products mostly come so):
  **all** its tiles of zoom 2 and 3. Only WebMercatorQuad reprojects it.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

from polartep_lab.tiles.grids import registry
from polartep_lab.tiles.samples import ARCTIC, ARCTIC_SECTORS, make_samples

GRIDS = ("WebMercatorQuad", "EPSG3413Quad")
ZOOMS = (2, 3)
#: a round fetches a set's tiles over again until it made at least this many fetches, so that the
#: median of one round of a small set (8 pole tiles) is not 4 fetches per client
MIN_BATCH = 32
#: bootstrap resamples for the confidence intervals of the ratios
RESAMPLES = 2000
#: label -> (sample file, rescale, whether the pole set is measured too)
SOURCES = {"4326": (ARCTIC_SECTORS, (0.0, 5.0), True), "3413": (ARCTIC, (0.0, 50.0), False)}


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


Tile = tuple[int, int, int]
Fetch = Callable[[str, Tile], bytes]


def tile_sets(path: str, with_pole: bool) -> dict[tuple[str, str], list[Tile]]:
    """(set, grid) -> tiles: every tile of ``ZOOMS`` holding data of ``path``, and those nearest
    the pole (see the module docstring)."""
    from rio_tiler.errors import TileOutsideBounds

    from polartep_lab.tiles.reader import WorkspaceReader

    sets: dict[tuple[str, str], list[Tile]] = {}
    for grid in GRIDS:
        tms = registry().get(grid)
        with WorkspaceReader(path, tms=tms) as src:
            held = []
            for z in ZOOMS:
                matrix = tms.matrix(z)
                for x in range(matrix.matrixWidth):
                    for y in range(matrix.matrixHeight):
                        try:
                            if src.tile(x, y, z).array.count():
                                held.append((z, x, y))
                        except TileOutsideBounds:
                            continue
        sets[("all", grid)] = held
        if not with_pole:
            continue
        if grid == "WebMercatorQuad":
            sets[("pole", grid)] = [t for t in held if t[2] == 0]
        else:
            sets[("pole", grid)] = [t for t in held if touches_pole(tms, t)]
    return sets


def touches_pole(tms: object, tile: Tile) -> bool:
    z, x, y = tile
    bounds = tms.xy_bounds(x, y, z)  # type: ignore[attr-defined]
    return bool(bounds.left <= 0 <= bounds.right and bounds.bottom <= 0 <= bounds.top)


def run_batch(fetch: Fetch, grid: str, tiles: list[Tile], latencies: list[float]) -> float:
    """Every tile of ``tiles`` once, 2 concurrent clients; returns the wall time."""

    def one(tile: tuple[int, int, int]) -> None:
        start = time.perf_counter()
        body = fetch(grid, tile)
        latencies.append(time.perf_counter() - start)
        assert body[:4] == b"\x89PNG"

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(one, tiles))
    return time.perf_counter() - start


def measure(
    paths: dict[str, Fetch], grid_tiles: dict[str, list[Tile]], rounds: int
) -> dict[tuple[str, str], dict[str, Any]]:
    """(grid, path) -> latencies of one set's tiles, round by round. Every grid and path takes
    its turn in every round, the order rotating, so that a load change on a shared machine hits
    them all alike instead of biasing whichever ran last. Within a round, the paths of one grid
    run one after the other, so the proxy and the tiler see nearly the same load."""
    batches = {grid: tiles * -(-MIN_BATCH // max(1, len(tiles))) for grid, tiles in grid_tiles.items()}
    grids, names = list(batches), list(paths)
    for grid in grids:  # warm caches (GDAL blocks, connections, imports)
        for name in names:
            run_batch(paths[name], grid, batches[grid], [])
    per_round: dict[tuple[str, str], list[list[float]]] = {(g, n): [] for g in grids for n in names}
    wall = dict.fromkeys(per_round, 0.0)
    for r in range(rounds):
        for grid in rotated(grids, r):
            for name in rotated(names, r):
                batch: list[float] = []
                wall[(grid, name)] += run_batch(paths[name], grid, batches[grid], batch)
                per_round[(grid, name)].append(batch)
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for turn, batches_of_turn in per_round.items():
        ordered = sorted(v for batch in batches_of_turn for v in batch)
        out[turn] = {
            "median_ms": 1000 * statistics.median(ordered),
            "p95_ms": 1000 * ordered[int(0.95 * (len(ordered) - 1))],
            "tiles_per_s": len(ordered) / wall[turn],
            "rounds": batches_of_turn,
        }
    return out


def rotated(items: list[str], by: int) -> list[str]:
    return items[by % len(items) :] + items[: by % len(items)]


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
    parser.add_argument("--rounds", type=int, default=8)
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

            from rio_tiler.colormap import cmap
            from rio_tiler.io import Reader

            from polartep_lab.tiles.reader import WorkspaceReader

            viridis = cmap.get("viridis")

            def via(http: httpx.Client, prefix: str, params: dict[str, str]) -> Fetch:
                def fetch(grid: str, tile: Tile) -> bytes:
                    z, x, y = tile
                    response = http.get(f"{prefix}/cog/tiles/{grid}/{z}/{x}/{y}.png", params=params)
                    response.raise_for_status()
                    return response.content

                return fetch

            def in_process(reader: type[Reader], path: str, rescale: tuple[float, float]) -> Fetch:
                def fetch(grid: str, tile: Tile) -> bytes:
                    z, x, y = tile
                    with reader(path, tms=grids.get(grid)) as src:
                        image = src.tile(x, y, z, indexes=1)
                    image.rescale((rescale,))
                    return image.render(img_format="PNG", colormap=viridis)

                return fetch

            results: Results = {}
            counts: dict[str, int] = {}
            load_before = os.getloadavg()
            for label, (name, rescale, with_pole) in SOURCES.items():
                path = str(root / "data" / "polar" / name)
                params = {
                    "url": f"data/polar/{name}",
                    "bidx": "1",
                    "rescale": ",".join(str(v) for v in rescale),
                    "colormap_name": "viridis",
                }
                paths = {
                    "proxy": via(client, base, params),
                    "direct": via(tiler, "http://tiler", params),
                    "in-process": in_process(WorkspaceReader, path, rescale),
                    "stock rio-tiler": in_process(Reader, path, rescale),
                }
                by_set: dict[str, dict[str, list[Tile]]] = {}
                for (set_name, grid), tiles in tile_sets(path, with_pole).items():
                    counts[f"{label} {set_name} {grid}"] = len(tiles)
                    by_set.setdefault(set_name, {})[grid] = tiles
                for set_name, grid_tiles in by_set.items():
                    for (grid, path_name), r in measure(paths, grid_tiles, args.rounds).items():
                        results[(f"{label} {set_name}", grid, path_name)] = r
            bare = overhead(client, f"{base}/", tiler, uds)
            tiler.close()
            load_after = os.getloadavg()
    finally:
        server.terminate()
        server.wait(timeout=30)
    before, after = (" ".join(f"{v:.2f}" for v in load) for load in (load_before, load_after))
    print(
        f"load average (1, 5, 15 min) before: {before}, after: {after}, on {os.cpu_count()} cores; "
        f"{args.rounds} interleaved rounds of each set's tiles, 2 concurrent clients"
    )
    print("tiles: " + ", ".join(f"{key} {n}" for key, n in counts.items()))
    report(results, bare)


Results = dict[tuple[str, str, str], dict[str, Any]]


Rounds = list[list[float]]


def ratio_ci(strata: Sequence[tuple[Rounds, Rounds]], rng: random.Random) -> tuple[float, float]:
    """95% bootstrap interval of median(top) / median(bottom), the latencies of all strata pooled.

    Each stratum is the two sides of one set and grid, measured round by round. A resample draws
    rounds with replacement, the same rounds on both sides (they saw the same load), within each
    stratum; so the interval holds the variation between rounds, not only between tiles."""
    ratios = []
    for _ in range(RESAMPLES):
        top: list[float] = []
        bottom: list[float] = []
        for top_rounds, bottom_rounds in strata:
            for i in rng.choices(range(len(top_rounds)), k=len(top_rounds)):
                top += top_rounds[i]
                bottom += bottom_rounds[i]
        ratios.append(statistics.median(top) / statistics.median(bottom))
    ratios.sort()
    return ratios[int(0.025 * RESAMPLES)], ratios[int(0.975 * RESAMPLES) - 1]


def pooled_ratio(strata: Sequence[tuple[Rounds, Rounds]]) -> float:
    top = [v for top_rounds, _ in strata for batch in top_rounds for v in batch]
    bottom = [v for _, bottom_rounds in strata for batch in bottom_rounds for v in batch]
    return statistics.median(top) / statistics.median(bottom)


def verdict(estimate: float, interval: tuple[float, float], target: float) -> str:
    """``met`` when the whole interval is under the target, ``at the line`` when only the
    estimate is, ``MISSED`` otherwise."""
    low, high = interval
    word = "met" if high <= target else "at the line" if estimate <= target else "MISSED"
    return f"{estimate:.2f}x, 95% CI {low:.2f}-{high:.2f}x (target <= {target:.2f}x: {word})"


def report(results: Results, bare: dict[str, float]) -> None:
    rng = random.Random(0)
    print(f"{'set':9} {'grid':16} {'path':15} {'median ms':>10} {'p95 ms':>8} {'tiles/s':>8}")
    for (set_name, grid, name), r in results.items():
        print(
            f"{set_name:9} {grid:16} {name:15} "
            f"{r['median_ms']:10.1f} {r['p95_ms']:8.1f} {r['tiles_per_s']:8.1f}"
        )
    set_names = list(dict.fromkeys(key[0] for key in results))
    # the proxy's cost over the whole workload (every set and grid) is the estimate to judge the
    # target on: one set's median rests on a handful of rounds
    everything: list[tuple[Rounds, Rounds]] = []
    for set_name in set_names:
        for grid in GRIDS:
            proxy, direct_r, floor, stock = (
                results[(set_name, grid, n)] for n in ("proxy", "direct", "in-process", "stock rio-tiler")
            )
            stratum = [(proxy["rounds"], direct_r["rounds"])]
            everything += stratum
            print(
                f"{set_name} {grid}: proxy/direct median "
                f"{verdict(pooled_ratio(stratum), ratio_ci(stratum, rng), 1.1)}, "
                f"p95 {proxy['p95_ms'] / direct_r['p95_ms']:.2f}x, "
                f"tiles/s {proxy['tiles_per_s'] / direct_r['tiles_per_s']:.2f}x of direct; "
                f"direct/in-process median {direct_r['median_ms'] / floor['median_ms']:.2f}x; "
                f"the tiler's reader / stock rio-tiler Reader {floor['median_ms'] / stock['median_ms']:.2f}x"
            )
    print(
        f"proxy/direct, all sets and grids ({len(everything)}) pooled: median "
        + verdict(pooled_ratio(everything), ratio_ci(everything, rng), 1.1)
    )
    for set_name in set_names:
        for name in ("proxy", "direct", "in-process", "stock rio-tiler"):
            polar, merc = (
                results[(set_name, "EPSG3413Quad", name)],
                results[(set_name, "WebMercatorQuad", name)],
            )
            stratum = [(polar["rounds"], merc["rounds"])]
            print(
                f"{set_name} {name}: EPSG3413Quad/WebMercatorQuad median "
                f"{verdict(pooled_ratio(stratum), ratio_ci(stratum, rng), 1.2)}; "
                f"tiles/s {merc['tiles_per_s'] / polar['tiles_per_s']:.2f}x slower"
            )
    print(
        "per-request cost (tiler health answer, sequential medians): "
        + ", ".join(f"{name} {ms:.1f} ms" for name, ms in bare.items())
        + f"; the proxy adds {bare['proxy'] - bare['direct']:.1f} ms, of which a new connection "
        f"per request is {bare['direct, new connection'] - bare['direct']:.1f} ms"
    )


if __name__ == "__main__":
    main()
