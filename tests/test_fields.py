"""Cleaning single field values, table-driven with strings taken from the shared exports."""

from __future__ import annotations

import pytest

from cen_search.fields import (
    clean_doi,
    clean_pmcid,
    clean_pmid,
    doi_from_url,
    exact_doi,
    expand_end_page,
    parse_pages,
    parse_year,
    split_isbn,
    split_issn,
    squash,
)
from cen_search.models import Pages


@pytest.mark.parametrize(
    ("value", "doi"),
    [
        ("10.1002/cpp.2398", "10.1002/cpp.2398"),
        ("http://dx.doi.org/10.1177/2325967120950040", "10.1177/2325967120950040"),
        ("https://doi.org/10.1002/cl2.1230", "10.1002/cl2.1230"),
        ("doi:10.1011/hea0004444", "10.1011/hea0004444"),
        ("10.1118/1.4748329 [doi]", "10.1118/1.4748329"),
        ("http://dx.doi.org/10.1037/a0012345.", "10.1037/a0012345"),
        ("10.1016/S0140-6736(20)30183-5", "10.1016/s0140-6736(20)30183-5"),
        ("(see 10.1016/S0140-6736(20)30183-5)", "10.1016/s0140-6736(20)30183-5"),
        ("10.1023/A:1017379030770", "10.1023/a:1017379030770"),
        (
            "https://www.scopus.com/inward/record.uri?eid=2-s2.0-85074596690&doi=10.1016%2fj."
            "psyneuen.2019.104501&partnerID=40&md5=x",
            "10.1016/j.psyneuen.2019.104501",
        ),
        ("Article", ""),
        ("", ""),
    ],
)
def test_clean_doi_reads_every_form_exports_use(value: str, doi: str) -> None:
    assert clean_doi(value) == doi


@pytest.mark.parametrize(
    ("value", "doi"),
    [
        ("doi:10.1011/hea0004444", "10.1011/hea0004444"),
        ("https://doi.org/10.1002/cl2.1230", "10.1002/cl2.1230"),
        ("10.1118/1.4748329 [doi]", "10.1118/1.4748329"),
        ("Health & Mental Health Treatment & Prevention [3300]", ""),
        ("CAPLUS AN 2012:446586 see 10.1016/x", ""),
        ("S0140-6736(20)30183-5 [pii]", ""),
    ],
)
def test_exact_doi_only_accepts_values_that_are_a_doi(value: str, doi: str) -> None:
    assert exact_doi(value) == doi


@pytest.mark.parametrize(
    ("url", "doi"),
    [
        ("http://dx.doi.org/10.1023/A:1017379030770", "10.1023/a:1017379030770"),
        ("https://onlinelibrary.wiley.com/doi/full/10.1002/jbm4.10008", "10.1002/jbm4.10008"),
        ("https://asbmr.onlinelibrary.wiley.com/doi/pdf/10.1002/jbm4.10008", "10.1002/jbm4.10008"),
        ("//www.sciencedirect.com/science/article/pii/S1359645416307273", ""),
        ("https://rd.springer.com/article/10.1007/s11307-012-0572-0", ""),
        ("http://www.embase.com/search/results?subaction=viewrecord&id=L2001108924", ""),
    ],
)
def test_doi_from_url_only_reads_urls_that_clearly_carry_a_doi(url: str, doi: str) -> None:
    assert doi_from_url(url) == doi


@pytest.mark.parametrize(
    ("value", "year"),
    [
        ("2019//", 2019),
        ("2016/09//", 2016),
        ("2016/12//", 2016),
        ("2012///", 2012),
        ("2014///nan", 2014),
        ("Start date: 20170812", 2017),
        ("4-8 Aug. 2020", 2020),
        ("24-27 Sept. 2019", 2019),
        ("2009 Mar 1", 2009),
        ("JAN 23", None),
        ("10 15", None),
        ("", None),
    ],
)
def test_parse_year_reads_odd_dates(value: str, year: int | None) -> None:
    assert parse_year(value) == year


