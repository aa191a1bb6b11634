"""Round trips on the real exports: read a file, write it with each writer, read that back.

* JSON Lines gives back equal ``Record`` objects, provenance and raw fields included.
* BibTeX, CSV and RIS give back the same mapped fields. What each format cannot carry is
  compared the way the format defines it: whitespace inside BibTeX values is insignificant
  (titles and abstracts are compared squashed); several notes travel as one ``note`` field
  or cell (compared joined); RIS writes its own date layout (compared by year); a page
  string of six digits and no end is an article number to ``fields.parse_pages`` (the
  page/article-number split of such a lone number may move); a reader may find a PMID,
  PMCID, ISSN or ISBN in a URL or note where the original reader left it; RIS cannot mark
  group authors and its reader splits "Given Family, Jr" differently (see ``_lost_in_ris``).
* Writing what was read back again gives the same text (BibTeX, once identifiers found in
  URLs are in) or rows (CSV, provenance columns aside): keys and layout are stable.
"""

from __future__ import annotations

import csv as stdcsv
import io
import re
from pathlib import Path

import pytest

from cen_search.errors import UnknownFormatError
from cen_search.fields import squash
from cen_search.formats import Source, all_formats, get_format, read_file, read_text
from cen_search.formats._ris_write import databases_of
from cen_search.models import Author, Record
from tests.conftest import TEST_DATA

KINDS = ("bibtex", "csv", "ris", "nbib", "other")
WRITERS = [f.name for f in all_formats() if f.writable]
_ALL_DATABASES = ("ris", "endnote-xml", "csv")
OUT = Source(file="written", sha256="0" * 64, encoding="utf-8")


_SUFFIX_AFTER_COMMA = re.compile(r",\s*(?:jr|sr|ii|iii|iv)\.?$", re.IGNORECASE)


def _lost_in_ris(before: Record, after: Record) -> bool:
    """RIS has no mark for group authors: ``names.parse_author`` reads "Philippe Caroff"
    (braced, a group author in BibTeX) as a person; and a suffix ("Nick Short, Jr.") is not
    written."""
    if len(before.authors) != len(after.authors):
        return False
    return all(
        _name(a) == _name(b) or a.organisation or _SUFFIX_AFTER_COMMA.search(a.raw)
        for a, b in zip(before.authors, after.authors, strict=True)
    )


def _name(author: Author) -> tuple[str, str, str, bool]:
    return (author.family, author.given, author.initials, author.organisation)


def test_the_expected_writers_are_registered():
    assert {"bibtex", "csv", "jsonl"} <= set(WRITERS)


def _readable(directory: Path) -> list[tuple[Path, tuple[Record, ...]]]:
    files = []
    for path in sorted(directory.iterdir()):
        try:
            result = read_file(path)
        except UnknownFormatError:
            continue  # its reader is not registered (yet)
        files.append((path, result.records))
    return files


def _projection(record: Record, writer: str) -> dict[str, object]:
    return {
        "type": record.type,
        "title": squash(record.title),
        "authors": [(a.family, a.given, a.initials, a.organisation) for a in record.authors],
        "year": record.year,
        "date": None if writer == "ris" else record.date,
        "container": squash(record.container),
        "container_abbrev": record.container_abbrev,
        "volume": record.volume,
        "issue": record.issue,
        "doi": record.doi,
        "abstract": squash(record.abstract),
        "keywords": record.keywords,
        "language": record.language,
        "urls": record.urls,
        "accession_numbers": record.accession_numbers,
        "publisher": record.publisher,
        # RIS, EndNote XML and CSV name the database declared or detected for the file too
        "database": databases_of(record) if writer in _ALL_DATABASES else record.database,
        "notes": squash(" ".join(record.notes)),
    }


def _same_pages(before: Record, after: Record) -> bool:
    a, b = before.pages, after.pages
    if (a.start, a.end, a.article_number) == (b.start, b.end, b.article_number):
        return True
    lone = a.start or a.article_number
    return not a.end and not b.end and lone == (b.start or b.article_number) and len(lone) >= 6


def _found_in_notes_or_urls(value: str, record: Record) -> bool:
    return any(value.lower() in text.lower() for text in (*record.urls, *record.notes))


def _same_identifier(before: str, after: str, record: Record) -> bool:
    return before == after or (not before and _found_in_notes_or_urls(after, record))


def _same_list(before: tuple[str, ...], after: tuple[str, ...], record: Record) -> bool:
    gained = [v for v in after if v not in before]
    return set(before) <= set(after) and all(_found_in_notes_or_urls(v, record) for v in gained)


