"""Field-by-field similarity of two records' keys (rapidfuzz), the evidence the rules weigh."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from rapidfuzz import fuzz
from rapidfuzz.distance import Indel

from cen_search.dedupe.journals import journals_compatible
from cen_search.dedupe.keys import Keys
from cen_search.dedupe.numbering import issue_agreement


@dataclass(frozen=True, slots=True)
class Scores:
    """Evidence on one pair. Similarities are 0-1; ``None`` means "cannot tell" (missing)."""

    title: float
    """Best similarity of the two titles (main and alternative titles cross-compared)."""
    title_contained: bool
    """One title is the other with a subtitle or ending cut off (6+ leading words shared)."""
    title_alt_used: bool
    """The best title match used an alternative (translated) title."""
    authors: float | None
    """Share of the shorter author list found in the longer one (tolerant name matching)."""
    first_author: bool | None
    """The first authors match."""
    author_count_a: int
    author_count_b: int
    journal: float | None
    """1 when the names are variants/abbreviations of each other, else their fuzzy similarity."""
    year_gap: int | None
    volume: bool | None
    issue: bool | None
    pages: bool | None
    """True: a start page (or article number) is shared; False: they contradict."""
    page_range_equal: bool
    """Start and end pages both given and equal."""
    doi: bool | None
    pmid: bool | None
    """Same PubMed id / different ones / unknown."""
    abstract: float | None

    def as_dict(self) -> dict[str, float]:
        """Numeric view for explanations and the review queue (missing fields left out)."""
        out: dict[str, float] = {"title": round(self.title, 3)}
        for name in ("authors", "journal", "abstract"):
            value = getattr(self, name)
            if value is not None:
                out[name] = round(value, 3)
        for name in ("first_author", "volume", "issue", "pages", "doi", "pmid"):
            value = getattr(self, name)
            if value is not None:
                out[name] = 1.0 if value else 0.0
        if self.year_gap is not None:
            out["year_gap"] = float(self.year_gap)
        if self.title_contained:
            out["title_contained"] = 1.0
        return out


class TitleMatch(NamedTuple):
    """How two records' titles compare (see :class:`Scores` for the fields)."""

    similarity: float
    contained: bool
    alt_used: bool


def title_similarity(a: Keys, b: Keys) -> TitleMatch:
    """(best similarity, one title contains the other's opening, alternative title used)."""
    if (not a.title and not a.title_alt) or (not b.title and not b.title_alt):
        return TitleMatch(0.0, False, False)
    best = Indel.normalized_similarity(a.title, b.title) if a.title and b.title else 0.0
    alt_used = False
    if best < 0.97 and (a.title_alt or b.title_alt):
        for x, y in ((a.title_alt, b.title), (a.title, b.title_alt), (a.title_alt, b.title_alt)):
            if x and y:
                sim = Indel.normalized_similarity(x, y)
                if sim > best:
                    best, alt_used = sim, True
    contained = False
    if best < 0.97:
        for x in (a.title, a.title_alt):
            for y in (b.title, b.title_alt):
                if x and y and _contained(x, y):
                    contained = True
    return TitleMatch(best, contained, alt_used)


def _contained(x: str, y: str) -> bool:
    """Whether the shorter title is the longer one's opening (or nearly, for 6+ words)."""
    short, long_ = (x, y) if len(x) <= len(y) else (y, x)
    n_words = short.count(" ") + 1
    if n_words < 3 or len(short) < 20:
        return False
    if long_.startswith(short) and (len(long_) == len(short) or long_[len(short)] == " "):
        return True
    return n_words >= 6 and fuzz.partial_ratio(short, long_) >= 97


def _author_match(wa: tuple[str, ...], wb: tuple[str, ...], fa: str, fb: str) -> bool:
    """Tolerant match of two personal names: equal or contained family names, a shared name
    word (``"Le, Quintrec M."`` ~ ``"Le Quintrec, M."``), or a typo/encoding loss
    (``"Omskov"`` ~ ``"Ornskov"``, ``"G?k"`` ~ ``"Gok"``)."""
    if fa == fb:
        return True
    if len(fa) >= 4 and len(fb) >= 4 and (fa in fb or fb in fa):
        return True
    if any(len(w) >= 3 and w in wb for w in wa):
        return True
    return (
        fa[:1] == fb[:1]
        and min(len(fa), len(fb)) >= 2
        and (Indel.normalized_similarity(fa, fb) >= 0.8)
    )


def author_similarity(a: Keys, b: Keys) -> tuple[float | None, bool | None]:
    """(share of the shorter list matched, first authors match); None when either has none."""
    if not a.families or not b.families:
        if a.groups and b.groups:
            sim = max(Indel.normalized_similarity(x, y) for x in a.groups for y in b.groups)
            return sim, sim >= 0.9
        return None, None
    if a.families == b.families:
        return 1.0, True
    first = _author_match(a.author_words[0], b.author_words[0], a.families[0], b.families[0])
    short, long_ = (a, b) if len(a.families) <= len(b.families) else (b, a)
    used: set[int] = set()
    matched = 0
    limit = min(len(short.families), len(short.author_words), 12)
    for i in range(limit):
        fa, wa = short.families[i], short.author_words[i]
        for j in range(min(len(long_.families), len(long_.author_words))):
            if j in used:
                continue
            if _author_match(wa, long_.author_words[j], fa, long_.families[j]):
                used.add(j)
                matched += 1
                break
    return matched / limit, first


def journal_similarity(a: Keys, b: Keys) -> float | None:
    """1 for a shared ISSN or compatible names, else the names' fuzzy similarity."""
    if a.issn and a.issn & b.issn:
        return 1.0
    if not a.journal or not b.journal:
        return None
    best = 0.0
    for x in a.journal:
        for y in b.journal:
            if journals_compatible(x, y):
                return 1.0
            best = max(best, Indel.normalized_similarity(" ".join(x), " ".join(y)))
    return best


