"""The flow as JSON (stable snake_case keys, ``schema_version``) and as a Markdown counts
table with the identities, footnotes and the methods sentences."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from cen_search.prisma.model import METHOD_LABELS, LaneCounts, PrismaFlow

SCHEMA_VERSION = 1


def _lane(lane: LaneCounts) -> dict[str, Any]:
    data = asdict(lane)
    data["sources"] = [asdict(s) for s in lane.sources]
    data["reasons"] = [asdict(r) for r in lane.reasons]
    data["excluded_reports"] = lane.excluded_reports
    data["by_method"] = dict(lane.by_method())
    return data


def to_json(flow: PrismaFlow, *, methods: Sequence[str] = ()) -> dict[str, Any]:
    """Every count, check, pending item, footnote and methods sentence of ``flow``."""
    return {
        "schema_version": SCHEMA_VERSION,
        "template": flow.template,
        "round": flow.round,
        "previous_rounds": list(flow.previous_rounds),
        "screening_available": flow.screening,
        "per_database": flow.per_database,
        "earlier_screened": flow.earlier_screened,
        "lanes": {"dbr": _lane(flow.dbr), "other": _lane(flow.other)},
        "duplicates_shown": flow.duplicates_shown,
        "included": asdict(flow.included),
        "identities": [
            {**asdict(check), "responsible": list(check.responsible), "ok": check.ok}
            for check in flow.identities
        ],
        "identities_ok": flow.ok,
        "pending": [{**asdict(p), "examples": list(p.examples)} for p in flow.pending],
        "final": flow.final,
        "notes": list(flow.notes),
        "methods": list(methods),
    }


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def to_markdown(flow: PrismaFlow, *, methods: Sequence[str] = (), title: str = "") -> str:
    """A counts table (one column per lane), the included row, the identities, footnotes and
    the methods sentences."""
    dbr, other = flow.dbr, flow.other
    both = other.used
    lines = [f"# PRISMA 2020 flow{': ' + title if title else ''}", ""]
    kind = "updated review" if flow.template == "update" else "new review"
    lines.append(
        f"Template: {kind}" + (f" (round {flow.round} shown as new)" if flow.round else "") + "."
    )
    lines.append("")
    header = "| Box | Databases and registers |" + (" Other methods |" if both else "")
    lines += [header, "|---|---:|" + ("---:|" if both else "")]

    def row(label: str, a: object, b: object = "") -> None:
        cells = f"| {_cell(label)} | {a} |"
        lines.append(cells + (f" {b} |" if both else ""))

    row("Records identified", dbr.identified, other.identified)
    for lane_rows in _source_rows(dbr, other, both, per_database=flow.per_database):
        row(*lane_rows)
    row("Duplicate records removed", flow.duplicates_shown, "")
    if flow.template == "update":
        row(
            f"of which already identified in an earlier version ({flow.earlier_screened})",
            dbr.duplicates_earlier,
            other.duplicates_earlier,
        )
    row("Records marked as ineligible by automation tools", dbr.removed_automation,
        other.removed_automation)  # fmt: skip
    row("Records removed for other reasons", dbr.removed_other, other.removed_other)
    row("Records screened", dbr.screened, other.screened)
    row("Records excluded", dbr.screened_out, other.screened_out)
    row("Reports sought for retrieval", dbr.sought, other.sought)
    row("Reports not retrieved", dbr.not_retrieved, other.not_retrieved)
    row("Reports assessed for eligibility", dbr.assessed, other.assessed)
    row("Reports excluded", dbr.excluded_reports, other.excluded_reports)
    reasons = list(dict.fromkeys([r.reason for r in (*dbr.reasons, *other.reasons)]))
    for reason in reasons:
        a = next((r.reports for r in dbr.reasons if r.reason == reason), 0)
        b = next((r.reports for r in other.reasons if r.reason == reason), 0)
        row(f"of which {reason}", a, b)
    row("Reports included", dbr.included, other.included)
    inc = flow.included
    lines += ["", "| Included | Studies | Reports |", "|---|---:|---:|"]
    if flow.template == "update":
        lines.append(f"| Previous version | {inc.previous_studies} | {inc.previous_reports} |")
        lines.append(f"| New | {inc.new_studies} | {inc.new_reports} |")
        lines.append(f"| Total | {inc.studies} | {inc.reports} |")
    else:
        lines.append(f"| Included in review | {inc.studies} | {inc.reports} |")
    lines += ["", "## Checks", ""]
    for check in flow.identities:
        mark = "ok" if check.ok else "BROKEN"
        lines.append(f"- {mark} ({check.lane}): {check.statement}: {check.equation}")
        lines += [f"  - {item}" for item in check.responsible]
    for pending in flow.pending:
        lines.append(f"- pending: {pending.description} (n = {pending.count})")
    if flow.notes:
        lines += ["", "## Notes", ""]
        # the footnote markers (* and **) escaped: "- * ..." would be a list inside the list
        lines += ["- " + note.replace("*", "\\*") for note in flow.notes]
    if methods:
        lines += ["", "## Methods (PRISMA 2020 items 6-8)", ""]
        lines += [f"{sentence}\n" for sentence in methods]
    return "\n".join(lines).rstrip() + "\n"


def _source_rows(
    dbr: LaneCounts, other: LaneCounts, both: bool, *, per_database: bool = True
) -> list[tuple[str, object, object]]:
    """The rows under Records identified: each source (``per_database``), else each kind of
    source (databases, registers, websites ...), as the diagram's box has them."""
    out: list[tuple[str, object, object]] = []
    if not per_database:
        for method, total in dbr.by_method():
            out.append((f"of which {METHOD_LABELS.get(method, method)}", total, ""))
        if both:
            for method, total in other.by_method():
                out.append((f"of which {METHOD_LABELS.get(method, method)}", "", total))
        return out
    for source in dbr.sources:
        out.append((f"of which {source.name} ({source.method})", source.records, ""))
    if both:
        for source in other.sources:
            label = METHOD_LABELS.get(source.method, source.method).lower()
            out.append((f"of which {source.name} ({label})", "", source.records))
    return out
