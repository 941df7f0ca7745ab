"""Fuzz the STAC routes over HTTP with requests generated from `polartep_lab/openapi.yaml`
(schemathesis strategies, hypothesis derandomized: the same requests every run).

Every `/polartep/stac/…` and `/polartep/api/stac/…` operation gets schema-valid and schema-invalid
requests, first with random path parameters, then with the demo collection and the workspace
catalog, so query parameters and bodies reach real data. No answer may be a 5xx, and every 4xx
carries the JSON `{"message", "reason"}`.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

import polartep_lab
from polartep_lab.stac.demo import DEMO_COLLECTION
from tests import stac_live

pytestmark = pytest.mark.integration
SPEC = Path(polartep_lab.__file__).parent / "openapi.yaml"
#: examples per operation and generation mode (operations without inputs get 1)
EXAMPLES = 3


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[stac_live.LiveServer]:
    tmp = tmp_path_factory.mktemp("stac-fuzz")
    stac_live.seed_demo(tmp / "data")
    # remote catalogs the fuzzer adds are unreachable: give up quickly (502, allowed below)
    live = stac_live.start(tmp, {"stac_remote_timeout": 2.0})
    yield live
    live.stop()


def _schema() -> Any:
    import schemathesis

    raw = yaml.safe_load(SPEC.read_text())
    raw["paths"] = {
        k: v for k, v in raw["paths"].items() if k.startswith(("/polartep/stac", "/polartep/api/stac"))
    }
    # the session sends the token: do not let the generator replace the Authorization header
    raw.pop("security", None)
    raw["components"].pop("securitySchemes", None)
    return schemathesis.openapi.from_dict(raw)


def _problem(response: Any, label: str) -> str | None:
    """Why an answer breaks the contract, or None."""
    code = response.status_code
    # 502 only where the route reaches another server (a remote catalog, a download)
    remote = "/polartep/api/stac/catalogs/{name}" in label or "downloads" in label
    if code >= 500 and not (code == 502 and remote):
        return f"{code} server error"
    if code >= 400:
        try:
            body = response.json()
        except ValueError:
            return f"{code} without a JSON body"
        if not (isinstance(body, dict) and isinstance(body.get("message"), str) and body.get("reason")):
            return f"{code} without {{message, reason}}: {body!r:.200}"
    return None


def test_stac_routes_never_answer_5xx_and_4xx_explain_themselves(server: stac_live.LiveServer) -> None:
    import requests
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis.errors import Unsatisfiable
    from schemathesis import GenerationMode

    session = requests.Session()
    session.headers.update(server.headers)
    base = server.base.rstrip("/")
    problems: list[str] = []
    counts: dict[str, int] = {}
    started = time.monotonic()

    def fuzz(operation: Any, mode: Any, path_parameters: dict[str, str] | None) -> None:
        label = operation.label
        inputs = bool(operation.path_parameters or operation.query or operation.body)
        strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters)

        @given(case=strategy)
        @settings(
            max_examples=EXAMPLES if inputs else 1, derandomize=True, database=None, deadline=None,
            suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate],
        )  # fmt: skip
        def run(case: Any) -> None:
            response = case.call(base_url=base, session=session, timeout=60)
            counts[label] = counts.get(label, 0) + 1
            why = _problem(response, label)
            if why:
                body = response.request.body
                sent = body[:300] if isinstance(body, bytes | str) else body
                problems.append(f"{case.method} {response.request.url[:300]} {sent!r}: {why}")

        # Unsatisfiable: nothing to make invalid (an operation without inputs in negative mode)
        with contextlib.suppress(Unsatisfiable):
            run()

    # Given every STAC operation of the OpenAPI document
    for result in _schema().get_all_operations():
        operation = result.ok()
        real: dict[str, str] = {}
        if "{collection_id}" in operation.path:
            real["collection_id"] = DEMO_COLLECTION
        if "{name}" in operation.path:
            real["name"] = "workspace"
        # When it receives generated requests (random ids, then the demo collection, never deleted)
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            fuzz(operation, mode, None)
            if real and operation.method.upper() != "DELETE":
                fuzz(operation, mode, real)
    # Then no request got a 5xx, and every refusal explained itself
    print(f"{sum(counts.values())} requests in {time.monotonic() - started:.0f} s:", counts)
    assert len(counts) >= 25, counts
    assert problems == [], "\n".join(problems[:30])
    # And the demo collection is still there (invalid writes never touch stored data)
    assert (
        server.get_json(f"polartep/stac/collections/{DEMO_COLLECTION}/items?limit=1")["numberMatched"] == 60
    )
