"""Run stac-api-validator (the official STAC API validation suite) with no internet access.

Usage: python tests/stac_validator_offline.py ROOT_URL COLLECTION GEOMETRY_JSON TOKEN CLASS...
Prints {"warnings": [...], "errors": [...]} as JSON on the last line; exits 1 when there are errors.

Three adaptations, none touching what is checked:
- stac-validator (used by the suite for every item and collection) downloads the STAC JSON schemas
  from schemas.stacspec.org / stac-extensions.github.io / geojson.org. Those URLs are answered
  from the official copies bundled in polartep_lab/stac/schemas/ (see its SOURCE.md); any other URL
  is still fetched as usual.
- `open_assets_urls=False` (a parameter of `validate_api`): the demo items' asset hrefs are
  placeholders, so the suite checks their form, not their reachability.
- a few requests of the suite (the `service-desc` fetch) are sent outside its session and so without
  the credentials it was given; they get the session's `Authorization` header too (every route of
  the workspace needs the server's token).
"""

from __future__ import annotations

import json
import logging
import sys
from typing import Any


def _offline_schemas() -> None:
    from stac_validator import utilities

    from polartep_lab.stac.validation import local_schema

    original = utilities.fetch_and_parse_file

    def fetch_and_parse_file(input_path: str, headers: dict[str, Any] | None = None) -> dict[str, Any]:
        path = local_schema(input_path)
        if path is not None:
            return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]
        return original(input_path, headers)  # type: ignore[no-any-return]

    utilities.fetch_and_parse_file = fetch_and_parse_file
    utilities._schema_cache.cache_clear()


def _credentials_on_every_request() -> None:
    import requests

    original = requests.Session.send

    def send(self: requests.Session, request: requests.PreparedRequest, **kwargs: Any) -> Any:
        if "Authorization" in self.headers and "Authorization" not in request.headers:
            request.headers["Authorization"] = self.headers["Authorization"]
        return original(self, request, **kwargs)

    requests.Session.send = send  # type: ignore[method-assign]


def main(argv: list[str]) -> int:
    root_url, collection, geometry, token, *classes = argv
    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    _offline_schemas()
    _credentials_on_every_request()
    from stac_api_validator.validations import QueryConfig, validate_api

    warnings, errors = validate_api(
        root_url=root_url,
        ccs_to_validate=classes,
        collection=collection,
        geometry=geometry,
        auth_bearer_token=None,
        auth_query_parameter=None,
        fields_nested_property="properties.eo:cloud_cover",
        validate_pagination=True,
        query_config=QueryConfig(*[None] * 13),
        transaction_collection=collection if "transaction" in classes else None,
        headers={"Authorization": f"token {token}"},
        open_assets_urls=False,
    )
    print(json.dumps({"warnings": list(warnings), "errors": list(errors)}))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
