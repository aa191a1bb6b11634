"""The PRISMA-S search table of a review, as Markdown and CSV.

One row per saved strategy (PRISMA-S items 1, 8, 9, 10, 13, 14, 15): database, platform,
coverage, date searched, limits and filters, records, and the strategy exactly as pasted. The
number of records comes from the strategy header (``records:``), else from the imports linked
to the strategy in ``imports/manifest.jsonl``, else from its latest run on the same database
(a PubMed strategy run on PubMed); the table says which.
Each strategy's latest run on an open API (``runs/``) adds a row of its own (PRISMA-S 12,
updates), with its date window and the translated final query.

Limits are what the strategy's own lines apply (``limit 27 to yr="2003 - 2019"``) and what its
header states; nothing else (the review's date window is not a limit of a strategy). A strategy
kept verbatim without a parser (Web of Science, Scopus...) has a row like any other, marked
"not parsed". Every database imported into the review (``imports/manifest.jsonl``) without a
saved strategy gets a row "no saved strategy", so the table never hides a search.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from cen_search.fsutil import atomic_open, atomic_write_text
from cen_search.strategies import runlog
from cen_search.strategies.ast import Limit, walk
from cen_search.strategies.fields import database_key
from cen_search.strategies.store import import_search_dates

if TYPE_CHECKING:
    from cen_search.strategies.ast import Strategy
    from cen_search.workspace import ImportEntry, Workspace

CSV_COLUMNS = (
    "database",
    "platform",
    "coverage",
    "date_searched",
    "limits",
    "filters",
    "records",
    "records_source",
    "peer_review",
    "strategy_file",
    "kind",
    "strategy",
    "status",
)
NO_STRATEGY = "no saved strategy"
"""``kind`` and ``status`` of the row of an imported database without a saved strategy."""
SEARCHED_METHODS = frozenset({"database", "register", "website"})
"""Import methods whose searches have a strategy to report."""


@dataclass(frozen=True, slots=True)
class SearchRow:
    """One search of the review, as PRISMA-S reports it."""

    database: str
    platform: str
    coverage: str
    date_searched: str
    limits: str
    filters: str
    records: int | None
    records_source: str
    """``header``, ``imports``, ``run`` or empty when unknown."""
    peer_review: str
    strategy_file: str
    kind: str
    """``database`` (a saved strategy as run on its platform), ``api run``, or
    ``no saved strategy`` (a database imported into the review without a strategy file)."""
    strategy: str
    """The strategy exactly as pasted (or, for an API run, the query sent for the final line)."""
    status: str = ""
    """``not parsed: <why>`` for a strategy kept verbatim, ``no saved strategy``, else empty."""


def line_limits(strategy: Strategy) -> list[str]:
    """The limits the strategy's own lines apply, each once, in order:
    ``set 28: publication year 2003 to 2019``."""
    from cen_search.strategies.checks import line_name
    from cen_search.strategies.describe import restriction

    found: list[str] = []
    for line in strategy.lines:
        for node in walk(line.node):
            if isinstance(node, Limit) and node.restrictions:
                text = ", ".join(restriction(r) for r in node.restrictions)
                entry = f"set {line_name(line)}: {text}"
                if entry not in found:
                    found.append(entry)
    return found


def _limits(strategy: Strategy) -> str:
    """The limits as one cell: those the header states, then those the lines apply."""
    meta = strategy.meta
    parts = []
    if meta.date_from or meta.date_to:
        parts.append(f"dates {meta.date_from or '…'} to {meta.date_to or 'present'}")
    if meta.languages:
        parts.append("languages: " + ", ".join(meta.languages))
    parts.extend(meta.limits)
    parts.extend(line_limits(strategy))
    return "; ".join(parts)


def _filters(strategy: Strategy) -> str:
    """The header's search filters with their sources, as one cell."""
    return "; ".join(
        f"{item.name} ({item.source})" if item.source else item.name
        for item in strategy.meta.filters
    )


def strategy_row(
    strategy: Strategy,
    *,
    relpath: str,
    imported: int | None,
    latest: runlog.SavedRun | None,
    searched: Sequence[str] = (),
) -> SearchRow:
    """The row of one saved strategy; ``imported`` = records imported from its exports,
    ``searched`` = the dates they were searched (used when the header gives none)."""
    meta = strategy.meta
    records: int | None = meta.records
    source = "header" if records is not None else ""
    if records is None and imported is not None:
        records, source = imported, "imports"
    if records is None and latest is not None and isinstance(latest.record.get("total"), int):
        records, source = int(latest.record["total"]), "run"
    section = strategy.sections[0] if strategy.sections else None
    return SearchRow(
        database=meta.database or (section.database if section else ""),
        platform=meta.platform or (str(section.platform).capitalize() if section else ""),
        coverage=meta.coverage or (section.coverage if section else ""),
        date_searched=meta.searched_on
        or (section.searched_on if section else "")
        or ", ".join(sorted(set(searched))),
        limits=_limits(strategy),
        filters=_filters(strategy),
        records=records,
        records_source=source,
        peer_review=meta.peer_review,
        strategy_file=relpath,
        kind="database",
        strategy=strategy.body.strip("\n"),
        status=f"not parsed: {strategy.not_parsed}" if not strategy.parsed else "",
    )


