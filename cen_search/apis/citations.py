"""The interface every citation index implements for ``trace``, in the service's own terms.

A :class:`CitationIndex` (a service client with the ``trace`` role) is given the seeds as
:class:`SeedIds` and answers with a :class:`Harvest`: for each seed whether the index knows it
(and under which id, or why not), and every work it links to a seed in each direction, as the
service's own JSON (the registration's ``record`` function maps it to a Record). Batching,
paging and the service's quirks stay inside the client; merging, deduplication, ranking and
the workspace are the trace stage's business (:mod:`cen_search.trace`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from cen_search.progress import Reporter

BACKWARD = "backward"
"""The seed cites the work (its reference list)."""
FORWARD = "forward"
"""The work cites the seed."""


@dataclass(frozen=True, slots=True)
class SeedIds:
    """What is known of a seed's identity."""

    key: str
    """The seed's stable key in this trace (``doi:10.1/x``, ``pmid:123``, ``title:...``)."""
    doi: str = ""
    pmid: str = ""
    pmcid: str = ""
    openalex: str = ""
    """Short OpenAlex id (``W2741809807``)."""
    title: str = ""
    year: int | None = None
    first_author: str = ""
    """Family name of the first author."""


@dataclass(frozen=True, slots=True)
class Found:
    """One work an index links to a seed."""

    seed: str
    """The seed's key."""
    direction: str
    """:data:`BACKWARD` or :data:`FORWARD`."""
    work: Mapping[str, Any]
    """The linked work as the service sent it (or as assembled from its answers)."""


@dataclass(frozen=True, slots=True)
class SeedOutcome:
    """What one index made of one seed."""

    seed: str
    known: bool
    """The index knows the seed (it could trace it)."""
    ident: str = ""
    """The index's own id for the seed (``W2741809807``, ``MED:34308300``, ``doi:10.1/x``)."""
    reason: str = ""
    """Why it is not known, or what was left out (a listing cap)."""
    work: Mapping[str, Any] | None = None
    """The seed's own record in the index, when the index returned one."""


@dataclass(frozen=True, slots=True)
class Harvest:
    """Everything one index returned for a set of seeds."""

    service: str
    found: tuple[Found, ...] = ()
    seeds: tuple[SeedOutcome, ...] = ()
    notes: tuple[str, ...] = ()
    """Things the user should know (dangling ids, directions the index cannot give)."""
    directions: frozenset[str] = field(default_factory=frozenset)
    """The directions this index actually traced."""


class CitationIndex(Protocol):
    """A service client that can trace citations."""

    def trace(
        self,
        seeds: Sequence[SeedIds],
        *,
        backward: bool,
        forward: bool,
        reporter: Reporter,
    ) -> Harvest:
        """Every work linked to ``seeds`` in the requested directions."""
        ...

    def match(self, seed: SeedIds) -> list[Mapping[str, Any]]:
        """Candidate works for a seed known only by title, first author and year (best first;
        an empty list when the index cannot search by title)."""
        ...


def chunks(values: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    """``values`` in consecutive slices of at most ``size``."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


__all__ = [
    "BACKWARD",
    "FORWARD",
    "CitationIndex",
    "Found",
    "Harvest",
    "SeedIds",
    "SeedOutcome",
    "chunks",
]
