"""The round's digest: a short Markdown page of what is new, for a team to read or post, and
the same facts as JSON (``update/<round>/summary.json``, and ``update run --json``).

The digest says where the searches stand (each source: run, imported, skipped, or what to
export with the date limit), how many records each source gave and how many of them were
already in the review, lists every new record (title, journal, year, sources, DOI and PubMed
links), the news about studies already known (an erratum of an included study, the full paper
of an earlier abstract), and what is left for people to do. It holds nothing that changes
when nothing changed (no time stamp), so a run that finds nothing new leaves it as it was.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from cen_search.fsutil import atomic_write_text
from cen_search.update import store
from cen_search.update.changes import relation_phrase
from cen_search.update.model import Failure, NewRecord, RoundReport, SourceState, Traced
from cen_search.wording import count

if TYPE_CHECKING:
    from cen_search.workspace import Workspace

SUMMARY_SCHEMA_VERSION = 1
_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def md(text: str) -> str:
    """``text`` safe inside Markdown (emphasis, links, tables and HTML characters escaped)."""
    return _SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def _source_row(state: SourceState) -> dict[str, Any]:
    source = state.source
    return {
        "source": source.key,
        "database": source.database,
        "platform": source.platform,
        "strategy": source.strategy,
        "target": source.target,
        "status": state.status,
        "records": state.records,
        "imports": list(state.imports),
        "runs": list(state.runs),
        "note": state.note,
        "why": source.target_reason,
        "last_searched": source.last_searched,
        "closed_limits": list(source.closed_limits),
        "export": asdict(state.export) if state.export is not None else None,
    }


def summary_document(
    report: RoundReport, *, traced: Traced | None = None, failures: Sequence[Failure] = ()
) -> dict[str, Any]:
    """The round as data: stable snake_case keys (see docs/update.md)."""
    from cen_search.update.status import waiting_for_people

    changes = report.changes
    document: dict[str, Any] = {
        "round": report.round,
        "started": report.started,
        "earlier_rounds": list(report.earlier_rounds),
        "window": asdict(report.window),
        "complete": report.complete,
        "sources": [_source_row(s) for s in report.sources],
        "awaited": [s.source.database for s in report.awaited],
        "other_imports": list(report.other_imports),
        "new_records_per_source": {c.source: c.records for c in changes.counts},
        "per_source": [asdict(c) for c in changes.counts],
        "records": changes.records,
        "duplicates_earlier_rounds": changes.duplicates_earlier,
        "duplicates_within_round": changes.duplicates_within,
        "new_reports": len(changes.new_reports),
        "records_to_screen": changes.to_screen,
        "full_texts_to_assess": changes.full_text_to_do,
        "reopened": list(changes.reopened),
        "newly_included": changes.newly_included,
        "news": [{**asdict(n), "phrase": relation_phrase(n)} for n in changes.news],
        "new": [asdict(r) for r in changes.new_reports],
        "undecided_pairs": report.undecided_pairs,
        "waiting_for": waiting_for_people(report),
    }
    if traced is not None:
        document["traced"] = asdict(traced)
    document["failures"] = [asdict(f) for f in failures]
    return document


def _links(record: NewRecord) -> str:
    parts = []
    if record.doi:
        parts.append(f"<https://doi.org/{record.doi}>")
    if record.pmid:
        parts.append(f"<https://pubmed.ncbi.nlm.nih.gov/{record.pmid}/>")
    return " ".join(parts)


def _cite(record: NewRecord) -> str:
    title = md(record.title) or "(no title)"
    bits = [title.rstrip(".") + "."]
    if record.journal:
        bits.append(f"*{md(record.journal)}*")
    if record.year:
        bits.append(f"({md(record.year)})")
    if record.sources:
        bits.append("— " + md(", ".join(record.sources)))
    links = _links(record)
    return " ".join(bits) + (f" {links}" if links else "")


def digest_markdown(
    report: RoundReport, *, title: str = "", failures: Sequence[Failure] = ()
) -> str:
    """The digest page (see the module docstring)."""
    from cen_search.update.status import waiting_for_people

    changes = report.changes
    out = [f"# Update {md(report.round)}" + (f": {md(title)}" if title else ""), ""]
    out.append(f"Searches for records entered from {md(report.window.describe())}.")
    out.append("")
    out += ["## Searches", "", "| database | status | records |", "|---|---|---:|"]
    for state in report.sources:
        source = state.source
        status = {
            "ran": f"run on {source.target}",
            "imported": "export imported",
            "skipped": "skipped" + (f": {state.note}" if state.note else ""),
            "to-run": f"to run on {source.target}",
            "awaited": "export awaited",
        }[state.status]
        out.append(f"| {md(source.database)} | {md(status)} | {state.records} |")
    out.append("")
    if changes.counts:
        out += ["## What is new", "", "| source | records | already in the review | new |"]
        out.append("|---|---:|---:|---:|")
        for c in changes.counts:
            out.append(f"| {md(c.source)} | {c.records} | {c.already_known} | {c.new} |")
        out.append("")
    out.append(
        f"{count(len(changes.new_reports), 'new record')} "
        f"({count(changes.duplicates_within, 'duplicate')} within the round, "
        f"{count(changes.duplicates_earlier, 'record')} already in the review)."
    )
    out.append("")
    if changes.new_reports:
        out += ["## New records", ""]
        out += [f"{n}. {_cite(r)}" for n, r in enumerate(changes.new_reports, start=1)]
        out.append("")
    if changes.news:
        out += ["## News about studies already in the review", ""]
        for news in changes.news:
            study = f"study {news.study}, " if news.study else ""
            out.append(
                f"- {_cite(news.record)} is {md(relation_phrase(news))} "
                f"“{md(news.known_title)}” ({study}{md(news.known_outcome)})"
            )
        out.append("")
    if changes.reopened:
        out.append(
            f"{count(len(changes.reopened), 'report')} awaiting classification or ongoing in "
            "an earlier round are to be assessed again."
        )
        out.append("")
    if not changes.newly_included:
        out += [
            "Citation tracing of the studies included in this round runs once some are "
            "included (cen-search update run).",
            "",
        ]
    todo = [t for t in waiting_for_people(report) if not t.startswith("export ")]
    if todo or failures:
        out += ["## Still to do", ""]
        out += [f"- {md(item)}" for item in todo]
        out += [f"- failed: {md(f.step)}: {md(f.message)}" for f in failures]
        out.append("")
    exports = [s for s in report.sources if s.export is not None]
    if exports:
        out += ["## Exports to make", ""]
        for state in exports:
            assert state.export is not None
            out.append(f"- {md(state.source.database)}:")
            out += [f"  {n}. {md(step)}" for n, step in enumerate(state.export.steps, start=1)]
            if state.export.verify:
                out.append(f"  ({md('[verify] ' + state.export.verify)})")
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def write_round_files(
    ws: Workspace, report: RoundReport, *, failures: Sequence[Failure] = ()
) -> str:
    """Write ``update/<round>/digest.md`` and ``summary.json`` (only when they change);
    returns the digest's workspace-relative path."""
    folder = store.round_folder(ws, report.round)
    digest = folder / store.DIGEST_NAME
    text = digest_markdown(report, title=ws.settings.title, failures=failures)
    document = {
        "schema_version": SUMMARY_SCHEMA_VERSION,
        **summary_document(report, failures=failures),
    }
    blob = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    with ws.lock():
        for path, content in ((digest, text), (folder / store.SUMMARY_NAME, blob)):
            if not path.is_file() or path.read_text(encoding="utf-8") != content:
                atomic_write_text(path, content)
    return ws.relative(digest)


__all__ = ["digest_markdown", "md", "summary_document", "write_round_files"]
