"""Body layouts and multi-database documents; every real strategy in ../shared parses."""

from __future__ import annotations

from pathlib import Path

import pytest

from cen_search.strategies import load_strategy, parse_strategy_text
from cen_search.strategies.ast import Limit, Unparsed, to_dict
from cen_search.strategies.layout import detect_layout

DATA = Path(__file__).parent / "data" / "strategies"

EXPECTED = {
    # file: (platform, layout, sections, lines)
    "ebsco-cinahl_docslib-13760600_reverse-order-with-counts_partial.txt": (
        "ebsco",
        "ebsco_history",
        1,
        10,
    ),
    "ovid-medline-embase_eppi-covid-map_update-by-entry-date.txt": ("ovid", "ovid_export", 2, 6),
    "ovid-medline_clef-tar_CD011558_qes-birth-attendants.txt": ("ovid", "unnumbered", 1, 46),
    "ovid-medline_clef-tar_CD011787_qes-vaccination-communication.txt": (
        "ovid",
        "unnumbered",
        1,
        104,
    ),
    "ovid-medline_clef-tar_CD012661_prognosis-prediabetes.txt": ("ovid", "unnumbered", 1, 57),
    "ovid-medline_cochrane-CD012419_appendix1_lines1-43.txt": ("ovid", "numbered", 1, 43),
    "ovid-medline_transmute-data-288_parent-infant-psychotherapy.txt": ("ovid", "numbered", 1, 41),
    "ovid-medline_transmute-data-46_mmse-escaped-quotes.txt": ("ovid", "numbered", 1, 8),
    "ovid-multi-db_cup-tableDS1_personality-disorder-prevalence_raw.txt": (
        "ovid",
        "numbered",
        4,
        23,
    ),
    "pubmed_apa-bpd-guideline-appendixB_history-table_partial.txt": (
        "pubmed",
        "pubmed_history",
        1,
        2,
    ),
    "pubmed_clef-tar_CD007431_labelled-blocks.txt": ("pubmed", "labelled_blocks", 1, 14),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_real_strategy_parses(shared: Path, name: str) -> None:
    """All eleven published strategies in ../shared/data/strategies load, in their layout,
    and every line except the one the source truncated gets a tree."""
    strategy = load_strategy(shared / "data" / "strategies" / name)
    platform, layout, sections, lines = EXPECTED[name]
    assert strategy.platform == platform
    assert strategy.sections[0].layout == layout
    assert (len(strategy.sections), len(strategy.lines)) == (sections, lines)
    unparsed = [line.key for line in strategy.lines if isinstance(line.node, Unparsed)]
    assert unparsed == []
    assert to_dict(strategy)["lines"][0]["node"]["type"]


def test_every_real_strategy_file_is_covered(shared: Path) -> None:
    names = {p.name for p in (shared / "data" / "strategies").glob("*.txt")}
    assert names == set(EXPECTED)


def test_unnumbered_lines_are_numbered_by_position() -> None:
    strategy = load_strategy(DATA / "ovid-medline_clef-tar_CD012661_prognosis-prediabetes.txt")
    first = strategy.lines[0]
    assert (first.n, first.key, first.numbered, first.file_line) == (1, "1", False, 6)
    assert strategy.lines[7].query == "4 and 7"  # a combination line is not a number prefix
    assert strategy.preamble[0] == (1, "Topic: CD012661 ")
    assert [i.kind for i in strategy.issues] == ["unnumbered_lines"]


def test_ovid_export_header_gives_coverage_and_sections(shared: Path) -> None:
    strategy = load_strategy(
        shared
        / "data"
        / "strategies"
        / "ovid-medline-embase_eppi-covid-map_update-by-entry-date.txt"
    )
    medline, embase = strategy.sections
    assert medline.coverage == "Ovid MEDLINE(R) ALL <1946 to October 01, 2020>"
    assert (medline.database, embase.database) == ("medline", "embase")
    assert embase.coverage == "Embase <2016 to 2020 Week 40>"
    assert strategy.line("1", section=1).recorded_hits == 120134  # type: ignore[union-attr]
    assert strategy.section_lines(0)[-1].recorded_hits == 1119


def test_multi_database_table_switches_to_pubmed_for_its_block(shared: Path) -> None:
    strategy = load_strategy(
        shared
        / "data"
        / "strategies"
        / "ovid-multi-db_cup-tableDS1_personality-disorder-prevalence_raw.txt"
    )
    assert [s.database for s in strategy.sections] == ["medline", "embase", "psycinfo", "pubmed"]
    assert [s.platform for s in strategy.sections] == ["ovid", "ovid", "ovid", "pubmed"]
    pubmed = strategy.section_lines(3)
    assert len(pubmed) == 2 and isinstance(pubmed[1].node, Limit)
    assert pubmed[1].node.target.target == "1"  # type: ignore[union-attr]


def test_numbered_layout_keeps_numbers_and_hits() -> None:
    text = (
        "Database: Ovid MEDLINE(R) ALL <1946 to May 12, 2021>\nSearch Strategy:\n"
        "-----\n1     exp Personality Disorders/ (45123)\n2     or/1 (45123)\n*****\n"
    )
    assert detect_layout(text.splitlines()) == "ovid_export"
    strategy = parse_strategy_text(text)
    assert [(x.key, x.recorded_hits) for x in strategy.lines] == [("1", 45123), ("2", 45123)]
    assert strategy.lines[0].query == "exp Personality Disorders/"
