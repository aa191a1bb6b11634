"""Reports grouped into studies: PRISMA's bottom box counts studies and their reports apart.

A ``link`` event puts a report in a study (an id the team chooses, ``S07``); several reports
(the main paper, a conference abstract, a follow-up) can share one. The dedupe engine links
records that belong together without being duplicates (an erratum and its article, a
conference abstract and the full paper: ``DedupeResult.links``, or ``dedupe/links.csv`` when
the last run wrote it); those links are *suggested* here, never applied: a person confirms
them with ``cen-search screen link``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cen_search.screening.flow import Screening
from cen_search.screening.reports import Report


@dataclass(frozen=True, slots=True)
class Suggestion:
    """Two reports the dedupe engine found belonging together."""

    a: Report
    b: Report
    relation: str
    """The engine's relation (``erratum-of``, ``abstract-of``, ``version-of`` ...)."""
    evidence: str
    study: str
    """The study either is already linked to ("" when neither is)."""


@dataclass(frozen=True, slots=True)
class StudyGroup:
    study: str
    reports: tuple[Report, ...]
    """Its included reports."""
    others: tuple[Report, ...] = ()
    """Reports linked to it that are not (or not yet) included."""


def study_groups(screening: Screening) -> tuple[list[StudyGroup], list[Report]]:
    """The studies of the included reports, and the included reports not linked yet."""
    by_study: dict[str, list[Report]] = {}
    others: dict[str, list[Report]] = {}
    unlinked: list[Report] = []
    for report in screening.reports:
        state = screening.state(report)
        if state.study:
            (by_study if state.included else others).setdefault(state.study, []).append(report)
        elif state.included:
            unlinked.append(report)
    groups = [
        StudyGroup(study, tuple(reports), tuple(others.get(study, ())))
        for study, reports in sorted(by_study.items(), key=lambda kv: _natural(kv[0]))
    ]
    return groups, unlinked


def suggestions(screening: Screening) -> list[Suggestion]:
    """Dedupe's links between reports at least one of which is included, not both in one
    study already."""
    library = screening.library
    found: dict[tuple[str, str], Suggestion] = {}
    for link in library.record_links:
        a, b = library.report_of_record(link.a), library.report_of_record(link.b)
        if a.report_id == b.report_id:
            continue
        sa, sb = screening.state(a), screening.state(b)
        if not (sa.included or sb.included):
            continue
        if sa.study and sa.study == sb.study:
            continue
        key = (min(a.report_id, b.report_id), max(a.report_id, b.report_id))
        found.setdefault(key, Suggestion(a, b, link.relation, link.evidence, sa.study or sb.study))
    return list(found.values())


def _natural(text: str) -> tuple[object, ...]:
    return tuple(int(p) if p.isdigit() else p.casefold() for p in re.split(r"(\d+)", text))


def new_study_ids(existing: set[str], n: int, *, prefix: str = "S") -> list[str]:
    """``n`` study ids ``S01``, ``S02`` ... not in ``existing`` (width grows past 99)."""
    out: list[str] = []
    number = 1
    width = max(2, len(str(n + len(existing))))
    taken = {s.casefold() for s in existing}
    while len(out) < n:
        candidate = f"{prefix}{number:0{width}d}"
        if candidate.casefold() not in taken:
            out.append(candidate)
        number += 1
    return out


def known_studies(screening: Screening) -> set[str]:
    return {state.study for state in screening.states.values() if state.study}
