from __future__ import annotations

from pathlib import Path
from typing import Any

from .conftest import fetch_json


async def test_list_examples_includes_getting_started(jp_fetch: Any) -> None:
    code, body = await fetch_json(jp_fetch, "polartep", "api", "examples")
    assert code == 200
    names = [e["name"] for e in body["examples"]]
    assert "getting-started" in names
    assert all(e["title"] for e in body["examples"])


async def test_copy_example_never_overwrites(jp_fetch: Any, jp_root_dir: Path) -> None:
    # Given a user file where the example would land
    (jp_root_dir / "examples").mkdir()
    mine = jp_root_dir / "examples" / "getting-started.ipynb"
    mine.write_text("my own work")
    # When the example is copied twice
    code1, first = await fetch_json(
        jp_fetch, "polartep", "api", "examples", "getting-started", "copy", method="POST", body={}
    )
    code2, second = await fetch_json(
        jp_fetch, "polartep", "api", "examples", "getting-started", "copy", method="POST", body={}
    )
    # Then each copy gets a fresh name and the user's file is untouched
    assert (code1, code2) == (201, 201)
    assert first["path"] == "examples/getting-started-1.ipynb"
    assert second["path"] == "examples/getting-started-2.ipynb"
    assert mine.read_text() == "my own work"
    assert (jp_root_dir / first["path"]).stat().st_size > 100


async def test_copy_unknown_example_is_404_with_message(jp_fetch: Any) -> None:
    code, body = await fetch_json(
        jp_fetch, "polartep", "api", "examples", "nope", "copy", method="POST", body={}
    )
    assert code == 404
    assert body == {"message": "no example named 'nope'", "reason": "no_example"}


async def test_copy_bad_name_is_400(jp_fetch: Any) -> None:
    code, body = await fetch_json(
        jp_fetch, "polartep", "api", "examples", "..", "copy", method="POST", body={}
    )
    assert code in (400, 404)
    assert "message" in body


async def test_docs_pages_and_one_page(jp_fetch: Any) -> None:
    code, body = await fetch_json(jp_fetch, "polartep", "api", "docs")
    assert code == 200
    slugs = [p["slug"] for p in body["pages"]]
    assert slugs[0] == "index"
    code, page = await fetch_json(jp_fetch, "polartep", "api", "docs", "index")
    assert code == 200
    assert page["markdown"].lstrip().startswith(("#", "<!--"))
    code, missing = await fetch_json(jp_fetch, "polartep", "api", "docs", "no-such-page")
    assert code == 404
    assert missing["reason"] == "no_page"
