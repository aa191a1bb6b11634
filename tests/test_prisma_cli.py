"""``cen-search prisma`` on a review workspace: every output format, the checks as exit codes,
output safety, the status section, and the screening fold taken when it is installed."""

from __future__ import annotations

import csv
import io
import json
import sys
import types
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from defusedxml.ElementTree import fromstring

from cen_search.prisma.rcsv import clean_label, rows, to_csv
from cen_search.prisma.source import identification_state
from cen_search.screening.model import FlowState, Retrieval, TaOutcome
from cen_search.workspace import Workspace
from tests._dedupe_cli import run_cli
from tests._flows import EXCLUDED, NOT_RETRIEVED, ft_excluded, included

RIS = """TY  - JOUR
TI  - {title}
AU  - {author}
PY  - {year}
JO  - Journal of Community Mental Health
VL  - {year}
IS  - 2
SP  - 1{year}
EP  - 1{year}9
ER  -
"""


def _export(path: Path, papers: list[tuple[str, str, str]]) -> Path:
    path.write_text("".join(RIS.format(title=t, author=a, year=y) for t, a, y in papers))
    return path


PAPERS = [
    ("Clinician views of community personality disorder services", "Smith, J", "2010"),
    ("Staff burnout in dialectical behaviour therapy teams", "Jones, K", "2012"),
    ("A survey of general practitioners on borderline personality disorder", "Brown, L", "2015"),
    ("Specialist outreach for complex emotional needs: lessons learnt", "Green, M", "2018"),
]


@pytest.fixture
def review(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    ws = Workspace.init(tmp_path / "review", title="Test review", date_from="2003")
    ws.import_file(_export(tmp_path / "medline.ris", PAPERS), database="MEDLINE",
                   platform="Ovid", searched="2019-12-05")  # fmt: skip
    ws.import_file(_export(tmp_path / "embase.ris", PAPERS[:2]), database="Embase",
                   platform="Ovid", searched="2019-12-06")  # fmt: skip
    extra = [("Calls for evidence: a qualitative report", "White, P", "2019")]
    ws.import_file(_export(tmp_path / "cfe.ris", extra), database="Call for evidence",
                   method="call-for-evidence", searched="2020-01-10")  # fmt: skip
    monkeypatch.chdir(ws.root)
    return ws


def _decided(ws: Workspace) -> FlowState:
    """The workspace's records and reports, screened: one excluded at title/abstract, one
    not retrieved, one excluded at full text, two included reports of two studies."""
    state = identification_state(ws)
    outcomes = [EXCLUDED, NOT_RETRIEVED, ft_excluded("Not clinicians"), included("S1"),
                included("S2")]  # fmt: skip
    order = sorted(state.reports, key=lambda r: (r.lane, len(r.members) * -1, r.report_id))
    decided = {
        r.report_id: replace(r, **outcome) for r, outcome in zip(order, outcomes, strict=True)
    }  # type: ignore[arg-type]
    return replace(state, reports=tuple(decided.get(r.report_id, r) for r in state.reports))


@pytest.fixture
def screening(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, object]]:
    """Installs a stand-in ``cen_search.screening.flow`` (the screening stage's module)."""
    holder: dict[str, object] = {"state": _decided}
    module = types.ModuleType("cen_search.screening.flow")
    module.flow_state = lambda ws, **_: holder["state"](ws)  # type: ignore[attr-defined, operator]
    monkeypatch.setitem(sys.modules, "cen_search.screening.flow", module)
    yield holder


def test_every_output_format_is_written(
    review: Workspace, screening: object, capsys: pytest.CaptureFixture[str]
) -> None:
    names = ["p.svg", "p.png", "p.dot", "p.csv", "p.json", "p.md"]
    run = run_cli(capsys, "prisma", *[arg for name in names for arg in ("-o", name)])
    assert run.code == 0, run.err
    root = review.root
    svg = fromstring((root / "p.svg").read_bytes())
    assert svg.tag.endswith("svg")
    assert (root / "p.png").read_bytes()[:4] == b"\x89PNG"
    assert "digraph" in (root / "p.dot").read_text()
    document = json.loads((root / "p.json").read_text())
    assert document["schema_version"] == 1
    assert document["lanes"]["dbr"]["identified"] == 6
    assert document["lanes"]["dbr"]["duplicates"] == 2
    assert document["lanes"]["other"]["identified"] == 1
    assert document["included"]["studies"] == 2
    assert document["identities_ok"] and document["final"]
    table = (root / "p.md").read_text()
    assert "| Records identified | 6 | 1 |" in table
    assert "We searched 2 databases: MEDLINE (via Ovid;" in table
    with (root / "p.csv").open(newline="") as fh:
        data = {row["data"]: row for row in csv.DictReader(fh)}
    assert data["database_specific_results"]["n"] == "MEDLINE, 4; Embase, 2"
    assert data["previous_studies"]["n"] == "NA"
    assert data["organisation_results"]["boxtext"] == "Call for evidence"
    assert "wrote p.svg (svg)" in run.err


