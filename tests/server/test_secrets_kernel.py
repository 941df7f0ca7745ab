"""Injection into real kernels started through the server's REST API, and masking on save."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import nbformat
import pytest
from cryptography.fernet import Fernet

from .conftest import fetch_json
from .secrets_helpers import create_secret

TOKEN = "tok-INJECTED-5a4b3c2d1e"
HIDDEN = "pw-NOT-INJECTED-998877"


@pytest.fixture
def polartep_config(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    # the server holds the store key in its environment: kernels must not inherit it
    monkeypatch.setenv("POLARTEP_SECRETS_KEY", Fernet.generate_key().decode())
    return {}


CODE = """
import json, os
import polartep_lab.secrets as secrets
print(json.dumps({
    "injected": os.environ.get("INJECTED_TOKEN"),
    "absent": os.environ.get("NOT_INJECTED"),
    "key": os.environ.get("POLARTEP_SECRETS_KEY"),
    "get": secrets.get("INJECTED_TOKEN"),
}))
"""

MAGIC = "%load_ext polartep_lab\n%secret INJECTED_TOKEN NOT_INJECTED"


async def run(client: Any, code: str) -> str:
    chunks: list[str] = []

    def hook(msg: dict[str, Any]) -> None:
        if msg["msg_type"] == "stream":
            chunks.append(msg["content"]["text"])
        elif msg["msg_type"] == "error":
            chunks.append("ERROR " + msg["content"]["evalue"])

    reply = await client.execute_interactive(code, output_hook=hook, timeout=120)
    assert reply["content"]["status"] == "ok", chunks
    return "".join(chunks)


async def test_kernel_gets_injected_secrets_only(jp_fetch: Any, jp_serverapp: Any) -> None:
    # Given one secret marked inject and one not
    await create_secret(jp_fetch, name="INJECTED_TOKEN", value=TOKEN, inject=True)
    await create_secret(jp_fetch, name="NOT_INJECTED", value=HIDDEN, inject=False)
    # When a kernel is started through the REST API
    code, kernel = await fetch_json(jp_fetch, "api", "kernels", method="POST", body={"name": "python3"})
    assert code == 201, kernel
    manager = jp_serverapp.kernel_manager.get_kernel(kernel["id"])
    assert type(manager.provisioner).__name__ == "SecretsProvisioner"
    client = manager.client()
    client.start_channels()
    try:
        await client.wait_for_ready(timeout=120)
        # Then the kernel sees the injected value, not the other one, and never the store key
        seen = json.loads((await run(client, CODE)).strip().splitlines()[-1])
        assert seen == {"injected": TOKEN, "absent": None, "key": None, "get": TOKEN}
        # And %secret reports presence without printing values
        text = await run(client, MAGIC)
        assert "INJECTED_TOKEN: available" in text
        assert "NOT_INJECTED: not available" in text
        assert TOKEN not in text
    finally:
        client.stop_channels()
        await fetch_json(jp_fetch, "api", "kernels", kernel["id"], method="DELETE")


def leaky_notebook() -> dict[str, Any]:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("print(polartep_lab.secrets.get('INJECTED_TOKEN'))")
    cell.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text=f"token is {TOKEN}\n"),
        nbformat.v4.new_output("execute_result", data={"text/plain": repr(TOKEN)}, execution_count=1),
    ]
    nb.cells = [cell, nbformat.v4.new_markdown_cell("notes")]
    return dict(nb)


async def test_saved_notebook_holds_masked_outputs(jp_fetch: Any, jp_root_dir: Path) -> None:
    # Given an injected secret, and a notebook whose outputs printed it
    await create_secret(jp_fetch, name="INJECTED_TOKEN", value=TOKEN, inject=True)
    body = {"type": "notebook", "format": "json", "content": leaky_notebook()}
    # When the notebook is saved through the contents API
    code, _ = await fetch_json(jp_fetch, "api", "contents", "leak.ipynb", method="PUT", body=body)
    assert code in (200, 201)
    # Then the file on disk holds *** instead of the value
    raw = (jp_root_dir / "leak.ipynb").read_text()
    assert TOKEN not in raw
    saved = nbformat.reads(raw, as_version=4)
    assert saved.cells[0].outputs[0].text == "token is ***\n"
    assert saved.cells[0].outputs[1].data["text/plain"] == "'***'"
    assert saved.cells[0].source.startswith("print(")
    # And the user is told once: one masking event for this notebook
    code, listing = await fetch_json(jp_fetch, "polartep", "api", "secrets")
    assert [(e["path"], e["names"], e["count"]) for e in listing["masked"]] == [
        ("leak.ipynb", ["INJECTED_TOKEN"], 2)
    ]
    await fetch_json(jp_fetch, "api", "contents", "leak.ipynb", method="PUT", body=body)
    code, listing = await fetch_json(jp_fetch, "polartep", "api", "secrets")
    assert len(listing["masked"]) == 1
