"""The screening log's vocabulary: what each line says, built and checked in one place.

Every line is one JSON object (written with sorted keys, so diffs stay small; shown here in
reading order)::

    {"id": "018f3c...", "at": "2026-11-26T10:02:11+00:00", "round": "base", "by": "jt",
     "event": "vote", "stage": "ta", "target": ["medline/pmid:31234567", "embase/an:L2001"],
     "decision": "exclude", "reasons": ["wrong setting"], "note": "", "source": "terminal",
     "refs": [{"uid": "medline/pmid:31234567", ...}, ...]}

``target`` names the deduplicated record (the *report*) by the uids of its member records at
the time (:attr:`cen_search.identity.RecordRef.uid`), and ``refs`` keeps every handle of them,
so the event finds its report again after exports are saved again, re-exported, or joined by
records from a later round (see :mod:`cen_search.screening.fold`).

Event types (``event``):

========== ================================================================================
vote       one reviewer's decision at a stage: ``decision`` include / exclude / maybe (full
           text also awaiting / ongoing), ``reasons`` (exclusions; the first is primary)
resolve    the final decision on a conflict (``method``: discussion, third-reviewer ...;
           ``votes``: the ids of the votes it settles); the votes themselves stay
undo      withdraws the author's vote (``undoes: vote``) or the resolution, retrieval,
           removal or study link in force on the target
retrieval  full text ``result``: sought / retrieved / not-retrieved (``reasons``: why not)
remove     removed before screening: ``kind`` automation / other, with ``reasons``
link       the report belongs to ``study`` (several reports can share a study)
assign     a sample for ``reviewers`` at a stage: ``targets`` (member uids of each report)
           and ``sample`` (how it was drawn: seed, fraction, population size and hash)
order      a reviewer's screening order at a stage (``order`` random, ``seed``)
========== ================================================================================

A later event about the same thing supersedes an earlier one; nothing is rewritten.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cen_search.errors import WorkspaceError
from cen_search.identity import RecordRef
from cen_search.ledger import new_entry_id, now_iso

STAGES = ("ta", "ft")
STAGE_NAMES = {"ta": "title/abstract", "ft": "full text"}
TA_DECISIONS = ("include", "exclude", "maybe")
FT_DECISIONS = ("include", "exclude", "maybe", "awaiting", "ongoing")
RETRIEVAL_RESULTS = ("sought", "retrieved", "not-retrieved")
REMOVAL_KINDS = ("automation", "other")
UNDOABLE = ("vote", "resolve", "retrieval", "remove", "link")
RESOLVE_METHODS = (
    "discussion",
    "third-reviewer",
    "agreement",
    "single",
    "reason-hierarchy",
    "imported",
)
TARGETED = frozenset({"vote", "resolve", "undo", "retrieval", "remove", "link"})
KNOWN_EVENTS = frozenset({*TARGETED, "assign", "order"})
AUTOMATION_PREFIX = "tool:"
"""Reviewer names starting so are tools, not people (PRISMA counts their exclusions apart)."""


def decisions_for(stage: str) -> tuple[str, ...]:
    return TA_DECISIONS if stage == "ta" else FT_DECISIONS


def is_automation(by: str) -> bool:
    return by.startswith(AUTOMATION_PREFIX)


@dataclass(frozen=True, slots=True)
class Event:
    """One line of a screening log, checked."""

    id: str
    at: str
    round: str
    by: str
    event: str
    stage: str = ""
    target: tuple[str, ...] = ()
    """Member uids of the report the event is about."""
    refs: tuple[RecordRef, ...] = ()
    decision: str = ""
    reasons: tuple[str, ...] = ()
    method: str = ""
    result: str = ""
    kind: str = ""
    study: str = ""
    undoes: str = ""
    votes: tuple[str, ...] = ()
    reviewers: tuple[str, ...] = ()
    targets: tuple[tuple[str, ...], ...] = ()
    sample: Mapping[str, Any] = field(default_factory=dict)
    order: str = ""
    seed: int | None = None
    note: str = ""
    source: str = ""
    origin: str = ""
    """Where an imported event came from (tool, file and row): importing it again adds
    nothing."""

    @property
    def reason(self) -> str:
        """The primary reason (empty: none)."""
        return self.reasons[0] if self.reasons else ""

    def to_json(self) -> dict[str, Any]:
        """The log line (empty values left out)."""
        values: dict[str, Any] = {
            "id": self.id,
            "at": self.at,
            "round": self.round,
            "by": self.by,
            "event": self.event,
            "stage": self.stage,
            "target": list(self.target),
            "decision": self.decision,
            "reasons": list(self.reasons),
            "method": self.method,
            "result": self.result,
            "kind": self.kind,
            "study": self.study,
            "undoes": self.undoes,
            "votes": list(self.votes),
            "reviewers": list(self.reviewers),
            "order": self.order,
            "seed": self.seed,
            "sample": dict(self.sample),
            "note": self.note,
            "source": self.source,
            "origin": self.origin,
            "targets": [list(t) for t in self.targets],
            "refs": [ref.to_json() for ref in self.refs],
        }
        keep = {"id", "at", "round", "by", "event"}
        return {k: v for k, v in values.items() if k in keep or v not in ("", [], {}, None)}


def new_event(
    event: str,
    *,
    by: str,
    round: str,
    refs: Sequence[RecordRef] = (),
    at: str = "",
    **values: Any,
) -> Event:
    """A new event stamped now (or ``at``), about the report whose members are ``refs``."""
    refs = tuple(sorted({ref.uid: ref for ref in refs}.values(), key=lambda r: r.uid))
    return Event(
        id=new_entry_id(),
        at=at or now_iso(),
        round=round,
        by=by,
        event=event,
        target=tuple(ref.uid for ref in refs),
        refs=refs,
        **values,
    )


# -- reading -------------------------------------------------------------------------------


class _Line:
    """Typed access to one JSON object, with errors naming the event."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self.where = f"screening event {data.get('id', '(no id)')!s} by {data.get('by', '?')!s}"

    def fail(self, what: str) -> WorkspaceError:
        return WorkspaceError(
            f"{self.where}: {what}",
            hint="the screening logs are append-only: restore the line from version control "
            "(or correct it by hand in screening/<reviewer>.jsonl)",
        )

    def text(self, name: str, allowed: Sequence[str] | None = None, required: bool = False) -> str:
        value = self.data.get(name, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise self.fail(f"{name!r} must be text")
        if required and not value:
            raise self.fail(f"{name!r} is missing")
        if value and allowed is not None and value not in allowed:
            raise self.fail(f"{name!r} is {value!r}, not one of {', '.join(allowed)}")
        return value

    def texts(self, name: str) -> tuple[str, ...]:
        value = self.data.get(name, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(f"{name!r} must be a list of text")
        return tuple(v for v in value if v)


def parse_event(data: Mapping[str, Any]) -> Event | None:
    """A log line as an :class:`Event`; None for an event type this version does not know
    (a newer cen-search wrote it: it is kept, and ignored here). A malformed line of a known
    type is a :class:`WorkspaceError` naming it."""
    line = _Line(data)
    kind = line.text("event", required=True)
    if kind not in KNOWN_EVENTS:
        return None
    stage = line.text("stage", STAGES)
    values: dict[str, Any] = {
        "id": line.text("id", required=True),
        "at": line.text("at"),
        "round": line.text("round") or "base",
        "by": line.text("by"),
        "event": kind,
        "stage": stage,
        "note": line.text("note"),
        "source": line.text("source"),
        "origin": line.text("origin"),
        "reasons": line.texts("reasons"),
    }
    if kind in TARGETED:
        values["target"] = line.texts("target")
        refs = data.get("refs", [])
        if not isinstance(refs, list) or not all(isinstance(r, dict) for r in refs):
            raise line.fail("'refs' must be a list of objects")
        values["refs"] = tuple(RecordRef.from_json(r) for r in refs)
        if not values["target"] and not values["refs"]:
            raise line.fail("it names no record ('target' is empty)")
    if kind in ("vote", "resolve"):
        if not stage:
            raise line.fail("'stage' (ta or ft) is missing")
        values["decision"] = line.text("decision", decisions_for(stage), required=True)
        if kind == "resolve":
            values["method"] = line.text("method")
            values["votes"] = line.texts("votes")
    elif kind == "undo":
        values["undoes"] = line.text("undoes", UNDOABLE, required=True)
        if values["undoes"] in ("vote", "resolve") and not stage:
            raise line.fail("'stage' is missing (which stage's decision is undone?)")
    elif kind == "retrieval":
        values["result"] = line.text("result", RETRIEVAL_RESULTS, required=True)
    elif kind == "remove":
        values["kind"] = line.text("kind", REMOVAL_KINDS, required=True)
    elif kind == "link":
        values["study"] = line.text("study", required=True)
    elif kind == "assign":
        if not stage:
            raise line.fail("'stage' (ta or ft) is missing")
        values["reviewers"] = line.texts("reviewers")
        targets = data.get("targets", [])
        if not isinstance(targets, list) or not all(isinstance(t, list) for t in targets):
            raise line.fail("'targets' must be a list of lists of record uids")
        values["targets"] = tuple(tuple(str(u) for u in t if u) for t in targets)
        sample = data.get("sample", {})
        values["sample"] = sample if isinstance(sample, dict) else {}
    elif kind == "order":
        values["order"] = line.text("order", ("imported", "random"), required=True)
        seed = data.get("seed")
        values["seed"] = seed if isinstance(seed, int) and not isinstance(seed, bool) else None
    return Event(**values)
