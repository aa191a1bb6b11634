"""EndNote XML reader: style wrappers, ref-type names, rec-number keys, identifiers, broken
and unsafe XML; the real EndNote export in ``../shared/data/dedup`` is read in full."""

from __future__ import annotations

import pytest

from cen_search.errors import FileFormatError
from cen_search.formats import detect_format, endnote_xml, read_file
from cen_search.formats.base import Source
from cen_search.models import Pages, RecordType
from tests.conftest import TEST_DATA

SMALL = TEST_DATA / "formats" / "endnote_small.xml"
SOURCE = Source(file="lib.xml", sha256="0" * 64, encoding="utf-8")


@pytest.fixture(scope="module")
def small():
    return read_file(SMALL)


def test_endnote_xml_reads_every_record_with_rec_number_keys_and_lines(small):
    assert small.format == "endnote-xml"
    assert [r.key for r in small.records] == ["41", "42", "43"]
    assert [r.provenance.line for r in small.records] == [2, 3, 4]


def test_endnote_xml_joins_text_split_over_style_wrappers(small):
    first = small.records[0]
    assert first.title == "Effects of in vivo dosing & outcomes"
    assert first.authors[1].family == "World Health Organization" and first.authors[1].organisation


def test_endnote_xml_maps_identifiers_and_containers(small):
    first = small.records[0]
    assert first.doi == "10.1000/jct.2019.41"
    assert first.pmid == "30123456"  # accession-num of a PubMed-sourced record
    assert first.pmcid == "PMC6543210"  # custom2
    assert first.issn == ("1234-5678", "1234-5679")
    assert first.container == "Journal of Clinical Testing"
    assert first.container_abbrev == "J Clin Test"
    assert first.pages == Pages(raw="1234-9", start="1234", end="1239")
    assert (first.volume, first.issue, first.year) == ("12", "3", 2019)
    assert first.keywords == ("Humans", "Randomized Controlled Trials as Topic")
    assert first.urls == ("https://example.org/article/41",)  # internal-pdf:// is not a URL
    assert (first.database, first.platform, first.language) == ("PubMed", "NLM", "eng")


def test_endnote_xml_type_comes_from_ref_type_name_and_work_type(small):
    assert [r.type for r in small.records] == [
        RecordType.REVIEW,
        RecordType.CHAPTER,
        RecordType.OTHER,
    ]
    assert any("'Podcast'" in w.message and w.line == 4 for w in small.warnings)


def test_endnote_xml_book_section_keeps_its_isbn_and_book_title(small):
    chapter = small.records[1]
    assert chapter.isbn == ("9783161484100",) and chapter.issn == ()
    assert chapter.container == "The Big Book" and chapter.publisher == "Acme Press"


def test_endnote_xml_raw_keeps_paths_attributes_and_verbatim_text(small):
    raw = small.records[0].raw
    assert raw[0] == ("database@name", "Small.enl")
    assert ("ref-type@name", "Journal Article") in raw
    assert ("contributors/secondary-authors/author", "Editor, Ed") in raw
    assert ("urls/pdf-urls/url", "internal-pdf://0123456789/smith.pdf") in raw
    assert ("isbn", "1234-5678 (Print)\r1234-5679 (Linking)") in raw


def test_endnote_xml_truncated_file_keeps_the_records_before_the_fault():
    text = SMALL.read_text("utf-8")
    cut = text[: text.index("<record><rec-number>43")] + "<record><titles><title>half"
    parsed = endnote_xml.read(cut, SOURCE)
    assert [r.key for r in parsed.records] == ["41", "42"]
    assert len(parsed.skipped) == 1 and "not well-formed" in parsed.skipped[0].message


def test_endnote_xml_that_is_not_xml_is_a_format_error():
    with pytest.raises(FileFormatError, match="not well-formed"):
        endnote_xml.read("<xml><records><record>", SOURCE)


def test_endnote_xml_entities_are_refused():
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
        "<xml><records><record><titles><title>&a;</title></titles></record></records></xml>"
    )
    with pytest.raises(FileFormatError, match="refused for safety"):
        endnote_xml.read(bomb, SOURCE)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('<?xml version="1.0" encoding="UTF-8" ?><xml><records><record>', 95),
        ("<xml><records></records></xml>", 60),
        ("<html><body>x</body></html>", 0),
        ("TY  - JOUR\n", 0),
    ],
)
def test_endnote_xml_sniff(text: str, expected: int):
    assert endnote_xml.sniff(text) == expected


def test_real_endnote_export_reads_all_1988_records(shared):
    path = shared / "data" / "dedup" / "sra_respiratory" / "Respiratory_original_endnote.xml"
    text = path.read_text("utf-8")
    assert detect_format(text, str(path)).name == "endnote-xml"
    result = read_file(path)
    # 1988 <record> elements (the set's README lists 1,988 records)
    assert len(result.records) == text.count("<record>") == 1988
    assert not result.skipped and not result.warnings
    first = result.records[0]
    assert first.key == "2" and first.type is RecordType.ARTICLE
    assert first.container == "Jpen: Journal of Parenteral & Enteral Nutrition"
    assert first.authors[0].family == "Ziegler"
    assert all(r.year for r in result.records)
    assert len({r.key for r in result.records}) == 1988
