"""``cen-search update``, as a script or cron job runs it: JSON with a schema version, the
documented exit codes (nothing new is 0, a failed service 3, work for a person 4 with
--check), no prompt with --yes, the lock; and ``trace`` seeded from the screening logs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from _apiserver import ApiServer, Reply
from _fake_openalex import Graph
from _fake_update import WindowedPubMed
from typer.testing import CliRunner

from cen_search.cli.app import app
from cen_search.update import store
from cen_search.workspace import Workspace

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture()
def review(tmp_path: Path, monkeypatch) -> Workspace:
    root = tmp_path / "review"
    shutil.copytree(REPO / "examples" / "cen-review", root)
    monkeypatch.chdir(root)
    monkeypatch.setenv("CEN_SEARCH_CONFIG", str(tmp_path / "no-user-config.toml"))
    monkeypatch.setenv("CEN_SEARCH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("CEN_SEARCH_NCBI_API_KEY", "ncbi-SECRET-0123456789")
    return Workspace(root)


@pytest.fixture()
def pubmed(monkeypatch):
    fake = WindowedPubMed.from_file()
    with ApiServer() as server:
        server.route("/esearch.fcgi", fake.esearch)
        server.route("/efetch.fcgi", fake.efetch)
        monkeypatch.setenv("CEN_SEARCH_PUBMED_URL", server.url)
        yield server, fake


def run(*args: str, code: int = 0) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    return result.output


def document(output: str) -> dict:
    return json.loads(output[output.index("{") : output.rindex("}") + 1])


def test_start_and_status_as_json(review):
    started = document(run("update", "start", "--name", "2021", "--json"))
    assert started["schema_version"] == 1 and started["created"] is True
    assert started["window"] == {
        "since": "2019-11-12",
        "until": "",
        "overlap_days": 30,
        "reference": "2019-12-12",
    }
    assert "nothing changed" in run("update", "start", "--name", "2021")
    status = document(run("update", "status", "--json"))
    assert status["rounds"] == ["base", "2021"] and status["complete"] is False
    assert {s["database"]: s["status"] for s in status["sources"]}["MEDLINE"] == "to-run"
    assert status["awaited"] == [
        "ASSIA",
        "CINAHL",
        "Embase",
        "HMIC",
        "MEDLINE",
        "Social Policy and Practice",
    ]
    run("update", "status", "--check", code=4)


def test_update_run_needs_a_round_and_without_a_terminal_needs_yes(review, pubmed):
    output = run("update", "run", "--yes", code=2)
    assert "no update round has been started" in output
    run("update", "start", "--name", "2021")
    output = run("update", "run", code=2)
    assert "give --yes" in output
    assert not pubmed[0].seen  # nothing was sent


def test_dry_run_says_what_would_run_and_sends_nothing(review, pubmed):
    run("update", "start", "--name", "2021")
    output = run("update", "run", "--dry-run")
    assert "would run strategies/medline-ovid.txt on pubmed" in output
    assert "limit 26 to dc=20191112-" in output
    assert not pubmed[0].seen


def test_a_dry_run_with_json_prints_the_round_and_what_would_run_as_json(review, pubmed):
    run("update", "start", "--name", "2021")
    planned = document(run("update", "run", "--dry-run", "--json"))
    assert planned["schema_version"] == 1 and planned["dry_run"] is True
    assert planned["would_run"] == [
        {
            "strategy": "strategies/medline-ovid.txt",
            "target": "pubmed",
            "opening": ['line 28: yr="2003 - 2019"'],
        }
    ]
    assert planned["round"] == "2021" and "ASSIA" in planned["awaited"]
    assert not pubmed[0].seen


def test_a_scheduled_run_prints_its_summary_and_exits_0_or_4_with_check(review, pubmed):
    run("update", "start", "--name", "2021")
    summary = document(run("update", "run", "--yes", "--json", "--no-trace"))
    assert summary["schema_version"] == 1
    assert summary["new_records_per_source"] == {"PubMed": 6}
    assert summary["duplicates_earlier_rounds"] == 1 and summary["records_to_screen"] == 5
    assert summary["failures"] == [] and summary["ran"] == ["strategies/medline-ovid.txt"]
    assert summary["digest"] == "update/2021/digest.md" and summary["changed"] is True
    assert "ncbi-SECRET" not in json.dumps(summary)
    # again, as a cron job would: nothing new is not an error; --check says work waits
    again = document(run("update", "run", "--yes", "--json", "--check", "--no-trace", code=4))
    assert again["changed"] is False and again["nothing_new"] is True
    assert again["records_to_screen"] == 5  # still waiting for reviewers
    assert again["already_ran"] == ["strategies/medline-ovid.txt"]
    assert "nothing new since the last run" in run("update", "run", "--yes", "--no-trace")


def test_a_service_that_keeps_failing_exits_3_after_the_rest_ran(review, monkeypatch):
    with ApiServer() as server:
        server.route(
            "/esearch.fcgi",
            Reply(
                "<html><title>502</title></html>",
                502,
                {"Retry-After": "0"},
                content_type="text/html",
            ),
        )
        monkeypatch.setenv("CEN_SEARCH_PUBMED_URL", server.url)
        run("update", "start", "--name", "2021")
        output = run("update", "run", "--yes", "--json", "--no-trace", code=3)
    summary = document(output)
    assert [f["code"] for f in summary["failures"]] == ["remote-service"]
    assert summary["failures"][0]["exit_code"] == 3
    assert "ncbi-SECRET" not in output
    digest = (review.root / "update" / "2021" / "digest.md").read_text(encoding="utf-8")
    assert "failed: run strategies/medline-ovid.txt on pubmed" in digest
    assert "ncbi-SECRET" not in digest
    assert "ncbi-SECRET" not in (review.root / "update" / "2021" / "summary.json").read_text()


def test_a_second_update_at_the_same_time_is_refused(review, pubmed):
    run("update", "start", "--name", "2021")
    with store.update_lock(review):
        output = run("update", "run", "--yes", code=1)
    assert "another cen-search update is running in this review" in output


def test_skip_from_the_command_line(review):
    run("update", "start", "--name", "2021")
    assert "ASSIA skipped in this round" in run("update", "skip", "ASSIA", "--reason", "no access")
    status = document(run("update", "status", "--json"))
    assert {s["database"]: s["status"] for s in status["sources"]}["ASSIA"] == "skipped"
    assert "to be searched in this round again" in run("update", "skip", "ASSIA", "--undo")
    assert "no source of the review is called" in run("update", "skip", "Scopus", code=2)


def test_the_status_command_has_an_update_section(review):
    run("update", "start", "--name", "2021")
    output = run("status", "--json")
    sections = {s["name"]: s for s in document(output)["status"]["sections"]}
    assert sections["update"]["data"]["round"] == "2021"


def test_trace_without_seeds_uses_the_reviews_included_studies(review, monkeypatch):
    graph = Graph()
    with ApiServer() as server:
        server.route_prefix("/works", graph.handle)
        monkeypatch.setenv("CEN_SEARCH_OPENALEX_URL", server.url)
        output = run("trace", "backward", "--sources", "openalex", "--json")
    assert (
        "seeds from the review's included studies (29 included reports in the screening logs)"
        in output
    )


def test_trace_falls_back_to_the_configured_file_before_anything_is_included(tmp_path, monkeypatch):
    monkeypatch.setenv("CEN_SEARCH_CONFIG", str(tmp_path / "none.toml"))
    ws = Workspace.init(tmp_path / "review", title="t")
    included = REPO / "tests" / "data" / "screening" / "medline.ris"
    text = ws.config_path.read_text(encoding="utf-8")
    text = text.replace('# seeds = "included.ris"', f'seeds = "{included.as_posix()}"')
    ws.config_path.write_text(text, encoding="utf-8")
    monkeypatch.chdir(ws.root)
    graph = Graph()
    with ApiServer() as server:
        server.route_prefix("/works", graph.handle)
        monkeypatch.setenv("CEN_SEARCH_OPENALEX_URL", server.url)
        output = run("trace", "backward", "--sources", "openalex")
    assert "[trace] seeds" in output
