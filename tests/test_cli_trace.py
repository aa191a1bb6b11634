"""``cen-search trace`` end to end against a local OpenAlex (``_fake_openalex``): outputs read
back with rispy, JSON, the review's seeds and files, quota stop and resume, exit codes,
secrets, and the per-service URL settings."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import rispy
from _apiserver import ApiServer, Reply, Seen
from _fake_openalex import Graph
from typer.testing import CliRunner

from cen_search.cli.app import app

KEY = "oa-SECRET-KEY-55555555"
EMAIL = "tracer@example.org"


@pytest.fixture()
def graph_server():
    graph, seed_ids = Graph.synthetic(seeds=6, refs=4, citing=3)
    with ApiServer() as server:
        server.route_prefix("/works", graph.handle)
        yield graph, seed_ids, server


@pytest.fixture()
def env(tmp_path, monkeypatch, graph_server):
    _, _, server = graph_server
    monkeypatch.setenv("CEN_SEARCH_OPENALEX_URL", server.url)
    monkeypatch.setenv("CEN_SEARCH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("CEN_SEARCH_CONFIG", str(tmp_path / "no-user-config.toml"))
    monkeypatch.setenv("CEN_SEARCH_CONTACT_EMAIL", EMAIL)
    monkeypatch.setenv("CEN_SEARCH_OPENALEX_API_KEY", KEY)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return work


def _invoke(*args: str):
    return CliRunner().invoke(app, list(args))


def _doi_args(graph: Graph, seed_ids) -> list[str]:
    return [part for s in seed_ids for part in ("--doi", graph.doi_of(s))]


def test_trace_writes_new_works_with_openalex_ids_provenance_and_edges(graph_server, env):
    graph, seed_ids, _ = graph_server
    result = _invoke(
        "trace",
        "both",
        *_doi_args(graph, seed_ids),
        "--sources",
        "openalex",
        "-o",
        "new.ris",
        "--edges",
        "edges.csv",
    )
    assert result.exit_code == 0, result.output
    assert "seed" in result.stdout and "references" in result.stdout
    entries = rispy.load(Path("new.ris"), encoding="utf-8")
    truth = graph.neighbourhood(seed_ids, backward=True, forward=True)
    assert {e["accession_number"] for e in entries} == truth
    assert all(e["urls"][0] == f"https://openalex.org/{e['accession_number']}" for e in entries)
    assert all("cen-search trace round 1: rank" in e["notes"][0] for e in entries)
    ranks = [int(e["notes"][0].split("rank ")[1].split(" ")[0]) for e in entries]
    assert ranks == sorted(ranks, reverse=True)
    with open("edges.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and {r["direction"] for r in rows} == {"backward", "forward"}
    assert all(r["sources"] == "openalex" for r in rows)
    assert KEY not in result.output and EMAIL not in result.output


def test_trace_json_lists_records_seeds_coverage_and_requests(graph_server, env):
    graph, seed_ids, _ = graph_server
    result = _invoke(
        "trace", "backward", *_doi_args(graph, seed_ids[:2]), "--sources", "openalex", "--json"
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["schema_version"] == 1
    assert data["requests"] == {"openalex": 2}  # one lookup, one fetch of the references
    assert all(r["openalex"].startswith("W") and r["new"] for r in data["records"])
    assert {s["method"] for s in data["seeds"]} == {"identifier"}
    assert data["rounds"][0]["direction"] == "backward" and data["rounds"][0]["found"] == len(
        data["records"]
    )


def test_the_summary_counts_each_citation_once_as_the_edges_file_does(graph_server, env):
    # found following docs/trace.md verbatim: with --rounds 2 the second round finds again the
    # citations between the seeds and their new works, and the summary said "19 citation
    # edges" beside "11 edges written to e.csv", one row per citing-cited pair
    graph, seed_ids, _ = graph_server
    result = _invoke(
        "trace", "both", *_doi_args(graph, seed_ids[:2]), "--sources", "openalex",
        "--rounds", "2", "--edges", "e.csv",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = len(Path("e.csv").read_text(encoding="utf-8-sig").splitlines()) - 1
    assert f"{rows} edges written to e.csv" in result.stderr
    assert f"; {rows} citation edges;" in result.stderr


def test_with_json_a_seed_no_source_knows_is_still_named_on_stderr(graph_server, env):
    # found following docs/trace.md verbatim: "every seed no source knows is listed on stderr
    # ... none is dropped silently", but with --json (as update scripts and cron jobs run
    # it) stderr said nothing about the unresolved seeds, only the summary
    result = _invoke("trace", "backward", "--doi", "10.9999/x", "--sources", "openalex", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["seeds"][0]["method"] == "unresolved"
    assert (
        "seed doi:10.9999/x not resolved: openalex: OpenAlex does not know DOI 10.9999/x"
        in result.stderr
    )


def test_quota_exhausted_exits_3_and_the_same_command_resumes_to_the_same_file(
    graph_server, env, tmp_path, monkeypatch
):
    graph, seed_ids, _ = graph_server
    args = ["trace", "both", *_doi_args(graph, seed_ids), "--sources", "openalex", "--no-cache"]
    whole = _invoke(*args, "-o", str(tmp_path / "whole.ris"))
    assert whole.exit_code == 0, whole.output
    graph.budget = 2
    cut = _invoke(*args, "-o", "new.ris")
    assert cut.exit_code == 3, cut.output
    assert "budget exhausted" in cut.output and "run the same command again" in cut.output
    assert "Traceback" not in cut.output and not Path("new.ris").exists()
    assert KEY not in cut.output
    graph.budget = None
    resumed = _invoke(*args, "-o", "new.ris")
    assert resumed.exit_code == 0, resumed.output
    assert Path("new.ris").read_text() == (tmp_path / "whole.ris").read_text()


def test_inside_a_review_the_configured_included_studies_are_the_seeds(graph_server, env):
    graph, seed_ids, _ = graph_server
    assert _invoke("init", "review", "--title", "T").exit_code == 0
    review = Path("review").resolve()  # -C changes this process's folder
    lines = []
    for short in seed_ids[:3]:
        work = graph.works[short]
        lines += ["TY  - JOUR", f"TI  - {work['title']}", f"DO  - {graph.doi_of(short)}", "ER  - "]
    (review / "included.ris").write_text("\n".join(lines) + "\n", encoding="utf-8")
    config = review / "cen-search.toml"
    text = config.read_text(encoding="utf-8")
    assert '# seeds = "included.ris"' in text  # the template documents the setting
    text = text.replace(
        '# seeds = "included.ris"', 'seeds = "included.ris"\nsources = ["openalex"]'
    )
    config.write_text(text, encoding="utf-8")
    first = _invoke("-C", str(review), "trace", "both", "-o", "new.ris")
    assert first.exit_code == 0, first.output
    assert "3 seeds from the review's included studies" in first.output
    assert (review / "trace" / "rounds.jsonl").is_file()
    assert (review / "trace" / "edges.jsonl").is_file()
    again = _invoke("-C", str(review), "trace", "both", "--edges", "all-edges.csv")
    assert again.exit_code == 0, again.output
    assert "3 seeds already traced in this review skipped" in again.output
    assert len((review / "all-edges.csv").read_text().splitlines()) > 1  # the stored network


def test_an_included_studies_file_named_from_home_is_never_overwritten(env, monkeypatch):
    # `[trace] seeds = "~/..."` was protected as <review>/~/..., not as the file it names
    monkeypatch.setenv("HOME", str(Path.cwd()))
    assert _invoke("init", "review", "--title", "T").exit_code == 0
    review = Path("review").resolve()
    included = Path("included.ris").resolve()
    included.write_text("TY  - JOUR\nDO  - 10.5555/x\nER  - \n", encoding="utf-8")
    config = review / "cen-search.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace('# seeds = "included.ris"', 'seeds = "~/included.ris"'))
    before = included.read_bytes()
    result = _invoke("-C", str(review), "trace", "both", "-o", str(included), "--yes")
    assert result.exit_code == 2 and "included studies file" in result.output
    assert included.read_bytes() == before


def test_outputs_never_replace_a_raw_export_or_a_log_of_the_review_even_with_yes(graph_server, env):
    graph, seed_ids, _ = graph_server
    assert _invoke("init", "review", "--title", "T").exit_code == 0
    review = Path("review").resolve()
    export = Path("medline.ris")
    export.write_text("TY  - JOUR\nTI  - Kept\nER  - \n", encoding="utf-8")
    imported = _invoke("-C", str(review), "import", str(export.resolve()), "--database", "MEDLINE")
    assert imported.exit_code == 0, imported.output
    raw = next((review / "imports").rglob("medline.ris"))
    before = raw.read_bytes()
    doi = graph.doi_of(seed_ids[0])
    over_raw = _invoke("-C", str(review), "trace", "both", "--doi", doi, "-o", str(raw), "--yes")
    assert over_raw.exit_code == 2 and "is the raw export" in over_raw.output
    over_log = _invoke(
        "-C", str(review), "trace", "both", "--doi", doi, "--edges", "log.jsonl", "--yes"
    )
    assert over_log.exit_code == 2 and "is the review log" in over_log.output
    assert raw.read_bytes() == before and graph.requests == {}


def test_an_output_format_that_cannot_be_written_is_refused_before_the_review_logs_a_round(
    graph_server, env
):
    # found by a stranger's trial: `-o new.docx` failed only after the round was saved in the
    # review, so the same command with `-o new.ris` skipped every seed as already traced and
    # wrote no work
    graph, seed_ids, _ = graph_server
    assert _invoke("init", "review", "--title", "T").exit_code == 0
    review = Path("review").resolve()
    args = ["--doi", graph.doi_of(seed_ids[0]), "--sources", "openalex"]
    for name in ("new.docx", "new"):
        refused = _invoke("-C", str(review), "trace", "both", *args, "-o", name)
        assert refused.exit_code == 2, refused.output
    assert graph.requests == {} and not (review / "trace").exists()
    result = _invoke("-C", str(review), "trace", "both", *args, "-o", "new.ris")
    assert result.exit_code == 0, result.output
    assert len(rispy.loads((review / "new.ris").read_text(encoding="utf-8"))) == len(
        graph.neighbourhood([seed_ids[0]], backward=True, forward=True)
    )


@pytest.mark.parametrize("timeout", ["0", "-1", "nan"])
def test_a_timeout_of_no_seconds_is_a_usage_error_not_a_traceback(env, timeout):
    # found by a stranger's trial: --timeout 0 ended in urllib3's ValueError traceback
    result = _invoke("trace", "both", "--doi", "10.5555/x", "--timeout", timeout)
    assert result.exit_code == 2, result.output
    assert "a request needs more than 0 seconds" in result.output


def test_a_min_confidence_outside_0_to_1_is_a_usage_error(env):
    result = _invoke("trace", "both", "--doi", "10.5555/x", "--min-confidence", "7")
    assert result.exit_code == 2 and "must be between 0 and 1" in result.output


def test_no_seeds_outside_a_review_is_a_usage_error(env):
    result = _invoke("trace", "both")
    assert result.exit_code == 2 and "no seeds given" in result.output


def test_an_unknown_source_is_a_usage_error_naming_the_choices(env):
    result = _invoke("trace", "both", "--doi", "10.5555/x", "--sources", "scopus")
    assert result.exit_code == 2
    assert "cannot trace citations with 'scopus'" in result.output
    assert "openalex, semanticscholar, opencitations, europepmc, crossref" in result.output


def test_a_service_that_keeps_failing_exits_3_without_traceback_or_secret(
    env, monkeypatch, tmp_path
):
    def echo(seen: Seen) -> Reply:
        page = f"<html><title>Gateway error for {seen.query}</title></html>"
        return Reply(page, 502, content_type="text/html")

    with ApiServer() as server:
        server.route_prefix("/works", echo)
        monkeypatch.setenv("CEN_SEARCH_OPENALEX_URL", server.url)
        result = _invoke(
            "trace", "forward", "--doi", "10.5555/x", "--sources", "openalex", "--timeout", "2"
        )
    assert result.exit_code == 3, result.output
    assert "openalex failed after" in result.output and "HTTP 502" in result.output
    assert KEY not in result.output and "Traceback" not in result.output


def test_config_show_lists_every_service_url_and_its_source(env, monkeypatch):
    monkeypatch.setenv("CEN_SEARCH_CROSSREF_URL", "http://127.0.0.1:9/crossref")
    result = _invoke("config", "show")
    assert result.exit_code == 0, result.output
    for name in ("openalex", "semanticscholar", "opencitations", "europepmc", "crossref", "pubmed"):
        assert f"apis.{name}_url" in result.stdout
    row = next(line for line in result.stdout.splitlines() if "apis.crossref_url" in line)
    assert row.split()[1:] == ["http://127.0.0.1:9/crossref/", "env", "(CEN_SEARCH_CROSSREF_URL)"]
    assert "https://api.semanticscholar.org/graph/v1/" in result.stdout


def test_the_password_of_a_proxy_url_is_never_shown(env, monkeypatch):
    # found by a stranger's trial: an institutional proxy's credentials in the base URL were
    # printed by `config show` and in every error naming the request
    password = "PROXY-PASS-7777"

    def refuse(seen: Seen) -> Reply:
        return Reply('{"error": "Bad Request", "message": "no such filter"}', 400)

    with ApiServer() as server:
        server.route_prefix("/works", refuse)
        url = server.url.replace("http://", f"http://libuser:{password}@")
        monkeypatch.setenv("CEN_SEARCH_OPENALEX_URL", url)
        shown = _invoke("config", "show")
        failed = _invoke("trace", "backward", "--doi", "10.5555/x", "--sources", "openalex")
    assert server.seen, "the request went out"
    row = next(line for line in shown.stdout.splitlines() if "apis.openalex_url" in line)
    assert row.split()[1] == url.replace(password, "***")
    assert failed.exit_code == 3 and "openalex refused GET http://libuser:***@" in failed.output
    assert password not in shown.output + failed.output


def test_a_bad_service_url_is_a_configuration_error(env, monkeypatch):
    monkeypatch.setenv("CEN_SEARCH_OPENALEX_URL", "ftp://mirror")
    result = _invoke("trace", "both", "--doi", "10.5555/x")
    assert result.exit_code == 1 and "CEN_SEARCH_OPENALEX_URL" in result.output


def test_outputs_never_overwrite_a_seed_file_or_an_existing_file_without_yes(graph_server, env):
    graph, seed_ids, _ = graph_server
    seeds = Path("seeds.ris")
    seeds.write_text(f"TY  - JOUR\nDO  - {graph.doi_of(seed_ids[0])}\nER  - \n")
    before = seeds.read_bytes()
    over_input = _invoke("trace", "backward", "--seeds", "./seeds.ris", "-o", "seeds.ris")
    assert over_input.exit_code == 2 and "is the seed file" in over_input.output
    assert seeds.read_bytes() == before and graph.requests == {}  # refused before any request
    Path("new.ris").write_text("keep me")
    exists = _invoke("trace", "backward", "--seeds", "seeds.ris", "-o", "new.ris")
    assert exists.exit_code == 1 and "already exists" in exists.output
    assert Path("new.ris").read_text() == "keep me"
    same = _invoke("trace", "backward", "--seeds", "seeds.ris", "-o", "a.csv", "--edges", "a.csv")
    assert same.exit_code == 2 and "name the same file" in same.output


def test_a_retry_after_wait_is_shown_on_stderr_then_the_trace_goes_on(env, monkeypatch):
    graph = Graph()
    graph.add("W100", doi="10.5555/ref", title="Cited work on glacier melt", year=2000, refs=[])
    graph.add("W101", doi="10.5555/seed", title="Seed on alpine lakes", year=2010, refs=["W100"])
    busy = {"left": 1}

    def handler(seen: Seen) -> Reply:
        if busy["left"]:
            busy["left"] -= 1
            return Reply('{"message": "slow down"}', 429, {"Retry-After": "1"})
        return graph.handle(seen)

    with ApiServer() as server:
        server.route_prefix("/works", handler)
        monkeypatch.setenv("CEN_SEARCH_OPENALEX_URL", server.url)
        result = _invoke("trace", "backward", "--doi", "10.5555/seed", "--sources", "openalex")
    assert result.exit_code == 0, result.output
    assert "openalex: asked to wait (Retry-After); retrying (attempt 2): waiting 1 s" in (
        result.output
    )
    assert "1 work found, 1 new" in result.output
