"""Strategy files: the metadata header and the verbatim body."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from cen_search.errors import StrategyError
from cen_search.strategies import load_strategy, parse_strategy_text
from cen_search.strategies.fileformat import read_strategy_file, split_strategy_text
from cen_search.strategies.store import create, render_new

# Line 2 of the CUP personality-disorder table, exactly as published (curly quotes, en dash).
CUP_LINE = "2. limit 1 to (yr= \u201c1980\u2013 current\u201d and journal article)"

HEADER = """---
cen_search: 1
id: medline-ovid
database: MEDLINE
platform: Ovid  # the interface
coverage: "Ovid MEDLINE(R) ALL <1946 to December 31, 2019>"
searched_on: 2020-01-15
date_from: 2003-01-01
date_to: 2019-12-31
languages:
limits:
  - publication year 2003 to 2019 (line 3)
filters:
  - qualitative (maximizes sensitivity) | Ovid Clinical Queries (Wong 2004)
peer_review: PRESS 2015, by A. Librarian, 2019-11-02
final_line: 3
records: 1,234
layout_hint: kept
notes: |
  Reconstructed.

  Second paragraph: with a colon.
---
"""


def test_header_values_are_parsed_without_yaml() -> None:
    sfile = split_strategy_text(HEADER + "1 exp Personality Disorders/\n")
    meta = sfile.meta
    assert meta.has_header and meta.format_version == 1
    assert meta.name == "medline-ovid"
    assert meta.platform == "Ovid"  # the comment after the value is dropped
    assert meta.coverage == "Ovid MEDLINE(R) ALL <1946 to December 31, 2019>"
    assert (meta.date_from, meta.date_to) == ("2003-01-01", "2019-12-31")
    assert meta.languages == ()
    assert meta.limits == ("publication year 2003 to 2019 (line 3)",)
    assert meta.filters[0].name == "qualitative (maximizes sensitivity)"
    assert meta.filters[0].source == "Ovid Clinical Queries (Wong 2004)"
    assert meta.records == 1234
    assert meta.final_line == "3"
    assert meta.notes == "Reconstructed.\n\nSecond paragraph: with a colon."
    assert ("layout_hint", "kept") in meta.extra
    assert meta.header_lines == HEADER.count("\n")


def test_body_line_numbers_count_the_header() -> None:
    strategy = parse_strategy_text(HEADER + "1 exp Personality Disorders/\n2 1 or 1\n")
    assert strategy.lines[0].file_line == HEADER.count("\n") + 1


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_file_round_trips_byte_for_byte(tmp_path: Path, newline: str) -> None:
    body = newline.join([CUP_LINE, "1. (Personality disorder* or Axis-II). ti, ab.   ", ""])
    data = codecs.BOM_UTF8 + (HEADER.replace("\n", newline) + body).encode("utf-8")
    path = tmp_path / "cup.txt"
    path.write_bytes(data)
    sfile = read_strategy_file(path)
    assert sfile.to_bytes() == data
    assert sfile.body == body
    assert load_strategy(path).body == body


def test_a_paste_without_header_is_all_body() -> None:
    text = "1 exp aged/\n2 or/1\n"
    sfile = split_strategy_text(text, path="strategies/cochrane.txt")
    assert not sfile.meta.has_header and sfile.body == text and sfile.meta.name == "cochrane"


def test_unclosed_header_names_the_file_and_says_what_to_do() -> None:
    with pytest.raises(StrategyError) as caught:
        split_strategy_text("---\ndatabase: MEDLINE\n1 exp aged/\n", path="s.txt")
    assert "s.txt:1" in caught.value.message and "---" in caught.value.hint


def test_bad_header_line_is_reported_with_its_file_line() -> None:
    with pytest.raises(StrategyError) as caught:
        split_strategy_text("---\ndatabase MEDLINE\n---\n", path="s.txt")
    assert "s.txt:2" in caught.value.message


def test_records_must_be_a_number() -> None:
    with pytest.raises(StrategyError, match="whole number"):
        split_strategy_text("---\nrecords: many\n---\n")


def test_new_file_template_parses_and_keeps_the_paste(tmp_path: Path) -> None:
    paste = "Database: Ovid MEDLINE(R) ALL <1946 to October 01, 2020>\r\n1 preprint.pt. (1048)\r\n"
    text = render_new(
        name="medline",
        database="medline",
        platform="ovid",
        paste=paste,
        date_from="2003",
        date_to="2019",
    )
    path = create(tmp_path, "medline", text)
    sfile = read_strategy_file(path)
    assert sfile.body == paste
    assert sfile.meta.database == "MEDLINE" and sfile.meta.platform == "Ovid"
    assert sfile.meta.syntax == "ovid" and sfile.meta.date_from == "2003"
    assert sfile.meta.languages == () and sfile.meta.filters == ()
    strategy = load_strategy(path)
    assert strategy.lines[0].recorded_hits == 1048


def test_creating_refuses_to_overwrite_without_permission(tmp_path: Path) -> None:
    create(tmp_path, "medline", "---\n---\n")
    with pytest.raises(StrategyError, match="already exists") as caught:
        create(tmp_path, "medline.txt", "---\n---\n1 x.ti.\n")
    assert "--yes" in caught.value.hint
    create(tmp_path, "medline", "---\n---\n1 x.ti.\n", overwrite=True)
    assert (tmp_path / "medline.txt").read_text() == "---\n---\n1 x.ti.\n"


def test_strategy_names_are_file_safe(tmp_path: Path) -> None:
    with pytest.raises(StrategyError, match="not a usable strategy name"):
        create(tmp_path, "../x", "")


def test_a_platform_without_a_parser_is_kept_verbatim_not_parsed() -> None:
    text = render_new(name="x", database="Scopus", platform="scopus", paste="TITLE-ABS-KEY(x)\n")
    strategy = parse_strategy_text(text)
    assert not strategy.parsed and strategy.lines == () and strategy.platform is None
    assert "Scopus" in strategy.not_parsed
    assert strategy.body == "TITLE-ABS-KEY(x)\n"
    # A header naming a platform without a parser, without syntax:, is not parsed either.
    bare = parse_strategy_text("---\nplatform: Web of Science\n---\nTS=(x)\n")
    assert not bare.parsed and "Web of Science" in bare.not_parsed
    # ...unless the user says which parser reads it.
    said = parse_strategy_text("---\nplatform: Ovid SP\nsyntax: ovid\n---\n1 x.ti.\n")
    assert said.parsed and said.platform == "ovid"
    assert parse_strategy_text("---\nplatform: OvidSP\n---\n1 x.ti.\n").platform == "ovid"
    forced = parse_strategy_text(text, platform="ovid")
    assert forced.parsed


def test_an_empty_platform_is_refused() -> None:
    with pytest.raises(StrategyError, match="no platform"):
        render_new(name="x", database="MEDLINE", platform="  ")


def test_header_platform_chooses_the_parser() -> None:
    text = "---\nplatform: EBSCOhost\n---\nS1 TI dementia\n"
    assert parse_strategy_text(text).platform == "ebsco"
    forced = parse_strategy_text(text, platform="ovid")
    assert forced.platform == "ovid"


def test_a_binary_file_is_refused_not_parsed_into_search_terms(tmp_path: Path) -> None:
    # found by a stranger's trial: NUL and control bytes were read as one search term, and
    # `strategy check` passed the file with 0 errors
    binary = tmp_path / "history.txt"
    binary.write_bytes(b"%PDF-1.4\n\x00\x01\x02 1 exp Personality Disorders/\n")
    with pytest.raises(StrategyError, match="is a binary file"):
        load_strategy(binary)


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="no FIFOs on this system")
def test_a_pipe_named_as_a_strategy_is_refused_without_blocking(tmp_path: Path) -> None:
    import os

    pipe = tmp_path / "strategy.txt"
    os.mkfifo(pipe)
    with pytest.raises(StrategyError, match="not a regular file"):
        read_strategy_file(pipe)
