"""What a tool reader returns: rows of decisions, each with what identifies its record."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from cen_search.models import Record


@dataclass(frozen=True, slots=True)
class ToolOptions:
    """Choices the user gives on the command line (``--stage``, ``--reviewer`` ...)."""

    stage: str = ""
    """Stage the decisions were made at ("" : the tool's usual stage, or inferred)."""
    reviewer: str = ""
    """Whose decisions they are when the file does not say."""
    decision: str = ""
    """Covidence: the decision every record of the file had (when the file name does not
    say it)."""
    reviewer_map: Mapping[str, str] = field(default_factory=dict)
    """Names in the file -> reviewer names in the review."""
    articles: Path | None = None
    """Rayyan: the articles export that goes with a ``customizations_log.csv``."""
    unseen: str = ""
    """ASReview: ``automation`` to record records nobody labelled as removed by automation
    (an active-learning stop); "" to leave them unscreened."""

    def who(self, name: str) -> str:
        """The review's name for a reviewer named ``name`` in the file."""
        name = " ".join(name.split())
        for key in (name, name.casefold(), name.split("@", 1)[0]):
            for given, mapped in self.reviewer_map.items():
                if given.strip().casefold() == key.casefold():
                    return mapped
        return name.split("@", 1)[0] if "@" in name else name


@dataclass(frozen=True, slots=True)
class ToolVote:
    """One decision found in the file."""

    by: str
    stage: str
    decision: str
    """``include``/``exclude``/``maybe`` (full text also ``awaiting``/``ongoing``)."""
    origin: str
    """Identifies the decision within the tool's exports: importing it again adds nothing."""
    reasons: tuple[str, ...] = ()
    note: str = ""
    at: str = ""
    """When it was made (ISO 8601) if the file says; else the import time."""
    final: bool = False
    """True for a team's final decision (Covidence's included/excluded lists): recorded as
    a resolution, not a vote."""


@dataclass(frozen=True, slots=True)
class ToolRow:
    """One row (record) of the file and the decisions on it."""

    where: str
    """``file:line`` or ``file: record N`` for messages."""
    keys: tuple[str, ...] = ()
    """The record's own ids in the tool (``rayyan-123``, a Covidence number, an accession
    number), matched against the review's record keys."""
    doi: str = ""
    pmid: str = ""
    record: Record | None = None
    """The record as the file gives it (for matching by the dedupe engine)."""
    votes: tuple[ToolVote, ...] = ()
    unlabelled: bool = False
    """True when the tool says nobody decided on it (ASReview *not seen*)."""


@dataclass
class ToolFile:
    """Everything a reader found in one file."""

    tool: str
    kind: str
    """What the file is (``articles``, ``event log``, ``labels`` ...), for messages."""
    rows: list[ToolRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Things the user should know (labels ignored, decisions not understood ...)."""
    unit: str = "row"
    """What one of ``rows`` is, for messages: a row of the file, or an ``article`` whose
    decisions were gathered from several rows (Rayyan's event log)."""


def iso_time(text: str) -> str:
    """An ISO 8601 time in UTC (``2021-05-12T11:08:41.919Z`` ->
    ``2021-05-12T11:08:41.919+00:00``); "" when ``text`` is not one."""
    value = text.strip()
    if not value:
        return ""
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace(" ", "T", 1))
    except ValueError:
        return ""
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    spec = "milliseconds" if parsed.microsecond else "seconds"
    return parsed.astimezone(UTC).isoformat(timespec=spec)


def positional(record: Record) -> bool:
    """True when the record's key is only its position in the file (no id of its own)."""
    key = record.provenance.key
    return not key or (key.isdigit() and int(key) == record.provenance.index)


def record_keys(record: Record) -> tuple[str, ...]:
    """The record's own key (unless positional) and its accession numbers."""
    keys = [] if positional(record) else [record.provenance.key]
    keys += [a for a in record.accession_numbers if a not in keys]
    return tuple(k.strip() for k in keys if k.strip())


def row_of(record: Record, *, votes: tuple[ToolVote, ...], unlabelled: bool = False) -> ToolRow:
    where = (
        f"{Path(record.provenance.file).name}:{record.provenance.line or record.provenance.index}"
    )
    return ToolRow(
        where=where,
        keys=record_keys(record),
        doi=record.doi,
        pmid=record.pmid,
        record=record,
        votes=votes,
        unlabelled=unlabelled,
    )


def read_records(path: Path) -> list[Record]:
    """The records of a tool's export, read as any export is; an Excel workbook (a table the
    tool exported as CSV, then saved from Excel as ``.xlsx``) is read from its first worksheet
    as the CSV it was saved from."""
    from cen_search.formats import read_file
    from cen_search.reading import check_input_file, no_records_error, read_export
    from cen_search.spreadsheet import is_workbook, workbook_rows

    data = check_input_file(path)
    if not is_workbook(data):
        return list(read_export(path).records)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(workbook_rows(data, path=path))
    result = read_file(path, format="csv", data=buffer.getvalue().encode("utf-8"))
    if not result.records:
        raise no_records_error(path, result)
    return list(result.records)


def read_table(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """A CSV file's header and rows (each with the line it ends on; blank rows left out), as
    a spreadsheet may have saved it: decoded as the export readers decode (UTF-8 with or
    without a BOM, cp1252, UTF-16 "Unicode text" ...), the delimiter (``,``, ``;``, TAB or
    ``|``) detected as for any CSV export (:func:`cen_search.formats.csv.detect_delimiter`).
    An Excel workbook (``.xlsx``) is read from its first worksheet, rows numbered as Excel
    numbers them. Raises :class:`~cen_search.errors.EncodingError` for bytes no encoding
    reads."""
    from cen_search.formats.csv import detect_delimiter
    from cen_search.formats.textio import decode
    from cen_search.spreadsheet import is_workbook, workbook_rows

    data = path.read_bytes()
    if is_workbook(data):
        cells = workbook_rows(data, path=path)
        header = [h.strip() for h in (cells[0] if cells else [])]
        return header, [(n, row) for n, row in enumerate(cells[1:], start=2) if row]
    text = decode(data, path=str(path)).text
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=detect_delimiter(text, path=str(path))
    )
    header = [h.strip() for h in next(reader, [])]
    rows = [(reader.line_num, row) for row in reader if any(v.strip() for v in row)]
    return header, rows
