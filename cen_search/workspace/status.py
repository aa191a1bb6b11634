"""``cen-search status``: what a review holds, what is wrong with it, and what to do next."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from cen_search.config import Settings
from cen_search.workspace.manifest import ImportEntry, Problem, check_raw

if TYPE_CHECKING:
    from cen_search.workspace.core import Workspace

DEDUPE_EVENT = "dedupe"
"""The ``log.jsonl`` event a dedupe run appends; the status compares it with the latest
import to say whether dedupe needs running (again)."""


@dataclass(frozen=True, slots=True)
class DatabaseSummary:
    """Imports and records of one database."""

    database: str
    imports: int
    records: int
    skipped: int
    searched: tuple[str, ...]
    """Distinct search dates, oldest first ("" when an import has none)."""


@dataclass(frozen=True, slots=True)
class Status:
    """A summary of the review: what is in it and what to do next."""

    root: str
    title: str
    imports: int
    records: int
    databases: tuple[DatabaseSummary, ...]
    """One row per database (names compared without case), in order of first import."""
    strategies: tuple[str, ...]
    """Saved strategy files, workspace-relative."""
    problems: tuple[Problem, ...]
    """Missing or modified raw exports and orphans (raw copies no manifest line refers to)."""
    next_steps: tuple[str, ...]


def review_status(ws: Workspace) -> Status:
    """Summarise ``ws`` (cheap: counts come from the manifest; raw copies are checksummed)."""
    settings = ws.settings
    entries = ws.imports()
    problems = [p for p in (check_raw(ws.root, entry) for entry in entries) if p]
    problems += [
        Problem(
            rel,
            "is not in imports/manifest.jsonl (an interrupted import, or copied in by hand)",
            f"import it (cen-search import {rel} --database NAME) or delete it",
        )
        for rel in ws.orphans(entries)
    ]
    groups: dict[str, list[ImportEntry]] = {}
    for entry in entries:
        groups.setdefault(entry.database.casefold(), []).append(entry)
    databases = tuple(
        DatabaseSummary(
            database=group[0].database,
            imports=len(group),
            records=sum(e.records for e in group),
            skipped=sum(e.skipped for e in group),
            searched=tuple(sorted({e.searched for e in group})),
        )
        for group in groups.values()
    )
    strategies = tuple(ws.strategies())
    events = [str(event.get("event", "")) for event in ws.events()]
    return Status(
        root=str(ws.root),
        title=settings.title,
        imports=len(entries),
        records=sum(e.records for e in entries),
        databases=databases,
        strategies=strategies,
        problems=tuple(problems),
        next_steps=tuple(next_steps(settings, entries, strategies, problems, events)),
    )


def next_steps(
    settings: Settings,
    entries: list[ImportEntry],
    strategies: tuple[str, ...],
    problems: list[Problem],
    events: list[str],
) -> list[str]:
    """What the user should do next, most urgent first."""
    steps = []
    if problems:
        steps.append("fix the problems listed above")
    if not settings.contact_email:
        steps.append("set contact_email in cen-search.toml (APIs ask for a contact address)")
    if not strategies:
        steps.append("no strategies yet: save each database's search strategy in strategies/")
    if not entries:
        steps.append(
            "no imports yet: cen-search import FILE --database NAME --searched-on YYYY-MM-DD"
        )
        return steps
    if any(not entry.searched for entry in entries):
        steps.append("some imports have no search date: give --searched-on on future imports")
    last_import = max((i for i, e in enumerate(events) if e == "import"), default=-1)
    last_dedupe = max((i for i, e in enumerate(events) if e == DEDUPE_EVENT), default=-1)
    if last_dedupe < 0:
        steps.append("run cen-search dedupe to find duplicate records")
    elif last_dedupe < last_import:
        steps.append("new imports since the last dedupe: run cen-search dedupe again")
    return steps
