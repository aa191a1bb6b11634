"""What the rules read about one pair, and the verdict they give.

:class:`Pair` holds a pair's keys and field scores with the facts every rule derives from them
(is the title a match, are the authors, is the title too generic to decide on); the rules in
:mod:`cen_search.dedupe.rules` read it and give a :class:`Judgement`. :class:`Context` holds
what the rules know about the whole input.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from cen_search.dedupe.keys import Keys
from cen_search.dedupe.model import Relation, Verdict
from cen_search.dedupe.score import Scores

KIND_FLAGS = ("erratum", "retraction", "comment", "reply")
REVIEWABLE = frozenset({"pages", "volume", "issue"})
"""Contradictions that go to review (not straight to "distinct") when all else agrees."""
SOFT_VETOES = frozenset(
    {f"review:{k}" for k in (*REVIEWABLE, *KIND_FLAGS)} | {"review:doi-conflict"}
)


@dataclass(frozen=True, slots=True)
class Judgement:
    """The rules' verdict on one pair: the deciding rule, the likelihood and the facts."""

    verdict: Verdict
    rule: str
    score: float
    reasons: tuple[str, ...]
    contradiction: bool = False
    """A veto fired (even when the pair was sent to review): the two records must not end
    up in one cluster through other records."""
    relation: Relation | None = None
    """How the records belong together when they are not duplicates
    (:mod:`cen_search.dedupe.links`)."""
    subject_is_a: bool = True
    """The relation is about the pair's first record (the erratum, the abstract ...)."""
    relation_evidence: str = ""


@dataclass(frozen=True, slots=True)
class Context:
    """What the rules know about the whole input (computed once per run)."""

    generic_titles: frozenset[str] = frozenset()
    """Titles used by several different items (recurring columns, "Editorial")."""
    columns: frozenset[str] = frozenset()
    """Generic titles of eight words or fewer seen in three places or more (or dated): columns,
    not a paper and its erratum or its reprint (for links, :mod:`cen_search.dedupe.links`)."""


Place = tuple[str, int | None, str, str]
"""Where a title appeared: (title key, year, volume, issue), as in :class:`Keys`."""


def place_of(keys: Keys) -> Place:
    """The :data:`Place` of one record's keys."""
    return keys.title, keys.year, keys.volume, keys.issue


def build_context(places: Iterable[Place]) -> Context:
    """Facts about the whole input the rules need: titles shared by different items.

    A title is *recurring* (a column such as "Editor's comments", "Gateways to clinical
    trials") when records carrying it sit in issues that cannot be one item: years two or
    more apart, or two different complete (year, volume, issue) places. A short title (three
    to eight words) that opens titles of such different issues is recurring too: columns are
    often dated or numbered in the title ("Gateways to clinical trials: April 2004") and bare
    elsewhere, or in records that lost their year.
    """
    places = list(places)
    years: dict[str, set[int]] = defaultdict(set)
    complete: dict[str, set[tuple[int, str, str]]] = defaultdict(set)
    for title, year, volume, issue in places:
        if title and year:
            years[title].add(year)
            if volume and issue and len(issue) <= 2:
                complete[title].add((year, volume, issue))
    generic = {t for t, ys in years.items() if len(ys) > 1 and max(ys) - min(ys) >= 2}
    generic.update(t for t, ps in complete.items() if len(ps) > 1)
    opened = _opened(places, years)
    generic.update(t for t, ys in opened.items() if len(ys) > 1 and max(ys) - min(ys) >= 2)
    seen: dict[str, set[tuple[int | None, str, str]]] = defaultdict(set)
    for title, year, volume, issue in places:
        if title in generic:
            seen[title].add((year, volume, issue))
    columns = {t for t in generic if t.count(" ") < 8 and (len(seen[t]) >= 3 or t in opened)}
    return Context(generic_titles=frozenset(generic), columns=frozenset(columns))


def _opened(places: list[Place], years: dict[str, set[int]]) -> dict[str, set[int]]:
    """Short titles (three to eight words) -> the years of the longer titles they open."""
    short = {p[0] for p in places if p[0] and 2 <= p[0].count(" ") <= 7}
    openings = {" ".join(t.split(" ")[:3]) for t in short}
    opened: dict[str, set[int]] = defaultdict(set)
    for title, ys in years.items():
        words = title.split(" ")
        if len(words) < 4 or " ".join(words[:3]) not in openings:
            continue
        for k in range(3, min(8, len(words) - 1) + 1):
            prefix = " ".join(words[:k])
            if prefix in short:
                opened[prefix].update(ys)
    return opened


def likelihood(s: Scores) -> float:
    """A 0-1 score of how likely the pair is a duplicate (ranks the review queue): the
    weighted mean of the field agreements that can be told (weights in the table below)."""
    evidence = (
        (4.0, max(s.title, 0.95 if s.title_contained else 0.0)),
        (2.0, s.authors),
        (1.0, s.journal),
        (1.0, _year_agreement(s.year_gap)),
        (1.0, _agreement(s.volume)),
        (1.5, _agreement(s.pages)),
        (3.0, _agreement(s.doi)),
        (3.0, _agreement(s.pmid)),
        (0.5, _agreement(s.issue)),
        (2.0, s.abstract),
    )
    total = acc = 0.0
    for weight, value in evidence:
        if value is not None:
            total += weight
            acc += weight * value
    return round(acc / total, 4)