def test_without_outputs_the_counts_table_goes_to_stdout(
    review: Workspace, screening: object, capsys: pytest.CaptureFixture[str]
) -> None:
    run = run_cli(capsys, "prisma")
    assert run.code == 0
    assert run.out.startswith("# PRISMA 2020 flow: Test review")
    run = run_cli(capsys, "prisma", "--json")
    assert json.loads(run.out)["included"]["reports"] == 2


def test_no_per_database_gives_totals_in_the_markdown_table_as_in_the_diagram(
    review: Workspace, screening: object, capsys: pytest.CaptureFixture[str]
) -> None:
    table = run_cli(capsys, "prisma").out
    assert "| of which MEDLINE (database) | 4 |" in table
    run = run_cli(capsys, "prisma", "--no-per-database")
    assert run.code == 0
    assert "of which MEDLINE" not in run.out and "of which Embase" not in run.out
    assert "| of which Databases | 6 |  |" in run.out
    assert "| of which Call for evidence |  | 1 |" in run.out


def test_check_is_4_while_decisions_are_pending(
    review: Workspace, screening: dict[str, object], capsys: pytest.CaptureFixture[str]
) -> None:
    screening["state"] = identification_state
    run = run_cli(capsys, "prisma", "--check")
    assert run.code == 4
    assert "still to screen" in run.err


def test_check_is_1_and_names_the_report_when_an_identity_breaks(
    review: Workspace, screening: dict[str, object], capsys: pytest.CaptureFixture[str]
) -> None:
    def contradictory(ws: Workspace) -> FlowState:
        state = _decided(ws)
        bad = next(r for r in state.reports if r.ta is TaOutcome.EXCLUDE)
        wrong = replace(bad, retrieval=Retrieval.RETRIEVED)
        return replace(state, reports=tuple(wrong if r is bad else r for r in state.reports))

    screening["state"] = contradictory
    run = run_cli(capsys, "prisma", "--check")
    assert run.code == 1
    assert "was not included at title/abstract" in run.err
    assert run_cli(capsys, "prisma").code == 0  # without --check: a warning only


def test_without_the_screening_stage_the_flow_stops_at_screening(
    review: Workspace, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "cen_search.screening.flow", None)
    run = run_cli(capsys, "prisma", "--json")
    document = json.loads(run.out)
    assert document["screening_available"] is False
    assert document["lanes"]["dbr"]["screened"] == 4
    assert document["pending"][0]["what"] == "screening"


def test_existing_output_needs_yes_and_inputs_are_never_overwritten(
    review: Workspace, screening: object, capsys: pytest.CaptureFixture[str]
) -> None:
    (review.root / "p.csv").write_text("mine")
    run = run_cli(capsys, "prisma", "-o", "p.csv")
    assert run.code == 1 and (review.root / "p.csv").read_text() == "mine"
    assert run_cli(capsys, "prisma", "-o", "p.csv", "--yes").code == 0
    run = run_cli(capsys, "prisma", "-o", "cen-search.toml", "--yes")
    assert run.code == 2
    raw = review.root / review.imports()[0].file
    assert run_cli(capsys, "prisma", "-o", str(raw.with_suffix(".csv")), "--yes").code == 0
    run = run_cli(capsys, "prisma", "-o", "p.pdf")
    assert run.code == 2 and "suffix" in run.err
    run = run_cli(capsys, "prisma", "-o", "a.svg", "-o", "./a.svg")
    assert run.code == 2 and "twice" in run.err


def test_status_reports_identities_and_pending_work(
    review: Workspace, screening: dict[str, object], capsys: pytest.CaptureFixture[str]
) -> None:
    from cen_search.prisma.status import section

    done = section(review)
    assert done is not None and done.data["final"] is True
    assert "identities: all hold" in done.lines
    screening["state"] = identification_state
    pending = section(review)
    assert pending is not None and pending.data["pending"] == {"screening": 5}
    run = run_cli(capsys, "status")
    assert "PRISMA 2020 flow" in run.out + run.err


def test_r_csv_labels_cannot_break_the_r_package_parsing(
    review: Workspace, screening: object
) -> None:
    from cen_search.prisma.review import review_flow

    assert clean_label("Not peer reviewed, grey literature; 2020") == (
        "Not peer reviewed - grey literature - 2020"
    )
    assert clean_label("Reviewers' lists") == "Reviewers’ lists"
    flow = review_flow(review).flow
    text = to_csv(flow)
    table = list(csv.reader(io.StringIO(text)))
    assert table[0] == ["data", "node", "box", "description", "boxtext", "tooltips", "url", "n"]
    assert all(len(row) == 8 for row in table)
    cells = {row[0]: row[7] for row in rows(flow)}
    # the R package: split on ";", the label is what comes before the first ","
    parsed = {part.split(",")[0].strip(): int(part.split(",")[1]) for part in
              cells["database_specific_results"].split(";")}  # fmt: skip
    assert parsed == {"MEDLINE": 4, "Embase": 2}
    assert cells["dbr_excluded"] == "Not clinicians, 1"
    assert cells["total_studies"] == cells["new_studies"] == "2"


