"""``cen-search info`` and ``cen-search convert`` from the command line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from cen_search.cli.app import app
from cen_search.formats import read_file

pytest.importorskip("cen_search.formats.ris")

DATA = Path(__file__).parent / "data" / "foundation"


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run in a folder holding copies of the fixtures, with no user config."""
    folder = tmp_path / "work"
    shutil.copytree(DATA, folder)
    monkeypatch.chdir(folder)
    monkeypatch.setenv("CEN_SEARCH_CONFIG", str(tmp_path / "no-user-config.toml"))
    return folder


def run(*args: str) -> Result:
    result = CliRunner().invoke(app, list(args))
    # Expected failures end in SystemExit with a message, never in another exception.
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result


# -- info ---------------------------------------------------------------------------------


def test_info_describes_format_encoding_records_and_fields() -> None:
    result = run("info", "medline-two.ris")
    assert result.exit_code == 0
    out = result.stdout
    assert "medline-two.ris" in out
    assert "RIS (ris)" in out
    assert "utf-8" in out
    assert "2 read, 0 skipped" in out
    assert "MEDLINE (2)" in out
    assert "Ovid (2)" in out
    assert "title 2" in out and "doi 1" in out
    assert "KW 1" in out and "TY 2" in out


def test_info_reads_each_file_once(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import cen_search.formats
    import cen_search.reading
    from cen_search.fsutil import read_regular_file

    real_read_bytes = Path.read_bytes
    reads: list[Path] = []

    def counting_read_bytes(self: Path) -> bytes:
        reads.append(self)
        return real_read_bytes(self)

    def counting_read_regular(path: str | Path) -> bytes:
        reads.append(Path(path))
        return read_regular_file(path)

    monkeypatch.setattr(Path, "read_bytes", counting_read_bytes)
    monkeypatch.setattr(cen_search.reading, "read_regular_file", counting_read_regular)
    monkeypatch.setattr(cen_search.formats, "read_regular_file", counting_read_regular)
    assert run("info", "medline-two.ris").exit_code == 0
    assert reads == [Path("medline-two.ris")]


def test_info_json_has_a_schema_version_and_every_file() -> None:
    pytest.importorskip("cen_search.formats.bibtex")
    result = run("info", "medline-two.ris", "refs.bib", "--json")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["schema_version"] == 1
    first, second = document["files"]
    assert (first["format"], first["records"], second["format"], second["records"]) == (
        "ris",
        2,
        "bibtex",
        2,
    )
    assert ["title", 2] in first["fields"]
    assert ["DB", 2] in first["raw_tags"]
    assert first["skipped"] == [] and first["encoding"] == "utf-8"


def test_info_goes_on_after_a_bad_file_and_exits_1() -> None:
    result = run("info", "missing.ris", "medline-two.ris")
    assert result.exit_code == 1
    assert "error: missing.ris: no such file" in result.stderr
    assert "2 read" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["."], "is a folder"),
        (["empty.ris"], "is empty"),
        (["notes.txt"], "cannot tell which export format"),
        (["medline-two.ris", "--encoding", "no-such-codec"], "unknown encoding"),
        (["latin.ris", "--encoding", "utf-8"], "latin.ris:2: cannot be decoded as utf-8"),
    ],
)
def test_info_refuses_unusable_files_with_a_message_naming_them(
    args: list[str], message: str
) -> None:
    Path("empty.ris").write_bytes(b"")
    Path("latin.ris").write_bytes(b"TY  - JOUR\nAU  - M\xfcller, K.\nER  - \n")
    result = run("info", *args)
    assert result.exit_code == 1
    assert message in result.stderr
    assert args[0] in result.stderr
    assert "hint:" in result.stderr


def test_info_reports_the_encoding_it_detected() -> None:
    Path("latin.ris").write_bytes(b"TY  - JOUR\nAU  - M\xfcller, K.\nER  - \n")
    result = run("info", "latin.ris", "--json")
    [described] = json.loads(result.stdout)["files"]
    assert described["encoding"] in ("cp1252", "latin-1")


def test_info_on_a_file_with_no_readable_record_shows_why_and_exits_1() -> None:
    pytest.importorskip("cen_search.formats.bibtex")
    result = run("info", "broken.bib")
    assert result.exit_code == 1
    assert "0 read, 1 skipped" in result.stdout
    assert "broken.bib:1" in result.stdout
    assert "no records could be read" in result.stderr


def test_info_with_an_unknown_format_name_is_a_usage_error() -> None:
    result = run("info", "medline-two.ris", "--format", "marc21")
    assert result.exit_code == 2
    assert "unknown format 'marc21'" in result.stderr


def test_info_with_a_format_override_reads_as_that_format() -> None:
    Path("export.txt").write_bytes(Path("medline-two.ris").read_bytes())
    result = run("info", "export.txt", "--format", "ris", "--json")
    assert json.loads(result.stdout)["files"][0]["records"] == 2


# -- convert ------------------------------------------------------------------------------


