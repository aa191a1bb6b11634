"""Drawing a flow: measure the boxes, place them, and render SVG, PNG or DOT.

The phase labels run up the left edge as on the official templates: in the SVG their text is
turned with an SVG ``rotate(-90)``; in the PNG each is rendered on its own, rotated, and laid
into its box (:mod:`cen_search.prisma.png`).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import cached_property

from cen_search.prisma.boxes import Arrow, Box, diagram_boxes
from cen_search.prisma.dot import (
    FONT,
    FONT_SIZE,
    PHASE_MARKERS,
    diagram_source,
    escape,
    measuring_source,
    parse_plain,
    sizes_for,
)
from cen_search.prisma.layout import Layout, place
from cen_search.prisma.model import PrismaFlow
from cen_search.prisma.render import Renderer

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"


@dataclass
class Diagram:
    """A flow's boxes and arrows placed for one renderer."""

    flow: PrismaFlow
    boxes: list[Box]
    arrows: list[Arrow]
    layout: Layout
    renderer: Renderer
    title: str = "PRISMA 2020 flow diagram"

    @cached_property
    def dot(self) -> str:
        """The DOT source (phase labels as plain text; render with ``neato -n2``)."""
        return diagram_source(self.boxes, self.arrows, self.layout)

    def svg(self) -> bytes:
        """The diagram as SVG, phase labels upright."""
        return upright_phase_labels(self.renderer.run(self.dot, fmt="svg"))

    def png(self) -> bytes:
        """The diagram as PNG (96 dpi), phase labels upright."""
        from cen_search.prisma.png import PngError, compose

        plain = diagram_source(self.boxes, self.arrows, self.layout, phase_labels=False)
        picture = self.renderer.run(plain, fmt="png")
        labels = {
            PHASE_MARKERS[box.id]: self.renderer.run(
                label_source(box.lines[0]), fmt="png", pinned=False
            )
            for box in self.boxes
            if box.kind == "phase"
        }
        try:
            return compose(picture, labels)
        except PngError:  # a renderer writing another kind of PNG: labels as plain text
            return self.renderer.run(self.dot, fmt="png")


def label_source(text: str) -> str:
    """DOT of one phase label, drawn rotated a quarter turn (reads bottom to top)."""
    return (
        "digraph label {\n"
        '  graph [rotate=90, bgcolor="transparent", pad="0", margin="0"];\n'
        f'  node [shape=plaintext, fontname="{FONT}", fontsize="{FONT_SIZE:g}", margin="0"];\n'
        f'  l [label="{escape(text)}"];\n'
        "}\n"
    )


def build(flow: PrismaFlow, renderer: Renderer, *, title: str = "") -> Diagram:
    """Measure ``flow``'s boxes with ``renderer`` and place them."""
    boxes, arrows = diagram_boxes(flow)
    measured = parse_plain(
        renderer.run(measuring_source(boxes), fmt="plain", pinned=False).decode("utf-8")
    )
    layout = place(boxes, sizes_for(boxes, measured), notes=flow.notes)
    return Diagram(flow, boxes, arrows, layout, renderer, title or "PRISMA 2020 flow diagram")


def upright_phase_labels(svg: bytes) -> bytes:
    """``svg`` with the text of each phase box turned to run upwards, centred in its box."""
    from defusedxml.ElementTree import fromstring

    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    root = fromstring(svg)
    for group in root.iter(f"{{{SVG_NS}}}g"):
        if group.get("id", "") not in PHASE_MARKERS:
            continue
        for text in group.iter(f"{{{SVG_NS}}}text"):
            x = float(text.get("x", "0"))
            y = float(text.get("y", "0"))
            size = float(text.get("font-size", str(FONT_SIZE)))
            centre_y = y - 0.3 * size  # graphviz puts a single line's baseline 0.3 em low
            text.set("transform", f"rotate(-90 {x:.2f} {centre_y:.2f})")
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n' + body + "\n").encode(
        "utf-8"
    )
