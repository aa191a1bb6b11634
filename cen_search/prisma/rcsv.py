"""The flow as the PRISMA2020 R package's CSV, so its Shiny app (and ``PRISMA_data()``) can
open it: columns ``data,node,box,description,boxtext,tooltips,url,n``, one row per value.

The package finds rows by substring match on ``data`` and splits the reason and per-database
cells on ``;`` and then at the first ``,`` (``"MEDLINE, 24; Embase, 37"``), so every label
written into such a cell is cleaned of ``,`` and ``;``. It builds Graphviz labels inside single
quotes, so ``'`` becomes ``’`` in every text cell. ``NA`` hides a box: the previous-studies arm
is ``NA`` for a new review, the other-methods arm when nothing was found by other methods.
The other-methods box has three slots (websites, organisations, citation searching): calls for
evidence and other methods go into the organisations slot, whose label then names them.
"""

from __future__ import annotations

import csv
import io
import re

from cen_search.prisma.model import LaneCounts, PrismaFlow

COLUMNS = ("data", "node", "box", "description", "boxtext", "tooltips", "url", "n")
NA = "NA"
_SEPARATORS = re.compile(r"\s*[,;]+\s*")


def clean_label(text: str) -> str:
    """A label the R package can split safely: no ``,`` or ``;``, no ``'``, one line."""
    text = " ".join(text.split())
    text = _SEPARATORS.sub(" - ", text).strip(" -")
    return text.replace("'", "’")


def _text(text: str) -> str:
    return " ".join(text.split()).replace("'", "’")


def _pairs(items: list[tuple[str, int]]) -> str:
    """``"Label, n; Label, n"``, or ``"0"`` when there is nothing (one plain number)."""
    if not items:
        return "0"
    return "; ".join(f"{clean_label(label)}, {count}" for label, count in items)


def _organisations(other: LaneCounts) -> tuple[int, str]:
    methods = dict(other.by_method())
    parts = [
        (label, methods[method])
        for method, label in (
            ("organisation", "Organisations"),
            ("call-for-evidence", "Call for evidence"),
            ("other", "Other methods"),
        )
        if method in methods
    ]
    if not parts:
        return 0, "Organisations"
    words = [label for label, _ in parts]
    text = words[0] if len(words) == 1 else " and ".join([", ".join(words[:-1]), words[-1]])
    return sum(count for _, count in parts), text


