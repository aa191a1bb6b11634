"""Named rules that turn the evidence on a pair into a verdict, vetoes first.

Order of judgement (the first that applies decides):

1. **Vetoes** for the known traps. A *hard* veto (``veto:...``) says the records are distinct
   and also forbids chaining them into one cluster; a *review* outcome (``review:...``) sends
   the pair to the ranked queue of uncertain pairs.
2. **Duplicate rules** (``doi``, ``title+authors``, ``bibliographic``, ``title+source``,
   ``title+authors+year``): each needs strong agreement on two or three fields and no
   contradiction on the others.
3. Otherwise the pair is ``uncertain`` when the evidence is in the grey band, else
   ``distinct`` (``no-match``).

Every outcome names its rule and carries the facts that decided it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from cen_search.dedupe.keys import Keys
from cen_search.dedupe.model import DedupeOptions, PreprintPolicy, Verdict
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


@dataclass(frozen=True, slots=True)
class Context:
    """What the rules know about the whole input (computed once per run)."""

    generic_titles: frozenset[str] = frozenset()
    """Titles used by several different items (recurring columns, "Editorial")."""


Place = tuple[str, int | None, str, str]
"""Where a title appeared: (title key, year, volume, issue), as in :class:`Keys`."""


def place_of(keys: Keys) -> Place:
    """The :data:`Place` of one record's keys."""
    return keys.title, keys.year, keys.volume, keys.issue


def build_context(places: Iterable[Place]) -> Context:
    """Facts about the whole input the rules need: titles shared by different items.

    A title is *recurring* (a column such as "Editor's comments", "Gateways to clinical
    trials") when records carrying it sit in issues that cannot be one item: years two or
    more apart, or two different complete (year, volume, issue) places.
    """
    years: dict[str, set[int]] = defaultdict(set)
    complete: dict[str, set[tuple[int, str, str]]] = defaultdict(set)
    for title, year, volume, issue in places:
        if title and year:
            years[title].add(year)
            if volume and issue and len(issue) <= 2:
                complete[title].add((year, volume, issue))
    generic = {t for t, ys in years.items() if len(ys) > 1 and max(ys) - min(ys) >= 2}
    generic.update(t for t, ps in complete.items() if len(ps) > 1)
    return Context(generic_titles=frozenset(generic))


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


def _is_generic(a: Keys, b: Keys, ctx: Context) -> bool:
    """A title too short or too common to identify an item by itself ("Editorial", "Editor's
    comments", a column title seen in several years)."""
    for title in (a.title, b.title):
        n_words = title.count(" ") + 1 if title else 0
        if n_words <= 3 or (n_words <= 8 and title in ctx.generic_titles):
            return True
    return False


def _multi_page(keys: Keys) -> bool:
    """A full page range of two or more pages (not a one-page notice, abstract or erratum)."""
    start, end = keys.page_start, keys.page_end
    return start.isdigit() and end.isdigit() and int(end) > int(start)


def _page_slip(a: Keys, b: Keys, s: Scores, *, authors_strong: bool) -> bool:
    """Two full articles that agree on everything but their page ranges.

    Same title, the same authors, journal, year and volume, and both a multi-page range:
    one database has the pages wrong (real pairs: "125-128" vs "2-8" in one volume of J Med
    Microbiol). A one-page record (erratum, meeting abstract) or a conference record never
    qualifies, and neither does a title too generic to identify an item.
    """
    return (
        s.title >= 0.97
        and authors_strong
        and (s.authors or 0.0) >= 0.8
        and s.year_gap == 0
        and s.volume is True
        and (s.journal is None or s.journal >= 0.9)
        and not (a.conference or b.conference)
        and _multi_page(a)
        and _multi_page(b)
    )


