"""Exact positions for the template's boxes, from the sizes their text needs.

Graphviz's own layout engines would move boxes around to suit the edges; the PRISMA template
has a fixed geometry. So the text of every box is first measured by the renderer itself (a
``-Tplain`` pass: each node's natural width and height), then boxes are placed on the
template's grid: one width per column (the widest box in it), rows one under the other,
each box centred on its row's centre line so that side arrows are horizontal. The positions
are pinned (``pos="x,y!"``, rendered with ``neato -n2``), so what is drawn is exactly this.
All lengths are in points (1/72 inch), y growing downwards (the DOT writer flips it).
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cen_search.prisma.boxes import ROW_HEADER, Arrow, Box

MIN_WIDTH = 170.0
"""Narrowest main or side column (points)."""
PHASE_WIDTH = 26.0
SIDE_GAP = 46.0
"""Between a lane's main column and its side column (room for an arrow)."""
LANE_GAP = 34.0
PHASE_GAP = 14.0
ROW_GAP = 28.0
NOTE_GAP = 18.0
PHASE_PADDING = 12.0
"""Room left above and below an upright phase label."""
NOTE_FONT = 8.0
LINE_SPACING = 1.2
"""Graphviz's line height, as a multiple of the font size."""


@dataclass(frozen=True, slots=True)
class Placed:
    """A box's centre and size (points)."""

    x: float
    y: float
    width: float
    height: float

    @property
    def left(self) -> float:
        return self.x - self.width / 2

    @property
    def right(self) -> float:
        return self.x + self.width / 2

    @property
    def top(self) -> float:
        return self.y - self.height / 2

    @property
    def bottom(self) -> float:
        return self.y + self.height / 2


@dataclass(frozen=True, slots=True)
class Layout:
    """Where everything goes."""

    boxes: Mapping[str, Placed]
    columns: Mapping[str, tuple[float, float]]
    """Each column's left edge and width."""
    width: float
    height: float
    note_lines: tuple[str, ...] = ()


def column_order(boxes: Sequence[Box]) -> list[str]:
    used = {box.column for box in boxes} | {c for box in boxes for c in box.span}
    order = ["phase", "previous", "dbr", "dbr-side", "other", "other-side"]
    return [column for column in order if column in used]


def _gap_before(column: str, previous: str) -> float:
    if previous == "phase":
        return PHASE_GAP
    if column.endswith("-side"):
        return SIDE_GAP
    return LANE_GAP


def place(
    boxes: Sequence[Box],
    sizes: Mapping[str, tuple[float, float]],
    *,
    notes: Sequence[str] = (),
    note_font: float = NOTE_FONT,
) -> Layout:
    """Positions for ``boxes`` whose natural (width, height) in points are ``sizes``."""
    columns = column_order(boxes)
    widths = {column: MIN_WIDTH for column in columns}
    widths["phase"] = PHASE_WIDTH
    for box in boxes:
        if box.span or box.column == "phase":
            continue
        widths[box.column] = max(widths[box.column], sizes[box.id][0])
    lefts: dict[str, float] = {}
    x = 0.0
    for i, column in enumerate(columns):
        if i:
            x += _gap_before(column, columns[i - 1])
        lefts[column] = x
        x += widths[column]
    for box in boxes:  # a header wider than its columns widens the last of them
        if box.span:
            last = box.span[-1]
            covered = lefts[last] + widths[last] - lefts[box.column]
            widths[last] += max(0.0, sizes[box.id][0] - covered)
    x = 0.0
    for i, column in enumerate(columns):
        if i:
            x += _gap_before(column, columns[i - 1])
        lefts[column] = x
        x += widths[column]
    total_width = x
    rows = sorted({box.row for box in boxes if box.column != "phase"})
    row_heights = {
        row: max(sizes[b.id][1] for b in boxes if b.row == row and b.column != "phase")
        for row in rows
    }
    for box in boxes:  # rows long enough for the upright phase label beside them
        if box.column != "phase":
            continue
        span = [r for r in rows if box.row <= r < box.row + box.row_span]
        if not span:
            continue
        have = sum(row_heights[r] for r in span) + ROW_GAP * (len(span) - 1)
        need = sizes[box.id][0] + PHASE_PADDING
        if need > have:
            row_heights[span[-1]] += need - have
    tops: dict[int, float] = {}
    y = 0.0
    for row in rows:
        tops[row] = y
        y += row_heights[row] + ROW_GAP
    bottom = y - ROW_GAP
    placed: dict[str, Placed] = {}
    for box in boxes:
        if box.column == "phase":
            first = box.row
            final = max(r for r in rows if r <= box.row + box.row_span - 1)
            top, end = tops[first], tops[final] + row_heights[final]
            placed[box.id] = Placed(
                lefts["phase"] + PHASE_WIDTH / 2, (top + end) / 2, PHASE_WIDTH, end - top
            )
            continue
        left = lefts[box.column]
        right = (
            lefts[box.span[-1]] + widths[box.span[-1]] if box.span else left + widths[box.column]
        )
        height = row_heights[box.row] if box.row == ROW_HEADER else sizes[box.id][1]
        centre = tops[box.row] + row_heights[box.row] / 2
        placed[box.id] = Placed((left + right) / 2, centre, right - left, height)
    height = bottom
    note_lines: tuple[str, ...] = ()
    if notes:
        chars = max(40, int(total_width / (note_font * 0.5)))
        note_lines = tuple(
            line for note in notes for line in textwrap.wrap(note, chars, subsequent_indent="  ")
        )
        note_height = len(note_lines) * note_font * LINE_SPACING + 8
        placed["notes"] = Placed(
            total_width / 2, bottom + NOTE_GAP + note_height / 2, total_width, note_height
        )
        height = bottom + NOTE_GAP + note_height
    spans = {column: (lefts[column], widths[column]) for column in columns}
    return Layout(placed, spans, total_width, height, note_lines)


def bend_points(arrows: Sequence[Arrow], layout: Layout) -> dict[str, tuple[float, float]]:
    """The elbow point of every arrow that has one: the ``via`` column's centre on the head's
    row (``other:included``: straight down the other lane, then across into Included)."""
    out = {}
    for arrow in arrows:
        if not arrow.via:
            continue
        column = arrow.via.partition(":")[0]
        left, width = layout.columns[column]
        out[arrow.via] = (left + width / 2, layout.boxes[arrow.head].y)
    return out
