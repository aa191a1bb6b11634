"""Values the deduplication engine produces and consumes.

Records are referred to by their position in the input sequence (``int``) inside one run, and
by :data:`~cen_search.models.RecordId` (stable across runs) in decisions kept on disk.

Indices: ``deduplicate(records, previous=...)`` numbers ``records`` ``0 .. len(records)-1`` and
the records of ``previous`` (an earlier library) after them, ``len(records) ..``; so an index
``i >= result.n_input`` refers to ``previous[i - result.n_input]``.
:meth:`DedupeResult.is_previous`, :meth:`DedupeResult.duplicates_of_previous` and
:meth:`DedupeResult.new_unique` answer the "annual update" questions.
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
    keep_previous: bool = True
    """In ``previous`` mode, keep the earlier library's copy of a cluster (the record users
    have already screened) rather than the most complete one."""
    review_chain_conflicts: bool = True
    """Send links refused by the cluster contradiction check to the review queue."""
    review_limit: float | None = None
    """Longest review queue as a share of the records (0.02: one pair per 50 records); the
    least likely pairs beyond it are left out and counted in
    :attr:`DedupeResult.uncertain_left_out`. ``None`` (the default): every uncertain pair is
    listed (on the labelled sets the queue stays under one pair per 50 records anyway)."""


class Relation(StrEnum):
    """How two records that are not duplicates belong together (a :class:`Link`)."""

    ERRATUM_OF = "erratum-of"
    """``a`` is an erratum, correction or retraction notice of ``b``."""
    COMMENT_ON = "comment-on"
    """``a`` comments on ``b``."""
    REPLY_TO = "reply-to"
    """``a`` replies to ``b`` (the authors' reply to a comment, or to the article's critics)."""
    ABSTRACT_OF = "abstract-of"
    """``a`` is a conference (or dissertation) abstract of the full report ``b``."""
    SAME_ABSTRACT = "same-abstract"
    """The same abstract printed twice (two journals' supplements, two abstract books)."""
    VERSION_OF = "version-of"
    """``a`` is another version of ``b``: an earlier version of a Cochrane review, a preprint
    (with ``--preprints separate``), a conference paper and its journal version."""
    REPUBLISHED = "republished"
    """The same paper printed twice (different DOIs, journals, volumes or years)."""
    SAME_TRIAL = "same-trial"
    """Registry entries and publications naming one trial registration number."""


@dataclass(frozen=True, slots=True)
class Link:
    """Two records of different clusters that belong together without being duplicates.

    Links never replace merges: two records the rules can merge are merged, not linked.
    """

    a: int
    """Input index of the record the relation is about (the erratum, the comment, the
    abstract, the earlier version ...); for symmetric relations the smaller index."""
    b: int
    """Input index of the record it relates to."""
    relation: Relation
    evidence: str
    """What ties them ("same title and authors; a one-page item in an earlier issue ...")."""
    rule: str
    """The engine's verdict on the pair that kept them apart (``veto:erratum``,
    ``veto:journal`` ...), or ``trial-id`` for links found through trial numbers."""


@dataclass(frozen=True, slots=True)
class PairVerdict:
    """The engine's judgement on one candidate pair, with everything needed to explain it."""

    a: int
    """Index of the first record in the run's input (``a < b``)."""
    b: int
    verdict: Verdict
    rule: str
    """Name of the rule that decided: a duplicate rule (``"doi"``, ``"title+authors"``,
    ``"bibliographic"`` ...), a veto (``"veto:erratum"``, ``"veto:doi"``), a review reason
    (``"review:pages"``, ``"review:chain-conflict"``), ``"no-match"``, or a person's decision
    (``"human:same"``). The rule table is in :mod:`cen_search.dedupe.rules`."""
    score: float
    """How likely the pair is a duplicate, 0-1 (ranks the review queue)."""
    scores: Mapping[str, float] = field(default_factory=dict)
    """Per-field evidence, fields that cannot be told left out: similarities 0-1 (``title``,
    ``authors``, ``journal``, ``abstract``), agreements 1/0 (``first_author``, ``volume``,
    ``issue``, ``pages``, ``doi``, ``pmid``, ``title_contained``) and ``year_gap`` in years."""
    reasons: tuple[str, ...] = ()
    """Human-readable facts behind the verdict ("DOIs differ: 10.1/a vs 10.1/b")."""
    link: Link | None = None
    """How the two records belong together although they are not duplicates (an erratum
    and its article ...); set on distinct pairs only (see :mod:`cen_search.dedupe.links`)."""


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
        """How many records the cluster holds."""
        return len(self.members)

    def link_of(self, member: int) -> PairVerdict | None:
        """The link that joined ``member`` to the cluster (``None`` for the first member and
        for singletons); its ``rule`` and ``score`` say why."""
        for link in self.links:
            if member in (link.a, link.b):
                return link
        return None


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
    n_input: int = 0
    """How many records were given as ``records``; larger indices are ``previous`` records."""
    uncertain_left_out: int = 0
    """Uncertain pairs beyond :attr:`DedupeOptions.review_limit`, not in :attr:`uncertain`."""
    links: tuple[Link, ...] = ()
    """Records of different clusters that belong together (an erratum and its article, a
    conference abstract and the full paper ...): one link per pair of clusters, see
    :mod:`cen_search.dedupe.links`."""

    def is_previous(self, index: int) -> bool:
        """True when ``index`` refers to a record of the earlier library (``previous``)."""
        return index >= self.n_input

    def duplicates_of_previous(self) -> dict[int, tuple[int, ...]]:
        """New record index -> indices of the earlier library's records it duplicates."""
        out: dict[int, tuple[int, ...]] = {}
        for cluster in self.clusters:
            old = tuple(m for m in cluster.members if m >= self.n_input)
            if old:
                for m in cluster.members:
                    if m < self.n_input:
                        out[m] = old
        return out

    def new_unique(self) -> tuple[int, ...]:
        """One new record per cluster that holds no earlier record: the new unique records
        (the cluster's kept record), sorted."""
        out = []
        for cluster in self.clusters:
            if all(m < self.n_input for m in cluster.members):
                out.append(cluster.kept)
        return tuple(sorted(out))
