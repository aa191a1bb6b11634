"""Screening in the terminal: one report at a time, one key per decision, resumable.

The session does not know where decisions are kept: it calls the :class:`Actions` it is
given the moment a key is pressed, so quitting at any point loses nothing and the next
session starts at the first report still to do. Keys come from a ``keys`` callable (the
terminal in real use; tests drive the real program through a pseudo-terminal).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from rich.console import Console, Group
from rich.panel import Panel
from rich.text import Text

from cen_search.models import Record
from cen_search.screening.events import STAGE_NAMES, Event

KeySource = Callable[[], str]
_QUIT = {"q", "Q", "\x04", "\x1b", ""}
_ENTER = {"\r", "\n"}
_BACKSPACE = {"\x7f", "\x08"}
_MAX_AUTHORS = 8


@dataclass(frozen=True, slots=True)
class Item:
    """One report to screen: what the reviewer sees of it."""

    report_id: str
    record: Record
    """The report's most complete record (the one shown)."""
    databases: tuple[str, ...]
    previous: Event | None = None
    """The reviewer's vote in force before this session (None: none)."""
    retrieval: str = ""
    """Full text: its retrieval state."""


@dataclass
class Actions:
    """What the session calls to keep decisions."""

    vote: Callable[[Item, str, tuple[str, ...], str], Event]
    """(item, decision, reasons, note) -> the vote recorded."""
    restore: Callable[[Item, Event | None], None]
    """Put back the reviewer's earlier vote (None: withdraw theirs)."""
    retrieval: Callable[[Item, str, str], None] | None = None
    """(item, result, reason): full-text retrieval (full-text stage only)."""


@dataclass
class Outcome:
    """What one session did."""

    decided: dict[str, str] = field(default_factory=dict)
    """Report id -> decision made in the session (undone ones removed)."""
    remaining: int = 0
    quit: bool = False
    retrievals: int = 0
    unobtainable: set[str] = field(default_factory=set)
    """Report ids whose full text was found unobtainable in the session (no longer to do)."""


_ONE_KEY = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1bO[@-~]|.", re.DOTALL)
"""A key: a terminal's escape sequence (CSI ``ESC [ ... final``, SS3 ``ESC O x``: arrow and
function keys) or one character (a lone Esc too)."""


def one_key_at_a_time(read: KeySource) -> KeySource:
    """Keys one by one from a terminal read that can return several at once (typed ahead
    or pasted); an escape sequence (an arrow key) stays one key wherever it is in the read."""
    pending: list[str] = []

    def next_key() -> str:
        if not pending:
            chunk = read()
            if not chunk:
                return ""
            pending.extend(_ONE_KEY.findall(chunk))
        return pending.pop(0)

    return next_key


def _help(stage: str, reasons: Sequence[str]) -> str:
    lines = [
        "i  include: it may meet the criteria",
        "e  exclude: then choose the reason(s) by number, primary first"
        + (" (a reason is required at full text)" if stage == "ft" else " (optional)"),
        "m  maybe: unsure"
        + (" (goes on to full text)" if stage == "ta" else " (needs a resolution)"),
    ]
    if stage == "ft":
        lines += [
            "a  awaiting classification (Cochrane): not enough information yet",
            "o  ongoing study",
            "r  full-text retrieval: retrieved, not retrieved (with why), or sought",
        ]
    lines += [
        "s  skip: leave it for later",
        "n  note: type a note, kept with your next decision on this record",
        "u  undo: take back your last decision in this session and show that record again",
        "q  quit: every decision is already saved; run it again to carry on",
        "?  this help",
    ]
    if reasons:
        lines.append("reasons: " + "; ".join(f"{i}. {r}" for i, r in enumerate(reasons, 1)))
    return "\n".join(lines)


def _prompt(stage: str) -> str:
    extra = "  [a]waiting  [o]ngoing  [r]etrieval" if stage == "ft" else ""
    return f"[i]nclude  [e]xclude  [m]aybe{extra}  [s]kip  [n]ote  [u]ndo  [q]uit  [?]help"


def highlighted(
    text: str, include: re.Pattern[str] | None, exclude: re.Pattern[str] | None
) -> Text:
    """``text`` with the review's include terms in green and exclude terms in red."""
    value = Text(text)
    if include is not None:
        value.highlight_regex(include, "bold green")
    if exclude is not None:
        value.highlight_regex(exclude, "bold red")
    return value


