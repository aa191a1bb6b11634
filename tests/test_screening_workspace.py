"""The screening log in a review workspace: where events go, crash safety, and votes that
survive re-saved exports, new rounds and merged logs; flow_state over the whole review."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from cen_search.errors import DamagedLogError, UsageError
from cen_search.screening.actions import find_report, record, vote_event
from cen_search.screening.flow import flow_state, load_screening
from cen_search.screening.log import log_files
from cen_search.screening.model import TaOutcome
from cen_search.workspace import Workspace
from cen_search.workspace.rounds import start_round
from tests._screening import DATA, make_review


@pytest.fixture()
def review(tmp_path: Path) -> Workspace:
    return make_review(tmp_path / "review")


def _vote(ws: Workspace, name: str, decision: str, *, by: str = "ann", stage: str = "ta", **kw):  # type: ignore[no-untyped-def]
    screening = load_screening(ws)
    report = find_report(screening, name)
    event = vote_event(screening, report, ws=ws, by=by, stage=stage, decision=decision, **kw)
    record(ws, [event])
    return report


def test_each_reviewer_appends_to_their_own_log_and_git_merges_them_by_union(
    review: Workspace,
) -> None:
    (review.root / ".gitattributes").write_text("*.ris -text\n", encoding="utf-8")
    _vote(review, "10.1186/s12888-015-0001-1", "include", by="Ann Smith")
    _vote(review, "10.1186/s12888-015-0001-1", "exclude", by="bob", reasons=["wrong setting"])
    assert [p.name for p in log_files(review)] == ["ann-smith.jsonl", "bob.jsonl"]
    attributes = (review.root / ".gitattributes").read_text(encoding="utf-8")
    assert attributes.startswith("*.ris -text\n")  # what was there is kept
    assert "screening/*.jsonl merge=union" in attributes
    line = json.loads((review.root / "screening" / "bob.jsonl").read_text("utf-8"))
    assert line["reasons"] == ["wrong setting"] and line["stage"] == "ta"
    assert sorted(line["target"]) == line["target"] and len(line["target"]) == 2
    assert {ref["uid"] for ref in line["refs"]} == set(line["target"])


def test_a_torn_last_line_stops_screening_until_repaired_and_earlier_votes_survive(
    review: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests._dedupe_cli import run_cli

    _vote(review, "10.1186/s12888-015-0001-1", "include")
    log = review.root / "screening" / "ann.jsonl"
    with open(log, "ab") as fh:
        fh.write(b'{"id": "cut", "event": "vo')
    with pytest.raises(DamagedLogError, match="cut short"):
        load_screening(review)
    with pytest.raises(DamagedLogError):
        _vote(review, "10.1080/09638237.2017.0002", "exclude")
    result = run_cli(capsys, "-C", review.root, "repair", "--yes")
    assert result.code == 0, result.err
    assert (log.parent / "ann.jsonl.torn").read_bytes().startswith(b'{"id": "cut"')
    screening = load_screening(review)
    report = find_report(screening, "10.1186/s12888-015-0001-1")
    assert screening.state(report).ta is TaOutcome.INCLUDE


def test_lines_doubled_by_a_union_merge_change_nothing(review: Workspace) -> None:
    _vote(review, "10.1186/s12888-015-0001-1", "include")
    _vote(review, "10.1080/09638237.2017.0002", "exclude")
    before = flow_state(review)
    log = review.root / "screening" / "ann.jsonl"
    lines = log.read_text("utf-8").splitlines(keepends=True)
    log.write_text("".join(lines + lines[::-1]), encoding="utf-8")
    assert flow_state(review) == before


def test_votes_follow_their_records_into_a_review_with_re_saved_reordered_exports(
    tmp_path: Path,
) -> None:
    first = make_review(tmp_path / "a")
    _vote(first, "10.1186/s12888-015-0001-1", "exclude", reasons=["wrong setting"])
    _vote(first, "10.1016/s2215-0366(16)0003-3", "include")
    # a colleague's clone: the same exports saved again with CRLF, records in reverse order
    resaved = tmp_path / "resaved"
    resaved.mkdir()
    for name in ("medline.ris", "embase.ris"):
        text = (DATA / name).read_text("utf-8")
        records = [r for r in text.split("\n\n") if r.strip()]
        (resaved / name).write_bytes(
            ("\r\n\r\n".join(records[::-1]) + "\r\n")
            .replace("\n", "\r\n")
            .replace("\r\r", "\r")
            .encode()
        )
    second = make_review(
        tmp_path / "b",
        files=((str(resaved / "medline.ris"), "MEDLINE"), (str(resaved / "embase.ris"), "Embase")),
    )
    shutil.copytree(first.root / "screening", second.root / "screening")
    states = {s.report_id: s for s in flow_state(second).reports}
    screening = load_screening(second)
    excluded = find_report(screening, "10.1186/s12888-015-0001-1")
    included = find_report(screening, "10.1016/s2215-0366(16)0003-3")
    assert states[excluded.report_id].ta is TaOutcome.EXCLUDE
    assert states[included.report_id].ta is TaOutcome.INCLUDE
    assert not screening.folded.orphans


def test_a_new_round_joins_records_to_a_screened_report_and_the_vote_still_holds(
    review: Workspace,
) -> None:
    report = _vote(review, "10.1007/s10597-018-0007-7", "include")
    with review.lock():
        start_round(review, "2021")
    Workspace(review.root).import_file(
        DATA / "update.ris", database="Embase", searched="2021-01-05"
    )
    ws = Workspace(review.root)  # no dedupe run: clusters.csv is stale, dedupe runs in memory
    flow = flow_state(ws)
    assert len(flow.records) == 13 and len(flow.reports) == 10
    mine = next(s for s in flow.reports if s.report_id == report.report_id)
    assert mine.ta is TaOutcome.INCLUDE and len(mine.members) == 2
    assert mine.round == "base"
    new = [s for s in flow.reports if s.round == "2021"]
    assert len(new) == 2 and all(s.ta is TaOutcome.PENDING for s in new)
    assert flow.rounds == ("base", "2021")
    assert {r.round for r in flow.records} == {"base", "2021"}


def test_flow_state_keeps_records_reports_and_lanes_apart(tmp_path: Path) -> None:
    ws = make_review(tmp_path / "r")
    Workspace(ws.root).import_file(
        DATA / "update.ris", database="citation search", method="citation", searched="2020-02-01"
    )
    flow = flow_state(Workspace(ws.root))
    assert len(flow.records) == 13
    by_report: dict[str, int] = {}
    for state in flow.records:
        by_report[state.report_id] = by_report.get(state.report_id, 0) + 1
    assert sum(by_report.values()) == 13 and len(by_report) == len(flow.reports)
    lanes = {s.report_id: s.lane for s in flow.reports}
    # the citation record duplicating an Embase record stays in the databases lane
    assert sorted(lanes.values()).count("other") == 2
    assert {r.method for r in flow.records} == {"database", "citation"}
    assert flow.exclusion_reasons[:2] == ("wrong population", "wrong setting")


def test_flow_state_is_the_same_from_a_dedupe_run_clusters_csv_or_a_fresh_run(
    review: Workspace,
) -> None:
    from cen_search.dedupe.workspace_run import run_in_workspace

    _vote(review, "10.1186/s12888-015-0001-1", "include")
    from_csv = flow_state(review)
    from_run = flow_state(review, dedupe_run=run_in_workspace(review, write=False))
    (review.root / "dedupe" / "clusters.csv").unlink()
    fresh = flow_state(review)
    assert from_csv == from_run == fresh


def test_an_event_naming_a_record_no_longer_in_the_review_is_reported_and_kept(
    review: Workspace,
) -> None:
    log = review.root / "screening" / "ann.jsonl"
    log.parent.mkdir()
    stray = {
        "id": "0" * 24,
        "at": "2026-01-01T00:00:00+00:00",
        "round": "base",
        "by": "ann",
        "event": "vote",
        "stage": "ta",
        "decision": "exclude",
        "target": ["psycinfo/an:2019-99999-001"],
        "refs": [
            {"uid": "psycinfo/an:2019-99999-001", "title": "A record that was never imported"}
        ],
    }
    log.write_text(json.dumps(stray) + "\n", encoding="utf-8")
    flow = flow_state(review)
    assert any("no longer in the review" in p and "never imported" in p for p in flow.problems)
    assert all(s.ta is TaOutcome.PENDING for s in flow.reports)
    assert log.read_text("utf-8").count("\n") == 1


def test_reasons_are_checked_against_the_reviews_list(review: Workspace) -> None:
    with pytest.raises(UsageError, match="not one of the review's exclusion reasons"):
        _vote(review, "10.1186/s12888-015-0001-1", "exclude", reasons=["too old"])
    report = _vote(review, "10.1186/s12888-015-0001-1", "exclude", reasons=["2", "NOT QUALITATIVE"])
    sf = load_screening(review).folded.report(report.report_id).ta
    assert sf.votes["ann"].reasons == ("wrong setting", "not qualitative")
    with pytest.raises(UsageError, match="reasons go with an exclusion"):
        _vote(review, "10.1186/s12888-015-0001-1", "include", reasons=["2"])


def test_a_full_text_exclusion_needs_a_primary_reason(review: Workspace) -> None:
    _vote(review, "10.1186/s12888-015-0001-1", "include")
    with pytest.raises(UsageError, match="full-text exclusion needs a reason"):
        _vote(review, "10.1186/s12888-015-0001-1", "exclude", stage="ft")


def test_status_has_a_screening_section_with_next_steps(review: Workspace) -> None:
    section = next(s for s in review.status().sections if s.name == "screening")
    assert section.lines == ("no decisions yet",)
    _vote(review, "10.1186/s12888-015-0001-1", "include")
    _vote(review, "10.1186/s12888-015-0001-1", "exclude", by="bob")
    section = next(s for s in Workspace(review.root).status().sections if s.name == "screening")
    assert any(line.startswith("title/abstract: 8 reports") for line in section.lines)
    assert section.data["stages"]["ta"]["conflicts"] == 1
    assert any("cen-search screen conflicts" in step for step in section.next_steps)


def test_links_the_dedupe_engine_makes_become_suggestions(review: Workspace) -> None:
    """``DedupeResult.links`` (Link(a, b, relation, evidence, rule), being added to the engine)
    is read by duck typing, so the suggestions work with engines that have it and without."""
    from types import SimpleNamespace

    from cen_search.dedupe.workspace_run import run_in_workspace
    from cen_search.screening.reports import library_from_run
    from cen_search.screening.studies import suggestions

    run = run_in_workspace(review, write=False)
    dois = {r.doi: i for i, r in enumerate(run.inputs.everything)}
    link = SimpleNamespace(
        a=dois["10.1080/09638237.2017.0002"],
        b=dois["10.1186/s12888-015-0001-1"],
        relation="erratum-of",
        evidence="a one-page item naming the article",
        rule="veto:erratum",
    )
    linked = SimpleNamespace(
        inputs=run.inputs, result=SimpleNamespace(clusters=run.result.clusters, links=(link,))
    )
    library = library_from_run(review, linked)  # type: ignore[arg-type]
    _vote(review, "10.1186/s12888-015-0001-1", "include")
    _vote(review, "10.1186/s12888-015-0001-1", "include", stage="ft")
    screening = load_screening(review, library=library)
    (suggested,) = suggestions(screening)
    assert suggested.relation == "erratum-of"
    assert {suggested.a.report_id, suggested.b.report_id} == {
        "medline/pmid:28000002",
        "medline/pmid:26000001",
    }
    assert suggestions(load_screening(review)) == []  # no links.csv, no engine links
