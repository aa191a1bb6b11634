"""Synthetic inputs of any size for the scale table: real records, repeated with variations.

How a synthetic set of ``n`` records is built (deterministic for a given seed):

1. **Base papers**: one record per distinct publication of the six development sets (the
   smallest id of each labelled duplicate group, plus every singleton): about 12,200 real
   records with their real titles, authors, journals, pages, DOIs and abstracts.
2. **Distinct papers**: paper ``p`` is base paper ``p mod B``; copy ``k = p div B`` (k >= 1)
   is turned into a *different* paper the way real neighbours differ: about a third of the
   title words replaced by words of other titles, year moved by 3, 6, 9 ... years (alternately
   earlier and later, so no two copies share a year), volume moved by 10k, pages moved by
   30-900, DOI changed, and for half of the copies another base paper's authors. So copies
   are not duplicates of each other or of the original.
3. **Intended duplicates**: 30 % of papers get one more record (a tenth of those two), made from
   the paper by 2-4 realistic variations: title case, punctuation, a trailing ``[Review] [n
   refs]`` or language tag, a bracketed title; journal abbreviated or given an ``[Electronic
   Resource]`` suffix; pages written ``1234-9`` or first page only; authors written
   ``Smith JA`` or cut to three plus ``et al.``; DOI as a URL or with a ``doi:`` prefix, upper
   case; abstract, DOI, issue or pages missing.
4. Every record is written as RIS and read back with the project's RIS reader, so the variants
   go through the same parsing as real exports.

The truth (which records are one paper) is known by construction and returned with the text.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass

from cen_search.models import Record

_WORD = re.compile(r"[A-Za-z]{5,}")
_STOP = {"of", "the", "and", "in", "for", "on", "de", "la", "der", "und", "a", "an", "to", "with"}


@dataclass(frozen=True)
class Synthetic:
    text: str
    """The records as one RIS file."""
    ids: list[str]
    truth: list[list[str]]
    """Groups of ids that are the same paper (intended duplicates)."""


def base_papers(
    records: Sequence[Record], ids: Sequence[str], truth: Sequence[Sequence[str]]
) -> list[Record]:
    """One record per distinct publication (the smallest id of each labelled group)."""
    drop = {i for group in truth for i in sorted(group)[1:]}
    return [r for r, i in zip(records, ids, strict=True) if i not in drop]


def _fields(r: Record) -> dict[str, object]:
    return {
        "TY": "CONF" if r.type.value.startswith("conference") else "JOUR",
        "AU": [a.raw for a in r.authors],
        "TI": r.title,
        "T2": r.container,
        "PY": str(r.year or ""),
        "VL": r.volume,
        "IS": r.issue,
        "SP": r.pages.start or r.pages.article_number,
        "EP": r.pages.end,
        "DO": r.doi,
        "AB": r.abstract,
    }


def _mutate(
    f: dict[str, object],
    rng: random.Random,
    vocab: list[str],
    k: int,
    authors_pool: list[list[str]],
) -> dict[str, object]:
    g = dict(f)
    words = str(g["TI"]).split()
    if words:
        n = max(2, len(words) // 3)
        for pos in rng.sample(range(len(words)), min(n, len(words))):
            words[pos] = rng.choice(vocab)
        g["TI"] = " ".join(words)
    if g["PY"]:
        # copy k of a paper sits 3k years away (alternating sides): copies never share a year
        shift = 3 * ((k + 1) // 2) * (1 if k % 2 else -1)
        g["PY"] = str(int(str(g["PY"])) + shift)
    if g["VL"]:
        vl = str(g["VL"])
        g["VL"] = str(int(vl) + 10 * k) if vl.isdigit() else f"{vl}{k}"
    shift = rng.randint(30, 900)
    for tag in ("SP", "EP"):
        g[tag] = re.sub(r"\d+", lambda m: str(int(m.group(0)) + shift), str(g[tag]), count=1)
    if g["DO"]:
        g["DO"] = f"{g['DO']}.s{k}"
    if rng.random() < 0.5:
        g["AU"] = rng.choice(authors_pool)
    return g


def _abbreviate(journal: str) -> str:
    out = []
    for w in re.split(r"[\s.]+", journal):
        if not w or w.lower() in _STOP:
            continue
        out.append(w[:4] if len(w) > 5 else w)
    return " ".join(out)


def _medline_author(raw: str) -> str:
    family, _, given = raw.partition(",")
    initials = "".join(p[0] for p in re.split(r"[\s.\-]+", given.strip()) if p)
    return f"{family.strip()} {initials.upper()}".strip()


def _vary(f: dict[str, object], rng: random.Random) -> dict[str, object]:
    g = dict(f)
    title = str(g["TI"])
    choices = ["case", "punct", "tag", "journal", "pages", "authors", "doi", "missing", "missing2"]
    for what in rng.sample(choices, rng.randint(2, 4)):
        if what == "case":
            title = rng.choice((title.upper(), title.lower(), title.title()))
        elif what == "punct":
            title = re.sub(r"[:;,\-]", " ", title).rstrip(".") + rng.choice(("", ".", " ."))
        elif what == "tag":
            title = title.rstrip(".") + rng.choice(
                (". [Review] [42 refs]", ". [German]", ". [Chinese]", "")
            )
            if rng.random() < 0.2:
                title = f"[{title.rstrip('.')}]."
        elif what == "journal" and g["T2"]:
            g["T2"] = rng.choice(
                (
                    _abbreviate(str(g["T2"])),
                    f"{g['T2']} [Electronic Resource]",
                    str(g["T2"]).upper(),
                )
            )
        elif what == "pages":
            sp, ep = str(g["SP"]), str(g["EP"])
            if sp.isdigit() and ep.isdigit() and len(ep) == len(sp) and len(sp) > 1:
                common = 0
                while common < len(sp) - 1 and sp[common] == ep[common]:
                    common += 1
                g["SP"], g["EP"] = f"{sp}-{ep[common:]}", ""
            elif rng.random() < 0.5:
                g["EP"] = ""
        elif what == "authors":
            authors = [str(a) for a in g["AU"]]  # type: ignore[attr-defined]
            if rng.random() < 0.5:
                g["AU"] = [_medline_author(a) for a in authors]
            elif len(authors) > 3:
                g["AU"] = [*authors[:3], "et al."]
        elif what == "doi" and g["DO"]:
            g["DO"] = rng.choice(
                (
                    f"https://doi.org/{str(g['DO']).upper()}",
                    f"doi:{g['DO']}",
                    f"http://dx.doi.org/{g['DO']}",
                )
            )
        elif what in ("missing", "missing2"):
            field = rng.choice(("AB", "DO", "IS", "AB", "SP"))
            g[field] = ""
            if field == "SP":
                g["EP"] = ""
    g["TI"] = title
    return g


def _ris(rid: str, f: dict[str, object]) -> str:
    lines = [f"TY  - {f['TY']}", f"ID  - {rid}"]
    lines += [f"AU  - {a}" for a in f["AU"]]  # type: ignore[attr-defined]
    for tag in ("TI", "T2", "PY", "VL", "IS", "SP", "EP", "DO", "AB"):
        value = " ".join(str(f[tag]).split())
        if value:
            lines.append(f"{tag}  - {value}")
    lines.append("ER  - ")
    return "\n".join(lines) + "\n\n"


def generate(base: Sequence[Record], n: int, *, seed: int = 1, dup_rate: float = 0.3) -> Synthetic:
    """``n`` records (RIS text) built from ``base`` papers as described in the module doc."""
    rng = random.Random(seed)
    vocab = sorted({w for r in base for w in _WORD.findall(r.title)})
    authors_pool = [[a.raw for a in r.authors] for r in base if r.authors]
    fields = [_fields(r) for r in base]
    parts: list[str] = []
    ids: list[str] = []
    truth: list[list[str]] = []
    p = 0
    while len(ids) < n:
        b, k = p % len(base), p // len(base)
        paper = fields[b] if k == 0 else _mutate(fields[b], rng, vocab, k, authors_pool)
        group = [f"syn{p:07d}.0"]
        parts.append(_ris(group[0], paper))
        if rng.random() < dup_rate:
            for v in range(1, 3 if rng.random() < 0.1 else 2):
                if len(ids) + len(group) >= n:
                    break
                rid = f"syn{p:07d}.{v}"
                parts.append(_ris(rid, _vary(paper, rng)))
                group.append(rid)
        ids.extend(group)
        if len(group) > 1:
            truth.append(group)
        p += 1
    return Synthetic("".join(parts), ids, truth)
