"""People's decisions on duplicate pairs: kept durably, applied to each run, never lost.

Decisions live in ``dedupe/decisions.jsonl`` (a :mod:`cen_search.ledger`): one JSON object per
line, the last line about a pair wins, ``"decision": "undone"`` withdraws it::

    {"id": "018f3c...", "at": "2026-11-26T10:02:11+00:00", "by": "jt", "source": "review",
     "decision": "same", "a": "medline/pmid:31234567", "b": "embase/an:L2001234567",
     "a_ref": {...}, "b_ref": {...}, "note": ""}

A pair is named by the records' :class:`~cen_search.identity.RecordRef` (``a``/``b`` are their
uids; ``a_ref``/``b_ref`` every handle), so a decision still applies after the exports are
saved again, exported again or re-ordered. Lines written by earlier versions name records by
``<file checksum>:<position>`` only; they still apply while those files are unchanged.

:func:`apply_to` turns the decisions in force into the run's terms, and reports what cannot be
applied instead of dropping it: decisions whose records are no longer found (*orphans*, with
what they were about) and decisions that contradict each other (``A = C``, ``B = C`` but
``A ≠ B``) — their "same" links are not applied, the "different" one is, and the pairs go back
to a person.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cen_search.dedupe.model import PairDecision
from cen_search.errors import WorkspaceError
from cen_search.fsutil import append_jsonl
from cen_search.identity import IdentityIndex, RecordRef
from cen_search.ledger import fold_latest, new_entry_id, now_iso, read_entries
from cen_search.models import Record, RecordId

DECISIONS_PATH = Path("dedupe") / "decisions.jsonl"
"""Where the log lives, relative to the review folder."""

SAME = "same"
DIFFERENT = "different"
UNDONE = "undone"
_VALUES = {SAME, DIFFERENT, UNDONE}

PairKey = tuple[str, str]
"""The two records' uids (or, in old logs, record ids) in sorted order: the identity of a pair
whatever order it came in."""

IndexPair = tuple[int, int]
"""Two positions in a run, smaller first."""


def pair_key(a: str, b: str) -> PairKey:
    """The order-independent key of a pair (``pair_key(b, a) == pair_key(a, b)``)."""
    first, second = sorted((a, b))
    return first, second


@dataclass(frozen=True, slots=True)
class Decision:
    """A person's decision on a pair of records, named so that it outlives the exports."""

    a: RecordRef
    b: RecordRef
    same: bool
    """True: the two records are the same publication; False: they are different."""
    by: str = ""
    at: str = ""
    """ISO timestamp of the decision."""
    note: str = ""
    source: str = ""
    """Where it was made: ``review`` (interactive), ``file:pairs.csv`` ..."""
    legacy: tuple[str, str] | tuple[()] = ()
    """Record ids (checksum:position) of a decision written by an earlier version."""

    @property
    def key(self) -> PairKey:
        if self.legacy:
            return pair_key(*self.legacy)
        return pair_key(self.a.uid, self.b.uid)

    @property
    def value(self) -> str:
        return SAME if self.same else DIFFERENT

    def describe(self) -> str:
        """``same: Smith 2019 'Title' (MEDLINE) / Smith 2019 'Title' (Embase) (jt, 2026-...)``."""
        who = ", ".join(part for part in (self.by, self.at) if part)
        sides = (
            f"{self.a.describe()} / {self.b.describe()}"
            if not self.legacy
            else " / ".join(self.legacy)
        )
        return f"{self.value}: {sides}" + (f" ({who})" if who else "")


def make_decision(
    a: RecordRef,
    b: RecordRef,
    *,
    same: bool,
    by: str = "",
    at: str = "",
    note: str = "",
    source: str = "",
) -> Decision:
    """A :class:`Decision` stamped now unless ``at`` is given."""
    return Decision(a=a, b=b, same=same, by=by, at=at or now_iso(), note=note, source=source)


# -- the log -------------------------------------------------------------------------------


def _entry(decision: Decision, value: str, *, source: str) -> dict[str, Any]:
    """One line of the log: ``value`` (same/different/undone) on the decision's pair."""
    first, second = sorted((decision.a, decision.b), key=lambda ref: ref.uid)
    return {
        "id": new_entry_id(),
        "at": decision.at or now_iso(),
        "by": decision.by,
        "source": decision.source or source,
        "note": decision.note,
        "decision": value,
        "a": first.uid,
        "b": second.uid,
        "a_ref": first.to_json(),
        "b_ref": second.to_json(),
    }


