"""The PRISMA-S search table of a review, as Markdown and CSV.

One row per saved strategy (PRISMA-S items 1, 8, 9, 10, 13, 14, 15): database, platform,
coverage, date searched, limits and filters, records, and the strategy exactly as pasted. The
number of records comes from the strategy header (``records:``), else from the imports linked
to the strategy in ``imports/manifest.jsonl``, else from its latest run on the same database
(a PubMed strategy run on PubMed); the table says which.
Each strategy's latest run on an open API (``runs/``) adds a row of its own (PRISMA-S 12,
updates), with its date window and the translated final query.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from cen_search.fsutil import atomic_open, atomic_write_text
from cen_search.strategies import runlog

if TYPE_CHECKING:
    from cen_search.strategies.ast import Strategy
    from cen_search.workspace import Workspace

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
)


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
    """``database`` (a saved strategy as run on its platform) or ``api run``."""
    strategy: str
    """The strategy exactly as pasted (or, for an API run, the query sent for the final line)."""


def _limits(strategy: Strategy) -> str:
    """The header's date, language and other limits, as one cell."""
    meta = strategy.meta
    parts = []
    if meta.date_from or meta.date_to:
        parts.append(f"dates {meta.date_from or '…'} to {meta.date_to or 'present'}")
    if meta.languages:
        parts.append("languages: " + ", ".join(meta.languages))
    parts.extend(meta.limits)
    return "; ".join(parts)


def _filters(strategy: Strategy) -> str:
    """The header's search filters with their sources, as one cell."""
    return "; ".join(
        f"{item.name} ({item.source})" if item.source else item.name
        for item in strategy.meta.filters
    )


def strategy_row(
    strategy: Strategy, *, relpath: str, imported: int | None, latest: runlog.SavedRun | None
) -> SearchRow:
    """The row of one saved strategy; ``imported`` = records imported from its exports."""
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
        date_searched=meta.searched_on or (section.searched_on if section else ""),
        limits=_limits(strategy),
        filters=_filters(strategy),
        records=records,
        records_source=source,
        peer_review=meta.peer_review,
        strategy_file=relpath,
        kind="database",
        strategy=strategy.body.strip("\n"),
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


def search_table(workspace: Workspace) -> list[SearchRow]:
    """Every saved strategy of the review and the latest API run of each, in file order."""
    from cen_search.strategies import load_strategy

    api_files = {
        (run.record.get("import") or {}).get("file") for run in runlog.all_runs(workspace.root)
    }
    imported: dict[str, int] = {}
    for entry in workspace.imports():
        if entry.strategy and entry.file not in api_files:
            imported[entry.strategy] = imported.get(entry.strategy, 0) + entry.records
    rows: list[SearchRow] = []
    for relpath in workspace.strategies():
        if not relpath.endswith((".txt", ".yaml", ".yml")):
            continue
        strategy = load_strategy(workspace.root / relpath)
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
            )
        )
        latest_by_target = {run.target: run for run in saved}
        rows.extend(run_row(run, relpath) for run in latest_by_target.values())
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
        lines.append(
            f"| {number} | {_cell(row.database) or '?'} | {_cell(row.platform) or '?'} | "
            f"{_cell(row.coverage)} | {row.date_searched or '?'} | {_cell(limits)} | "
            f"{records or 'not recorded'} | [S{number}](#s{number}) |"
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
        lines.extend(details)
        lines.append("")
        fence = "````" if "```" in row.strategy else "```"
        lines.extend([fence + "text", row.strategy, fence, ""])
    return "\n".join(lines)


def write_csv(rows: Sequence[SearchRow], fh: TextIO) -> int:
    """One CSV row per search (strategy text in full, newlines kept inside the cell)."""
    writer = csv.writer(fh, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow(
            [
                row.database,
                row.platform,
                row.coverage,
                row.date_searched,
                row.limits,
                row.filters,
                "" if row.records is None else row.records,
                row.records_source,
                row.peer_review,
                row.strategy_file,
                row.kind,
                row.strategy,
            ]
        )
    return len(rows)


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
        with atomic_open(csv_path) as fh:
            write_csv(rows, fh)
    return rows
