"""Screening in a spreadsheet: a sheet per reviewer and stage, and reading it back.

The sheet is CSV that Excel opens as it is (UTF-8 with a byte-order mark, CRLF line ends),
one row per report with what a reviewer needs to decide (title, authors, year, journal,
abstract, keywords, DOI, PubMed id) and three columns to fill: ``decision``, ``reasons``
(several separated by ``;``, the primary one first) and ``note``. It is pre-filled with the
reviewer's decisions in force, so a sheet can be exported, filled in part, imported, and
exported again. ``report_id`` and ``members`` (the member records' uids) find the report
again, also after a new dedupe run; ``stage`` and ``reviewer`` say whose decisions they are.

Reading it back tolerates what spreadsheets do to CSV: another encoding (cp1252), ``;`` or tab
as the separator, columns moved, extra columns, a decision typed ``Yes`` or ``x``. A sheet with
a bad row is refused whole, with every bad row named; nothing is half-imported. A row whose
decision equals the reviewer's vote in force adds nothing, so importing a sheet twice adds
nothing.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cen_search.errors import CenSearchError, InputError, UsageError
from cen_search.fsutil import atomic_open
from cen_search.screening.actions import (
    check_reviewer,
    check_stage,
    normalise_decision,
    vote_event,
)
from cen_search.screening.events import Event
from cen_search.screening.flow import Screening
from cen_search.screening.queue import Queue
from cen_search.screening.reports import Report
from cen_search.screening.tools.base import read_table, record_keys
from cen_search.spreadsheet import cell_text, text_cell
from cen_search.wording import count

if TYPE_CHECKING:
    from cen_search.workspace import Workspace

COLUMNS = (
    "report_id",
    "title",
    "authors",
    "year",
    "journal",
    "abstract",
    "keywords",
    "doi",
    "pmid",
    "decision",
    "reasons",
    "note",
    "stage",
    "reviewer",
    "records",
    "members",
)
"""The sheet's columns, in order."""
IDENTITY = ("report_id", "members")
"""Columns that find a row's report again (either will do)."""
_REASON_SPLIT = re.compile(r"\s*[;|\n]\s*")


def _cell(text: str) -> str:
    """A cell value Excel shows as text (:func:`cen_search.spreadsheet.text_cell`)."""
    return text_cell(text)


def _uncell(text: str) -> str:
    return cell_text(text.strip())


def sheet_rows(screening: Screening, queue: Queue, *, todo_only: bool = False) -> list[list[str]]:
    """The rows of ``queue``'s sheet (header first)."""
    library = screening.library
    rows: list[list[str]] = [list(COLUMNS)]
    for report in queue.pending if todo_only else queue.reports:
        record = library.records[report.kept]
        vote = (
            screening.folded.report(report.report_id).stage(queue.stage).votes.get(queue.reviewer)
        )
        records = []
        for m in report.members:
            member = library.records[m]
            database = library.origins[m].database or member.source_database
            keys = record_keys(member)
            records.append(f"{database}:{keys[0] if keys else member.provenance.index}")
        values = {
            "report_id": report.report_id,
            "title": " ".join(record.title.split()),
            "authors": "; ".join(a.display() for a in record.authors),
            "year": str(record.year or ""),
            "journal": record.container or record.container_abbrev,
            "abstract": " ".join(record.abstract.split()),
            "keywords": "; ".join(record.keywords),
            "doi": record.doi,
            "pmid": record.pmid,
            "decision": vote.decision if vote else "",
            "reasons": "; ".join(vote.reasons) if vote else "",
            "note": vote.note if vote else "",
            "stage": queue.stage,
            "reviewer": queue.reviewer,
            "records": " | ".join(records),
            "members": " ".join(report.uids),
        }
        rows.append([_cell(values[c]) for c in COLUMNS])
    return rows


WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm", ".xls", ".ods")


def check_sheet_output(path: Path) -> None:
    """Refuse, before anything is written, a sheet that would be a workbook in name or in
    fact: the sheet is CSV, which Excel refuses to open under a workbook's name, and a
    workbook a reviewer saved holds their decisions (it is read, never written)."""
    from cen_search.spreadsheet import is_workbook

    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        raise UsageError(
            f"-o {path}: the sheet is CSV, which Excel will not open under a "
            f"{path.suffix} name; nothing was written",
            hint=f"give -o a .csv name ({path.with_suffix('.csv').name}); Excel opens it as "
            "it is, and a workbook saved from it imports too",
        )
    try:
        with path.open("rb") as fh:
            start = fh.read(4)
    except OSError:
        return
    if is_workbook(start):
        raise UsageError(
            f"-o {path}: an Excel workbook; cen-search reads decisions from it but never "
            "writes into it, so nothing was written",
            hint=f"import its decisions with cen-search screen import {path}, and give -o a "
            "new .csv name",
        )


