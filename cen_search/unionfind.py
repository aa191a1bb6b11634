"""Disjoint sets: which items are joined, directly or through others ("same" is transitive).

Used where decisions or links join items: people's "same" decisions on pairs of records
(the dedupe queue and the interactive review), and works linked by a shared identifier
(citation tracing). The engine's own clustering (:mod:`cen_search.dedupe.cluster`) keeps its
components' members and checks conflicts as it joins, so it has its own.
"""

from __future__ import annotations

from typing import Generic, TypeVar

T = TypeVar("T", int, str)


class UnionFind(Generic[T]):
    """Items joined into groups; a group's root is its smallest item (stable across runs)."""

    def __init__(self) -> None:
        self.parent: dict[T, T] = {}

    def find(self, item: T) -> T:
        """The root of ``item``'s group (``item`` itself when it was never joined)."""
        self.parent.setdefault(item, item)
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, a: T, b: T) -> None:
        """Join the groups of ``a`` and ``b``."""
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def joined(self, a: T, b: T) -> bool:
        """Whether ``a`` and ``b`` are in one group."""
        return self.find(a) == self.find(b)


__all__ = ["UnionFind"]