def render_item(
    item: Item,
    *,
    position: int,
    total: int,
    done: int,
    stage: str,
    include: re.Pattern[str] | None,
    exclude: re.Pattern[str] | None,
    note: str = "",
) -> Panel:
    """The report as a panel: title, authors, year and journal, ids, abstract, keywords."""
    record = item.record
    parts: list[Text] = [
        highlighted(" ".join(record.title.split()) or "(no title)", include, exclude)
    ]
    parts[0].stylize("bold")
    authors = [a.display() for a in record.authors]
    if authors:
        shown = "; ".join(authors[:_MAX_AUTHORS]) + (
            " et al." if len(authors) > _MAX_AUTHORS else ""
        )
        parts.append(Text(shown, style="dim"))
    meta = " · ".join(
        p
        for p in (
            str(record.year or ""),
            record.container or record.container_abbrev,
            f"doi {record.doi}" if record.doi else "",
            f"PMID {record.pmid}" if record.pmid else "",
        )
        if p
    )
    if meta:
        parts.append(Text(meta))
    parts.append(Text(""))
    parts.append(
        highlighted(" ".join(record.abstract.split()) or "(no abstract)", include, exclude)
    )
    if record.keywords:
        parts.append(Text(""))
        keywords = highlighted("keywords: " + "; ".join(record.keywords), include, exclude)
        parts.append(keywords)
    footer = f"from {', '.join(item.databases)}" if item.databases else ""
    if stage == "ft":
        footer += f" · full text: {item.retrieval or 'not recorded'}"
    if item.previous is not None:
        footer += f" · your earlier decision: {item.previous.decision}"
    if note:
        footer += f" · note: {note}"
    if footer:
        parts.append(Text(footer.strip(" ·"), style="dim"))
    title = (
        f"{STAGE_NAMES[stage]} · record {position} of {total} · {done} done, {total - done} to do"
    )
    return Panel(Group(*parts), title=Text(title), title_align="left", expand=True)


def read_line(keys: KeySource, console: Console, prompt: str) -> str | None:
    """A line typed key by key (Enter ends it, Backspace corrects, Esc cancels: None)."""
    console.print(prompt, end="", markup=False, highlight=False)
    typed: list[str] = []
    while True:
        key = keys()
        if key in ("", "\x1b", "\x03", "\x04"):
            console.print("", markup=False)
            return None
        if key in _ENTER:
            console.print("", markup=False)
            return "".join(typed)
        if key in _BACKSPACE:
            if typed:
                typed.pop()
                console.print("\b \b", end="", markup=False, highlight=False)
            continue
        if key.isprintable():
            typed.append(key)
            console.print(key, end="", markup=False, highlight=False)


def parse_reasons(text: str, reasons: Sequence[str]) -> tuple[str, ...] | str:
    """Reason numbers (``2`` or ``2,5``, primary first) as reasons; an error message when a
    number is not in the list."""
    chosen: list[str] = []
    for part in re.split(r"[,\s;]+", text.strip()):
        if not part:
            continue
        if not part.isdigit() or not 1 <= int(part) <= len(reasons):
            return f"{part!r} is not a reason number (1-{len(reasons)})"
        reason = reasons[int(part) - 1]
        if reason not in chosen:
            chosen.append(reason)
    return tuple(chosen)


def _ask_reasons(
    keys: KeySource, console: Console, stage: str, reasons: Sequence[str]
) -> tuple[str, ...] | None:
    """The reasons for an exclusion; None when the reviewer cancelled it."""
    if not reasons:
        if stage == "ft":
            console.print(
                "A full-text exclusion needs a reason, and the review lists none: add "
                "[screening] reasons = [...] to cen-search.toml.",
                markup=False,
            )
            return None
        return ()
    for i, reason in enumerate(reasons, 1):
        console.print(f"  {i}. {reason}", markup=False, highlight=False)
    need = "required" if stage == "ft" else "Enter for none"
    while True:
        typed = read_line(keys, console, f"reason number(s), primary first ({need}; Esc cancels): ")
        if typed is None:
            return None
        parsed = parse_reasons(typed, reasons)
        if isinstance(parsed, str):
            console.print(parsed, markup=False)
            continue
        if stage == "ft" and not parsed:
            console.print("A full-text exclusion needs a reason.", markup=False)
            continue
        return parsed


