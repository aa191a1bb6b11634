"""Every BibTeX and CSV/TSV export in ``../shared/data/imports`` is read with the right number
of records, detected from its content, and keeps the quirk it is in the corpus for.

Record counts are pinned by inspection of each file. They match ``SOURCES.md`` except
``ebsco_colrev.bib``: SOURCES counts 2 ``@article{`` heads, but the second entry's Keywords
value closes its brace early (scraped JavaScript in the keywords), so it is reported as a
skipped block naming line 15 and the first entry is still read.
"""

from __future__ import annotations

import codecs
import collections
from pathlib import Path

import pytest

from cen_search.formats import detect_format, read_file
from cen_search.formats.textio import decode
from cen_search.models import RecordType

# file -> (records read, blocks skipped)
BIBTEX = {
    "acm-dl_colrev.bib": (2, 0),
    "biber-examples_bibtexparser-v1.bib": (118, 0),
    "bom-start_bibtexparser-v1.bib": (1, 0),
    "comments-and-declarations_bibtexparser-v1.bib": (1, 0),
    "ebsco_colrev.bib": (1, 1),
    "endnote-no-citekeys_bbt-fixture.bib": (1, 0),
    "europe-pmc_colrev.bib": (2, 0),
    "gbk-encoded_bibtexparser.bib": (1, 0),
    "jabref-complex_jabref.bib": (20, 0),
    "jabref-library_jabref.bib": (212, 0),
    "jabref51-groups_bbt-fixture.bib": (20, 0),
    "mendeley_bbt-fixture.bib": (512, 0),
    "missing-comma_bibtexparser-v1.bib": (4, 0),
    "preamble-percent_bbt-fixture.bib": (1, 0),
    "qiqqa-comma-first_bbt-fixture.bib": (2, 0),
    "round-parens-legacy_bbt-fixture.bib": (988, 0),
    "scopus_colrev.bib": (11, 0),
    "string-concat-parens_bbt-fixture.bib": (1, 0),
    "string-macros_bbt-fixture.bib": (1, 0),
    "taylor-francis_colrev.bib": (2, 0),
    "traps_bibtexparser-v1.bib": (1, 0),
    "utf16be-cr_jabref.bib": (1, 0),
    "wiley_colrev.bib": (2, 0),
    "windows-1252-declared-utf8_jabref.bib": (1, 0),
    "windows-1252-with-header_jabref.bib": (1, 0),
    "wos_colrev.bib": (2, 0),
    "zotero-bbt-export_bbt-fixture.bib": (506, 0),
}
CSV = {
    "asreview-generic-labels_asreview.csv": 6,
    "asreview-partial-labels_asreview.csv": 6,
    "embase-com_asreview.csv": 6,
    "generic-semicolon_asreview.csv": 2,
    "generic-tab_asreview.tsv": 2,
    "ieee-xplore_litstudy.csv": 10,
    "pubmed_colrev.csv": 1,
    "scopus_litstudy.csv": 58,
    "springerlink_litstudy.csv": 18,
}


def test_the_pinned_lists_cover_every_bibtex_and_csv_file(imports_dir: Path):
    assert sorted(p.name for p in (imports_dir / "bibtex").iterdir()) == sorted(BIBTEX)
    assert sorted(p.name for p in (imports_dir / "csv").iterdir()) == sorted(CSV)


@pytest.mark.parametrize(("name", "expected"), sorted(BIBTEX.items()))
def test_every_bibtex_export_is_read_with_its_record_count(imports_dir, name, expected):
    path = imports_dir / "bibtex" / name
    assert detect_format(decode(path.read_bytes()).text, str(path)).name == "bibtex"
    result = read_file(path)
    assert result.format == "bibtex"
    assert (len(result.records), len(result.skipped)) == expected
    assert [r.provenance.index for r in result.records] == list(range(1, expected[0] + 1))
    for record in result.records:
        assert record.raw[0][0] == "ENTRYTYPE" and record.raw[1][0] == "ID"
        assert record.provenance.line >= 1 and record.provenance.key


@pytest.mark.parametrize(("name", "expected"), sorted(CSV.items()))
def test_every_csv_export_is_read_with_its_record_count(imports_dir, name, expected):
    path = imports_dir / "csv" / name
    assert detect_format(decode(path.read_bytes()).text, str(path)).name == "csv"
    result = read_file(path)
    assert result.format == "csv"
    assert len(result.records) == expected and not result.skipped
    assert all(r.title for r in result.records)