def run_row(run: runlog.SavedRun, relpath: str) -> SearchRow:
    """The row of an API run (its latest record)."""
    record = run.record
    window = record.get("date_window") or {}
    limits = ""
    if window:
        limits = (
            f"{window.get('kind', 'entry')} date {window.get('from') or '…'} to {window.get('to')}"
        )
    final = str(record.get("final_line", ""))
    sent = next(
        (line.get("sent", "") for line in record.get("lines", []) if str(line.get("key")) == final),
        "",
    )
    translation = record.get("translation") or {}
    note = f"translated by cen-search from {relpath} ({translation.get('lossiness', '?')})"
    return SearchRow(
        database=str(record.get("database", record.get("target", ""))),
        platform=str(record.get("platform", "")),
        coverage="",
        date_searched=str(record.get("run_at", ""))[:10],
        limits=limits,
        filters="",
        records=record.get("total") if isinstance(record.get("total"), int) else None,
        records_source="run",
        peer_review="",
        strategy_file=relpath,
        kind="api run",
        strategy=f"{sent}\n\n[{note}]" if sent else f"[{note}]",
    )


def _words(name: str) -> tuple[str, ...]:
    return tuple(re.findall(r"[a-z0-9]+", name.casefold()))


def same_database(a: str, b: str) -> bool:
    """True when two database names name the same database: the same known database
    (``Ovid MEDLINE(R) ALL`` and ``MEDLINE``), or one name continuing the other
    (``Web of Science`` and ``Web of Science Core Collection``), since databases are named
    with or without their edition, segment or years."""
    key_a, key_b = database_key(a), database_key(b)
    if key_a or key_b:
        return key_a == key_b
    words_a, words_b = _words(a), _words(b)
    if not words_a or not words_b:
        return False
    shorter, longer = sorted((words_a, words_b), key=len)
    return longer[: len(shorter)] == shorter


def missing_rows(
    entries: Sequence[ImportEntry], strategies: Sequence[tuple[str, Strategy]]
) -> list[SearchRow]:
    """One row per database imported without a saved strategy: ``entries`` are the review's
    imports (API runs left out), ``strategies`` its ``(relpath, strategy)`` files. Imports of
    records found by citation searching, organisations, calls for evidence or other methods
    have no search strategy to report (PRISMA 2020 item 7 asks for those of databases,
    registers and websites), so they get no row."""
    files = {relpath for relpath, _ in strategies}
    names = [
        name
        for _, strategy in strategies
        for name in (strategy.meta.database, *(s.database for s in strategy.sections))
        if name
    ]
    groups: dict[str, list[ImportEntry]] = {}
    for entry in entries:
        if entry.method not in SEARCHED_METHODS:
            continue
        if entry.strategy in files or any(same_database(entry.database, n) for n in names):
            continue
        key = next((k for k in groups if same_database(k, entry.database)), entry.database)
        groups.setdefault(key, []).append(entry)
    rows = []
    for database, group in groups.items():
        platforms = sorted({e.platform for e in group if e.platform})
        dates = sorted({e.searched for e in group if e.searched})
        rows.append(
            SearchRow(
                database=database,
                platform=", ".join(platforms),
                coverage="",
                date_searched=", ".join(dates),
                limits="",
                filters="",
                records=sum(e.records for e in group),
                records_source="imports",
                peer_review="",
                strategy_file="",
                kind=NO_STRATEGY,
                strategy="",
                status=NO_STRATEGY,
            )
        )
    return rows


def search_table(workspace: Workspace) -> list[SearchRow]:
    """Every saved strategy of the review and the latest API run of each, in file order,
    then a row for each imported database that has no saved strategy."""
    from cen_search.strategies import load_strategy

    api_files = {
        (run.record.get("import") or {}).get("file") for run in runlog.all_runs(workspace.root)
    }
    entries = [e for e in workspace.imports() if e.file not in api_files]
    imported: dict[str, int] = {}
    for entry in entries:
        if entry.strategy:
            imported[entry.strategy] = imported.get(entry.strategy, 0) + entry.records
    searched = import_search_dates(entries)
    rows: list[SearchRow] = []
    loaded: list[tuple[str, Strategy]] = []
    for relpath in workspace.strategies():
        if not relpath.endswith((".txt", ".yaml", ".yml")):
            continue
        strategy = load_strategy(workspace.root / relpath)
        loaded.append((relpath, strategy))
        saved = runlog.runs(workspace.root, runlog.strategy_id_of(strategy))
        database = (strategy.meta.database or "").casefold()
        same_database = [
            r for r in saved if str(r.record.get("database", "")).casefold() == database
        ]
        rows.append(
            strategy_row(
                strategy,
                relpath=relpath,
                imported=imported.get(relpath),
                latest=same_database[-1] if same_database else None,
                searched=searched.get(relpath, ()),
            )
        )
        latest_by_target = {run.target: run for run in saved}
        rows.extend(run_row(run, relpath) for run in latest_by_target.values())
    rows.extend(missing_rows(entries, loaded))
    return rows


