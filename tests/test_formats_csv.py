"""CSV/TSV reader and writer: sources recognised from the header, mapping tables, and the
syntax quirks of real exports (BOM, CRLF, embedded newlines, ``;`` and TAB delimiters,
doubled quotes, very long cells). Real exports are in ``test_shared_imports_bibtex_csv.py``."""

from __future__ import annotations

import csv as stdcsv
import io

import pytest

from cen_search.errors import FileFormatError
from cen_search.formats import _csv_values, csv, detect_format, read_file
from cen_search.formats.base import Source
from cen_search.models import Author, Pages, Provenance, Record, RecordType
from tests.conftest import TEST_DATA

FORMATS = TEST_DATA / "formats"
SOURCE = Source(file="rows.csv", sha256="0" * 64, encoding="utf-8")


def read(text: str, file: str = "rows.csv") -> csv.Parsed:
    return csv.read(text, Source(file=file, sha256="0" * 64, encoding="utf-8"))


def test_csv_bom_crlf_embedded_newlines_and_doubled_quotes(tmp_path):
    path = tmp_path / "export.csv"
    body = (
        "Title,Authors,Abstract,Year,DOI\r\n"
        '"A ""quoted"" title","Smith, J; Doe, A","line one\r\nline two",2019,10.1/x\r\n'
        '"Second",,,2020,\r\n'
    )
    path.write_bytes(b"\xef\xbb\xbf" + body.encode("utf-8"))
    result = read_file(path)
    assert result.format == "csv" and result.encoding == "utf-8-sig"
    first, second = result.records
    assert first.title == 'A "quoted" title'
    assert [a.family for a in first.authors] == ["Smith", "Doe"]
    assert first.raw_values("Abstract") == ["line one\nline two"]
    assert first.abstract == "line one line two"
    assert (first.provenance.line, second.provenance.line) == (2, 4)


def test_csv_raw_keeps_every_non_empty_cell_with_its_column_name():
    parsed = read("Title,Notes,label_included\nA title,,1\n")
    assert parsed.records[0].raw == (("Title", "A title"), ("label_included", "1"))


def test_csv_semicolon_delimiter_in_a_csv_file_is_detected():
    parsed = read("title;authors;year\nA; title with a semicolon?;x;2019\nB;Doe, J;2020\n")
    # the first data row has 4 cells: the delimiter is still ";" (most consistent)
    assert csv.detect_delimiter("title;authors;year\nA;B;2019\nB;Doe, J;2020\n") == ";"
    assert parsed.records[1].title == "B" and parsed.records[1].year == 2020


def test_tab_delimited_file_is_read_whatever_its_extension():
    parsed = read("title\tauthors\tyear\nA, with comma\tDoe, J\t2019\n", file="rows.txt")
    assert parsed.records[0].title == "A, with comma"
    assert parsed.records[0].authors[0].family == "Doe"


def test_csv_very_long_cell_is_read():
    long_refs = "x" * 300_000
    parsed = read(f"Title,References\nT,{long_refs}\n")
    assert parsed.records[0].raw_values("References") == [long_refs]


def test_csv_unclosed_quote_is_reported_with_its_line():
    parsed = read('Title,Year,DOI\n"Good",2019,10.1/a\n"Broken,2020,10.1/b\nNext,2021,10.1/c\n')
    assert len(parsed.records) == 2
    assert any("unclosed quote" in w.message and w.line == 3 for w in parsed.warnings)


def test_csv_row_with_extra_cells_keeps_them_as_numbered_columns():
    parsed = read("Title,Year\nA,2019,surplus\n")
    assert ("column 3", "surplus") in parsed.records[0].raw
    assert any("3 cells" in w.message for w in parsed.warnings)


def test_scopus_funding_text_repeats_shift_cells_back_into_place():
    text = (
        "Authors,Title,Funding Text 1,References,EID\n"
        "Doe J.,T1,fund one,refs one,2-s2.0-1\n"
        "Doe J.,T2,fund one,fund two,refs two,2-s2.0-2\n"
    )
    parsed = read(text)
    second = parsed.records[1]
    assert second.key == "2-s2.0-2"
    assert ("Funding Text 2", "fund two") in second.raw
    assert second.raw_values("References") == ["refs two"]


def test_scopus_authors_with_initials_and_ids_are_split_and_counted():
    text = (
        'Authors,Author(s) ID,Title,EID\n"Phillips J.C., Braun R., Kalé L.","1;2;3;",T,2-s2.0-9\n'
    )
    record = read(text).records[0]
    assert [a.family for a in record.authors] == ["Phillips", "Braun", "Kalé"]
    assert record.database == "" and record.provenance.database == "Scopus"
    mismatch = read('Authors,Author(s) ID,Title,EID\n"Phillips J.C.","1;2;",T,2-s2.0-9\n')
    assert any("2 author ids" in w.message for w in mismatch.warnings)


