"""Making screening events: checked against the review's settings, then appended.

Each ``*_event`` function builds one event about a report (named by its member records) after
checking it; :func:`record` appends events to their authors' logs holding the review's lock.
The terminal session, the sheet import, the tool importers and the one-off commands all go
through here, so a vote means the same wherever it was cast.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cen_search.errors import UsageError
from cen_search.screening.config import check_reasons
from cen_search.screening.events import (
    REMOVAL_KINDS,
    RESOLVE_METHODS,
    RETRIEVAL_RESULTS,
    STAGE_NAMES,
    STAGES,
    UNDOABLE,
    Event,
    decisions_for,
    new_event,
)
from cen_search.screening.flow import Screening
from cen_search.screening.log import append_events
from cen_search.screening.reports import Report, describe_report
from cen_search.screening.tools.base import record_keys
from cen_search.wording import count
from cen_search.workspace.rounds import current_round

if TYPE_CHECKING:
    from cen_search.workspace import Workspace

DECISION_WORDS = {
    "include": "include",
    "included": "include",
    "in": "include",
    "yes": "include",
    "y": "include",
    "i": "include",
    "exclude": "exclude",
    "excluded": "exclude",
    "out": "exclude",
    "no": "exclude",
    "n": "exclude",
    "e": "exclude",
    "x": "exclude",
    "maybe": "maybe",
    "unsure": "maybe",
    "m": "maybe",
    "?": "maybe",
    "awaiting": "awaiting",
    "awaiting classification": "awaiting",
    "ongoing": "ongoing",
}
"""Spellings accepted for a decision (sheets are filled by hand)."""


def check_stage(stage: str) -> str:
    value = stage.strip().lower()
    if value not in STAGES:
        raise UsageError(f"stage {stage!r} is not ta or ft", hint="--stage ta or --stage ft")
    return value


def check_reviewer(name: str) -> str:
    value = " ".join(name.split())
    if not value:
        raise UsageError(
            "who is screening? no reviewer name",
            hint="give --reviewer NAME, or set reviewer in your user config / CEN_SEARCH_REVIEWER",
        )
    return value


def normalise_decision(text: str, stage: str) -> str:
    """A decision as written by a person (``Include``, ``no``, ``?``) in the log's words; a
    :class:`UsageError` when it is none of the stage's decisions."""
    value = DECISION_WORDS.get(" ".join(text.strip().lower().split()))
    if value is None or value not in decisions_for(stage):
        raise UsageError(
            f"{text!r} is not a {STAGE_NAMES[stage]} decision",
            hint=f"use one of {', '.join(decisions_for(stage))}",
        )
    return value


def _base(screening: Screening, report: Report) -> dict[str, Any]:
    return {"refs": screening.library.member_refs(report)}


def vote_event(
    screening: Screening,
    report: Report,
    *,
    ws: Workspace,
    by: str,
    stage: str,
    decision: str,
    reasons: Sequence[str] = (),
    note: str = "",
    source: str = "",
    origin: str = "",
    at: str = "",
    strict: bool = True,
    round: str = "",
) -> Event:
    """One reviewer's vote; reasons checked against ``[screening] reasons`` (``strict``)."""
    stage = check_stage(stage)
    decision = normalise_decision(decision, stage)
    reasons = check_reasons(
        screening.config, stage=stage, decision=decision, reasons=reasons, strict=strict
    )
    return new_event(
        "vote",
        by=check_reviewer(by),
        round=round or current_round(ws),
        at=at,
        stage=stage,
        decision=decision,
        reasons=reasons,
        note=note.strip(),
        source=source,
        origin=origin,
        **_base(screening, report),
    )


