"""jupyter-server-proxy declaration of the tiler (entry point ``jupyter_serverproxy_servers``).

The entry point's name, ``polartep/tiles``, is the URL prefix: jupyter-server-proxy mounts the
process at ``<base_url>/polartep/tiles/`` with its own authenticated handlers, starts it on the first
request and starts it again when it died. The allowed roots reach the process through the
environment (:data:`polartep_lab.tiles.access.ROOTS_ENV`), set by the tiles feature at start-up.
"""

from __future__ import annotations

import sys
from typing import Any

#: where jupyter-server-proxy mounts the tiler, relative to the server's base URL
PROXY_NAME = "polartep/tiles"


def server_process() -> dict[str, Any]:
    return {
        "command": [sys.executable, "-m", "polartep_lab.tiles.server", "--uds", "{unix_socket}"],
        # a socket in a new private (0700) folder: see polartep_lab.tiles.server
        "unix_socket": True,
        "timeout": 90,
        "absolute_url": False,
        "new_browser_tab": False,
        "launcher_entry": {"enabled": False, "title": "Polar TEP tiler"},
        # the tiler needs none of the notebook server's credentials
        "request_headers_override": {"Authorization": "", "Cookie": ""},
    }
