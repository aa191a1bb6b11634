"""Writing a flow to the files a user names, each format chosen by the file's suffix.

==========  =======================================================================
``.svg``    the diagram (template layout, phase labels upright)
``.png``    the diagram at 96 dpi
``.dot``    Graphviz source (``.gv`` too): render with ``neato -n2``
``.csv``    the PRISMA2020 R package's CSV (its Shiny app opens it)
``.json``   every count, check, pending item, footnote and methods sentence
``.md``     a counts table with the checks, footnotes and methods sentences
==========  =======================================================================

Every file is written atomically; the diagram is measured and placed once for all picture
formats.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cen_search.errors import UsageError
from cen_search.fsutil import atomic_write_bytes, atomic_write_text
from cen_search.prisma.review import ReviewFlow

if TYPE_CHECKING:
    from cen_search.prisma.picture import Diagram

FORMATS: dict[str, str] = {
    ".svg": "svg",
    ".png": "png",
    ".dot": "dot",
    ".gv": "dot",
    ".csv": "csv",
    ".json": "json",
    ".md": "md",
}
PICTURES = frozenset({"svg", "png", "dot"})


def format_of(path: Path) -> str:
    """The output format of ``path``, from its suffix."""
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise UsageError(
            f"-o {path}: cannot tell what to write from the suffix {path.suffix or '(none)'}",
            hint="end the name with " + ", ".join(sorted(FORMATS)),
        )
    return kind


@dataclass
class Writer:
    """Writes one review flow in any format, drawing the diagram at most once."""

    review: ReviewFlow
    renderer_setting: str = ""
    title: str = ""
    _diagram: Diagram | None = field(default=None, repr=False)

    def diagram(self) -> Diagram:
        from cen_search.prisma.picture import build
        from cen_search.prisma.render import find_renderer

        if self._diagram is None:
            renderer = find_renderer(self.renderer_setting)
            self._diagram = build(self.review.flow, renderer, title=self.title)
        return self._diagram

    def svg(self, path: Path) -> None:
        atomic_write_bytes(path, self.diagram().svg())

    def png(self, path: Path) -> None:
        atomic_write_bytes(path, self.diagram().png())

    def dot(self, path: Path) -> None:
        atomic_write_text(path, self.diagram().dot)

    def csv(self, path: Path) -> None:
        from cen_search.prisma.rcsv import to_csv

        atomic_write_text(path, to_csv(self.review.flow))

    def json(self, path: Path) -> None:
        from cen_search.prisma.summary import to_json

        document = to_json(self.review.flow, methods=self.review.methods)
        atomic_write_text(path, json.dumps(document, indent=2, ensure_ascii=False) + "\n")

    def md(self, path: Path) -> None:
        from cen_search.prisma.summary import to_markdown

        atomic_write_text(
            path, to_markdown(self.review.flow, methods=self.review.methods, title=self.title)
        )

    def write(self, path: Path) -> str:
        """Write ``path`` in the format its suffix names; returns the format."""
        kind = format_of(path)
        method: Callable[[Path], None] = getattr(self, kind)
        method(path)
        return kind


def write_all(
    review: ReviewFlow, paths: Sequence[Path], *, renderer_setting: str = "", title: str = ""
) -> list[tuple[Path, str]]:
    """Write every path (formats checked first, so a bad suffix writes nothing)."""
    kinds = [format_of(path) for path in paths]
    writer = Writer(review, renderer_setting, title)
    if any(kind in PICTURES for kind in kinds):
        writer.diagram()  # a missing renderer stops everything before any file is written
    return [(path, writer.write(path)) for path in paths]
