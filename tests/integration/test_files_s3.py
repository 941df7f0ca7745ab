"""The files API on an S3 root: a real S3-compatible HTTP server (moto's standalone server) on
127.0.0.1, started by the test in its own process, with request signing enforced (IAM).

The same scenarios as on the workspace root run here (`tests/server/files_suite.py`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.netutil import free_port, stop_process, wait_for_http

from ..server import files_suite as suite
from ..server.conftest import fetch_json, jp_server_config, polartep_data_dir  # noqa: F401 (fixtures)

pytest_plugins = ("pytest_jupyter.jupyter_server",)
pytestmark = pytest.mark.integration

BUCKET = "polar-data"
#: the first actions run unauthenticated (to create the user, its key and the bucket), then every
#: request must be signed with a key the server's IAM knows
SETUP_ACTIONS = 4


@pytest.fixture(scope="module")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    import boto3

    port = free_port()
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    env = {**os.environ, "INITIAL_NO_AUTH_ACTION_COUNT": str(SETUP_ACTIONS)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        env=env,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"{endpoint}/moto-api/", 60, process=proc, log=log, name="moto server")
        opts = {"endpoint_url": endpoint, "region_name": "us-east-1"}
        creds = {"aws_access_key_id": "setup", "aws_secret_access_key": "setup"}
        iam = boto3.client("iam", **opts, **creds)
        iam.create_user(UserName="scientist")
        key = iam.create_access_key(UserName="scientist")["AccessKey"]
        policy = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
        }
        iam.put_user_policy(UserName="scientist", PolicyName="s3", PolicyDocument=json.dumps(policy))
        boto3.client("s3", **opts, **creds).create_bucket(Bucket=BUCKET)
        yield {"endpoint": endpoint, "key": key["AccessKeyId"], "secret": key["SecretAccessKey"]}
    finally:
        stop_process(proc, timeout=10)


@pytest.fixture
def polartep_config(s3_server: dict[str, str]) -> dict[str, Any]:
    common = {"bucket": BUCKET, "endpoint_url": s3_server["endpoint"], "region": "us-east-1"}
    return {
        "files_s3_roots": [
            # inline credentials: the operator fallback when the secrets feature is off
            {
                "name": "arctic",
                "prefix": "team",
                **common,
                "key": s3_server["key"],
                "secret": s3_server["secret"],
            },
            {"name": "wrongkey", **common, "key": "AKIAWRONG", "secret": "nope"},
        ],
        "max_upload_bytes": 64 * 1024 * 1024,
    }


@pytest.fixture
def raw_fetch(http_server_client: Any, jp_auth_header: dict[str, str], jp_base_url: str) -> Any:
    async def fetch(path: str) -> tuple[int, str]:
        response = await http_server_client.fetch(
            jp_base_url + path, headers=jp_auth_header, raise_error=False
        )
        return response.code, response.body.decode()

    return fetch


async def test_s3_roots_are_listed_without_credentials(jp_fetch: Any, s3_server: dict[str, str]) -> None:
    code, body = await fetch_json(jp_fetch, "polartep/api/files/roots")
    assert code == 200
    names = {r["name"]: r for r in body["roots"]}
    assert set(names) == {"workspace", "arctic", "wrongkey"}
    assert names["arctic"]["kind"] == "s3" and names["arctic"]["bucket"] == BUCKET
    assert s3_server["secret"] not in json.dumps(body) and s3_server["key"] not in json.dumps(body)


async def test_wrong_credentials_are_a_clear_403(jp_fetch: Any) -> None:
    # Given a root whose key the S3 server does not know, when it is listed
    code, err = await fetch_json(jp_fetch, "polartep/api/files/wrongkey/")
    # Then the refusal is reported as such, not as a crash
    assert code == 403 and err["reason"] == "s3_denied", err


async def test_resumable_upload_on_s3(jp_fetch: Any) -> None:
    await suite.resumable_upload_never_shows_a_partial(jp_fetch, "arctic")


async def test_name_clash_on_s3(jp_fetch: Any) -> None:
    await suite.name_clash_asks_then_follows_the_choice(jp_fetch, "arctic")


async def test_organize_and_trash_on_s3(jp_fetch: Any) -> None:
    await suite.organize_and_recover_from_trash(jp_fetch, "arctic")


async def test_inspection_on_s3(jp_fetch: Any, tmp_path: Path) -> None:
    await suite.inspect_polar_geodata(jp_fetch, "arctic", tmp_path)


async def test_convert_to_cog_on_s3(jp_fetch: Any, tmp_path: Path) -> None:
    await suite.convert_to_cog(jp_fetch, "arctic", tmp_path)


async def test_bad_paths_on_s3(jp_fetch: Any, raw_fetch: Any) -> None:
    await suite.bad_paths_are_refused(jp_fetch, raw_fetch, "arctic")


async def test_copy_between_roots(jp_fetch: Any, jp_root_dir: Path) -> None:
    # Given a file in the workspace, when it is copied to the bucket and back under another name
    (jp_root_dir / "local.txt").write_bytes(b"from disk")
    code, entry = await fetch_json(
        jp_fetch, "polartep/api/files/workspace/local.txt", method="POST",
        body={"to_root": "arctic", "to_path": "copied/local.txt"},
    )  # fmt: skip
    assert code == 201, entry
    assert await suite.download(jp_fetch, "arctic", "copied/local.txt") == b"from disk"
    code, entry = await fetch_json(
        jp_fetch, "polartep/api/files/arctic/copied/local.txt", method="PATCH",
        body={"to_root": "workspace", "to_path": "back.txt"},
    )  # fmt: skip
    assert code == 200 and (jp_root_dir / "back.txt").read_bytes() == b"from disk"
    code, _ = await fetch_json(jp_fetch, "polartep/api/files/arctic/copied/local.txt")
    assert code == 404