def codec(name: str) -> str:
    """The canonical codec name ("windows-1252" and "cp1252" are one encoding)."""
    return codecs.lookup(name).name


def bib(imports_dir: Path, name: str):
    return read_file(imports_dir / "bibtex" / name)


def csv_file(imports_dir: Path, name: str):
    return read_file(imports_dir / "csv" / name)


def test_ebsco_broken_keywords_skip_names_the_line_and_keep_the_first_entry(imports_dir):
    result = bib(imports_dir, "ebsco_colrev.bib")
    [skip] = result.skipped
    assert skip.line == 15 and "13362467620181001" in skip.message and "line 19" in skip.message
    first = result.records[0]
    assert first.pages.start == "1" and first.pages.end == "10"  # "Pages = {1 - 10}"
    assert first.title == "Paper title."


def test_mendeley_export_keeps_keyless_and_duplicate_key_entries(imports_dir):
    result = bib(imports_dir, "mendeley_bbt-fixture.bib")
    keyless = [r for r in result.records if dict(r.raw)["ID"] == ""]
    assert len(keyless) == 37 and all(r.key == str(r.provenance.index) for r in keyless)
    counts = collections.Counter(r.key for r in result.records if dict(r.raw)["ID"])
    # SOURCES.md's "22 duplicated keys" counts the empty key as one of them
    assert sum(1 for n in counts.values() if n > 1) == 21
    assert counts["Thomas2016"] == 2
    duplicate_warnings = [w for w in result.warnings if "used again" in w.message]
    assert len(duplicate_warnings) == sum(n - 1 for n in counts.values() if n > 1)
    types = collections.Counter(r.type for r in result.records)
    assert types[RecordType.WEBPAGE] == 25  # @web_page
    no_pages = next(r for r in result.records if "No Pagination" in r.pages.raw)
    assert (no_pages.pages.start, no_pages.pages.end) == ("", "")


def test_round_paren_entries_with_colon_keys_and_duplicates(imports_dir):
    result = bib(imports_dir, "round-parens-legacy_bbt-fixture.bib")
    counts = collections.Counter(r.key for r in result.records)
    duplicated = sorted(k for k, n in counts.items() if n > 1)
    assert duplicated[:3] == ["Barrow:81", "Bergmann:95", "Brachman:79"]
    assert sum(1 for n in counts.values() if n > 1) == 14
    assert any("given more than once" in w.message for w in result.warnings)
    assert any("'AIJ' is not defined" in w.message for w in result.warnings)


def test_string_macros_with_colons_and_dashes_resolve(imports_dir):
    record = bib(imports_dir, "string-macros_bbt-fixture.bib").records[0]
    assert record.publisher == "Freds Publishing"
    assert dict(record.raw)["address"] == "pub-FRED:adr"


def test_string_concatenation_in_a_paren_techreport(imports_dir):
    record = bib(imports_dir, "string-concat-parens_bbt-fixture.bib").records[0]
    assert [a.display() for a in record.authors] == ["McDermott, Drew V.", "Sussman, Gerald J."]
    assert record.title == "The CONNIVER Reference Manual"  # {\sc ...}
    assert record.date == "1972 May" and record.type is RecordType.REPORT


def test_preamble_and_percent_signs_do_not_eat_text(imports_dir):
    record = bib(imports_dir, "preamble-percent_bbt-fixture.bib").records[0]
    [raw_abstract] = record.raw_values("Abstract")
    assert raw_abstract.count("%") >= 1
    assert record.abstract.count("%") == raw_abstract.count("%")
    assert "400-500\u00c2nm" in record.abstract  # mojibake kept as it is
    assert record.keywords[-1] == "Electrochromic properties"  # a line break is a space


def test_latex_accents_and_double_braces_are_decoded(imports_dir):
    zotero = bib(imports_dir, "zotero-bbt-export_bbt-fixture.bib")
    first = zotero.records[0]
    assert "{{" in dict(first.raw)["title"] and "{" not in first.title
    names = {a.display() for r in zotero.records for a in r.authors}
    assert {"Araújo, D", "Ganière, J-D", "den Hertog, Martien I."} <= names
    groups = bib(imports_dir, "jabref51-groups_bbt-fixture.bib")
    assert any(a.display() == "Bogadóttir, Ragnheiður" for r in groups.records for a in r.authors)
    qiqqa = bib(imports_dir, "qiqqa-comma-first_bbt-fixture.bib")
    assert qiqqa.records[0].authors[0].family == "Kühne"
    assert qiqqa.records[1].authors[0].family == "Gödel"