def append_decisions(
    path: str | Path, decisions: Iterable[Decision], *, source: str = "review"
) -> int:
    """Append ``decisions`` to the log at ``path`` in one write; returns how many."""
    entries = [_entry(d, d.value, source=source) for d in decisions if not d.legacy]
    append_jsonl(path, *entries)
    return len(entries)


def append_undo(
    path: str | Path, a: RecordRef, b: RecordRef, *, by: str = "", source: str = "review"
) -> None:
    """Withdraw the decision on the pair ``a``/``b`` (a later line wins, so this undoes it)."""
    append_jsonl(path, _entry(make_decision(a, b, same=False, by=by), UNDONE, source=source))


def parse_entry(entry: Mapping[str, Any], *, where: str) -> tuple[PairKey, Decision, bool]:
    """A log line as (pair key, decision, withdrawn); a malformed line is an error naming
    ``where``."""
    a, b, value = entry.get("a"), entry.get("b"), entry.get("decision")
    if not isinstance(a, str) or not isinstance(b, str) or not a or not b or value not in _VALUES:
        raise WorkspaceError(
            f"{where} is not a decision on a pair "
            f'(needs "a", "b" and "decision" one of same/different/undone)',
            hint="this log is append-only; restore the entry from version control",
        )
    refs = entry.get("a_ref"), entry.get("b_ref")
    common = {
        "same": value == SAME,
        "by": str(entry.get("by", "")),
        "at": str(entry.get("at", "")),
        "note": str(entry.get("note", "")),
        "source": str(entry.get("source", "")),
    }
    if isinstance(refs[0], dict) and isinstance(refs[1], dict):
        ref_a, ref_b = RecordRef.from_json(refs[0]), RecordRef.from_json(refs[1])
        decision = Decision(a=ref_a, b=ref_b, **common)
    else:  # written by cen-search 0.1: record ids only
        decision = Decision(a=RecordRef(), b=RecordRef(), legacy=pair_key(a, b), **common)
    return decision.key, decision, value == UNDONE


def decisions_in(entries: Iterable[Mapping[str, Any]], *, where: str) -> dict[PairKey, Decision]:
    """The decisions in force in a sequence of log entries (latest wins, undone removed)."""
    parsed = [
        parse_entry(entry, where=f"{where}: entry {number}")
        for number, entry in enumerate(entries, start=1)
    ]
    state = fold_latest(parsed, key=lambda item: item[0], withdrawn=lambda item: item[2])
    return {key: decision for key, (_, decision, _) in state.items()}


def current_decisions(path: str | Path) -> dict[PairKey, Decision]:
    """The decisions in force in the log at ``path`` (a torn last line is an error)."""
    return decisions_in(read_entries([path]), where=str(path))


def changes(current: Mapping[PairKey, Decision], incoming: Iterable[Decision]) -> list[Decision]:
    """The decisions in ``incoming`` that would change ``current`` (so re-importing the same
    decisions file appends nothing). The last of several incoming decisions on a pair wins."""
    latest: dict[PairKey, Decision] = {}
    for decision in incoming:
        latest[decision.key] = decision
    return [
        decision
        for key, decision in latest.items()
        if key not in current or current[key].same != decision.same
    ]


# -- applying decisions to a run -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Orphan:
    """A decision that names records this run does not have (it is kept, not applied)."""

    decision: Decision
    reason: str


@dataclass(frozen=True, slots=True)
class Contradiction:
    """A "different" decision whose two records people's "same" decisions join."""

    different: Decision
    chain: tuple[Decision, ...]
    """The "same" decisions that link the two records, in path order."""
    pair: IndexPair
    """The two records the "different" decision is about."""

    def describe(self) -> str:
        return f"{self.different.describe()} contradicts " + "; ".join(
            d.describe() for d in self.chain
        )


