"""Clusters from duplicate links, checked for internal contradictions before they are accepted.

Links are joined strongest first (ties broken by the records' stable ids, so the result does not
depend on input order). Two partial clusters are joined only when *every* pair across them is
compatible: no human "different" decision, no hard veto (different DOIs, errata, part numbers,
years, pages ...) between any two members, whether or not blocking ever compared them. So a
chain of near-matches A~B~C cannot put two different papers A and C in one cluster; the refused
link is reported so that it can go to the review queue.

People's "same" decisions are applied last, to the clusters the engine built: each joins the
two whole clusters its records are in (unless a person decided that two of their members are
different). A decision thus joins the pair it names and what follows from it, the other copies
of both records, and nothing else: it never splits a cluster or sends new pairs to review. (The
veto a person overrode holds between the copies too -- an erratum and its article exported
twice -- so checking the engine's contradictions again would split the copies apart.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from cen_search.dedupe.model import PairVerdict


@dataclass
class _Component:
    """A cluster being built: its members and the links that joined them."""

    members: list[int]
    links: list[PairVerdict] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Clustering:
    """What :func:`build_clusters` made of the links."""

    components: tuple[tuple[int, ...], ...]
    """Members of each cluster (singletons included), sorted; clusters in no set order."""
    links: dict[int, tuple[PairVerdict, ...]]
    """Component position -> the links that joined it."""
    refused: tuple[tuple[PairVerdict, int, int], ...]
    """Links refused by the contradiction check, with the two members that contradict."""


def build_clusters(
    n: int,
    *,
    forced: Iterable[PairVerdict],
    links: Sequence[PairVerdict],
    forbidden: set[tuple[int, int]],
    compatible: Callable[[int, int], bool],
    sort_key: Callable[[PairVerdict], tuple[object, ...]],
) -> Clustering:
    """Union ``links`` in ``sort_key`` order, refusing any union that would put a ``forbidden``
    pair or an incompatible pair in one cluster; then the ``forced`` links (people's "same"
    decisions), each joining two whole clusters unless that puts a ``forbidden`` pair together
    (see the module docstring)."""
    parent = list(range(n))
    comps: dict[int, _Component] = {}

    def find(x: int) -> int:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def component(root: int) -> _Component:
        comp = comps.get(root)
        if comp is None:
            comp = comps[root] = _Component([root])
        return comp

    def conflict(ca: _Component, cb: _Component, *, human_only: bool) -> tuple[int, int] | None:
        for x in ca.members:
            for y in cb.members:
                pair = (x, y) if x < y else (y, x)
                if pair in forbidden:
                    return pair
                if not human_only and not compatible(*pair):
                    return pair
        return None

    def union(ra: int, rb: int, link: PairVerdict) -> None:
        ca, cb = component(ra), component(rb)
        if len(ca.members) < len(cb.members):
            ra, rb, ca, cb = rb, ra, cb, ca
        parent[rb] = ra
        ca.members.extend(cb.members)
        ca.links.extend(cb.links)
        ca.links.append(link)
        del comps[rb]

    refused: list[tuple[PairVerdict, int, int]] = []
    for link in sorted(links, key=sort_key):
        ra, rb = find(link.a), find(link.b)
        if ra == rb:
            continue
        clash = conflict(component(ra), component(rb), human_only=False)
        if clash is None:
            union(ra, rb, link)
        else:
            refused.append((link, clash[0], clash[1]))

    for link in sorted(forced, key=sort_key):
        ra, rb = find(link.a), find(link.b)
        if ra != rb and conflict(component(ra), component(rb), human_only=True) is None:
            union(ra, rb, link)

    components: list[tuple[int, ...]] = []
    joined: dict[int, tuple[PairVerdict, ...]] = {}
    for x in range(n):
        if parent[x] == x:
            comp = comps.get(x)
            if comp is None:
                components.append((x,))
            else:
                joined[len(components)] = tuple(sorted(comp.links, key=sort_key))
                components.append(tuple(sorted(comp.members)))
    return Clustering(tuple(components), joined, tuple(refused))
