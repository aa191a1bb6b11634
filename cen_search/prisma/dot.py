"""The diagram as Graphviz DOT, built with the ``graphviz`` package.

Every box is a fixed-size node pinned at its computed centre (:mod:`cen_search.prisma.layout`),
so rendering with ``neato -n2`` draws the template's geometry exactly; arrows are straight
lines (elbow arrows go through a point node at the bend). Colours are the PRISMA2020 R
package's defaults: Goldenrod1 title box, Gainsboro grey boxes, LightSteelBlue2 phase labels.
Node ids (``dbr_identified``, ``included`` ...) become the SVG groups' ids.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from cen_search.prisma.boxes import Arrow, Box
from cen_search.prisma.layout import Layout, bend_points

FONT = "Arial"
FONT_SIZE = 10.0
MARGIN = "0.12,0.07"
STYLE: dict[str, dict[str, str]] = {
    "main": {"style": "filled", "fillcolor": "white", "color": "black"},
    "grey": {"style": "filled", "fillcolor": "#DCDCDC", "color": "black"},
    "header": {"style": "filled,rounded", "fillcolor": "#FFC125", "color": "#FFC125"},
    "other-header": {"style": "filled,rounded", "fillcolor": "#DCDCDC", "color": "#DCDCDC"},
    "phase": {"style": "filled,rounded", "fillcolor": "#BCD2EE", "color": "#BCD2EE"},
}
PHASE_MARKERS = {
    "phase_identification": "#BCD2EF",
    "phase_screening": "#BCD2F0",
    "phase_included": "#BCD2F1",
}
"""Fill colours (one unit off the phase colour, invisible to the eye) that mark where the
upright phase labels go when a PNG is composed (:mod:`cen_search.prisma.png`)."""


def escape(text: str) -> str:
    """``text`` safe inside a DOT label: backslashes are DOT escapes, so they are doubled."""
    return text.replace("\\", "\\\\")


def label(box: Box | Sequence[str], *, left: bool = True) -> str:
    """A DOT label: lines left-justified (``\\l``) or centred (``\\n``)."""
    lines = box.lines if isinstance(box, Box) else tuple(box)
    left = box.left if isinstance(box, Box) else left
    if left:
        return "".join(escape(line) + "\\l" for line in lines)
    return "\\n".join(escape(line) for line in lines)


def _graph(name: str) -> Any:
    import graphviz

    graph = graphviz.Digraph(name, engine="neato")
    graph.attr(bgcolor="white", splines="line", outputorder="edgesfirst", pad="0.15")
    graph.attr("node", shape="box", fontname=FONT, fontsize=f"{FONT_SIZE:g}", margin=MARGIN)
    graph.attr("edge", color="black", arrowsize="0.7", penwidth="1")
    return graph


def measuring_source(boxes: Sequence[Box]) -> str:
    """DOT whose ``-Tplain`` rendering gives each box's natural size (nothing is pinned)."""
    from graphviz import nohtml

    graph = _graph("measure")
    for box in boxes:  # a phase label's width is the height its rows need
        graph.node(box.id, label=nohtml(label(box)), **STYLE.get(box.kind, {}))
    return str(graph.source)


def parse_plain(text: str) -> dict[str, tuple[float, float]]:
    """Node (width, height) in points from Graphviz ``-Tplain`` output."""
    sizes = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 6 and parts[0] == "node":
            sizes[parts[1].strip('"')] = (float(parts[4]) * 72, float(parts[5]) * 72)
    return sizes


def diagram_source(
    boxes: Sequence[Box],
    arrows: Sequence[Arrow],
    layout: Layout,
    *,
    phase_labels: bool = True,
) -> str:
    """The pinned DOT of the whole diagram. With ``phase_labels=False`` the phase boxes are
    drawn empty in marker colours (:data:`PHASE_MARKERS`), for a PNG to receive upright
    labels."""
    from graphviz import nohtml

    graph = _graph("prisma")

    def pin(x: float, y: float) -> str:
        return f"{x:.2f},{layout.height - y:.2f}!"

    for box in boxes:
        where = layout.boxes[box.id]
        attrs = dict(STYLE.get(box.kind, {}))
        text = label(box)
        if box.kind == "phase" and not phase_labels:
            attrs["fillcolor"] = attrs["color"] = PHASE_MARKERS[box.id]
            text = ""
        graph.node(
            box.id,
            label=nohtml(text),
            id=box.id,
            pos=pin(where.x, where.y),
            width=f"{where.width / 72:.4f}",
            height=f"{where.height / 72:.4f}",
            fixedsize="true",
            **attrs,
        )
    if "notes" in layout.boxes:
        where = layout.boxes["notes"]
        graph.node(
            "notes",
            label=nohtml(label(layout.note_lines, left=True)),
            id="notes",
            shape="plaintext",
            fontsize="8",
            margin="0,0.05",
            pos=pin(where.x, where.y),
            width=f"{where.width / 72:.4f}",
            height=f"{where.height / 72:.4f}",
            fixedsize="true",
        )
    bends = bend_points(arrows, layout)
    for number, arrow in enumerate(arrows, start=1):
        if not arrow.via:
            graph.edge(arrow.tail, arrow.head, id=f"arrow{number}")
            continue
        bend = f"bend{number}"
        x, y = bends[arrow.via]
        graph.node(
            bend,
            label="",
            shape="point",
            width="0.01",
            height="0.01",
            color="black",
            pos=pin(x, y),
            id=bend,
        )
        graph.edge(arrow.tail, bend, arrowhead="none", id=f"arrow{number}a")
        graph.edge(bend, arrow.head, id=f"arrow{number}b")
    return str(graph.source)


def sizes_for(boxes: Sequence[Box], measured: Mapping[str, tuple[float, float]]) -> dict:
    """Measured sizes, with phase boxes (not measured) at zero."""
    return {box.id: measured.get(box.id, (0.0, 0.0)) for box in boxes}