def test_an_update_round_draws_the_update_template_from_the_review_rounds(
    review: Workspace, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from cen_search.workspace.rounds import start_round

    with review.lock():
        start_round(review, "2021")
    later = [
        *PAPERS[:3],
        ("Waiting lists in community teams: a national audit", "Black, R", "2020"),
    ]
    review.import_file(_export(tmp_path / "medline-2021.ris", later), database="MEDLINE",
                       searched="2021-01-10")  # fmt: skip
    run = run_cli(capsys, "prisma", "--json", "-o", "update.svg")
    assert run.code == 0, run.err
    data = json.loads(run.out)
    assert data["template"] == "update" and data["round"] == "2021"
    assert data["previous_rounds"] == ["base"]
    dbr = data["lanes"]["dbr"]
    assert (dbr["identified"], dbr["duplicates_earlier"], dbr["screened"]) == (4, 3, 1)
    assert data["duplicates_shown"] == 3
    assert any("already identified in an earlier version" in n for n in data["notes"])
    svg = (review.root / "update.svg").read_text()
    assert "Previous studies" in svg and "Total studies included in review" in svg
    new = json.loads(run_cli(capsys, "prisma", "--json", "--template", "new").out)
    assert new["lanes"]["dbr"]["identified"] == 10


def test_methods_name_the_tracing_rounds_the_review_logged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # found tracing a review and reading its methods: "Citation tracing (both, via
    # openalex) of 3 seed reports"; nothing tested that prisma reads the tracing log at all
    from _apiserver import ApiServer
    from _fake_openalex import Graph

    graph, seed_ids = Graph.synthetic(seeds=3, refs=2, citing=1)
    lines = []
    for short in seed_ids[:1]:
        work = graph.works[short]
        lines += ["TY  - JOUR", f"TI  - {work['title']}", f"DO  - {graph.doi_of(short)}", "ER  - "]
    seeds = tmp_path / "included.ris"
    seeds.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ws = Workspace.init(tmp_path / "review", title="Traced")
    ws.import_file(seeds, database="MEDLINE", searched="2024-01-05")
    monkeypatch.chdir(ws.root)
    monkeypatch.setenv("CEN_SEARCH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("CEN_SEARCH_CONFIG", str(tmp_path / "no-user-config.toml"))
    monkeypatch.setenv("CEN_SEARCH_CONTACT_EMAIL", "tracer@example.org")
    with ApiServer() as server:
        server.route_prefix("/works", graph.handle)
        monkeypatch.setenv("CEN_SEARCH_OPENALEX_URL", server.url)
        traced = run_cli(capsys, "trace", "both", "--seeds", seeds, "--sources", "openalex",
                         "-o", "new.ris")  # fmt: skip
    assert traced.code == 0, traced.err
    run = run_cli(capsys, "prisma", "--json")
    (sentence,) = [m for m in json.loads(run.out)["methods"] if "tracing" in m]
    assert sentence.startswith("Backward and forward citation tracing of 1 seed report via ")
    assert " via OpenAlex on " in sentence and sentence.endswith(" found 3 new records.")


def test_status_counts_one_included_study_in_the_singular(
    review: Workspace, screening: dict[str, object]
) -> None:
    from cen_search.prisma.status import section

    def one_study(ws: Workspace) -> FlowState:
        state = _decided(ws)
        second = next(r for r in state.reports if r.study == "S2")
        out = replace(second, study="", **ft_excluded("Not clinicians"))  # type: ignore[arg-type]
        return replace(state, reports=tuple(out if r is second else r for r in state.reports))

    screening["state"] = one_study
    found = section(review)
    assert found is not None
    assert "; 1 study (1 report) included" in found.lines[0], found.lines[0]


def test_check_is_4_while_an_update_round_still_has_searches_to_run_or_import(
    review: Workspace, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The round's MEDLINE search is imported, its Embase search not yet: the diagram's
    # numbers will change, so it is a draft and --check waits (found by a stranger's trial).
    assert run_cli(capsys, "update", "start", "--name", "2021").code == 0
    review.import_file(_export(tmp_path / "medline-2021.ris", PAPERS[:3]), database="MEDLINE",
                       platform="Ovid", searched="2021-01-10")  # fmt: skip
    run = run_cli(capsys, "prisma", "--json", "--check")
    assert run.code == 4, run.err
    (searches,) = [p for p in json.loads(run.out)["pending"] if p["what"] == "searches"]
    assert searches["count"] == 1 and searches["examples"] == ["Embase"]
    assert any(n.startswith("DRAFT") and "searches" in n for n in json.loads(run.out)["notes"])
    review.import_file(_export(tmp_path / "embase-2021.ris", PAPERS[1:3]), database="Embase",
                       platform="Ovid", searched="2021-01-11")  # fmt: skip
    after = json.loads(run_cli(capsys, "prisma", "--json").out)
    assert not [p for p in after["pending"] if p["what"] == "searches"]
    earlier = json.loads(run_cli(capsys, "prisma", "--json", "--template", "new").out)
    assert not [p for p in earlier["pending"] if p["what"] == "searches"]
