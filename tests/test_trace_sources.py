"""Each citation index traced against its recorded real responses served locally, the mapping
of each service's JSON to records, and the merge of several sources (coverage, provenance)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from _apiserver import ApiServer, Reply, Seen, fixture
from _fake_openalex import Graph

from cen_search.apis import get
from cen_search.apis.citations import SeedIds
from cen_search.apis.http import RetryPolicy, make_session
from cen_search.apis.mapping.crossref import crossref_any
from cen_search.apis.mapping.opencitations import meta_record, pid_bag
from cen_search.apis.mapping.semanticscholar import s2_record
from cen_search.progress import NULL_REPORTER
from cen_search.trace.engine import TraceOptions, trace
from cen_search.trace.seeds import seeds_from_ids

EMAIL = "searcher@example.org"


def _client(service: str, server: ApiServer, tmp_path: Path, **options):
    session = make_session(
        contact_email=EMAIL,
        cache_dir=str(tmp_path / "cache"),
        sleep=lambda s: None,
        policy=RetryPolicy(max_attempts=2),
    )
    client = get(service).client(session=session, base_url=server.url, email=EMAIL, **options)
    session.set_min_interval(service, 0.0)
    return client


def _trace(client, *seeds: SeedIds, backward=True, forward=True):
    return client.trace(list(seeds), backward=backward, forward=forward, reporter=NULL_REPORTER)


# --------------------------------------------------------------------------- Semantic Scholar


def test_semantic_scholar_batch_lookup_and_paged_references_and_citations(tmp_path):
    batch = json.loads(fixture("s2_paper_batch.json"))
    refs = json.loads(fixture("s2_paper_references_pages.json"))
    cites = json.loads(fixture("s2_paper_citations_page.json"))
    seen_ids: list = []

    def paper_batch(seen: Seen) -> Reply:
        seen_ids.append(json.loads(seen.body)["ids"])
        return Reply(json.dumps(batch["response"]))

    def linked(seen: Seen) -> Reply:
        offset = int(seen.param("offset"))
        if seen.path.endswith("/references"):
            page = refs["first_page"] if offset == 0 else refs["last_page"]
        else:
            page = cites if offset == 0 else {"offset": offset, "data": []}
        return Reply(json.dumps(page))

    dois = ["10.9999/unknown", "10.2139/ssrn.288970", "10.2139/ssrn.2250500", "10.1257/rct.1355"]
    with ApiServer() as server:
        server.route("/paper/batch", paper_batch)
        server.route_prefix("/paper/", linked)
        harvest = _trace(
            _client("semanticscholar", server, tmp_path, api_key="s2-KEY-123"),
            *(SeedIds(key=f"doi:{d}", doi=d) for d in dois),
        )
        assert all(s.headers.get("x-api-key") == "s2-KEY-123" for s in server.seen)
    assert seen_ids == [[f"DOI:{d}" for d in dois]]  # one batch for every seed
    known = {o.seed: o for o in harvest.seeds}
    assert not known["doi:10.9999/unknown"].known
    assert "does not know DOI:10.9999/unknown" in known["doi:10.9999/unknown"].reason
    assert known["doi:10.2139/ssrn.2250500"].ident == "cb1ebd913c3724c599f6b276b14b5c6253da68f3"
    per_seed = [f for f in harvest.found if f.seed == "doi:10.2139/ssrn.2250500"]
    backward = [f for f in per_seed if f.direction == "backward"]
    forward = [f for f in per_seed if f.direction == "forward"]
    assert len(backward) == 4 and len(forward) == 3  # both reference pages, one citation page
    unresolved = [s2_record(f.work) for f in backward if not f.work["citedPaper"]["paperId"]]
    assert [r.title for r in unresolved] == [
        "Does Gender Matter for Firm Performance? Evidence from Eastern Europe and Central Asia"
    ]


def test_semantic_scholar_paper_becomes_a_record_with_its_ids():
    paper = json.loads(fixture("s2_paper_batch.json"))["response"][1]
    record = s2_record(paper)
    assert record.doi == "10.2139/ssrn.288970" and record.year == 2001
    assert record.type.value == "review" and record.container.startswith("Experimental")
    assert record.accession_numbers == ("S2:c31c87c591a25c64fbaa82e8ac6a81831b6ac7ce",)


# --------------------------------------------------------------------------- Crossref


def test_crossref_deposited_references_with_and_without_doi(tmp_path):
    work = fixture("crossref_work_with_references.json")
    missing = json.loads(fixture("crossref_work_404.json"))
    envelope = json.loads(fixture("crossref_works_list_cursor.json"))
    described = json.loads(work)["message"]["reference"]

    def works(seen: Seen) -> Reply:
        wanted = [part.removeprefix("doi:") for part in seen.param("filter").split(",")]
        items = [
            {"DOI": r["DOI"], "title": [r["article-title"]], "type": "journal-article"}
            for r in described
            if r.get("DOI") in wanted
        ]
        body = {**envelope, "message": {**envelope["message"], "items": items}}
        return Reply(json.dumps(body))

    with ApiServer() as server:
        server.route("/works/10.1371/journal.pone.0033693", Reply(work))
        server.route(
            "/works/10.1371/notarealdoi",
            Reply(missing["body_text"], 404, content_type="text/plain"),
        )
        server.route("/works", works)
        harvest = _trace(
            _client("crossref", server, tmp_path),
            SeedIds(key="doi:10.1371/journal.pone.0033693", doi="10.1371/journal.pone.0033693"),
            SeedIds(key="doi:10.1371/notarealdoi", doi="10.1371/notarealdoi"),
        )
        assert server.seen[0].param("mailto") == EMAIL
        batches = server.requests_to("/works")
    assert len(batches) == 1  # the 3 DOIs described in one request
    assert "Crossref has no public list of citing works" in harvest.notes[0]
    outcomes = {o.seed: o for o in harvest.seeds}
    assert outcomes["doi:10.1371/notarealdoi"].reason == (
        "Crossref does not know DOI 10.1371/notarealdoi"
    )
    records = [crossref_any(f.work) for f in harvest.found]
    assert [r.doi for r in records] == [
        "10.1038/sj.npp.1301164",
        "10.1586/14737175.5.3.325",
        "10.1007/s11940-011-0137-6",
        "",
        "",
    ]
    assert records[3].notes == () and records[3].title.startswith("Monitoring the Future")
    assert harvest.directions == frozenset({"backward"})


# --------------------------------------------------------------------------- OpenCitations


def test_opencitations_rows_become_links_described_by_meta(tmp_path, shared):
    api = shared / "data" / "api"
    citations = json.loads((api / "opencitations_index_v2_citations.json").read_text())
    references = json.loads((api / "opencitations_index_v2_references.json").read_text())
    seed = "doi:10.7717/peerj-cs.421"
    metas: list[str] = []

    def meta(seen: Seen) -> Reply:
        metas.append(seen.path)
        return Reply("[]")

    with ApiServer() as server:
        server.route(f"/index/v2/references/{seed}", Reply(json.dumps(references["response"])))
        server.route(f"/index/v2/citations/{seed}", Reply(json.dumps(citations["response"])))
        server.route_prefix("/meta/v1/metadata/", meta)
        harvest = _trace(
            _client("opencitations", server, tmp_path),
            SeedIds(key=seed, doi="10.7717/peerj-cs.421"),
        )
    backward = [meta_record(f.work) for f in harvest.found if f.direction == "backward"]
    assert [r.doi for r in backward] == [
        "10.7717/peerj-cs.163",
        "10.1007/s11192-020-03792-z",
        "10.1007/s11192-020-03690-4",
    ]
    assert backward[2].pmid == "32981987"
    assert len(metas) == 1 and "__doi:" in metas[0]  # one Meta request for the six works
    assert harvest.seeds[0].known


def test_opencitations_meta_record_carries_the_openalex_id(shared):
    data = json.loads((shared / "data" / "api" / "opencitations_meta_v1_metadata.json").read_text())
    record = meta_record(data["response"][0])
    assert record.title == "Adaptive Environmental Management" and record.year == 2009
    assert record.accession_numbers[0] == "W4249829199"
    assert record.publisher == "Springer Science And Business Media Llc"
    bag = pid_bag("[coci] => doi:10.1234/A doi:10.1234/b omid:br/0612")
    assert bag == {"doi": ["10.1234/a", "10.1234/b"], "omid": ["br/0612"]}


def test_a_sici_doi_in_a_bag_of_several_indexes_keeps_its_semicolon():
    # found by a stranger's trial: the bags were split at every ";", cutting a SICI DOI short
    sici = "10.1002/(sici)1097-4636(199712)37:3<384::aid-jbm12>3.0.co;2-o"
    bag = pid_bag(f"[coci] => omid:br/061 doi:{sici} pmid:9; [doci] => omid:br/062")
    assert bag == {"omid": ["br/061", "br/062"], "doi": [sici], "pmid": ["9"]}
    assert pid_bag(f"coci => doi:{sici}")["doi"] == [sici]


# --------------------------------------------------------------------------- Europe PMC


def test_europepmc_citations_and_references_of_a_pmid_seed(tmp_path, shared):
    api = shared / "data" / "api"
    cites = json.loads((api / "europepmc_citations.json").read_text())
    refs = json.loads((api / "europepmc_references.json").read_text())
    cites["hitCount"] = len(cites["citationList"]["citation"])  # the recording is trimmed
    refs["hitCount"] = len(refs["referenceList"]["reference"])
    with ApiServer() as server:
        server.route("/MED/34308300/citations", Reply(json.dumps(cites)))
        server.route("/MED/34308300/references", Reply(json.dumps(refs)))
        harvest = _trace(
            _client("europepmc", server, tmp_path), SeedIds(key="pmid:34308300", pmid="34308300")
        )
        assert all(s.param("pageSize") == "1000" for s in server.seen)
    mapping = get("europepmc").record
    assert mapping is not None
    forward = [mapping(f.work) for f in harvest.found if f.direction == "forward"]
    backward = [mapping(f.work) for f in harvest.found if f.direction == "backward"]
    assert [r.pmid for r in forward] == ["", "40903751", "40919112"]
    assert forward[0].accession_numbers == ("PPR:PPR1078485",)
    assert backward[0].pmid == "32150622" and backward[0].issn == ("0098-7484", "1538-3598")
    assert harvest.seeds[0].ident == "MED:34308300"


def test_europepmc_looks_up_a_doi_only_seed_first(tmp_path, shared):
    lite = json.loads(
        (shared / "data" / "api" / "search_europepmc_search_lite_trimmed.json").read_text()
    )
    empty = {"version": "6.9", "hitCount": 0, "citationList": {"citation": []}}
    with ApiServer() as server:
        server.route("/search", Reply(json.dumps(lite)))
        server.route("/MED/39709209/citations", Reply(json.dumps(empty)))
        harvest = _trace(
            _client("europepmc", server, tmp_path),
            SeedIds(key="doi:x", doi="10.1016/s0140-6736(24)02600-x"),
            backward=False,
        )
        query = server.requests_to("/search")[0].param("query")
    assert query == 'DOI:"10.1016/s0140-6736(24)02600-x"'
    assert harvest.seeds[0].ident == "MED:39709209"


def test_a_pmid_europepmc_lists_nothing_for_is_not_reported_as_known(tmp_path):
    # found by a stranger's trial: a mistyped PMID was "resolved, known by europepmc" (Europe
    # PMC answers an id it does not know with an empty list), so no warning named it
    empty = {"version": "6.9", "hitCount": 0, "request": {"id": "96578310", "source": "MED"}}
    with ApiServer() as server:
        server.route_prefix("/MED/96578310/", lambda seen: Reply(json.dumps(empty)))
        harvest = _trace(
            _client("europepmc", server, tmp_path), SeedIds(key="pmid:96578310", pmid="96578310")
        )
    outcome = harvest.seeds[0]
    assert not outcome.known and harvest.found == ()
    assert outcome.reason == "Europe PMC lists no references or citations for MED:96578310"


# --------------------------------------------------------------------------- several sources


def _crossref_for(graph: Graph, extra: dict[str, list[dict]]):
    """Crossref answers built from ``graph``, in the recorded ``work`` shape, with ``extra``
    deposited references (no DOI) per seed DOI."""
    recorded = json.loads(fixture("crossref_work_with_references.json"))
    envelope = json.loads(fixture("crossref_works_list_cursor.json"))
    by_doi = {graph.doi_of(w): w for w in graph.works}

    def message(short: str) -> dict:
        work = graph.works[short]
        return {"DOI": graph.doi_of(short), "title": [work["title"]], "type": "journal-article"}

    def handle(seen: Seen) -> Reply:
        if seen.path == "/works":
            wanted = [p.removeprefix("doi:") for p in seen.param("filter").split(",")]
            items = [message(by_doi[d]) for d in wanted if d in by_doi]
            return Reply(
                json.dumps({**envelope, "message": {**envelope["message"], "items": items}})
            )
        doi = seen.path.removeprefix("/works/")
        if doi not in by_doi:
            return Reply("Resource not found.", 404, content_type="text/plain")
        short = by_doi[doi]
        refs = [
            {"key": f"ref{i}", "DOI": graph.doi_of(r.rsplit("/", 1)[-1])}
            for i, r in enumerate(graph.works[short]["referenced_works"])
        ] + extra.get(doi, [])
        body = {**recorded, "message": {**message(short), "reference": refs}}
        return Reply(json.dumps(body))

    return handle


def test_several_sources_are_merged_with_coverage_and_provenance(tmp_path):
    graph = Graph()
    graph.add(
        "W500", doi="10.5555/ref.a", title="Soil carbon under cover crops", year=2001, refs=[]
    )
    graph.add(
        "W501", doi="10.5555/ref.b", title="Tillage and earthworm density", year=2003, refs=[]
    )
    graph.add(
        "W600",
        doi="10.5555/seed",
        title="Cover crops in temperate farms",
        year=2010,
        refs=["W500", "W501"],
    )
    graph.add(
        "W700",
        doi="10.5555/citer",
        title="Meta-analysis of cover cropping",
        year=2020,
        refs=["W600"],
    )
    only_crossref = {
        "key": "ref9",
        "article-title": "An unpublished farm survey of rye",
        "author": "J Smith",
        "year": "1999",
    }
    with ApiServer() as server:
        server.route_prefix("/works", graph.handle)
        openalex_url = server.url
        with ApiServer() as crossref:
            crossref.route_prefix("/works", _crossref_for(graph, {"10.5555/seed": [only_crossref]}))
            session = make_session(cache_dir=str(tmp_path / "c"), sleep=lambda s: None)
            for name in ("openalex", "crossref"):
                session.set_min_interval(name, 0.0)
            clients = {
                "openalex": get("openalex").client(session=session, base_url=openalex_url),
                "crossref": get("crossref").client(session=session, base_url=crossref.url),
            }
            for client in clients.values():
                session.set_min_interval(client.service, 0.0)
            result = trace(
                seeds_from_ids(dois=["10.5555/seed"]),
                options=TraceOptions(sources=("openalex", "crossref")),
                clients=clients,
                session=session,
                checkpoint_root=tmp_path / "ck",
            )
    by_title = {t.record.title: t for t in result.records}
    shared_ref = by_title["Soil carbon under cover crops"]
    assert shared_ref.sources == ("crossref", "openalex") and shared_ref.rank == 1
    assert shared_ref.record.accession_numbers[0] == "W500"  # OpenAlex id kept after the merge
    assert shared_ref.record.database == "OpenAlex; Crossref"
    assert by_title["An unpublished farm survey of rye"].sources == ("crossref",)
    assert by_title["Meta-analysis of cover cropping"].directions == ("forward",)
    coverage = {(c.source): c for c in result.coverage}
    assert (coverage["openalex"].references, coverage["openalex"].citations) == (2, 1)
    assert (coverage["crossref"].references, coverage["crossref"].citations) == (3, None)
    assert coverage["crossref"].only_here == 1 and coverage["openalex"].only_here == 1
    edge = next(e for e in result.edges if e.cited.get("doi") == "10.5555/ref.a")
    assert edge.sources == ("crossref", "openalex") and edge.citing["openalex"] == "W600"
    assert result.rounds[0].requests == {"openalex": 3, "crossref": 2}


@pytest.mark.parametrize(
    "name", ["openalex", "semanticscholar", "opencitations", "europepmc", "crossref"]
)
def test_every_trace_source_is_registered_with_a_mapping_and_a_client(name):
    service = get(name, "trace")
    assert service.record is not None and hasattr(service.factory, "trace")
    assert service.url_env == f"CEN_SEARCH_{name.upper()}_URL"
