"""RIS reader and writer: record counts, every quirk of the shared exports, round trips.

Tests that use ``imports_dir`` read the real exports in ``../shared/data/imports/ris``; the
``local`` tests read small MIT/Apache copies in ``tests/data/formats`` (see
``tests/data/SOURCES.md``) so the key quirks stay pinned without ``../shared``.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
import rispy

from cen_search.fields import squash
from cen_search.formats import read_file, ris
from cen_search.formats._build import type_table
from cen_search.formats._ris_write import databases_of
from cen_search.formats.base import Source
from cen_search.models import Author, Pages, Provenance, Record, RecordType

LOCAL = Path(__file__).parent / "data" / "formats"

# Record counts a careful reader finds, file by file. SOURCES.md counts ``ER`` lines (plus
# ``TY`` where different); where that differs from what is true, the reason is given.
RIS_COUNTS = {
    "apa-psycnet_colrev.ris": 1,
    "asreview-labels-in-N1_asreview.ris": 32,
    "bom-minimal_rispy.ris": 1,
    # 1 ER, 0 TY: the tags before the ER are one record that lost its TY line; it is read
    # (type unknown) with a warning naming the line, not dropped.
    "corrupted-no-ty_jabref.ris": 1,
    # ^TY finds 5 of 6 because the BOM is glued to the first TY; all 6 are records.
    "embase-com_asreview.ris": 6,
    "embase-empty-tags_rispy.ris": 1,
    # the first record is an empty "TY  -" ... "ER  -": still a record the user exported.
    "empty-and-odd-types_asreview.ris": 61,
    "empty-values_asreview.ris": 4,
    "faulty-year_asreview.ris": 1,
    "ieee-xplore-mixed-eol_litstudy.ris": 25,
    "ieee-xplore_colrev.ris": 2,
    "jstor_colrev.ris": 4,
    "leading-blank-lines-empty-er_jabref.ris": 1,
    # 100 ER but 99 ^TY: the BOM again; 100 records.
    "lens_asreview-baseline.ris": 100,
    "many-authors-one-record_asreview.ris": 1,
    "mixed-scopus-lens_asreview-issue1099.txt": 7,
    # "ER then second line" is a continuation line, not an end tag: 3 records, not 4.
    "multiline-values_rispy.ris": 3,
    "ovid-psycinfo-via-zotero_asreview.ris": 6,
    # the NL tag after each ER belongs to the record before it, not to a new record.
    "ovid-psycinfo_asreview.ris": 6,
    "proquest-abi-inform_colrev.ris": 2,
    "proquest_asreview.ris": 6,
    "pubmed-via-endnote_asreview.txt": 6,
    "pubmed-via-zotero_asreview.ris": 6,
    "rayyan-multiline-kw_asreview-issue992.txt": 19,
    "record-headers-extraneous_rispy.ris": 2,
    "sciencedirect_jabref.ris": 1,
    "scifinder-caplus_jabref.ris": 1,
    "scopus_asreview.ris": 6,
    "trid_colrev.ris": 3,
    "utf8-chars-bom_rispy.ris": 1,
    "wiley-single_prisma2020.ris": 1,
    "wos-ris_asreview.txt": 10,
    "zotero-notes-xhtml_asreview.ris": 4,
    "zotero_asreview-baseline.ris": 100,
}

ROUND_TRIP_FIELDS = (
    "type",
    "title",
    "year",
    "container",
    "container_abbrev",
    "volume",
    "issue",
    "doi",
    "pmid",
    "pmcid",
    "issn",
    "isbn",
    "abstract",
    "keywords",
    "language",
    "urls",
    "accession_numbers",
    "publisher",
)


def read(path: Path, **kwargs: str):
    return read_file(path, format="ris", **kwargs)


def read_text(text: str, name: str = "t.ris"):
    return ris.read(text, Source(file=name, sha256="0" * 64, encoding="utf-8"))


def by_key(result, key: str) -> Record:
    return next(r for r in result.records if r.key == key)


@pytest.fixture(params=["shared", "local"])
def ris_dir(request: pytest.FixtureRequest) -> Path:
    """The real ``ris/`` exports, and the small copies of some of them in tests/data."""
    if request.param == "local":
        return LOCAL
    return request.getfixturevalue("imports_dir") / "ris"


# --- counts ------------------------------------------------------------------------------


def test_every_shared_ris_file_has_a_decided_count(imports_dir: Path) -> None:
    names = {p.name for p in (imports_dir / "ris").iterdir()}
    assert names == set(RIS_COUNTS)


@pytest.mark.parametrize("name", sorted(RIS_COUNTS))
def test_ris_reader_finds_the_true_record_count(imports_dir: Path, name: str) -> None:
    result = read(imports_dir / "ris" / name)
    assert len(result.records) == RIS_COUNTS[name]
    assert [r.provenance.index for r in result.records] == list(range(1, RIS_COUNTS[name] + 1))
    assert not result.skipped


# --- quirks ------------------------------------------------------------------------------


def test_ris_reader_keeps_record_after_bom(imports_dir: Path) -> None:
    result = read(imports_dir / "ris" / "embase-com_asreview.ris")
    assert result.encoding == "utf-8-sig"
    first = result.records[0]
    assert first.raw[0] == ("TY", "JOUR")
    assert first.provenance.line == 1
    assert first.title.startswith("Duplication cysts")


def test_ris_reader_keeps_record_after_bom_in_minimal_file(ris_dir: Path) -> None:
    result = read(ris_dir / "bom-minimal_rispy.ris")
    assert len(result.records) == 1
    assert result.records[0].doi == "10.1186/s40981-020-0316-0"


def test_ris_reader_reads_bom_glued_tag_when_text_is_passed_directly() -> None:
    parsed = read_text("\ufeffTY  - JOUR\nTI  - After a BOM\nER  - \n")
    assert [r.title for r in parsed.records] == ["After a BOM"]


def test_ris_reader_handles_crlf_and_stray_bare_cr_between_records(imports_dir: Path) -> None:
    result = read(imports_dir / "ris" / "ieee-xplore-mixed-eol_litstudy.ris")
    assert len(result.records) == 25
    # "\r\n\n\r" between records: three line breaks, so record 2 starts on line 27 as an
    # editor shows it, and its first field is TY (the stray CR did not glue onto it).
    assert [r.provenance.line for r in result.records[:3]] == [1, 27, 63]
    assert all(r.raw[0][0] == "TY" for r in result.records)
    assert not result.warnings


def test_ris_reader_handles_mixed_crlf_and_lf(imports_dir: Path) -> None:
    lens = read(imports_dir / "ris" / "lens_asreview-baseline.ris")
    assert len(lens.records) == 100
    assert all("\r" not in value for r in lens.records for _, value in r.raw)
    thesis = read(imports_dir / "ris" / "proquest-abi-inform_colrev.ris")
    assert [r.type for r in thesis.records] == [RecordType.THESIS, RecordType.ARTICLE]


def test_ris_reader_handles_bare_cr_only_file() -> None:
    data = b"TY  - JOUR\rTI  - Old Mac\rER  - \r\rTY  - JOUR\rTI  - Second\rER  - \r"
    path = LOCAL.parent.parent / "tmp-cr-only.ris"
    try:
        path.write_bytes(data)
        result = read(path)
    finally:
        path.unlink(missing_ok=True)
    assert [(r.title, r.provenance.line) for r in result.records] == [("Old Mac", 1), ("Second", 5)]


def test_ris_reader_splits_untagged_keyword_lines_into_keywords(imports_dir: Path) -> None:
    result = read(imports_dir / "ris" / "rayyan-multiline-kw_asreview-issue992.txt")
    first = result.records[0]
    assert first.keywords[:4] == (
        "Health Facility Administration",
        "Joint Commission",
        "Standards",
        "Medication Errors",
    )
    assert len(first.keywords) >= 10
    # raw keeps the one KW field with its continuation lines, verbatim
    assert first.raw_values("KW")[0].split("\n")[:2] == [
        "Health Facility Administration",
        "Joint Commission",
    ]


def test_ris_reader_joins_abstract_continuation_line(imports_dir: Path) -> None:
    record = read(imports_dir / "ris" / "embase-empty-tags_rispy.ris").records[0]
    assert record.abstract.endswith(
        "Outcome measures are valuable when determining an athlete's safe return to sport..."
    )
    assert "\n" in record.raw_values("N2")[0]


def test_ris_reader_treats_er_then_line_as_text_not_end_tag(ris_dir: Path) -> None:
    result = read(ris_dir / "multiline-values_rispy.ris")
    assert len(result.records) == 3
    for record in result.records:
        assert record.abstract == ("first line, ER then second line and at the end the last line")
        assert record.notes == ("first line\n* second line\n* last line",)


def test_ris_reader_skips_record_numbers_and_provider_headers(ris_dir: Path) -> None:
    result = read(ris_dir / "record-headers-extraneous_rispy.ris")
    assert [r.title for r in result.records] == ["Title of reference", "The title of the reference"]
    assert not result.warnings  # "Record #1 of 2", "Provider:", "Content:", "1." are known
    assert result.records[0].provenance.platform == "Provider"


def test_ris_reader_takes_database_from_header_block(imports_dir: Path) -> None:
    jstor = read(imports_dir / "ris" / "jstor_colrev.ris")
    assert len(jstor.records) == 4  # the header block repeats before every record
    assert {r.provenance.database for r in jstor.records} == {"JSTOR"}
    declared = read(imports_dir / "ris" / "jstor_colrev.ris", database="JSTOR Archive")
    assert declared.records[0].provenance.database == "JSTOR Archive"


def test_ris_reader_reads_four_letter_pmid_tag(ris_dir: Path) -> None:
    record = read(ris_dir / "apa-psycnet_colrev.ris").records[0]
    assert record.pmid == "33355555"
    assert record.raw[1] == ("PMID", "33355555")
    assert record.key == "2020-55555-005"
    assert record.provenance.database == "PsycINFO"
    assert record.provenance.platform == "American Psychological Association"


def test_ris_reader_reads_final_er_without_newline(ris_dir: Path) -> None:
    data = (ris_dir / "apa-psycnet_colrev.ris").read_bytes()
    assert data.endswith(b"ER  -")
    result = read(ris_dir / "apa-psycnet_colrev.ris")
    assert len(result.records) == 1
    assert not result.warnings


def test_ris_reader_accepts_empty_tags_with_and_without_trailing_space(ris_dir: Path) -> None:
    empty = read(ris_dir / "empty-values_asreview.ris")
    assert [r.title for r in empty.records] == ["Title of reference", "", "Title of reference", ""]
    assert ("N2", "") in empty.records[0].raw  # "N2  -" with no trailing space kept in raw
    ieee = read(ris_dir / "ieee-xplore_colrev.ris").records[0]
    assert ieee.issue == "" and ieee.volume == ""
    assert ("IS", "") in ieee.raw


def test_ris_reader_reads_tags_followed_by_one_space() -> None:
    text = "TY - JOUR\nTI - One space\nAU - Smith, J\nER - \n"
    assert ris.sniff(text) >= 90
    parsed = read_text(text)
    assert [(r.title, r.type) for r in parsed.records] == [("One space", RecordType.ARTICLE)]
    assert parsed.records[0].raw[0] == ("TY", "JOUR")
    assert any("one space" in w.message for w in parsed.warnings)


def test_ris_reader_reads_nonstandard_volume_tag_vo(imports_dir: Path) -> None:
    records = read(imports_dir / "ris" / "ieee-xplore-mixed-eol_litstudy.ris").records
    assert records[0].volume == "21"


def test_ris_reader_reads_doi_from_url_forms(imports_dir: Path) -> None:
    ovid = read(imports_dir / "ris" / "ovid-psycinfo_asreview.ris").records[0]
    assert ovid.doi == "10.1002/cpp.2398"  # DO holds http://dx.doi.org/...
    wiley = read(imports_dir / "ris" / "wiley-single_prisma2020.ris").records[0]
    assert wiley.doi == "10.1002/cl2.1230"  # https://doi.org/...
    scifinder = read(imports_dir / "ris" / "scifinder-caplus_jabref.ris").records[0]
    assert scifinder.doi == "10.1016/j.powtec.2012.01.008"
    corrupted = read(LOCAL / "corrupted-no-ty_jabref.ris").records[0]
    assert corrupted.doi == "10.1023/a:1017379030770"  # only in UR, as a dx.doi.org link
    trid = read(LOCAL / "trid_colrev.ris").records
    assert all(r.doi == "" or r.doi.startswith("10.") for r in trid)


def test_ris_reader_reads_doi_from_m3_only_when_m3_is_a_doi() -> None:
    parsed = read_text(
        "TY  - JOUR\nM3  - Article\nER  - \n\nTY  - JOUR\nM3  - doi:10.1011/hea0004444\nER  - \n"
    )
    assert [r.doi for r in parsed.records] == ["", "10.1011/hea0004444"]


@pytest.mark.parametrize(
    ("name", "key", "year", "date"),
    [
        ("ovid-psycinfo_asreview.ris", "2019-65183-001", 2019, "2019//"),
        ("sciencedirect_jabref.ris", "1", 2016, "2016/12//"),
        ("scifinder-caplus_jabref.ris", "1", 2012, "2012///"),
        ("trid_colrev.ris", "01611111", 2017, "Start date: 20170812"),
    ],
)
def test_ris_reader_reads_year_from_odd_dates(
    imports_dir: Path, name: str, key: str, year: int, date: str
) -> None:
    record = by_key(read(imports_dir / "ris" / name), key)
    assert (record.year, record.date) == (year, date)


def test_ris_reader_keeps_the_month_a_later_date_tag_gives(tmp_path: Path) -> None:
    path = tmp_path / "dated.ris"
    path.write_text(
        "TY  - JOUR\nTI  - One\nPY  - 2016///\nDA  - 2016/03/15\nER  - \n\n"
        "TY  - JOUR\nTI  - Two\nPY  - 2016\nDA  - 2015/12/01\nER  - \n",
        encoding="utf-8",
    )
    one, two = read(path).records
    assert (one.year, one.date) == (2016, "2016/03/15")
    # A DA that disagrees with PY on the year does not replace it (PY is the year cited).
    assert (two.year, two.date) == (2016, "2016")


def test_ris_reader_keeps_a_month_name_a_later_date_tag_gives(imports_dir: Path) -> None:
    # found by a stranger's trial comparing every tag read with the RIS written back: IEEE
    # Xplore's "PY  - 2017" then "Y1  - Mar. 2017" (and "June 2021") gave the date "2017":
    # the most detailed date was the one with most digits, and a month name counted for
    # nothing, so the month was lost in every output
    records = read(imports_dir / "ris" / "ieee-xplore_colrev.ris").records
    assert [(r.raw_values("PY"), r.raw_values("Y1")) for r in records][1] == (
        ["2017"],
        ["Mar. 2017"],
    )
    assert (records[1].year, records[1].date) == (2017, "Mar. 2017")
    mixed = read(imports_dir / "ris" / "ieee-xplore-mixed-eol_litstudy.ris").records
    june = [r for r in mixed if r.raw_values("Y1") == ["June 2021"]]
    assert june and all((r.year, r.date) == (2021, "June 2021") for r in june)
    again = _round_trip([records[1], *june])
    assert [(r.year, r.date) for r in again] == [(2017, "2017/03//")] + [(2021, "2021/06//")] * len(
        june
    )


@pytest.mark.parametrize(
    ("date", "written"),
    [
        ("2015 Dec 1", "2015/12/01/"),
        ("2019//", "2019//"),  # already in the layout: kept
        ("1 Feb.1, 2015", "2015///1 Feb.1, 2015"),  # IEEE Xplore: the year first, text after
        ("Start date: 20170812", "2017///Start date: 20170812"),
    ],
)
def test_ris_writer_puts_the_year_first_in_every_date_it_writes(date: str, written: str) -> None:
    record = read_text(f"TY  - JOUR\nTI  - T\nY1  - {date}\nER  - \n")
    buffer = io.StringIO()
    ris.write(record.records, buffer)
    dates = [line for line in buffer.getvalue().splitlines() if line.startswith("DA  - ")]
    assert dates == [f"DA  - {written}"]
    assert rispy.loads(buffer.getvalue())[0]["date"] == written


def test_ris_reader_reads_year_from_conference_date_range(ris_dir: Path) -> None:
    records = read(ris_dir / "ieee-xplore_colrev.ris").records
    assert records[0].raw_values("Y1") == ["4-8 Aug. 2020"]
    assert records[0].year == 2020


def test_ris_reader_warns_about_date_without_year(imports_dir: Path) -> None:
    result = read(imports_dir / "ris" / "faulty-year_asreview.ris")
    record = result.records[0]
    assert record.year is None and record.date == "10 15"
    assert any("10 15" in w.message and w.record_index == 1 for w in result.warnings)


def test_ris_reader_splits_accession_number_holding_two_ids(imports_dir: Path) -> None:
    record = read(imports_dir / "ris" / "proquest_asreview.ris").records[0]
    assert record.raw_values("AN") == ["2214991469; 51887"]
    assert record.accession_numbers == ("2214991469", "51887")
    assert record.pmid == ""
    assert record.key == "2214991469; 51887"  # no ID: AN is the key, verbatim


def test_ris_reader_strips_issn_suffix(imports_dir: Path) -> None:
    record = read(imports_dir / "ris" / "scopus_asreview.ris").records[0]
    assert record.raw_values("SN") == ["03064530 (ISSN)"]
    assert record.issn == ("0306-4530",)


def test_ris_reader_reads_isbn_of_a_thesis(imports_dir: Path) -> None:
    record = read(imports_dir / "ris" / "proquest-abi-inform_colrev.ris").records[0]
    assert record.isbn == ("9798373627394",)
    assert record.issn == ()


def test_ris_reader_parses_initials_first_names(imports_dir: Path) -> None:
    record = read(imports_dir / "ris" / "ieee-xplore-mixed-eol_litstudy.ris").records[0]
    assert record.authors[0] == Author(raw="G. Kalbe", family="Kalbe", given="G.", initials="G")


def test_ris_reader_parses_name_without_space_after_comma(ris_dir: Path) -> None:
    record = read(ris_dir / "leading-blank-lines-empty-er_jabref.ris").records[0]
    assert record.provenance.line == 6  # five blank lines before the first TY
    # the trailing space is not part of the value: raw values are right-stripped
    assert record.authors[0] == Author(raw="Shi,Yu", family="Shi", given="Yu", initials="Y")


def test_ris_reader_reads_all_7456_authors_of_one_record(imports_dir: Path) -> None:
    record = read(imports_dir / "ris" / "many-authors-one-record_asreview.ris").records[0]
    assert len(record.authors) == 7456
    assert len(record.raw_values("AU")) == 7456


def test_ris_reader_reads_record_without_ty_with_a_warning(ris_dir: Path) -> None:
    result = read(ris_dir / "corrupted-no-ty_jabref.ris")
    assert len(result.records) == 1
    record = result.records[0]
    assert record.title == "Editorial: Open Source and Empirical Software Engineering"
    assert record.type == RecordType.OTHER
    warning = next(w for w in result.warnings if "no TY" in w.message)
    assert warning.location().endswith("corrupted-no-ty_jabref.ris:2")
    assert warning.record_index == 1


def test_ris_reader_keeps_ovid_trailing_nl_with_its_record(imports_dir: Path) -> None:
    result = read(imports_dir / "ris" / "ovid-psycinfo_asreview.ris")
    first = result.records[0]
    assert first.raw[-1] == ("NL", "Clin Psychol Psychother")
    assert first.container_abbrev == "Clin Psychol Psychother"
    messages = [w.message for w in result.warnings]
    assert any("tags after ER" in m for m in messages)
    assert any("Link to the Ovid Full Text" in m for m in messages)  # not dropped silently


def test_ris_reader_warns_about_record_without_er() -> None:
    parsed = read_text("TY  - JOUR\nTI  - One\nTY  - BOOK\nTI  - Two\nER  - \n")
    assert [r.title for r in parsed.records] == ["One", "Two"]
    assert any("no ER" in w.message and w.line == 1 for w in parsed.warnings)


def test_ris_reader_warns_about_er_before_any_record() -> None:
    parsed = read_text("ER  - \nTY  - JOUR\nTI  - x\nER  - \n")
    assert [r.title for r in parsed.records] == ["x"]
    assert [(w.line, "ER without a record" in w.message) for w in parsed.warnings] == [(1, True)]


def test_ris_reader_warns_when_file_ends_inside_a_record() -> None:
    parsed = read_text("TY  - JOUR\nTI  - Cut off\n")
    assert [r.title for r in parsed.records] == ["Cut off"]
    assert any("ends before the ER" in w.message for w in parsed.warnings)


def test_ris_reader_reports_text_outside_records_with_its_line() -> None:
    parsed = read_text("TY  - JOUR\nTI  - A\nER  - \nstray words\nTY  - JOUR\nER  - \n")
    assert len(parsed.records) == 2
    assert [(w.line, "stray words" in w.message) for w in parsed.warnings] == [(4, True)]


def test_ris_reader_reads_empty_record_with_a_warning(imports_dir: Path) -> None:
    result = read(imports_dir / "ris" / "empty-and-odd-types_asreview.ris")
    assert result.records[0].raw == (("TY", ""),)
    assert any(w.record_index == 1 and "empty" in w.message for w in result.warnings)


def test_ris_reader_maps_every_type_code_of_the_odd_types_file(imports_dir: Path) -> None:
    result = read(imports_dir / "ris" / "empty-and-odd-types_asreview.ris")
    types = {r.raw_values("TY")[0]: r.type for r in result.records if r.raw_values("TY")[0]}
    assert types["THES"] == RecordType.THESIS
    assert types["CHAP"] == RecordType.CHAPTER
    assert types["CONF"] == RecordType.CONFERENCE_PAPER
    assert types["ABST"] == RecordType.CONFERENCE_ABSTRACT
    assert types["RPRT"] == RecordType.REPORT
    assert types["WEB"] == RecordType.WEBPAGE
    # every code in the file is known: no "unknown reference type" warning
    assert not [w for w in result.warnings if "unknown reference type" in w.message]


def test_ris_type_table_covers_every_rispy_type_code() -> None:
    assert set(rispy.TYPE_OF_REFERENCE_MAPPING) <= set(type_table("ris_types"))


def test_ris_reader_reads_spelled_out_type_as_document_type() -> None:
    record = read_text("TY  - Journal Article\nTI  - x\nER  - \n").records[0]
    assert record.type == RecordType.ARTICLE


def test_ris_reader_refines_type_from_document_type_label(imports_dir: Path) -> None:
    record = read(imports_dir / "ris" / "scopus_asreview.ris").records[0]
    assert record.raw_values("M3") == ["Review"]
    assert record.type == RecordType.REVIEW


def test_ris_reader_reads_pmid_where_databases_put_it(imports_dir: Path) -> None:
    embase = read(imports_dir / "ris" / "embase-com_asreview.ris").records[1]
    assert (embase.raw_values("C5"), embase.pmid) == (["15368318"], "15368318")
    scopus = read(imports_dir / "ris" / "scopus_asreview.ris").records[1]
    assert scopus.pmid == scopus.raw_values("C2")[0] == "31421429"
    endnote = read(imports_dir / "ris" / "pubmed-via-endnote_asreview.txt").records[0]
    assert (endnote.pmid, endnote.accession_numbers) == ("21553931", ())
    assert "1179-1926" in endnote.issn  # EndNote puts the ISSN on N1's first line


def test_ris_reader_does_not_take_other_accession_numbers_for_pmids(imports_dir: Path) -> None:
    trid = read(imports_dir / "ris" / "trid_colrev.ris").records[0]
    assert (trid.pmid, trid.accession_numbers) == ("", ("01611111",))
    wos = read(imports_dir / "ris" / "wos-ris_asreview.txt").records[0]
    assert wos.accession_numbers == ("WOS:000444108200009",)
    embase = read(imports_dir / "ris" / "embase-com_asreview.ris").records[0]
    assert embase.accession_numbers == ("L373791783",)  # U2: the Embase id


def test_ris_reader_strips_xhtml_from_zotero_notes(imports_dir: Path) -> None:
    records = read(imports_dir / "ris" / "zotero-notes-xhtml_asreview.ris").records
    assert {r.notes for r in records} == {
        ("XHTML tags should be stripped, leaving content intact.",)
    }
    assert records[0].raw_values("N1") == [
        "<p>XHTML</p> tags should be stripped, leaving content intact."
    ]


def test_ris_reader_ignores_pandas_nan_in_mapped_fields(imports_dir: Path) -> None:
    records = read(imports_dir / "ris" / "zotero_asreview-baseline.ris").records
    record = next(r for r in records if ("EP", "nan") in r.raw and r.raw_values("IS") == ["nan"])
    assert record.issue == ""
    assert record.pages.end == ""


def test_ris_reader_keeps_page_ranges_and_article_numbers_apart(imports_dir: Path) -> None:
    trid = read(LOCAL / "trid_colrev.ris").records
    pp = next(r for r in trid if r.raw_values("SP") == ["pp 37-64"])
    assert (pp.pages.start, pp.pages.end) == ("37", "64")
    endnote = read(imports_dir / "ris" / "pubmed-via-endnote_asreview.txt").records[0]
    assert (endnote.pages.start, endnote.pages.end) == ("349", "369")  # "349-69"
    headers = read(LOCAL / "record-headers-extraneous_rispy.ris").records[0]
    assert headers.pages == Pages(raw="e0815", article_number="e0815")


# --- raw fields and provenance -----------------------------------------------------------


@pytest.mark.parametrize("name", sorted(RIS_COUNTS))
def test_ris_reader_keeps_every_tag_line_in_raw_in_order(imports_dir: Path, name: str) -> None:
    result = read(imports_dir / "ris" / name)
    text = (imports_dir / "ris" / name).read_bytes().decode(result.encoding)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    expected = [
        line[:4].rstrip() if line[4:7] == "  -" else line[:2]
        for line in text.split("\n")
        if ris._TAG.match(line) and not line.startswith("ER  -")
    ]
    assert [tag for r in result.records for tag, _ in r.raw] == expected


def test_ris_reader_fills_provenance(imports_dir: Path) -> None:
    path = imports_dir / "ris" / "record-headers-extraneous_rispy.ris"
    result = read(path, database="Example DB", searched="2024-05-01")
    second = result.records[1]
    assert second.provenance == Provenance(
        file=str(path),
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
        format="ris",
        encoding="utf-8",
        index=2,
        line=33,
        key="12345",
        database="Example DB",
        platform="Provider",
        searched="2024-05-01",
    )
    assert path.read_text().split("\n")[32] == "TY  - JOUR"


def test_ris_reader_uses_index_as_key_without_id_or_an(imports_dir: Path) -> None:
    records = read(imports_dir / "ris" / "zotero_asreview-baseline.ris").records
    assert [r.key for r in records[:3]] == ["1", "2", "3"]


# --- sniffing ----------------------------------------------------------------------------


def test_ris_sniffer_is_confident_for_ris_and_silent_for_other_tagged_formats() -> None:
    assert ris.sniff("TY  - JOUR\nTI  - x\nER  - \n") >= 90
    assert ris.sniff("PMID- 1\nOWN - NLM\nTI  - x\nAU  - Smith J\n") == 0
    assert ris.sniff("FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nER\n") == 0
    assert ris.sniff("%0 Journal Article\n%T x\n") == 0
    assert ris.sniff("@article{key,\n  title = {TY  - JOUR}\n}\n") == 0
    assert ris.sniff("title,authors\nx,y\n") == 0


# --- writing -----------------------------------------------------------------------------


def _round_trip(records: list[Record]) -> list[Record]:
    buffer = io.StringIO()
    assert ris.write(records, buffer) == len(records)
    return read_text(buffer.getvalue(), "written.ris").records


@pytest.mark.parametrize("name", sorted(RIS_COUNTS))
def test_ris_round_trip_gives_back_the_mapped_fields(imports_dir: Path, name: str) -> None:
    records = list(read(imports_dir / "ris" / name).records)
    again = _round_trip(records)
    assert len(again) == len(records)
    # ID is the record's key, made unique within the file (a key seen before gets "-2" ...)
    assert len({r.key for r in again}) == len(again)
    seen: set[str] = set()
    for before, after in zip(records, again, strict=True):
        assert after.key == before.key or (before.key in seen and after.key.startswith(before.key))
        seen.add(before.key)
        for field in ROUND_TRIP_FIELDS:
            assert getattr(after, field) == getattr(before, field), (before.key, field)
        # DB names the database declared or detected for the file too; values are one line
        assert after.database.split("; ") == databases_of(before) or not databases_of(before)
        assert [squash(n) for n in after.notes] == [squash(n) for n in before.notes]
        assert after.platform == (before.platform or before.provenance.platform)
        assert [a.raw for a in after.authors] == [a.raw.strip() for a in before.authors]
        assert [a.family for a in after.authors] == [a.family for a in before.authors]
        assert (after.pages.start, after.pages.end, after.pages.article_number) == (
            before.pages.start,
            before.pages.end,
            before.pages.article_number,
        )


def test_ris_writer_writes_standard_tags_from_mapped_fields() -> None:
    record = Record(
        provenance=Provenance("x.nbib", "0" * 64, "medline", "utf-8", 1, 1, key="123"),
        raw=(("PMID", "123"), ("XX", "not written: not RIS")),
        type=RecordType.REVIEW,
        title="A title",
        authors=(Author("Smith JA", "Smith", "JA", "JA"), Author("Jones, B.", "Jones", "B.", "B")),
        year=2020,
        date="2020 Mar",
        container="Journal of Things",
        volume="3",
        issue="2",
        pages=Pages(raw="10-9", start="10", end="19"),
        doi="10.1000/xyz",
        pmid="123",
        pmcid="PMC9",
        keywords=("one", "two"),
    )
    buffer = io.StringIO()
    assert ris.write([record], buffer) == 1
    lines = buffer.getvalue().splitlines()
    assert lines[0] == "TY  - JOUR"
    for line in (
        "TI  - A title",
        "AU  - Smith, JA",  # (MEDLINE's "Smith JA" with RIS's comma after the family name)
        "AU  - Jones, B.",
        "PY  - 2020",
        "DA  - 2020/03//",  # RIS date layout
        "T2  - Journal of Things",
        "VL  - 3",
        "IS  - 2",
        "SP  - 10",
        "EP  - 19",
        "DO  - 10.1000/xyz",
        "AN  - PMID:123",
        "KW  - one",
        "KW  - two",
        "M3  - Review",
        "C2  - PMC9",
        "ER  - ",
    ):
        assert line in lines
    assert not any(line.startswith("XX") for line in lines)
    again = read_text(buffer.getvalue()).records[0]
    assert (again.type, again.pmid, again.pmcid, again.year) == (
        RecordType.REVIEW,
        "123",
        "PMC9",
        2020,
    )


def test_ris_writer_keeps_unknown_tags_of_records_read_from_ris(ris_dir: Path) -> None:
    record = read(ris_dir / "embase-empty-tags_rispy.ris").records[0]
    buffer = io.StringIO()
    ris.write([record], buffer)
    assert "PB  - SAGE Publications Ltd (E-mail: info@sagepub.co.uk)" in buffer.getvalue()
    apa = read(ris_dir / "apa-psycnet_colrev.ris").records[0]
    buffer = io.StringIO()
    ris.write([apa], buffer)
    text = buffer.getvalue()
    assert "CY  - US" in text and "AD  - Author-One, Matthias: Department" in text


def test_ris_writer_keeps_an_m3_that_is_neither_the_doi_nor_a_type_it_read(
    imports_dir: Path,
) -> None:
    # found by a stranger's trial comparing every tag read with the RIS written back: M3 and
    # L3 feed the DOI (only when the whole value is one) and M3 the type (only when it names a
    # known type), so the writer counted them as mapped and dropped every other value: Ovid
    # PsycInfo's classification ("Health & Mental Health Treatment & Prevention [3300]"),
    # ProQuest's degree ("Ed.D."), TRID's "Web" were lost
    kept = {
        "ovid-psycinfo_asreview.ris": "Health & Mental Health Treatment & Prevention [3300]",
        "proquest-abi-inform_colrev.ris": "Ed.D.",
        "trid_colrev.ris": "Web",
    }
    for name, value in kept.items():
        records = list(read(imports_dir / "ris" / name).records)
        buffer = io.StringIO()
        ris.write(records, buffer)
        assert f"M3  - {value}\n" in buffer.getvalue(), name
        again = read_text(buffer.getvalue(), "written.ris").records
        before = [v for r in records for v in r.raw_values("M3")]
        after = [v for r in again for v in r.raw_values("M3")]
        assert after == before, name
        assert [r.type for r in again] == [r.type for r in records]
    # an M3 that is the DOI is written once, as DO
    (record,) = read(imports_dir / "ris" / "scifinder-caplus_jabref.ris").records
    buffer = io.StringIO()
    ris.write([record], buffer)
    assert "M3  -" not in buffer.getvalue() and f"DO  - {record.doi}\n" in buffer.getvalue()


def test_endnotes_go_to_isi_link_is_one_url_not_split_at_its_blanks(imports_dir: Path) -> None:
    # found by a stranger's trial comparing every tag read with the RIS written back: the
    # Rayyan export's "UR  - <Go to ISI>://WOS:000298449100001" (EndNote's Web of Science
    # link) was split at its blanks into the URLs "<Go", "to" and "ISI>://WOS:...", written
    # as three UR lines (three EndNote XML urls, ...)
    records = read(imports_dir / "ris" / "rayyan-multiline-kw_asreview-issue992.txt").records
    linked = [r for r in records if "<Go to ISI>://WOS:000298449100001" in r.raw_values("UR")]
    assert len(linked) == 1
    assert linked[0].urls == ("<Go to ISI>://WOS:000298449100001",)
    buffer = io.StringIO()
    ris.write(linked, buffer)
    assert [line for line in buffer.getvalue().splitlines() if line.startswith("UR")] == [
        "UR  - <Go to ISI>://WOS:000298449100001"
    ]
    assert _round_trip(linked)[0].urls == linked[0].urls


def test_ris_writer_writes_each_value_on_one_line_so_no_line_looks_like_a_tag() -> None:
    record = read_text("TY  - JOUR\nN1  - first\n   AB  - looks like a tag\nER  - \n").records[0]
    assert record.notes == ("first\nAB  - looks like a tag",)
    buffer = io.StringIO()
    ris.write([record], buffer)
    assert "N1  - first AB - looks like a tag\n" in buffer.getvalue()
    again = _round_trip([record])[0]
    assert again.notes == ("first AB - looks like a tag",)
    assert again.abstract == ""


def test_ris_writer_writes_blank_line_between_records_and_no_numbering(ris_dir: Path) -> None:
    records = read(ris_dir / "record-headers-extraneous_rispy.ris").records
    buffer = io.StringIO()
    ris.write(records, buffer)
    text = buffer.getvalue()
    assert "\nER  - \n\nTY  - " in text
    assert "1." not in text.split("\n")


def test_ris_reader_splits_an_author_list_glued_into_one_au_line() -> None:
    # What benchmark and spreadsheet conversions write when the author column held a list.
    parsed = read_text(
        "TY  - JOUR\nAU  - Adeli K., Lewis G. F., Smith J.\nTI  - One\nER  - \n"
        "TY  - JOUR\nAU  - Adeli K.Lewis G. F.\nTI  - Two\nER  - \n"
        "TY  - JOUR\nAU  - Smith, John\nAU  - van der Berg, J. A.\nTI  - Three\nER  - \n"
    )
    families = [[a.family for a in r.authors] for r in parsed.records]
    assert families == [["Adeli", "Lewis", "Smith"], ["Adeli", "Lewis"], ["Smith", "van der Berg"]]