def page_agreement(a: Keys, b: Keys) -> tuple[bool | None, bool]:
    """(pages agree / contradict / unknown, full ranges equal).

    Agree: a first page or article number is shared (roman front-matter pages such as "iii"
    restart in every issue and count for nothing). Unknown (no contradiction): one gives a
    single page inside the other's range, the ranges overlap by more than one page or end on
    the same page (a mistyped first page), or one side has only an article number. Contradict:
    anything else, e.g. adjacent ranges (Part I and Part II).
    """
    a_numbers = {p for p in a.page_starts if p.isdigit()} | (
        {a.article_number} if a.article_number else set()
    )
    b_numbers = {p for p in b.page_starts if p.isdigit()} | (
        {b.article_number} if b.article_number else set()
    )
    if not a_numbers or not b_numbers:
        # nothing, or roman front-matter pages (they restart in every issue): no evidence
        return None, False
    if a_numbers & b_numbers:
        full = bool(a.page_end and a.page_start == b.page_start and a.page_end == b.page_end)
        return True, full
    # "1-6" (pages of an electronic article) vs "e12724": no contradiction
    if (a.article_number and not b.article_number and b.page_start == "1") or (
        b.article_number and not a.article_number and a.page_start == "1"
    ):
        return None, False
    # an article number on one side only: cannot contradict page numbers
    if (a.article_number and not a.page_start) != (b.article_number and not b.page_start):
        return None, False
    if a.page_end and a.page_end == b.page_end and a.page_end != a.page_start:
        return None, False  # same last page: a mistyped first page ("2297-2108" vs "2097-2108")
    ra, rb = _span(a), _span(b)
    if ra and rb:
        single_a, single_b = ra[0] == ra[1], rb[0] == rb[1]
        if (single_a and rb[0] <= ra[0] <= rb[1]) or (single_b and ra[0] <= rb[0] <= ra[1]):
            return None, False
        if (
            not single_a
            and not single_b
            and (min(ra[1], rb[1]) - max(ra[0], rb[0]) >= 1 or ra[1] == rb[1])
        ):
            return None, False
    return False, False


def _span(k: Keys) -> tuple[int, int] | None:
    """(first, last) page as numbers; ``None`` without a numeric first page."""
    if not k.page_start.isdigit():
        return None
    start = int(k.page_start)
    end = int(k.page_end) if k.page_end.isdigit() else start
    return (start, end) if end >= start else (start, start)


def _equal(x: str, y: str) -> bool | None:
    """Equal / different / unknown (either missing)."""
    if not x or not y:
        return None
    return x == y


def _shifted(a: Keys, b: Keys) -> bool:
    """``a`` has its fields shifted one place (volume in the issue field, issue in the pages
    field: ``v"" n26 p9`` for ``v26 n9``), as some conference-abstract exports do."""
    return (
        not a.volume
        and bool(b.volume)
        and a.issue == b.volume
        and not a.page_end
        and a.page_start == b.issue
        and bool(b.issue)
    )


def _volume_as_issue(a: Keys, b: Keys) -> bool:
    """``a`` has no volume and its issue number is ``b``'s volume: the volume sits in the
    issue field (``188`` as the issue, or ``30 SUPPL. 3`` for volume 30, supplement 3), as
    some exports write it. It is then ``a``'s volume, and no issue to compare."""
    return not a.volume and bool(a.issue) and a.issue == b.volume


def plainly_different(a: Keys, b: Keys, title: TitleMatch) -> bool:
    """A cheap first look, given the pair's :func:`title_similarity`: titles far apart (below
    0.5, neither containing the other), no shared DOI or PubMed id, and not the same volume
    and first page. Such a pair is distinct whatever the other fields say, so the rest of
    :func:`compare` need not run (the rules would answer ``no-match``)."""
    if (a.doi and a.doi == b.doi) or (a.pmid and a.pmid == b.pmid):
        return False
    if a.volume and a.volume == b.volume and a.page_starts & b.page_starts:
        return False
    return title.similarity < 0.5 and not title.contained


def compare(a: Keys, b: Keys, *, title: TitleMatch | None = None) -> Scores:
    """All field similarities of one pair (``title``: its :func:`title_similarity`, when
    already known)."""
    similarity, contained, alt_used = title if title is not None else title_similarity(a, b)
    authors, first = author_similarity(a, b)
    if _shifted(a, b) or _shifted(b, a):
        volume: bool | None = True
        issue: bool | None = None
        pages: bool | None = None
        full = False
    else:
        volume = _equal(a.volume, b.volume)
        if _volume_as_issue(a, b) or _volume_as_issue(b, a):
            volume = True
            issue = issue_agreement("", a.supplement, "", b.supplement)
        else:
            issue = issue_agreement(a.issue, a.supplement, b.issue, b.supplement)
        pages, full = page_agreement(a, b)
    abstract = None
    if len(a.abstract) > 100 and len(b.abstract) > 100:
        abstract = Indel.normalized_similarity(a.abstract[:600], b.abstract[:600])
    return Scores(
        title=similarity,
        title_contained=contained,
        title_alt_used=alt_used,
        authors=authors,
        first_author=first,
        author_count_a=len(a.families),
        author_count_b=len(b.families),
        journal=journal_similarity(a, b),
        year_gap=abs(a.year - b.year) if a.year and b.year else None,
        volume=volume,
        issue=issue,
        pages=pages,
        page_range_equal=full,
        doi=_equal(a.doi, b.doi),
        pmid=_equal(a.pmid, b.pmid),
        abstract=abstract,
    )
