"""Values the deduplication engine produces and consumes.

Records are referred to by their position in the input sequence (``int``) inside one run, and
by :data:`~cen_search.models.RecordId` (stable across runs) in decisions kept on disk.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from cen_search.models import RecordId


class Verdict(StrEnum):
    """What the engine concluded about a pair of records."""

    DUPLICATE = "duplicate"
    DISTINCT = "distinct"
    UNCERTAIN = "uncertain"


class PreprintPolicy(StrEnum):
    """Whether a preprint and its journal version count as duplicates."""

    SEPARATE = "separate"
    """Keep them apart (each is its own record in the PRISMA counts)."""
    MERGE = "merge"
    """Treat them as one record."""


@dataclass(frozen=True, slots=True)
class DedupeOptions:
    """Settings of one deduplication run (defaults are what the benchmarks are scored with)."""

    preprint_policy: PreprintPolicy = PreprintPolicy.SEPARATE


@dataclass(frozen=True, slots=True)
class PairVerdict:
    """The engine's judgement on one candidate pair, with everything needed to explain it."""

    a: int
    """Index of the first record in the run's input (``a < b``)."""
    b: int
    verdict: Verdict
    rule: str
    """Name of the rule or veto that decided (``"doi+title"``, ``"veto:erratum"``)."""
    score: float
    """How likely the pair is a duplicate, 0-1 (ranks the review queue)."""
    scores: Mapping[str, float] = field(default_factory=dict)
    """Per-field similarity, 0-1 (``title``, ``authors``, ``container``, ``pages`` ...)."""
    reasons: tuple[str, ...] = ()
    """Human-readable facts behind the verdict ("DOIs differ: 10.1/a vs 10.1/b")."""


@dataclass(frozen=True, slots=True)
class PairDecision:
    """A person's decision on a pair, kept across runs."""

    a: RecordId
    b: RecordId
    same: bool
    """True: the two records are duplicates; False: they are distinct."""
    by: str = ""
    at: str = ""
    """ISO timestamp of the decision."""
    note: str = ""


@dataclass(frozen=True, slots=True)
class Cluster:
    """A group of records judged to be one bibliographic record (singletons included)."""

    id: str
    """Stable id of the cluster: derived from its members, the same for the same input."""
    members: tuple[int, ...]
    """Input indices of the members, sorted."""
    kept: int
    """Index of the member chosen as the most complete record."""
    links: tuple[PairVerdict, ...] = ()
    """The duplicate links (or human decisions) that joined the members."""

    @property
    def size(self) -> int:
        return len(self.members)


@dataclass(frozen=True, slots=True)
class DedupeResult:
    """Everything one deduplication run decided. Nothing is dropped: every input record is a
    member of exactly one cluster."""

    clusters: tuple[Cluster, ...]
    uncertain: tuple[PairVerdict, ...]
    """Pairs the engine could not decide, most likely duplicates first."""
    candidate_pairs: int = 0
    """How many pairs blocking produced (for benchmarks)."""
    cluster_of: Mapping[int, int] = field(default_factory=dict)
    """Input index -> position of its cluster in :attr:`clusters`."""
