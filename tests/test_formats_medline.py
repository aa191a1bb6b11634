"""PubMed/MEDLINE tagged reader: PubMed, ERIC and book records, old tags, malformed files."""

from __future__ import annotations

from pathlib import Path

import pytest

from cen_search.formats import medline, read_file
from cen_search.formats.base import Source
from cen_search.models import Author, RecordType

LOCAL = Path(__file__).parent / "data" / "formats"

# Records a careful reader finds. SOURCES.md counts PMID-/OWN lines.
MEDLINE_COUNTS = {
    "eric_colrev.nbib": 1,
    # SOURCES says 0 (no PMID/OWN line): the block of tags is one malformed record; it is read
    # and its malformed lines are reported with their line numbers.
    "medline-malformed_jabref.txt": 1,
    "pubmed-2002_biopython.txt": 1,
    "pubmed-2006_biopython.txt": 4,
    "pubmed-2012_biopython.txt": 1,
    # SOURCES says 5 (PMID lines): two more blank-line-separated records have no PMID (a
    # malformed "PMC -" record, read with warnings naming its lines, and a PMCR book record).
    "pubmed-multiple_jabref.txt": 7,
}


def read(path: Path):
    return read_file(path, format="medline")


@pytest.fixture(params=["shared", "local"])
def nbib_dir(request: pytest.FixtureRequest) -> Path:
    """The real ``nbib/`` exports, and the small copies of some of them in tests/data."""
    if request.param == "local":
        return LOCAL
    return request.getfixturevalue("imports_dir") / "nbib"


def read_text(text: str):
    return medline.read(text, Source(file="t.nbib", sha256="0" * 64, encoding="utf-8"))


def test_every_shared_nbib_file_has_a_decided_count(imports_dir: Path) -> None:
    assert {p.name for p in (imports_dir / "nbib").iterdir()} == set(MEDLINE_COUNTS)


@pytest.mark.parametrize("name", sorted(MEDLINE_COUNTS))
def test_medline_reader_finds_the_true_record_count(imports_dir: Path, name: str) -> None:
    result = read(imports_dir / "nbib" / name)
    assert len(result.records) == MEDLINE_COUNTS[name]
    assert not result.skipped


def test_medline_reader_joins_six_space_continuation_lines(imports_dir: Path) -> None:
    record = read(imports_dir / "nbib" / "pubmed-2012_biopython.txt").records[0]
    assert record.title == (
        "Effects of different parameters in the fast scanning method for HIFU treatment."
    )
    assert record.abstract.startswith("PURPOSE: High-intensity focused ultrasound is a ")
    assert "  " not in record.abstract and "\n" not in record.abstract
    assert "\n" in record.raw_values("AB")[0]  # raw keeps the line structure
    assert (
        "High-Intensity Focused Ultrasound Ablation/adverse effects/instrumentation/*methods"
        in record.keywords
    )


def test_medline_reader_skips_leading_blank_line(nbib_dir: Path) -> None:
    result = read(nbib_dir / "pubmed-2002_biopython.txt")
    record = result.records[0]
    assert (record.provenance.line, record.pmid) == (2, "12230038")
    assert record.title == "The Bio* toolkits--a brief overview."
    assert not result.warnings


def test_medline_reader_maps_a_pubmed_record(imports_dir: Path) -> None:
    result = read(imports_dir / "nbib" / "pubmed-2012_biopython.txt")
    record = result.records[0]
    assert record.provenance.line == 2  # after the leading blank line
    assert record.key == record.pmid == "23039619"
    assert record.authors[0] == Author("Qiao, Shan", "Qiao", "Shan", "S")
    assert (record.year, record.date) == (2012, "2012 Oct")
    assert (record.container, record.container_abbrev) == ("Medical physics", "Med Phys")
    assert (record.volume, record.issue) == ("39", "10")
    assert (record.pages.start, record.pages.end) == ("5795", "5813")
    assert record.doi == "10.1118/1.4748329"
    assert record.issn == ("0094-2405",)
    assert record.language == "eng"
    assert record.type == RecordType.ARTICLE
    assert record.provenance.database == "PubMed"


def test_medline_reader_keeps_old_tags_and_trailing_spaces_in_raw(imports_dir: Path) -> None:
    record = read(imports_dir / "nbib" / "pubmed-2006_biopython.txt").records[0]
    assert record.raw_values("PUBM") == ["Electronic"]
    assert record.raw_values("DA") == ["20060220"]
    assert record.pmcid == "PMC1373603"
    assert not record.abstract.endswith(" ")


