"""What screening hands on to PRISMA and updates: each record's and report's state.

These values are *folded* from the workspace (imports, the dedupe result, the screening logs);
nothing here is stored. :func:`cen_search.screening.flow.flow_state` builds a
:class:`FlowState` for a review; :mod:`cen_search.prisma` counts its boxes from it. Units are
kept apart as PRISMA 2020 keeps them: a *record* is one imported entry; a *report* is a
deduplicated record (a cluster of records), the unit screened, sought, retrieved and assessed;
a *study* groups the reports linked to it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

Lane = Literal["dbr", "other"]
"""PRISMA's two lanes: databases and registers, or other methods."""

Stage = Literal["ta", "ft"]
"""Title/abstract screening, or full-text assessment."""

DBR_METHODS = frozenset({"database", "register"})
"""Import methods of the databases-and-registers lane (the others are "other methods")."""


class TaOutcome(StrEnum):
    """A report's title/abstract result once every vote and resolution is folded in."""

    PENDING = "pending"
    """Not yet screened (or not by enough reviewers)."""
    CONFLICT = "conflict"
    """Reviewers disagree and no resolution was recorded."""
    INCLUDE = "include"
    """Go on to full text ("maybe" resolves to this)."""
    EXCLUDE = "exclude"


class Retrieval(StrEnum):
    """Whether the full text of a report was sought and found."""

    NOT_SOUGHT = "not-sought"
    """Excluded (or not yet included) at title/abstract."""
    PENDING = "pending"
    """Sought, outcome not recorded yet."""
    RETRIEVED = "retrieved"
    NOT_RETRIEVED = "not-retrieved"


class FtOutcome(StrEnum):
    """A report's full-text result."""

    NOT_ASSESSED = "not-assessed"
    """Not retrieved, or not sought."""
    PENDING = "pending"
    CONFLICT = "conflict"
    """Include against exclude, or excludes with different primary reasons, unresolved."""
    INCLUDE = "include"
    EXCLUDE = "exclude"
    AWAITING = "awaiting"
    """Awaiting classification (Cochrane): re-opened at the next update."""
    ONGOING = "ongoing"
    """An ongoing study: re-opened at the next update."""


@dataclass(frozen=True, slots=True)
class RecordState:
    """One imported record and the report it belongs to."""

    uid: str
    """Durable identity (:attr:`cen_search.identity.RecordRef.uid`)."""
    record_id: str
    """Checksum:position of this run (to find the record itself)."""
    database: str
    """Database (or source) it was imported under."""
    method: str
    """How it was found: ``database``, ``register``, ``citation``, ``website`` ... (the import's
    ``--method``); :data:`DBR_METHODS` are the databases-and-registers lane."""
    round: str
    """The review round of its import (``base`` for the first)."""
    report_id: str
    """The report (deduplicated record) it is a member of."""

    @property
    def lane(self) -> Lane:
        return "dbr" if self.method in DBR_METHODS else "other"


@dataclass(frozen=True, slots=True)
class ReportState:
    """One deduplicated record (a report) through screening, retrieval and assessment."""

    report_id: str
    """Stable id of the report: the uid of one member, kept the same when later rounds add
    records to it."""
    members: tuple[str, ...]
    """Uids of the records in it."""
    round: str
    """The round in which it was first identified (its earliest member's round)."""
    lane: Lane
    """``dbr`` when any member came from a database or register, else ``other``."""
    removed: str = ""
    """``automation`` or ``other`` when removed before screening; empty otherwise. A removed
    report is not screened: its other fields keep their defaults (``ta`` stays ``pending``),
    so count :attr:`screened` reports, not reports whose ``ta`` is pending."""
    removed_reason: str = ""
    ta: TaOutcome = TaOutcome.PENDING
    ta_by_automation: bool = False
    """True when the title/abstract exclusion was made by a tool, not a person."""
    retrieval: Retrieval = Retrieval.NOT_SOUGHT
    not_retrieved_reason: str = ""
    ft: FtOutcome = FtOutcome.NOT_ASSESSED
    ft_reason: str = ""
    """The primary exclusion reason at full text (one per report, as PRISMA counts)."""
    ft_reasons: tuple[str, ...] = ()
    """Every exclusion reason given at full text (the primary one first)."""
    study: str = ""
    """The study an included report is linked to (empty: not linked yet)."""
    decided_round: str = ""
    """The round in which its current full-text outcome was recorded."""
    ta_round: str = ""
    """The round in which its current title/abstract outcome was recorded ("" while pending
    or in conflict)."""
    reopened: str = ""
    """``awaiting`` or ``ongoing`` when that full-text outcome, recorded in an earlier round,
    was set aside because a later round started (see :mod:`cen_search.screening.reopen`):
    the report is assessed again in :attr:`reopened_round` (its :attr:`ft` says whether that
    is done); empty otherwise."""
    reopened_from: str = ""
    """The round in which that provisional outcome was recorded."""
    reopened_round: str = ""
    """The round in which the report is open again (the review's last round)."""

    @property
    def screened(self) -> bool:
        """True unless it was removed before screening (PRISMA's "records screened")."""
        return not self.removed

    @property
    def sought(self) -> bool:
        """Its full text was sought (included at title/abstract, not removed)."""
        return self.retrieval is not Retrieval.NOT_SOUGHT

    @property
    def assessed(self) -> bool:
        """Its full text was retrieved, so it is (or is to be) assessed for eligibility."""
        return self.retrieval is Retrieval.RETRIEVED

    @property
    def included(self) -> bool:
        return self.ft is FtOutcome.INCLUDE


