"""Files that go on to the next tool: EndNote XML for EndNote and Covidence, CSV for Excel and
Rayyan, and clean values (no markup, no e-mail addresses in names) in every mapped field."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from pathlib import Path

from cen_search.dedupe import members_of
from cen_search.formats import Source, csv, read_file, read_text, write_records
from cen_search.models import Author, Provenance, Record, RecordType
from cen_search.names import parse_author
from tests._dedupe_cli import CLI_DATA, run_cli

OUT = Source(file="written", sha256="0" * 64, encoding="utf-8")


def _written(records, fmt: str) -> str:
    out = io.StringIO()
    assert write_records(records, out, format=fmt) == len(records)
    return out.getvalue()


def _record(**fields) -> Record:
    prov = Provenance("in.ris", "f" * 64, "ris", "utf-8", 3, 10, key="ID-3", database="CINAHL")
    return Record(provenance=prov, **fields)


# -- EndNote XML out ----------------------------------------------------------------------


def test_endnote_xml_writer_output_is_endnotes_layout_and_reads_back_the_same(shared: Path):
    path = shared / "data" / "dedup" / "sra_respiratory" / "Respiratory_original_endnote.xml"
    records = read_file(path).records
    text = _written(records, "endnote-xml")
    root = ET.fromstring(text)  # a second XML parser: well-formed, EndNote's element names
    assert root.tag == "xml" and root[0].tag == "records"
    assert len(root[0]) == len(records) == 1988
    first = root[0][0]
    assert [c.tag for c in first][:5] == [
        "database",
        "source-app",
        "rec-number",
        "ref-type",
        "contributors",
    ]
    assert first.find("ref-type").attrib["name"] == "Journal Article"
    # rec-numbers are EndNote's own numbers, kept, and unique
    numbers = [r.findtext("rec-number") for r in root[0]]
    assert numbers == [r.key for r in records] and len(set(numbers)) == len(numbers)
    back = read_text(text, OUT, format="endnote-xml").records
    assert _written(back, "endnote-xml") == text  # written twice: the same file


def test_endnote_xml_writer_keeps_identifiers_types_and_group_authors():
    record = _record(
        type=RecordType.LETTER,
        title="Reply to <x> & friends",
        authors=(
            Author("Smith, John A.", "Smith", "John A.", "JA"),
            Author("Cochrane Collaboration", "Cochrane Collaboration", organisation=True),
        ),
        year=2021,
        date="2021 Mar 3",
        container="BMJ",
        pmid="123",
        pmcid="PMC9",
        doi="10.1136/bmj.n1",
        accession_numbers=("L6330",),
        issn=("0959-8138",),
        isbn=("9780470057964",),
        notes=("first\x0bnote", "second"),
    )
    text = _written([record], "endnote-xml")
    assert "\x0b" not in text  # not an XML 1.0 character: dropped
    assert "<work-type>" in text and ">Letter<" in text
    assert "Cochrane Collaboration,</style>" in text  # EndNote's mark of a group author
    back = read_text(text, OUT, format="endnote-xml").records[0]
    assert (back.type, back.pmid, back.pmcid, back.doi) == (
        RecordType.LETTER,
        "123",
        "PMC9",
        "10.1136/bmj.n1",
    )
    assert back.title == "Reply to <x> & friends"
    assert back.accession_numbers == ("L6330",)
    assert (back.issn, back.isbn) == (("0959-8138",), ("9780470057964",))
    assert back.authors[1].organisation and back.authors[1].family == "Cochrane Collaboration"
    assert (back.year, back.date) == (2021, "2021 Mar 3")
    assert back.database == "CINAHL"


def test_convert_and_dedupe_write_endnote_xml(capsys, tmp_path: Path) -> None:
    out = tmp_path / "for-covidence.xml"
    run = run_cli(capsys, "convert", CLI_DATA / "alpha.ris", "-o", out)
    assert run.code == 0, run.err
    assert "EndNote XML" in run.err
    assert len(read_file(out).records) == len(read_file(CLI_DATA / "alpha.ris").records)
    piped = run_cli(capsys, "convert", CLI_DATA / "alpha.ris", "--to", "endnote-xml", "-o", "-")
    assert piped.code == 0 and piped.out.startswith("<?xml")
    deduped = tmp_path / "unique.xml"
    run = run_cli(
        capsys,
        "dedupe",
        CLI_DATA / "alpha.ris",
        CLI_DATA / "beta.bib",
        "--database",
        "MEDLINE",
        "--database",
        "Embase",
        "-o",
        deduped,
    )
    assert run.code == 0, run.err
    records = read_file(deduped).records
    assert any(members_of(r) for r in records)
    assert all(r.database for r in records)


# -- CSV for people -----------------------------------------------------------------------


def test_convert_writes_csv_that_excel_opens_as_utf8_with_rayyans_columns(
    capsys, tmp_path: Path
) -> None:
    out = tmp_path / "for-rayyan.csv"
    run = run_cli(capsys, "convert", CLI_DATA / "alpha.ris", "-o", out)
    assert run.code == 0, run.err
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfkey,title,year,journal,issn,volume,issue,pages,authors,")
    assert b"\r\n" in data  # Excel's line ends
    back = read_file(out)
    assert back.format == "csv" and not back.skipped
    before = read_file(CLI_DATA / "alpha.ris").records
    assert [r.title for r in back.records] == [r.title for r in before]
    help_text = run_cli(capsys, "convert", "--help").out
    assert "byte-order mark" in help_text and "Rayyan" in help_text


def test_convert_to_csv_says_which_cells_excel_would_cut_short(capsys, tmp_path: Path) -> None:
    # found reading every real export converted to CSV with the csv module: a Scopus record's
    # References note (42,718 characters) and a 7,456-author list do not fit in an Excel cell
    # (32,767 at most), and Excel cuts them without a word
    from cen_search.formats._csv_write import EXCEL_CELL_LIMIT, too_long_for_excel

    notes = "References: " + "x" * EXCEL_CELL_LIMIT
    records = [_record(title="Short"), _record(title="Long", notes=(notes,))]
    assert too_long_for_excel(records) == [(2, "notes", len(notes))]
    assert too_long_for_excel(records[:1]) == []
    source = tmp_path / "long.jsonl"
    source.write_text(_written(records, "jsonl"), encoding="utf-8")
    out = tmp_path / "for-excel.csv"
    run = run_cli(capsys, "convert", source, "-o", out)
    assert run.code == 0, run.err
    assert "1 cell longer than Excel's limit of 32,767 characters" in run.err
    assert "record 2's notes, 32,779" in run.err
    assert read_file(out).records[1].notes == (notes,)  # the file keeps it whole
    quiet = run_cli(capsys, "convert", source, "-o", tmp_path / "all.ris")
    assert "Excel" not in quiet.err


def test_csv_keys_are_unique_and_group_authors_with_and_stay_whole():
    group = Author("Department of Health and Social Care", "Department of Health and Social Care")
    group = Author(group.raw, group.family, organisation=True)
    one = _record(title="A", authors=(group, Author("Smith, J", "Smith", "J", "J")))
    two = _record(title="B")
    text = _written([one, two], "csv")
    back = csv.read(text, OUT).records
    assert [r.key for r in back] == ["ID-3", "ID-3-2"]
    assert [a.family for a in back[0].authors] == ["Department of Health and Social Care", "Smith"]
    assert back[0].authors[0].organisation


# -- clean values ---------------------------------------------------------------------------


def test_markup_in_titles_and_abstracts_is_cleaned_in_mapped_fields_and_kept_in_raw(
    imports_dir: Path,
) -> None:
    records = read_file(imports_dir / "ris" / "ieee-xplore-mixed-eol_litstudy.ris").records
    marked = [r for r in records if any("<sup>" in v for t, v in r.raw if t == "AB")]
    assert marked, "the IEEE export has <sup> and <sub> in abstracts"
    for record in marked:
        assert "<sup>" not in record.abstract and "</sub>" not in record.abstract
    text = (
        "TY  - JOUR\nTI  - Effect of <i>in vivo</i> CO<sub>2</sub> &amp; p<0.05\n"
        "AB  - <jats:title>Abstract</jats:title><jats:p>Background &#8211; one.</jats:p>"
        "<jats:p>Two.</jats:p>\nER  - \n"
    )
    record = read_text(text, OUT, format="ris").records[0]
    assert record.title == "Effect of in vivo CO2 & p<0.05"
    assert record.abstract == "Abstract Background – one. Two."
    assert "<jats:p>" in record.raw_values("AB")[0]


def test_email_addresses_inside_author_names_are_not_part_of_the_name():
    text = (
        "TY  - JOUR\nAU  - Smith, John (john.smith@uni.edu)\nAU  - Doe J, Email: jd@x.org\n"
        "AU  - Lee, K. <k.lee@a.b.c>\nER  - \n"
    )
    record = read_text(text, OUT, format="ris").records[0]
    assert [(a.family, a.given, a.raw) for a in record.authors] == [
        ("Smith", "John", "Smith, John"),
        ("Doe", "J", "Doe J"),
        ("Lee", "K.", "Lee, K."),
    ]
    assert record.raw_values("AU")[0] == "Smith, John (john.smith@uni.edu)"
    assert parse_author("Org @ Home").raw == "Org @ Home"  # no address: unchanged


def test_csv_cells_that_would_start_an_excel_formula_are_written_as_text_and_read_back(
    shared: Path,
) -> None:
    # found by a stranger's trial opening converted exports as Excel would: a real record's
    # group author "-FUTURE-II-Study-Group" (SRA cytology set) and a real BibTeX note
    # "+http://www.ep.liu.se/..." were cells starting with "-" and "+", which Excel takes
    # for formulas (#NAME?, or a formula run from an export); the screening sheet already
    # wrote such cells with the apostrophe Excel hides
    import csv as stdcsv

    cytology = read_file(shared / "data/dedup/sra_cytology_screening/records.ris").records
    legacy = read_file(shared / "data/imports/bibtex/round-parens-legacy_bbt-fixture.bib")
    records = [
        *(r for r in cytology if r.key == "id_0001717"),
        *(r for r in legacy.records if any(n.startswith("+http") for n in r.notes)),
    ]
    assert len(records) == 2
    text = _written(records, "csv")
    rows = list(stdcsv.DictReader(io.StringIO(text.removeprefix(csv.BOM))))
    assert rows[0]["authors"] == "'-FUTURE-II-Study-Group"
    assert rows[1]["notes"].startswith("'+http://www.ep.liu.se/")
    for row in rows:
        assert not [v for v in row.values() if v[:1] in ("=", "+", "-", "@", "\t", "\r")]
    back = csv.read(text, OUT).records
    for before, after in zip(records, back, strict=True):
        names = [(a.family, a.given, a.organisation) for a in before.authors]
        assert [(a.family, a.given, a.organisation) for a in after.authors] == names
        assert after.notes == before.notes
        assert after.title == before.title
