"""REST API of the secrets feature: create, list (no values), update, reveal, delete, errors."""

from __future__ import annotations

from typing import Any

from .conftest import fetch_json
from .secrets_helpers import create_secret

VALUE = "pat-0000-1111-2222-3333"


async def test_create_list_update_reveal_delete(jp_fetch: Any) -> None:
    # Given a workspace without secrets
    # When a secret is created
    created = await create_secret(
        jp_fetch,
        name="STAC_TOKEN",
        value=VALUE,
        description="catalog",
        inject=True,
        hosts=["Stac.Example.org"],
    )
    # Then the reply is metadata only
    assert created["name"] == "STAC_TOKEN"
    assert created["hosts"] == ["stac.example.org"]
    assert created["source"] == "workspace"
    assert VALUE not in str(created)
    # And the listing shows it without its value
    code, listing = await fetch_json(jp_fetch, "polartep", "api", "secrets")
    assert code == 200
    assert [s["name"] for s in listing["secrets"]] == ["STAC_TOKEN"]
    assert listing["status"] == "ok"
    assert VALUE not in str(listing)
    # When it is updated without a value, the value stays
    code, updated = await fetch_json(
        jp_fetch, "polartep", "api", "secrets", "STAC_TOKEN", method="PATCH", body={"description": "new"}
    )
    assert code == 200 and updated["description"] == "new"
    code, shown = await fetch_json(
        jp_fetch, "polartep", "api", "secrets", "STAC_TOKEN", "reveal", method="POST", body={}
    )
    assert code == 200 and shown == {"name": "STAC_TOKEN", "value": VALUE}
    # When the value is replaced with PUT
    code, _ = await fetch_json(
        jp_fetch, "polartep", "api", "secrets", "STAC_TOKEN", method="PUT", body={"value": "v2-v2-v2"}
    )
    assert code == 200
    code, shown = await fetch_json(
        jp_fetch, "polartep", "api", "secrets", "STAC_TOKEN", "reveal", method="POST", body={}
    )
    assert shown["value"] == "v2-v2-v2"
    # When it is deleted, it is gone
    code, _ = await fetch_json(jp_fetch, "polartep", "api", "secrets", "STAC_TOKEN", method="DELETE")
    assert code == 204
    code, body = await fetch_json(jp_fetch, "polartep", "api", "secrets", "STAC_TOKEN")
    assert code == 404 and body["reason"] == "no_secret"


async def test_bad_requests_get_readable_errors(jp_fetch: Any) -> None:
    await create_secret(jp_fetch, name="TAKEN", value="first-value")
    cases = [
        ({"name": "TAKEN", "value": "x"}, 409, "exists"),
        ({"name": "has space", "value": "x"}, 400, "bad_name"),
        ({"name": "EMPTY", "value": ""}, 400, "empty_value"),
        ({"name": "BIG", "value": "x" * 70000}, 400, "too_large"),
        ({"name": "NOVALUE"}, 400, "validation"),
        ({"name": "X", "value": "x", "extra": 1}, 400, "validation"),
    ]
    for body, status, reason in cases:
        code, reply = await fetch_json(jp_fetch, "polartep", "api", "secrets", method="POST", body=body)
        assert (code, reply["reason"]) == (status, reason), (body, reply)
        assert reply["message"]
    code, reply = await fetch_json(jp_fetch, "polartep", "api", "secrets", method="POST", body="{not json")
    assert code == 400
    # And nothing stored was lost
    code, shown = await fetch_json(
        jp_fetch, "polartep", "api", "secrets", "TAKEN", "reveal", method="POST", body={}
    )
    assert shown["value"] == "first-value"


async def test_status_reports_the_secrets_backend(jp_fetch: Any) -> None:
    code, body = await fetch_json(jp_fetch, "polartep", "api", "status")
    assert code == 200
    feature = {f["name"]: f for f in body["features"]}["secrets"]
    assert feature["enabled"] is True
    assert feature["backend"] == {
        "kind": "embedded",
        "name": "EncryptedFileStore",
        "detail": feature["backend"]["detail"],
    }
    assert feature["backend"]["detail"].endswith("secrets.enc")
    assert feature["health"]["ok"] is True