def test_jabref_complex_textit_and_free_text(imports_dir):
    result = bib(imports_dir, "jabref-complex_jabref.bib")
    record = next(r for r in result.records if "\\textit" in dict(r.raw).get("title", ""))
    assert record.title.startswith("The postcranial anatomy of Procolophon (Parareptilia")


def test_traps_file(imports_dir):
    record = bib(imports_dir, "traps_bibtexparser-v1.bib").records[0]
    assert record.title == "An amazing title"
    assert record.date == "2013 jan"
    assert record.volume == "n.s.\u00a02"
    assert record.abstract.endswith("french érudit word")


def test_missing_comma_variants_all_read_alike(imports_dir):
    result = bib(imports_dir, "missing-comma_bibtexparser-v1.bib")
    assert [(r.title, r.year, r.keywords) for r in result.records] == [
        ("An amazing title", 2013, ("keyword1", "keyword2"))
    ] * 4


def test_keys_with_spaces_colons_slashes_and_urls(imports_dir):
    wos = bib(imports_dir, "wos_colrev.bib").records
    assert [r.key for r in wos] == ["WOS:000223334444221", "WOS:000444488888888"]
    assert wos[0].accession_numbers == ("WOS:000223334444221",)
    assert wos[0].doi == "10.1007/999-9-999-99999-9_3"  # "\_" undone
    assert wos[1].title == "A dummy title's"  # &apos;
    tandf = bib(imports_dir, "taylor-francis_colrev.bib").records
    assert tandf[0].key == "doi:10.1111/07777777.2018.1666666" and tandf[0].provenance.line == 8
    assert tandf[0].pmid == "33355555"  # note = {PMID: 33355555}
    wiley = bib(imports_dir, "wiley_colrev.bib").records
    assert wiley[0].key.startswith("doi:https://doi.org/")
    assert wiley[0].publisher == "John Wiley & Sons, Ltd"
    acm = bib(imports_dir, "acm-dl_colrev.bib").records
    assert acm[0].key == "10.1111/7777777" and acm[0].doi == "10.3333/7777777"  # field wins


def test_europe_pmc_space_before_brace_crlf_and_pmid_key(imports_dir):
    records = bib(imports_dir, "europe-pmc_colrev.bib").records
    assert records[0].key == "PMID:18888888" and records[0].pmid == "18888888"
    assert records[0].pmcid == "PMC7777777"
    assert records[1].type is RecordType.OTHER  # @misc


def test_scopus_document_types_refine_entry_types(imports_dir):
    types = [r.type for r in bib(imports_dir, "scopus_colrev.bib").records]
    assert types.count(RecordType.REVIEW) == 1 and RecordType.CHAPTER in types
    assert RecordType.EDITORIAL in types and RecordType.ERRATUM in types


def test_encodings_are_decoded_before_parsing(imports_dir):
    declared = bib(imports_dir, "windows-1252-with-header_jabref.bib")
    assert codec(declared.encoding) == "cp1252" and declared.records[0].abstract == "25° C"
    wrong_header = bib(imports_dir, "windows-1252-declared-utf8_jabref.bib")
    assert codec(wrong_header.encoding) == "cp1252"
    assert wrong_header.records[0].raw_values("author") == ["Test\u00a0I. Last"]
    assert wrong_header.records[0].authors[0].display() == "Last, Test I."
    utf16 = bib(imports_dir, "utf16be-cr_jabref.bib")
    assert codec(utf16.encoding).startswith("utf-16")
    assert utf16.records[0].title == "Ü ist ein Umlaut"
    gbk = bib(imports_dir, "gbk-encoded_bibtexparser.bib")
    assert codec(gbk.encoding) == "gbk" and gbk.records[0].container == "测试期刊"
    bom = bib(imports_dir, "bom-start_bibtexparser-v1.bib")
    assert bom.encoding == "utf-8-sig"
    assert bom.records[0].provenance.line == 2  # BOM, newline, then @ARTICLE