def rows(flow: PrismaFlow) -> list[tuple[str, ...]]:
    """Every row of the CSV, in the template's order."""
    update = flow.template == "update"
    new = "new " if update else ""
    dbr, other = flow.dbr, flow.other
    inc = flow.included
    show_other = other.used

    def value(count: int, shown: bool = True) -> str:
        return str(count) if shown else NA

    previous = update
    methods = dict(other.by_method())
    organisations, organisation_text = _organisations(other)
    removed_other = dbr.removed_other
    removed_other_text = "Records removed for other reasons"
    if update and flow.earlier_screened == "other":
        removed_other += dbr.duplicates_earlier
        removed_other_text = (
            flow.earlier_screened_label
            if not dbr.removed_other
            else f"{removed_other_text} or {flow.earlier_screened_label.lower()}"
        )
    databases = [(s.name, s.records) for s in dbr.sources_of("database")]
    registers = [(s.name, s.records) for s in dbr.sources_of("register")]
    out: list[tuple[str, ...]] = [
        (NA, "node4", "prevstud", "Grey title box; Previous studies", "Previous studies"),
        (
            "previous_studies",
            "node5",
            "box1",
            "Studies included in previous version of review",
            "Studies included in previous version of review",
            value(inc.previous_studies, previous),
        ),
        (
            "previous_reports",
            NA,
            "box1",
            "Reports of studies included in previous version of review",
            "Reports of studies included in previous version of review",
            value(inc.previous_reports, previous),
        ),
        (
            NA,
            "node6",
            "newstud",
            f"Yellow title box; Identification of {new}studies via databases and registers",
            f"Identification of {new}studies via databases and registers",
        ),
        (
            "database_results",
            "node7",
            "box2",
            "Records identified from: Databases",
            "Databases",
            str(sum(c for _, c in databases)),
        ),
        (
            "database_specific_results",
            NA,
            "box2",
            "Records identified from: each database",
            "Databases",
            _pairs(databases) if databases else NA,
        ),
        (
            "register_results",
            NA,
            "box2",
            "Records identified from: Registers",
            "Registers",
            str(sum(c for _, c in registers)),
        ),
        (
            "register_specific_results",
            NA,
            "box2",
            "Records identified from: each register",
            "Registers",
            _pairs(registers) if registers else NA,
        ),
        (
            NA,
            "node16",
            "othstud",
            f"Grey title box; Identification of {new}studies via other methods",
            f"Identification of {new}studies via other methods",
        ),
        (
            "website_results",
            "node17",
            "box11",
            "Records identified from: Websites",
            "Websites",
            value(methods.get("website", 0), show_other),
        ),
        (
            "organisation_results",
            NA,
            "box11",
            "Records identified from: Organisations",
            organisation_text,
            value(organisations, show_other),
        ),
        (
            "citations_results",
            NA,
            "box11",
            "Records identified from: Citation searching",
            "Citation searching",
            value(methods.get("citation", 0), show_other),
        ),
        (
            "duplicates",
            "node8",
            "box3",
            "Duplicate records",
            "Duplicate records",
            str(flow.duplicates_shown),
        ),
        (
            "excluded_automatic",
            NA,
            "box3",
            "Records marked as ineligible by automation tools",
            "Records marked as ineligible by automation tools",
            str(dbr.removed_automation),
        ),
        (
            "excluded_other",
            NA,
            "box3",
            "Records removed for other reasons",
            removed_other_text,
            str(removed_other),
        ),
        ("records_screened", "node9", "box4", "Records screened (databases and registers)",
         "Records screened", str(dbr.screened)),
        ("records_excluded", "node10", "box5", "Records excluded (databases and registers)",
         "Records excluded", str(dbr.screened_out)),
        ("dbr_sought_reports", "node11", "box6",
         "Reports sought for retrieval (databases and registers)",
         "Reports sought for retrieval", str(dbr.sought)),
        ("dbr_notretrieved_reports", "node12", "box7",
         "Reports not retrieved (databases and registers)", "Reports not retrieved",
         str(dbr.not_retrieved)),
        ("other_sought_reports", "node18", "box12", "Reports sought for retrieval (other)",
         "Reports sought for retrieval", value(other.sought, show_other)),
        ("other_notretrieved_reports", "node19", "box13", "Reports not retrieved (other)",
         "Reports not retrieved", value(other.not_retrieved, show_other)),
        ("dbr_assessed", "node13", "box8",
         "Reports assessed for eligibility (databases and registers)",
         "Reports assessed for eligibility", str(dbr.assessed)),
        ("dbr_excluded", "node14", "box9", "Reports excluded (databases and registers)",
         "Reports excluded", _pairs([(r.reason, r.reports) for r in dbr.reasons])),
        ("other_assessed", "node20", "box14", "Reports assessed for eligibility (other)",
         "Reports assessed for eligibility", value(other.assessed, show_other)),
        ("other_excluded", "node21", "box15", "Reports excluded (other)", "Reports excluded",
         _pairs([(r.reason, r.reports) for r in other.reasons]) if show_other else NA),
        ("new_studies", "node15", "box10", f"{'New studies' if update else 'Studies'} "
         "included in review", f"{'New studies' if update else 'Studies'} included in review",
         str(inc.new_studies)),
        ("new_reports", NA, "box10", f"Reports of {new}included studies",
         f"Reports of {new}included studies", str(inc.new_reports)),
        ("total_studies", "node22", "box16", "Total studies included in review",
         "Total studies included in review", str(inc.studies)),
        ("total_reports", NA, "box16", "Reports of total included studies",
         "Reports of total included studies", str(inc.reports)),
        ("identification", "node1", "identification", "Blue identification box",
         "Identification"),
        ("screening", "node2", "screening", "Blue screening box", "Screening"),
        ("included", "node3", "included", "Blue included box", "Included"),
        ("total_studies_ma", "node23", "box17", "Total studies included in meta-analysis",
         "Total studies included in meta-analysis", NA),
        ("total_reports_ma", NA, "box17", "Reports of total included studies in meta-analysis",
         "Reports of total included studies in meta-analysis", NA),
    ]  # fmt: skip
    return [_full(row) for row in out]


def _full(row: tuple[str, ...]) -> tuple[str, ...]:
    """A row with all eight columns: tooltips repeat the description; no URLs."""
    data, node, box, description, boxtext = row[:5]
    n = row[5] if len(row) > 5 else "0"
    return (data, node, box, _text(description), _text(boxtext), _text(description), NA, n)


def to_csv(flow: PrismaFlow) -> str:
    """The CSV text (``\\n`` line ends, UTF-8 when written)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows(flow))
    return buffer.getvalue()
