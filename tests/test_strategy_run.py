"""``strategy run`` end to end against local servers: PubMed (History server, EFetch MEDLINE,
date-window splitting), Europe PMC and OpenAlex; run records, imports, secrets, exit codes."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path

import pytest
import typer
from _apiserver import ApiServer, Reply, fixture
from _fake_pubmed import FakePubMed
from typer.testing import CliRunner

from cen_search.apis import get
from cen_search.apis.client import Access
from cen_search.apis.http import RetryPolicy, make_session
from cen_search.errors import RemoteServiceError
from cen_search.strategies import load_strategy
from cen_search.strategies.run_targets import RunOptions
from cen_search.strategies.runner import run_strategy
from cen_search.workspace import Workspace

KEY = "ncbi-SECRET-abcdef123456"
EMAIL = "searcher@example.org"
STRATEGY = """---
cen_search: 1
id: medline
database: MEDLINE
platform: Ovid
searched_on: 2019-12-31
---
1 exp Personality Disorders/ (45123)
2 (borderline adj3 personality).ti,ab. (20111)
3 or/1-2 (52000)
"""
LINE1 = '"Personality Disorders"[mh]'
LINE2 = '"borderline personality"[tiab:~2]'


def _entry_dates() -> dict[str, str]:
    start = dt.date(2020, 1, 1)
    return {str(n): (start + dt.timedelta(days=40 * n)).strftime("%Y/%m/%d") for n in range(1, 40)}


@pytest.fixture()
def review(tmp_path: Path) -> Workspace:
    ws = Workspace.init(tmp_path / "review", title="Test review")
    (ws.strategies_dir / "medline.txt").write_text(STRATEGY, encoding="utf-8")
    return ws


@pytest.fixture()
def pubmed():
    fake = FakePubMed(
        terms={LINE1: {str(n) for n in range(1, 16)}, LINE2: {str(n) for n in range(10, 26)}},
        entry=_entry_dates(),
    )
    with ApiServer() as server:
        server.route("/esearch.fcgi", fake.esearch)
        server.route("/efetch.fcgi", fake.efetch)
        yield server, fake


def _access(server: ApiServer, tmp_path: Path, target: str = "pubmed", **kwargs) -> Access:
    session = make_session(
        contact_email=EMAIL,
        secrets=[KEY],
        cache_dir=str(tmp_path / "cache"),
        sleep=lambda s: None,
        policy=RetryPolicy(max_attempts=2),
    )
    return Access(
        service=get(target),
        session=session,
        base_url=server.url,
        api_key=KEY,
        email=EMAIL,
        **kwargs,
    )


def _clock(day: str):
    return lambda: dt.datetime.fromisoformat(day + "T10:02:11+00:00")


def _run(review: Workspace, server: ApiServer, tmp_path: Path, **kwargs):
    strategy = load_strategy(review.strategies_dir / "medline.txt")
    kwargs.setdefault("now", _clock("2024-05-13"))
    return run_strategy(
        strategy, "pubmed", access=_access(server, tmp_path), workspace=review, **kwargs
    )


needs_medline = pytest.mark.skipif(
    __import__("importlib.util").util.find_spec("cen_search.formats.medline") is None,
    reason="the MEDLINE reader (cen_search.formats.medline) is not in this checkout yet",
)


@needs_medline
def test_pubmed_run_counts_each_line_in_one_webenv_with_history_keys(review, pubmed, tmp_path):
    server, _ = pubmed
    result = _run(review, server, tmp_path)
    searches = server.requests_to("/esearch.fcgi")
    assert [s.param("term") for s in searches[:3]] == [LINE1, LINE2, "#1 OR #2"]
    assert searches[0].param("WebEnv") == ""
    assert {s.param("WebEnv") for s in searches[1:]} == {"MCID_fake1"}
    assert all(s.param("retmax") == "0" for s in searches[:3])
    lines = result.record["lines"]
    assert [(line["key"], line["count"]) for line in lines] == [("1", 15), ("2", 16), ("3", 25)]
    assert lines[2]["query_key"] == "3" and lines[0]["recorded_hits"] == 45123
    assert result.total == 25 and len(result.ids) == 25


@needs_medline
def test_pubmed_run_imports_medline_and_writes_the_run_record(review, pubmed, tmp_path):
    server, _ = pubmed
    result = _run(review, server, tmp_path)
    path = result.record_path
    assert path == review.root / "runs" / "medline" / "2024-05-13T100211Z.json"
    record = json.loads(path.read_text())
    assert record["schema_version"] == 1 and record["target"] == "pubmed"
    assert record["run_at"] == "2024-05-13T10:02:11Z"
    assert record["endpoint"] == server.url + "esearch.fcgi"
    assert record["translation"]["from"] == "ovid" and record["final_line"] == "3"
    assert record["total"] == 25 and record["retrieved"] == 25 and record["new_since"] is None
    ids = (path.parent / record["ids_file"]).read_text().split()
    assert sorted(ids, key=int) == [str(n) for n in range(1, 26)]
    entry = review.imports()[0]
    assert entry.format == "medline" and entry.records == 25
    assert entry.database == "PubMed" and entry.searched == "2024-05-13"
    assert entry.strategy == "strategies/medline.txt"
    assert record["import"]["file"] == entry.file
    raw = (review.root / entry.file).read_text()
    assert raw.startswith("PMID- ") and raw.count("PMID- ") == 25
    assert [e["event"] for e in review.events()][-1] == "strategy-run"


@needs_medline
def test_large_final_set_is_split_by_entry_date_and_parts_add_up(review, pubmed, tmp_path):
    server, fake = pubmed
    fake.limit = 10
    result = _run(review, server, tmp_path, options=RunOptions(pubmed_max_ids=10))
    parts = result.record["partitions"]
    assert sum(p["count"] for p in parts) == 25 and len(parts) >= 3
    assert all(p["count"] <= 10 for p in parts)
    assert sorted(result.ids, key=int) == [str(n) for n in range(1, 26)]
    searches = server.requests_to("/esearch.fcgi")
    listing = [s for s in searches if s.param("retmax") != "0"]
    assert len(listing) == len([p for p in parts if p["count"]])
    assert all(int(s.param("retstart")) + int(s.param("retmax")) <= 10 for s in listing)
    assert all(s.param("datetype") == "edat" and s.param("term") == "#3" for s in searches[3:])


def test_split_that_cannot_add_up_is_an_error(review, pubmed, tmp_path):
    server, fake = pubmed
    original = fake.esearch

    def drifting(seen):
        if seen.param("datetype") == "edat" and seen.param("mindate") > "1800/01/01":
            final = next(iter(fake.history.values()))[2]
            final.add(str(100 + len(final)))  # records keep arriving during the run
            fake.entry.setdefault(str(100 + len(final) - 1), "2023/06/01")
        return original(seen)

    server.route("/esearch.fcgi", drifting)
    fake.limit = 10
    with pytest.raises(RemoteServiceError, match=r"do not add up|distinct ids"):
        _run(review, server, tmp_path, options=RunOptions(pubmed_max_ids=10))


@needs_medline
def test_update_window_uses_entry_dates_on_every_search(review, pubmed, tmp_path):
    server, _ = pubmed
    result = _run(review, server, tmp_path, date_from="2021-01-01", date_to="2021-12-31")
    searches = server.requests_to("/esearch.fcgi")
    assert all(s.param("datetype") == "edat" for s in searches)
    assert {(s.param("mindate"), s.param("maxdate")) for s in searches} == {
        ("2021/01/01", "2021/12/31")
    }
    assert result.record["date_window"] == {
        "kind": "entry",
        "param": "datetype=edat",
        "from": "2021/01/01",
        "to": "2021/12/31",
    }
    entry = _entry_dates()
    assert all("2021/01/01" <= entry[i] <= "2021/12/31" for i in result.ids)
    assert "[Date - Entry]" in result.record["lines"][0]["querytranslation"]


@needs_medline
def test_second_run_reports_new_ids_and_never_overwrites_the_first(review, pubmed, tmp_path):
    server, fake = pubmed
    first = _run(review, server, tmp_path, now=_clock("2024-05-13"))
    fake.terms[LINE2].add("26")
    fake.entry["26"] = "2024/05/20"
    second = _run(review, server, tmp_path, now=_clock("2025-05-13"))
    assert first.record_path != second.record_path and first.record_path.is_file()
    new = second.record["new_since"]
    assert new["count"] == 1 and new["ids"] == ["26"] and new["run_at"] == "2024-05-13T10:02:11Z"
    assert second.record["count_drift"] == [
        {"key": "2", "before": 16, "now": 17},
        {"key": "3", "before": 25, "now": 26},
    ]
    same_second = _run(review, server, tmp_path, now=_clock("2025-05-13"))
    assert same_second.record_path.name == "2025-05-13T100211Z-2.json"
    assert len(list((review.root / "runs" / "medline").glob("*.json"))) == 3


@needs_medline
def test_phrase_not_found_is_recorded_as_a_warning(review, pubmed, tmp_path):
    server, fake = pubmed
    del fake.terms[LINE2]
    result = _run(review, server, tmp_path)
    line = result.record["lines"][1]
    assert line["count"] == 0 and line["errorlist"] == {"phrasesnotfound": [LINE2]}
    assert any("phrasesnotfound" in w for w in result.warnings)


@needs_medline
def test_secrets_stay_out_of_run_records_logs_manifest_and_cache(review, pubmed, tmp_path):
    server, _ = pubmed
    _run(review, server, tmp_path)
    assert server.requests_to("/esearch.fcgi")[0].param("api_key") == KEY
    for path in [*review.root.rglob("*"), *(tmp_path / "cache").rglob("*")]:
        if path.is_file():
            data = path.read_bytes()
            assert KEY.encode() not in data, path
            assert EMAIL.encode() not in data, path


@needs_medline
def test_a_proxy_password_in_the_base_url_stays_out_of_the_run_record(review, pubmed, tmp_path):
    server, _ = pubmed
    proxied = server.url.replace("http://", "http://libuser:PROXY-PASS-7777@")
    strategy = load_strategy(review.strategies_dir / "medline.txt")
    access = replace(_access(server, tmp_path), base_url=proxied)
    result = run_strategy(
        strategy, "pubmed", access=access, workspace=review, now=_clock("2024-05-13")
    )
    assert result.record["endpoint"].startswith("http://libuser:***@127.0.0.1:")
    for path in review.root.rglob("*"):
        if path.is_file():
            assert b"PROXY-PASS-7777" not in path.read_bytes(), path


def test_dry_run_sends_nothing_and_lists_the_requests(review, pubmed, tmp_path):
    server, _ = pubmed
    result = _run(review, server, tmp_path, dry_run=True)
    assert server.seen == [] and result.dry_run
    assert result.plan == (
        f"1: POST esearch term={LINE1}",
        f"2: POST esearch term={LINE2}",
        "3: POST esearch term=#1 OR #2",
    )
    assert not (review.root / "runs" / "medline").exists()


def test_dry_run_shows_the_entry_date_window_the_run_would_send(review, pubmed, tmp_path):
    # found following docs/strategies.md verbatim: `strategy run ... --from 2021 --to 2022-06
    # --dry-run` listed the same requests as without a window, so the dry run a person checks
    # before an update search did not show the entry-date limits the run would send
    server, _ = pubmed
    result = _run(review, server, tmp_path, dry_run=True, date_from="2021", date_to="2022-06")
    assert server.seen == []
    assert result.plan[-1] == (
        "every line limited to records entered 2021-01-01 to 2022-06-30 "
        "(datetype=edat&mindate=2021/01/01&maxdate=2022/06/30)"
    )
    open_start = _run(review, server, tmp_path, dry_run=True, date_to="2022-06-30")
    assert open_start.plan[-1].startswith("every line limited to records entered up to 2022-06-30")


# --------------------------------------------------------------------------- Europe PMC


def test_europepmc_run_counts_lines_pages_records_and_imports_jsonl(review, tmp_path, shared):
    api = shared / "data" / "api"
    idlist = json.loads((api / "search_europepmc_search_idlist_trimmed.json").read_text())
    core = json.loads((api / "search_europepmc_search_core_trimmed.json").read_text())
    last = (api / "search_europepmc_search_no-results.json").read_bytes()
    counts = {'KW:"Personality Disorders"': 7, "TITLE_ABS:borderline AND TITLE_ABS:personality": 3}

    def search(seen):
        query = seen.param("query")
        if seen.param("resultType") == "idlist":
            base = query.split(") AND FIRST_IDATE")[0].lstrip("(")
            total = counts.get(base, 1)
            return Reply(json.dumps({**idlist, "hitCount": total}))
        if seen.param("cursorMark") == "*":
            return Reply(json.dumps({**core, "hitCount": 1}))
        return Reply(last)

    with ApiServer() as server:
        server.route("/search", search)
        strategy = load_strategy(review.strategies_dir / "medline.txt")
        result = run_strategy(
            strategy,
            "europepmc",
            access=_access(server, tmp_path, "europepmc"),
            workspace=review,
            date_from="2024-01-01",
            now=_clock("2024-12-31"),
        )
    lines = result.record["lines"]
    assert [line["count"] for line in lines] == [7, 3, 1]
    assert all(
        line["sent"].endswith("AND FIRST_IDATE:[2024-01-01 TO 2024-12-31]") for line in lines
    )
    assert result.ids == ("MED:39709209",) and result.record["warnings"] == []
    entry = review.imports()[0]
    assert entry.format == "jsonl" and entry.database == "Europe PMC" and entry.records == 1
    record = review.records()[0]
    assert record.pmid == "39709209" and record.provenance.file == entry.file


# --------------------------------------------------------------------------- OpenAlex


def test_openalex_run_records_cost_and_imports_works(review, tmp_path):
    keyless = json.loads(fixture("openalex_ratelimit_headers_keyless.json"))
    works = json.loads(fixture("openalex_works_list_meta.json"))

    def handler(seen):
        if seen.param("per_page") == "1":
            body = {**keyless["body"], "meta": {**keyless["body"]["meta"], "count": 2}}
            return Reply(json.dumps(body), headers=keyless["headers"])
        if seen.param("cursor") == "*":
            return Reply(
                json.dumps({**works, "meta": {**works["meta"], "count": 2, "next_cursor": "abc"}})
            )
        return Reply(
            json.dumps(
                {"meta": {"count": 2, "next_cursor": None, "cost_usd": 0.001}, "results": []}
            )
        )

    with ApiServer() as server:
        server.route("/works", handler)
        strategy = load_strategy(review.strategies_dir / "medline.txt")
        result = run_strategy(
            strategy,
            "openalex",
            access=_access(server, tmp_path, "openalex"),
            workspace=review,
            date_from="2024-01-01",
            now=_clock("2024-12-31"),
        )
        sent = [s.param("filter") for s in server.seen]
    assert sent[0] == (
        'title_and_abstract.search:"Personality Disorders",'
        "from_created_date:2024-01-01,to_created_date:2024-12-31"
    )
    assert result.ids == ("W4392145873", "W4393935425")
    # the page of 2 works is shorter than per_page: no request for an empty last page
    assert result.record["cost_usd"] == pytest.approx(3 * 0.0001 + 0.0001)
    assert review.imports()[0].records == 2
    assert {r.doi for r in review.records()} == {"10.3929/ethz-b-000667478", "10.3322/caac.21834"}


def test_an_openalex_run_stopped_by_the_budget_does_not_promise_to_resume(review, tmp_path):
    # a strategy run keeps no checkpoint, and its cached answers are older than an hour by the
    # time the budget resets: the hint said "it resumes where it stopped", which it does not
    refused = {
        "error": "Rate limit exceeded",
        "message": "Insufficient budget. This request costs $0.0001 but you only have $0 "
        "remaining. Resets at midnight UTC.",
    }
    headers = {"Retry-After": "3600", "X-RateLimit-Remaining": "0"}
    with ApiServer() as server:
        server.route("/works", Reply(json.dumps(refused), 429, headers))
        strategy = load_strategy(review.strategies_dir / "medline.txt")
        with pytest.raises(RemoteServiceError) as caught:
            run_strategy(
                strategy,
                "openalex",
                access=_access(server, tmp_path, "openalex"),
                workspace=review,
                now=_clock("2024-12-31"),
            )
    assert "budget exhausted" in caught.value.message
    assert "run the same command again after the budget resets" in caught.value.hint
    assert "resume" not in caught.value.hint


# --------------------------------------------------------------------------- CLI


def _cli() -> typer.Typer:
    from cen_search.cli.strategy_run import register_run

    app = typer.Typer()
    group = typer.Typer()
    register_run(group)
    app.add_typer(group, name="strategy")

    @app.callback()
    def _root() -> None:
        pass

    return app


def test_cli_run_exits_3_when_the_service_keeps_failing(review, tmp_path, monkeypatch):
    monkeypatch.chdir(review.root)
    monkeypatch.setenv("CEN_SEARCH_NCBI_API_KEY", KEY)
    monkeypatch.setenv("CEN_SEARCH_CONFIG", str(tmp_path / "none.toml"))
    with ApiServer() as server:
        server.route(
            "/esearch.fcgi",
            Reply(
                "<html><title>502 Bad Gateway</title></html>",
                502,
                {"Retry-After": "0"},
                content_type="text/html",
            ),
        )
        result = CliRunner().invoke(
            _cli(),
            [
                "strategy",
                "run",
                "strategies/medline.txt",
                "--on",
                "pubmed",
                "--base-url",
                server.url,
                "--no-cache",
                "--email",
                EMAIL,
            ],
        )
    assert result.exit_code == 3, result.output
    assert "pubmed failed after 5 attempts: HTTP 502" in result.output
    # the key is set, and a 502 is not about the rate: no hint to set it (issue 9, #16)
    assert "CEN_SEARCH_NCBI_API_KEY" not in result.output and KEY not in result.output
    assert "PubMed is busy or down" in result.output
    assert "Traceback" not in result.output


def test_cli_translate_prints_queries_and_the_report(review, monkeypatch):
    monkeypatch.chdir(review.root)
    result = CliRunner().invoke(
        _cli(), ["strategy", "translate", "strategies/medline.txt", "--to", "pubmed"]
    )
    assert result.exit_code == 0, result.output
    assert "#1 OR #2" in result.output and LINE1 in result.output
    assert "approximate: proximity" in result.output


def test_cli_translate_json(review, monkeypatch):
    monkeypatch.chdir(review.root)
    result = CliRunner().invoke(
        _cli(), ["strategy", "translate", "strategies/medline.txt", "--to", "openalex", "--json"]
    )
    data = json.loads(result.stdout)
    assert data["schema_version"] == 1 and data["translation"]["to"] == "openalex"


def test_cli_unknown_target_is_a_usage_error(review, monkeypatch):
    monkeypatch.chdir(review.root)
    result = CliRunner().invoke(
        _cli(), ["strategy", "translate", "strategies/medline.txt", "--to", "scopus"]
    )
    assert result.exit_code == 2 and "use one of: pubmed, europepmc, openalex" in result.output


def test_cli_translate_of_an_empty_strategy_names_it_and_exits_1(review, monkeypatch):
    monkeypatch.chdir(review.root)
    (review.root / "strategies" / "empty.txt").write_text("", encoding="utf-8")
    result = CliRunner().invoke(
        _cli(), ["strategy", "translate", "strategies/empty.txt", "--to", "pubmed"]
    )
    assert result.exit_code == 1 and "has no search lines" in result.output


def test_run_options_come_from_the_strategy_run_table():
    from cen_search.errors import ConfigError

    options = RunOptions.from_table({"pubmed_max_ids": 9999, "europepmc_synonym": True})
    assert options.pubmed_max_ids == 9999 and options.europepmc_synonym is True
    with pytest.raises(ConfigError, match="unknown setting 'pubmed_limit'"):
        RunOptions.from_table({"pubmed_limit": 1})
    with pytest.raises(ConfigError, match="must be int"):
        RunOptions.from_table({"openalex_per_page": "100"})


def test_access_takes_the_targets_api_key_url_and_one_session_caching_under_http(
    tmp_path: Path,
) -> None:
    from cen_search.apis.client import access, session_for
    from cen_search.apis.http import ServiceSession
    from cen_search.config import resolve

    openalex_key = "openalex-SECRET-0987654321"
    settings = resolve(
        environ={
            "CEN_SEARCH_NCBI_API_KEY": KEY,
            "CEN_SEARCH_OPENALEX_API_KEY": openalex_key,
            "CEN_SEARCH_CONTACT_EMAIL": EMAIL,
            "CEN_SEARCH_CACHE_DIR": str(tmp_path / "cache"),
            "CEN_SEARCH_EUROPEPMC_URL": "http://127.0.0.1:9/epmc",
        },
        user_file=tmp_path / "no-user-config.toml",
    )
    session = session_for(settings)
    pubmed = access(settings, "pubmed", session=session, timeout=5.0)
    assert (pubmed.api_key, pubmed.email, pubmed.timeout) == (KEY, EMAIL, 5.0)
    assert pubmed.base_url == "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"
    assert isinstance(session, ServiceSession) and session.cache is not None
    assert session.cache.root == tmp_path / "cache" / "http"
    assert {KEY, openalex_key, EMAIL} <= session.secrets
    assert EMAIL in session.headers["User-Agent"]
    assert access(settings, "openalex", session=session).api_key == openalex_key
    europepmc = access(settings, "europepmc", session=session)
    assert europepmc.api_key == "" and europepmc.base_url == "http://127.0.0.1:9/epmc/"
    assert access(settings, "pubmed", session=session, base_url="http://x/").base_url == "http://x/"
    uncached = session_for(settings, use_cache=False)
    assert isinstance(uncached, ServiceSession) and uncached.cache is None