def test_scopus_author_full_names_win_over_abbreviated_authors():
    text = (
        "Authors,Author full names,Author(s) ID,Title,EID\n"
        '"Phillips J.C.; Braun R.","Phillips, James C. (7201885566); Braun, Rosemary (7202)",'
        '"7201885566;7202",T,2-s2.0-1\n'
    )
    authors = read(text).records[0].authors
    assert [(a.family, a.given) for a in authors] == [
        ("Phillips", "James C."),
        ("Braun", "Rosemary"),
    ]


def test_scopus_no_author_placeholder_gives_no_authors():
    text = (
        "Authors,Author(s) ID,Title,EID\n[No author name available],[No author id available],T,e\n"
    )
    assert read(text).records[0].authors == ()


def test_springer_glued_authors_are_split_at_case_changes():
    assert _csv_values.split_glued("Araz R. AlievNigar T. Ismayilova") == [
        "Araz R. Aliev",
        "Nigar T. Ismayilova",
    ]
    assert _csv_values.split_glued("Prof. Rafik A. AlievProf. Dr. Janusz Kacprzyk") == [
        "Rafik A. Aliev",
        "Janusz Kacprzyk",
    ]
    assert _csv_values.split_glued("Ann McDonaldJiří Bednář") == ["Ann McDonald", "Jiří Bednář"]


def test_pubmed_citation_column_gives_volume_issue_and_pages():
    parts = _csv_values.pubmed_citation("Nature. 2021 Dec 21;1(2):10-11. doi: 10.1111/nature1111.")
    assert (parts.container, parts.date, parts.volume, parts.issue, parts.pages, parts.doi) == (
        "Nature",
        "2021 Dec 21",
        "1",
        "2",
        "10-11",
        "10.1111/nature1111",
    )
    parts = _csv_values.pubmed_citation(
        "J Clin Epidemiol. 2019 Jan;105:1-9. doi: 10.1016/j.x.1. Epub 2018"
    )
    assert (parts.volume, parts.issue, parts.pages) == ("105", "", "1-9")


def test_embase_source_column_gives_journal_year_volume_issue_pages():
    parts = _csv_values.embase_source(
        "Cancer (2004) 102:4 (253-258). Date of Publication: 25 Aug 2004"
    )
    assert (parts.container, parts.date, parts.volume, parts.issue, parts.pages) == (
        "Cancer",
        "25 Aug 2004",
        "102",
        "4",
        "253-258",
    )
    parts = _csv_values.embase_source("Int J Surg Case Rep (2019) 54 (83-86).")
    assert (parts.date, parts.volume, parts.issue, parts.pages) == ("2019", "54", "", "83-86")


def test_emtree_terms_keep_commas_inside_subheadings():
    assert _csv_values.split_terms("cyst (diagnosis, surgery), adult; aged") == [
        "cyst (diagnosis, surgery)",
        "adult",
        "aged",
    ]


def test_asreview_list_literals_and_labels():
    text = (
        "title,authors,keywords,label_included,type_of_reference\n"
        "\"T\",\"['Marx, Karl', 'Lindgren, Astrid']\",\"['Pippi', 'Nordwind']\",1,JOUR\n"
    )
    record = read(text).records[0]
    assert [a.family for a in record.authors] == ["Marx", "Lindgren"]
    assert record.keywords == ("Pippi", "Nordwind")
    assert record.type is RecordType.ARTICLE
    assert record.raw_values("label_included") == ["1"]


def test_rayyan_export_keeps_decisions_in_notes_and_uses_the_key_column():
    result = read_file(FORMATS / "rayyan_articles.csv")
    first, second = result.records
    assert (first.key, second.key) == ("rayyan-101", "rayyan-102")
    assert [a.display() for a in first.authors] == ["Smith, J", "Doe, A B"]
    assert "RAYYAN-INCLUSION" in first.raw_values("notes")[0]
    assert first.notes == (first.raw_values("notes")[0],)
    assert first.pmid == "30123456" and second.pmcid == "PMC7654321"
    assert second.pages == Pages(raw="e55", article_number="e55")


def test_covidence_export_uses_covidence_number_as_key():
    result = read_file(FORMATS / "covidence_export.csv")
    first, second = result.records
    assert (first.key, second.key) == ("#1042", "#1043")
    assert [a.family for a in first.authors] == ["Li", "Harmer", "Fitzgerald"]
    assert second.authors == (
        Author(raw="Cochrane Collaboration", family="Cochrane Collaboration", organisation=True),
    )
    assert first.accession_numbers == ("22316445",)
    assert first.raw_values("Notes") == ["Full text excluded: wrong population"]


