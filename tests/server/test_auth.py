"""Every route the extension registers refuses requests without credentials."""

from __future__ import annotations

from typing import Any

from .routes import polartep_routes


async def test_every_route_refuses_anonymous_requests(
    jp_serverapp: Any, http_server_client: Any, jp_base_url: str
) -> None:
    # Given every route registered under /polartep/ (so later features are covered automatically)
    routes = polartep_routes(jp_serverapp, jp_base_url)
    assert any(r.pattern.endswith("polartep/api/status$") for r in routes)
    checked = 0
    for route in routes:
        if getattr(route.handler, "public", False):
            continue
        for method in route.methods:
            url = route.sample_path()
            body = b"{}" if method in ("POST", "PUT", "PATCH") else None
            # When it is called without token or cookie
            response = await http_server_client.fetch(
                url, method=method, body=body, raise_error=False, follow_redirects=False
            )
            code = response.code
            assert code != 599, f"{method} {url}: {response.error}"
            # Then it is refused
            assert code in (401, 403, 302), f"{method} {route.sample_path()} answered {code}"
            checked += 1
    assert checked >= 5
