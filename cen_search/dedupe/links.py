"""Linked reports: records the vetoes keep apart that still belong together.

PRISMA 2020 counts records, reports and studies. Most pairs the rules keep apart on purpose
are different reports of one publication or one study: an erratum and its article, a comment
and a reply, a conference abstract and the full paper, the same abstract in two journals, two
versions of a Cochrane review, a preprint and its article, one paper printed twice, registry
entries and publications of one trial. Reviewers otherwise find these at full text. The engine
records them as :class:`~cen_search.dedupe.model.Link` values (``result.links``) with a
relation, the evidence and the rule that kept the records apart.

Links never replace merges: a pair the rules can merge is merged; only records of different
clusters are linked, one link per pair of clusters.

How a relation is read (:func:`related`), for a pair that is not a duplicate:

* the titles name the same work (0.9 or more, or one the other's opening; a title too short
  to name one item, or a column's, never links) and, for all but comments and replies, the
  same people wrote both (or one side has no authors and the title is long and the same);
  or a record published ahead of print and the printed one changed its title (``version-of``,
  see :func:`_retitled`);
* then the first that applies: only one is an erratum/correction/retraction (``erratum-of``),
  a reply (``reply-to``) or a comment (``comment-on``); one Cochrane review number in two
  versions (``version-of``); a preprint and a published version (``version-of``); a
  conference abstract, a dissertation abstract or a one-page item and a full report: the
  short one printed *after* the article in the same journal is a correction notice
  (``erratum-of``), otherwise an ``abstract-of``; two short items (``same-abstract``); a
  conference paper and a journal article (``version-of``); two full reports
  (``republished``); neither with pages, but different DOIs, journals or years
  (``republished``, or ``same-abstract`` for conference records).

Such a relation also settles a review question: an erratum, comment or reply, a one-page item
against a full article whose pages contradict, and a record typed as an abstract against the
full report (or a thesis), are different records by definition (Rathbone et al. 2015), so
they are linked instead of being queued for a person.

``same-trial`` links come from trial registration numbers (:mod:`cen_search.dedupe.trials`)
between clusters that share one, whatever their titles.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import NamedTuple

from cen_search.dedupe.evidence import Judgement, Pair, footnote_only, multi_page
from cen_search.dedupe.keys import Keys
from cen_search.dedupe.model import Link, Relation, Verdict

_KINDS = {
    "erratum": Relation.ERRATUM_OF,
    "retraction": Relation.ERRATUM_OF,
    "reply": Relation.REPLY_TO,
    "comment": Relation.COMMENT_ON,
}
"""Title kinds that make a relation, in order of precedence."""

SETTLED = frozenset(
    {"review:erratum", "review:comment", "review:reply", "review:pages", "review:volume",
     "review:issue"}
)  # fmt: skip
"""Review outcomes a relation settles (see :func:`attach`)."""
_SETTLING = frozenset(
    {Relation.ERRATUM_OF, Relation.COMMENT_ON, Relation.REPLY_TO, Relation.ABSTRACT_OF,
     Relation.SAME_ABSTRACT}
)  # fmt: skip

PRECEDENCE = (
    Relation.ERRATUM_OF,
    Relation.REPLY_TO,
    Relation.COMMENT_ON,
    Relation.VERSION_OF,
    Relation.ABSTRACT_OF,
    Relation.SAME_ABSTRACT,
    Relation.REPUBLISHED,
    Relation.SAME_TRIAL,
)
"""Which link is kept when two clusters are related in several ways."""


class Related(NamedTuple):
    """How the two records of a pair relate."""

    relation: Relation
    subject_is_a: bool
    """The relation is about the pair's first record (the erratum, the abstract ...)."""
    evidence: str


def _words(k: Keys) -> int:
    return k.title.count(" ") + 1 if k.title else 0


def _kind(k: Keys) -> str:
    """The first title kind of :data:`_KINDS` the record announces, else ""."""
    return next((kind for kind in _KINDS if kind in k.flags), "")


def _short(k: Keys) -> bool:
    """A short report: an abstract (by type or venue), a single page or an abstract number
    (``811a``, ``A20``), or at most two pages of a supplement."""
    if k.report == "abstract":
        return True
    if k.report == "conference-paper" or _cochrane(k):
        return False
    if k.conference and not multi_page(k):
        return True
    if k.supplement and k.page_start.isdigit() and k.page_end.isdigit():
        return int(k.page_end) - int(k.page_start) <= 1
    if k.article_number:
        return not _E_ARTICLE.match(k.article_number)
    return bool(k.page_start) and not k.page_end


