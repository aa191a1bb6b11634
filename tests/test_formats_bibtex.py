"""BibTeX/BibLaTeX reader and writer: each quirk pinned on a small hand-written fixture
(``tests/data/formats/quirks.bib``) or an inline snippet. Real exports are in
``test_shared_imports_bibtex_csv.py``."""

from __future__ import annotations

import io

import pytest

from cen_search.errors import FileFormatError
from cen_search.formats import bibtex, read_file, read_text
from cen_search.formats.base import Source
from cen_search.models import Author, Pages, Provenance, Record, RecordType
from tests.conftest import TEST_DATA

QUIRKS = TEST_DATA / "formats" / "quirks.bib"
SOURCE = Source(file="snippet.bib", sha256="0" * 64, encoding="utf-8")


def read(text: str) -> bibtex.Parsed:
    return bibtex.read(text, SOURCE)


@pytest.fixture(scope="module")
def quirks():
    return read_file(QUIRKS)


def test_bibtex_reader_reads_every_entry_of_the_quirks_file_and_skips_the_broken_one(quirks):
    assert [r.key for r in quirks.records] == [
        "smith2019",
        "doi:10.1000/xyz/1",
        "3",
        "4",
        "smith2019",
        "site2021",
        "noComma2022",
    ]
    assert len(quirks.skipped) == 1
    skip = quirks.skipped[0]
    assert skip.skipped and skip.line == 45 and "broken2020" in skip.message
    assert "syntax error near line 49" in skip.message


def test_bibtex_reader_gives_1_based_start_lines(quirks):
    assert [r.provenance.line for r in quirks.records] == [9, 23, 30, 36, 38, 50, 57]


def test_bibtex_raw_keeps_entrytype_and_id_first_then_fields_as_written(quirks):
    first = quirks.records[0]
    assert first.raw[:2] == (("ENTRYTYPE", "article"), ("ID", "smith2019"))
    raw = dict(first.raw)
    assert raw["title"] == r"A {{Randomised}} Trial of {\'e}t{\'e} \textit{in vivo}: 50% better"
    assert raw["journal"] == "jcp # { (Suppl.)}"
    assert raw["month"] == "mar"
    assert raw["publisher"] == "ed"
    book = quirks.records[1]
    assert book.raw[0] == ("ENTRYTYPE", "Book")
    assert ("Publisher", "Acme & Sons") in book.raw


def test_bibtex_title_latex_is_decoded_and_percent_is_text(quirks):
    assert quirks.records[0].title == "A Randomised Trial of été in vivo: 50% better"


def test_bibtex_string_macros_and_concatenation_are_resolved(quirks):
    first = quirks.records[0]
    assert first.container == "J. Clin. Psychol. (Suppl.)"
    assert first.publisher == "Wiley"


def test_bibtex_bare_month_macro_goes_into_the_date(quirks):
    assert quirks.records[0].date == "2019 March"
    assert quirks.records[0].year == 2019


def test_bibtex_authors_use_bibtex_name_rules_and_braces_mean_organisation(quirks):
    authors = quirks.records[0].authors
    assert authors[0] == Author(
        raw="Smith, John A.", family="Smith", given="John A.", initials="JA"
    )
    assert authors[1].organisation and authors[1].family == "World Health Organization"
    assert authors[2].family == "van der Berg" and authors[2].given == "Anna"


def test_bibtex_pages_doi_and_keywords_are_cleaned(quirks):
    first = quirks.records[0]
    assert first.pages == Pages(raw="101--9", start="101", end="109")
    assert first.doi == "10.1000/abc.123"
    assert first.keywords == ("trials", "outcomes, adults")


def test_bibtex_round_paren_entry_with_doi_key_is_read(quirks):
    book = quirks.records[1]
    assert book.type is RecordType.BOOK
    assert book.title == "A Book in Round Parentheses"
    assert book.doi == "10.1000/xyz/1"  # from the key, the entry has no doi field


def test_bibtex_entries_without_key_use_their_index_and_warn(quirks):
    keyless = [r for r in quirks.records if dict(r.raw)["ID"] == ""]
    assert [r.key for r in keyless] == ["3", "4"]
    messages = [w for w in quirks.warnings if "no citation key" in w.message]
    assert [w.line for w in messages] == [30, 36]