def _differences(before: Record, after: Record, writer: str) -> dict[str, tuple[object, object]]:
    a, b = _projection(before, writer), _projection(after, writer)
    if writer in _ALL_DATABASES:
        b["database"] = [d for d in after.database.split("; ") if d]
    diff = {k: (a[k], b[k]) for k in a if a[k] != b[k]}
    if not _same_pages(before, after):
        diff["pages"] = (before.pages, after.pages)
    for name in ("pmid", "pmcid"):
        if not _same_identifier(getattr(before, name), getattr(after, name), before):
            diff[name] = (getattr(before, name), getattr(after, name))
    for name in ("issn", "isbn"):
        if not _same_list(getattr(before, name), getattr(after, name), before):
            diff[name] = (getattr(before, name), getattr(after, name))
    return diff


def _round_trip(writer: str, records: tuple[Record, ...]) -> tuple[str, tuple[Record, ...]]:
    out = io.StringIO()
    assert get_format(writer).write(records, out) == len(records)  # type: ignore[misc]
    back = read_text(out.getvalue(), OUT, format=writer)
    assert not back.skipped, back.skipped[:3]
    return out.getvalue(), back.records


def _assert_every_writer_round_trips(records: tuple[Record, ...]) -> None:
    """JSON Lines gives back equal records; every other writer the same mapped fields."""
    for writer in WRITERS:
        _, back = _round_trip(writer, records)
        if writer == "jsonl":
            assert back == records
            continue
        for before, after in zip(records, back, strict=True):
            assert _differences(before, after, writer) == {}, (writer, before.provenance.index)


@pytest.mark.parametrize("kind", KINDS)
def test_jsonl_round_trip_gives_back_equal_records(imports_dir, kind):
    for path, records in _readable(imports_dir / kind):
        _, back = _round_trip("jsonl", records)
        assert back == records, path.name


@pytest.mark.parametrize("writer", [w for w in WRITERS if w != "jsonl"])
@pytest.mark.parametrize("kind", KINDS)
def test_writers_round_trip_the_mapped_fields_of_every_real_export(imports_dir, writer, kind):
    checked = 0
    for path, records in _readable(imports_dir / kind):
        _, back = _round_trip(writer, records)
        assert len(back) == len(records), path.name
        for before, after in zip(records, back, strict=True):
            diff = _differences(before, after, writer)
            if writer == "ris" and "authors" in diff and _lost_in_ris(before, after):
                diff.pop("authors")
            assert diff == {}, (path.name, before.provenance.index)
            checked += 1
    if kind in ("bibtex", "csv", "ris"):
        assert checked > 0


def test_endnote_xml_export_round_trips_through_every_writer(shared):
    path = shared / "data" / "dedup" / "sra_respiratory" / "Respiratory_original_endnote.xml"
    _assert_every_writer_round_trips(read_file(path).records)


@pytest.mark.parametrize("kind", ("bibtex", "csv", "ris"))
def test_bibtex_written_twice_is_the_same_text_and_keys_are_stable(imports_dir, kind):
    for path, records in _readable(imports_dir / kind):
        # the first pass may gain identifiers found in URLs (see the module docstring)
        _, back = _round_trip("bibtex", records)
        first, again = _round_trip("bibtex", back)
        second, _ = _round_trip("bibtex", again)
        assert second == first, path.name


@pytest.mark.parametrize("kind", ("bibtex", "csv", "ris"))
def test_csv_written_twice_gives_the_same_rows_apart_from_provenance(imports_dir, kind):
    provenance_columns = {"id", "source_file", "source_format", "record_index"}

    def rows(text: str) -> list[dict[str, str]]:
        return [
            {k: v for k, v in row.items() if k not in provenance_columns}
            for row in stdcsv.DictReader(io.StringIO(text))
        ]

    for path, records in _readable(imports_dir / kind):
        first, back = _round_trip("csv", records)
        second, _ = _round_trip("csv", back)
        assert rows(second) == rows(first), path.name


def test_odd_values_of_real_records_round_trip_through_every_writer():
    # tests/data/roundtrip/odd-values.ris: real records of the labelled dedupe sets with
    # pages split oddly across SP/EP ("Suppl" + "29", "S33" + "38", "e182" + "5"), authors
    # with a trailing comma ("Joseph C,", "Anonymous,"), two authors in one AU tag, and a
    # page range a spreadsheet made a date ("01" + "Aug").
    records = read_file(TEST_DATA / "roundtrip" / "odd-values.ris").records
    assert [len(r.authors) for r in records][-2] == 3  # "Cui, G.; Lui, H.-K.;" + "Guo, X."
    _assert_every_writer_round_trips(records)


@pytest.mark.parametrize("writer", WRITERS)
def test_deduplication_is_the_same_after_a_round_trip_through_any_writer(writer):
    # 114 real records of the labelled sets (pairs and traps of tests/test_dedupe_rules.py):
    # what a writer keeps must be enough for the engine to decide every pair the same way.
    from cen_search.dedupe import deduplicate

    records = read_file(TEST_DATA / "dedupe" / "pairs.ris").records

    def partition(recs: tuple[Record, ...]) -> set[frozenset[str]]:
        result = deduplicate(recs)
        return {frozenset(records[m].key for m in c.members) for c in result.clusters}

    _, back = _round_trip(writer, records)
    assert partition(back) == partition(records)
