"""Ovid display format (field name on its own line) and Ovid tagged (Medlars) format."""

from __future__ import annotations

from pathlib import Path

import pytest

from cen_search.formats import ovid, read_file
from cen_search.formats.base import Source
from cen_search.models import RecordType

LOCAL = Path(__file__).parent / "data" / "formats"

TAGGED = """<1. >
VN  - Ovid Technologies
DB  - BIOSIS Previews
AN  - PREV200400473722
AU  - Werner, S. M. [Author, Reprint Author; E-mail: someone@example.org]
AU  - Nordheim, E. V. [Author]
TI  - Comparison of methods for sampling Thysanoptera on basswood
      trees in mixed northern hardwood deciduous forests
SO  - Forest Ecology & Management. 201(2-3):327-334, November 15, 2004.
PT  - Article
IS  - 0378-1127 (ISSN print)
LG  - English
YR  - 2004
XL  - http://ovidsp.ovid.com/ovidweb.cgi?T=JS&AN=PREV200400473722

<2. >
VN  - Ovid Technologies
DB  - Ovid MEDLINE(R)
UI  - 12345678
AU  - Smith J
TI  - Second
SO  - Journal of Political Studies 12, Winter 2007: 7-14.
"""


def read_text(text: str):
    return ovid.read(text, Source(file="ovid.txt", sha256="0" * 64, encoding="utf-8"))


def test_ovid_reader_reads_the_shared_display_export(imports_dir: Path) -> None:
    result = read_file(imports_dir / "other" / "ovid-display-format_jabref.txt", format="ovid")
    assert len(result.records) == 1
    assert not result.warnings
    references = result.records[0].raw_values("References")[0].split("\n")
    assert len(references) == 108  # blank lines between references dropped, none lost
    assert references[0].startswith("Aber JD, Nadelhoffer KJ")


def test_ovid_display_reader_maps_fields_and_strips_ovid_full_stops() -> None:
    result = read_file(LOCAL / "ovid-display-format_jabref-trimmed.txt", format="ovid")
    record = result.records[0]
    assert record.provenance.line == 1
    assert record.raw[0] == ("Score", "*****")
    assert record.raw_values("Accession Number") == ["01445406-201509000-00006."]
    assert record.key == "01445406-201509000-00006"
    assert record.accession_numbers == ("01445406-201509000-00006",)
    assert [a.raw for a in record.authors] == [
        "Kohler, Lars",
        "Leuschner, Christoph",
        "Hauck, Markus",
        "Hertel, Dietrich",
    ]
    assert record.title.startswith("Cloud water interception and element deposition")
    assert (record.container, record.volume, record.issue) == ("Ecohydrology", "8", "6")
    assert (record.pages.start, record.pages.end) == ("1048", "1064")
    assert (record.year, record.date) == (2015, "September 2015")
    assert record.keywords[-1] == "throughfall"
    assert (record.doi, record.issn, record.language) == (
        "10.1002/eco.1563",
        ("1936-0584",),
        "English",
    )
    assert record.provenance.platform == "Ovid"


def test_ovid_tagged_reader_reads_records_between_markers() -> None:
    result = read_text(TAGGED)
    assert [r.provenance.line for r in result.records] == [2, 17]
    assert not result.warnings
    first, second = result.records
    assert first.raw[0] == ("VN", "Ovid Technologies")
    assert first.title == (
        "Comparison of methods for sampling Thysanoptera on basswood trees in mixed "
        "northern hardwood deciduous forests"
    )
    assert [a.raw for a in first.authors] == ["Werner, S. M.", "Nordheim, E. V."]
    assert (first.container, first.volume, first.issue, first.year) == (
        "Forest Ecology & Management",
        "201",
        "2-3",
        2004,
    )
    assert (first.pages.start, first.pages.end) == ("327", "334")
    assert first.database == "BIOSIS Previews"
    assert first.key == "PREV200400473722"
    assert first.pmid == ""
    assert second.pmid == "12345678"  # UI in Ovid MEDLINE is the PMID
    assert (second.container, second.volume, second.pages.start) == (
        "Journal of Political Studies",
        "12",
        "7",
    )


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "Clinical Psychology & Psychotherapy. 26(6):1234-1240, 2019 Nov.",
            {
                "container": ["Clinical Psychology & Psychotherapy"],
                "volume": ["26"],
                "issue": ["6"],
                "pages": ["1234-1240"],
                "date": ["2019 Nov"],
            },
        ),
        (
            "Journal of Current Southeast Asian Affairs, 2013(1): 3-28.",
            {
                "container": ["Journal of Current Southeast Asian Affairs"],
                "volume": ["2013"],
                "issue": ["1"],
                "pages": ["3-28"],
            },
        ),
    ],
)
def test_ovid_source_citation_is_split_into_fields(source: str, expected: dict) -> None:
    assert ovid.parse_source(source) == expected


def test_ovid_reader_warns_about_text_before_the_first_marker() -> None:
    result = read_text("Results of search\n<1>\nTitle\n  A title\n")
    assert [r.title for r in result.records] == ["A title"]
    assert [w.line for w in result.warnings] == [1]


def test_ovid_sniffer_recognises_markers_and_rejects_other_formats() -> None:
    assert ovid.sniff("<1>\nAccession Number\n  123\n") >= 90
    assert ovid.sniff("\n<1. >\nVN  - Ovid Technologies\n") >= 90
    assert ovid.sniff("TY  - JOUR\nER  - \n") == 0
    assert ovid.sniff("<?xml version='1.0'?><xml><records/></xml>") == 0
    assert ovid.sniff("@article{k,\n}\n") == 0


def test_ovid_reader_gives_type_from_publication_type() -> None:
    text = "<1>\nAN  - 1\nTI  - x\nPT  - Book Chapter\n"
    assert read_text(text).records[0].type == RecordType.CHAPTER
