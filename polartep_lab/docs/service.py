"""The user guide: markdown pages shipped with the package, one per feature."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import Invalid, NotFound

DOCS_DIR = Path(__file__).parent
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class Page:
    slug: str
    title: str
    order: int


def _title_and_order(path: Path) -> tuple[str, int]:
    text = path.read_text(encoding="utf-8")
    order = 100
    match = re.match(r"^<!--\s*order:\s*(\d+)\s*-->", text)
    if match:
        order = int(match.group(1))
    for line in text.splitlines():
        if line.startswith("# "):
            return line[2:].strip(), order
    return path.stem.replace("-", " ").capitalize(), order


class Guide:
    def __init__(self, source_dir: Path = DOCS_DIR) -> None:
        self.source_dir = source_dir

    def pages(self) -> list[Page]:
        pages = []
        for path in self.source_dir.glob("*.md"):
            title, order = _title_and_order(path)
            pages.append(Page(path.stem, title, order))
        return sorted(pages, key=lambda p: (p.order, p.title))

    def page(self, slug: str) -> dict[str, str]:
        if not _SLUG.match(slug):
            raise Invalid(f"invalid page name {slug!r}", "bad_name")
        path = self.source_dir / f"{slug}.md"
        if not path.is_file():
            raise NotFound(f"no documentation page {slug!r}", "no_page")
        title, _ = _title_and_order(path)
        return {"slug": slug, "title": title, "markdown": path.read_text(encoding="utf-8")}