@pytest.mark.parametrize(
    ("start", "end", "article", "pages"),
    [
        ("1234-9", "", "", Pages("1234-9", "1234", "1239")),
        ("349-69", "", "", Pages("349-69", "349", "369")),
        ("pp 37-64", "", "", Pages("pp 37-64", "37", "64")),
        ("S12-S19", "", "", Pages("S12-S19", "S12", "S19")),
        ("i-ii", "", "", Pages("i-ii", "i", "ii")),
        ("e0815", "", "", Pages("e0815", article_number="e0815")),
        ("636959", "", "", Pages("636959", article_number="636959")),
        ("44504", "", "", Pages("44504", "44504")),
        ("1023", "1095", "", Pages("1023-1095", "1023", "1095")),
        ("349", "69", "", Pages("349-69", "349", "369")),
        ("100364", "nan", "", Pages("100364-nan", article_number="100364")),
        ("No", "Specified", "", Pages("No-Specified")),
        ("No Pagination Specified", "", "", Pages("No Pagination Specified")),
        ("", "", "104501", Pages("", article_number="104501")),
        ("e1230", "", "e1230", Pages("e1230", article_number="e1230")),
        ("10", "", "", Pages("10", "10")),
        ("Suppl", "29", "", Pages("Suppl-29", end="29")),  # SRA sets: SP "Suppl", EP "29"
        ("Suppl-29", "", "", Pages("Suppl-29", end="29")),  # ... as one string
        ("S33", "38", "", Pages("S33-38", "S33", "S38")),
        ("e182", "5", "", Pages("e182-5", "e182", "e185")),
        ("01", "Aug", "", Pages("01-Aug", "01")),  # "1-8" made a date by a spreadsheet
        ("01-Aug", "", "", Pages("01-Aug", "01")),
    ],
)
def test_parse_pages_splits_ranges_and_article_numbers(
    start: str, end: str, article: str, pages: Pages
) -> None:
    assert parse_pages(start, end, article_number=article) == pages


def test_expand_end_page_restores_dropped_digits() -> None:
    assert expand_end_page("1234", "9") == "1239"
    assert expand_end_page("454", "81") == "481"
    assert expand_end_page("99", "101") == "101"


@pytest.mark.parametrize(
    ("value", "issns"),
    [
        ("03064530 (ISSN)", ("0306-4530",)),
        ("1999-7777(Electronic),0222-6666(Print)", ("1999-7777", "0222-6666")),
        ("ISSN-1234-4567", ("1234-4567",)),
        ("0012186x", ("0012-186X",)),
        ("2325-9671 (electronic)", ("2325-9671",)),
        ("0955-2359 (Print)", ("0955-2359",)),
        ("978-3-16-148410-0", ()),
        ("9798373627394", ()),
    ],
)
def test_split_issn_finds_issns_and_not_isbn_pieces(value: str, issns: tuple[str, ...]) -> None:
    assert split_issn(value) == issns


@pytest.mark.parametrize(
    ("value", "isbns"),
    [
        ("978-3-16-148410-0", ("9783161484100",)),
        ("3-540-20222-6 (cloth)", ("3540202226",)),
        ("0-387-95452-X", ("038795452X",)),
        ("0002-9149", ()),
    ],
)
def test_split_isbn_finds_isbn10_and_isbn13(value: str, isbns: tuple[str, ...]) -> None:
    assert split_isbn(value) == isbns


def test_clean_pmid_and_pmcid() -> None:
    assert clean_pmid("PMID:15368318") == "15368318"
    assert clean_pmid("12345 [pmid]") == "12345"
    assert clean_pmid("2214991469") == ""  # ten digits: not a PMID
    assert clean_pmcid("PMC4513071") == "PMC4513071"
    assert clean_pmcid("pmc 123") == "PMC123"
    assert clean_pmcid("22664230") == ""


def test_squash_joins_continuation_lines() -> None:
    assert squash("first line,\nER then  second\tline ") == "first line, ER then second line"


@pytest.mark.parametrize(
    ("start", "end"), [("Suppl", "29"), ("S33", "38"), ("e182", "5"), ("01", "Aug")]
)
def test_a_range_reads_the_same_as_one_string_or_as_start_and_end(start: str, end: str) -> None:
    # (what a one-field writer such as BibTeX's "pages" gives back must read the same)
    pair = parse_pages(start, end)
    assert parse_pages(pair.raw) == pair