def test_bibtex_duplicate_keys_keep_both_records_and_warn_with_both_lines(quirks):
    both = [r for r in quirks.records if r.key == "smith2019"]
    assert len(both) == 2
    warning = next(w for w in quirks.warnings if "used again" in w.message)
    assert warning.line == 38 and "line 9" in warning.message


def test_bibtex_non_standard_type_comma_first_and_note_pmid(quirks):
    page = quirks.records[5]
    assert page.type is RecordType.WEBPAGE
    assert page.urls == ("https://example.org/page?a=1&b=2",)
    assert page.pmid == "12345678"


def test_bibtex_capitalised_fields_and_missing_last_comma(quirks):
    last = quirks.records[6]
    assert (last.title, last.year, last.container) == (
        "Capitalised field names",
        2022,
        "Last field without a comma",
    )


def test_bibtex_undefined_macro_is_kept_and_reported_once_per_macro():
    parsed = read(
        "@article{a, journal = AIJ, year = 1990}\n@article{b, journal = AIJ, year = 1991}\n"
    )
    assert [r.container for r in parsed.records] == ["AIJ", "AIJ"]
    [warning] = [w for w in parsed.warnings if "macro" in w.message]
    assert "'AIJ'" in warning.message and "2 time(s)" in warning.message and warning.line == 1


def test_bibtex_full_month_names_need_no_macro():
    parsed = read("@article{a, year = 1980, month = September}\n")
    assert parsed.records[0].date == "1980 September"
    assert not parsed.warnings


def test_bibtex_duplicate_field_keeps_both_in_raw_and_uses_the_first():
    parsed = read("@article{a,\n  title = {First},\n  title = {Second}\n}\n")
    record = parsed.records[0]
    assert record.title == "First"
    assert record.raw_values("title") == ["First", "Second"]
    assert any("more than once" in w.message for w in parsed.warnings)


def test_bibtex_percent_inside_value_is_not_a_comment():
    parsed = read("@article{a, abstract = {Up 50% in 2019, down 5%\nlater}, year = 2019}\n")
    assert parsed.records[0].abstract == "Up 50% in 2019, down 5% later"


def test_bibtex_html_entities_from_web_of_science_are_decoded():
    parsed = read("@article{a, title = {A dummy title&apos;s}, note = {x \\&amp; y}}\n")
    assert parsed.records[0].title == "A dummy title's"
    assert parsed.records[0].notes == ("x &amp; y",)  # an escaped & is a literal &


def test_bibtex_mojibake_is_kept_as_is_without_crashing():
    parsed = read("@article{a, abstract = {400-500\u00c2\u00a0nm films}, year = 2009}\n")
    assert parsed.records[0].abstract == "400-500\u00c2\u00a0nm films"
    assert dict(parsed.records[0].raw)["abstract"] == "400-500\u00c2\u00a0nm films"


def test_bibtex_junior_suffix_is_not_read_as_a_given_name():
    parsed = read("@book{a, author = {Richard H. Granger, Jr and Sherry, Jr.}}\n")
    first, second = parsed.records[0].authors
    assert (first.family, first.given) == ("Granger", "Richard H.")
    assert (second.family, second.given) == ("Sherry", "")


def test_bibtex_family_first_initials_are_understood():
    parsed = read("@article{a, author = {Nayyar A. and Smith, J.}}\n")
    first = parsed.records[0].authors[0]
    assert (first.family, first.initials) == ("Nayyar", "A")


def test_bibtex_document_type_refines_the_entry_type():
    parsed = read("@article{a, title = {t}, document_type = {Review}}\n")
    assert parsed.records[0].type is RecordType.REVIEW


def test_bibtex_unknown_entry_type_reads_as_other_with_one_warning():
    parsed = read("@podcast{a, title = {one}}\n@podcast{b, title = {two}}\n")
    assert [r.type for r in parsed.records] == [RecordType.OTHER, RecordType.OTHER]
    assert len([w for w in parsed.warnings if "@podcast" in w.message]) == 1


