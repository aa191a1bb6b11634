"""The values citation tracing passes between its steps and returns (frozen dataclasses)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cen_search.apis.citations import BACKWARD, FORWARD, SeedIds
from cen_search.models import Record

DIRECTIONS = {"backward": (BACKWARD,), "forward": (FORWARD,), "both": (BACKWARD, FORWARD)}
"""What each ``trace`` direction argument traces."""

DEFAULT_SOURCES = ("openalex", "opencitations", "europepmc", "crossref")
"""Sources used when none are named and ``[trace] sources`` is not set: the open ones that need
no key. Semantic Scholar joins them when its API key is set (anonymous requests share one pool
that is routinely full)."""


@dataclass(frozen=True, slots=True)
class Seed:
    """One study to trace from."""

    ids: SeedIds
    """Its identifiers (``ids.key`` is its key in this trace)."""
    label: str
    """How it is shown: first author, year and the start of the title, or its identifier."""
    origin: str
    """Where it came from: ``--doi``, ``included.ris:12``, ``round 1``."""
    record: Record | None = None
    """Its own record, when it came from a file or an earlier round."""

    @property
    def key(self) -> str:
        return self.ids.key


@dataclass(frozen=True, slots=True)
class Resolution:
    """How a seed was found in the indexes."""

    seed: str
    method: str
    """``identifier`` (DOI, PMID, PMCID or OpenAlex id), ``title`` (title, first author and
    year) or ``unresolved``."""
    confidence: float
    """1.0 for an identifier; the match score for a title; 0 when unresolved."""
    known_by: tuple[str, ...] = ()
    """Sources that know the seed."""
    reason: str = ""
    """For a title match: what it matched; unresolved: why, per source."""


@dataclass(frozen=True, slots=True)
class TracedRecord:
    """One work found by tracing (after merging the sources and deduplication)."""

    record: Record
    """The merged record (OpenAlex id in ``accession_numbers`` and ``urls`` when known;
    provenance in ``notes``)."""
    seeds: tuple[str, ...]
    """Keys of the seeds it is linked to."""
    directions: tuple[str, ...]
    sources: tuple[str, ...]
    rank: int
    """How many seeds it connects to."""
    new: bool
    """Not already in the review (imports, earlier rounds) or among the seeds."""
    duplicate_of: str = ""
    """When not new: the record it duplicates (``file`` and key)."""
    round: int = 1


@dataclass(frozen=True, slots=True)
class CoverageRow:
    """What one source gave for one seed."""

    seed: str
    source: str
    known: bool
    references: int | None
    """Distinct works it gave as references (None: not traced in that direction)."""
    citations: int | None
    only_here: int
    """Works linked to this seed that no other source found."""
    note: str = ""


@dataclass(frozen=True, slots=True)
class Edge:
    """One citation: ``citing`` cites ``cited``, found by ``sources`` from ``seed``."""

    citing: Mapping[str, str]
    """Identifiers of the citing work (``openalex``, ``doi``, ``pmid``, ``title``)."""
    cited: Mapping[str, str]
    seed: str
    direction: str
    sources: tuple[str, ...]
    round: int = 1

    @property
    def key(self) -> tuple[str, str]:
        """(citing, cited) by their best identifiers: the edge's identity across rounds."""
        return best_id(self.citing), best_id(self.cited)

    def to_dict(self, *, at: str) -> dict[str, Any]:
        return {
            "citing": dict(self.citing),
            "cited": dict(self.cited),
            "seed": self.seed,
            "direction": self.direction,
            "sources": list(self.sources),
            "round": self.round,
            "at": at,
        }


def best_id(ids: Mapping[str, str]) -> str:
    """The most stable identifier of a work: OpenAlex id, DOI, PMID, PMCID, else its title."""
    for scheme in ("openalex", "doi", "pmid", "pmcid"):
        if ids.get(scheme):
            return f"{scheme}:{ids[scheme]}"
    return "title:" + " ".join(str(ids.get("title", "")).lower().split())[:120]


@dataclass(frozen=True, slots=True)
class RoundSummary:
    """One round of tracing, as logged for PRISMA's citation-searching lane and PRISMA-S."""

    round: int
    direction: str
    sources: tuple[str, ...]
    seeds: int
    resolved: int
    found: int
    """Distinct works found (after merging the sources, before comparing with the review)."""
    new: int
    """Of those, works not already in the review."""
    edges: int
    requests: Mapping[str, int] = field(default_factory=dict)
    """Requests sent per source (cache and checkpoint answers not counted)."""
    seed_keys: tuple[str, ...] = ()
    """Keys of the seeds traced (a seed found to be the same work as another included), which
    later runs in the review skip unless ``retrace``."""
    unresolved: tuple[str, ...] = ()
    """Keys of the seeds no source could resolve (not traced: a later run tries them again)."""


@dataclass(frozen=True, slots=True)
class TraceResult:
    """Everything a ``trace`` did."""

    rounds: tuple[RoundSummary, ...]
    records: tuple[TracedRecord, ...]
    """Every work found (new and already known), best rank first."""
    resolutions: tuple[Resolution, ...]
    coverage: tuple[CoverageRow, ...]
    edges: tuple[Edge, ...]
    notes: tuple[str, ...] = ()
    skipped_seeds: tuple[str, ...] = ()
    """Seeds not traced again because an earlier round in the review already did."""

    @property
    def new_records(self) -> tuple[TracedRecord, ...]:
        return tuple(r for r in self.records if r.new)

    @property
    def unresolved(self) -> tuple[Resolution, ...]:
        return tuple(r for r in self.resolutions if r.method == "unresolved")

    @property
    def distinct_edges(self) -> int:
        """Citing-cited pairs found, each once however many rounds found it (``edges`` holds
        every round's, and the rounds' ``edges`` counts are each round's)."""
        return len({edge.key for edge in self.edges})


__all__ = [
    "DEFAULT_SOURCES",
    "DIRECTIONS",
    "CoverageRow",
    "Edge",
    "Resolution",
    "RoundSummary",
    "Seed",
    "TraceResult",
    "TracedRecord",
    "best_id",
]
