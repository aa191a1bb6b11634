"""Finding the review's report for each row another tool exported.

Routes, in order, each tried only when the previous one found nothing certain:

1. **key**: the row's own ids (a Rayyan ``rayyan-123``, an accession number, a BibTeX key)
   equal a key or accession number of records of exactly one report; when both sides have a
   title they must be the same title too (keys are only unique within one export);
2. **doi**, then **pmid**: records of exactly one report have it;
3. **dedupe**: the dedupe engine, run with the rows' records against the review's
   (``deduplicate(rows, previous=review)``), puts the row with records of exactly one report.

A row matching several reports, or only an uncertain pair, is not matched; every unmatched
row is reported with the reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from cen_search.identity import _plain
from cen_search.models import Record
from cen_search.screening.reports import Library, Report
from cen_search.screening.tools.base import ToolRow, record_keys


@dataclass(frozen=True, slots=True)
class Match:
    row: ToolRow
    report: Report | None
    via: str
    """``key``, ``doi``, ``pmid``, ``dedupe``; "" when not matched."""
    reason: str = ""
    """Why it was not matched."""


def _index(
    library: Library,
) -> tuple[dict[str, set[int]], dict[str, set[int]], dict[str, set[int]]]:
    keys: dict[str, set[int]] = {}
    dois: dict[str, set[int]] = {}
    pmids: dict[str, set[int]] = {}
    for i, record in enumerate(library.records):
        for key in record_keys(record):
            keys.setdefault(key.casefold(), set()).add(i)
        if record.doi:
            dois.setdefault(record.doi.casefold(), set()).add(i)
        if record.pmid:
            pmids.setdefault(record.pmid, set()).add(i)
    return keys, dois, pmids


def _same_title(a: Record | None, b: Record) -> bool:
    if a is None or not a.title.strip() or not b.title.strip():
        return True
    return fuzz.token_set_ratio(_plain(a.title), _plain(b.title)) >= 85


def _reports(library: Library, indices: Iterable[int]) -> list[Report]:
    seen: dict[str, Report] = {}
    for i in indices:
        report = library.report_of_record(i)
        seen[report.report_id] = report
    return list(seen.values())


def match_rows(library: Library, rows: Sequence[ToolRow]) -> list[Match]:
    """One :class:`Match` per row, in order."""
    keys, dois, pmids = _index(library)
    matches: list[Match | None] = []
    ambiguous: dict[int, str] = {}
    for position, row in enumerate(rows):
        found: Match | None = None
        hits = {i for key in row.keys for i in keys.get(key.casefold(), ())}
        hits = {i for i in hits if _same_title(row.record, library.records[i])}
        for via, indices in (
            ("key", hits),
            ("doi", dois.get(row.doi.casefold(), set()) if row.doi else set()),
            ("pmid", pmids.get(row.pmid, set()) if row.pmid else set()),
        ):
            reports = _reports(library, indices)
            if len(reports) == 1:
                found = Match(row, reports[0], via)
                break
            if len(reports) > 1:
                ambiguous.setdefault(position, f"its {via} is shared by {len(reports)} reports")
        matches.append(found)
    _by_dedupe(library, rows, matches, ambiguous)
    out = []
    for position, (row, match) in enumerate(zip(rows, matches, strict=True)):
        if match is None:
            reason = ambiguous.get(position) or (
                "no record in the review has its key, DOI or PubMed id, and the dedupe "
                "engine found no duplicate"
                if row.record is not None
                else "no record in the review has its key (give the tool's articles export "
                "too, so that it can be matched by DOI, PubMed id or dedupe)"
            )
            match = Match(row, None, "", reason)
        out.append(match)
    return out


def _by_dedupe(
    library: Library,
    rows: Sequence[ToolRow],
    matches: list[Match | None],
    ambiguous: dict[int, str],
) -> None:
    """Fill the unmatched rows that have a record by deduplicating them against the review."""
    from cen_search.dedupe.engine import deduplicate

    todo = [p for p, m in enumerate(matches) if m is None and rows[p].record is not None]
    if not todo or not library.records:
        return
    records = [rows[p].record for p in todo]
    result = deduplicate(records, previous=library.records)  # type: ignore[arg-type]
    n = len(records)
    for cluster in result.clusters:
        new = [m for m in cluster.members if m < n]
        old = [m - n for m in cluster.members if m >= n]
        if not new or not old:
            continue
        reports = _reports(library, old)
        for m in new:
            position = todo[m]
            if len(reports) == 1:
                matches[position] = Match(rows[position], reports[0], "dedupe")
            else:
                ambiguous[position] = f"the dedupe engine puts it with {len(reports)} reports"
    for verdict in result.uncertain:
        a, b = sorted((verdict.a, verdict.b))
        if a < n <= b and matches[todo[a]] is None:
            ambiguous.setdefault(
                todo[a],
                "only an uncertain match: "
                + library.ref(b - n).describe()
                + " (decide it with cen-search dedupe review after importing the file, or "
                "match by hand)",
            )
