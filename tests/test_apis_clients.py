"""The PubMed, Europe PMC and OpenAlex clients against recorded responses served locally."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from _apiserver import ApiServer, Reply, fixture

from cen_search.apis.errors import RequestTooLongError
from cen_search.apis.europepmc import EuropePmcClient
from cen_search.apis.http import RetryPolicy, make_session
from cen_search.apis.mapping import jsonl_lines
from cen_search.apis.mapping.europepmc import europepmc_record
from cen_search.apis.mapping.openalex import openalex_record
from cen_search.apis.openalex import OpenAlexClient
from cen_search.apis.pubmed import PubMedClient
from cen_search.errors import RemoteServiceError
from cen_search.formats import read_text
from cen_search.formats.base import Source

KEY = "ncbi-SECRET-0123456789"
EMAIL = "searcher@example.org"
XML = "text/xml"


@pytest.fixture()
def server():
    with ApiServer() as srv:
        yield srv


@pytest.fixture()
def session(tmp_path: Path):
    return make_session(
        contact_email=EMAIL,
        cache_dir=str(tmp_path / "cache"),
        sleep=lambda s: None,
        policy=RetryPolicy(max_attempts=2),
    )


def _pubmed(server: ApiServer, session) -> PubMedClient:
    return PubMedClient(base_url=server.url, session=session, api_key=KEY, email=EMAIL)


# --------------------------------------------------------------------------- PubMed


def test_esearch_posts_history_search_and_reads_count_key_webenv_translation(server, session):
    server.route(
        "/esearch.fcgi",
        Reply(fixture("search_pubmed_esearch_xml_history_reldate-edat.xml"), content_type=XML),
    )
    result = _pubmed(server, session).esearch(
        "cancer", retmax=0, datetype="edat", mindate="2025/09/27", maxdate="2025/11/26"
    )
    sent = server.seen[0]
    assert sent.method == "POST"
    assert sent.param("term") == "cancer" and sent.param("usehistory") == "y"
    assert sent.param("retmax") == "0" and sent.param("datetype") == "edat"
    assert sent.param("mindate") == "2025/09/27" and sent.param("maxdate") == "2025/11/26"
    assert sent.param("api_key") == KEY and sent.param("tool") == "cen-search"
    assert result.count == 42249 and result.query_key == "1"
    assert result.webenv == "MCID_6927d6e7fee3e90f880ec190"
    assert "2025/09/27:2025/11/26[Date - Entry]" in result.query_translation
    assert (
        result.translations[0][0] == "cancer"
        and '"neoplasms"[MeSH Terms]' in result.translations[0][1]
    )
    assert KEY not in result.url


def test_esearch_history_key_in_term_is_sent_with_the_webenv(server, session):
    server.route(
        "/esearch.fcgi",
        Reply(fixture("search_pubmed_esearch_xml_history-key-reference.xml"), content_type=XML),
    )
    result = _pubmed(server, session).esearch("#2", webenv="NCID_1_214573425")
    assert server.seen[0].param("WebEnv") == "NCID_1_214573425"
    assert result.count == 2 and result.query_key == "19" and result.query_translation == "#2"
    assert result.ids == ("48526533", "22347799")


def test_esearch_phrase_not_found_is_returned_not_hidden(server, session):
    server.route(
        "/esearch.fcgi",
        Reply(fixture("search_pubmed_esearch_xml_phrase-not-found.xml"), content_type=XML),
    )
    result = _pubmed(server, session).esearch("abcXYZ")
    assert result.count == 0
    assert result.errorlist == {"phrasesnotfound": ["abcXYZ"]}
    assert result.warninglist == {"outputmessages": ["No items found."]}
    assert result.problems == ["phrasesnotfound: abcXYZ"]


def test_esearch_field_tag_translation_set_is_read(server, session):
    server.route(
        "/esearch.fcgi",
        Reply(fixture("search_pubmed_esearch_xml_field-tags-translation.xml"), content_type=XML),
    )
    result = _pubmed(server, session).esearch(
        "PNAS[ta] AND 97[vi]", usehistory=False, retmax=6, retstart=6
    )
    assert result.count == 2651 and result.retstart == 6 and len(result.ids) == 6
    assert result.translations == (
        ("PNAS[ta]", '"Proc Natl Acad Sci U S A"[Journal:__jid7505876]'),
    )
    assert "usehistory" not in server.seen[0].form


def test_esearch_error_element_in_http_200_raises(server, session):
    body = (
        '<?xml version="1.0" encoding="UTF-8" ?>\n<eSearchResult>'
        "<ERROR>Empty term and query_key - nothing todo</ERROR></eSearchResult>"
    )
    server.route("/esearch.fcgi", Reply(body, content_type=XML))
    with pytest.raises(RemoteServiceError, match="ESearch reported an error: Empty term"):
        _pubmed(server, session).esearch("")


def test_esearch_html_maintenance_page_with_http_200_raises(server, session):
    page = "<html><head><title>NCBI - Service unavailable</title></head><body>x</body></html>"
    server.route("/esearch.fcgi", Reply(page, content_type="text/html"))
    with pytest.raises(RemoteServiceError, match=r"HTML page instead of XML.*Service unavailable"):
        _pubmed(server, session).esearch("cancer")


def test_esearch_429_without_a_key_names_the_ncbi_api_key_setting(server, session):
    body = json.dumps({"error": "API rate limit exceeded", "api-key": KEY, "count": "11"})
    server.route("/esearch.fcgi", Reply(body, 429, {"Retry-After": "1"}))
    client = PubMedClient(base_url=server.url, session=session, email=EMAIL)
    with pytest.raises(RemoteServiceError) as caught:
        client.esearch("cancer")
    assert caught.value.exit_code == 3
    assert "CEN_SEARCH_NCBI_API_KEY" in caught.value.hint
    assert KEY not in str(caught.value)


def test_esearch_429_with_a_key_set_does_not_ask_for_one(server, session):
    body = json.dumps({"error": "API rate limit exceeded", "api-key": KEY, "count": "11"})
    server.route("/esearch.fcgi", Reply(body, 429, {"Retry-After": "1"}))
    with pytest.raises(RemoteServiceError) as caught:
        _pubmed(server, session).esearch("cancer")
    assert "CEN_SEARCH_NCBI_API_KEY" not in caught.value.hint
    assert "too many" in caught.value.hint
    assert KEY not in str(caught.value)


def test_efetch_posts_medline_batches_of_500(server, session):
    medline = fixture("search_pubmed_efetch_medline-format_trimmed.txt")
    server.route("/efetch.fcgi", Reply(medline, content_type="text/plain"))
    ids = [str(n) for n in range(1, 702)]
    chunks = list(_pubmed(server, session).efetch_medline(ids))
    sent = server.requests_to("/efetch.fcgi")
    assert [len(s.param("id").split(",")) for s in sent] == [500, 201]
    assert all(s.method == "POST" and s.param("rettype") == "medline" for s in sent)
    assert chunks[0] == medline


def test_efetch_error_document_instead_of_records_raises(server, session):
    body = (
        '<?xml version="1.0" encoding="UTF-8" ?>\n<eFetchResult>'
        "<ERROR>Cannot retrieve history data</ERROR></eFetchResult>"
    )
    server.route("/efetch.fcgi", Reply(body, content_type=XML))
    with pytest.raises(RemoteServiceError, match=r"EFetch returned an error.*Cannot retrieve"):
        list(_pubmed(server, session).efetch_medline(["1"]))


def test_efetch_medline_text_reads_with_the_project_medline_reader(server, session):
    pytest.importorskip("cen_search.formats.medline")
    server.route(
        "/efetch.fcgi",
        Reply(
            fixture("search_pubmed_efetch_medline-format_trimmed.txt"), content_type="text/plain"
        ),
    )
    text = b"".join(_pubmed(server, session).efetch_medline(["16403221", "16377612"]))
    result = read_text(
        text.decode(), Source(file="x.nbib", sha256="0" * 64, encoding="utf-8"), format="medline"
    )
    assert [r.pmid for r in result.records] == ["16403221", "16377612"]


# --------------------------------------------------------------------------- Europe PMC


def test_europepmc_count_uses_idlist_with_page_size_one(server, session, shared):
    body = (shared / "data/api/search_europepmc_search_idlist_trimmed.json").read_bytes()
    server.route("/search", Reply(body))
    page = EuropePmcClient(base_url=server.url, session=session, email=EMAIL).count("cancer")
    sent = server.seen[0]
    assert sent.param("resultType") == "idlist" and sent.param("pageSize") == "1"
    assert sent.param("synonym") == "false" and sent.param("format") == "json"
    assert page.hit_count == 5059039


def test_europepmc_pages_follow_cursor_until_it_is_missing(server, session, shared):
    first = (shared / "data/api/search_europepmc_search_core_trimmed.json").read_bytes()
    last = (shared / "data/api/search_europepmc_search_no-results.json").read_bytes()
    server.route("/search", Reply(first), Reply(last))
    pages = list(EuropePmcClient(base_url=server.url, session=session).pages("cancer"))
    cursors = [s.param("cursorMark") for s in server.seen]
    assert cursors == ["*", "AoIIP4ZawSg1MzEyODI1MA=="]
    assert len(pages) == 2 and pages[0].results[0]["pmid"] == "39709209"
    assert pages[1].next_cursor is None


def test_europepmc_error_code_inside_http_200_raises(server, session):
    server.route("/search", Reply('{"errCode": 400, "errMsg": "Invalid query syntax"}'))
    with pytest.raises(RemoteServiceError, match=r"errCode 400.*Invalid query syntax"):
        EuropePmcClient(base_url=server.url, session=session).count("a AND (")


def test_europepmc_long_query_goes_to_search_post(server, session, shared):
    body = (shared / "data/api/search_europepmc_search_idlist_trimmed.json").read_bytes()
    server.route("/searchPOST", Reply(body))
    client = EuropePmcClient(base_url=server.url, session=session, post_above_chars=50)
    client.count("TITLE_ABS:" + " OR ".join(["cancer"] * 20))
    assert server.seen[0].method == "POST" and server.seen[0].path == "/searchPOST"


def test_europepmc_core_result_becomes_a_record(shared):
    data = json.loads((shared / "data/api/search_europepmc_search_core_trimmed.json").read_text())
    record = europepmc_record(data["resultList"]["result"][0])
    assert record.pmid == "39709209" and record.doi == "10.1016/s0140-6736(24)02600-x"
    assert record.container == "Lancet (London, England)" and record.year == 2025
    assert [a.family for a in record.authors] == ["Schoenfeld", "Haas-Kogan", "O'Neill"]
    assert record.accession_numbers == ("MED:39709209",)
    assert ("firstIndexDate", "2024-12-22") in record.raw


# --------------------------------------------------------------------------- OpenAlex


def test_openalex_count_reads_meta_cost_and_budget_headers(server, session):
    recorded = json.loads(fixture("openalex_ratelimit_headers_keyless.json"))
    server.route("/works", Reply(json.dumps(recorded["body"]), headers=recorded["headers"]))
    client = OpenAlexClient(base_url=server.url, session=session, api_key=KEY, email=EMAIL)
    page = client.count(filters=["title_and_abstract.search:cancer"])
    sent = server.seen[0]
    assert sent.param("filter") == "title_and_abstract.search:cancer"
    assert sent.param("per_page") == "1" and sent.param("api_key") == KEY
    assert sent.param("mailto") == EMAIL
    assert page.count == 327595274 and page.cost_usd == 0.0001
    assert page.budget is not None and page.budget.remaining_usd == 0.0989


def test_openalex_pages_follow_next_cursor_until_null(server, session, shared):
    first = (shared / "data/api/search_openalex_works_cursor-page_docs-example.json").read_bytes()
    last = json.dumps({"meta": {"count": 8695857, "next_cursor": None}, "results": []})
    server.route("/works", Reply(first), Reply(last))
    # the docs example holds 2 works: with per_page 2 it is a full page, so paging goes on
    client = OpenAlexClient(base_url=server.url, session=session, api_key=KEY, per_page=2)
    pages = list(client.pages(filters=["publication_year:2020"]))
    assert [s.param("cursor") for s in server.seen] == [
        "*",
        json.loads(first)["meta"]["next_cursor"],
    ]
    assert [s.param("per_page") for s in server.seen] == ["2", "2"]
    assert len(pages[0].results) == 2 and pages[1].results == ()


def test_openalex_paging_stops_after_a_short_page_without_asking_for_an_empty_one(
    server, session, shared
):
    first = (shared / "data/api/search_openalex_works_cursor-page_docs-example.json").read_bytes()
    server.route("/works", Reply(first))
    client = OpenAlexClient(base_url=server.url, session=session, api_key=KEY)
    pages = list(client.pages(filters=["publication_year:2020"]))
    assert len(server.seen) == 1 and len(pages) == 1 and server.seen[0].param("per_page") == "100"


def test_openalex_error_json_with_http_200_raises(server, session):
    body = {
        "error": "Invalid query parameters error.",
        "message": "title.search is not a valid field",
    }
    server.route("/works", Reply(json.dumps(body)))
    with pytest.raises(RemoteServiceError, match=r"OpenAlex reported an error.*not a valid field"):
        OpenAlexClient(base_url=server.url, session=session).count(filters=["title.search:x"])


def test_openalex_refuses_a_url_longer_than_the_limit_before_sending(server, session):
    client = OpenAlexClient(base_url=server.url, session=session, max_url_chars=200)
    with pytest.raises(RequestTooLongError, match="characters long"):
        client.count(filters=["title_and_abstract.search:" + " OR ".join(["word"] * 60)])
    assert server.seen == []


def test_openalex_work_becomes_a_record_with_ids_and_type():
    data = json.loads(fixture("openalex_works_list_meta.json"))
    record = openalex_record(data["results"][1])
    assert record.doi == "10.3322/caac.21834" and record.pmid == "38572751"
    assert record.year == 2024 and record.container == "CA A Cancer Journal for Clinicians"
    assert record.accession_numbers == ("W4393935425",) and record.type.value == "article"
    assert openalex_record(data["results"][0]).type.value == "preprint"


def test_converted_records_read_back_with_the_jsonl_reader():
    data = json.loads(fixture("openalex_works_list_meta.json"))
    text = jsonl_lines(openalex_record(r) for r in data["results"])
    result = read_text(
        text, Source(file="runs.jsonl", sha256="a" * 64, encoding="utf-8", database="OpenAlex")
    )
    assert result.format == "jsonl" and not result.skipped
    assert [r.doi for r in result.records] == ["10.3929/ethz-b-000667478", "10.3322/caac.21834"]
    assert result.records[0].provenance.file == "runs.jsonl"
    assert result.records[1].provenance.database == "OpenAlex"
