"""The fold: events in, what is in force per report out — supersession, undo, orphans,
independent votes, and the outcomes derived from them (conflicts, retrieval, reasons)."""

from __future__ import annotations

import json
import random
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from cen_search.ledger import read_entries
from cen_search.screening.agreement import agreements, cohen_kappa
from cen_search.screening.config import ScreeningConfig
from cen_search.screening.events import Event, parse_event
from cen_search.screening.fold import fold_events
from cen_search.screening.model import FtOutcome, Retrieval, TaOutcome
from cen_search.screening.outcomes import report_state
from cen_search.screening.reports import Report
from tests._screening import ev, locate_by_uid

ONE = locate_by_uid({"r1": "R1", "r2": "R2", "r3": "R3", "r1b": "R1"})
CONFIG = ScreeningConfig(reasons=("wrong population", "wrong setting", "not qualitative"))


def _report(report_id: str = "R1", lane: str = "dbr") -> Report:
    return Report(report_id, (0,), (report_id.lower(),), 0, "base", lane)  # type: ignore[arg-type]


def state_of(events: list[Event], report_id: str = "R1", config: ScreeningConfig = CONFIG):
    folded = fold_events(events, ONE)
    assigned: dict[str, list[str]] = {}
    for (stage, reviewer), reports in folded.assigned.items():
        if report_id in reports:
            assigned.setdefault(stage, []).append(reviewer)
    return report_state(_report(report_id), folded.report(report_id), config, assigned=assigned)


def test_a_later_vote_by_the_same_reviewer_supersedes_the_earlier_one() -> None:
    events = [
        ev("vote", stage="ta", decision="exclude"),
        ev("vote", stage="ta", decision="include"),
    ]
    folded = fold_events(events, ONE)
    assert folded.report("R1").ta.votes["ann"].decision == "include"
    assert state_of(events).ta is TaOutcome.INCLUDE


def test_an_undo_withdraws_only_its_authors_vote() -> None:
    events = [
        ev("vote", stage="ta", decision="include", by="ann"),
        ev("vote", stage="ta", decision="include", by="bob"),
        ev("undo", undoes="vote", stage="ta", by="ann"),
    ]
    votes = fold_events(events, ONE).report("R1").ta.votes
    assert set(votes) == {"bob"}


def test_votes_on_records_now_in_one_report_fold_into_it() -> None:
    # r1 and r1b were separate reports when voted on; dedupe now puts them together.
    events = [
        ev("vote", "r1", stage="ta", decision="exclude"),
        ev("vote", "r1b", stage="ta", decision="include"),
    ]
    folded = fold_events(events, ONE)
    assert folded.report("R1").ta.votes["ann"].decision == "include"


def test_an_event_whose_records_are_gone_is_an_orphan_not_applied() -> None:
    events = [ev("vote", "gone", stage="ta", decision="exclude")]
    folded = fold_events(events, ONE)
    assert folded.orphans == (events[0],)
    assert not folded.reports


def test_an_event_about_records_now_split_applies_to_each_part_and_is_reported() -> None:
    events = [ev("vote", ("r1", "r2"), stage="ta", decision="exclude")]
    folded = fold_events(events, ONE)
    assert folded.report("R1").ta.votes and folded.report("R2").ta.votes
    assert folded.spread[0][1] == ("R1", "R2")


def test_maybe_counts_as_include_at_title_abstract() -> None:
    assert state_of([ev("vote", stage="ta", decision="maybe")]).ta is TaOutcome.INCLUDE


def test_include_against_exclude_is_a_conflict_until_resolved() -> None:
    events = [
        ev("vote", stage="ta", decision="maybe", by="ann"),
        ev("vote", stage="ta", decision="exclude", by="bob"),
    ]
    assert state_of(events).ta is TaOutcome.CONFLICT
    events.append(ev("resolve", stage="ta", decision="exclude", method="discussion", by="cy"))
    state = state_of(events)
    assert state.ta is TaOutcome.EXCLUDE and state.retrieval is Retrieval.NOT_SOUGHT


