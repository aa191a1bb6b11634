"""The methods sentences PRISMA 2020 items 6-8 ask for, written from what the review holds.

- Item 6 (information sources): every database and register with its platform and the date
  it was last searched (import manifest), the date limits (saved strategies, else the review's
  ``date_from``/``date_to``), and every other method (citation searching, calls for evidence,
  websites, organisations) with its dates, and the tracing rounds when ``cen-search trace``
  logged any. For an updated review's round, each database instead has the dates of the
  records added to it that the round's searches covered (entry dates), not the first
  version's limits.
- Item 7 (search strategy): which databases have a saved strategy.
- Item 8 (selection process): how many reviewers screened titles/abstracts and full texts,
  how many reports two reviewers screened independently, how disagreements were resolved, the
  agreement, and whether automation tools excluded anything.

Nothing is written that the review does not record: a missing date says so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cen_search.prisma.model import METHOD_LABELS, PrismaFlow, SourceCount
from cen_search.screening.model import Agreement, StageDesign
from cen_search.wording import count, plural

STAGE_WORDS = {"ta": "titles and abstracts", "ft": "full texts"}
TRACE_WORDS = {
    "backward": "Backward citation tracing (reference lists)",
    "forward": "Forward citation tracing (citing works)",
    "both": "Backward and forward citation tracing",
}
"""A tracing round's direction (``cen-search trace backward|forward|both``) in words."""
STAGE_UNITS = {"ta": "record", "ft": "report"}
"""What each stage screens, in PRISMA's units: records on title and abstract, reports in full."""
RESOLUTION_WORDS = {
    "third-reviewer": "a third reviewer",
    "reason-hierarchy": "the order of the exclusion reasons",
    "single": "a single reviewer",
    "imported": "the screening tool they were imported from",
}
"""How the screening log's resolution methods read in a sentence (others: as logged)."""


@dataclass(frozen=True, slots=True)
class TraceRound:
    """A citation-tracing round as :mod:`cen_search.trace` logs it."""

    date: str
    direction: str
    sources: tuple[str, ...]
    seeds: int
    new_records: int


def _month(value: str) -> str:
    """``2003-01-01`` -> ``January 2003``; ``2019-12`` -> ``December 2019``; ``2003`` kept."""
    import calendar

    parts = value.split("-")
    if len(parts) >= 2 and parts[1].isdigit() and 1 <= int(parts[1]) <= 12:
        return f"{calendar.month_name[int(parts[1])]} {parts[0]}"
    return value


