"""The boxes and arrows of the official PRISMA 2020 templates, filled with a flow's counts.

Labels are the templates' own words (new reviews: "Identification of studies via databases
and registers", "Studies included in review"; updated reviews: "Identification of new
studies ...", "Previous studies", "New studies included in review", "Total studies included in
review"). Boxes sit on a grid of rows (header, identification, screening x3, included, total)
and columns (phase labels, previous studies, the two columns of each lane); the layout
(:mod:`cen_search.prisma.layout`) turns the grid into positions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from cen_search.prisma.model import METHOD_LABELS, LaneCounts, PrismaFlow

Kind = Literal["main", "grey", "header", "other-header", "phase", "note"]

ROW_HEADER, ROW_IDENT, ROW_SCREEN, ROW_SOUGHT, ROW_ASSESSED, ROW_INCLUDED, ROW_TOTAL = range(7)
INDENT = "    "


@dataclass(frozen=True, slots=True)
class Box:
    """One box: where it sits on the grid and the lines it holds."""

    id: str
    kind: Kind
    lines: tuple[str, ...]
    row: int
    column: str
    """``phase``, ``previous``, ``dbr``, ``dbr-side``, ``other``, ``other-side``."""
    span: tuple[str, ...] = ()
    """Further columns the box spans (headers)."""
    row_span: int = 1
    left: bool = True
    """Lines left-justified (lists); False: centred."""


@dataclass(frozen=True, slots=True)
class Arrow:
    """An arrow between boxes; ``via`` names a bend (``column:row``) for elbow arrows."""

    tail: str
    head: str
    via: str = ""


def n(value: int) -> str:
    """A count as the templates print it: ``(n = 1,234)``."""
    return f"(n = {value:,})"


def _identified_lines(lane: LaneCounts, *, per_database: bool) -> list[str]:
    lines = ["Records identified from*:" if lane.lane == "dbr" else "Records identified from:"]
    methods = lane.by_method()
    if lane.lane == "dbr":
        methods = [(m, c) for m, c in methods if m in ("database", "register")]
        if not any(m == "database" for m, _ in methods):
            methods.insert(0, ("database", 0))
        if not any(m == "register" for m, _ in methods):
            methods.append(("register", 0))
    for method, total in methods:
        lines.append(f"{METHOD_LABELS[method]} {n(total)}")
        sources = lane.sources_of(method)
        if per_database and (lane.lane == "dbr" or len(sources) > 1):
            lines += [f"{INDENT}{s.name} {n(s.records)}" for s in sources]
    return lines


def _removed_lines(flow: PrismaFlow) -> list[str]:
    lines = [
        "Records removed before screening:",
        f"Duplicate records removed {n(flow.duplicates_shown)}",
        f"Records marked as ineligible by automation tools {n(flow.dbr.removed_automation)}",
        f"Records removed for other reasons {n(flow.removed_other_shown)}",
    ]
    if flow.template == "update" and flow.earlier_screened == "other":
        lines.append(f"{flow.earlier_screened_label} {n(flow.dbr.duplicates_earlier)}")
    return lines


def _pending(label: str, value: int) -> list[str]:
    return [f"{label} {n(value)}"] if value else []


def _lane_boxes(lane: LaneCounts, flow: PrismaFlow, prefix: str) -> list[Box]:
    main, side = (lane.lane, f"{lane.lane}-side")
    kind: Kind = "main" if lane.lane == "dbr" else "grey"
    boxes = [
        Box(
            f"{prefix}_identified",
            kind,
            tuple(_identified_lines(lane, per_database=flow.per_database)),
            ROW_IDENT,
            main,
        )
    ]
    if lane.lane == "dbr":
        boxes.append(Box("dbr_removed", kind, tuple(_removed_lines(flow)), ROW_IDENT, side))
    if lane.lane == "dbr" or lane.screened_out or lane.removed_automation or lane.removed_other:
        screened = ["Records screened", n(lane.screened)]
        screened += _pending("Still to screen", lane.screening_pending)
        screened += _pending("Conflicts to resolve", lane.screening_conflicts)
        excluded = ["Records excluded**", n(lane.screened_out)]
        if lane.lane == "other" and (lane.removed_automation or lane.removed_other):
            excluded += [
                f"Removed before screening {n(lane.removed_automation + lane.removed_other)}"
            ]
        boxes += [
            Box(f"{prefix}_screened", kind, tuple(screened), ROW_SCREEN, main, left=False),
            Box(f"{prefix}_excluded", kind, tuple(excluded), ROW_SCREEN, side, left=False),
        ]
    sought = ["Reports sought for retrieval", n(lane.sought)]
    sought += _pending("Retrieval pending", lane.retrieval_pending)
    assessed = ["Reports assessed for eligibility", n(lane.assessed)]
    assessed += _pending("Awaiting classification", lane.awaiting)
    assessed += _pending("Ongoing studies", lane.ongoing)
    assessed += _pending("Assessment pending", lane.assessment_pending)
    assessed += _pending("Conflicts to resolve", lane.assessment_conflicts)
    reasons = ["Reports excluded:"]
    reasons += [f"{r.reason} {n(r.reports)}" for r in lane.reasons] or [n(0)]
    boxes += [
        Box(f"{prefix}_sought", kind, tuple(sought), ROW_SOUGHT, main, left=False),
        Box(
            f"{prefix}_not_retrieved",
            kind,
            ("Reports not retrieved", n(lane.not_retrieved)),
            ROW_SOUGHT,
            side,
            left=False,
        ),
        Box(f"{prefix}_assessed", kind, tuple(assessed), ROW_ASSESSED, main, left=False),
        Box(f"{prefix}_reasons", kind, tuple(reasons), ROW_ASSESSED, side),
    ]
    return boxes


def _lane_arrows(prefix: str, boxes: list[Box]) -> list[Arrow]:
    ids = {box.id for box in boxes}
    screened = f"{prefix}_screened" in ids
    arrows = []
    if prefix == "dbr":
        arrows.append(Arrow("dbr_identified", "dbr_removed"))
    if screened:
        arrows += [
            Arrow(f"{prefix}_identified", f"{prefix}_screened"),
            Arrow(f"{prefix}_screened", f"{prefix}_excluded"),
            Arrow(f"{prefix}_screened", f"{prefix}_sought"),
        ]
    else:
        arrows.append(Arrow(f"{prefix}_identified", f"{prefix}_sought"))
    arrows += [
        Arrow(f"{prefix}_sought", f"{prefix}_not_retrieved"),
        Arrow(f"{prefix}_sought", f"{prefix}_assessed"),
        Arrow(f"{prefix}_assessed", f"{prefix}_reasons"),
    ]
    return arrows


def diagram_boxes(flow: PrismaFlow) -> tuple[list[Box], list[Arrow]]:
    """Every box and arrow of the template ``flow`` uses, filled in."""
    update = flow.template == "update"
    new = "new " if update else ""
    boxes = [
        Box(
            "dbr_header",
            "header",
            (f"Identification of {new}studies via databases and registers",),
            ROW_HEADER,
            "dbr",
            span=("dbr-side",),
            left=False,
        )
    ]
    lane_boxes = _lane_boxes(flow.dbr, flow, "dbr")
    boxes += lane_boxes
    arrows = _lane_arrows("dbr", lane_boxes)
    inc = flow.included
    if update:
        boxes.append(
            Box(
                "included",
                "main",
                (
                    "New studies included in review",
                    n(inc.new_studies),
                    "Reports of new included studies",
                    n(inc.new_reports),
                ),
                ROW_INCLUDED,
                "dbr",
                left=False,
            )
        )
        boxes.append(
            Box(
                "total",
                "main",
                (
                    "Total studies included in review",
                    n(inc.studies),
                    "Reports of total included studies",
                    n(inc.reports),
                ),
                ROW_TOTAL,
                "dbr",
                left=False,
            )
        )
        boxes += [
            Box(
                "previous_header",
                "other-header",
                ("Previous studies",),
                ROW_HEADER,
                "previous",
                left=False,
            ),
            Box(
                "previous",
                "grey",
                (
                    "Studies included in previous version of review",
                    n(inc.previous_studies),
                    "Reports of studies included in previous version of review",
                    n(inc.previous_reports),
                ),
                ROW_IDENT,
                "previous",
                left=False,
            ),
        ]
        arrows += [Arrow("included", "total"), Arrow("previous", "total", via="previous:total")]
    else:
        boxes.append(
            Box(
                "included",
                "main",
                (
                    "Studies included in review",
                    n(inc.studies),
                    "Reports of included studies",
                    n(inc.reports),
                ),
                ROW_INCLUDED,
                "dbr",
                left=False,
            )
        )
    arrows.append(Arrow("dbr_assessed", "included"))
    if flow.other.used:
        boxes.append(
            Box(
                "other_header",
                "other-header",
                (f"Identification of {new}studies via other methods",),
                ROW_HEADER,
                "other",
                span=("other-side",),
                left=False,
            )
        )
        other_boxes = _lane_boxes(flow.other, flow, "other")
        boxes += other_boxes
        arrows += _lane_arrows("other", other_boxes)
        arrows.append(Arrow("other_assessed", "included", via="other:included"))
    last = ROW_TOTAL if update else ROW_INCLUDED
    boxes += [
        Box("phase_identification", "phase", ("Identification",), ROW_IDENT, "phase", left=False),
        Box(
            "phase_screening", "phase", ("Screening",), ROW_SCREEN, "phase", row_span=3, left=False
        ),
        Box(
            "phase_included",
            "phase",
            ("Included",),
            ROW_INCLUDED,
            "phase",
            row_span=last - ROW_INCLUDED + 1,
            left=False,
        ),
    ]
    return boxes, arrows