def test_an_undone_resolution_brings_the_conflict_back() -> None:
    events = [
        ev("vote", stage="ta", decision="include", by="ann"),
        ev("vote", stage="ta", decision="exclude", by="bob"),
        ev("resolve", stage="ta", decision="include", method="discussion", by="cy"),
        ev("undo", undoes="resolve", stage="ta", by="dee"),
    ]
    assert state_of(events).ta is TaOutcome.CONFLICT


def test_full_text_excludes_with_different_primary_reasons_conflict_or_follow_the_hierarchy() -> (
    None
):
    events = [
        ev("vote", stage="ta", decision="include"),
        ev("vote", stage="ft", decision="exclude", reasons=("not qualitative",), by="ann"),
        ev("vote", stage="ft", decision="exclude", reasons=("wrong setting",), by="bob"),
    ]
    assert state_of(events).ft is FtOutcome.CONFLICT
    hierarchy = ScreeningConfig(reasons=CONFIG.reasons, reason_policy="hierarchy")
    state = state_of(events, config=hierarchy)
    assert state.ft is FtOutcome.EXCLUDE
    assert state.ft_reason == "wrong setting"  # earlier in the review's list
    assert state.ft_reasons == ("wrong setting", "not qualitative")


def test_an_unsure_full_text_vote_needs_a_resolution() -> None:
    events = [ev("vote", stage="ta", decision="include"), ev("vote", stage="ft", decision="maybe")]
    assert state_of(events).ft is FtOutcome.CONFLICT


def test_dual_screening_needs_two_votes_before_a_decision() -> None:
    dual = ScreeningConfig(ta_reviewers=2)
    one = [ev("vote", stage="ta", decision="exclude", by="ann")]
    assert state_of(one, config=dual).ta is TaOutcome.PENDING
    two = [*one, ev("vote", stage="ta", decision="exclude", by="bob")]
    assert state_of(two, config=dual).ta is TaOutcome.EXCLUDE


def test_an_assigned_second_reviewer_must_vote_before_the_report_is_decided() -> None:
    events = [
        ev("vote", stage="ta", decision="exclude", by="ann"),
        ev("assign", stage="ta", reviewers=("bob",), targets=(("r1",),)),
    ]
    assert state_of(events).ta is TaOutcome.PENDING
    events.append(ev("vote", stage="ta", decision="exclude", by="bob"))
    assert state_of(events).ta is TaOutcome.EXCLUDE
    assert state_of(events, "R2").ta is TaOutcome.PENDING  # not assigned, not voted


def test_retrieval_events_and_full_text_decisions() -> None:
    ta = ev("vote", stage="ta", decision="include")
    assert state_of([ta]).retrieval is Retrieval.PENDING
    lost = ev("retrieval", result="not-retrieved", reasons=("no access",))
    state = state_of([ta, lost])
    assert (state.retrieval, state.not_retrieved_reason) == (Retrieval.NOT_RETRIEVED, "no access")
    assert state.ft is FtOutcome.NOT_ASSESSED
    # a full-text decision recorded afterwards shows the paper was found after all
    later = ev("vote", stage="ft", decision="include")
    assert state_of([ta, lost, later]).retrieval is Retrieval.RETRIEVED
    # no retrieval event: a full-text decision implies the full text was retrieved
    assert state_of([ta, ev("vote", stage="ft", decision="ongoing")]).ft is FtOutcome.ONGOING


def test_a_removed_report_is_not_screened_and_can_be_put_back() -> None:
    removed = [
        ev("vote", stage="ta", decision="include"),
        ev("remove", kind="automation", reasons=("ASReview stopping rule",)),
    ]
    state = state_of(removed)
    assert (state.removed, state.screened, state.sought) == ("automation", False, False)
    back = state_of([*removed, ev("undo", undoes="remove")])
    assert back.screened and back.ta is TaOutcome.INCLUDE


