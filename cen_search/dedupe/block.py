"""Blocking: which pairs of records are worth comparing at all.

Several exact composite keys over normalised fields (DOI; PubMed id; title; title opening +
year or first author; first author + year; journal initials + volume + first page; year +
volume + first page; first author + first page; abstract opening) plus one fuzzy key (pairs
of the three rarest title words, which survive typos, truncation and word-order changes). A
block larger than its key's limit is not expanded to all its pairs: its members are sorted by
title and each is paired with its next ``window`` neighbours (sorted neighbourhood), which
keeps the number of comparisons near-linear.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence

from cen_search.dedupe.keys import Keys

# fmt: off
_STOP = frozenset(
    [
        "a", "an", "the", "of", "and", "or", "in", "on", "for", "to", "with", "by", "from",
        "at", "as", "is", "are", "was", "were", "be", "its", "their", "this", "that",
        "study", "analysis", "patients", "effect", "effects", "use", "using", "based",
        "new", "case", "report", "review"
    ]
)
# fmt: on

KeyFunction = Callable[[Keys], Iterable[str]]


def _doi(k: Keys) -> Iterable[str]:
    return (k.doi,) if k.doi else ()


def _pmid(k: Keys) -> Iterable[str]:
    return (k.pmid,) if k.pmid else ()


def _title(k: Keys) -> Iterable[str]:
    return [t for t in (k.title, k.title_alt) if len(t) >= 12]


def _title_opening_year(k: Keys) -> Iterable[str]:
    out = []
    for t in (k.title, k.title_alt):
        words = t.split()
        if len(words) >= 4:
            opening = " ".join(words[:5])
            out.append(f"{opening}|{k.year or ''}")
            out.append(f"{opening}|{k.first_author}")
    return out


def _author_year(k: Keys) -> Iterable[str]:
    if k.first_author and k.year:
        return (f"{k.first_author}|{k.year}",)
    return ()


def _journal_volume_page(k: Keys) -> Iterable[str]:
    if k.journal and k.volume and k.has_pages:
        page = k.page_start or k.article_number
        return tuple(f"{''.join(w[0] for w in j)}|{k.volume}|{page}" for j in k.journal)
    return ()


def _year_volume_page(k: Keys) -> Iterable[str]:
    if k.year and k.volume and k.has_pages:
        return (f"{k.year}|{k.volume}|{k.page_start or k.article_number}",)
    return ()


def _author_page(k: Keys) -> Iterable[str]:
    if k.first_author and k.has_pages:
        return tuple(f"{k.first_author}|{p}" for p in sorted(k.page_starts)[:3]) or (
            f"{k.first_author}|{k.article_number}",
        )
    return ()


def _abstract(k: Keys) -> Iterable[str]:
    return (k.abstract[:120],) if len(k.abstract) >= 120 else ()


EXACT_KEYS: tuple[tuple[str, KeyFunction, int], ...] = (
    # (name, key function, largest block expanded to all its pairs)
    ("doi", _doi, 40),
    ("pmid", _pmid, 40),
    ("title", _title, 40),
    ("title-opening", _title_opening_year, 40),
    # a prolific author publishes several papers a year: only near neighbours by title
    ("author-year", _author_year, 8),
    ("journal-volume-page", _journal_volume_page, 40),
    ("year-volume-page", _year_volume_page, 40),
    ("author-page", _author_page, 40),
    ("abstract", _abstract, 40),
)
RARE_WORDS_MAX_BLOCK = 20


def _rare_word_keys(keys: Sequence[Keys]) -> list[tuple[str, ...]]:
    """The fuzzy key of each record: pairs of its three rarest informative title words (two
    records sharing any two of those words meet in a block)."""
    tokens = [
        {
            w
            for w in f"{k.title} {k.title_alt}".split()
            if len(w) > 2 and w not in _STOP and not w.isdigit()
        }
        for k in keys
    ]
    frequency: Counter[str] = Counter()
    for words_of in tokens:
        frequency.update(words_of)
    out: list[tuple[str, ...]] = []
    for words_of in tokens:
        words = list(words_of)
        words.sort(key=lambda w: (frequency[w], w))
        if len(words) >= 3:
            first, second, third = words[:3]
            out.append((f"{first}|{second}", f"{first}|{third}", f"{second}|{third}"))
        elif len(words) == 2:
            out.append((f"{min(words)}|{max(words)}",))
        else:
            out.append(())
    return out


def candidate_pairs(
    keys: Sequence[Keys],
    *,
    ids: Sequence[str] | None = None,
    window: int = 6,
) -> set[tuple[int, int]]:
    """All pairs ``(i, j)`` with ``i < j`` that share at least one blocking key.

    ``ids`` (stable record ids) break ties when large blocks are sorted, so the pairs do not
    depend on the input order.
    """
    order = ids if ids is not None else [f"{i:012d}" for i in range(len(keys))]
    pairs: set[tuple[int, int]] = set()
    for values, max_block in _key_values(keys):
        blocks: dict[str, list[int]] = defaultdict(list)
        for i, values_of in enumerate(values):
            for value in values_of:
                blocks[value].append(i)
        for members in blocks.values():
            if len(members) > 1:
                _add_block(pairs, members, keys, order, max_block=max_block, window=window)
    return pairs


def _key_values(keys: Sequence[Keys]) -> Iterator[tuple[Iterable[Iterable[str]], int]]:
    """For each blocking key in turn: every record's values of it, and the key's block limit."""
    # the fuzzy key first, while the pairs are few: its word sets are freed before they pile up
    fuzzy = _rare_word_keys(keys)
    for _, function, max_block in EXACT_KEYS:
        yield map(function, keys), max_block
    yield fuzzy, RARE_WORDS_MAX_BLOCK


def _add_block(
    pairs: set[tuple[int, int]],
    members: list[int],
    keys: Sequence[Keys],
    order: Sequence[str],
    *,
    max_block: int,
    window: int,
) -> None:
    """Add the pairs of one block: all of them, or title neighbours when it is too large."""
    members = sorted(set(members))
    if len(members) <= max_block:
        for x, i in enumerate(members):
            for j in members[x + 1 :]:
                pairs.add((i, j))
        return
    ordered = sorted(members, key=lambda i: (keys[i].title, order[i]))
    for x, i in enumerate(ordered):
        for j in ordered[x + 1 : x + 1 + window]:
            pairs.add((i, j) if i < j else (j, i))
