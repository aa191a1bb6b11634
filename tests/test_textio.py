"""Decoding export bytes: BOMs, UTF-16, legacy encodings, forced encodings, line endings."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from cen_search.errors import EncodingError
from cen_search.formats import read_file
from cen_search.formats.textio import decode, normalise_newlines

SAMPLE = "TY  - JOUR\nTI  - Über Café\nER  - \n"


def test_decode_reads_utf8_without_bom() -> None:
    decoded = decode(SAMPLE.encode("utf-8"))
    assert (decoded.text, decoded.encoding, decoded.bom) == (SAMPLE, "utf-8", False)


def test_decode_drops_utf8_bom_and_reports_it() -> None:
    decoded = decode(codecs.BOM_UTF8 + SAMPLE.encode("utf-8"))
    assert (decoded.text, decoded.encoding, decoded.bom) == (SAMPLE, "utf-8-sig", True)


@pytest.mark.parametrize(
    ("codec", "name"), [("utf-16-le", "utf-16-le"), ("utf-16-be", "utf-16-be")]
)
def test_decode_reads_utf16_with_bom(codec: str, name: str) -> None:
    bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
    decoded = decode(bom + SAMPLE.encode(codec))
    assert (decoded.text, decoded.encoding, decoded.bom) == (SAMPLE, name, True)


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_decode_reads_utf16_without_bom(codec: str) -> None:
    decoded = decode(SAMPLE.encode(codec))
    assert (decoded.text, decoded.encoding) == (SAMPLE, codec)


def test_decode_reads_cp1252() -> None:
    decoded = decode("TI  - Café – “quoted”\n".encode("cp1252"))
    assert decoded.encoding == "cp1252"
    assert decoded.text == "TI  - Café – “quoted”\n"


def test_decode_falls_back_to_latin1_for_bytes_cp1252_cannot_decode() -> None:
    data = b"TI  - caf\xe9 \x81\n"  # 0x81 is undefined in cp1252
    decoded = decode(data)
    assert decoded.encoding == "latin-1"
    assert decoded.text == "TI  - café \x81\n"


def test_decode_turns_every_line_ending_into_newline() -> None:
    data = b"TY  - JOUR\r\nTI  - a\r\n\n\rTY  - JOUR\rER  - \n"
    assert decode(data).text == "TY  - JOUR\nTI  - a\n\n\nTY  - JOUR\nER  - \n"


def test_normalise_newlines_removes_stray_byte_order_marks() -> None:
    assert normalise_newlines("a\r\n\ufeffb\rc") == "a\nb\nc"


def test_forced_encoding_overrides_detection() -> None:
    data = "TI  - Über\n".encode()
    assert decode(data, encoding="latin-1").text == "TI  - Ã\x9cber\n"
    assert decode(data, encoding="latin-1").encoding == "latin-1"


def test_wrong_forced_encoding_names_file_and_line() -> None:
    data = "TY  - JOUR\r\nTI  - ok\r\nTI  - Caf\xe9\r\n".encode("cp1252")
    with pytest.raises(EncodingError) as caught:
        decode(data, path="export.ris", encoding="utf-8")
    assert caught.value.path == "export.ris"
    assert caught.value.line == 3
    assert "export.ris:3" in str(caught.value)
    assert "--encoding" in caught.value.hint


def test_forced_single_byte_encoding_on_utf16_data_is_an_error() -> None:
    data = "TY  - JOUR\nER  - \n".encode("utf-16-le")
    with pytest.raises(EncodingError, match="UTF-16"):
        decode(data, path="x.ris", encoding="utf-8")


def test_unknown_forced_encoding_is_an_error() -> None:
    with pytest.raises(EncodingError, match="unknown encoding"):
        decode(b"TY  - JOUR\n", path="x.ris", encoding="no-such-codec")


def test_read_file_encoding_option_reaches_the_decoder(tmp_path: Path) -> None:
    path = tmp_path / "latin.ris"
    path.write_bytes("TY  - JOUR\nTI  - Café\nER  - \n".encode("cp1252"))
    detected = read_file(path, format="ris")
    assert (detected.encoding, detected.records[0].title) == ("cp1252", "Café")
    assert detected.records[0].provenance.encoding == "cp1252"
    with pytest.raises(EncodingError):
        read_file(path, format="ris", encoding="utf-8")


# --- the real non-UTF-8 samples (bibtex/ holds them; decoding does not care about format) ---


def test_decode_reads_gbk_sample(imports_dir: Path) -> None:
    decoded = decode((imports_dir / "bibtex" / "gbk-encoded_bibtexparser.bib").read_bytes())
    assert decoded.encoding == "gbk"
    assert "凯撒" in decoded.text


def test_decode_reads_utf16be_cr_only_sample(imports_dir: Path) -> None:
    decoded = decode((imports_dir / "bibtex" / "utf16be-cr_jabref.bib").read_bytes())
    assert (decoded.encoding, decoded.bom) == ("utf-16-be", True)
    assert decoded.text.startswith("% Encoding: UTF-16BE\n\n@article{,\n")
    assert "\r" not in decoded.text and "Ü ist ein Umlaut" in decoded.text


def test_decode_reads_cp1252_sample_with_declared_encoding(imports_dir: Path) -> None:
    decoded = decode((imports_dir / "bibtex" / "windows-1252-with-header_jabref.bib").read_bytes())
    assert decoded.encoding == "cp1252"
    assert "25° C" in decoded.text


def test_decode_ignores_a_false_utf8_declaration(imports_dir: Path) -> None:
    path = imports_dir / "bibtex" / "windows-1252-declared-utf8_jabref.bib"
    decoded = decode(path.read_bytes())
    assert decoded.encoding == "cp1252"
    assert "Test\u00a0I. Last" in decoded.text


def test_a_utf16_declaration_kept_in_a_file_resaved_as_cp1252_is_not_followed(
    imports_dir: Path, tmp_path: Path
) -> None:
    # found by a stranger's trial re-saving real exports: JabRef's UTF-16BE file re-saved as
    # cp1252 with CRLF (Windows "ANSI") keeps its "% Encoding: UTF-16BE" line; decoded as UTF-16 the
    # 8-bit bytes became CJK text and the file "cannot tell which export format" (exit 1),
    # or with --format bibtex "no BibTeX entries found". Text without a NUL byte is not
    # UTF-16 or UTF-32, whatever it declares
    text = (imports_dir / "bibtex" / "utf16be-cr_jabref.bib").read_bytes().decode("utf-16")
    resaved = tmp_path / "resaved.bib"
    resaved.write_bytes(text.lstrip("\ufeff").replace("\r", "\r\n").encode("cp1252"))
    decoded = decode(resaved.read_bytes())
    assert decoded.encoding == "cp1252"
    assert "Ü ist ein Umlaut" in decoded.text
    result = read_file(resaved)
    assert (result.format, len(result.records)) == ("bibtex", 1)
    assert result.records[0].title.startswith("Ü")


@pytest.mark.parametrize("bom", [b"", codecs.BOM_UTF8])
def test_a_utf8_file_with_a_stray_byte_reads_the_same_with_the_encoding_reported(bom) -> None:
    # read_file(path, encoding=<what was reported>) must give the same text: the workspace
    # reads its imports that way. A UTF-8 byte-order mark or --encoding utf-8 allows the few
    # bytes that are not UTF-8, as detection does; a file not mostly UTF-8 is still an error.
    data = bom + "TY  - JOUR\nTI  - Über\nAU  - Müller\nN1  - caf".encode() + b"\xe9\nER  - \n"
    detected = decode(data, path="x.ris")
    assert detected.encoding == ("utf-8-sig" if bom else "utf-8")
    assert detected.replaced == ((4, 0xE9),) and detected.bom == bool(bom)
    assert "Über" in detected.text and "caf\ufffd" in detected.text
    assert decode(data, path="x.ris", encoding=detected.encoding) == detected
    with pytest.raises(EncodingError, match=r"cannot be decoded as utf-8"):
        decode(bom + "TI  - Café Über\n".encode("cp1252"), path="x.ris", encoding="utf-8")


def test_every_real_export_reads_the_same_with_the_encoding_reported(imports_dir: Path) -> None:
    for path in sorted(p for p in imports_dir.rglob("*") if p.suffix != ".md" and p.is_file()):
        detected = decode(path.read_bytes(), path=str(path))
        again = decode(path.read_bytes(), path=str(path), encoding=detected.encoding)
        assert again.text == detected.text, path.name
