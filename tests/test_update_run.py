"""A 2021 update of the example review (its searches are the 2019 round, ``base``), end to end
and offline: PubMed answers from a local server in the recorded ESearch/EFetch shapes, the
Embase export is imported by hand, reviewers screen, included studies are traced through an
OpenAlex-shaped server, and PRISMA's updated-review template reports it. Then: run again with
nothing new, interrupted runs resumed, the update lock."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from _apiserver import ApiServer
from _fake_openalex import Graph
from _fake_update import UPDATE_DATA, LocalServices, WindowedPubMed
from typer.testing import CliRunner

from cen_search.cli.app import app
from cen_search.screening.flow import flow_state, load_screening
from cen_search.screening.queue import reviewer_queue
from cen_search.update import store
from cen_search.update.run import UpdateOptions, run_update
from cen_search.update.status import round_report
from cen_search.update.window import start_update
from cen_search.workspace import Workspace

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "cen-review"
NEW_STUDY_DOI = "10.5555/illus.2020.0003"


@pytest.fixture()
def review(tmp_path: Path) -> Workspace:
    """The example review as its 2019 round, deduplicated."""
    from cen_search.dedupe.workspace_run import run_in_workspace

    root = tmp_path / "review"
    shutil.copytree(EXAMPLE, root)
    ws = Workspace(root)
    run_in_workspace(ws)
    return Workspace(root)


@pytest.fixture()
def server():
    pubmed = WindowedPubMed.from_file()
    graph = Graph()
    with ApiServer() as running:
        running.route("/esearch.fcgi", pubmed.esearch)
        running.route("/efetch.fcgi", pubmed.efetch)
        running.route_prefix("/works", graph.handle)
        running.pubmed = pubmed  # type: ignore[attr-defined]
        running.graph = graph  # type: ignore[attr-defined]
        yield running


def cli(ws: Workspace, *args: str) -> str:
    result = CliRunner().invoke(app, ["-C", str(ws.root), *args])
    assert result.exit_code == 0, result.output
    return result.output


def _run(ws: Workspace, server: ApiServer, tmp_path: Path, **options: object):
    services = LocalServices(server.url, tmp_path / "cache")
    return run_update(
        ws,
        services=services,
        options=UpdateOptions(trace_sources=("openalex",), **options),  # type: ignore[arg-type]
    )


def _state(ws: Workspace) -> dict[str, object]:
    """What must not change when a finished round is run again."""
    return {
        "manifest": ws.manifest_path.read_bytes(),
        "update_log": store.log_path(ws).read_bytes(),
        "runs": sorted(p.name for p in (ws.root / "runs").rglob("*.json")),
        "digest": (ws.root / "update" / "2021" / "digest.md").read_bytes(),
        "events": [e["event"] for e in ws.events()],
    }


def test_a_2021_round_runs_pubmed_for_its_window_and_finds_only_what_is_new(
    review, server, tmp_path
):
    started = start_update(review, name="2021")
    assert started.window.since == "2019-11-12"  # last database search 2019-12-12, minus 30 days
    summary = _run(review, server, tmp_path)
    changes = summary.report.changes
    # the MEDLINE strategy ran on PubMed, on entry dates from the window's first day
    searches = server.requests_to("/esearch.fcgi")
    assert {s.param("datetype") for s in searches} == {"edat"}
    assert {s.param("mindate") for s in searches} == {"2019/11/12"}
    assert summary.ran == ("strategies/medline-ovid.txt",)
    sent = [s.param("term") for s in searches]
    assert any("2003:3000[dp]" in t for t in sent) and not any("2003:2019[dp]" in t for t in sent)
    # 6 records entered in the window (one more, entered in 2018, is outside it)
    assert server.pubmed.fetched == [
        "31800001",
        "32400002",
        "32700003",
        "33100004",
        "33600005",
        "34100006",
    ]  # type: ignore[attr-defined]
    assert [(c.source, c.records, c.already_known, c.new) for c in changes.counts] == [
        ("PubMed", 6, 1, 5)
    ]
    assert changes.duplicates_earlier == 1 and len(changes.new_reports) == 5
    assert changes.to_screen == 5
    # the copy of Sulzer 2016 joined the included report of 2019: its decisions carry forward
    state = flow_state(review)
    copy = next(r for r in state.records if r.uid == "pubmed/pmid:31800001")
    report = next(r for r in state.reports if r.report_id == copy.report_id)
    assert report.round == "base" and report.included and report.study
    # every import of the round carries the round
    assert {e.round for e in review.imports() if e.database == "PubMed"} == {"2021"}
    # the five sources without an API are awaited, with what to export
    awaited = {s.source.database: s for s in summary.report.sources if s.status == "awaited"}
    assert set(awaited) == {"ASSIA", "CINAHL", "Embase", "HMIC", "Social Policy and Practice"}
    steps = "\n".join(awaited["Embase"].export.steps)  # type: ignore[union-attr]
    assert "limit 26 to dc=20191112-" in steps and 'yr="2003 - 2019"' in steps
    assert "--strategy strategies/embase-ovid.txt" in steps
    digest = (review.root / summary.digest).read_text(encoding="utf-8")
    assert "| PubMed | 6 | 1 | 5 |" in digest
    assert (
        "Staff perspectives on a specialist personality disorder service in primary care" in digest
    )
    assert "<https://doi.org/10.5555/illus.2021.0004>" in digest
    assert "*Illustrative primary care mental health* (2021)" in digest
    assert not summary.report.complete


def test_only_the_rounds_new_reports_reach_the_screening_queue(review, server, tmp_path):
    start_update(review, name="2021")
    _run(review, server, tmp_path)
    screening = load_screening(review)
    queue = reviewer_queue(screening, reviewer="reviewer-1", stage="ta")
    assert {r.round for r in queue.pending} == {"2021"} and len(queue.pending) == 5
    cli(review, "screen", "vote", "33100004", "--decision", "exclude", "--reviewer", "reviewer-1")
    events = (review.root / "screening" / "reviewer-1.jsonl").read_text().splitlines()
    assert json.loads(events[-1])["round"] == "2021"


def test_running_a_finished_round_again_adds_nothing(review, server, tmp_path):
    start_update(review, name="2021")
    _run(review, server, tmp_path)
    before = _state(review)
    searches = len(server.requests_to("/esearch.fcgi"))
    again = _run(review, server, tmp_path)
    assert (
        not again.changed
        and again.ran == ()
        and again.already_ran == ("strategies/medline-ovid.txt",)
    )
    assert len(server.requests_to("/esearch.fcgi")) == searches  # not searched again
    assert _state(review) == before


def test_a_run_stopped_by_a_failing_service_resumes(review, server, tmp_path):
    start_update(review, name="2021")
    server.pubmed.fail_from = 3  # type: ignore[attr-defined]
    failed = _run(review, server, tmp_path)
    assert failed.ran == () and [f.code for f in failed.failures] == ["remote-service"]
    assert failed.failures[0].exit_code == 3
    assert "run strategies/medline-ovid.txt on pubmed" in failed.failures[0].step
    assert not [e for e in review.imports() if e.round == "2021"]
    digest = (review.root / failed.digest).read_text(encoding="utf-8")
    assert "failed: run strategies/medline-ovid.txt on pubmed" in digest
    server.pubmed.fail_from = None  # type: ignore[attr-defined]
    resumed = _run(review, server, tmp_path)
    assert resumed.ran == ("strategies/medline-ovid.txt",) and not resumed.failures
    assert len(resumed.report.changes.new_reports) == 5


def test_a_run_killed_after_its_run_record_is_not_repeated(review, server, tmp_path):
    start_update(review, name="2021")
    _run(review, server, tmp_path)
    # as if killed between the run record and its line in the update log
    log = store.log_path(review)
    lines = log.read_text().splitlines(keepends=True)
    log.write_text("".join(line for line in lines if '"strategy-run"' not in line))
    searches = len(server.requests_to("/esearch.fcgi"))
    again = _run(review, server, tmp_path)
    assert len(server.requests_to("/esearch.fcgi")) == searches
    assert again.ran == () and again.already_ran == ("strategies/medline-ovid.txt",)
    entry = next(e for e in store.entries(review) if e["event"] == "strategy-run")
    assert entry["adopted"] is True and entry["round"] == "2021"


def test_a_second_run_at_the_same_time_is_stopped_by_the_lock(review, server, tmp_path):
    from cen_search.errors import WorkspaceError

    start_update(review, name="2021")
    with (
        store.update_lock(review),
        pytest.raises(WorkspaceError, match="another cen-search update"),
    ):
        _run(review, server, tmp_path)


def test_an_embase_export_imported_into_the_round_completes_that_source(review, server, tmp_path):
    start_update(review, name="2021")
    _run(review, server, tmp_path)
    review.import_file(
        UPDATE_DATA / "embase-2021.ris",
        database="Embase",
        platform="Ovid",
        searched="2021-06-30",
        strategy=review.root / "strategies" / "embase-ovid.txt",
    )
    summary = _run(review, server, tmp_path)
    states = {s.source.database: s.status for s in summary.report.sources}
    assert states["Embase"] == "imported" and states["MEDLINE"] == "ran"
    changes = summary.report.changes
    counts = {c.source: (c.records, c.already_known, c.new) for c in changes.counts}
    assert counts["Embase"] == (2, 0, 2)
    assert changes.duplicates_within == 1  # the Embase copy of a new PubMed record
    assert len(changes.new_reports) == 6
    for name in ("ASSIA", "CINAHL", "HMIC", "Social Policy and Practice"):
        cli(review, "update", "skip", name, "--reason", "no subscription in 2021")
    assert round_report(review).complete


def test_an_erratum_of_an_included_study_is_news_about_a_known_study(review, server, tmp_path):
    start_update(review, name="2021")
    summary = _run(review, server, tmp_path)
    news = summary.report.changes.news
    assert len(news) == 1
    item = news[0]
    assert (item.relation, item.new_is_subject, item.known_outcome, item.study) == (
        "erratum-of",
        True,
        "included",
        "French 2019",
    )
    assert item.record.title.startswith("Erratum: GPs' views and experiences")
    assert item.known_title.startswith("GPs' views and experiences of managing patients")
    # it is screened like any new report, and the digest and status say what it is about
    assert item.record.report_id in {r.report_id for r in summary.report.changes.new_reports}
    digest = (review.root / summary.digest).read_text(encoding="utf-8")
    assert "## News about studies already in the review" in digest
    assert "is an erratum of “GPs' views and experiences" in digest
    assert "(study French 2019, included)" in digest
    output = cli(review, "update", "status")
    assert "news: “Erratum: GPs' views" in output and "(included, study French 2019)" in output


def test_an_awaiting_study_of_2019_is_reopened_in_2021(review, server, tmp_path):
    state = flow_state(review)
    excluded = next(r for r in state.reports if r.ft.value == "exclude" and r.lane == "dbr")
    cli(
        review,
        "screen",
        "resolve",
        excluded.report_id,
        "--stage",
        "ft",
        "--decision",
        "awaiting",
        "--method",
        "discussion",
        "--by",
        "senior-reviewer",
    )
    assert (
        next(r for r in flow_state(review).reports if r.report_id == excluded.report_id).ft.value
        == "awaiting"
    )
    start_update(review, name="2021")
    summary = _run(review, server, tmp_path)
    reopened = next(r for r in flow_state(review).reports if r.report_id == excluded.report_id)
    assert reopened.ft.value == "pending" and reopened.reopened == "awaiting"
    assert (reopened.reopened_from, reopened.reopened_round) == ("base", "2021")
    assert summary.report.changes.reopened == (excluded.report_id,)
    queue = reviewer_queue(load_screening(review), reviewer="reviewer-1", stage="ft")
    assert excluded.report_id in {r.report_id for r in queue.pending}
    cli(
        review,
        "screen",
        "vote",
        excluded.report_id,
        "--stage",
        "ft",
        "--decision",
        "include",
        "--reviewer",
        "reviewer-1",
    )
    included = next(r for r in flow_state(review).reports if r.report_id == excluded.report_id)
    assert included.included and included.decided_round == "2021"
    assert included.reopened == "awaiting"  # (it was reopened in 2021; now it is decided)
    assert round_report(review).changes.reopened_pending == 0


def _screen_new_study_in(ws: Workspace) -> None:
    """reviewer-1 includes the new 2020 interview study at both stages and links it."""
    for stage in ("ta", "ft"):
        cli(
            ws,
            "screen",
            "vote",
            NEW_STUDY_DOI,
            "--stage",
            stage,
            "--decision",
            "include",
            "--reviewer",
            "reviewer-1",
        )
    cli(ws, "screen", "link", NEW_STUDY_DOI, "--study", "Morgan-2020")


def test_studies_included_in_the_round_are_traced_and_their_new_works_imported(
    review, server, tmp_path
):
    graph: Graph = server.graph  # type: ignore[attr-defined]
    graph.add(
        "W100",
        doi=NEW_STUDY_DOI,
        title="Community mental health clinicians",
        year=2020,
        refs=["W101"],
    )
    graph.add(
        "W101",
        doi="10.5555/illus.2015.0101",
        year=2015,
        refs=[],
        title="Therapeutic pessimism among community mental health staff",
    )
    graph.add(
        "W103",
        doi="10.5555/illus.2022.0103",
        year=2022,
        refs=["W100"],
        title="Burnout in services for people with complex emotional needs",
    )
    start_update(review, name="2021")
    first = _run(review, server, tmp_path)
    assert first.traced.seeds == 0 and not first.traced.imported  # nothing included yet
    assert graph.requests["lookup"] == 0
    _screen_new_study_in(review)
    second = _run(review, server, tmp_path)
    assert second.traced.seeds == 1 and len(second.traced.imported) == 1
    entry = next(e for e in review.imports() if e.id == second.traced.imported[0])
    assert (entry.method, entry.round, entry.database) == ("citation", "2021", "Citation tracing")
    titles = {r.title for r in review.read_imports()[-1].records}
    assert titles == {
        "Therapeutic pessimism among community mental health staff",
        "Burnout in services for people with complex emotional needs",
    }
    changes = second.report.changes
    assert changes.newly_included == 1
    assert {c.source: c.records for c in changes.counts}["Citation tracing"] == 2
    # run again: the seed was traced, nothing is asked or imported twice
    lookups = graph.requests["lookup"]
    third = _run(review, server, tmp_path)
    assert not third.traced.imported and graph.requests["lookup"] == lookups
    assert not third.changed


def test_the_updated_review_prisma_shows_previous_new_and_total(review, server, tmp_path):
    start_update(review, name="2021")
    _run(review, server, tmp_path)
    _screen_new_study_in(review)
    for doi in ("10.5555/illus.2021.0004", "10.5555/illus.2021.0005", "10.5555/illus.2021.0006"):
        cli(review, "screen", "vote", doi, "--decision", "exclude", "--reviewer", "reviewer-1")
    cli(review, "screen", "vote", "32400002", "--decision", "exclude", "--reviewer", "reviewer-1")
    _run(review, server, tmp_path, trace=False)
    result = CliRunner().invoke(
        app,
        ["-C", str(review.root), "prisma", "--template", "update", "-o", str(tmp_path / "p.json")],
    )
    assert result.exit_code == 0, result.output
    flow = json.loads((tmp_path / "p.json").read_text())
    included = flow["included"]
    assert (included["previous_studies"], included["previous_reports"]) == (27, 29)
    assert (included["new_studies"], included["new_reports"]) == (1, 1)
    assert (included["studies"], included["reports"]) == (28, 30)
    dbr = flow["lanes"]["dbr"]
    assert (dbr["identified"], dbr["duplicates_earlier"], dbr["screened"]) == (6, 1, 5)
    assert (dbr["excluded"], dbr["assessed"], dbr["included"]) == (4, 1, 1)
    assert flow["identities_ok"], flow["identities"]
    # the methods describe the round's screening, as its boxes count it (not every round's)
    screened = [m for m in flow["methods"] if "screened the titles and abstracts" in m]
    assert screened and "of 5 records" in screened[0], flow["methods"]


def test_a_run_killed_after_its_import_but_before_its_run_record_is_made_again(
    review, server, tmp_path
):
    start_update(review, name="2021")
    first = _run(review, server, tmp_path)
    imports = review.imports()
    # as if killed after the import, before the run record and the update log line
    run_file = review.root / first.report.sources[4].runs[0]
    run_file.with_suffix(".ids.txt").unlink()
    run_file.unlink()
    log = store.log_path(review)
    log.write_text("".join(x for x in log.read_text().splitlines(True) if "strategy-run" not in x))
    assert (
        next(s for s in round_report(review).sources if s.source.database == "MEDLINE").status
        == "to-run"
    )
    again = _run(review, server, tmp_path)
    assert again.ran == ("strategies/medline-ovid.txt",)
    assert review.imports() == imports  # the same records: imported once
    assert len(list((review.root / "runs" / "medline-ovid").glob("*.json"))) == 1


def test_ctrl_c_after_the_searches_leaves_a_round_the_next_run_finishes(
    review, server, tmp_path, monkeypatch
):
    import cen_search.update.run as update_run

    start_update(review, name="2021")
    real = update_run.deduplicate

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(update_run, "deduplicate", interrupted)
    with pytest.raises(KeyboardInterrupt):
        _run(review, server, tmp_path)
    # the search ran, was imported and recorded; nothing else was written
    assert [e.database for e in review.imports() if e.round == "2021"] == ["PubMed"]
    assert [e["event"] for e in store.entries(review)] == ["strategy-run"]
    assert not (review.root / "update" / "2021" / "digest.md").exists()
    monkeypatch.setattr(update_run, "deduplicate", real)
    searches = len(server.requests_to("/esearch.fcgi"))
    resumed = _run(review, server, tmp_path)
    assert len(server.requests_to("/esearch.fcgi")) == searches  # not searched again
    assert resumed.already_ran == ("strategies/medline-ovid.txt",)
    assert len(resumed.report.changes.new_reports) == 5 and resumed.report.changes.to_screen == 5
    assert (review.root / resumed.digest).is_file()


def _round_2021_with_embase(review, server, tmp_path) -> None:
    """The 2021 round run (window from 2019-11-12: last search 2019-12-12 less 30 days), and
    its Embase export imported, searched on 2021-06-30."""
    start_update(review, name="2021")
    _run(review, server, tmp_path, trace=False)
    review.import_file(
        UPDATE_DATA / "embase-2021.ris",
        database="Embase",
        platform="Ovid",
        searched="2021-06-30",
        strategy=review.root / "strategies" / "embase-ovid.txt",
    )


def test_the_updated_review_prisma_lists_only_the_rounds_search_dates(review, server, tmp_path):
    _round_2021_with_embase(review, server, tmp_path)
    out = tmp_path / "p.json"
    cli(review, "prisma", "--template", "update", "-o", str(out))
    sources = {s["name"]: s for s in json.loads(out.read_text())["lanes"]["dbr"]["sources"]}
    # Embase was searched on 2019-12-09 for the first version: not a search of this round
    assert sources["Embase"]["searched"] == ["2021-06-30"]
    assert sources["Embase"]["records"] == 2


def test_the_digest_does_not_call_screened_records_to_screen(review, server, tmp_path):
    start_update(review, name="2021")
    first = _run(review, server, tmp_path, trace=False)
    digest = review.root / first.digest
    assert "- screen 5 new records on title and abstract" in digest.read_text(encoding="utf-8")
    for ref in ("33100004", "33600005", "34100006", "32400002", "32700003"):
        cli(review, "screen", "vote", ref, "--decision", "exclude", "--reviewer", "reviewer-1")
    _run(review, server, tmp_path, trace=False)
    text = digest.read_text(encoding="utf-8")
    assert "5 new records (0 duplicates within the round, 1 record already in the review)." in text
    assert "to screen" not in text


def test_a_seed_already_traced_is_not_reported_as_traced_again(review, server, tmp_path):
    graph: Graph = server.graph  # type: ignore[attr-defined]
    graph.add(
        "W100", doi=NEW_STUDY_DOI, title="Community mental health clinicians", year=2020, refs=[]
    )
    start_update(review, name="2021")
    _run(review, server, tmp_path)
    _screen_new_study_in(review)
    assert _run(review, server, tmp_path).traced.note == "1 seed traced with openalex: 0 new works"
    again = _run(review, server, tmp_path).traced
    assert again.note == "0 seeds traced with openalex: 0 new works; 1 already traced"


def test_the_updated_review_methods_give_the_dates_the_rounds_searches_covered(
    review, server, tmp_path
):
    _round_2021_with_embase(review, server, tmp_path)
    out = tmp_path / "p.json"
    cli(review, "prisma", "--template", "update", "-o", str(out))
    (searched,) = [m for m in json.loads(out.read_text())["methods"] if "We searched" in m]
    # not the first version's "January 2003 to December 2019"
    assert "2019" not in searched.replace("2019-11-12", ""), searched
    ran = server.requests_to("/esearch.fcgi")[0]
    until = ran.param("maxdate").replace("/", "-")
    # PubMed: the run's own entry-date window; Embase: the round's, to the export's date
    assert (
        f"PubMed (via PubMed (NCBI E-utilities API); records added from 2019-11-12 to {until};"
        in searched
    )
    assert (
        "Embase (via Ovid; records added from 2019-11-12 to 2021-06-30; last searched 2021-06-30)"
        in searched
    )


def test_prisma_check_while_the_rounds_searches_wait_points_to_update_status(
    review, capsys: pytest.CaptureFixture[str]
):
    # found following docs/prisma.md verbatim: `prisma --check` in an update round whose
    # searches were not run yet exited 4 with the hint "finish screening, then run it again",
    # though nothing was left to screen: what waited was the round's searches
    from tests._dedupe_cli import run_cli

    start_update(review, name="2021")
    run = run_cli(capsys, "-C", str(review.root), "prisma", "--check", "--template", "update")
    assert run.code == 4
    error, hint = run.err.split("error:")[1].split("hint:")
    assert "database searches of the round still to run or import" in error
    assert "cen-search update status" in hint and "screening" not in hint
