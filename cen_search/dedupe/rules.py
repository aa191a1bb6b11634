"""Named rules that turn the evidence on a pair into a verdict, vetoes first.

Order of judgement (the first that applies decides):

1. **Vetoes** for the known traps. A *hard* veto (``veto:...``) says the records are distinct
   and also forbids chaining them into one cluster; a *review* outcome (``review:...``) sends
   the pair to the ranked queue of uncertain pairs.
2. **Duplicate rules** (``doi``, ``title+authors``, ``bibliographic``, ``title+source``,
   ``title+authors+year``, ``title+volume`` for sparse records): each needs strong agreement
   on two or three fields and no contradiction on the others.
3. Otherwise the pair is ``uncertain`` when the evidence is in the grey band, else
   ``distinct`` (``no-match``).
4. A pair that is not a duplicate gets its relation when the two records belong together
   (:mod:`cen_search.dedupe.links`): an erratum and its article, an abstract and the full
   report ... A relation that settles a review question (an erratum is a different record by
   definition) makes the pair ``distinct`` and linked instead of queued.

Every outcome names its rule and carries the facts that decided it. The conditions several
rules test are in :mod:`cen_search.dedupe.conditions`, each with its reason.
"""

from __future__ import annotations

from cen_search.dedupe.conditions import (
    generic_placed,
    page_slip,
    same_printed_item,
    siblings_agree,
    sparse_match,
    states_issue,
)
from cen_search.dedupe.dois import last_digit_siblings
from cen_search.dedupe.evidence import (
    KIND_FLAGS,
    REVIEWABLE,
    SOFT_VETOES,
    Context,
    Judgement,
    Pair,
    Place,
    build_context,
    footnote_only,
    likelihood,
    multi_page,
    place_of,
)
from cen_search.dedupe.keys import Keys
from cen_search.dedupe.links import attach
from cen_search.dedupe.model import DedupeOptions, PreprintPolicy, Verdict
from cen_search.dedupe.score import Scores

__all__ = [
    "KIND_FLAGS",
    "REVIEWABLE",
    "SOFT_VETOES",
    "Context",
    "Judgement",
    "Place",
    "build_context",
    "judge",
    "likelihood",
    "place_of",
]


def judge(a: Keys, b: Keys, s: Scores, *, options: DedupeOptions, ctx: Context) -> Judgement:
    """The verdict on one pair (see the module docstring for the order of rules)."""
    p = Pair.of(a, b, s, ctx)
    judgement = _vetoes(p, options) or _duplicate(p) or _grey_band(p)
    if judgement.verdict is Verdict.DUPLICATE:
        return judgement
    return attach(p, judgement)


