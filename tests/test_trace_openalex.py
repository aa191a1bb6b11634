"""Tracing through OpenAlex against a known citation graph served locally (``_fake_openalex``):
completeness, the batching bound, the cache, quotas with checkpoint and resume, a work with
10,000 citing works, unknown seeds, odd DOIs, title matching, the review and rounds."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
from _apiserver import ApiServer
from _fake_openalex import Graph

from cen_search.apis import get
from cen_search.apis.errors import QuotaExhaustedError
from cen_search.apis.http import RetryPolicy, make_session
from cen_search.models import Author, Provenance, Record
from cen_search.trace.engine import TraceOptions, trace
from cen_search.trace.seeds import seed_from_record, seeds_from_ids


def _session(tmp_path: Path, *, cache: bool = True):
    session = make_session(
        cache_dir=str(tmp_path / "cache"),
        use_cache=cache,
        sleep=lambda s: None,
        waiter=lambda s, r: None,
        policy=RetryPolicy(max_attempts=2),
    )
    return session


def _run(
    graph: Graph, seeds, tmp_path: Path, *, cache=True, workspace=None, server=None, **options
):
    if server is None:
        with ApiServer() as own:
            own.route_prefix("/works", graph.handle)
            return _run(
                graph, seeds, tmp_path, cache=cache, workspace=workspace, server=own, **options
            )
    session = _session(tmp_path, cache=cache)
    client = get("openalex").client(session=session, base_url=server.url)
    session.set_min_interval("openalex", 0.0)
    result = trace(
        seeds,
        options=TraceOptions(sources=("openalex",), **options),
        clients={"openalex": client},
        session=session,
        checkpoint_root=tmp_path / "checkpoints",
        workspace=workspace,
    )
    return result, session


def _add(graph: Graph, short: str, doi: str, title: str, year: int, refs: list[str]) -> None:
    graph.add(short, doi=doi, title=title, year=year, refs=refs)


def _found(result) -> set[str]:
    return {t.record.accession_numbers[0] for t in result.records}


def _dois(graph: Graph, ids) -> list[str]:
    return [graph.doi_of(w) for w in ids]


def test_both_ways_finds_exactly_the_graphs_neighbourhood_at_the_batching_bound(tmp_path):
    graph, seed_ids = Graph.synthetic(seeds=120, refs=12, citing=9)
    result, session = _run(graph, seeds_from_ids(dois=_dois(graph, seed_ids)), tmp_path)
    truth = graph.neighbourhood(seed_ids, backward=True, forward=True)
    assert _found(result) == truth
    assert all(t.new for t in result.records)
    cited = {r.rsplit("/", 1)[-1] for s in seed_ids for r in graph.works[s]["referenced_works"]}
    pages = sum(
        max(1, math.ceil(len({c for s in chunk for c in graph.citing.get(s, ())}) / 100))
        for chunk in (seed_ids[i : i + 50] for i in range(0, len(seed_ids), 50))
    )
    assert graph.requests["lookup"] == math.ceil(len(seed_ids) / 50)
    assert graph.requests["fetch"] == math.ceil(len(cited - set(seed_ids)) / 50)
    assert graph.requests["cites"] == pages
    assert session.sent["openalex"] == sum(graph.requests.values())
    assert result.rounds[0].requests == {"openalex": session.sent["openalex"]}


def test_a_second_run_with_the_cache_sends_no_request(tmp_path):
    graph, seed_ids = Graph.synthetic(seeds=30, refs=5, citing=4)
    seeds = seeds_from_ids(dois=_dois(graph, seed_ids))
    with ApiServer() as server:
        server.route_prefix("/works", graph.handle)
        first, _ = _run(graph, seeds, tmp_path, server=server)
        before = sum(graph.requests.values())
        second, session = _run(graph, seeds, tmp_path, server=server)
    assert sum(graph.requests.values()) == before and session.sent["openalex"] == 0
    assert [t.record.title for t in second.records] == [t.record.title for t in first.records]


def test_the_same_seeds_in_another_order_are_answered_from_the_cache(tmp_path):
    # found by a stranger's trial: a re-exported (re-ordered) seed file sent every lookup
    # again, so a quota-stopped trace resumed from it spent its budget a second time
    graph, seed_ids = Graph.synthetic(seeds=30, refs=5, citing=4)
    seeds = seeds_from_ids(dois=_dois(graph, seed_ids))
    with ApiServer() as server:
        server.route_prefix("/works", graph.handle)
        first, _ = _run(graph, seeds, tmp_path, server=server)
        second, session = _run(graph, seeds[::-1], tmp_path, server=server)
    assert session.sent["openalex"] == 0
    assert [t.record.title for t in second.records] == [t.record.title for t in first.records]


def _snapshot(result) -> tuple:
    return (
        [(t.record.accession_numbers, t.seeds, t.directions, t.rank) for t in result.records],
        sorted((e.key, e.direction, e.sources) for e in result.edges),
    )


@pytest.mark.parametrize("cache", [True, False], ids=["cache", "no-cache"])
def test_budget_exhausted_mid_run_stops_then_resumes_to_the_uninterrupted_result(tmp_path, cache):
    graph, seed_ids = Graph.synthetic(seeds=90, refs=10, citing=8)
    seeds = seeds_from_ids(dois=_dois(graph, seed_ids))
    whole, _ = _run(graph, seeds, tmp_path / "whole", cache=False)
    total = sum(graph.requests.values())
    graph.requests.clear()
    graph.budget = total // 2
    server = ApiServer().__enter__()
    server.route_prefix("/works", graph.handle)
    with pytest.raises(QuotaExhaustedError) as caught:
        _run(graph, seeds, tmp_path / "cut", cache=cache, server=server)
    assert caught.value.exit_code == 3
    assert "budget exhausted" in caught.value.message
    assert "run the same command again to resume" in caught.value.hint
    checkpoints = list((tmp_path / "cut" / "checkpoints").iterdir())
    assert len(checkpoints) == 1 and any(checkpoints[0].rglob("*.body"))
    graph.budget = None  # midnight UTC: the budget is back
    graph.requests.clear()
    resumed, session = _run(graph, seeds, tmp_path / "cut", cache=cache, server=server)
    server.__exit__(None, None, None)
    assert _snapshot(resumed) == _snapshot(whole)
    assert session.sent["openalex"] == total - total // 2  # nothing asked twice
    assert not any((tmp_path / "cut" / "checkpoints").iterdir())  # removed when complete


def test_a_work_with_10000_citing_works_is_traced_in_full(tmp_path):
    """Cursor paging has no 10,000-result ceiling (basic paging has): every citing work of a
    much-cited seed is listed, each page asked once."""
    from cen_search.apis.citations import SeedIds
    from cen_search.progress import NULL_REPORTER

    graph = Graph()
    _add(graph, "W1", "10.5555/popular", "A much cited method paper", 2001, [])
    for n in range(10_000):
        graph.add(f"W{1000 + n}", doi=f"10.5555/citer.{n}", title=f"t{n}", year=2010, refs=["W1"])
    with ApiServer() as server:
        server.route_prefix("/works", graph.handle)
        session = _session(tmp_path)
        session.set_min_interval("openalex", 0.0)
        client = get("openalex").client(session=session, base_url=server.url)
        harvest = client.trace(
            [SeedIds(key="doi:10.5555/popular", doi="10.5555/popular")],
            backward=False,
            forward=True,
            reporter=NULL_REPORTER,
        )
    citing = {f.work["id"] for f in harvest.found}
    assert len(harvest.found) == len(citing) == 10_000
    assert graph.requests["cites"] == 100  # 100 pages of 100, no page asked twice
    assert harvest.seeds[0].known and harvest.seeds[0].ident == "W1"


def test_a_seed_no_index_knows_is_listed_with_the_reason(tmp_path):
    graph, seed_ids = Graph.synthetic(seeds=3, refs=2, citing=2)
    seeds = seeds_from_ids(dois=[*_dois(graph, seed_ids), "10.9999/nobody.knows"])
    result, _ = _run(graph, seeds, tmp_path)
    unresolved = {r.seed: r.reason for r in result.unresolved}
    assert unresolved == {
        "doi:10.9999/nobody.knows": ("openalex: OpenAlex does not know DOI 10.9999/nobody.knows")
    }
    assert _found(result) == graph.neighbourhood(seed_ids, backward=True, forward=True)


def test_dois_with_odd_characters_are_looked_up_and_traced(tmp_path):
    graph = Graph()
    sici = "10.1002/(SICI)1097-4636(199712)37:3<384::AID-JBM12>3.0.CO;2-O"
    comma = "10.1000/a,b|c"
    graph.add(
        "W10", doi="10.5555/ref.one", title="Cited reference about zebrafish", year=1990, refs=[]
    )
    _add(graph, "W11", sici, "Seed with a SICI DOI on bone cement", 1997, ["W10"])
    graph.add(
        "W12", doi=comma, title="Seed whose DOI holds a comma and bar", year=2001, refs=["W10"]
    )
    graph.add(
        "W13",
        doi="10.5555/citer",
        title="Later work citing the SICI paper",
        year=2005,
        refs=["W11"],
    )
    result, _ = _run(graph, seeds_from_ids(dois=[sici, comma]), tmp_path)
    assert not result.unresolved
    assert _found(result) == {"W10", "W13"}
    assert graph.requests["single"] == 1  # the DOI with "," and "|" cannot be OR-ed


def _record(title: str, *, year: int, author: str, doi: str = "") -> Record:
    return Record(
        provenance=Provenance(
            file="included.ris", sha256="a" * 64, format="ris", encoding="utf-8", index=1, line=1
        ),
        title=title,
        year=year,
        authors=(Author(author, family=author),),
        doi=doi,
    )


def test_a_seed_known_by_title_is_matched_with_a_confidence_score(tmp_path):
    graph, seed_ids = Graph.synthetic(seeds=2, refs=3, citing=2)
    work = graph.works[seed_ids[0]]
    seed = seed_from_record(
        _record(work["title"], year=work["publication_year"], author=f"Author{seed_ids[0]}"),
        origin="included.ris:1",
    )
    stranger = seed_from_record(
        _record("Completely unrelated words here", year=1950, author="Nobody"), origin="x:2"
    )
    result, _ = _run(graph, [seed, stranger], tmp_path)
    by_seed = {r.seed: r for r in result.resolutions}
    assert by_seed[seed.key].method == "title" and by_seed[seed.key].confidence >= 0.85
    assert "openalex" in by_seed[seed.key].known_by
    assert by_seed[stranger.key].method == "unresolved"
    assert _found(result) == graph.neighbourhood(seed_ids[:1], backward=True, forward=True)


def test_an_unmatched_title_seed_says_what_the_search_found_not_that_none_could_search(
    tmp_path,
):
    # found by a stranger's trial: the reason was always "none of the chosen sources can
    # search by title", although OpenAlex had been asked and had found nothing
    graph, _ = Graph.synthetic(seeds=1, refs=1, citing=1)
    stranger = seed_from_record(
        _record("Zebra migration on the moon", year=1950, author="Nobody"), origin="x:1"
    )
    untitled = seed_from_record(_record("", year=1950, author="Nobody"), origin="x:2")
    result, _ = _run(graph, [stranger, untitled], tmp_path)
    reasons = {r.seed: r.reason for r in result.resolutions}
    assert reasons[stranger.key] == "no candidate found by title"
    assert reasons[untitled.key] == "no DOI, PMID, PMCID, OpenAlex id or title to look it up by"


def test_works_already_in_the_review_are_linked_not_output_again(tmp_path):
    from cen_search.workspace import Workspace

    graph, seed_ids = Graph.synthetic(seeds=4, refs=4, citing=3)
    ref = graph.works[seed_ids[0]]["referenced_works"][0].rsplit("/", 1)[-1]
    ws = Workspace.init(tmp_path / "review", title="T")
    export = tmp_path / "medline.ris"
    title = graph.works[ref]["title"].upper()
    export.write_text(f"TY  - JOUR\nTI  - {title}\nDO  - {graph.doi_of(ref)}\nPY  - 2001\nER  - \n")
    ws.import_file(export, database="MEDLINE")
    result, _ = _run(graph, seeds_from_ids(dois=_dois(graph, seed_ids)), tmp_path, workspace=ws)
    known = [t for t in result.records if not t.new]
    assert [t.record.doi for t in known] == [graph.doi_of(ref)]
    assert "imports/" in known[0].duplicate_of
    assert (
        len(result.new_records)
        == len(graph.neighbourhood(seed_ids, backward=True, forward=True)) - 1
    )


def test_rounds_trace_the_new_works_until_nothing_new(tmp_path):
    graph = Graph()
    graph.add(
        "W3",
        doi="10.5555/three",
        title="Grandparent reference on soil microbes",
        year=1980,
        refs=[],
    )
    graph.add(
        "W2",
        doi="10.5555/two",
        title="Parent reference on nitrogen cycling",
        year=1990,
        refs=["W3"],
    )
    graph.add(
        "W1",
        doi="10.5555/one",
        title="The seed study of wetland restoration",
        year=2000,
        refs=["W2"],
    )
    result, _ = _run(
        graph, seeds_from_ids(dois=["10.5555/one"]), tmp_path, direction="backward", rounds=5
    )
    assert [r.round for r in result.rounds] == [1, 2, 3]
    assert [(r.seeds, r.new) for r in result.rounds] == [(1, 1), (1, 1), (1, 0)]
    assert _found(result) == {"W2", "W3"}


def test_a_review_keeps_rounds_edges_and_records_and_skips_seeds_traced_before(tmp_path):
    from cen_search.trace.store import round_counts, rounds, stored_edges
    from cen_search.workspace import Workspace

    graph, seed_ids = Graph.synthetic(seeds=5, refs=3, citing=2)
    seeds = seeds_from_ids(dois=_dois(graph, seed_ids))
    ws = Workspace.init(tmp_path / "review", title="T")
    first, _ = _run(graph, seeds, tmp_path, workspace=ws)
    counts = round_counts(ws)
    assert [(c.round, c.records_found, c.new_records) for c in counts] == [
        (1, len(first.records), len(first.new_records))
    ]
    assert counts[0].sources == ("openalex",) and counts[0].direction == "both"
    edges = stored_edges(ws)
    assert len(edges) == len(first.edges) > 0
    record_file = ws.root / "trace" / rounds(ws)[0]["records_file"]
    assert len(record_file.read_text().splitlines()) == len(first.new_records)
    assert ws.events()[-1]["event"] == "trace"
    from cen_search.trace.status import section

    status = section(ws)
    assert status is not None and status.name == "trace"
    from cen_search.prisma.review import trace_rounds  # PRISMA's citation-searching lane

    assert [(r.seeds, r.new_records) for r in trace_rounds(ws)] == [(5, len(first.new_records))]
    assert status.lines[1].startswith(f"works found: {len(first.records)}, new to the review")
    graph.requests.clear()
    again, _ = _run(graph, seeds, tmp_path, workspace=ws, cache=False)
    assert again.rounds == () and set(again.skipped_seeds) == {s.key for s in seeds}
    assert sum(graph.requests.values()) == 0
    retraced, _ = _run(graph, seeds, tmp_path, workspace=ws, cache=False, retrace=True)
    assert retraced.rounds[0].round == 2 and retraced.new_records == ()
    assert len(stored_edges(ws)) == len(edges)  # nothing stored twice


def test_one_study_given_by_doi_and_by_pmid_is_one_seed_and_ranks_its_works_once(tmp_path):
    # found by a stranger's trial: --doi X --pmid P of the same study (or a seed file's record
    # with its DOI plus --pmid) were two seeds, so every work they link to ranked 2
    graph, seed_ids = Graph.synthetic(seeds=4, refs=3, citing=2)
    study = next(s for s in seed_ids if graph.works[s]["ids"].get("pmid"))
    pmid = graph.works[study]["ids"]["pmid"].rsplit("/", 1)[-1]
    seeds = seeds_from_ids(dois=[graph.doi_of(study)], pmids=[pmid])
    result, _ = _run(graph, seeds, tmp_path)
    assert result.rounds[0].seeds == 1 and {t.rank for t in result.records} == {1}
    assert {t.seeds for t in result.records} == {(f"doi:{graph.doi_of(study)}",)}
    assert _found(result) == graph.neighbourhood([study], backward=True, forward=True)
    assert f"seed pmid:{pmid} is the same work as seed doi:{graph.doi_of(study)}" in str(
        result.notes
    )


def test_a_seed_no_source_resolved_is_not_skipped_as_already_traced_in_a_review(tmp_path):
    # found by a stranger's trial: a review whose included studies no index found by title
    # logged them as traced, and the next run skipped all 29 ("already traced") with nothing
    # traced; only --retrace (which also re-traces everything else) got past it
    from cen_search.trace.store import traced_seeds
    from cen_search.workspace import Workspace

    graph, seed_ids = Graph.synthetic(seeds=2, refs=2, citing=1)
    seeds = seeds_from_ids(dois=[*_dois(graph, seed_ids), "10.5555/late.1"])
    ws = Workspace.init(tmp_path / "review", title="T")
    first, _ = _run(graph, seeds, tmp_path, workspace=ws)
    assert [r.seed for r in first.unresolved] == ["doi:10.5555/late.1"]
    assert {key for key, _, _ in traced_seeds(ws)} == {s.key for s in seeds[:2]}
    _add(graph, "W900", "10.5555/late.1", "A study the index learnt of later", 2020, ["W901"])
    _add(graph, "W901", "10.5555/late.2", "What that study cites", 2019, [])
    again, _ = _run(graph, seeds, tmp_path, workspace=ws)
    assert set(again.skipped_seeds) == {s.key for s in seeds[:2]}
    assert again.rounds[0].seed_keys == ("doi:10.5555/late.1",)
    assert [t.record.doi for t in again.new_records] == ["10.5555/late.2"]


def test_status_counts_each_stored_citation_edge_once_across_rounds_and_retraces(tmp_path):
    # found by a stranger's trial: status summed each round's edges, so a second round that
    # found the seeds again (or a --retrace) counted the same citing-cited pairs twice
    # ("citation edges stored: 166" for the 112 pairs --edges wrote)
    import io

    from cen_search.trace.status import section
    from cen_search.trace.store import stored_edges, write_edges_csv
    from cen_search.workspace import Workspace

    graph, seed_ids = Graph.synthetic(seeds=3, refs=2, citing=2)
    seeds = seeds_from_ids(dois=_dois(graph, seed_ids))
    ws = Workspace.init(tmp_path / "review", title="T")
    _run(graph, seeds, tmp_path, workspace=ws, rounds=2)
    _run(graph, seeds, tmp_path, workspace=ws, retrace=True)
    pairs = write_edges_csv(stored_edges(ws), io.StringIO())
    status = section(ws)
    assert status is not None and status.lines[1].endswith(f"citation edges stored: {pairs}")


def test_a_trace_is_not_saved_over_a_round_another_trace_logged_while_it_ran(tmp_path):
    # found by a stranger's trial: two traces run at once in one review both logged "round 1",
    # and the works of the seed they shared were counted new twice (PRISMA's citation lane)
    from cen_search.errors import WorkspaceError
    from cen_search.trace.store import round_counts
    from cen_search.workspace import Workspace

    graph, seed_ids = Graph.synthetic(seeds=2, refs=2, citing=1)
    ws = Workspace.init(tmp_path / "review", title="T")
    first = seeds_from_ids(dois=_dois(graph, seed_ids))
    other = seeds_from_ids(dois=_dois(graph, seed_ids[:1]))
    with ApiServer() as server:
        server.route_prefix("/works", graph.handle)
        session = _session(tmp_path)
        client = get("openalex").client(session=session, base_url=server.url)
        session.set_min_interval("openalex", 0.0)

        class Racing:
            raced = False

            def trace(self, ids, **kw):
                if not self.raced:  # another trace finishes in the review meanwhile
                    self.raced = True
                    _run(graph, other, tmp_path / "other", workspace=ws, server=server)
                return client.trace(ids, **kw)

            def match(self, seed):
                return client.match(seed)

        def run(clients):
            return trace(
                first,
                options=TraceOptions(sources=("openalex",)),
                clients=clients,
                session=session,
                workspace=ws,
                checkpoint_root=tmp_path / "checkpoints",
            )

        with pytest.raises(WorkspaceError, match="another trace logged round 1"):
            run({"openalex": Racing()})
        assert [c.round for c in round_counts(ws)] == [1]
        again = run({"openalex": client})
    assert [c.round for c in round_counts(ws)] == [1, 2]
    shared = graph.neighbourhood(seed_ids[:1], backward=True, forward=True)
    assert not {t.record.accession_numbers[0] for t in again.new_records} & shared


def test_a_torn_edge_log_stops_the_trace_before_any_request_is_spent(tmp_path):
    # found by a stranger's trial: a crash while edges.jsonl was appended left a torn line,
    # and the next trace spent its whole quota before refusing to save (checkpoint deleted)
    from cen_search.errors import DamagedLogError
    from cen_search.workspace import Workspace

    graph, seed_ids = Graph.synthetic(seeds=2, refs=2, citing=1)
    ws = Workspace.init(tmp_path / "review", title="T")
    (ws.root / "trace").mkdir()
    (ws.root / "trace" / "edges.jsonl").write_text('{"citing": {"doi": "10.1/x"}, "cited":')
    with pytest.raises(DamagedLogError):
        _run(graph, seeds_from_ids(dois=_dois(graph, seed_ids)), tmp_path, workspace=ws)
    assert sum(graph.requests.values()) == 0


def test_a_trace_that_cannot_be_saved_keeps_its_checkpoint_and_resumes_without_requests(
    tmp_path, monkeypatch
):
    from cen_search.trace import store
    from cen_search.trace.store import rounds
    from cen_search.workspace import Workspace

    graph, seed_ids = Graph.synthetic(seeds=2, refs=2, citing=1)
    seeds = seeds_from_ids(dois=_dois(graph, seed_ids))
    ws = Workspace.init(tmp_path / "review", title="T")
    real = store.save_round

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store, "save_round", full_disk)
    with ApiServer() as server:
        server.route_prefix("/works", graph.handle)
        with pytest.raises(OSError):
            _run(graph, seeds, tmp_path, workspace=ws, cache=False, server=server)
        assert rounds(ws) == [] and any((tmp_path / "checkpoints").iterdir())
        monkeypatch.setattr(store, "save_round", real)
        graph.requests.clear()
        result, _ = _run(graph, seeds, tmp_path, workspace=ws, cache=False, server=server)
    assert sum(graph.requests.values()) == 0 and len(rounds(ws)) == 1
    assert _found(result) == graph.neighbourhood(seed_ids, backward=True, forward=True)


def test_tracing_never_imports_the_strategies_package():
    code = (
        "import sys\n"
        "import cen_search.trace, cen_search.trace.engine, cen_search.trace.store\n"
        "import cen_search.cli.trace\n"
        "print([m for m in sys.modules if m.startswith('cen_search.strategies')])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_edges_name_both_works_with_their_openalex_ids(tmp_path):
    graph = Graph()
    graph.add(
        "W7", doi="10.5555/cited", title="Cited work on coral bleaching events", year=1999, refs=[]
    )
    graph.add(
        "W8",
        doi="10.5555/seed",
        title="Seed on reef resilience after storms",
        year=2010,
        refs=["W7"],
    )
    graph.add(
        "W9", doi="10.5555/citer", title="Citing work on marine heatwaves", year=2020, refs=["W8"]
    )
    result, _ = _run(graph, seeds_from_ids(dois=["10.5555/seed"]), tmp_path)
    edges = {(e.direction, e.key) for e in result.edges}
    assert edges == {
        ("backward", ("openalex:W8", "openalex:W7")),
        ("forward", ("openalex:W9", "openalex:W8")),
    }
    assert json.dumps(result.edges[0].to_dict(at="2026-01-01"))


def test_long_dois_are_batched_within_the_url_limit(tmp_path):
    graph = Graph()
    dois = [f"10.1002/(SICI)1097-4636(199712)37:3<384::AID-JBM{n}>3.0.CO;2-O" for n in range(45)]
    for n, doi in enumerate(dois):
        graph.add(f"W{200 + n}", doi=doi, title=f"Seed {n} on bone cement", year=1997, refs=[])
    result, _ = _run(graph, seeds_from_ids(dois=dois), tmp_path, direction="backward")
    assert not result.unresolved
    assert graph.requests["lookup"] == 2  # 45 fit the count of 50, not the URL limit


def test_the_edges_csv_writes_a_title_excel_would_run_as_a_formula_as_text() -> None:
    # a title starting "-" or "=" opened in Excel as a formula (#NAME?), as the other CSVs
    # already prevent (found by a stranger's trial of the hand-offs)
    import csv
    import io

    from cen_search.trace.store import write_edges_csv

    edge = {
        "citing": {"openalex": "W2", "title": "-Omics in community psychiatry"},
        "cited": {"openalex": "W1", "title": "Staff burnout in dialectical behaviour therapy"},
        "seed": "W1",
        "direction": "forward",
        "sources": ["openalex"],
    }
    out = io.StringIO()
    assert write_edges_csv([edge], out) == 1
    (row,) = csv.DictReader(io.StringIO(out.getvalue()))
    assert row["citing_title"] == "'-Omics in community psychiatry"
    assert row["cited_title"] == "Staff burnout in dialectical behaviour therapy"
