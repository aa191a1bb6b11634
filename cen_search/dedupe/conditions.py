"""Conditions the rules in :mod:`cen_search.dedupe.rules` test on a pair, each with its reason.

Kept apart from the rules' order of judgement so that each condition can be read (and its
reason stated) on its own: when two records that contradict on one field are still one
printed item, when a page range is a database's slip, when a sparse record's fields suffice.
"""

from __future__ import annotations

from cen_search.dedupe.evidence import Pair, multi_page
from cen_search.dedupe.keys import Keys
from cen_search.dedupe.score import Scores


def siblings_agree(p: Pair) -> bool:
    """Everything but the DOI agrees, to the page, and nothing contradicts (missing fields
    tolerated: records taken from PDFs have no year): for :func:`last_digit_siblings` DOIs,
    which may be one paper's two DOIs and are offered for review, never merged."""
    s = p.s
    return (
        s.title >= 0.97
        and not p.generic
        and (p.authors_strong or s.authors is None)
        and s.pages is True
        and s.volume is not False
        and s.issue is not False
        and (s.year_gap or 0) == 0
        and (s.journal is None or s.journal >= 0.9)
    )


def same_printed_item(p: Pair) -> bool:
    """A record typed "conference" by one database and "article" by another that is one
    printed item: in the same journal (its name may carry the conference appended: ``Acta
    Cytologica. Conference: 2010 Annual Meeting ...``) and year, or the same journal (or
    proceedings volume, however named) with the same volume and pages. Embase types the
    abstracts of a journal's supplement as conference abstracts; the proceedings volumes of
    some series are journal volumes. A conference paper and its later journal version differ
    in venue, volume or pages."""
    s = p.s
    same_place = s.volume is True and s.pages is True
    if s.journal is not None and s.journal >= 0.9:
        # (neither has pages: a meeting abstract in a journal supplement, dated by the
        # meeting in one database and by the issue in the other)
        unpaged = s.volume is True and not (p.a.has_pages or p.b.has_pages)
        # (a record without a year -- metadata from a PDF -- in the same volume)
        undated = s.year_gap is None and s.volume is True and s.pages is not False
        return s.year_gap == 0 or same_place or undated or (unpaged and (s.year_gap or 0) <= 1)
    return same_place and s.page_range_equal


def page_slip(p: Pair) -> bool:
    """Two full articles that agree on everything but their page ranges.

    Same title, the same authors, journal, year and volume, and both a multi-page range:
    one database has the pages wrong (real pairs: "125-128" vs "2-8" in one volume of J Med
    Microbiol). A one-page record (erratum, meeting abstract) never qualifies, nor does a
    conference record without a journal named on both sides, nor a title too generic to
    identify an item.
    """
    a, b, s = p.a, p.b, p.s
    return (
        s.title >= 0.97
        and p.authors_strong
        and not p.generic
        and (s.authors or 0.0) >= 0.8
        and s.year_gap == 0
        and s.volume is True
        and (
            (s.journal is not None and s.journal >= 0.9)
            or (s.journal is None and not (a.conference or b.conference))
        )
        and multi_page(a)
        and multi_page(b)
    )


def sparse_match(p: Pair) -> bool:
    """A sparse record -- no year or no pages, as reference managers and GROBID take
    metadata from a PDF, often with the first author lost or a word of the title read as an
    author -- and a record of the same title (0.97 or more, not a generic one) in the same
    volume of the same journal, with nothing contradicting. For such records the fields they
    have must count for more: a near-identical specific title in one volume of one journal is
    one item (errata, comments and replies, part numbers and recurring columns are told apart
    before this rule). Most of the author names must be shared (a letter printed under the
    article's title has other authors); with no authors on a side, the issue or the page must
    agree too, or the title be long enough (five words or more) to name one item."""
    a, b, s = p.a, p.b, p.s
    sparse = not (a.has_pages and b.has_pages) or not (a.year and b.year)
    if s.authors is None:
        authors_ok = s.issue is True or s.pages is True or min(words(a), words(b)) >= 5
    else:
        authors_ok = s.authors >= 0.5
    return (
        sparse
        and s.title >= 0.97
        and not p.generic
        and s.volume is True
        and s.journal is not None
        and s.journal >= 0.9
        and s.issue is not False
        and s.pages is not False
        and (s.year_gap or 0) <= 1
        and authors_ok
    )


def generic_placed(s: Scores) -> bool:
    """A title too generic to identify an item ("Editorial introduction") identifies it with
    its place: the same first page in the same issue (a journal paginated by issue prints an
    editorial on page 3 of every issue), or the same volume and issue."""
    return (s.pages is True and s.issue is not False) or (s.volume is True and s.issue is True)


def words(k: Keys) -> int:
    """How many words the title key has."""
    return k.title.count(" ") + 1 if k.title else 0


def states_issue(k: Keys) -> bool:
    """The record names a supplement or an issue number small enough to be one (larger
    numbers in issue fields are often accession numbers)."""
    return bool(k.supplement) or 0 < len(k.issue) <= 2