def _vetoes(p: Pair, options: DedupeOptions) -> Judgement | None:
    """The known traps: a contradiction that keeps the records apart (or sends them to
    review), or ``None`` when there is none."""
    a, b, s = p.a, p.b, p.s
    if (
        a.cochrane
        and a.cochrane == b.cochrane
        and a.cochrane_version
        and b.cochrane_version
        and a.cochrane_version != b.cochrane_version
    ):
        return p.out(
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
        return p.out(
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
            return p.out(Verdict.UNCERTAIN, f"review:{kinds[0]}", reason)
        return p.out(Verdict.DISTINCT, f"veto:{kinds[0]}", reason)
    if s.pmid is False and not p.doi_same:
        return p.out(Verdict.DISTINCT, "veto:pmid", f"PubMed ids differ: {a.pmid} vs {b.pmid}")
    if s.doi is False:
        if last_digit_siblings(a.doi, b.doi) and siblings_agree(p):
            return p.out(
                Verdict.UNCERTAIN,
                "review:doi-conflict",
                f"DOIs differ only in their last digit ({a.doi} vs {b.doi}) and everything "
                "else agrees to the page: one paper with two DOIs, or two items of one issue?",
            )
        if (
            s.title >= 0.97
            and p.authors_strong
            and s.page_range_equal
            and s.volume
            and s.issue is not False
            and s.year_gap == 0
            and not p.generic
            and not a.cochrane
        ):
            return p.out(
                Verdict.UNCERTAIN,
                "review:doi-conflict",
                f"DOIs differ ({a.doi} vs {b.doi}) but everything else agrees",
            )
        return p.out(Verdict.DISTINCT, "veto:doi", f"DOIs differ: {a.doi} vs {b.doi}")
    if (
        a.numbers
        and b.numbers
        and a.numbers != b.numbers
        and not footnote_only(a, b)
        and not p.id_same
        and not s.title_alt_used
        and not (s.pages and s.volume)
    ):
        return p.out(
            Verdict.DISTINCT,
            "veto:numbers",
            f"numbers in titles differ: {' '.join(a.numbers)} vs {' '.join(b.numbers)}",
        )
    if a.preprint != b.preprint and options.preprint_policy == PreprintPolicy.SEPARATE:
        return p.out(Verdict.DISTINCT, "policy:preprint", "a preprint and a published version")
    if not p.id_same:
        if s.year_gap is not None and s.year_gap >= 2:
            return p.out(Verdict.DISTINCT, "veto:year", f"years differ: {a.year} vs {b.year}")
        if (
            a.conference != b.conference
            and (a.journal_article or b.journal_article)
            and not same_printed_item(p)
        ):
            return p.out(
                Verdict.DISTINCT, "veto:venue-type", "a conference paper and a journal article"
            )
        if s.pages is False and page_slip(p):
            return p.out(
                Verdict.DUPLICATE,
                "title+authors+volume",
                f"pages differ ({a.page_start}-{a.page_end} vs {b.page_start}-{b.page_end}) "
                "but title, authors, journal, year and volume agree: a page error in one "
                "database",
            )
        if s.pages is False:
            return p.veto(
                "pages",
                f"pages differ: {a.page_start or a.article_number} vs "
                f"{b.page_start or b.article_number}",
            )
        if a.part and b.part and a.part != b.part:
            # parts of one multi-part volume (proceedings in several books) are different
            # books, whatever else they share
            return p.out(
                Verdict.DISTINCT,
                "veto:volume",
                f"different parts of a volume: {a.part} vs {b.part}",
            )
        if s.volume is False:
            return p.veto("volume", f"volumes differ: {a.volume} vs {b.volume}")
        if s.issue is False and not s.pages:
            return p.veto("issue", f"issues differ: {a.issue} vs {b.issue}")
        if (
            s.journal is not None
            and s.journal < 0.5
            # (the same full page range: one article, its journal named two ways, even when a
            # garbled volume cannot be compared)
            and not (s.pages and (s.volume or (s.page_range_equal and multi_page(a))))
            and not a.conference
            and not b.conference
        ):
            return p.out(
                Verdict.DISTINCT,
                "veto:journal",
                "published in different journals: "
                + " / ".join(" ".join(k.journal[0]) for k in (a, b)),
            )
    return None


def _duplicate(p: Pair) -> Judgement | None:
    """The duplicate rules: strong agreement on two or three fields, or ``None``."""
    a, b, s = p.a, p.b, p.s
    if p.id_same:
        name, value = ("doi", a.doi) if p.doi_same else ("pmid", a.pmid)
        label = "DOI" if p.doi_same else "PubMed id"
        # (two records of one DOI written by other people are not the same record, unless
        # the titles leave no doubt: the DOI is wrong on one, or it names a collection)
        other_people = s.first_author is False and (s.authors or 0.0) < 0.5
        if (
            s.title >= 0.7 or s.title_contained or (p.authors_strong and (s.year_gap or 0) <= 1)
        ) and not (other_people and s.title < 0.97 and not s.title_contained):
            return p.out(Verdict.DUPLICATE, name, f"same {label} {value}")
        return p.out(
            Verdict.UNCERTAIN,
            f"review:{name}-collision",
            f"same {label} {value} but titles differ ({s.title:.2f})"
            + (" and so do the authors" if other_people else ""),
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
        p.title_high
        and (p.authors_strong or authors_same_set)
        and year_ok
        and corroboration
        and (not p.generic or generic_placed(s))
    ):
        return p.out(
            Verdict.DUPLICATE,
            "title+authors",
            f"titles {s.title:.2f}, authors {s.authors:.2f}, and "
            + ", ".join(corroboration)
            + " agree",
        )
    if (
        p.title_high
        and not p.generic
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
        return p.out(
            Verdict.DUPLICATE,
            "title+bibliographic",
            f"titles {s.title:.2f}; journal, year, volume and pages agree"
            + ("" if p.authors_strong else "; authors differ (damaged or reordered?)"),
        )
    if (
        s.pages is True
        and (s.page_range_equal or s.issue is True)
        and s.volume is True
        and (s.issue is not False or s.title >= 0.8)
        # different titles on one shared page are two abstracts or letters, not a translation;
        # and different titles need every number both records state to agree
        and (
            s.title >= 0.8
            or (
                s.page_range_equal
                and multi_page(a)
                and (s.issue is True or not (states_issue(a) and states_issue(b)))
            )
        )
        and s.year_gap == 0
        and s.journal is not None
        and s.journal >= 0.9
        and (
            (p.authors_strong and (s.authors or 0) >= 0.8)
            or (s.authors is None and s.page_range_equal and s.title >= 0.75)
        )
    ):
        return p.out(
            Verdict.DUPLICATE,
            "bibliographic",
            ("same authors, " if s.authors else "")
            + "same journal, year, volume and pages"
            + (
                " (one record has no title)"
                if not (a.title and b.title)
                else (f" (titles {s.title:.2f}: a translation?)" if s.title < 0.9 else "")
            ),
        )
    if (
        s.title >= 0.97
        and s.authors is None
        and s.year_gap == 0
        and len(corroboration) >= 2
        and (not p.generic or (s.pages is True and s.issue is not False))
    ):
        return p.out(
            Verdict.DUPLICATE,
            "title+source",
            "same title and year; " + ", ".join(corroboration) + " agree; authors missing",
        )
    if (
        s.title >= 0.97
        and p.authors_strong
        and (s.authors or 0) >= 0.9
        and s.year_gap == 0
        and not p.generic
        and min(s.author_count_a, s.author_count_b) >= 2
        # (the same title and authors in two journals of one year: one abstract twice, or a
        # guideline published in several journals; proceedings names vary too much to tell)
        and (s.journal is None or s.journal >= 0.9 or (a.conference and b.conference))
    ):
        return p.out(
            Verdict.DUPLICATE,
            "title+authors+year",
            "same title, authors and year; no field contradicts",
        )
    if sparse_match(p):
        return p.out(
            Verdict.DUPLICATE,
            "title+volume",
            "same title in the same volume of the same journal; nothing contradicts (one "
            "record without year or pages, as metadata taken from a PDF)",
        )
    return None


def _grey_band(p: Pair) -> Judgement:
    """Uncertain when the evidence is in the grey band, else distinct."""
    s = p.s
    if (s.title >= 0.85 or s.title_contained) and (s.authors is None or s.authors >= 0.5):
        if p.column and _title_alone(s):
            # A title of three words or fewer, or a column's ("Erratum", "Editor's comments"),
            # names no one item; with no author list, page, volume, identifier or abstract to
            # compare, a person has nothing more to decide on than the engine: no question.
            return p.out(
                Verdict.DISTINCT,
                "no-match",
                "the title is too short or too common to name one item, and nothing else agrees",
            )
        return p.out(Verdict.UNCERTAIN, "review:partial", "titles agree but corroboration is thin")
    if s.pages and s.volume and p.authors_strong and s.year_gap == 0:
        return p.out(
            Verdict.UNCERTAIN,
            "review:bibliographic",
            f"same authors, volume and pages but titles differ ({s.title:.2f})",
        )
    return p.out(Verdict.DISTINCT, "no-match", f"titles {s.title:.2f}")


def _title_alone(s: Scores) -> bool:
    """Nothing but the title (and perhaps journal and year) to go on: no authors on one side,
    no shared page, volume or identifier, no matching abstract."""
    return (
        s.authors is None
        and not s.pages
        and not s.volume
        and not s.doi
        and not s.pmid
        and (s.abstract or 0.0) < 0.9
    )