def _ask_retrieval(keys: KeySource, console: Console) -> tuple[str, str] | None:
    console.print(
        "full text: [y] retrieved  [n] not retrieved  [s] sought (Esc cancels)", markup=False
    )
    while True:
        key = keys().lower()
        if key in ("", "\x1b", "\x03", "\x04"):
            return None
        if key == "y":
            return "retrieved", ""
        if key == "s":
            return "sought", ""
        if key == "n":
            while True:
                reason = read_line(keys, console, "why not (e.g. no access): ")
                if reason is None:
                    return None
                if reason.strip():
                    return "not-retrieved", reason.strip()


_DECISION_KEYS = {"i": "include", "e": "exclude", "m": "maybe", "a": "awaiting", "o": "ongoing"}


def run_session(
    items: Sequence[Item],
    *,
    stage: str,
    total: int,
    done: int,
    reasons: Sequence[str],
    actions: Actions,
    keys: KeySource,
    console: Console,
    include: re.Pattern[str] | None = None,
    exclude: re.Pattern[str] | None = None,
) -> Outcome:
    """Screen ``items`` (the reports still to do, in order); ``total`` and ``done`` count
    the reviewer's whole queue, for the progress line."""
    outcome = Outcome()
    queue = list(items)
    items = queue
    history: list[tuple[int, Event | None]] = []
    state: list[Event | None] = [item.previous for item in items]
    notes: dict[int, str] = {}
    position = 0
    if not items:
        console.print(f"Nothing to screen at {STAGE_NAMES[stage]}: all {total} done.", markup=False)
        return outcome
    console.print(
        f"{len(items)} of {total} records to screen at {STAGE_NAMES[stage]}. Press ? for help.",
        markup=False,
    )
    show = True
    while position < len(items):
        item = items[position]
        if show:
            console.print(
                render_item(
                    item,
                    position=position + 1 + (total - len(items)),
                    total=total,
                    done=done + len(outcome.decided) + len(outcome.unobtainable),
                    stage=stage,
                    include=include,
                    exclude=exclude,
                    note=notes.get(position, ""),
                )
            )
            console.print(Text(_prompt(stage), style="bold"))
        show = True
        key = keys()
        if key in _QUIT or key == "\x03":
            outcome.quit = True
            break
        key = key.lower()
        decision = _DECISION_KEYS.get(key)
        if decision in ("awaiting", "ongoing") and stage != "ft":
            decision = None
        if decision is not None:
            chosen: tuple[str, ...] = ()
            if decision == "exclude":
                picked = _ask_reasons(keys, console, stage, reasons)
                if picked is None:
                    console.print("(not excluded)", markup=False)
                    continue
                chosen = picked
            event = actions.vote(item, decision, chosen, notes.get(position, ""))
            history.append((position, state[position]))
            state[position] = event
            outcome.decided[item.report_id] = decision
            shown = decision + (f" ({'; '.join(chosen)})" if chosen else "")
            console.print(f"→ {shown}", markup=False, highlight=False)
            position += 1
        elif key == "s":
            position += 1
        elif key == "n":
            typed = read_line(keys, console, "note: ")
            if typed is not None:
                notes[position] = typed.strip()
            show = False
        elif key == "r" and stage == "ft" and actions.retrieval is not None:
            got = _ask_retrieval(keys, console)
            if got is not None:
                actions.retrieval(item, *got)
                outcome.retrievals += 1
                item = queue[position] = Item(
                    item.report_id, item.record, item.databases, item.previous, got[0]
                )
                console.print(f"→ full text {got[0]}", markup=False)
                if got[0] == "not-retrieved":
                    outcome.unobtainable.add(item.report_id)
                    position += 1
                else:
                    outcome.unobtainable.discard(item.report_id)
        elif key == "u":
            if not history:
                console.print("Nothing to undo in this session.", markup=False)
                show = False
                continue
            undone, before = history.pop()
            actions.restore(items[undone], before)
            state[undone] = before
            outcome.decided.pop(items[undone].report_id, None)
            console.print("↶ undone", markup=False)
            position = undone
        elif key in ("?", "h"):
            console.print(_help(stage, reasons), markup=False, highlight=False)
            show = False
        else:
            console.print(f"Unknown key {key!r}. Press ? for help.", markup=False)
            show = False
    outcome.remaining = sum(
        1
        for item in items
        if item.report_id not in outcome.decided and item.report_id not in outcome.unobtainable
    )
    if not outcome.quit and not outcome.remaining:
        console.print(f"All records screened at {STAGE_NAMES[stage]}.", markup=False)
    return outcome
