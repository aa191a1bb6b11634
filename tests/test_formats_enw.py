"""EndNote tagged (refer) reader: %T before %0, records without %0, continuations."""

from __future__ import annotations

from pathlib import Path

import pytest

from cen_search.formats import enw, read_file
from cen_search.formats.base import Source
from cen_search.models import RecordType

LOCAL = Path(__file__).parent / "data" / "formats"


@pytest.fixture(params=["shared", "local"])
def enw_file(request: pytest.FixtureRequest) -> Path:
    """The real AIS eLibrary export, and its copy in tests/data."""
    name = "endnote-tagged-ais_colrev.enw"
    if request.param == "local":
        return LOCAL / name
    return request.getfixturevalue("imports_dir") / "other" / name


def read_text(text: str):
    return enw.read(text, Source(file="t.enw", sha256="0" * 64, encoding="utf-8"))


def test_enw_reader_reads_all_six_records_of_the_shared_export(imports_dir: Path) -> None:
    # SOURCES.md counts 2 (the %0 lines); the file holds six blank-line-separated records,
    # each with a title, and four of them have no %0 line at all.
    result = read_file(imports_dir / "other" / "endnote-tagged-ais_colrev.enw", format="enw")
    assert len(result.records) == 6
    assert [r.provenance.line for r in result.records] == [1, 17, 27, 37, 50, 61]
    assert not result.warnings and not result.skipped


def test_enw_reader_reads_record_whose_type_line_comes_after_the_title(enw_file: Path) -> None:
    records = read_file(enw_file, format="enw").records
    first = records[0]
    assert first.raw[0][0] == "%T" and first.raw[1] == ("%0", "Journal Article")
    assert first.type == RecordType.ARTICLE
    assert first.title.startswith("How Trust Leads to Commitment on Microsourcing Platforms")
    assert records[1].type == RecordType.OTHER  # no %0


def test_enw_reader_maps_fields(enw_file: Path) -> None:
    record = read_file(enw_file, format="enw").records[0]
    assert [a.family for a in record.authors] == ["Guo", "Straub", "Zhang", "Cai"]
    assert (record.container, record.volume, record.issue) == (
        "Management Information Systems Quarterly",
        "45",
        "3",
    )
    assert (record.pages.start, record.pages.end, record.year) == ("1309", "1348", 2021)
    assert record.urls == ("https://aisel.aisnet.org/misq/vol45/iss3/13",)
    assert record.abstract.startswith("IS research has extensively examined")


def test_enw_reader_reads_roman_page_ranges(enw_file: Path) -> None:
    record = read_file(enw_file, format="enw").records[1]
    assert (record.pages.start, record.pages.end) == ("i", "ii")


def test_enw_reader_joins_continuation_lines_and_splits_keyword_lines() -> None:
    text = (
        "%0 Journal Article\n%T A title\nthat wraps\n%K one\ntwo\n%R 10.1000/x\n%@ 1234-5678\n"
        "%M WOS:1\n%F label7\n"
    )
    record = read_text(text).records[0]
    assert record.title == "A title that wraps"
    assert record.raw_values("%T") == ["A title\nthat wraps"]
    assert record.keywords == ("one", "two")
    assert (record.doi, record.issn, record.key) == ("10.1000/x", ("1234-5678",), "label7")
    assert record.accession_numbers == ("WOS:1",)


def test_enw_reader_splits_records_missing_a_blank_line_at_the_type_line() -> None:
    result = read_text("%0 Book\n%T One\n%0 Book Section\n%T Two\n")
    assert [(r.title, r.type) for r in result.records] == [
        ("One", RecordType.BOOK),
        ("Two", RecordType.CHAPTER),
    ]
    assert [w.line for w in result.warnings] == [3]


def test_enw_reader_warns_about_unknown_type_and_stray_text() -> None:
    result = read_text("stray\n\n%0 Strange Thing\n%T x\n")
    assert [w.line for w in result.warnings] == [1, 3]


def test_enw_sniffer_recognises_refer_and_rejects_other_formats() -> None:
    assert enw.sniff("%0 Journal Article\n%T x\n%A Smith, J\n") >= 90
    assert enw.sniff("%T x\n%0 Journal Article\n") >= 90
    assert enw.sniff("% Encoding: UTF-8\n\n@Article{,\n  title = {x},\n}\n") == 0
    assert enw.sniff("TY  - JOUR\nER  - \n") == 0