def _join(items: Sequence[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _source(
    source: SourceCount, window: tuple[str, str] | None, added: tuple[str, str] | None = None
) -> str:
    text = source.name
    details = []
    if source.platform:
        details.append(f"via {source.platform}")
    if added is not None:
        # an update round: the entry (or creation) dates its searches covered
        if added[1]:
            details.append(f"records added from {added[0] or 'inception'} to {added[1]}")
        elif added[0]:
            details.append(f"records added from {added[0]} on")
    elif window and (window[0] or window[1]):
        details.append(f"{_month(window[0]) or 'inception'} to {_month(window[1]) or 'date'}")
    details.append(
        f"last searched {source.searched[-1]}" if source.searched else "search date not recorded"
    )
    return f"{text} ({'; '.join(details)})"


def sources_sentence(
    flow: PrismaFlow,
    *,
    windows: dict[str, tuple[str, str]],
    default_window: tuple[str, str] = ("", ""),
    trace_rounds: Sequence[TraceRound] = (),
    added_windows: Mapping[str, tuple[str, str]] | None = None,
) -> list[str]:
    """PRISMA item 6: databases, registers and other sources, with dates: each database's
    date limits (``windows``, by casefolded name, else ``default_window``), or for an update
    round the dates of the records added to it that the round's searches covered
    (``added_windows``, which replace the limits of the first version's searches)."""
    sentences = []
    added_windows = added_windows or {}
    for method in ("database", "register"):
        sources = flow.dbr.sources_of(method)
        if sources:
            listed = [
                _source(
                    s,
                    windows.get(s.name.casefold(), default_window),
                    added_windows.get(s.name.casefold()),
                )
                for s in sources
            ]
            noun = "databases" if method == "database" else "registers"
            if len(sources) == 1:
                noun = noun[:-1]
            sentences.append(f"We searched {len(sources)} {noun}: {_join(listed)}.")
    other = [
        f"{METHOD_LABELS[method].lower()} ("
        + "; ".join(
            f"{s.name}, " + (f"{s.searched[-1]}" if s.searched else "date not recorded")
            for s in flow.other.sources_of(method)
        )
        + ")"
        for method, _ in flow.other.by_method()
    ]
    if other:
        sentences.append(f"Records were also identified by {_join(other)}.")
    for rnd in trace_rounds:
        what = TRACE_WORDS.get(rnd.direction, f"Citation tracing ({rnd.direction})")
        sentences.append(
            f"{what} of {count(rnd.seeds, 'seed report')} via {_join(list(rnd.sources))} on "
            f"{rnd.date} found {count(rnd.new_records, 'new record')}."
        )
    return sentences


def strategy_sentence(flow: PrismaFlow, saved: Sequence[str]) -> list[str]:
    """PRISMA item 7: which databases have their full strategy saved."""
    names = [s.name for s in flow.dbr.sources]
    have = [n for n in names if n.casefold() in {s.casefold() for s in saved}]
    missing = [n for n in names if n not in have]
    out = []
    if have:
        out.append(
            f"The full search strategies for {_join(have)}, with their limits, are reported "
            "in the PRISMA-S search table."
        )
    if missing:
        out.append(f"No saved search strategy is recorded for {_join(missing)}.")
    return out


def _resolution(conflicts: int, resolved_by: Mapping[str, int]) -> str:
    """``"2 disagreements were resolved by discussion."``: each method's count only when
    there are several; disagreements not yet resolved are said to be so."""
    resolved = sum(resolved_by.values())
    noun = count(conflicts, "disagreement")
    if not resolved:
        return f"{noun} {plural(conflicts, 'is', 'are')} not yet resolved."
    methods = [(RESOLUTION_WORDS.get(m, m.replace("-", " ")), n) for m, n in resolved_by.items()]
    counted = len(methods) > 1
    how = _join([f"{words} ({n})" if counted else words for words, n in methods])
    if resolved < conflicts:
        return f"{noun}: {resolved} resolved by {how}, {conflicts - resolved} not yet resolved."
    return f"{noun} {plural(conflicts, 'was', 'were')} resolved by {how}."


def selection_sentences(
    flow: PrismaFlow, designs: Sequence[StageDesign], agreements: Sequence[Agreement]
) -> list[str]:
    """PRISMA item 8: reviewers per stage, independence, resolution, agreement, automation."""
    if not designs:
        return ["No screening decisions have been recorded yet."]
    out = []
    for design in designs:
        words = STAGE_WORDS.get(design.stage, design.stage)
        unit = STAGE_UNITS.get(design.stage, "report")
        reviewers = len(design.reviewers)
        sentence = (
            f"{reviewers} reviewer{'s' if reviewers != 1 else ''} screened the {words} of "
            f"{design.screened} {unit}{'s' if design.screened != 1 else ''}"
        )
        if design.screened_by_two:
            sentence += (
                f"; {design.screened_by_two} "
                f"{plural(design.screened_by_two, 'was', 'were')} screened independently "
                "by two reviewers"
            )
            if design.sample:
                sentence += f" ({design.sample})"
        else:
            sentence += ", each by one reviewer"
        sentence += "."
        if design.conflicts:
            sentence += " " + _resolution(design.conflicts, design.resolved_by)
        out.append(sentence)
    for agreement in agreements:
        words = STAGE_WORDS.get(agreement.stage, agreement.stage)
        kappa = f", Cohen's kappa {agreement.kappa:.2f}" if agreement.kappa is not None else ""
        out.append(
            f"Agreement between {agreement.reviewers[0]} and {agreement.reviewers[1]} on "
            f"{words} before resolution: {agreement.percent:.1f}% of {agreement.n}{kappa}."
        )
    automated = flow.dbr.excluded_automation + flow.other.excluded_automation
    removed = flow.dbr.removed_automation + flow.other.removed_automation
    if automated or removed:
        out.append(
            f"Automation tools excluded {count(automated, 'record')} at title/abstract and "
            f"marked {removed} as ineligible before screening."
        )
    else:
        out.append("No automation tools were used to exclude records.")
    return out