def resolve_event(
    screening: Screening,
    report: Report,
    *,
    ws: Workspace,
    by: str,
    stage: str,
    decision: str,
    reasons: Sequence[str] = (),
    method: str = "discussion",
    note: str = "",
    source: str = "",
    origin: str = "",
    at: str = "",
    strict: bool = True,
    round: str = "",
) -> Event:
    """The final decision at a stage; it names the votes in force it settles."""
    stage = check_stage(stage)
    decision = normalise_decision(decision, stage)
    if decision == "maybe":
        raise UsageError("a resolution must decide: include or exclude (not maybe)")
    if method not in RESOLVE_METHODS:
        raise UsageError(
            f"method {method!r} is not one of {', '.join(RESOLVE_METHODS)}",
            hint="--method discussion (default) or third-reviewer",
        )
    reasons = check_reasons(
        screening.config, stage=stage, decision=decision, reasons=reasons, strict=strict
    )
    votes = screening.folded.report(report.report_id).stage(stage).votes
    return new_event(
        "resolve",
        by=check_reviewer(by),
        round=round or current_round(ws),
        at=at,
        stage=stage,
        decision=decision,
        reasons=reasons,
        method=method,
        votes=tuple(sorted(v.id for v in votes.values())),
        note=note.strip(),
        source=source,
        origin=origin,
        **_base(screening, report),
    )


def undo_event(
    screening: Screening, report: Report, *, ws: Workspace, by: str, undoes: str, stage: str = ""
) -> Event:
    """Withdraw ``by``'s vote at ``stage`` (``undoes="vote"``), or the resolution,
    retrieval, removal or study link in force."""
    if undoes not in UNDOABLE:
        raise UsageError(f"cannot undo {undoes!r}", hint=f"one of {', '.join(UNDOABLE)}")
    if undoes in ("vote", "resolve"):
        stage = check_stage(stage)
    return new_event(
        "undo",
        by=check_reviewer(by),
        round=current_round(ws),
        undoes=undoes,
        stage=stage,
        **_base(screening, report),
    )


def retrieval_event(
    screening: Screening,
    report: Report,
    *,
    ws: Workspace,
    by: str,
    result: str,
    reason: str = "",
    note: str = "",
    source: str = "",
) -> Event:
    """Full text sought, retrieved, or not retrieved (with the reason why not)."""
    if result not in RETRIEVAL_RESULTS:
        raise UsageError(f"retrieval result {result!r} is not one of {RETRIEVAL_RESULTS}")
    if result == "not-retrieved" and not reason.strip():
        raise UsageError(
            "say why the full text was not retrieved",
            hint='e.g. --reason "no access" or "authors did not reply"',
        )
    return new_event(
        "retrieval",
        by=check_reviewer(by),
        round=current_round(ws),
        result=result,
        reasons=(reason.strip(),) if reason.strip() else (),
        note=note.strip(),
        source=source,
        **_base(screening, report),
    )


def remove_event(
    screening: Screening,
    report: Report,
    *,
    ws: Workspace,
    by: str,
    kind: str,
    reason: str,
    note: str = "",
    source: str = "",
    round: str = "",
) -> Event:
    """Removed before screening: marked ineligible by an automation tool, or another reason
    (PRISMA's two "removed before screening" lines besides duplicates)."""
    if kind not in REMOVAL_KINDS:
        raise UsageError(f"--kind {kind!r} is not automation or other")
    if not reason.strip():
        raise UsageError(
            "say why the record was removed", hint='e.g. --reason "published before 2003"'
        )
    return new_event(
        "remove",
        by=check_reviewer(by),
        round=round or current_round(ws),
        kind=kind,
        reasons=(reason.strip(),),
        note=note.strip(),
        source=source,
        **_base(screening, report),
    )


_STAGE_ADJECTIVES = {"ta": "title/abstract", "ft": "full-text"}


@dataclass(frozen=True, slots=True)
class SetAside:
    """The decisions a report has in force when it is removed before screening. They stay
    in the logs but no longer count: a removed report is not screened, so PRISMA's boxes, the
    methods sentences, the agreement and the progress leave them out (``--undo`` on the
    removal counts them again)."""

    report_id: str
    votes: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """Per stage with votes in force: (stage, the reviewers who voted)."""
    resolved: tuple[str, ...] = ()
    """The stages with a resolution in force."""
    retrieval: str = ""
    """The full-text retrieval result in force (empty: none)."""
    study: str = ""
    """The study the report is linked to (empty: none)."""

    def __bool__(self) -> bool:
        return bool(self.votes or self.resolved or self.retrieval or self.study)

    def describe(self) -> str:
        """``2 title/abstract votes (ann, bob) and a title/abstract resolution``."""
        parts = [
            f"{count(len(names), _STAGE_ADJECTIVES[stage] + ' vote')} ({', '.join(names)})"
            for stage, names in self.votes
        ]
        parts += [f"a {_STAGE_ADJECTIVES[stage]} resolution" for stage in self.resolved]
        if self.retrieval:
            parts.append(f"full-text retrieval ({self.retrieval})")
        if self.study:
            parts.append(f"a link to study {self.study}")
        if len(parts) <= 1:
            return "".join(parts)
        return ", ".join(parts[:-1]) + " and " + parts[-1]