def test_medline_reader_prefers_full_author_names(imports_dir: Path) -> None:
    record = read(imports_dir / "nbib" / "pubmed-2006_biopython.txt").records[0]
    assert [a.raw for a in record.authors] == [
        "Casbon, James A",
        "Crooks, Gavin E",
        "Saqi, Mansoor A S",
    ]


def test_medline_reader_falls_back_to_au_when_fau_is_incomplete() -> None:
    text = "PMID- 1\nFAU - Smith, John\nAU  - Smith J\nAU  - Jones K\nTI  - x\n"
    record = read_text(text).records[0]
    assert [a.raw for a in record.authors] == ["Smith J", "Jones K"]


def test_medline_reader_reads_eric_record_without_pmid(nbib_dir: Path) -> None:
    result = read(nbib_dir / "eric_colrev.nbib")
    record = result.records[0]
    assert record.pmid == ""
    assert record.key == "EJ1131633"
    assert record.accession_numbers == ("EJ1131633",)
    assert record.issn == ("1234-4567",)  # "ISSN - ISSN-1234-4567"
    assert record.doi == "10.1000/123456789"
    assert (record.volume, record.issue, record.pages.start, record.pages.end) == (
        "10",
        "1",
        "1",
        "9",
    )
    assert record.database == "ERIC"
    assert record.provenance.database == "ERIC"
    assert not result.warnings


def test_medline_reader_reads_book_records(imports_dir: Path) -> None:
    records = read(imports_dir / "nbib" / "pubmed-multiple_jabref.txt").records
    book = records[2]
    assert book.raw[0] == ("PMCR", "20481061")
    assert book.type == RecordType.BOOK
    assert book.title == "This is a Testtitle"
    assert len(book.raw_values("TI")) == 5  # every TI kept in raw
    assert records[3].type == RecordType.REPORT  # PT Technical Report
    assert records[4].type == RecordType.EDITORIAL


def test_medline_reader_reads_chapter_with_book_title_as_container() -> None:
    text = "PMID- 9\nBTI - The Book\nTI  - The Chapter\nCTI - The Series\nPT  - Book Chapter\n"
    record = read_text(text).records[0]
    assert (record.type, record.title, record.container) == (
        RecordType.CHAPTER,
        "The Chapter",
        "The Book",
    )


def test_medline_reader_reports_text_between_records(imports_dir: Path) -> None:
    result = read(imports_dir / "nbib" / "pubmed-multiple_jabref.txt")
    warning = next(w for w in result.warnings if "outside any record" in w.message)
    assert warning.line == 53
    assert "This line should be omitted" in warning.message


def test_medline_reader_reads_malformed_file_and_names_the_lines(nbib_dir: Path) -> None:
    result = read(nbib_dir / "medline-malformed_jabref.txt")
    assert len(result.records) == 1
    record = result.records[0]
    assert record.raw[:2] == (("PMC", "22664230"), ("TI", ""))
    assert record.raw_values("BTI") == [""]  # whitespace-only value
    assert record.container == "Test Journal"
    assert record.year == 2013
    malformed = {w.line: w.message for w in result.warnings if "malformed" in w.message}
    assert "PMC -" in malformed[1] and "TI-" in malformed[2]
    assert any(w.location().endswith("medline-malformed_jabref.txt:1") for w in result.warnings)


def test_medline_reader_splits_records_missing_a_blank_line() -> None:
    result = read_text("PMID- 1\nTI  - One\nPMID- 2\nTI  - Two\n")
    assert [r.pmid for r in result.records] == ["1", "2"]


def test_medline_reader_does_not_take_text_starting_like_a_tag_for_one() -> None:
    result = read_text("PMID- 1\nTI  - Vaccines against\nHIV-1 infection\n")
    assert result.records[0].title == "Vaccines against HIV-1 infection"


def test_medline_sniffer_recognises_pubmed_and_eric_and_rejects_ris() -> None:
    assert medline.sniff("PMID- 1\nOWN - NLM\nTI  - x\n") >= 90
    assert medline.sniff("\nOWN - ERIC\nTI  - Paper title\nAU  - Smith, Tom\nPT  - x\n") >= 90
    assert medline.sniff("TY  - JOUR\nAU  - Smith J\nTI  - x\nER  - \n") == 0
    assert medline.sniff("<1>\nAN  - 1\nTI  - x\n") == 0
    assert medline.sniff("@article{k, title={PMID- 1}}\n") == 0