def _full(k: Keys) -> bool:
    """A full report: a range of pages, an electronic article number, a thesis, a conference
    paper or a Cochrane review, and not a short report."""
    if _short(k):
        return False
    return (
        multi_page(k)
        or bool(k.article_number)
        or k.report in ("thesis", "conference-paper")
        or _cochrane(k)
    )


_E_ARTICLE = re.compile(r"^e?\d{4,}$", re.IGNORECASE)
"""An electronic article number (``e43268``, ``0267787``); shorter numbers with letters
(``811a``, ``A20``) number meeting abstracts."""


def _pages(k: Keys) -> int:
    """How many pages a record's range spans (0 when not a numeric range)."""
    if multi_page(k):
        return int(k.page_end) - int(k.page_start) + 1
    return 0


def _cochrane(k: Keys) -> bool:
    """A Cochrane review (by its number, or published in the Cochrane Database): a full
    report, though it has no pages."""
    return bool(k.cochrane) or any("cochrane" in words for words in k.journal)


def _abstract(k: Keys) -> bool:
    """Said to be an abstract: by type or venue, a conference record, or a supplement."""
    return k.report == "abstract" or k.conference or bool(k.supplement)


def _later(x: Keys, y: Keys) -> bool:
    """``x`` was printed after ``y`` (by year, then volume, issue and first page)."""
    if x.year and y.year and x.year != y.year:
        return x.year > y.year
    for first, second in ((x.volume, y.volume), (x.issue, y.issue), (x.page_start, y.page_start)):
        if first.isdigit() and second.isdigit() and first != second:
            return int(first) > int(second)
    return False


def related(p: Pair) -> Related | None:
    """How the two records of a pair that is not a duplicate belong together, or ``None``
    (see the module docstring)."""
    a, b, s = p.a, p.b, p.s
    if p.column or _editorial(a) or _editorial(b):
        return None
    if _numbered_apart(a, b):
        return None
    if not (s.title >= 0.9 or s.title_contained):
        return _retitled(p)
    if s.title < 0.9 and (s.year_gap or 0) >= 2:
        return None  # "X" and years later "X revisited: ...": a new paper
    kind_a, kind_b = _kind(a), _kind(b)
    if kind_a != kind_b and "bundle" not in a.flags | b.flags:
        if kind_a and kind_b and {kind_a, kind_b} != {"reply", "comment"}:
            return None  # an erratum and a comment: both are about some third record
        return _kind_link(p, kind_a, kind_b)
    people = p.authors_strong or (
        s.authors is not None and s.authors >= 0.8 and s.first_author is not False
    )
    if not people and not (
        s.authors is None and s.title >= 0.97 and min(_words(a), _words(b)) >= 6
    ):
        return None
    if a.cochrane and a.cochrane == b.cochrane:
        if a.cochrane_version != b.cochrane_version or a.year != b.year:
            older = _older_version(a, b)
            return Related(
                Relation.VERSION_OF, older, f"versions of Cochrane review {a.cochrane.upper()}"
            )
        return None
    if a.preprint != b.preprint:
        return Related(Relation.VERSION_OF, a.preprint, "a preprint and its published version")
    return _report_link(p)


_EDITORIAL = re.compile(
    r"(?:special (?:section|issue|topic)|introduction to the|guest editorial|editorial|"
    r"editor s (?:comments|introduction|note)|from the editors?|preface|foreword|"
    r"in this issue|call for papers)\b"
)
"""Editors' pieces, which recur under one title in issue after issue."""


def _editorial(k: Keys) -> bool:
    """An editor's piece (by type or title): such pieces recur under one title."""
    return k.report == "editorial" or bool(_EDITORIAL.match(k.title))


def _numbered_apart(a: Keys, b: Keys) -> bool:
    """Items of a series told apart by a number: in their titles (``Volume 1`` / ``Volume 2``,
    ``2010-11`` / ``2011-2012``, or one letter: ``Case A`` / ``Case B``), or as different
    parts of a multi-part volume (``PART 2`` / ``PART 4``: the books of one proceedings,
    which share its title)."""
    if a.part and b.part and a.part != b.part:
        return True
    if a.numbers and b.numbers and a.numbers != b.numbers and not footnote_only(a, b):
        return True
    wa, wb = a.title.split(), b.title.split()
    if len(wa) != len(wb) or wa == wb:
        return False
    return all(len(x) == 1 and len(y) == 1 for x, y in zip(wa, wb, strict=True) if x != y)