def test_study_links_follow_the_latest_and_can_be_withdrawn() -> None:
    events = [ev("link", study="S01"), ev("link", study="S02")]
    assert state_of(events).study == "S02"
    assert state_of([*events, ev("undo", undoes="link")]).study == ""


def test_automation_exclusions_are_marked_as_such() -> None:
    state = state_of([ev("vote", stage="ta", decision="exclude", by="tool:asreview")])
    assert state.ta is TaOutcome.EXCLUDE and state.ta_by_automation


def test_an_automation_tool_is_not_counted_as_a_reviewer_in_the_screening_design() -> None:
    from cen_search.screening.agreement import designs

    events = [
        ev("vote", "r1", stage="ta", decision="include", by="ann"),
        ev("vote", "r1", stage="ta", decision="exclude", by="tool:asreview"),
        ev("vote", "r2", stage="ta", decision="exclude", by="tool:asreview"),
    ]
    (ta,) = designs(fold_events(events, ONE))
    assert ta.reviewers == ("ann",)
    assert (ta.screened, ta.screened_by_two, ta.conflicts) == (1, 0, 0)


def test_a_removed_reports_votes_count_in_neither_the_agreement_nor_the_design() -> None:
    from cen_search.screening.agreement import designs

    votes = [
        ev("vote", "r1", stage="ta", decision="include", by="ann"),
        ev("vote", "r1", stage="ta", decision="include", by="bob"),
        ev("vote", "r2", stage="ta", decision="include", by="ann"),
        ev("vote", "r2", stage="ta", decision="exclude", by="bob"),
        ev("resolve", "r2", stage="ta", decision="exclude", by="cy", method="discussion"),
    ]
    removed = [*votes, ev("remove", "r2", kind="other", reasons=("duplicate found late",))]
    (ta,) = designs(fold_events(removed, ONE))
    assert (ta.screened, ta.screened_by_two, ta.conflicts, dict(ta.resolved_by)) == (1, 1, 0, {})
    (pair,) = agreements(fold_events(removed, ONE))
    assert (pair.n, pair.agreed) == (1, 1)
    # put back, they count again
    back = [*removed, ev("undo", "r2", undoes="remove")]
    (ta,) = designs(fold_events(back, ONE))
    assert (ta.screened, ta.screened_by_two, ta.conflicts) == (2, 2, 1)
    assert agreements(fold_events(back, ONE))[0].n == 2


def test_the_colrev_toy_review_counts_sought_assessed_and_included_correctly() -> None:
    # ../shared/notes/prisma-screening.md §4.4.5: 6 excluded at TA, 1 not retrieved, 2
    # excluded at FT, 1 included: sought 4, assessed 3, studies 1 (CoLRev said 10 and 3).
    reports = {f"u{i}": f"R{i}" for i in range(10)}
    events: list[Event] = []
    for i in range(10):
        events.append(ev("vote", f"u{i}", stage="ta", decision="exclude" if i < 6 else "include"))
    events.append(ev("retrieval", "u6", result="not-retrieved", reasons=("no access",)))
    events += [
        ev("vote", "u7", stage="ft", decision="exclude", reasons=("wrong setting",)),
        ev("vote", "u8", stage="ft", decision="exclude", reasons=("wrong population",)),
        ev("vote", "u9", stage="ft", decision="include"),
        ev("link", "u9", study="S01"),
    ]
    folded = fold_events(events, locate_by_uid(reports))
    states = [report_state(_report(f"R{i}"), folded.report(f"R{i}"), CONFIG) for i in range(10)]
    assert sum(s.screened for s in states) == 10
    assert sum(s.ta is TaOutcome.EXCLUDE for s in states) == 6
    assert sum(s.sought for s in states) == 4
    assert sum(s.retrieval is Retrieval.NOT_RETRIEVED for s in states) == 1
    assert sum(s.assessed for s in states) == 3
    assert sum(s.ft is FtOutcome.EXCLUDE for s in states) == 2
    assert len({s.study for s in states if s.included}) == 1