def set_aside_by_removal(screening: Screening, report: Report) -> SetAside:
    """What removing ``report`` before screening would set aside (nothing when it is
    removed already, or has no decision in force)."""
    rf = screening.folded.report(report.report_id)
    if rf.removal is not None:
        return SetAside(report.report_id)
    return SetAside(
        report.report_id,
        votes=tuple(
            (stage, tuple(sorted(rf.stage(stage).votes)))
            for stage in STAGES
            if rf.stage(stage).votes
        ),
        resolved=tuple(stage for stage in STAGES if rf.stage(stage).resolution is not None),
        retrieval=rf.retrieval.result if rf.retrieval is not None else "",
        study=rf.link.study if rf.link is not None else "",
    )


_STUDY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")


def link_event(
    screening: Screening, report: Report, *, ws: Workspace, by: str, study: str, note: str = ""
) -> Event:
    """The report belongs to ``study`` (a short id of the team's choosing, e.g. ``S07``)."""
    study = study.strip()
    if not _STUDY.match(study):
        raise UsageError(
            f"study id {study!r}: use letters, digits and . _ : - (up to 64)",
            hint="e.g. --study S07 or --study troup2022",
        )
    return new_event(
        "link",
        by=check_reviewer(by),
        round=current_round(ws),
        study=study,
        note=note.strip(),
        **_base(screening, report),
    )


def record(ws: Workspace, events: Sequence[Event], *, what: str = "", **details: Any) -> int:
    """Append ``events`` holding the review's lock, and note it in ``log.jsonl`` (``what``
    names the command); returns how many were appended."""
    if not events:
        return 0
    with ws.lock():
        added = append_events(ws, events)
        if what:
            ws.log(what, events=added, **details)
    return added


# -- naming reports on the command line ------------------------------------------------------


def find_report(screening: Screening, text: str) -> Report:
    """The report ``text`` names: a report id, a member record's uid or record id, its key
    in its file (``KEY`` or ``DATABASE:KEY``), its DOI or PubMed id. A name matching several
    reports, or none, is a :class:`UsageError` saying so."""
    library = screening.library
    value = text.strip()
    if value in library.by_id:
        return library.by_id[value]
    found: dict[str, Report] = {}
    lowered = value.casefold()
    db_key = value.split(":", 1) if ":" in value else ["", value]
    for i, record in enumerate(library.records):
        origin = library.origins[i]
        own = record_keys(record)
        names = {
            library.ref(i).uid.casefold(),
            str(record.id).casefold(),
            record.doi.casefold() if record.doi else "",
            record.pmid,
            *(key.casefold() for key in own),
        }
        names.discard("")
        keyed = bool(
            db_key[0]
            and db_key[0].casefold() in (origin.database.casefold(), origin.file.casefold())
            and db_key[1].casefold() in {key.casefold() for key in own}
        )
        if lowered in names or keyed:
            report = library.report_of_record(i)
            found[report.report_id] = report
    if len(found) == 1:
        return next(iter(found.values()))
    if not found:
        raise UsageError(
            f"no record in the review is called {text!r}",
            hint="give a report id (cen-search screen export lists them), a record key, DOI "
            "or PubMed id",
        )
    listed = "; ".join(f"{r.report_id} {describe_report(library, r)}" for r in found.values())
    raise UsageError(
        f"{text!r} names {len(found)} reports: {listed}", hint="give the report id instead"
    )