def test_endnote_bibtex_without_keys(imports_dir):
    record = bib(imports_dir, "endnote-no-citekeys_bbt-fixture.bib").records[0]
    assert record.key == "1" and dict(record.raw)["ID"] == ""
    assert record.title == "Alzheimer mechanisms and therapeutic strategies"
    assert record.notes[0].startswith("Huang, Yadong\nMucke, Lennart")


def test_scopus_csv_bom_newlines_authors_and_shifted_funding_columns(imports_dir):
    result = csv_file(imports_dir, "scopus_litstudy.csv")
    assert result.encoding == "utf-8-sig"
    assert len({r.key for r in result.records}) == 58
    assert all(r.key.startswith("2-s2.0-") for r in result.records)
    assert all(r.provenance.database == "Scopus" for r in result.records)
    first = result.records[0]
    assert [a.family for a in first.authors][:3] == ["Phillips", "Braun", "Wang"]
    assert first.doi == "10.1002/jcc.20289" and first.pages.start == "1781"
    nature = next(r for r in result.records if r.key == "2-s2.0-85123480963")
    assert (nature.pmid, nature.language) == ("35064163", "English")
    assert nature.container_abbrev == "Sci. Rep."
    assert nature.pages.article_number == "1135"
    multiline = [r for r in result.records if any("\n" in v for _, v in r.raw)]
    assert len(multiline) >= 3
    assert any("Funding Text 1" in w.message for w in result.warnings)


def test_ieee_csv_doubled_quotes_and_semicolon_authors(imports_dir):
    first = csv_file(imports_dir, "ieee-xplore_litstudy.csv").records[0]
    assert first.title == (
        'Exascale Computing Trends: Adjusting to the "New Normal"\' for Computer Architecture'
    )
    assert [a.display() for a in first.authors] == ["Kogge, P.", "Shalf, J."]
    assert first.type is RecordType.ARTICLE


def test_springer_csv_authors_without_separators(imports_dir):
    result = csv_file(imports_dir, "springerlink_litstudy.csv")
    authors = [a.display() for a in result.records[0].authors]
    assert authors == ["Aliev, Araz R.", "Ismayilova, Nigar T."]
    assert result.records[0].type is RecordType.CHAPTER
    assert any("glued together" in w.message for w in result.warnings)


def test_embase_csv_author_names_and_source_citation(imports_dir):
    record = csv_file(imports_dir, "embase-com_asreview.csv").records[1]
    assert [a.display() for a in record.authors][:2] == ["Eloubeidi, M.A.", "Cohn, M."]
    assert (record.container, record.volume, record.issue) == ("Cancer", "102", "4")
    assert (record.pages.start, record.pages.end, record.year) == ("253", "258", 2004)
    assert record.doi == "10.1002/cncr.20369"  # from the Open URL link
    assert record.provenance.database == "Embase"


def test_pubmed_csv_citation_column(imports_dir):
    result = csv_file(imports_dir, "pubmed_colrev.csv")
    record = result.records[0]
    assert result.encoding == "utf-8-sig"
    assert (record.key, record.pmid, record.pmcid) == ("11223344", "11223344", "PMC1122334")
    assert (record.volume, record.issue) == ("1", "2")
    assert (record.pages.start, record.pages.end) == ("10", "11")


def test_asreview_labels_are_kept_raw_and_empty_labels_are_absent(imports_dir):
    labelled = csv_file(imports_dir, "asreview-generic-labels_asreview.csv")
    assert [r.raw_values("label_included") for r in labelled.records] == [
        ["1"],
        ["0"],
        ["1"],
        ["0"],
        ["1"],
        ["0"],
    ]
    partial = csv_file(imports_dir, "asreview-partial-labels_asreview.csv")
    assert [r.raw_values("label_included") for r in partial.records] == [
        ["1"],
        ["0"],
        [],
        [],
        ["1"],
        ["0"],
    ]
    assert labelled.records[0].authors[0].display() == "Marx, Karl"


def test_semicolon_and_tab_files_read_the_same(imports_dir):
    semicolon = csv_file(imports_dir, "generic-semicolon_asreview.csv").records
    tab = csv_file(imports_dir, "generic-tab_asreview.tsv").records
    assert [(r.title, r.year, r.authors) for r in semicolon] == [
        (r.title, r.year, r.authors) for r in tab
    ]
    assert semicolon[0].issn == ("1932-6208",) and semicolon[0].date == "2014//"
