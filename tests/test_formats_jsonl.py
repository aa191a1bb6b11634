"""JSON Lines: the lossless interchange between pipeline stages."""

from __future__ import annotations

import io
import json

import pytest

from cen_search.formats import detect_format, jsonl, read_file
from cen_search.formats.base import Source
from cen_search.models import Author, Pages, Provenance, Record, RecordType

SOURCE = Source(file="records.jsonl", sha256="f" * 64, encoding="utf-8")


def full_record() -> Record:
    return Record(
        provenance=Provenance(
            file="imports/embase.ris",
            sha256="c" * 64,
            format="ris",
            encoding="utf-8-sig",
            index=12,
            line=340,
            key="L2001234",
            database="Embase",
            platform="Ovid",
            searched="2024-01-31",
        ),
        raw=(
            ("TY", "JOUR"),
            ("AU", "Smith, J"),
            ("AU", "Doe, A"),
            ("N1", "line 1\nline 2"),
            ("X1", "odd \ufeff\u2028\u2029\x85 characters"),
        ),
        type=RecordType.CONFERENCE_ABSTRACT,
        title='Über "quoted" & <b>tagged</b>',
        authors=(
            Author(raw="Smith, J", family="Smith", given="J", initials="J"),
            Author(raw="WHO", family="WHO", organisation=True),
        ),
        year=2019,
        date="2019//",
        container="J Test",
        container_abbrev="J T",
        volume="12",
        issue="3",
        pages=Pages(raw="1234-9", start="1234", end="1239"),
        doi="10.1000/x",
        pmid="123",
        pmcid="PMC9",
        issn=("1234-5678",),
        isbn=("9783161484100",),
        abstract="Abstract\nwith a newline",
        keywords=("a", "b"),
        language="eng",
        urls=("http://x",),
        accession_numbers=("L2001234",),
        publisher="P",
        database="Embase",
        platform="Ovid",
        notes=("n1", "n2"),
    )


def test_jsonl_round_trip_gives_equal_records():
    records = [full_record(), Record(provenance=full_record().provenance)]
    out = io.StringIO()
    assert jsonl.write(records, out) == 2
    parsed = jsonl.read(out.getvalue(), SOURCE)
    assert parsed.records == records
    assert not parsed.warnings and not parsed.skipped


def test_jsonl_line_starts_with_schema_version_and_is_one_line():
    line = jsonl.dumps(full_record())
    assert line.startswith('{"schema_version":1,"id":"cccccccccccc:12"')
    assert "\n" not in line and "\ufeff" not in line and "\u2028" not in line
    assert json.loads(line)["provenance"]["searched"] == "2024-01-31"


def test_jsonl_file_read_through_the_registry_keeps_the_original_provenance(tmp_path):
    path = tmp_path / "out.jsonl"
    with path.open("w", encoding="utf-8", newline="") as fh:
        jsonl.write([full_record()], fh)
    result = read_file(path)
    assert result.format == "jsonl"
    assert result.records == (full_record(),)


def test_jsonl_declared_database_fills_only_what_is_missing():
    line = jsonl.dumps(Record(provenance=Provenance("f", "0" * 64, "ris", "utf-8", 1, 1, "1")))
    parsed = jsonl.read(line, Source("x.jsonl", "0" * 64, "utf-8", database="PsycINFO"))
    assert parsed.records[0].provenance.database == "PsycINFO"
    parsed = jsonl.read(jsonl.dumps(full_record()), Source("x", "0", "utf-8", database="PsycINFO"))
    assert parsed.records[0].provenance.database == "Embase"


def test_jsonl_hand_written_lines_get_the_jsonl_file_as_provenance():
    parsed = jsonl.read('{"title": "T", "year": "2001", "authors": ["Smith, J"]}\n', SOURCE)
    record = parsed.records[0]
    assert (record.title, record.year) == ("T", 2001)
    assert (record.authors[0].family, record.authors[0].given) == ("Smith", "J")
    assert record.provenance.file == "records.jsonl" and record.provenance.line == 1


def test_jsonl_bad_lines_are_skipped_with_their_line_and_the_rest_is_read():
    text = "\n".join(
        [
            jsonl.dumps(full_record()),
            "{not json",
            "[1, 2]",
            '{"year": "soon"}',
            '{"type": "nonsense"}',
            "",
            jsonl.dumps(full_record()),
        ]
    )
    parsed = jsonl.read(text, SOURCE)
    assert len(parsed.records) == 2
    assert [s.line for s in parsed.skipped] == [2, 3, 4, 5]
    assert all(s.skipped for s in parsed.skipped)


def test_jsonl_unknown_keys_and_newer_schema_are_reported():
    obj = json.loads(jsonl.dumps(full_record()))
    obj["schema_version"] = 99
    obj["screening"] = {"decision": "include"}
    parsed = jsonl.read(json.dumps(obj), SOURCE)
    assert len(parsed.records) == 1
    messages = " ".join(w.message for w in parsed.warnings)
    assert "newer" in messages and "'screening'" in messages


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"schema_version":1,"id":"x"}\n', 98),
        ('\n{"title": "x", "schema_version": 1}\n', 98),
        ('{"title": "x"}\n', 50),
        ("[1, 2]\n", 0),
        ("TY  - JOUR\n", 0),
        ("@article{a, title={x}}", 0),
    ],
)
def test_jsonl_sniff(text: str, expected: int):
    assert jsonl.sniff(text) == expected


def test_detect_format_recognises_written_jsonl():
    assert detect_format(jsonl.dumps(full_record()) + "\n", "export.txt").name == "jsonl"