@dataclass(frozen=True)
class AppliedDecisions:
    """People's decisions in the terms of one run."""

    index: IdentityIndex
    """The run's records by identity (their uids and refs)."""
    by_pair: dict[IndexPair, Decision] = field(default_factory=dict)
    """Every decision found in this run, by the positions of its two records."""
    engine: tuple[PairDecision, ...] = ()
    """What the engine applies (contradicted "same" decisions left out)."""
    orphans: tuple[Orphan, ...] = ()
    contradictions: tuple[Contradiction, ...] = ()

    def decision_for(self, i: int, j: int) -> Decision | None:
        return self.by_pair.get((min(i, j), max(i, j)))

    @property
    def contested(self) -> set[IndexPair]:
        """Pairs whose decisions contradict others: work for a person again."""
        pairs: set[IndexPair] = set()
        for contradiction in self.contradictions:
            pairs.add(contradiction.pair)
        return pairs


def apply_to(
    state: Mapping[PairKey, Decision],
    records: Sequence[Record],
    *,
    index: IdentityIndex | None = None,
) -> AppliedDecisions:
    """Find each decision's records in ``records`` (see :class:`~cen_search.identity.
    IdentityIndex`) and say what the engine should apply, what names nothing here, and what
    contradicts."""
    index = index or IdentityIndex.of(records)
    by_record_id = {str(record.id): i for i, record in enumerate(records)}
    by_pair: dict[IndexPair, Decision] = {}
    orphans: list[Orphan] = []
    for decision in state.values():
        sides = _locate(decision, index, by_record_id)
        if isinstance(sides, str):
            orphans.append(Orphan(decision, sides))
            continue
        for i in sides[0]:
            for j in sides[1]:
                if i != j:
                    by_pair[(min(i, j), max(i, j))] = decision
    contradictions = _contradictions(by_pair)
    dropped = {id(d) for c in contradictions for d in c.chain}
    engine = tuple(
        PairDecision(
            a=RecordId(str(records[i].id)),
            b=RecordId(str(records[j].id)),
            same=d.same,
            by=d.by,
            at=d.at,
            note=d.note,
        )
        for (i, j), d in sorted(by_pair.items())
        if id(d) not in dropped
    )
    return AppliedDecisions(index, by_pair, engine, tuple(orphans), tuple(contradictions))


def _locate(
    decision: Decision, index: IdentityIndex, by_record_id: Mapping[str, int]
) -> tuple[tuple[int, ...], tuple[int, ...]] | str:
    """The run positions of both records of ``decision``, or why they cannot be found."""
    if decision.legacy:
        found = [by_record_id.get(rid) for rid in decision.legacy]
        if None in found:
            return (
                "written by an earlier version, it names records by file checksum and "
                "position, and those files changed"
            )
        return (found[0],), (found[1],)  # type: ignore[return-value]
    sides = []
    for ref in (decision.a, decision.b):
        resolution = index.resolve(ref)
        if not resolution.found:
            what = (
                "several different records match"
                if resolution.via == "ambiguous"
                else ("no record matches")
            )
            return f"{what} {ref.describe()}"
        sides.append(resolution.indices)
    if any(i != j for i in sides[0] for j in sides[1]):
        return sides[0], sides[1]
    # Both sides found one and the same record. A decision on two copies of one record
    # exported twice names them by the same handles: it is about every copy there is now.
    if decision.a.fingerprint and decision.a.fingerprint == decision.b.fingerprint:
        copies = index.twins(decision.a)
        if len(copies) > 1:
            return copies, copies
    return f"both of its records are now one record, {decision.a.describe()}"


def _contradictions(by_pair: Mapping[IndexPair, Decision]) -> list[Contradiction]:
    """Every "different" decision whose two records a chain of "same" decisions joins."""
    graph: dict[int, list[tuple[int, Decision]]] = defaultdict(list)
    for (i, j), decision in by_pair.items():
        if decision.same:
            graph[i].append((j, decision))
            graph[j].append((i, decision))
    found = []
    for (i, j), decision in sorted(by_pair.items()):
        if decision.same:
            continue
        chain = _path(graph, i, j)
        if chain:
            found.append(Contradiction(decision, tuple(chain), (i, j)))
    return found


def _path(graph: Mapping[int, list[tuple[int, Decision]]], start: int, goal: int) -> list[Decision]:
    """The "same" decisions on a shortest path from ``start`` to ``goal`` (empty: none)."""
    previous: dict[int, tuple[int, Decision] | None] = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            break
        for other, decision in graph.get(node, ()):
            if other not in previous:
                previous[other] = (node, decision)
                queue.append(other)
    if goal not in previous:
        return []
    chain: list[Decision] = []
    node = goal
    while (step := previous[node]) is not None:
        node, decision = step
        chain.append(decision)
    return chain[::-1]
