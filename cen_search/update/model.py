"""The values an update round is described by: its sources, what each did in the round, what
is new, and the summary a run hands to the CLI, the digest and ``--json``."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

SourceStatus = Literal["ran", "imported", "skipped", "to-run", "awaited"]
"""Where one source stands in the round: searched through its API (``ran``), its export
imported (``imported``), marked skipped by a person, still to run on its API (also after a
failed run), or its export awaited."""

DONE: frozenset[str] = frozenset({"ran", "imported", "skipped"})
"""Statuses that count as done for the round to be complete."""


@dataclass(frozen=True, slots=True)
class Window:
    """The dates an update round searches: records entered (or created) in the databases from
    ``since`` to ``until`` (``YYYY-MM-DD``)."""

    since: str
    until: str
    """Empty: up to the day the searches run."""
    overlap_days: int = 0
    reference: str = ""
    """The earlier search date the window continues from (``since`` + the overlap)."""

    def last_day(self, today: _dt.date) -> _dt.date:
        """The window's last day: ``until``, else ``today`` (an open window ends on the day
        the searches run)."""
        return _dt.date.fromisoformat(self.until) if self.until else today

    def describe(self) -> str:
        end = self.until or "the day of the search"
        text = f"{self.since} to {end}"
        if self.reference and self.overlap_days:
            text += f" (last search {self.reference}, {self.overlap_days} days' overlap)"
        return text


@dataclass(frozen=True, slots=True)
class Source:
    """A database (or register) the review searched: a saved strategy and the imports it
    produced, or the imports of one database that have no saved strategy."""

    key: str
    """The strategy's path (``strategies/medline-ovid.txt``), else ``db:<database>``."""
    database: str
    """Name shown to people (the strategy header's database, else the imports')."""
    platform: str = ""
    strategy: str = ""
    """Workspace-relative path of its saved strategy ("" when there is none)."""
    strategy_id: str = ""
    names: tuple[str, ...] = ()
    """Every database name its imports were recorded under (compared without case)."""
    last_searched: str = ""
    """The latest date it was searched in an earlier round (``YYYY-MM-DD``; "" unknown)."""
    target: str = ""
    """The open API its strategy runs on in updates (``pubmed``, ``europepmc``,
    ``openalex``); empty: exported by hand."""
    target_reason: str = ""
    """Why that target (or why none)."""
    final_line: str = ""
    """The strategy's final line (its own number), for the export instructions."""
    closed_limits: tuple[str, ...] = ()
    """Publication-date limits of the strategy that end before the window does (``line 28:
    yr="2003 - 2019"``): an update opens them."""
    saved_until: str = ""
    """The strategy header's ``date_to`` (the last date its own limits allowed), if any."""
    problem: str = ""
    """Why its strategy cannot be read or run ("" when it can)."""


@dataclass(frozen=True, slots=True)
class Export:
    """What to export by hand for one source, and how to import it."""

    source: str
    """The source's key."""
    database: str
    steps: tuple[str, ...]
    """What to do, in order, worded for people (the date limit to apply, what to export,
    the import command)."""
    since: str
    until: str
    verify: str = ""
    """What in the instruction could not be confirmed offline ([verify])."""


@dataclass(frozen=True, slots=True)
class SourceState:
    """One source in the current round."""

    source: Source
    status: SourceStatus
    imports: tuple[str, ...] = ()
    """Manifest ids of its imports in this round."""
    records: int = 0
    """Records imported for it in this round."""
    runs: tuple[str, ...] = ()
    """Workspace-relative run records of its strategy runs in this round."""
    note: str = ""
    """The reason it was skipped, the failure, or what its run changed (limits opened)."""
    export: Export | None = None
    """For an awaited source: what to export."""


@dataclass(frozen=True, slots=True)
class NewRecord:
    """A report first identified in the round: what a reviewer will screen."""

    report_id: str
    title: str
    journal: str
    year: str
    sources: tuple[str, ...]
    """Databases (or other sources) of its records in this round."""
    doi: str = ""
    pmid: str = ""
    method: str = "database"
    """How its first record was found (``database``, ``citation`` ...)."""


