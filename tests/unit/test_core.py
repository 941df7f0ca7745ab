from __future__ import annotations

import http.server
import logging
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from polartep_lab.core.errors import Forbidden
from polartep_lab.core.features import Feature, Route, discover, order_by_requirements
from polartep_lab.core.http import OutboundClient, OutboundPolicy, is_forbidden_address
from polartep_lab.core.paths import atomic_write, resolve_within, unique_path


class _Dummy:
    pass


def test_route_template_to_regex_and_openapi() -> None:
    route = Route("api/files/{root}/{path:path}", _Dummy)
    assert route.regex() == r"api/files/(?P<root>[^/]+)/(?P<path>.*)"
    assert route.openapi_path() == "/polartep/api/files/{root}/{path}"
    assert Route("api/openapi.yaml", _Dummy).regex() == r"api/openapi\.yaml"


def _feature(name: str, *requires: str) -> Feature:
    return Feature(name=name, title=name, description="", build=lambda ctx: None, requires=requires)


def test_requirements_come_first_and_cycles_are_refused() -> None:
    features = {n: _feature(n, *deps) for n, deps in {"jobs": ("secrets",), "secrets": (), "a": ()}.items()}
    names = [f.name for f in order_by_requirements(features)]
    assert names.index("secrets") < names.index("jobs")
    with pytest.raises(RuntimeError, match="cycle"):
        order_by_requirements({"x": _feature("x", "y"), "y": _feature("y", "x")})
    with pytest.raises(RuntimeError, match="unknown feature"):
        order_by_requirements({"x": _feature("x", "nope")})


def test_discover_finds_feature_packages() -> None:
    names = [f.name for f in discover()]
    assert {"examples", "docs"} <= set(names)


@pytest.mark.parametrize(
    ("address", "forbidden"),
    [
        ("169.254.169.254", True),
        ("169.254.1.1", True),
        ("fe80::1", True),
        ("fd00:ec2::254", True),
        ("::ffff:169.254.169.254", True),
        ("100.100.100.200", True),
        ("127.0.0.1", False),
        ("10.0.0.1", False),
        ("2001:db8::1", False),
    ],
)
def test_forbidden_addresses(address: str, forbidden: bool) -> None:
    assert is_forbidden_address(address) is forbidden


def test_policy_refuses_metadata_urls_and_bad_schemes() -> None:
    policy = OutboundPolicy()
    for url in (
        "http://169.254.169.254/latest/",
        "http://[fd00:ec2::254]/",
        "http://metadata.google.internal/",
    ):
        with pytest.raises(Forbidden):
            policy.check(url)
    with pytest.raises(Forbidden, match="only http"):
        policy.check("file:///etc/passwd")
    policy.check("http://127.0.0.1:9/")  # loopback is fine
    OutboundPolicy(allowed_hosts=["169.254.169.254"]).check("http://169.254.169.254/")
    OutboundPolicy(allow_link_local=True).check("http://169.254.10.10/")


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
            self.end_headers()
            return
        body = self.headers.get("Authorization", "none").encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def local_server() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_client_adds_credentials_by_host_and_refuses_redirect_to_metadata(local_server: str) -> None:
    client = OutboundClient(
        credentials=lambda host: {"Authorization": "Bearer t0k"} if host == "127.0.0.1" else {}
    )
    assert client.get(local_server + "/").text == "Bearer t0k"
    with pytest.raises(Forbidden, match="metadata"):
        client.get(local_server + "/redirect")


def test_resolve_within_refuses_escapes(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    assert resolve_within(tmp_path, "a/b.txt") == (tmp_path / "a" / "b.txt").resolve()
    assert resolve_within(tmp_path, "/a") == (tmp_path / "a").resolve()
    for bad in ("../x", "a/../../x"):
        with pytest.raises(Forbidden):
            resolve_within(tmp_path, bad)
    os.symlink("/etc", tmp_path / "link")
    with pytest.raises(Forbidden):
        resolve_within(tmp_path, "link/passwd")


def test_atomic_write_and_unique_path(tmp_path: Path) -> None:
    target = tmp_path / "x" / "f.json"
    atomic_write(target, b"one", mode=0o600)
    atomic_write(target, b"two", mode=0o600)
    assert target.read_bytes() == b"two"
    assert (target.stat().st_mode & 0o777) == 0o600
    assert [p.name for p in target.parent.iterdir()] == ["f.json"]
    assert unique_path(target).name == "f-1.json"
    assert unique_path(tmp_path / "free.txt").name == "free.txt"


def test_log_records_no_handler_emits_are_not_built() -> None:
    from polartep_lab.core.logs import skip_discarded_records

    # Given a logger at DEBUG whose only handler emits INFO and above (as traitlets sets it up)
    log = logging.getLogger("polartep.test.discarded")
    log.setLevel(logging.DEBUG)
    handler = logging.StreamHandler()
    handler.setLevel(logging.INFO)
    log.addHandler(handler)
    try:
        skip_discarded_records(log)
        # Then debug records are no longer built, info ones still are
        assert not log.isEnabledFor(logging.DEBUG) and log.isEnabledFor(logging.INFO)
        # and a handler that wants DEBUG keeps them
        handler.setLevel(logging.DEBUG)
        log.setLevel(logging.DEBUG)
        skip_discarded_records(log)
        assert log.isEnabledFor(logging.DEBUG)
    finally:
        log.removeHandler(handler)
