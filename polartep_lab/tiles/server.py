"""`python -m polartep_lab.tiles.server --uds PATH` (or `--port N`): the tiler process.

jupyter-server-proxy runs it on a Unix socket in a private folder (mode 0700) that it creates: no
other local user can reach the tiler around the notebook server's authentication, as they could a
TCP port on 127.0.0.1, and each proxied request skips name resolution and the TCP handshake.
``--port`` serves on 127.0.0.1 instead (for running the tiler by hand).
"""

from __future__ import annotations

import argparse


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Polar TEP workspace tiler (titiler)")
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--uds", help="serve on this Unix socket")
    where.add_argument("--port", type=int, help="serve on this TCP port")
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args(argv)

    import uvicorn

    from .tiler import create_app

    if args.uds:
        uvicorn.run(create_app(), uds=args.uds, log_level="warning", access_log=False)
    else:
        uvicorn.run(create_app(), host=args.host, port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