def write_sheet(path: Path, rows: Sequence[Sequence[str]]) -> None:
    """Write ``rows`` as Excel-ready CSV (UTF-8 with BOM, CRLF), atomically (see
    :func:`check_sheet_output` for the names refused)."""
    check_sheet_output(path)
    with atomic_open(path, newline="", encoding="utf-8-sig") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerows(rows)


# -- reading a filled sheet ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SheetRow:
    line: int
    values: dict[str, str]


@dataclass
class SheetImport:
    """What reading a sheet found."""

    events: list[Event] = field(default_factory=list)
    """New votes to append."""
    unchanged: int = 0
    """Rows whose decision is already in force."""
    blank: int = 0
    """Rows without a decision (not decided yet)."""
    reviewers: set[str] = field(default_factory=set)


def read_sheet_rows(path: Path) -> list[SheetRow]:
    """Every row of a sheet as ``column -> value`` (columns matched without case)."""
    header, rows = read_table(path)
    if not header:
        raise InputError(f"{path}: the sheet is empty")
    header = [h.lower() for h in header]
    if "decision" not in header or not any(column in header for column in IDENTITY):
        raise InputError(
            f"{path}: not a screening sheet (it needs a decision column and a report_id or "
            "members column)",
            hint="import a sheet written by cen-search screen export, or give --from for "
            "another tool's export",
        )
    return [
        SheetRow(
            line, {h: _uncell(values[i]) if i < len(values) else "" for i, h in enumerate(header)}
        )
        for line, values in rows
    ]


def looks_like_sheet(path: Path) -> bool:
    """True when the header names a ``decision`` column and a ``report_id`` or ``members``
    column, read as :func:`read_sheet_rows` reads it."""
    try:
        header = {h.lower() for h in read_table(path)[0]}
    except (OSError, CenSearchError):
        return False
    return "decision" in header and any(column in header for column in IDENTITY)


def _find(screening: Screening, row: dict[str, str]) -> Report | None:
    report = screening.library.by_id.get(row.get("report_id", "").strip())
    if report is not None:
        return report
    uids = row.get("members", "").split()
    found = screening.library.locate(uids, ())
    if len(found) == 1:
        return screening.library.by_id[found[0]]
    return None


def import_sheet(
    screening: Screening,
    path: Path,
    *,
    ws: Workspace,
    reviewer: str = "",
    stage: str = "",
    default_reviewer: str = "",
) -> SheetImport:
    """The votes a filled sheet adds (``reviewer``/``stage`` override the sheet's columns;
    ``default_reviewer`` is used for rows that name nobody). Every bad row is named in one
    :class:`InputError`; then nothing is imported."""
    outcome = SheetImport()
    problems: list[str] = []
    latest: dict[tuple[str, str, str], Event] = {}
    # (report, stage, reviewer) -> the first line deciding it, and what it said
    seen: dict[tuple[str, str, str], tuple[int, tuple[object, ...]]] = {}
    for row in read_sheet_rows(path):
        where = f"{path.name}:{row.line}"
        decision = row.values.get("decision", "").strip()
        if not decision:
            outcome.blank += 1
            continue
        try:
            row_stage = check_stage(stage or row.values.get("stage", "") or "ta")
            by = check_reviewer(reviewer or row.values.get("reviewer", "") or default_reviewer)
            report = _find(screening, row.values)
            if report is None:
                raise UsageError(
                    f"report {row.values.get('report_id', '')!r} is not in the review (nor "
                    "are its member records)"
                )
            normalised = normalise_decision(decision, row_stage)
            given = row.values.get("reasons", "") or row.values.get("reason", "")
            reasons = [r for r in _REASON_SPLIT.split(given) if r]
            event = vote_event(
                screening,
                report,
                ws=ws,
                by=by,
                stage=row_stage,
                decision=normalised,
                reasons=reasons,
                note=row.values.get("note", ""),
                source=f"sheet:{path.name}",
            )
        except UsageError as exc:
            problems.append(f"{where}: {exc.message}")
            continue
        key = (report.report_id, row_stage, by)
        said = (event.decision, event.reasons, event.note)
        first_line, first_said = seen.setdefault(key, (row.line, said))
        if first_said != said:
            problems.append(
                f"{where}: {report.report_id} is on line {first_line} too, with another "
                f"decision for {by} at {row_stage}"
            )
            continue
        outcome.reviewers.add(by)
        current = screening.folded.report(report.report_id).stage(row_stage).votes.get(by)
        if current is not None and (current.decision, current.reasons, current.note) == (
            event.decision,
            event.reasons,
            event.note,
        ):
            outcome.unchanged += 1
            continue
        latest[(report.report_id, row_stage, by)] = event
    if problems:
        shown = "\n  ".join(problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise InputError(
            f"{path}: {count(len(problems), 'row')} cannot be imported; nothing was imported:\n  "
            f"{shown}{more}",
            hint="correct those rows (decision: include / exclude / maybe; reasons from "
            "[screening] reasons, by text or number) and import the sheet again",
        )
    outcome.events = list(latest.values())
    return outcome
