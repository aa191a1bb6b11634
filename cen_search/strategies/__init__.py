"""Saved search strategies: the strategy file format, parsers for Ovid, EBSCOhost, ProQuest
and PubMed into one syntax tree (:mod:`cen_search.strategies.ast`), and PRESS-based checks.

>>> from cen_search.strategies import parse_strategy_text
>>> s = parse_strategy_text("1 exp Personality Disorders/ (45123)", platform="ovid")
>>> s.lines[0].node.label, s.lines[0].recorded_hits
('Personality Disorders', 45123)
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cen_search.strategies.ast import Platform, Strategy


def load_strategy(
    path: str | Path,
    *,
    platform: Platform | None = None,
    proximity_table: str | None = None,
    precedence: dict[str, int] | None = None,
) -> Strategy:
    """Read and parse a strategy file: ``strategies/<name>.txt`` with a metadata header, or a
    bare paste (Ovid export, EBSCO history, PubMed history table, numbered or plain lines).

    ``platform`` forces the dialect; otherwise it comes from the header (``syntax:`` or
    ``platform:``) or is detected from the text. ``proximity_table`` (a CSV laid out like
    ``tables/proximity.csv``) and ``precedence`` (operator -> binding strength) replace the
    defaults that are not confirmed for every platform [verify].
    Raises :class:`cen_search.errors.StrategyError` when the file cannot be read.
    """
    from cen_search.strategies.fileformat import read_strategy_file
    from cen_search.strategies.parse import parse_document

    sfile = read_strategy_file(path)
    return parse_document(
        sfile, platform=platform, proximity_table=proximity_table, precedence=precedence
    )


def parse_strategy_text(
    text: str,
    *,
    platform: Platform | None = None,
    proximity_table: str | None = None,
    precedence: dict[str, int] | None = None,
) -> Strategy:
    """Parse strategy text (with or without a metadata header) into a :class:`Strategy`;
    options as for :func:`load_strategy`."""
    from cen_search.strategies.fileformat import split_strategy_text
    from cen_search.strategies.parse import parse_document

    return parse_document(
        split_strategy_text(text),
        platform=platform,
        proximity_table=proximity_table,
        precedence=precedence,
    )


__all__ = ["load_strategy", "parse_strategy_text"]
