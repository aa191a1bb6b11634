"""DOIs that do not identify one record: collection DOIs, and a publisher's near-twin DOIs.

A DOI normally names one publication, so two records with the same DOI are the same record and
two with different DOIs are not. Two patterns in real exports break that:

* **Collection DOIs.** Journals give one DOI to a whole supplement or abstract book, and
  databases copy it onto every abstract in it; a wrong DOI copied onto another record looks
  the same. A DOI that two *clearly different* records of one run carry
  (:func:`clearly_different`) identifies neither of them.
  :func:`set_aside_collection_dois` finds such DOIs from the records of the run (how many
  different titles a DOI carries, not a list of publishers) and takes them out of the
  matching keys, so that they are no evidence of a match, no veto, and no reason to ask a
  person; ``explain`` says so. The records are still matched on everything else.
* **Near-twin DOIs.** A publisher sometimes registers two DOIs for one paper that differ only
  in the last digit; two DOIs that close may also be two consecutive items of one issue. So
  :func:`last_digit_siblings` pairs are never merged; the rules offer them for review when
  everything else agrees to the page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace

from cen_search.dedupe.keys import Keys
from cen_search.dedupe.score import author_similarity, title_similarity

MAX_TITLES_COMPARED = 30
"""Distinct titles of one DOI compared with each other (a supplement DOI may carry hundreds:
two clearly different ones are enough to tell)."""


def clearly_different(a: Keys, b: Keys) -> bool:
    """Two records that cannot be one publication whatever identifier they share: titles far
    apart (below 0.5, neither the other's opening, translations considered), or titles that
    differ (below 0.9) written by other people (different first authors, most names not
    shared) -- two abstracts of one trial in one supplement. Records with the same first
    author never are (a PDF's metadata may carry the journal's running header as the title).
    """
    title = title_similarity(a, b)
    if title.contained or title.similarity >= 0.9:
        return False
    authors, first = author_similarity(a, b)
    if first is True:
        return False
    if title.similarity < 0.5:
        return True
    return first is False and (authors or 0.0) < 0.5


def collection_dois(keys: Sequence[Keys]) -> dict[str, int]:
    """The DOIs of the run that clearly different records share -> how many records carry
    each (see the module docstring)."""
    by_doi: dict[str, list[int]] = defaultdict(list)
    for i, k in enumerate(keys):
        if k.doi:
            by_doi[k.doi].append(i)
    shared: dict[str, int] = {}
    for doi, members in by_doi.items():
        if len(members) < 2:
            continue
        distinct: dict[tuple[str, str], int] = {}
        for i in members:
            distinct.setdefault((keys[i].title, keys[i].title_alt), i)
            if len(distinct) >= MAX_TITLES_COMPARED:
                break
        if len(distinct) < 2:
            continue
        reps = [keys[i] for i in distinct.values()]
        if any(clearly_different(x, y) for n, x in enumerate(reps) for y in reps[n + 1 :]):
            shared[doi] = len(members)
    return shared


def set_aside_collection_dois(keys: Sequence[Keys]) -> list[Keys]:
    """``keys`` with the collection DOIs of the run removed (each such record gets a note
    saying why), the others unchanged."""
    shared = collection_dois(keys)
    if not shared:
        return list(keys)
    out = []
    for k in keys:
        count = shared.get(k.doi)
        if count is None:
            out.append(k)
            continue
        note = (
            f"DOI {k.doi} is shared by {count} records with clearly different titles (a "
            "supplement's or collection's DOI): not used to match"
        )
        out.append(replace(k, doi="", cochrane="", cochrane_version="", notes=(*k.notes, note)))
    return out


def last_digit_siblings(a: str, b: str) -> bool:
    """Two DOIs of one publisher that differ only in their last character, a digit on both
    sides (``.../2020/14911`` and ``.../2020/14912``: same length, same prefix)."""
    return (
        len(a) == len(b)
        and len(a) > 8
        and a[:-1] == b[:-1]
        and a[-1] != b[-1]
        and a[-1].isdigit()
        and b[-1].isdigit()
    )
