"""The overlap between databases drawn as a heatmap (SVG, no plotting library needed).

A twelve-database table is 250 characters wide on a terminal; people would rather look. Each
row and column is a database; a cell holds how many distinct records both found, shaded by
that number as a share of the row's distinct records; the diagonal holds each database's
distinct records and, below it, how many were found nowhere else. Text is real SVG text, so
the numbers can be copied and are read by screen readers.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from cen_search.dedupe.report import DedupeSummary
from cen_search.fsutil import atomic_write_text

_CELL = 64
_FONT = "font-family:Helvetica,Arial,sans-serif"


def _shade(share: float) -> str:
    """A blue from white (0) to dark (1), as ``#rrggbb``."""
    share = max(0.0, min(1.0, share))
    start, end = (247, 251, 255), (8, 69, 148)
    rgb = (round(a + (b - a) * share) for a, b in zip(start, end, strict=True))
    return "#" + "".join(f"{c:02x}" for c in rgb)


def overlap_svg(summary: DedupeSummary, *, title: str = "") -> str:
    """The heatmap as an SVG document."""
    rows = summary.databases
    names = [row.database for row in rows]
    label_width = max((len(name) for name in names), default=8) * 8 + 24
    top = 40 + (24 if title else 0)
    header = max((len(name) for name in names), default=8) * 7 + 16
    width = max(label_width + _CELL * len(names) + 20, 760)
    height = top + header + _CELL * len(names) + 56
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img">',
        f"<title>{escape(title or 'Overlap between databases')}</title>",
        f'<rect width="{width}" height="{height}" fill="white"/>',
    ]
    if title:
        parts.append(
            f'<text x="12" y="28" style="{_FONT};font-size:16px;font-weight:bold">'
            f"{escape(title)}</text>"
        )
    grid_top = top + header
    for column, name in enumerate(names):
        x = label_width + column * _CELL + _CELL / 2
        parts.append(
            f'<text x="{x:.0f}" y="{grid_top - 8}" transform="rotate(-45 {x:.0f} {grid_top - 8})" '
            f'style="{_FONT};font-size:12px">{escape(name)}</text>'
        )
    for row_index, row in enumerate(rows):
        y = grid_top + row_index * _CELL
        parts.append(
            f'<text x="{label_width - 8}" y="{y + _CELL / 2 + 4:.0f}" text-anchor="end" '
            f'style="{_FONT};font-size:12px">{escape(row.database)}</text>'
        )
        for column, other in enumerate(names):
            x = label_width + column * _CELL
            diagonal = other == row.database
            value = row.distinct if diagonal else row.overlap.get(other, 0)
            share = 1.0 if diagonal else (value / row.distinct if row.distinct else 0.0)
            fill = "#e8e8e8" if diagonal else _shade(share)
            ink = "white" if share > 0.55 and not diagonal else "black"
            tip = (
                f"{row.database}: {row.distinct} distinct, {row.unique} only here"
                if diagonal
                else f"{row.database} and {other}: {value} records found in both"
            )
            parts.append(
                f'<g><title>{escape(tip)}</title><rect x="{x}" y="{y}" width="{_CELL}" '
                f'height="{_CELL}" fill="{fill}" stroke="white"/>'
                f'<text x="{x + _CELL / 2:.0f}" y="{y + _CELL / 2 + (0 if diagonal else 5):.0f}" '
                f'text-anchor="middle" fill="{ink}" style="{_FONT};font-size:14px">{value}</text>'
            )
            if diagonal:
                parts.append(
                    f'<text x="{x + _CELL / 2:.0f}" y="{y + _CELL / 2 + 18:.0f}" '
                    f'text-anchor="middle" style="{_FONT};font-size:10px">{row.unique} only</text>'
                )
            parts.append("</g>")
    note_y = grid_top + len(names) * _CELL + 24
    for offset, note in enumerate(
        (
            "cell: distinct records found in both databases (shade: share of the row's records)",
            "diagonal: the database's distinct records, and how many were found only there",
        )
    ):
        parts.append(
            f'<text x="12" y="{note_y + 15 * offset}" style="{_FONT};font-size:11px">'
            f"{escape(note)}</text>"
        )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def write_overlap_svg(path: str | Path, summary: DedupeSummary, *, title: str = "") -> None:
    """Write :func:`overlap_svg` atomically."""
    atomic_write_text(path, overlap_svg(summary, title=title))
