"""Robustness: the stacked labelled sets with fields taken away or damaged, scored again.

Labelled sets the tool has never seen may lack fields the development sets have, or carry
them in other forms. Each row rebuilds the stack (13,722 records) with one change and scores
the clusters: precision and false merges show whether the rules stay safe when their usual
evidence is missing; recall shows how much they still find.

Run as part of ``python -m benchmarks dedupe`` (``--no-robustness`` skips it).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from types import ModuleType
from typing import Any

from cen_search.fields import parse_pages
from cen_search.models import Author, Record
from cen_search.names import parse_author

_NO_PAGES = parse_pages("")

Change = Callable[[int, Record], Record]


def _medline_author(author: Author) -> Author:
    """``Smith, John A.`` as MEDLINE writes it: ``Smith JA``."""
    if author.organisation or not author.family:
        return author
    return parse_author(f"{author.family} {author.initials}".strip())


def _every_other(change: Callable[[Record], Record]) -> Change:
    """The change applied to every second record (so duplicates differ in form)."""
    return lambda index, record: change(record) if index % 2 else record


def _all(change: Callable[[Record], Record]) -> Change:
    return lambda index, record: change(record)


CHANGES: dict[str, Change] = {
    "as labelled": _all(lambda r: r),
    "no DOI": _all(lambda r: replace(r, doi="", urls=())),
    "no abstract": _all(lambda r: replace(r, abstract="")),
    "no pages": _all(lambda r: replace(r, pages=_NO_PAGES)),
    "no volume, issue, pages": _all(lambda r: replace(r, volume="", issue="", pages=_NO_PAGES)),
    "first author only": _all(lambda r: replace(r, authors=r.authors[:1])),
    "no authors": _all(lambda r: replace(r, authors=())),
    "no journal": _all(lambda r: replace(r, container="", container_abbrev="")),
    "no year": _all(lambda r: replace(r, year=None, date="")),
    "half: MEDLINE author form": _every_other(
        lambda r: replace(r, authors=tuple(_medline_author(a) for a in r.authors))
    ),
    "half: titles cut at 60 characters": _every_other(lambda r: replace(r, title=r.title[:60])),
    "half: title upper case": _every_other(lambda r: replace(r, title=r.title.upper())),
}


def run(
    records: list[Record], ids: list[str], truth: list[list[str]], scorer: ModuleType, log: Any
) -> list[dict[str, Any]]:
    """One scored row per change in :data:`CHANGES`."""
    from cen_search.dedupe import deduplicate

    rows = []
    for name, change in CHANGES.items():
        log(f"robustness: {name} ...")
        changed = [change(index, record) for index, record in enumerate(records)]
        start = time.perf_counter()
        result = deduplicate(changed)
        seconds = time.perf_counter() - start
        groups = [[ids[m] for m in c.members] for c in result.clusters if c.size > 1]
        score = scorer.score(ids, truth, groups)
        rows.append(
            {
                "change": name,
                "precision": score["pairwise"]["precision"],
                "recall": score["pairwise"]["recall"],
                "false_merges": score["false_merges"],
                "queue": len(result.uncertain),
                "seconds": seconds,
            }
        )
    return rows


def render(rows: list[dict[str, Any]]) -> list[str]:
    lines = [
        "",
        "## Robustness (the stack with fields taken away or damaged; see robust.py)",
        "",
        "| change | P | R | false merges | review queue | s |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['change']} | {r['precision']:.3f} | {r['recall']:.3f} | "
            f"{r['false_merges']} | {r['queue']} | {r['seconds']:.1f} |"
        )
    lines += [
        "",
        "The 3 false merges of the labelled stack are label errors (see docs/dedupe.md); a "
        "row with more has merged distinct publications once that evidence was gone.",
    ]
    return lines
