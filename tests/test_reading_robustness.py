"""Bad input found by probing the readers (issue 9 #6, #7, #11, #14, #16): each failure pinned.

Every case gives records or a clear error naming the file and position, never a traceback,
a silently short result or a file read without end.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from cen_search.errors import FileFormatError, InputError
from cen_search.formats import Source, read_file, read_text
from cen_search.reading import read_export
from cen_search.workspace import Workspace
from tests.conftest import TEST_DATA

SOURCE = Source(file="x", sha256="0" * 64, encoding="utf-8")
NAMES = ["Jürgen", "Gößling", "Müller", "Ångström", "Peña"]


def _ris_with_names(count: int) -> bytes:
    return "".join(
        f"TY  - JOUR\nAU  - {NAMES[i % 5]}, A\nTI  - Title {i}\nER  - \n\n" for i in range(count)
    ).encode("utf-8")


# -- #6 encodings ---------------------------------------------------------------------------


def test_one_invalid_byte_in_a_utf8_file_is_replaced_and_reported_with_its_line(tmp_path):
    data = _ris_with_names(300)
    position = data.index(b"Title 150")
    path = tmp_path / "one-bad-byte.ris"
    path.write_bytes(data[:position] + b"\xe9" + data[position:])  # one cp1252 é
    result = read_file(path)
    assert result.encoding == "utf-8"
    assert len(result.records) == 300
    assert [a.family for r in result.records[:5] for a in r.authors] == NAMES  # no "JÃ¼rgen"
    assert result.records[150].title == "\ufffdTitle 150"
    (warning,) = [w for w in result.warnings if "not UTF-8" in w.message]
    assert warning.line == data[:position].count(b"\n") + 1 and "0xe9" in warning.message


def test_endnote_xml_declaring_utf8_with_a_stray_byte_is_read_as_utf8(tmp_path):
    text = (TEST_DATA / "formats" / "endnote_small.xml").read_bytes()
    assert b'encoding="UTF-8"' in text and "é".encode() not in text
    names = "".join(f"<author>{n}, A.</author>" for n in NAMES).encode()
    damaged = text.replace(b"<authors>", b"<authors>" + names, 1).replace(b"Small", b"Sm\x92ll", 1)
    path = tmp_path / "endnote.xml"
    path.write_bytes(damaged)
    result = read_file(path)
    assert result.encoding == "utf-8" and result.format == "endnote-xml"
    assert [a.family for a in result.records[0].authors][:5] == NAMES
    line = damaged[: damaged.index(b"\x92")].count(b"\n") + 1
    assert any("0x92" in w.message and w.line == line for w in result.warnings)


def test_an_imported_utf8_file_with_a_stray_byte_is_read_again_by_the_workspace(tmp_path):
    # found by importing such a file: the import was accepted with a warning, then every
    # later stage (dedupe, prisma, screen) stopped with "cannot be decoded as utf-8", since the
    # workspace reads its imports again with the encoding the manifest recorded for them
    data = _ris_with_names(20)
    for name, bytes_ in (("plain.ris", data), ("bom.ris", b"\xef\xbb\xbf" + data)):
        cut = bytes_.index(b"Title 7")
        (tmp_path / name).write_bytes(bytes_[:cut] + b"\xe9" + bytes_[cut:])
    ws = Workspace.init(tmp_path / "review", title="t", contact_email="a@b.org")
    for name in ("plain.ris", "bom.ris"):
        ws.import_file(tmp_path / name, database=name[:-4])
    imported = ws.read_imports()
    assert [r.encoding for r in imported] == ["utf-8", "utf-8-sig"]
    for result in imported:
        assert len(result.records) == 20
        assert result.records[7].title == "\ufffdTitle 7"
        assert result.records[0].authors[0].family == "Jürgen"
        assert any("0xe9" in w.message for w in result.warnings)


def test_a_file_legacy_throughout_is_still_read_in_its_legacy_encoding(tmp_path):
    path = tmp_path / "cp1252.ris"
    path.write_bytes(_ris_with_names(20).decode().encode("cp1252"))
    result = read_file(path)
    assert result.encoding == "cp1252" and not result.warnings
    assert result.records[0].authors[0].family == "Jürgen"


# -- #7 JSON Lines ----------------------------------------------------------------------------


def test_jsonl_deeply_nested_line_is_skipped_with_its_line_not_a_recursion_error():
    deep = '{"title": ' + "[" * 50_000 + "]" * 50_000 + "}"
    text = '{"title": "kept"}\n' + deep + "\n"
    result = read_text(text, SOURCE, format="jsonl")
    assert [r.title for r in result.records] == ["kept"]
    assert result.skipped[0].line == 2 and "nested" in result.skipped[0].message


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ('{"title":"x","pages":{"start":5}}', "'pages.start' must be a string"),
        ('{"title":"x","authors":[{"raw":"A","organisation":"yes"}]}', "authors.organisation"),
        ('{"title":"x","type":{"a":1}}', "'type' must be a string"),
        (
            '{"title":"x","provenance":{"file":"f","sha256":"0","format":"ris",'
            '"encoding":"utf-8","index":"1","line":1}}',
            "provenance.index",
        ),
        ('{"title":["x"]}', "'title' must be a string"),
        ('{"title":"x","raw":[["TI",5]]}', "'raw'"),
    ],
)
def test_jsonl_values_of_the_wrong_type_are_refused_on_read_with_their_line(line, said):
    result = read_text('{"title":"ok"}\n' + line + "\n", SOURCE, format="jsonl")
    assert len(result.records) == 1
    assert result.skipped[0].line == 2 and said in result.skipped[0].message


def test_jsonl_with_a_bad_line_still_converts_and_dedupes(tmp_path, capsys):
    from tests._dedupe_cli import run_cli

    path = tmp_path / "mixed.jsonl"
    path.write_text('{"title":"A study","year":2019}\n{"title":"x","pages":{"start":5}}\n')
    assert run_cli(capsys, "convert", path, "-o", tmp_path / "out.ris").code == 0
    assert run_cli(capsys, "dedupe", path, "-o", tmp_path / "unique.ris").code == 0


# -- #11 CSV read short -----------------------------------------------------------------------


def _csv_rows(count: int, broken: int) -> str:
    rows = ["id,title,authors,year"]
    rows += [f'{i},Title {i},"Smith, J",{2000 + i % 20}' for i in range(1, count + 1)]
    rows[broken] = f'{broken},"Title {broken} with an unclosed quote,Smith,2001'
    return "\n".join(rows) + "\n"


def test_csv_unclosed_quote_that_swallows_rows_is_a_short_read_naming_the_line():
    result = read_text(_csv_rows(100, 10), SOURCE, format="csv")
    assert len(result.records) < 100
    assert result.incomplete and result.lost == 100 - len(result.records)
    (short,) = [w for w in result.warnings if w.lost]
    assert short.line == 11 and "unclosed quote" in short.message


def test_import_refuses_a_csv_read_short_and_convert_says_so(tmp_path, capsys):
    from tests._dedupe_cli import run_cli

    path = tmp_path / "broken.csv"
    path.write_text(_csv_rows(100, 10))
    ws = Workspace.init(tmp_path / "review", title="t", contact_email="a@b.org")
    with pytest.raises(FileFormatError, match="read short"):
        ws.import_file(path, database="Scopus")
    assert ws.imports() == []
    run = run_cli(capsys, "convert", path, "-o", tmp_path / "out.ris")
    assert run.code == 0 and "read short" in run.err


def test_csv_row_with_a_stray_quote_joining_cells_is_reported():
    text = 'id,title,authors,year\n1,"A, B",Smith,2001\n2,"Joined, title,Smith 2002"\n'
    result = read_text(text, SOURCE, format="csv")
    assert len(result.records) == 2
    assert any(w.line == 3 and "stray quote" in w.message for w in result.warnings)


def test_csv_cells_spread_over_lines_are_not_mistaken_for_swallowed_rows(imports_dir):
    result = read_file(imports_dir / "csv" / "scopus_litstudy.csv")  # 3 multi-line cells
    assert len(result.records) == 58 and not result.incomplete


# -- #14 special files ------------------------------------------------------------------------


def test_devices_and_fifos_are_refused_without_reading(tmp_path):
    fifo = tmp_path / "pipe.ris"
    os.mkfifo(fifo)
    for path in (Path("/dev/zero"), fifo):
        with pytest.raises(InputError, match="not a regular file"):
            read_export(path)
        with pytest.raises(InputError, match="not a regular file"):
            read_file(path)


def test_a_symlink_to_a_device_is_refused(tmp_path):
    link = tmp_path / "zero.ris"
    link.symlink_to("/dev/zero")
    with pytest.raises(InputError, match="not a regular file"):
        read_export(link)


# -- #16 lesser -------------------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"\xef\xbb\xbf", b"\xef\xbb\xbf\r\n  \n", b"\xff\xfe \x00\n\x00"])
def test_a_file_with_only_a_byte_order_mark_is_empty(tmp_path, data):
    path = tmp_path / "bom-only.ris"
    path.write_bytes(data)
    with pytest.raises(InputError, match="is empty"):
        read_export(path)


def test_truncated_endnote_xml_reports_how_many_records_were_lost(shared, tmp_path):
    source = shared / "data" / "dedup" / "sra_respiratory" / "Respiratory_original_endnote.xml"
    data = source.read_bytes()
    cut_at = [i for i in range(len(data)) if data.startswith(b"<record>", i)][1896] + 200
    path = tmp_path / "cut.xml"
    path.write_bytes(data[:cut_at] + b"<broken" + data[cut_at:])
    result = read_file(path)
    assert len(result.records) == 1896
    assert result.incomplete and result.lost == 1988 - 1896
    assert "92 record(s)" in result.skipped[0].message


@pytest.mark.parametrize("fmt", ["csv", None])
def test_a_binary_file_is_refused_even_with_format_csv(tmp_path, fmt):
    path = tmp_path / "scan.csv"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    with pytest.raises(FileFormatError, match="binary"):
        read_export(path, format=fmt)


def test_an_export_with_a_few_control_characters_is_still_read(tmp_path):
    path = tmp_path / "vt.ris"
    shutil.copy(TEST_DATA / "formats" / "trid_colrev.ris", path)
    path.write_bytes(path.read_bytes().replace(b"TI  - ", b"TI  - \x0b", 1))
    assert read_export(path).records


def test_review_sheets_and_strategy_pastes_refuse_devices_too():
    from cen_search.dedupe.review_sheet import _read_sheet
    from cen_search.errors import StrategyError
    from cen_search.strategies.store import read_paste

    with pytest.raises(InputError, match="not a regular file"):
        _read_sheet(Path("/dev/zero"))
    with pytest.raises(StrategyError, match="not a regular file"):
        read_paste("/dev/zero")


def test_utf8_lines_in_a_file_read_as_cp1252_are_reported_with_their_lines(tmp_path):
    # found joining a UTF-8 export to a larger cp1252 one: the whole file was read as cp1252
    # (most of its non-ASCII bytes are), and the UTF-8 names became "JÃ¼rgen" without a word
    utf8 = _ris_with_names(5)
    legacy = _ris_with_names(20).decode().replace("Title", "Later").encode("cp1252")
    path = tmp_path / "joined.ris"
    path.write_bytes(utf8 + legacy)
    result = read_file(path)
    assert result.encoding == "cp1252" and len(result.records) == 25
    assert result.records[5].authors[0].family == "Jürgen"  # the cp1252 part reads right
    (warning,) = [w for w in result.warnings if "mixes encodings" in w.message]
    assert warning.line == 2 and "(so are lines 7, 12, 17, 22)" in warning.message
    # a file legacy throughout, and the real cp1252 and GBK exports, are not reported
    path.write_bytes(legacy)
    assert not read_file(path).warnings


def test_no_real_export_is_reported_as_mixing_encodings(imports_dir):
    for path in sorted(p for p in imports_dir.rglob("*") if p.suffix != ".md" and p.is_file()):
        try:
            warnings = read_file(path).warnings
        except FileFormatError:
            continue
        assert not [w for w in warnings if "mixes encodings" in w.message], path.name
