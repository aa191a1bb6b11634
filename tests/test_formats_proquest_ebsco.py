"""ProQuest plain text and EBSCOhost XML: read with exact counts, never as another format.

Fixtures (tests/data/SOURCES.md): two real ProQuest exports (Canadian Newsstream, trimmed),
and EBSCOhost XML in the export and web-service layouts holding real records of the labelled
digital_work set.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cen_search.errors import FileFormatError
from cen_search.formats import Source, detect_format, read_file, read_text
from cen_search.models import RecordType
from tests.conftest import TEST_DATA

FORMATS = TEST_DATA / "formats"
NEWS = FORMATS / "proquest-newsstream_importproquest-trimmed.txt"
STAR = FORMATS / "proquest-torontostar_importproquest-trimmed.txt"
EBSCO = FORMATS / "ebscohost-export-layout.xml"
EBSCO_SERVICE = FORMATS / "ebscohost-webservice-layout.xml"
SEP = "_" * 60
SOURCE = Source(file="x.txt", sha256="0" * 64, encoding="utf-8")

# A ProQuest dissertation export in the older layout: report header, table of contents,
# "Bibliography", the author before the document link, Links with two URLs a blank line
# apart (content written for this test).
THESES = f"""{SEP}

Report Information from ProQuest
March 01 2016 10:12
{SEP}



{SEP}

Table of contents

1. Rivers and floods: a history

2. Models of drought

Bibliography

{SEP}

Document 1 of 2

Rivers and floods: a history

Author: Doe, Jane

http://search.proquest.com/docview/111?accountid=1

Abstract: A history of rivers.
Second line: with a colon.

Links: http://resolver.example/one

http://resolver.example/two

Advisor: Roe, Richard

Copyright: Copyright ProQuest, UMI Dissertations Publishing 2015

Database: ProQuest Dissertations & Theses Global

Degree date: 2015

Document type: Dissertation/Thesis

ISBN: 9781321000001

Identifier / keyword: Social sciences, Rivers, Floods

ProQuest document ID: 111

Publication year: 2015

Source type: Dissertations & Theses

Subject: History; Hydrology

Title: Rivers and floods: a history

University/institution: University of Somewhere

{SEP}

Document 2 of 2

Models of drought

Author: Poe, Ann; Low, Ben

Abstract: None available.

Database: ProQuest Dissertations & Theses Global

ProQuest document ID: 222

Publication year: 2016

Source type: Dissertations & Theses

Title: Models of drought

{SEP}