def _year_agreement(gap: int | None) -> float | None:
    """1 for the same year, 0.6 a year apart, else 0; ``None`` when a year is missing."""
    if gap is None:
        return None
    return 1.0 if gap == 0 else 0.6 if gap == 1 else 0.0


def _agreement(value: bool | None) -> float | None:
    """1 for agreement, 0 for a contradiction, ``None`` when it cannot be told."""
    return None if value is None else 1.0 if value else 0.0


def is_generic(a: Keys, b: Keys, ctx: Context) -> bool:
    """A title too short or too common to identify an item by itself ("Editorial", "Editor's
    comments", a column title seen in several years)."""
    for title in (a.title, b.title):
        n_words = title.count(" ") + 1 if title else 0
        if n_words <= 3 or (n_words <= 8 and title in ctx.generic_titles):
            return True
    return False


def footnote_only(a: Keys, b: Keys) -> bool:
    """The titles' numbers differ only by a trailing digit one of them ends with, which may
    be a PDF's footnote marker (``... APPROACH 1``): that is no different number."""
    for x, y in ((a, b), (b, a)):
        if x.footnote:
            rest = list(x.numbers)
            rest.remove(x.footnote)
            if tuple(rest) == y.numbers:
                return True
    return False


def multi_page(keys: Keys) -> bool:
    """A full page range of two or more pages (not a one-page notice, abstract or erratum)."""
    start, end = keys.page_start, keys.page_end
    return start.isdigit() and end.isdigit() and int(end) > int(start)


@dataclass(frozen=True, slots=True)
class Pair:
    """One pair's keys and field scores, with the facts every rule reads."""

    a: Keys
    b: Keys
    s: Scores
    score: float
    """How likely a duplicate (:func:`likelihood`): ranks the review queue."""
    title_high: bool
    """Titles agree (0.93 or more, or one is the other without its subtitle)."""
    authors_strong: bool
    """The first authors agree and most of the others do."""
    doi_same: bool
    id_same: bool
    """The same DOI or PubMed id."""
    generic: bool
    """A title too short or too common to identify an item (:func:`is_generic`)."""
    column: bool
    """A title too short to name one item, or a column's seen in three places or more."""
    strong_otherwise: bool
    """Title, authors, journal and year all agree: a contradiction elsewhere goes to review."""

    @classmethod
    def of(cls, a: Keys, b: Keys, s: Scores, ctx: Context) -> Pair:
        authors_strong = (
            s.authors is not None
            and bool(s.first_author)
            and (s.authors >= 0.75 or (s.authors >= 0.6 and s.title >= 0.97))
        )
        generic = is_generic(a, b, ctx)
        return cls(
            a,
            b,
            s,
            score=likelihood(s),
            title_high=s.title >= 0.93 or s.title_contained,
            authors_strong=authors_strong,
            doi_same=s.doi is True,
            id_same=s.doi is True or s.pmid is True,
            generic=generic,
            column=min(a.title.count(" "), b.title.count(" ")) < 3
            or a.title in ctx.columns
            or b.title in ctx.columns,
            strong_otherwise=(
                s.title >= 0.95
                and not generic
                and (authors_strong or s.authors is None)
                and (s.journal is None or s.journal >= 0.9)
                and (s.year_gap or 0) <= 1
            ),
        )

    def out(
        self, verdict: Verdict, rule: str, *reasons: str, contradiction: bool | None = None
    ) -> Judgement:
        """The judgement; by default a veto, a policy or a soft veto is a contradiction."""
        if contradiction is None:
            contradiction = rule.startswith(("veto:", "policy:")) or rule in SOFT_VETOES
        if self.a.notes or self.b.notes:
            reasons = (
                *reasons,
                *(f"record A: {note}" for note in self.a.notes),
                *(f"record B: {note}" for note in self.b.notes),
            )
        return Judgement(verdict, rule, self.score, tuple(reasons), contradiction)

    def veto(self, kind: str, reason: str) -> Judgement:
        """A contradiction: distinct, unless title, authors, journal and year say "same"
        (then review)."""
        if self.strong_otherwise and kind in REVIEWABLE:
            return self.out(
                Verdict.UNCERTAIN, f"review:{kind}", f"{reason}; {self.what_agrees(kind)}"
            )
        return self.out(Verdict.DISTINCT, f"veto:{kind}", reason)

    def what_agrees(self, kind: str) -> str:
        """What agrees beside the contradiction ``kind`` when :attr:`strong_otherwise`, and
        what else contradicts (``title, authors, journal and year agree; issues differ too:
        11 vs 9``): never "everything else" when the volumes or issues differ as well."""
        a, b, s = self.a, self.b, self.s
        agree = ["title"]
        if s.authors is not None:
            agree.append("authors")
        if s.journal is not None:
            agree.append("journal")
        if s.year_gap == 0:
            agree.append("year")
        text = (
            ", ".join(agree[:-1]) + " and " + agree[-1] + " agree"
            if len(agree) > 1
            else "title agrees"
        )
        if s.year_gap == 1:
            text += f" (years one apart: {a.year} vs {b.year})"
        also = [
            f"{name} differ too: {x} vs {y}"
            for name, field, x, y in (
                ("volumes", "volume", a.volume, b.volume),
                ("issues", "issue", a.issue, b.issue),
            )
            if field != kind and getattr(s, field) is False
        ]
        return "; ".join((text, *also))