def test_bibtex_stray_fields_outside_an_entry_are_reported():
    parsed = read("@article{a, title = {x}}\n  journal = {Lost},\n  year = {2001}\n")
    assert any("outside any entry" in w.message and w.line == 2 for w in parsed.warnings)


def test_bibtex_text_without_entries_is_not_bibtex():
    with pytest.raises(FileFormatError, match="no BibTeX entries"):
        read("TY  - JOUR\nTI  - Not BibTeX\nER  - \n")


def test_bibtex_empty_file_reads_as_no_records():
    assert read("").records == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("@article{a,\n title={x}}", 95),
        ("% JabRef header\nfree text\n\n@Book(key,\n title = {x})", 95),
        ("\t@article{\n\t  author = {A}}", 90),
        ("@string{x = {y}}\n", 60),
        ("TY  - JOUR\nAB  - see @article{x, ...}\nER  - \n", 0),
        ("PMID- 123\nTI  - x\n", 0),
        ("FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\n", 0),
        ("title,authors\nx,y\n", 0),
    ],
)
def test_bibtex_sniff_scores_content(text: str, expected: int):
    assert bibtex.sniff(text) == expected


def _record(**fields: object) -> Record:
    prov = Provenance(
        file="x.ris", sha256="a" * 64, format="ris", encoding="utf-8", index=7, line=1, key="7"
    )
    return Record(provenance=prov, **fields)  # type: ignore[arg-type]


def person(family: str, given: str) -> Author:
    return Author(raw=f"{family}, {given}", family=family, given=given)


def test_bibtex_writer_generates_stable_unique_keys():
    records = [
        _record(title="The Title of It", year=2019, authors=(person("Smith", "J"),)),
        _record(title="Title again", year=2019, authors=(person("Smith", "K"),)),
        _record(title="Étude", year=2020, authors=(person("Müller", "A"),)),
    ]
    out = io.StringIO()
    assert bibtex.write(records, out) == 3
    text = out.getvalue()
    assert "@article{smith2019title," not in text  # type other -> misc
    assert "@misc{smith2019title," in text and "@misc{smith2019titlea," in text
    assert "@misc{muller2020etude," in text


def test_bibtex_writer_escapes_latex_specials_and_reads_them_back():
    title = "A & B: 50% of $5 #1 a_b {braces} back\\slash ~ ^ -- ``q''"
    record = _record(title=title, year=2001, type=RecordType.ARTICLE)
    out = io.StringIO()
    bibtex.write([record], out)
    assert r"A \& B: 50\% of \$5 \#1 a\_b \{braces\}" in out.getvalue()
    back = read(out.getvalue()).records[0]
    assert back.title == title


def test_bibtex_writer_keeps_an_own_key_and_passes_through_unmapped_fields():
    parsed = read("@book{Key:1, title = {T}, editor = {Ed, A}, address = {London}}\n")
    out = io.StringIO()
    bibtex.write(parsed.records, out)
    text = out.getvalue()
    assert "@book{Key:1," in text
    assert "editor = {Ed, A}" in text and "address = {London}" in text


def test_bibtex_writer_marks_organisations_with_braces():
    record = _record(
        authors=(
            Author(
                raw="Cochrane Collaboration", family="Cochrane Collaboration", organisation=True
            ),
        )
    )
    out = io.StringIO()
    bibtex.write([record], out)
    assert "author = {{Cochrane Collaboration}}" in out.getvalue()
    assert read(out.getvalue()).records[0].authors[0].organisation


def test_bibtex_reads_non_utf8_files_through_the_registry(tmp_path):
    path = tmp_path / "legacy.bib"
    path.write_bytes("@article{k, title = {Caf\u00e9 \u00fcber}, year = 2001}\n".encode("cp1252"))
    result = read_file(path)
    assert result.encoding == "cp1252"
    assert result.records[0].title == "Café über"


def test_bibtex_read_text_detects_bibtex():
    result = read_text("% comment\n@article{a, title = {x}}\n", SOURCE)
    assert result.format == "bibtex" and len(result.records) == 1