def _cell(text: str) -> str:
    """``text`` on one line, safe inside a Markdown table cell."""
    return " ".join(text.split()).replace("|", "\\|")


def to_markdown(rows: Sequence[SearchRow], *, title: str = "") -> str:
    """The table, then each strategy verbatim in a fenced block (PRISMA-S item 8)."""
    lines = [f"# Search strategies{': ' + title if title else ''}", ""]
    lines.append(
        "| # | Database | Platform | Coverage | Date searched | Limits and filters "
        "| Records | Strategy |"
    )
    lines.append("|---|---|---|---|---|---|---|---|")
    for number, row in enumerate(rows, start=1):
        limits = "; ".join(filter(None, [row.limits, row.filters])) or "none stated"
        records = "" if row.records is None else f"{row.records:,}"
        if records and row.records_source:
            records += f" ({row.records_source})"
        link = f"[S{number}](#s{number})"
        if row.kind == NO_STRATEGY:
            link, limits = f"{link}: no saved strategy", "unknown (no saved strategy)"
        elif row.status:
            link += " (not parsed)"
        lines.append(
            f"| {number} | {_cell(row.database) or '?'} | {_cell(row.platform) or '?'} | "
            f"{_cell(row.coverage)} | {row.date_searched or '?'} | {_cell(limits)} | "
            f"{records or 'not recorded'} | {link} |"
        )
    lines.append("")
    for number, row in enumerate(rows, start=1):
        lines.append(f'<a id="s{number}"></a>')
        heading = f"## S{number}. {row.database or row.strategy_file}"
        if row.platform:
            heading += f" ({row.platform})"
        lines.append(heading)
        lines.append("")
        details = [f"- File: `{row.strategy_file}`", f"- Date searched: {row.date_searched or '?'}"]
        if row.coverage:
            details.append(f"- Coverage: {row.coverage}")
        if row.peer_review:
            details.append(f"- Peer review: {row.peer_review}")
        if row.kind == NO_STRATEGY:
            details = [
                f"- Date searched: {row.date_searched or '?'}",
                "- No strategy saved for this database: records were imported, but the search "
                "that found them is not recorded (save it with `cen-search strategy new`).",
            ]
        elif row.status:
            details.append(
                f"- Kept verbatim, {row.status} (shown exactly as pasted; not checked by "
                "cen-search)."
            )
        lines.extend(details)
        lines.append("")
        if row.kind == NO_STRATEGY:
            continue
        fence = "````" if "```" in row.strategy else "```"
        lines.extend([fence + "text", row.strategy, fence, ""])
    return "\n".join(lines)


def _csv_cells(row: SearchRow) -> list[str]:
    """The cells of :data:`CSV_COLUMNS` for one search."""
    return [
        row.database,
        row.platform,
        row.coverage,
        row.date_searched,
        row.limits,
        row.filters,
        "" if row.records is None else str(row.records),
        row.records_source,
        row.peer_review,
        row.strategy_file,
        row.kind,
        row.strategy,
        row.status,
    ]


def write_csv(rows: Sequence[SearchRow], fh: TextIO) -> int:
    """One CSV row per search (strategy text in full, newlines kept inside the cell)."""
    writer = csv.writer(fh, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow(_csv_cells(row))
    return len(rows)


def too_long_for_excel(rows: Sequence[SearchRow]) -> list[tuple[str, str, int]]:
    """``(database, column, characters)`` of every cell :func:`write_csv` writes that is longer
    than Excel's cell limit (a strategy of hundreds of lines): the CSV holds it whole, but
    Excel cuts it short when it opens the file."""
    from cen_search.formats._csv_write import EXCEL_CELL_LIMIT

    return [
        (row.database, column, len(cell))
        for row in rows
        for column, cell in zip(CSV_COLUMNS, _csv_cells(row), strict=True)
        if len(cell) > EXCEL_CELL_LIMIT
    ]


def write_report(
    workspace: Workspace,
    *,
    markdown: Path | None = None,
    csv_path: Path | None = None,
    title: str = "",
) -> list[SearchRow]:
    """Build the table and write the requested files (atomically)."""
    rows = search_table(workspace)
    if markdown is not None:
        atomic_write_text(markdown, to_markdown(rows, title=title))
    if csv_path is not None:
        with atomic_open(csv_path, encoding="utf-8-sig") as fh:
            write_csv(rows, fh)
    return rows