@dataclass(frozen=True, slots=True)
class StageDesign:
    """How one stage was screened (for PRISMA item 8's methods sentence)."""

    stage: Stage
    reviewers: tuple[str, ...]
    """Everyone who voted at this stage (automation tools, ``tool:...``, are not reviewers)."""
    screened: int
    """Reports with at least one reviewer's vote, or a resolution (reports removed before
    screening left out: their votes are set aside)."""
    screened_by_two: int
    """Reports with independent votes from two or more reviewers."""
    sample: str = ""
    """How the double-screened reports were chosen, if by a recorded sample ("all includes
    and a random 20% of excludes, seed 20200115")."""
    conflicts: int = 0
    """Reports on which independent votes disagreed."""
    resolved_by: Mapping[str, int] = field(default_factory=dict)
    """How conflicts were resolved: method -> count (discussion, third reviewer ...)."""


@dataclass(frozen=True, slots=True)
class Agreement:
    """Agreement between two reviewers at one stage, on independent votes before resolution."""

    stage: Stage
    reviewers: tuple[str, str]
    n: int
    """Reports both voted on."""
    agreed: int
    kappa: float | None
    """Cohen's kappa (None when it is undefined, e.g. both gave one answer throughout)."""
    table: tuple[tuple[int, int], tuple[int, int]] = ((0, 0), (0, 0))
    """2x2 counts: rows the first reviewer include/exclude, columns the second."""
    kappa_ci: tuple[float, float] | None = None
    """Approximate 95% confidence interval of kappa (None when kappa is undefined)."""
    reason_n: int = 0
    """Full text: reports both excluded (their primary reasons compared)."""
    reason_agreed: int = 0
    """Full text: of those, how many with the same primary reason."""

    @property
    def percent(self) -> float:
        return 100.0 * self.agreed / self.n if self.n else 0.0


@dataclass(frozen=True, slots=True)
class FlowState:
    """Everything PRISMA counts, folded from the workspace."""

    records: tuple[RecordState, ...]
    reports: tuple[ReportState, ...]
    rounds: tuple[str, ...] = ("base",)
    """Every round, oldest first."""
    designs: tuple[StageDesign, ...] = ()
    agreements: tuple[Agreement, ...] = ()
    round_designs: Mapping[str, tuple[StageDesign, ...]] = field(default_factory=dict)
    """Round -> how each stage was screened for the reports of that round (first identified,
    or opened again, in it); filled when the review has several rounds (PRISMA's methods for
    an updated review's round)."""
    round_agreements: Mapping[str, tuple[Agreement, ...]] = field(default_factory=dict)
    """Round -> the agreement on the reports of that round."""
    exclusion_reasons: tuple[str, ...] = ()
    """The review's full-text exclusion reasons in their configured order (then any other
    reason a decision gives, e.g. one imported from another tool, by name)."""
    studies: tuple[str, ...] = ()
    """Every study id included reports are linked to, sorted."""
    problems: tuple[str, ...] = ()
    """What the fold could not apply: events naming records no longer in the review (kept
    in the log), events whose records are now in several reports."""
