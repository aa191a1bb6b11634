"""The values of a PRISMA 2020 flow: counts per lane, the included box, identity checks.

Everything here is *computed* (:func:`cen_search.prisma.counts.compute_flow`) from the
screening fold (:class:`~cen_search.screening.model.FlowState`) and the import manifest; no
number is ever typed in. Units are kept apart as PRISMA 2020 keeps them: *records* are
identified and screened, *reports* are sought, retrieved and assessed, *studies* are included.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Template = Literal["new", "update"]
"""PRISMA 2020's template for a new review, or for an updated review (previous studies,
new studies and totals)."""

EarlierScreened = Literal["duplicates", "other"]
"""Where an update counts records already screened in an earlier round: among the duplicate
records removed (the default, PRISMA's definition of a duplicate), or as records removed for
other reasons."""

EARLIER_SCREENED_LABEL = "Records screened in a previous version"
"""The label used for them with ``earlier_screened = "other"`` (``[prisma]
earlier_screened_label`` changes it)."""

METHOD_LABELS: dict[str, str] = {
    "database": "Databases",
    "register": "Registers",
    "website": "Websites",
    "organisation": "Organisations",
    "citation": "Citation searching",
    "call-for-evidence": "Call for evidence",
    "other": "Other methods",
}
"""How each import ``--method`` is named in the boxes, in the template's order."""


@dataclass(frozen=True, slots=True)
class SourceCount:
    """Records identified from one source (a database, register, or other source)."""

    name: str
    """The source as imported (``--database``): ``MEDLINE``, ``Citation tracing`` ..."""
    method: str
    """The import ``--method`` (``database``, ``register``, ``citation`` ...)."""
    records: int
    platform: str = ""
    """Interface searched (``Ovid``), from the import manifest."""
    searched: tuple[str, ...] = ()
    """Dates searched, oldest first, from the import manifest."""


@dataclass(frozen=True, slots=True)
class ReasonCount:
    """Reports excluded at full text for one (primary) reason."""

    reason: str
    reports: int


@dataclass(frozen=True, slots=True)
class LaneCounts:
    """Every count of one lane: ``dbr`` (databases and registers) or ``other`` (other
    methods). In the other lane, *identified* counts distinct records not already found by a
    database or register (each under the method that found it first); the records that were
    are counted in :attr:`duplicates_cross_lane` (a footnote says how many)."""

    lane: str
    sources: tuple[SourceCount, ...] = ()
    identified: int = 0
    duplicates: int = 0
    """Duplicate records removed within this lane and round."""
    duplicates_earlier: int = 0
    """Records of this round matching a report identified in an earlier round (updates)."""
    duplicates_cross_lane: int = 0
    """Other lane: records of reports that a database or register also found."""
    removed_automation: int = 0
    removed_other: int = 0
    screened: int = 0
    excluded: int = 0
    """Excluded at title/abstract by a person."""
    excluded_automation: int = 0
    """Excluded at title/abstract by an automation tool."""
    screening_pending: int = 0
    screening_conflicts: int = 0
    sought: int = 0
    not_retrieved: int = 0
    retrieval_pending: int = 0
    assessed: int = 0
    reasons: tuple[ReasonCount, ...] = ()
    """Full-text exclusions by primary reason, in the review's reason order."""
    awaiting: int = 0
    ongoing: int = 0
    assessment_pending: int = 0
    assessment_conflicts: int = 0
    included: int = 0
    """Reports included (the lane's share of the included box)."""

    @property
    def excluded_reports(self) -> int:
        """Reports excluded at full text (every reason)."""
        return sum(reason.reports for reason in self.reasons)

    @property
    def screened_out(self) -> int:
        """Records excluded at title/abstract, by people and tools."""
        return self.excluded + self.excluded_automation

    def sources_of(self, method: str) -> tuple[SourceCount, ...]:
        return tuple(source for source in self.sources if source.method == method)

    def by_method(self) -> list[tuple[str, int]]:
        """(method, records) for each method with records, in :data:`METHOD_LABELS` order."""
        out = []
        for method in METHOD_LABELS:
            total = sum(s.records for s in self.sources_of(method))
            if total or any(self.sources_of(method)):
                out.append((method, total))
        return out

    @property
    def used(self) -> bool:
        """True when the lane identified anything (an unused other lane is not drawn)."""
        return bool(self.identified or self.duplicates_cross_lane or self.duplicates_earlier)


@dataclass(frozen=True, slots=True)
class IncludedCounts:
    """The Included row: studies and reports (and, for updates, previous / new / total)."""

    studies: int
    """Studies included in the review (new template), or in total (update template)."""
    reports: int
    new_studies: int = 0
    new_reports: int = 0
    previous_studies: int = 0
    previous_reports: int = 0
    unlinked: int = 0
    """Included reports not yet linked to a study: each counted as a study of its own."""
    reopened: int = 0
    """Reports identified in an earlier round and included in this one (counted as new)."""


@dataclass(frozen=True, slots=True)
class IdentityCheck:
    """One identity between counts, for one lane, and whether it holds."""

    name: str
    """Stable key: ``identified``, ``screened``, ``sought``, ``assessed``, ``studies``,
    ``totals``, ``new``."""
    lane: str
    """``dbr``, ``other`` or ``included``."""
    statement: str
    """What must hold, in PRISMA's words."""
    left: int
    right: int
    equation: str
    """The numbers, e.g. ``120 − 69 − 0 − 0 = 51``."""
    responsible: tuple[str, ...] = ()
    """Reports or records (ids and why) that break it."""

    @property
    def ok(self) -> bool:
        return self.left == self.right and not self.responsible


@dataclass(frozen=True, slots=True)
class PendingWork:
    """Decisions still to be made before the diagram is final."""

    what: str
    """Stable key: ``searches`` (an update round's), ``screening``, ``screening-conflicts``,
    ``retrieval``, ``assessment``, ``assessment-conflicts``, ``study-links``, ``reasons``."""
    count: int
    description: str
    examples: tuple[str, ...] = ()
    """A few of the reports concerned."""


@dataclass(frozen=True)
class PrismaFlow:
    """A whole PRISMA 2020 flow, computed from a review."""

    template: Template
    dbr: LaneCounts
    other: LaneCounts
    included: IncludedCounts
    identities: tuple[IdentityCheck, ...]
    pending: tuple[PendingWork, ...] = ()
    notes: tuple[str, ...] = ()
    """Footnotes: how choices were made (cross-lane records, earlier rounds, unlinked
    reports ...)."""
    round: str = ""
    """Update template: the round shown as new; new template: empty (all rounds pooled)."""
    previous_rounds: tuple[str, ...] = ()
    earlier_screened: EarlierScreened = "duplicates"
    earlier_screened_label: str = EARLIER_SCREENED_LABEL
    per_database: bool = True
    screening: bool = True
    """False when no screening fold was available (identification only: every report
    waits to be screened)."""
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def broken(self) -> tuple[IdentityCheck, ...]:
        return tuple(check for check in self.identities if not check.ok)

    @property
    def ok(self) -> bool:
        return not self.broken

    @property
    def final(self) -> bool:
        """Every identity holds and nothing is pending."""
        return self.ok and not self.pending

    def lanes(self) -> tuple[LaneCounts, ...]:
        return (self.dbr, self.other)

    @property
    def duplicates_shown(self) -> int:
        """The dbr lane's "Duplicate records removed" as drawn."""
        earlier = self.dbr.duplicates_earlier if self.earlier_screened == "duplicates" else 0
        return self.dbr.duplicates + earlier

    @property
    def removed_other_shown(self) -> int:
        """The dbr lane's "Records removed for other reasons" as drawn (without the earlier
        rounds' records, which have their own line when ``earlier_screened = "other"``)."""
        return self.dbr.removed_other