def _retitled(p: Pair) -> Related | None:
    """A record published ahead of print (no volume, no pages) and the printed record of one
    journal and year whose title was changed in between: the same people (three or more, all
    of the shorter list), titles still close (0.75). Not merged (the titles differ), linked."""
    a, b, s = p.a, p.b, p.s
    if s.title < 0.75 or s.year_gap != 0 or s.journal is None or s.journal < 0.9:
        return None
    if s.authors is None or s.authors < 1.0 or not s.first_author:
        return None
    if min(s.author_count_a, s.author_count_b) < 3:
        return None
    for x, y, x_is_a in ((a, b, True), (b, a, False)):
        if not x.volume and not x.has_pages and y.volume and y.has_pages:
            return Related(
                Relation.VERSION_OF,
                x_is_a,
                "the same authors, journal and year; published ahead of print under another title",
            )
    return None


def _older_version(a: Keys, b: Keys) -> bool:
    """Whether ``a`` is the older of two versions of a Cochrane review."""
    if a.cochrane_version and b.cochrane_version and a.cochrane_version != b.cochrane_version:
        return int(a.cochrane_version[3:]) < int(b.cochrane_version[3:])
    return (a.year or 0) < (b.year or 0)


def _kind_link(p: Pair, kind_a: str, kind_b: str) -> Related | None:
    """An erratum, reply or comment and the record it is about (or a reply and the comment it
    answers)."""
    s = p.s
    order = list(_KINDS)
    # (a reply to a comment: the reply is the subject)
    both = bool(kind_a and kind_b)
    subject_is_a = order.index(kind_a) < order.index(kind_b) if both else bool(kind_a)
    kind = kind_a if subject_is_a else kind_b
    relation = _KINDS[kind]
    if s.year_gap is not None and s.year_gap > 2:
        return None
    same_journal = s.journal is None or s.journal >= 0.9
    if relation is Relation.ERRATUM_OF and not same_journal:
        return None
    if relation is not Relation.ERRATUM_OF and not (
        same_journal or s.title >= 0.95 or s.title_contained
    ):
        return None
    what = {"erratum": "an erratum", "retraction": "a retraction notice", "reply": "a reply",
            "comment": "a comment"}[kind]  # fmt: skip
    where = "in the same journal" if s.journal is not None and s.journal >= 0.9 else ""
    return Related(relation, subject_is_a, f"{what} with the same title {where}".strip())


def _report_link(p: Pair) -> Related | None:
    """Two reports of one work by the same people, told apart by what they are."""
    a, b, s = p.a, p.b, p.s
    short_a, short_b = _short(a), _short(b)
    full_a, full_b = _full(a), _full(b)
    same_journal = s.journal is not None and s.journal >= 0.9
    for x, y, x_is_a in ((a, b, True), (b, a, False)):
        if (short_a if x_is_a else short_b) and (full_b if x_is_a else full_a):
            if same_journal and x.page_start and y.report != "thesis" and _later(x, y):
                return Related(
                    Relation.ERRATUM_OF,
                    x_is_a,
                    "one page with the article's title and authors, printed after it in the "
                    "same journal: a correction notice",
                )
            return Related(
                Relation.ABSTRACT_OF,
                x_is_a,
                "same title and authors: a "
                + ("dissertation" if y.report == "thesis" else "conference")
                + " abstract of the full report",
            )
    if short_a and short_b:
        if not same_journal or _abstract(a) or _abstract(b):
            return Related(Relation.SAME_ABSTRACT, True, "the same abstract printed twice")
        return None  # two one-page items of one journal: notices of some third record?
    if full_a and full_b:
        for x, y, x_is_a in ((a, b, True), (b, a, False)):
            if _cochrane(y) and not _cochrane(x) and _pages(x) <= 2:
                return Related(
                    Relation.ABSTRACT_OF,
                    x_is_a,
                    "same title and authors: a short summary of the Cochrane review",
                )
        if same_journal and (s.year_gap or 0) >= 2:
            return None  # one journal, years apart: a recurring piece, not a reprint
        if (a.report == "conference-paper") != (b.report == "conference-paper"):
            return Related(
                Relation.VERSION_OF,
                a.report == "conference-paper",
                "a conference paper and its journal version",
            )
        return Related(Relation.REPUBLISHED, True, "the same paper printed twice")
    # one or both without pages: a meeting abstract in another journal, or a republication
    if not (a.has_pages and b.has_pages) and s.journal is not None and s.journal < 0.5:
        for x, y, x_is_a in ((a, b, True), (b, a, False)):
            if x.has_pages or not y.has_pages:
                continue
            if _short(y):
                return Related(Relation.SAME_ABSTRACT, True, "the same abstract in two venues")
            if _cochrane(x):  # a Cochrane review has no pages: a short other is its abstract
                if multi_page(y) and int(y.page_end) - int(y.page_start) > 1:
                    return None
                return Related(
                    Relation.ABSTRACT_OF,
                    not x_is_a,
                    "same title and authors: an abstract of the Cochrane review",
                )
            return Related(
                Relation.ABSTRACT_OF,
                x_is_a,
                "same title and authors in another journal, without pages: a meeting abstract?",
            )
        if a.conference or b.conference:
            return Related(Relation.SAME_ABSTRACT, True, "the same abstract in two venues")
    if s.journal is not None and s.journal >= 0.9 and (s.year_gap or 0) >= 2:
        return None  # one journal, years apart: a recurring piece, not a reprint
    if s.doi is False or (s.year_gap or 0) >= 2 or (s.journal is not None and s.journal < 0.5):
        return Related(Relation.REPUBLISHED, True, "the same paper printed twice")
    return None


