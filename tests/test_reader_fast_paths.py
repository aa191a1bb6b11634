"""The readers' fast paths give exactly what the general code gives.

RIS records, author names, ISSNs, years, keywords and URLs each have a fast path for their
commonest form (see the modules); these tests run both paths on real values from the shared
exports and the dedupe sets and on edge cases, and check that the fast paths are taken.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

import cen_search.names as names
from cen_search import fields
from cen_search._slots import constructor
from cen_search.errors import CenSearchError
from cen_search.formats import Source, _hash_and_decode, _ris_split, read_file, ris
from cen_search.formats._build import FieldMap, IssueLog, _gather, collect
from cen_search.formats._values import keywords_of, split_urls
from cen_search.formats.textio import decode
from cen_search.models import Author, Pages, Provenance, ReadResult, Record, RecordType

AUTHOR_TAGS = {"AU", "A1", "A2", "A3", "A4", "FAU", "AF", "ED", "author", "editor", "Authors"}


def _export_files(shared: Path) -> list[Path]:
    imports = shared / "data" / "imports"
    files = sorted(p for p in imports.rglob("*") if p.is_file() and p.name != "SOURCES.md")
    return files + sorted((shared / "data" / "dedup").glob("*/records.ris"))


@pytest.fixture(scope="module")
def exports(shared: Path) -> list[ReadResult]:
    """Every readable shared export file (imports and the dedupe sets' records.ris), read."""
    results = []
    for path in _export_files(shared):
        try:
            results.append(read_file(path))
        except CenSearchError:  # files meant to fail are covered by the format tests
            continue
    return results


def _values_of(exports: list[ReadResult], tags: set[str]) -> list[str]:
    found = (v for result in exports for r in result.records for t, v in r.raw if t in tags)
    return list(dict.fromkeys(found))


@pytest.fixture(scope="module")
def author_strings(exports: list[ReadResult]) -> list[str]:
    """Every author string in the shared exports: as parsed, and as the raw tag values."""
    parsed = (a.raw for result in exports for r in result.records for a in r.authors)
    lines = (line for value in _values_of(exports, AUTHOR_TAGS) for line in value.split("\n"))
    return list(dict.fromkeys([*parsed, *lines]))


def test_author_fast_path_equals_general_parser_on_real_names(
    author_strings: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    general = names._parse_general
    expected = [general(s) for s in author_strings]
    calls: list[str] = []

    def counting(raw: str) -> Author:
        calls.append(raw)
        return general(raw)

    monkeypatch.setattr(names, "_parse_general", counting)
    assert [names.parse_author(s) for s in author_strings] == expected
    assert len(author_strings) > 10_000
    assert len(calls) < len(author_strings) / 3  # most names take the fast path


@pytest.mark.parametrize(
    "raw",
    [
        "Smith, John",
        "Smith, John A.",
        "Smith,John",
        "Smith , J. A.",
        "van der Berg, Anna-Lena",
        "Smith, JA",
        "Smith, ABCDE",
        "Smith, J.-P.",
        "Smith, Jr.",
        "Smith, John Jr",
        "Smith, II",
        "Smith, John, Jr.",
        "Smith,  John",
        "Smith, John\tA.",
        "Smith, John\u00a0A.",
        ";Smith, J",
        "Smith, J;",
        "Smith,",
        ",Smith",
        "Smith, 1",
        "Smith, (J)",
        "Müller, Jürgen",
        "李, 小龙",
        "Smith, ǅohn",
        "Smith, ß",
        "  Smith, John  ",
    ],
)
def test_author_fast_path_equals_general_parser_on_edge_cases(raw: str) -> None:
    assert names.parse_author(raw) == names._parse_general(raw)


@pytest.mark.parametrize("raw", ["II", "Jr", "Jr. III", "ii"])
def test_parse_author_reads_a_lone_suffix_as_a_family_name(raw: str) -> None:
    assert names.parse_author(raw) == Author(raw, raw)


def _initials_reference(given: str) -> str:
    """initials_of as first written (before its shortcut for names with lower-case letters)."""
    given = given.strip()
    if not given:
        return ""
    compact = given.replace(".", "").replace(" ", "").replace("-", "")
    if len(compact) <= 4 and compact.isalpha() and compact.isupper():
        return compact
    out = ""
    for part in given.replace(".", " ").replace("-", " ").split():
        if part[0].isalpha():
            out += part[0]
    return out.upper()


def test_initials_of_equals_its_reference_on_real_given_names(author_strings: list[str]) -> None:
    givens = {part for s in author_strings for part in (*s.split(","), *s.split())}
    givens |= {"J.-P.", "AB C", "A B C D E", "ǅx", "ß", "Ab", "(A) B", "1a b", "A.B.C.D.E."}
    assert [names.initials_of(g) for g in givens] == [_initials_reference(g) for g in givens]


def test_issn_fast_paths_equal_the_pattern(exports: list[ReadResult]) -> None:
    values = _values_of(exports, {"SN", "IS", "ISSN", "issn"})
    values += [
        "1234-5678",
        "1234-567X",
        "1234-567x",
        "1234567x",
        "12345678",
        "1234 5678",
        "1234-56789",
        "٢٣٤٥-٦٧٨٩",
        "1234-５678",
        "123456789",
        "1234-5678 ",
        "",
        "X234-5678",
    ]
    assert len(values) > 100

    def reference(value: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(f"{a}-{b.upper()}" for a, b in fields._ISSN.findall(value)))

    assert [fields.split_issn(v) for v in values] == [reference(v) for v in values]


def test_year_fast_path_equals_the_pattern(exports: list[ReadResult]) -> None:
    values = _values_of(exports, {"PY", "Y1", "DA", "DP", "year", "date", "PD"})
    values += [f"{y}{s}" for y in (1499, 1500, 1999, 2000, 2199, 2200) for s in ("", "/", "1", "٢")]
    values += ["20170812", "x2019", "٢٠١٩", "2019²", "²019", "10 15", ""]

    def reference(value: str) -> int | None:
        match = fields._YEAR.search(value) or fields._COMPACT_DATE.search(value)
        return int(match.group(1)) if match else None

    assert [fields.parse_year(v) for v in values] == [reference(v) for v in values]


def test_squash_fast_path_for_wrapped_text_equals_split_and_join(
    exports: list[ReadResult],
) -> None:
    values = [v for v in _values_of(exports, {"AB", "N2", "N1", "TI", "AD"}) if "\n" in v]
    values += ["a\nb", "a \nb", "a\n\nb", "\na", "a\n", "a\tb\nc", "a\u00a0b\nc", "a\u2009\nb"]
    assert len(values) > 50
    assert [fields.squash(v) for v in values] == [" ".join(v.split()) for v in values]


def test_pages_with_superscript_digits_do_not_break_reading() -> None:
    assert fields.parse_pages("12", "²") == Pages("12-²", "12", "²")
    assert fields.expand_end_page("1²3", "9") == "9"


def test_constructor_builds_the_same_objects_as_the_dataclass() -> None:
    provenance = Provenance("a.ris", "0" * 64, "ris", "utf-8", 1, 2, "k", "db", "pf", "")
    author = Author("Smith, J", "Smith", "J", "J", False)
    values = [
        getattr(Record(provenance, title="t", authors=(author,)), f.name)
        for f in dataclasses.fields(Record)
    ]
    assert constructor(Record)(*values) == Record(*values)
    assert constructor(Provenance)(*dataclasses.astuple(provenance)) == provenance
    assert constructor(Author)("Smith, J", "Smith", "J", "J", False) == author
    assert constructor(Pages)("1-2", "1", "2", "") == Pages("1-2", "1", "2")


def test_constructor_falls_back_to_the_class_when_init_does_more() -> None:
    @dataclasses.dataclass(frozen=True, slots=True)
    class Checked:
        value: int

        def __post_init__(self) -> None:
            if self.value < 0:
                raise ValueError("negative")

    assert constructor(Checked) is Checked


class _CarefulOnly(_ris_split.Splitter):
    """The splitter with its fast paths turned off: every piece goes field by field."""

    def _pieces(self, text: str, position: int, line: int) -> tuple[int, int]:
        while (er := _ris_split._ER_LINE.search(text, position)) is not None:
            line = self._piece(text, position, er.start(), line)
            self._end_tag(line)
            position = er.end()
        return position, line

    def _piece(self, text: str, start: int, end: int, line: int) -> int:
        self._careful(text[start:end], line)
        return line + text.count("\n", start, end) + 1


def _split(splitter: type[_ris_split.Splitter], text: str) -> tuple[object, ...]:
    issues = IssueLog("x")
    parser = splitter(issues)
    records = parser.split(text)
    return (
        [(r.line, r.trailing, r.closed, r.fields) for r in records],
        parser.headers,
        [(w.message, w.line) for w in issues.warnings],
    )


def _ris_texts(shared: Path) -> Iterator[tuple[str, str]]:
    ris_files = sorted((shared / "data" / "imports" / "ris").iterdir())
    for path in [*ris_files, *sorted((shared / "data" / "dedup").glob("*/records.ris"))]:
        yield path.name, decode(path.read_bytes()).text.lstrip("\ufeff")


EDGE_CASES = [
    "TY  - JOUR\nTI  - a\nER  - \n",
    "TY  - JOUR\nTI  - a \nER  -\n",
    "TY  - JOUR\nTI  - a\t\nAU  - b\nER  -",
    "TY  - JOUR\nTI  - a\n  wrapped\nER  -\n\nTY  - BOOK\nTI  - b\nER  -\n",
    "TY  - JOUR\nTY  - JOUR\nTI  - a\nER  -\n",
    "TY  - JOUR\nTI  - a\n  wrapped\nTY  - BOOK\nTI  - b \nER  -\n",
    "TY  - JOUR\nTI  - a\nTY  - BOOK\nTI  - b\nER  -\n",
    "TY  - JOUR\nTI  - a\n\nER  -\n",
    "\n\n\nTY  - JOUR\nPMID  - 1\nN1  -\nER  -\nNL  - x\n\nTY  - JOUR\nER  -\n",
    "Record #1 of 2\nProvider: P\nDatabase: D\nTY  - JOUR\nER  -\n1.\nTY  - JOUR\nER  -",
    "TY  - JOUR\nAB  - x\nER then more\nER  -\nER  -\nTI  - orphan\nER  -\n",
    "ER  -\nTY  - JOUR\nKW  - a\nb\nc\nER  -\nTY  - JOUR\nTI  - no end",
]


def test_ris_fast_paths_equal_the_field_by_field_loop(shared: Path) -> None:
    # Each edge case also after a first record (the first piece and the rest are read apart).
    edges = [*EDGE_CASES, *(f"TY  - GEN\nER  -\n{text}" for text in EDGE_CASES)]
    texts = [*_ris_texts(shared), *((f"edge {text!r}", text) for text in edges)]
    assert len(texts) > 30
    for name, text in texts:
        assert _split(_ris_split.Splitter, text) == _split(_CarefulOnly, text), name


def test_gathering_only_present_tags_keeps_the_table_order() -> None:
    fmap = FieldMap.load("ris_tags")
    raw = [
        ("L2", "http://b"),
        ("JO", "J Abbr"),
        ("UR", "http://a"),
        ("T2", "Journal"),
        ("DA", "2019/05/01"),
        ("PY", "2019"),
        ("JA", "J A"),
        ("XX", "unmapped"),
    ]
    by_tag = collect(raw)
    got = _gather(fmap, by_tag, {"url": ["http://c"]})
    for name, tags in fmap.items:  # the reference: every row of the table, in order
        values = [v for tag in tags for v in by_tag.get(tag, ())]
        values += ["http://c"] if name == "url" else []
        assert got.get(name, []) == values, name
    assert fmap.feeds["JA"] == ("container", "container_abbrev")


def test_fieldmap_built_from_by_field_alone_gets_its_inverse() -> None:
    fmap = FieldMap({"title": ("TI", "T1"), "container": ("T2", "TI")})
    assert fmap.feeds == {"TI": ("title", "container"), "T1": ("title",), "T2": ("container",)}
    assert fmap.tags == {"TI", "T1", "T2"}


@pytest.mark.parametrize(
    "values",
    [["a", "b", "a"], ["*Major", "minor"], ["a\nb", "c"], [" a ", "", "b"], ["a;b"], []],
)
def test_keywords_fast_path_equals_the_loop(values: list[str]) -> None:
    def reference(gathered: dict[str, list[str]]) -> tuple[str, ...]:
        out: dict[str, None] = {}
        for value in gathered.get("keywords_lines", ()):
            for keyword in value.split("\n"):
                keyword = keyword.strip()
                keyword = keyword[1:].strip() if keyword.startswith("*") else keyword
                if keyword:
                    out[keyword] = None
        return tuple(out)

    assert keywords_of({"keywords_lines": values}) == reference({"keywords_lines": values})


@pytest.mark.parametrize(
    ("values", "urls"),
    [
        (["http://a", "http://b"], ["http://a", "http://b"]),
        (["http://a", "", "nan", " "], ["http://a"]),
        (["http://a http://b;", "http://c;"], ["http://a", "http://b", "http://c"]),
        (["http://a\u2009b"], ["http://a\u2009b"]),  # only blanks, tabs and newlines separate
        # EndNote's Web of Science link holds blanks; the words before "://" belong to it
        (["<Go to ISI>://WOS:1 http://b"], ["<Go to ISI>://WOS:1", "http://b"]),
        (["http://a <Go to ISI>://WOS:1"], ["http://a", "<Go to ISI>://WOS:1"]),
    ],
)
def test_url_lists_with_and_without_separators(values: list[str], urls: list[str]) -> None:
    assert split_urls(values) == urls


def test_large_files_are_hashed_beside_decoding_with_the_same_result() -> None:
    data = ("TY  - JOUR\r\nTI  - Ünïcode – title\r\nER  - \r\n" * 40_000).encode("utf-8")
    assert len(data) > 1 << 20
    sha256, decoded = _hash_and_decode(data, "big.ris", None)
    assert sha256 == hashlib.sha256(data).hexdigest()
    assert decoded == decode(data, path="big.ris")


def test_ris_reader_builds_a_clean_record_through_the_fast_path() -> None:
    text = "TY  - JOUR\nTI  - A title\nAU  - Smith, John\nER  -\n"
    result = ris.read(text, Source(file="x.ris", sha256="0" * 64, encoding="utf-8"))
    assert result.records[0].raw == (("TY", "JOUR"), ("TI", "A title"), ("AU", "Smith, John"))
    assert result.records[0].type is RecordType.ARTICLE
    assert result.records[0].authors == (Author("Smith, John", "Smith", "John", "J"),)