@dataclass(frozen=True, slots=True)
class News:
    """A record of this round that belongs with a report of an earlier round without being a
    copy of it: an erratum, comment or reply, the full paper of a conference abstract ..."""

    record: NewRecord
    relation: str
    """The dedupe engine's relation (``erratum-of``, ``abstract-of``, ``version-of`` ...)."""
    known_report: str
    """The earlier report's id."""
    known_title: str
    known_outcome: str
    """Where the earlier report stands: ``included``, ``excluded at full text``, ``awaiting``
    ..."""
    study: str = ""
    """The study the earlier report is linked to ("" when none)."""
    evidence: str = ""
    new_is_subject: bool = True
    """The relation is about the new record (it is the erratum, the abstract ...); False when
    it is about the earlier one (the new record is the article an earlier erratum corrects,
    the full paper of an earlier abstract)."""


@dataclass(frozen=True, slots=True)
class SourceCount:
    """Records of one source (database or other method) imported in the round."""

    source: str
    method: str
    records: int
    already_known: int
    """Copies of reports identified in an earlier round (duplicates against earlier rounds)."""
    new: int
    """Records belonging to reports first identified in this round."""


@dataclass(frozen=True, slots=True)
class Changes:
    """What the round brought, folded from the imports, the dedupe result and the logs."""

    round: str
    counts: tuple[SourceCount, ...] = ()
    duplicates_earlier: int = 0
    """Records of the round that copy a report of an earlier round."""
    duplicates_within: int = 0
    """Records of the round beyond the first of a report first identified in it."""
    new_reports: tuple[NewRecord, ...] = ()
    to_screen: int = 0
    """Reports of the round still to screen at title/abstract (or in conflict there)."""
    full_text_to_do: int = 0
    """Reports of the round (or reopened in it) still to assess at full text."""
    reopened: tuple[str, ...] = ()
    """Report ids whose awaiting/ongoing outcome of an earlier round is open again."""
    reopened_pending: int = 0
    news: tuple[News, ...] = ()
    newly_included: int = 0
    """Reports whose inclusion was recorded in this round."""

    @property
    def records(self) -> int:
        return sum(c.records for c in self.counts)


@dataclass(frozen=True, slots=True)
class Failure:
    """A step of the run that failed; the others went on."""

    step: str
    """``run medline-ovid on pubmed``, ``trace``, ``import trace records`` ..."""
    code: str
    """The error's kebab-case code (``remote-service`` ...)."""
    message: str
    hint: str = ""
    exit_code: int = 1


@dataclass(frozen=True, slots=True)
class Traced:
    """Citation tracing in the round."""

    seeds: int = 0
    """Studies newly included in this round that were traced (or already had been)."""
    new_records: int = 0
    """New works tracing found in this run."""
    imported: tuple[str, ...] = ()
    """Manifest ids of trace records imported into the round in this run."""
    note: str = ""


@dataclass(frozen=True, slots=True)
class RoundReport:
    """The state of an update round: its sources, what is new, what awaits a person."""

    round: str
    window: Window
    started: str
    sources: tuple[SourceState, ...]
    changes: Changes
    earlier_rounds: tuple[str, ...]
    other_imports: tuple[str, ...] = ()
    """Imports of the round that belong to no source of an earlier round (a new database,
    other methods)."""
    undecided_pairs: int = 0
    """Uncertain duplicate pairs a person has to decide (``cen-search dedupe review``)."""

    @property
    def complete(self) -> bool:
        """Every source of the earlier rounds searched in this round, or skipped."""
        return all(s.status in DONE for s in self.sources)

    @property
    def awaited(self) -> tuple[SourceState, ...]:
        return tuple(s for s in self.sources if s.status in ("awaited", "to-run"))


@dataclass(frozen=True, slots=True)
class RunSummary:
    """What one ``update run`` did, and the round as it stands after it."""

    report: RoundReport
    ran: tuple[str, ...] = ()
    """Sources whose strategy ran in this invocation."""
    already_ran: tuple[str, ...] = ()
    """Sources whose strategy had already run in the round (not repeated)."""
    failures: tuple[Failure, ...] = ()
    traced: Traced = field(default_factory=Traced)
    digest: str = ""
    """Workspace-relative path of the round's digest."""
    changed: bool = False
    """True when this run added anything to the review (runs, imports, trace rounds)."""
    details: Mapping[str, Any] = field(default_factory=dict)