def attach(p: Pair, judgement: Judgement) -> Judgement:
    """The judgement on a pair that is not a duplicate, with its relation if it has one.

    A review outcome the relation settles (an erratum, comment or reply; a short report and a
    full one whose pages, volume or issue contradict) becomes ``distinct``: such records are
    different records by definition, and the link records how they belong together.
    """
    found = related(p)
    if found is None:
        return judgement
    out = replace(
        judgement,
        relation=found.relation,
        subject_is_a=found.subject_is_a,
        relation_evidence=found.evidence,
    )
    if judgement.verdict is not Verdict.UNCERTAIN or found.relation not in _SETTLING:
        return out
    if judgement.rule in SETTLED:
        return replace(out, verdict=Verdict.DISTINCT, rule="veto:" + judgement.rule[7:])
    if judgement.rule == "review:partial" and found.relation is Relation.ABSTRACT_OF:
        # only when a record says what it is (an abstract, a thesis): page shapes alone do
        # not tell an abstract from a record with a mistyped first page
        subject, other = (p.a, p.b) if found.subject_is_a else (p.b, p.a)
        if subject.report == "abstract" or other.report == "thesis":
            return replace(out, verdict=Verdict.DISTINCT, rule="veto:report-kind")
    return out


def link_of(i: int, j: int, judgement: Judgement) -> Link | None:
    """The :class:`Link` a judgement on records ``i`` and ``j`` (``i < j``) carries."""
    if judgement.relation is None:
        return None
    a, b = (i, j) if judgement.subject_is_a else (j, i)
    return Link(a, b, judgement.relation, judgement.relation_evidence, judgement.rule)


def trial_links(keys: Sequence[Keys], order: Callable[[int], str]) -> list[Link]:
    """``same-trial`` links: for each registration number, every record naming it linked to
    the first (by ``order``, the records' stable ids) that does."""
    by_number: dict[str, list[int]] = defaultdict(list)
    for i, k in enumerate(keys):
        for number in k.trials:
            by_number[number].append(i)
    links = []
    for number in sorted(by_number):
        members = sorted(by_number[number], key=order)
        for other in members[1:]:
            a, b = sorted((members[0], other))
            links.append(Link(a, b, Relation.SAME_TRIAL, f"both name trial {number}", "trial-id"))
    return links


def one_per_cluster_pair(
    candidates: Iterable[Link], cluster_of: Mapping[int, int], order: Callable[[int], str]
) -> tuple[Link, ...]:
    """The links between different clusters, one per pair of clusters (the first relation of
    :data:`PRECEDENCE`, then the records' stable ids), in a stable order."""
    rank = {relation: n for n, relation in enumerate(PRECEDENCE)}
    best: dict[tuple[int, int], tuple[tuple[object, ...], Link]] = {}
    for link in candidates:
        ca, cb = cluster_of[link.a], cluster_of[link.b]
        if ca == cb:
            continue
        key = (min(ca, cb), max(ca, cb))
        sort_key = (rank[link.relation], *sorted((order(link.a), order(link.b))))
        if key not in best or sort_key < best[key][0]:
            best[key] = (sort_key, link)
    return tuple(
        link
        for _, link in sorted(best.values(), key=lambda v: sorted((order(v[1].a), order(v[1].b))))
    )