def test_two_reports_linked_to_one_study_count_as_one_study_and_two_reports() -> None:
    reports = {"a": "RA", "b": "RB"}
    events = []
    for uid in ("a", "b"):
        events += [
            ev("vote", uid, stage="ta", decision="include"),
            ev("vote", uid, stage="ft", decision="include"),
            ev("link", uid, study="S07"),
        ]
    folded = fold_events(events, locate_by_uid(reports))
    states = [report_state(_report(r), folded.report(r), CONFIG) for r in ("RA", "RB")]
    assert [s.included for s in states] == [True, True]
    assert {s.study for s in states} == {"S07"}


def test_independent_votes_stop_at_the_first_resolution() -> None:
    events = [
        ev("vote", stage="ta", decision="include", by="ann"),
        ev("vote", stage="ta", decision="exclude", by="bob"),
        ev("resolve", stage="ta", decision="include", by="cy", method="discussion"),
        ev("vote", stage="ta", decision="include", by="bob"),  # changed after discussion
    ]
    sf = fold_events(events, ONE).report("R1").ta
    assert sf.votes["bob"].decision == "include"
    assert sf.independent["bob"].decision == "exclude"


def test_kappa_is_unchanged_by_later_resolutions_and_revotes() -> None:
    reports = {f"u{i}": f"R{i}" for i in range(4)}
    base = []
    for i, (a, b) in enumerate(
        [
            ("include", "include"),
            ("exclude", "exclude"),
            ("include", "exclude"),
            ("exclude", "exclude"),
        ]
    ):
        base += [
            ev("vote", f"u{i}", stage="ta", decision=a, by="ann"),
            ev("vote", f"u{i}", stage="ta", decision=b, by="bob"),
        ]
    before = agreements(fold_events(base, locate_by_uid(reports)))
    after_events = [
        *base,
        ev("resolve", "u2", stage="ta", decision="include", by="cy", method="discussion"),
        ev("vote", "u2", stage="ta", decision="include", by="bob"),
    ]
    after = agreements(fold_events(after_events, locate_by_uid(reports)))
    assert before == after
    (only,) = before
    assert only.table == ((1, 1), (0, 2)) and only.n == 4 and only.agreed == 3


# -- properties: the fold does not depend on file order, doubled lines or interleaving -------

DECISIONS = ("include", "exclude", "maybe")


@st.composite
def logs(draw):  # type: ignore[no-untyped-def]
    """A random history: votes, undos, resolutions by three reviewers on three reports."""
    n = draw(st.integers(min_value=1, max_value=25))
    events = []
    for _ in range(n):
        kind = draw(st.sampled_from(("vote", "vote", "vote", "undo", "resolve")))
        target = draw(st.sampled_from(("r1", "r2", "r3", "r1b")))
        by = draw(st.sampled_from(("ann", "bob", "cy")))
        if kind == "vote":
            events.append(
                ev("vote", target, by=by, stage="ta", decision=draw(st.sampled_from(DECISIONS)))
            )
        elif kind == "undo":
            events.append(
                ev(
                    "undo",
                    target,
                    by=by,
                    stage="ta",
                    undoes=draw(st.sampled_from(("vote", "resolve"))),
                )
            )
        else:
            events.append(
                ev("resolve", target, by=by, stage="ta", decision="exclude", method="discussion")
            )
    return events


def _summary(events: list[Event]) -> dict[str, object]:
    folded = fold_events(events, ONE)
    return {
        report: (
            {by: e.id for by, e in rf.ta.votes.items()},
            {by: e.id for by, e in rf.ta.independent.items()},
            rf.ta.resolution.id if rf.ta.resolution else None,
        )
        for report, rf in folded.reports.items()
    }


