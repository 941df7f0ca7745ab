"""Examples: list the bundled notebooks; copy one into the workspace without overwriting."""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

from ..core.errors import Invalid, NotFound
from ..core.paths import resolve_within, unique_path

EXAMPLES_DIR = Path(__file__).parent
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


@dataclass(frozen=True)
class Example:
    name: str
    title: str
    description: str
    feature: str

    def to_json(self) -> dict[str, str]:
        return asdict(self)


def _describe(path: Path) -> Example:
    nb = json.loads(path.read_text(encoding="utf-8"))
    title, description = path.stem.replace("-", " ").capitalize(), ""
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        text = "".join(cell.get("source", []))
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        if lines and lines[0].startswith("#"):
            title = lines[0].lstrip("#").strip()
            lines = lines[1:]
        description = lines[0] if lines else ""
        break
    feature = str(nb.get("metadata", {}).get("polartep", {}).get("feature", "workspace"))
    return Example(path.stem, title, description, feature)


class ExampleLibrary:
    """The bundled example notebooks and the workspace folder copies go to."""

    def __init__(self, root_dir: Path, source_dir: Path = EXAMPLES_DIR, target: str = "examples") -> None:
        self.root_dir = root_dir
        self.source_dir = source_dir
        self.target = target

    def list(self) -> list[Example]:
        return [_describe(p) for p in sorted(self.source_dir.glob("*.ipynb"))]

    def path_of(self, name: str) -> Path:
        if not _NAME.match(name):
            raise Invalid(f"invalid example name {name!r}", "bad_name")
        path = self.source_dir / f"{name}.ipynb"
        if not path.is_file():
            raise NotFound(f"no example named {name!r}", "no_example")
        return path

    def copy_to_workspace(self, name: str) -> str:
        """Copy an example into `<workspace>/examples/`; never overwrites. Returns the workspace path."""
        source = self.path_of(name)
        folder = resolve_within(self.root_dir, self.target)
        folder.mkdir(parents=True, exist_ok=True)
        dest = unique_path(folder / source.name)
        shutil.copyfile(source, dest)
        return dest.relative_to(self.root_dir.resolve()).as_posix()