def judge(a: Keys, b: Keys, s: Scores, *, options: DedupeOptions, ctx: Context) -> Judgement:
    """The verdict on one pair (see the module docstring for the order of rules)."""
    score = likelihood(s)
    title_high = s.title >= 0.93 or s.title_contained
    authors_strong = (
        s.authors is not None
        and bool(s.first_author)
        and (s.authors >= 0.75 or (s.authors >= 0.6 and s.title >= 0.97))
    )
    doi_same = s.doi is True
    id_same = doi_same or s.pmid is True
    generic = _is_generic(a, b, ctx)
    strong_otherwise = (
        s.title >= 0.95
        and not generic
        and (authors_strong or s.authors is None)
        and (s.journal is None or s.journal >= 0.9)
        and (s.year_gap or 0) <= 1
    )

    def out(
        verdict: Verdict, rule: str, *reasons: str, contradiction: bool | None = None
    ) -> Judgement:
        """The judgement; by default a veto, a policy or a soft veto is a contradiction."""
        if contradiction is None:
            contradiction = rule.startswith(("veto:", "policy:")) or rule in SOFT_VETOES
        return Judgement(verdict, rule, score, tuple(reasons), contradiction)

    def veto(kind: str, reason: str) -> Judgement:
        """A contradiction: distinct, unless everything else says "same" (then review)."""
        if strong_otherwise and kind in REVIEWABLE:
            return out(Verdict.UNCERTAIN, f"review:{kind}", reason + "; everything else agrees")
        return out(Verdict.DISTINCT, f"veto:{kind}", reason)

    # ---- vetoes --------------------------------------------------------------------------
    if a.cochrane and a.cochrane == b.cochrane and a.cochrane_version != b.cochrane_version:
        return out(
            Verdict.DISTINCT,
            "veto:cochrane-version",
            f"versions of one Cochrane review: {a.doi} vs {b.doi}",
        )
    kinds = [f for f in KIND_FLAGS if (f in a.flags) != (f in b.flags)]
    if (
        kinds
        and ("bundle" in a.flags or "bundle" in b.flags)
        and set(kinds) <= {"reply", "comment"}
    ):
        kinds = []  # an Embase "(multiple letters)" record holds the letter and its replies
    if (
        kinds
        and set(kinds) <= {"reply", "comment"}
        and (
            (s.title >= 0.9 or s.title_contained)
            and s.year_gap == 0
            and s.volume is True
            and s.issue is not False
            and (s.journal is None or s.journal >= 0.9)
        )
    ):
        # A letter and the reply to it in the same issue: never merged, but not a
        # contradiction either, so a record holding both can join them.
        return out(
            Verdict.UNCERTAIN,
            f"review:{kinds[0]}",
            f"only one is {'/'.join(kinds)} (same issue)",
            contradiction=False,
        )
    if kinds:
        # An erratum, comment or reply shares its article's title: never merged automatically,
        # but offered for review when it plainly belongs to the other record (same venue).
        reason = f"only one is {'/'.join(kinds)}"
        if (
            (s.title >= 0.9 or s.title_contained)
            and (s.year_gap or 0) <= 1
            and (s.journal is None or s.journal >= 0.9)
            and s.volume is not False
            and min(a.title.count(" "), b.title.count(" ")) >= 3
        ):
            return out(Verdict.UNCERTAIN, f"review:{kinds[0]}", reason)
        return out(Verdict.DISTINCT, f"veto:{kinds[0]}", reason)
    if s.pmid is False and not doi_same:
        return out(Verdict.DISTINCT, "veto:pmid", f"PubMed ids differ: {a.pmid} vs {b.pmid}")
    if s.doi is False:
        if (
            s.title >= 0.97
            and authors_strong
            and s.page_range_equal
            and s.volume
            and s.issue is not False
            and s.year_gap == 0
            and not generic
            and not a.cochrane
        ):
            return out(
                Verdict.UNCERTAIN,
                "review:doi-conflict",
                f"DOIs differ ({a.doi} vs {b.doi}) but everything else agrees",
            )
        return out(Verdict.DISTINCT, "veto:doi", f"DOIs differ: {a.doi} vs {b.doi}")
    if (
        a.numbers
        and b.numbers
        and a.numbers != b.numbers
        and not id_same
        and not s.title_alt_used
        and not (s.pages and s.volume)
    ):
        return out(
            Verdict.DISTINCT,
            "veto:numbers",
            f"numbers in titles differ: {' '.join(a.numbers)} vs {' '.join(b.numbers)}",
        )
    if a.preprint != b.preprint and options.preprint_policy == PreprintPolicy.SEPARATE:
        return out(Verdict.DISTINCT, "policy:preprint", "a preprint and a published version")
    if not id_same:
        if s.year_gap is not None and s.year_gap >= 2:
            return out(Verdict.DISTINCT, "veto:year", f"years differ: {a.year} vs {b.year}")
        if (
            a.conference != b.conference
            and (a.journal_article or b.journal_article)
            and not (s.journal is not None and s.journal >= 0.9 and s.year_gap == 0)
        ):
            # (one abstract typed "conference" by one database and "article" by another, in
            # the same journal and year, is not a different item)
            return out(
                Verdict.DISTINCT, "veto:venue-type", "a conference paper and a journal article"
            )
        if s.pages is False and not generic and _page_slip(a, b, s, authors_strong=authors_strong):
            return out(
                Verdict.DUPLICATE,
                "title+authors+volume",
                f"pages differ ({a.page_start}-{a.page_end} vs {b.page_start}-{b.page_end}) "
                "but title, authors, journal, year and volume agree: a page error in one "
                "database",
            )
        if s.pages is False:
            return veto(
                "pages",
                f"pages differ: {a.page_start or a.article_number} vs "
                f"{b.page_start or b.article_number}",
            )
        if s.volume is False:
            return veto("volume", f"volumes differ: {a.volume} vs {b.volume}")
        if s.issue is False and not s.pages:
            return veto("issue", f"issues differ: {a.issue} vs {b.issue}")
        if (
            s.journal is not None
            and s.journal < 0.5
            and not (s.pages and s.volume)
            and not a.conference
            and not b.conference
        ):
            return out(
                Verdict.DISTINCT,
                "veto:journal",
                "published in different journals: "
                + " / ".join(" ".join(k.journal[0]) for k in (a, b)),
            )

    # ---- duplicate rules -----------------------------------------------------------------
    if id_same:
        name, value = ("doi", a.doi) if doi_same else ("pmid", a.pmid)
        label = "DOI" if doi_same else "PubMed id"
        if s.title >= 0.7 or s.title_contained or (authors_strong and (s.year_gap or 0) <= 1):
            return out(Verdict.DUPLICATE, name, f"same {label} {value}")
        return out(
            Verdict.UNCERTAIN,
            f"review:{name}-collision",
            f"same {label} {value} but titles differ ({s.title:.2f})",
        )

    corroboration = [
        name
        for name, ok in (
            ("journal", s.journal is not None and s.journal >= 0.9),
            ("volume", s.volume is True),
            ("pages", s.pages is True),
            ("issue", s.issue is True),
            ("abstract", s.abstract is not None and s.abstract >= 0.9),
        )
        if ok
    ]
    # Year +-1 needs support: shared pages or volume, or two records of one conference paper
    # (proceedings of a December meeting are often dated the next year).
    year_ok = (
        s.year_gap is None
        or s.year_gap == 0
        or (
            s.year_gap == 1
            and (
                s.pages is True
                or s.volume is True
                or (
                    a.conference
                    and b.conference
                    and s.title >= 0.97
                    and s.journal is not None
                    and s.journal >= 0.9
                )
            )
        )
    )
    authors_same_set = (
        s.authors is not None and s.authors >= 0.9 and min(s.author_count_a, s.author_count_b) >= 2
    )
    if (
        title_high
        and (authors_strong or authors_same_set)
        and year_ok
        and corroboration
        and (not generic or s.pages is True or (s.volume is True and s.issue is True))
    ):
        return out(
            Verdict.DUPLICATE,
            "title+authors",
            f"titles {s.title:.2f}, authors {s.authors:.2f}, and "
            + ", ".join(corroboration)
            + " agree",
        )
    if (
        title_high
        and not generic
        and s.pages is True
        and s.volume is True
        and s.year_gap == 0
        and s.journal is not None
        and s.journal >= 0.9
        # Damaged or reordered author lists still share a name. With no name shared (a group
        # author for its members, letters indexed under different writers) the titles must be
        # the same: a letter and its reply, or two abstracts on one page with (truncated)
        # similar titles, are not.
        and (s.authors is None or s.authors > 0 or s.title >= 0.97)
    ):
        return out(
            Verdict.DUPLICATE,
            "title+bibliographic",
            f"titles {s.title:.2f}; journal, year, volume and pages agree"
            + ("" if authors_strong else "; authors differ (damaged or reordered?)"),
        )
    if (
        s.pages is True
        and (s.page_range_equal or s.issue is True)
        and s.volume is True
        and (s.issue is not False or s.title >= 0.8)
        # different titles on one shared page are two abstracts or letters, not a translation
        and (
            s.title >= 0.8
            or (s.page_range_equal and _multi_page(a) and not (a.conference or b.conference))
        )
        and s.year_gap == 0
        and s.journal is not None
        and s.journal >= 0.9
        and (
            (authors_strong and (s.authors or 0) >= 0.8)
            or (s.authors is None and s.page_range_equal and s.title >= 0.75)
        )
    ):
        return out(
            Verdict.DUPLICATE,
            "bibliographic",
            ("same authors, " if s.authors else "")
            + "same journal, year, volume and pages"
            + (f" (titles {s.title:.2f}: a translation?)" if s.title < 0.9 else ""),
        )
    if (
        s.title >= 0.97
        and s.authors is None
        and s.year_gap == 0
        and len(corroboration) >= 2
        and (not generic or s.pages is True)
    ):
        return out(
            Verdict.DUPLICATE,
            "title+source",
            "same title and year; " + ", ".join(corroboration) + " agree; authors missing",
        )
    if (
        s.title >= 0.97
        and authors_strong
        and (s.authors or 0) >= 0.9
        and s.year_gap == 0
        and not generic
        and min(s.author_count_a, s.author_count_b) >= 2
        # (the same title and authors in two journals of one year: one abstract twice, or a
        # guideline published in several journals; proceedings names vary too much to tell)
        and (s.journal is None or s.journal >= 0.9 or (a.conference and b.conference))
    ):
        return out(
            Verdict.DUPLICATE,
            "title+authors+year",
            "same title, authors and year; no field contradicts",
        )

    # ---- grey band -----------------------------------------------------------------------
    if (s.title >= 0.85 or s.title_contained) and (s.authors is None or s.authors >= 0.5):
        return out(Verdict.UNCERTAIN, "review:partial", "titles agree but corroboration is thin")
    if s.pages and s.volume and authors_strong and s.year_gap == 0:
        return out(
            Verdict.UNCERTAIN,
            "review:bibliographic",
            f"same authors, volume and pages but titles differ ({s.title:.2f})",
        )
    return out(Verdict.DISTINCT, "no-match", f"titles {s.title:.2f}")