def test_web_of_science_tab_delimited_export_prefers_full_author_names():
    result = read_file(FORMATS / "wos_tab_delimited.txt")
    assert result.format == "csv"
    first, second = result.records
    assert [a.given for a in first.authors] == ["John", "Alice"]
    assert first.key == "WOS:000123456700001" and first.pmid == "30999999"
    assert first.provenance.database == "Web of Science"
    assert second.type is RecordType.REVIEW
    assert second.pages.article_number == "e1234"


def test_csv_duplicate_ids_are_reported_once():
    parsed = read("id,title\n7,a\n7,b\n7,c\n")
    assert [r.key for r in parsed.records] == ["7", "7", "7"]
    [warning] = parsed.warnings
    assert "3 rows" in warning.message and warning.line == 3


def test_csv_unknown_type_value_is_reported():
    parsed = read("type,title\nPodcast episode,a\n")
    assert parsed.records[0].type is RecordType.OTHER
    assert any("Podcast episode" in w.message for w in parsed.warnings)


def test_csv_without_header_is_an_error():
    with pytest.raises(FileFormatError, match="no header"):
        read("\n\n")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Title,Authors,Year\nx,y,2019\n", 90),
        ("\ufeffPMID,Title,Authors,Citation\n1,x,y,z\n", 90),
        ("alpha;beta;gamma\n1;2;3\n", 40),
        ("TY  - JOUR\nTI  - x\nER  - \n", 0),
        ("PMID- 123\nTI  - x\n", 0),
        ("FN Clarivate Analytics Web of Science\nPT J\n", 0),
        ("@article{a, title = {x, y}}\n", 0),
        ('{"schema_version": 1, "title": "x"}\n', 0),
        ("<?xml version='1.0'?><xml><records>", 0),
    ],
)
def test_csv_sniff_scores_content(text: str, expected: int):
    assert csv.sniff(text) == expected


def test_detect_format_takes_a_tsv_header_for_csv():
    text = (FORMATS / "wos_tab_delimited.txt").read_text("utf-8")
    assert detect_format(text, "savedrecs.txt").name == "csv"


def _record(**fields: object) -> Record:
    prov = Provenance(
        file="in.ris", sha256="b" * 64, format="ris", encoding="utf-8", index=3, line=9, key="ID-3"
    )
    return Record(provenance=prov, **fields)  # type: ignore[arg-type]


def test_csv_writer_writes_rayyans_column_names_after_a_byte_order_mark_for_excel():
    out = io.StringIO()
    record = _record(
        title="T",
        type=RecordType.REVIEW,
        year=2019,
        date="2019 Mar",
        authors=(
            Author(raw="Smith, J", family="Smith", given="J", initials="J"),
            Author(raw="WHO", family="WHO", organisation=True),
        ),
        keywords=("a", "b"),
        issn=("1234-5678",),
        urls=("http://x", "http://y"),
        notes=("n1",),
        database="MEDLINE",
    )
    assert csv.write([record], out) == 1
    text = out.getvalue()
    assert text.startswith("\ufeffkey,title,year,journal,issn,volume,issue,pages,authors,url,")
    rows = list(stdcsv.reader(io.StringIO(text[1:])))
    assert tuple(rows[0]) == csv.WRITE_COLUMNS
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["key"] == "ID-3" and row["type"] == "review"
    assert row["authors"] == "Smith, J and {WHO}"  # as Rayyan writes authors
    assert row["keywords"] == "a; b" and row["url"] == "http://x http://y"
    assert row["database"] == "MEDLINE" and row["year"] == "2019" and row["date"] == "2019 Mar"
    assert (row["source_file"], row["source_format"], row["record_index"]) == ("in.ris", "ris", "3")


def test_csv_writer_output_reads_back_as_cen_search_csv():
    out = io.StringIO()
    pages = Pages(raw="e5", article_number="e5")
    csv.write([_record(title="T", year=2019, date="2019//", pages=pages)], out)
    parsed = read(out.getvalue(), file="out.csv")
    back = parsed.records[0]
    assert (back.key, back.title, back.year, back.date) == ("ID-3", "T", 2019, "2019//")
    assert back.pages.article_number == "e5"
    assert back.raw_values("source_file") == ["in.ris"]


def test_csv_cut_short_in_its_last_row_is_reported_with_the_line():
    # found by cutting the CSV cen-search writes at random points: the last record came
    # back with half a title and no word of warning (RIS says "file ends before the ER")
    text = "Title,Year,DOI\nGood,2019,10.1000/a1\nArticle classi"
    parsed = read(text)
    assert [r.title for r in parsed.records] == ["Good", "Article classi"]
    (warning,) = parsed.warnings
    assert "ends in the middle of its last row" in warning.message and warning.line == 3
    # a whole last row without a final line break, or a complete file, is not reported
    assert not read("Title,Year,DOI\nGood,2019,10.1000/a1").warnings
    assert not read("Title,Year,DOI\nGood,2019,\n").warnings
