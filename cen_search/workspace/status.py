"""``cen-search status``: what a review holds, what is wrong with it, and what to do next.

The workspace reports what it owns itself (imports, problems with raw copies, leftovers of
interrupted writes); every stage adds a :class:`StatusSection` of its own through
:data:`SECTION_PROVIDERS` — dotted names of functions ``section(ws) -> StatusSection | None``,
imported only when a status is asked for, so the workspace never imports the stages. A stage
whose module is absent, or that has nothing to say yet, gives no section.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

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
class StatusSection:
    """What one stage of the review has to say in ``cen-search status``."""

    name: str
    """Stable key (``dedupe``, ``strategies``, ``screening`` ...), also the ``--json`` key."""
    title: str
    """Heading shown to people."""
    lines: tuple[str, ...] = ()
    """Facts, one per line, already worded for people."""
    data: Mapping[str, Any] = field(default_factory=dict)
    """The same facts as data for ``--json``."""
    problems: tuple[Problem, ...] = ()
    next_steps: tuple[str, ...] = ()


SECTION_PROVIDERS: tuple[str, ...] = (
    "cen_search.strategies.status:section",
    "cen_search.dedupe.status:section",
    "cen_search.trace.status:section",
    "cen_search.screening.status:section",
    "cen_search.prisma.status:section",
    "cen_search.update.status:section",
)
"""Where each stage's status section comes from, in display order."""


def stage_sections(ws: Workspace) -> list[StatusSection]:
    """The sections of every stage that has something to say."""
    sections = []
    for dotted in SECTION_PROVIDERS:
        module_name, _, attribute = dotted.partition(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name and module_name.startswith(exc.name):
                continue  # the stage is not built (yet)
            raise
        provider: Callable[[Workspace], StatusSection | None] = getattr(module, attribute)
        section = provider(ws)
        if section is not None:
            sections.append(section)
    return sections


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
    """Missing or modified raw exports, orphans (raw copies no manifest line refers to),
    temporary files left by interrupted writes, damaged logs, and the stages' problems."""
    next_steps: tuple[str, ...]
    sections: tuple[StatusSection, ...] = ()
    """What each stage (strategies, dedupe, tracing, screening ...) reports."""


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
    problems += housekeeping_problems(ws)
    strategies = tuple(ws.strategies())
    events = [str(event.get("event", "")) for event in ws.events(allow_torn=True)]
    sections = stage_sections(ws)
    steps = next_steps(settings, entries, strategies, problems, events)
    for section in sections:
        problems += section.problems
        steps += [step for step in section.next_steps if step not in steps]
    return Status(
        root=str(ws.root),
        title=settings.title,
        imports=len(entries),
        records=sum(e.records for e in entries),
        databases=databases,
        strategies=strategies,
        problems=tuple(problems),
        next_steps=tuple(steps),
        sections=tuple(sections),
    )


def housekeeping_problems(ws: Workspace) -> list[Problem]:
    """Temporary files of writes a killed command left behind, and logs whose last line
    was cut short."""
    from cen_search.fsutil import temp_leftovers, torn_tail

    found = [
        Problem(
            ws.relative(path),
            "is a temporary file left by an interrupted command",
            "the next command that changes the review removes it (or run cen-search repair)",
        )
        for path in temp_leftovers(ws.root)
    ]
    for log in ws.logs():
        tail = torn_tail(log)
        if tail:
            found.append(
                Problem(
                    ws.relative(log),
                    f"its last line is cut short ({len(tail)} bytes)",
                    "run cen-search repair to set it aside, or restore it from version control",
                )
            )
    return found


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
