"""Web of Science tagged plain text: header, PT...ER records, three-space continuations."""

from __future__ import annotations

from pathlib import Path

from cen_search.formats import read_file, wos
from cen_search.formats.base import Source
from cen_search.models import RecordType

LOCAL = Path(__file__).parent / "data" / "formats"


def read_text(text: str):
    return wos.read(text, Source(file="savedrecs.txt", sha256="0" * 64, encoding="utf-8"))


def test_wos_reader_reads_both_records_of_the_shared_export(imports_dir: Path) -> None:
    result = read_file(imports_dir / "other" / "wos-plaintext_rispy.txt", format="wos")
    assert len(result.records) == 2
    assert not result.warnings and not result.skipped
    assert [r.provenance.line for r in result.records] == [3, 112]


def test_wos_reader_reads_each_continuation_line_of_author_tags_as_a_name() -> None:
    record = read_file(LOCAL / "wos-plaintext_rispy-trimmed.txt", format="wos").records[0]
    assert [a.raw for a in record.authors] == [
        "Parkes-Loach, PS",
        "Majeed, AP",
        "Law, CJ",
        "Loach, PA",
    ]
    assert record.raw_values("AU")[0] == "Parkes-Loach, PS\nMajeed, AP\nLaw, CJ\nLoach, PA"


def test_wos_reader_joins_wrapped_text_and_splits_keywords() -> None:
    record = read_file(LOCAL / "wos-plaintext_rispy-trimmed.txt", format="wos").records[0]
    assert record.title == (
        "Interactions stabilizing the structure of the core light-harvesting complex (LHl) "
        "of photosynthetic bacteria and its subunit (B820)"
    )
    assert record.keywords[:3] == (
        "CHEMICALLY SYNTHESIZED POLYPEPTIDES",
        "IN-VITRO RECONSTITUTION",
        "AMINO-ACID-SEQUENCE",
    )
    assert "ANTENNA COMPLEX" in record.keywords


def test_wos_reader_maps_identifiers_and_source_fields() -> None:
    record = read_file(LOCAL / "wos-plaintext_rispy-trimmed.txt", format="wos").records[1]
    assert record.key == "WOS:000221807500020"
    assert record.accession_numbers == ("WOS:000221807500020",)
    assert (record.doi, record.pmid) == ("10.1021/bi0497291", "15170339")
    assert (record.container, record.container_abbrev) == ("BIOCHEMISTRY", "Biochemistry")
    assert (record.volume, record.issue) == ("43", "22")
    assert (record.pages.start, record.pages.end) == ("7017", "7027")
    assert (record.year, record.issn, record.language) == (2004, ("0006-2960",), "English")
    assert record.type == RecordType.ARTICLE
    assert record.publisher == "AMER CHEMICAL SOC"
    assert record.provenance.platform == "Web of Science"


def test_wos_reader_keeps_every_tag_in_raw() -> None:
    record = read_file(LOCAL / "wos-plaintext_rispy-trimmed.txt", format="wos").records[1]
    tags = [tag for tag, _ in record.raw]
    assert tags[0] == "PT" and tags[-1] == "DA"
    assert {"CR", "NR", "TC", "Z9", "U1", "U2", "GA", "WC", "SC"} <= set(tags)
    assert "ER" not in tags and "FN" not in tags


def test_wos_reader_refines_type_from_document_type() -> None:
    text = "FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nTI A review\nDT Review\nER\n\nEF"
    assert read_text(text).records[0].type == RecordType.REVIEW
    proceedings = "PT S\nTI x\nDT Proceedings Paper\nER\n"
    assert read_text(proceedings).records[0].type == RecordType.CONFERENCE_PAPER


def test_wos_reader_warns_about_missing_er_and_stray_text() -> None:
    result = read_text("PT J\nTI One\nPT J\nTI Two\nER\nstray text\n")
    assert [r.title for r in result.records] == ["One", "Two"]
    messages = {w.line: w.message for w in result.warnings}
    assert "no ER" in messages[1]
    assert "stray text" in messages[6]


def test_wos_reader_takes_au_when_af_does_not_match_it() -> None:
    result = read_text("PT J\nAU Smith, J\n   Jones, K\nAF Smith, John\nER\n")
    assert [a.raw for a in result.records[0].authors] == ["Smith, J", "Jones, K"]


def test_wos_sniffer_recognises_header_and_rejects_other_formats() -> None:
    assert wos.sniff("FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\n") >= 95
    assert wos.sniff("PT J\nAU Smith, J\nTI x\nSO y\nPY 2020\nER\n") >= 80
    assert wos.sniff("TY  - JOUR\nAU  - Smith, J\nER  - \n") == 0
    assert wos.sniff("PMID- 1\nAU  - Smith J\n") == 0
    assert wos.sniff("%0 Journal Article\n%T x\n") == 0