Contact us at: http://about.proquest.com/go/pqissupportcontact
Database copyright © 2016 ProQuest LLC. All rights reserved.
"""


def test_proquest_text_is_detected_and_read_with_exact_counts() -> None:
    news = read_file(NEWS)
    assert (news.format, news.encoding, len(news.records)) == ("proquest", "utf-8", 7)
    assert not news.skipped and not news.warnings
    star = read_file(STAR)
    assert (star.format, len(star.records), star.skipped, star.warnings) == ("proquest", 5, (), ())
    theses = read_text(THESES, SOURCE)
    assert (theses.format, len(theses.records), theses.warnings) == ("proquest", 2, ())


def test_proquest_maps_fields_and_keeps_every_paragraph_in_raw() -> None:
    first = read_file(NEWS).records[0]
    assert first.key == "3107396628" and first.accession_numbers == ("3107396628",)
    assert first.title.startswith("Forget the bike lanes.")
    assert (first.year, first.date) == (2024, "Sep 20, 2024")
    assert first.container == "The Hamilton Spectator (Online)"  # "; Hamilton" is the place
    assert first.database == "Canadian Newsstream Collection"
    assert first.provenance.database == "Canadian Newsstream Collection"
    assert first.provenance.platform == "ProQuest"
    assert first.type == RecordType.WEBPAGE  # Source type: Blog, Podcast, or Website
    assert first.abstract == ""  # "None available."
    assert first.keywords[:2] == ("Press conferences", "Automobiles")
    assert first.urls[0].startswith("https://libproxy.wlu.ca/login?url=https://www.proquest.com")
    tags = [tag for tag, _ in first.raw]
    assert tags[:4] == ["Heading", "Link", "Abstract", "Links"]
    # "CAPTION:" inside the full text is text, not a field
    assert "CAPTION" not in tags and "CAPTION:" in first.raw_values("Full text")[0]


def test_proquest_labels_that_lost_their_spaces_are_still_read() -> None:
    records = read_file(NEWS).records
    by_key = {r.key: r for r in records}
    # "ProQuestdocument ID: 3098789149" in the real export
    assert "3098789149" in by_key
    assert by_key["3098789149"].raw_values("ProQuestdocument ID") == ["3098789149"]
    # "Blog, Podcast, or Webs ite" and "Bank of Ca nada": spaces inside words
    odd = next(r for r in records if r.raw_values("Source type") == ["Blog, Podcast, or Webs ite"])
    assert odd.type == RecordType.WEBPAGE
    assert all(r.key != str(r.provenance.index) for r in records)


def test_proquest_older_layout_with_report_header_and_table_of_contents() -> None:
    one, two = read_text(THESES, SOURCE).records
    assert one.title == "Rivers and floods: a history" and one.type == RecordType.THESIS
    assert [a.family for a in one.authors] == ["Doe"]
    assert one.raw_values("Link") == ["http://search.proquest.com/docview/111?accountid=1"]
    assert one.raw_values("Links") == ["http://resolver.example/one\n\nhttp://resolver.example/two"]
    assert one.abstract == "A history of rivers. Second line: with a colon."
    assert one.isbn == ("9781321000001",) and one.publisher == "University of Somewhere"
    assert one.keywords == ("History", "Hydrology", "Social sciences, Rivers, Floods")
    assert [a.family for a in two.authors] == ["Poe", "Low"] and two.abstract == ""


def test_proquest_reads_the_same_records_with_lf_line_ends_and_reordered() -> None:
    text = NEWS.read_bytes().decode("utf-8").replace("\r\n", "\n")  # as if re-saved
    crlf = read_text(text, SOURCE).records
    assert [r.key for r in crlf] == [r.key for r in read_file(NEWS).records]
    blocks = text.split(SEP + "\n")
    reordered = SEP + "\n" + (SEP + "\n").join([*blocks[1:-1][::-1], blocks[-1]])
    back = read_text(reordered, SOURCE).records
    assert [r.key for r in back] == [r.key for r in crlf][::-1]


def test_proquest_block_without_fields_is_reported_not_read_as_a_record() -> None:
    text = THESES.replace("Table of contents", "Some stray text")
    result = read_text(text, SOURCE)
    assert len(result.records) == 2
    assert any("without any field" in w.message and w.line == 11 for w in result.warnings)


# -- EBSCOhost XML ------------------------------------------------------------------------


def test_ebscohost_xml_is_detected_and_read_with_exact_counts() -> None:
    result = read_file(EBSCO)
    assert (result.format, len(result.records), result.skipped, result.warnings) == (
        "ebsco-xml",
        4,
        (),
        (),
    )
    service = read_file(EBSCO_SERVICE)  # records inside the web service's namespaced envelope
    assert (service.format, len(service.records)) == ("ebsco-xml", 2)
    assert [r.provenance.line for r in result.records] == [3, 37, 72, 97]


def test_ebscohost_xml_maps_header_identifiers_pages_and_types() -> None:
    first, second, third, _ = read_file(EBSCO).records
    assert first.key == "93875612" and first.accession_numbers == ("93875612",)
    assert first.database == "Business Source Complete"
    assert first.provenance.database == "Business Source Complete"
    assert first.provenance.platform == "EBSCOhost"
    assert first.doi == "10.1057/jit.2013.29"
    assert (first.container, first.volume, first.issue, first.year) == (
        "Journal of Information Technology",
        "29",
        "1",
        2014,
    )
    assert (first.pages.start, first.pages.end) == ("97", "110")  # ppf 97 + ppct 14
    assert [a.family for a in first.authors] == ["Aaltonen", "Tempini"]
    assert first.keywords == ("Information technology", "Critical realism")
    assert first.type == RecordType.ARTICLE and first.language == "English"
    assert second.title.startswith("Infrastructuring Work")  # <i> inside <atl> joined
    assert third.type == RecordType.CONFERENCE_PAPER
    assert third.container.startswith("Proceedings of the 2006 ACM SIGMIS CPR")
    assert ("header@shortDbName", "bth") in first.raw
    service = read_file(EBSCO_SERVICE).records[0]
    assert service.urls[0].startswith("https://search.ebscohost.com/login.aspx?direct=true")


def test_ebscohost_truncated_file_keeps_records_before_the_fault_and_counts_the_rest() -> None:
    text = EBSCO.read_text(encoding="utf-8")
    cut = text[: text.index('<rec resultID="2">') + 400]
    result = read_text(cut, Source("cut.xml", "0" * 64, "utf-8"))
    assert result.format == "ebsco-xml" and len(result.records) == 1
    assert result.incomplete and result.lost == 1


@pytest.mark.parametrize(
    ("path", "fmt", "expected", "found"),
    [
        (EBSCO, "endnote-xml", "<xml><records><record>", "<records>, <rec>, <header>"),
        (FORMATS / "endnote_small.xml", "ebsco-xml", "<records><rec><header>", "<xml>, <records>"),
    ],
)
def test_xml_of_another_kind_is_an_error_naming_what_was_expected_and_found(
    path: Path, fmt: str, expected: str, found: str
) -> None:
    with pytest.raises(FileFormatError) as caught:
        read_file(path, format=fmt)
    message = str(caught.value)
    assert expected in message and found in message


@pytest.mark.parametrize(
    "path", [NEWS, STAR, EBSCO, EBSCO_SERVICE, FORMATS / "endnote_small.xml"], ids=lambda p: p.name
)
def test_proquest_and_ebsco_files_are_never_read_as_another_format(path: Path) -> None:
    text = path.read_bytes().decode("utf-8")
    fmt = detect_format(text, str(path))
    assert fmt.name == {"xml": "endnote-xml" if "endnote" in path.name else "ebsco-xml"}.get(
        path.suffix[1:], "proquest"
    )
    assert read_file(path).records


def test_other_exports_are_not_taken_for_proquest_or_ebsco(imports_dir: Path) -> None:
    for path in sorted(imports_dir.glob("*/*")):
        try:
            fmt = detect_format(path.read_bytes().decode("utf-8", "replace"), str(path))
        except Exception:
            continue
        assert fmt.name not in ("proquest", "ebsco-xml"), path.name