def test_convert_writes_the_format_of_the_output_extension() -> None:
    pytest.importorskip("cen_search.formats.bibtex")
    result = run("convert", "medline-two.ris", "embase-one.ris", "-o", "all.bib")
    assert result.exit_code == 0, result.stderr
    assert "wrote 3 records" in result.stderr
    back = read_file("all.bib")
    assert back.format == "bibtex"
    assert [r.title for r in back.records] == [
        r.title for name in ("medline-two.ris", "embase-one.ris") for r in read_file(name).records
    ]


def test_convert_to_stdout_needs_to_and_writes_only_records_there() -> None:
    result = run("convert", "embase-one.ris", "--to", "ris", "-o", "-")
    assert result.exit_code == 0
    assert "Service user perspectives" in result.stdout
    assert "wrote" not in result.stdout and "wrote 1 record from 1 file" in result.stderr
    Path("back.ris").write_text(result.stdout, encoding="utf-8")
    assert read_file("back.ris").records[0].doi == "10.1111/papt.12345"

    result = run("convert", "embase-one.ris", "-o", "-")
    assert result.exit_code == 2
    assert "--to" in result.stderr


def test_convert_refuses_to_replace_an_existing_output_without_yes() -> None:
    Path("out.ris").write_text("precious")
    result = run("convert", "embase-one.ris", "-o", "out.ris")
    assert result.exit_code == 1
    assert "out.ris: exists" in result.stderr and "--yes" in result.stderr
    assert Path("out.ris").read_text() == "precious"

    result = run("convert", "embase-one.ris", "-o", "out.ris", "--yes")
    assert result.exit_code == 0
    assert len(read_file("out.ris").records) == 1


def test_convert_never_overwrites_an_input() -> None:
    before = Path("embase-one.ris").read_bytes()
    result = run("convert", "embase-one.ris", "-o", "./embase-one.ris", "--yes")
    assert result.exit_code == 2
    assert "is the input file" in result.stderr
    assert Path("embase-one.ris").read_bytes() == before


def test_convert_never_writes_over_a_raw_export_of_the_review_it_writes_into(
    tmp_path: Path,
) -> None:
    assert run("init", str(tmp_path / "rev"), "--title", "T").exit_code == 0
    raw = tmp_path / "rev" / "imports" / "medline.ris"
    raw.write_bytes(Path("embase-one.ris").read_bytes())
    before = raw.read_bytes()
    result = run("convert", "embase-one.ris", "-o", str(raw), "--to", "csv", "--yes")
    assert result.exit_code == 2
    assert "raw export" in result.stderr
    assert raw.read_bytes() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "out"], "no extension"),
        (["-o", "out.xyz"], "unknown format"),
        (["-o", "out.ris", "--to", "marc21"], "unknown format"),
    ],
)
def test_convert_output_format_problems_are_usage_errors(args: list[str], message: str) -> None:
    result = run("convert", "embase-one.ris", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert not list(Path().glob("out*"))


@pytest.mark.parametrize(
    ("command", "args", "named"),
    [
        (["convert", "embase-one.ris"], ["-o", "out.txt"], "out.txt"),
        (["convert", "embase-one.ris"], ["-o", "out.ris", "--to", "wos2"], "--to"),
    ],
)
def test_an_output_format_that_is_not_known_names_the_formats_that_can_be_written(
    command: list[str], args: list[str], named: str
) -> None:
    # found following the docs verbatim: `convert x.ris -o x.txt` said "unknown format '.txt'"
    # and offered the formats that can only be read (medline, wos, ovid ...), which --to then
    # refused with "cannot write"
    result = run(*command, *args)
    assert result.exit_code == 2
    error, hint = result.stderr.split("hint:")
    assert named in error and "unknown format" in error
    for writable in ("ris", "endnote-xml", "bibtex", "csv", "jsonl", ".xml", ".bib"):
        assert writable in hint
    for read_only in ("medline", "wos", "ovid", "proquest", "ebsco-xml", "enw"):
        assert read_only not in hint
    assert not list(Path().glob("out*"))


def test_convert_writes_nothing_when_one_input_cannot_be_read() -> None:
    result = run("convert", "embase-one.ris", "notes.txt", "-o", "all.ris")
    assert result.exit_code == 1
    assert "notes.txt" in result.stderr
    assert not Path("all.ris").exists()
    assert not [p for p in Path().iterdir() if p.name.startswith(".all.ris")]


def test_convert_to_jsonl_round_trips_records() -> None:
    pytest.importorskip("cen_search.formats.jsonl")
    result = run("convert", "medline-two.ris", "-o", "all.jsonl")
    assert result.exit_code == 0, result.stderr
    original = read_file("medline-two.ris").records
    back = read_file("all.jsonl").records
    assert [(r.title, r.doi, r.year) for r in back] == [(r.title, r.doi, r.year) for r in original]


def test_a_disk_failure_while_writing_is_an_error_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import errno

    import cen_search.fsutil as fsutil

    def disk_full(path: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(fsutil, "atomic_open", disk_full)
    result = run("convert", "embase-one.ris", "-o", "all.ris")
    assert result.exit_code == 1
    assert "error: all.ris: No space left on device" in result.stderr
    assert "hint:" in result.stderr
