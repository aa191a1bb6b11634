"""Awaiting-classification and ongoing outcomes hold for their own round only: once a later
round has started, the report is open again at full text (MECIR U8), and decisions recorded in
the later round count; samples drawn in one round bind that round's reports only."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from cen_search.screening.config import ScreeningConfig
from cen_search.screening.events import Event
from cen_search.screening.fold import fold_events
from cen_search.screening.model import FtOutcome, Retrieval
from cen_search.screening.outcomes import report_state
from cen_search.screening.reopen import reopen
from cen_search.screening.reports import Report
from tests._screening import ev, locate_by_uid

ONE = locate_by_uid({"r1": "R1", "r2": "R2"})
CONFIG = ScreeningConfig()
ROUNDS = ("base", "2021")


def in_round(event: Event, name: str) -> Event:
    return replace(event, round=name)


def state_after(events: list[Event], rounds: tuple[str, ...] = ROUNDS):
    folded, reopened = reopen(fold_events(events, ONE), rounds)
    report = Report("R1", (0,), ("r1",), 0, "base", "dbr")
    return report_state(report, folded.report("R1"), CONFIG), reopened.get("R1")


def _included_at_ta() -> Event:
    return ev("vote", stage="ta", decision="include", by="ann")


def test_an_awaiting_outcome_of_an_earlier_round_is_pending_again() -> None:
    events = [_included_at_ta(), ev("vote", stage="ft", decision="awaiting", by="ann")]
    state, reopened = state_after(events)
    assert state.ft is FtOutcome.PENDING and state.retrieval is Retrieval.RETRIEVED
    assert reopened is not None
    assert (reopened.outcome, reopened.decided_round, reopened.open_in) == (
        "awaiting",
        "base",
        "2021",
    )
    assert reopened.set_aside == (events[1].id,)


def test_an_ongoing_resolution_is_reopened_and_a_vote_of_the_new_round_decides() -> None:
    events = [
        _included_at_ta(),
        ev("vote", stage="ft", decision="include", by="ann"),
        ev("vote", stage="ft", decision="exclude", by="bob", reasons=("wrong setting",)),
        ev("resolve", stage="ft", decision="ongoing", by="cy", method="discussion"),
    ]
    state, reopened = state_after(events)
    assert state.ft is FtOutcome.PENDING and reopened is not None
    assert set(reopened.set_aside) == {events[1].id, events[2].id, events[3].id}
    later = in_round(ev("vote", stage="ft", decision="include", by="bob"), "2021")
    state, _ = state_after([*events, later])
    assert state.ft is FtOutcome.INCLUDE and state.decided_round == "2021"


def test_a_provisional_outcome_of_the_last_round_stands() -> None:
    events = [
        in_round(_included_at_ta(), "2021"),
        in_round(ev("vote", stage="ft", decision="ongoing", by="ann"), "2021"),
    ]
    state, reopened = state_after(events)
    assert state.ft is FtOutcome.ONGOING and reopened is None
    # and in a review with one round nothing is ever reopened
    state, reopened = state_after(
        [*events[:1], ev("vote", stage="ft", decision="awaiting")], ("base",)
    )
    assert state.ft is FtOutcome.AWAITING and reopened is None


def test_a_report_awaiting_again_in_2021_is_reopened_in_2022_only() -> None:
    events = [
        _included_at_ta(),
        ev("vote", stage="ft", decision="awaiting", by="ann"),
        in_round(ev("vote", stage="ft", decision="awaiting", by="ann"), "2021"),
    ]
    state, reopened = state_after(events, ("base", "2021"))
    assert state.ft is FtOutcome.AWAITING and reopened is None
    state, reopened = state_after(events, ("base", "2021", "2022"))
    assert state.ft is FtOutcome.PENDING and reopened is not None
    assert (reopened.decided_round, reopened.open_in) == ("2021", "2022")


def test_final_outcomes_are_never_reopened() -> None:
    for decision in ("include", "exclude"):
        events = [
            _included_at_ta(),
            ev("vote", stage="ft", decision=decision, by="ann", reasons=("wrong setting",)),
        ]
        state, reopened = state_after(events)
        assert state.ft.value == decision and reopened is None


def test_the_screening_queue_and_progress_see_reopened_reports(tmp_path: Path) -> None:
    from cen_search.screening.actions import record, vote_event
    from cen_search.screening.flow import load_screening
    from cen_search.screening.queue import reviewer_queue
    from cen_search.workspace.rounds import start_round
    from tests._screening import make_review

    ws = make_review(tmp_path / "review")
    screening = load_screening(ws)
    report = screening.reports[0]
    record(
        ws,
        [
            vote_event(screening, report, ws=ws, by="ann", stage="ta", decision="include"),
            vote_event(screening, report, ws=ws, by="ann", stage="ft", decision="ongoing"),
        ],
    )
    assert not reviewer_queue(load_screening(ws), reviewer="ann", stage="ft").pending
    with ws.lock():
        start_round(ws, "2021")
    screening = load_screening(ws)
    assert [r.report_id for r in reviewer_queue(screening, reviewer="ann", stage="ft").pending] == [
        report.report_id
    ]
    state = screening.state(report)
    assert (state.reopened, state.reopened_round, state.ft) == (
        "ongoing",
        "2021",
        FtOutcome.PENDING,
    )
    # how the stages were screened still counts the earlier decision
    ft_design = next(d for d in screening.flow().designs if d.stage == "ft")
    assert ft_design.screened == 1


def test_a_sample_drawn_in_2019_does_not_hide_the_reports_of_2021(tmp_path: Path) -> None:
    from cen_search.screening.actions import record
    from cen_search.screening.events import new_event
    from cen_search.screening.flow import load_screening
    from cen_search.screening.queue import reviewer_queue
    from cen_search.workspace.rounds import start_round
    from tests._screening import DATA, make_review

    ws = make_review(tmp_path / "review", files=(("medline.ris", "MEDLINE"),))
    screening = load_screening(ws)
    first = screening.reports[0]
    sample = new_event(
        "assign",
        by="ann",
        round="base",
        stage="ta",
        reviewers=("bob",),
        targets=(first.uids,),
    )
    record(ws, [sample])
    assert [
        r.report_id for r in reviewer_queue(load_screening(ws), reviewer="bob", stage="ta").reports
    ] == [first.report_id]
    with ws.lock():
        start_round(ws, "2021")
    ws.import_file(DATA / "embase.ris", database="Embase", searched="2021-05-01")
    screening = load_screening(ws)
    queue = reviewer_queue(screening, reviewer="bob", stage="ta")
    rounds = {r.round for r in queue.reports}
    assert first.report_id in {r.report_id for r in queue.reports}
    assert "2021" in rounds and queue.assigned
    # the base reports outside the sample stay outside it
    base_reports = {r.report_id for r in screening.reports if r.round == "base"}
    assert {r.report_id for r in queue.reports} & base_reports == {first.report_id}


def test_a_sample_drawn_in_an_update_round_comes_from_that_rounds_reports(tmp_path: Path) -> None:
    from cen_search.screening.actions import record, vote_event
    from cen_search.screening.assign import draw
    from cen_search.screening.flow import load_screening
    from cen_search.workspace.rounds import start_round
    from tests._screening import DATA, make_review

    ws = make_review(tmp_path / "review", files=(("medline.ris", "MEDLINE"),))
    screening = load_screening(ws)
    record(
        ws,
        [
            vote_event(screening, r, ws=ws, by="ann", stage="ta", decision="exclude")
            for r in screening.reports
        ],
    )
    with ws.lock():
        start_round(ws, "2021")
    ws.import_file(DATA / "embase.ris", database="Embase", searched="2021-05-01")
    screening = load_screening(ws)
    new = [r for r in screening.reports if r.round == "2021"]
    record(
        ws,
        [vote_event(screening, r, ws=ws, by="ann", stage="ta", decision="exclude") for r in new],
    )
    sample = draw(load_screening(ws), ws=ws, by="ann", stage="ta", reviewer="bob", everything=True)
    assert sample.event.round == "2021"
    assert sorted(sample.event.targets) == sorted(r.uids for r in new)
