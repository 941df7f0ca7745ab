"""The conda-store stand-in enforces the official OpenAPI document (so client tests can fail)."""

from __future__ import annotations

import httpx

from ...conda_store_fake import FakeCondaStore


def test_off_contract_requests_are_caught_and_valid_ones_answered() -> None:
    with FakeCondaStore("tok") as store:
        auth = {"Authorization": "Bearer tok"}
        # Given a request the contract allows / Then it is answered, and the answer validates
        ok = httpx.get(store.url + "api/v1/", headers=auth)
        assert ok.status_code == 200 and ok.json()["data"]["version"] == "2025.2.2"
        assert store.violations == []
        # When a body breaks the schema (specification must be a string)
        bad = httpx.post(store.url + "api/v1/specification/", json={"specification": 5}, headers=auth)
        # Then it is refused and recorded
        assert bad.status_code == 500
        assert store.violations == ["POST /api/v1/specification/: body: 5 is not of type 'string'"]
        # When a route is not in the document, or a path parameter has the wrong type
        store.violations.clear()
        assert httpx.get(store.url + "api/v1/builds/", headers=auth).status_code == 500
        assert httpx.get(store.url + "api/v1/build/abc/", headers=auth).status_code == 500
        assert (
            httpx.get(store.url + "api/v1/build/", params={"colour": "red"}, headers=auth).status_code == 500
        )
        assert len(store.violations) == 3
        # and without the token conda-store answers 403
        store.violations.clear()
        assert httpx.get(store.url + "api/v1/namespace/default/").status_code == 403
        assert store.violations == []