def _write(path: Path, events: list[Event]) -> None:
    path.write_text("".join(json.dumps(e.to_json()) + "\n" for e in events), encoding="utf-8")


@settings(max_examples=60, deadline=None)
@given(logs(), st.randoms(use_true_random=False))
def test_the_fold_ignores_file_split_file_order_and_lines_doubled_by_a_merge(
    tmp_path_factory,
    events,
    rnd,  # type: ignore[no-untyped-def]
) -> None:
    folder = tmp_path_factory.mktemp("logs")
    expected = _summary(events)
    # each reviewer's events in their own file, files listed in any order, some lines doubled
    by_reviewer: dict[str, list[Event]] = {}
    for event in events:
        by_reviewer.setdefault(event.by, []).append(event)
    paths = []
    for name, own in by_reviewer.items():
        doubled = own + [e for e in own if rnd.random() < 0.3]
        path = folder / f"{name}.jsonl"
        _write(path, doubled)
        paths.append(path)
    rnd.shuffle(paths)
    read = [e for e in (parse_event(d) for d in read_entries(paths)) if e is not None]
    assert _summary(read) == expected


@settings(max_examples=60, deadline=None)
@given(logs())
def test_only_the_latest_event_per_key_matters(events) -> None:  # type: ignore[no-untyped-def]
    """Dropping an event that a later one of the same key supersedes changes nothing that
    is in force (independent votes aside, which look at the order of resolutions)."""
    folded = fold_events(events, ONE)
    in_force = {
        e.id
        for rf in folded.reports.values()
        for e in (*rf.ta.votes.values(), rf.ta.resolution)
        if e is not None
    }
    keep = [e for e in events if e.id in in_force or e.event == "undo"]
    again = fold_events(keep, ONE)
    for report, rf in folded.reports.items():
        other = again.report(report)
        assert {b: e.id for b, e in rf.ta.votes.items()} == {
            b: e.id for b, e in other.ta.votes.items()
        }


def test_event_json_round_trips() -> None:
    event = ev(
        "vote",
        ("a", "b"),
        stage="ft",
        decision="exclude",
        reasons=("wrong setting", "not qualitative"),
        note="see table 2",
        source="terminal",
    )
    assert parse_event(json.loads(json.dumps(event.to_json()))) == event


def test_an_unknown_event_type_from_a_newer_version_is_skipped() -> None:
    assert parse_event({"id": "x", "event": "release", "by": "ann"}) is None


def test_a_malformed_vote_names_the_event() -> None:
    import pytest

    from cen_search.errors import WorkspaceError

    with pytest.raises(WorkspaceError, match="screening event 42 by ann: 'decision' is 'yes'"):
        parse_event(
            {
                "id": "42",
                "by": "ann",
                "event": "vote",
                "stage": "ta",
                "decision": "yes",
                "target": ["a"],
            }
        )


def test_random_shuffles_of_one_reviewers_file_keep_the_fold_when_times_differ() -> None:
    events = [ev("vote", stage="ta", decision=d) for d in ("include", "exclude", "maybe")]
    shuffled = events[:]
    random.Random(3).shuffle(shuffled)
    shuffled.sort(key=lambda e: (e.at, e.id))  # what read_entries does with several files
    assert _summary(shuffled) == _summary(events)


def test_kappa_s_interval_stays_within_minus_one_and_one() -> None:
    # the example review's title/abstract table: kappa 0.638, whose large-sample interval
    # would reach 1.13; kappa cannot exceed 1
    kappa, interval = cohen_kappa(((34, 1), (1, 2)))
    assert kappa is not None and round(kappa, 3) == 0.638
    assert interval is not None and interval[1] == 1.0 and 0.1 < interval[0] < kappa
    _, low = cohen_kappa(((0, 9), (9, 1)))
    assert low is not None and low[0] >= -1.0
