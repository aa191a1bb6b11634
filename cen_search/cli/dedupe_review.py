"""The interactive review of uncertain pairs: side by side, one key per decision, resumable.

The session knows nothing about where decisions are kept: it calls ``decide(pair, same)`` the
moment a key is pressed (``same`` is True, False, or None for an undo), so quitting at any
point loses nothing, and running the review again starts at the first undecided pair. Keys
come from a ``keys`` callable (the terminal in real use, a list in tests).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace

from rich.console import Console
from rich.table import Table
from rich.text import Text

from cen_search.dedupe.review_sheet import ReviewPair
from cen_search.unionfind import UnionFind

KeySource = Callable[[], str]
"""Returns the next key pressed ("" when there are no more keys: treated as quit)."""
Decide = Callable[[ReviewPair, "bool | None"], None]
"""Keeps a decision (True same, False different, None undo) as soon as it is made."""

HELP = (
    "s  same: the two records are one study (duplicates)\n"
    "d  different: they are distinct records\n"
    "n  next: skip this pair for now (it stays undecided)\n"
    "u  undo: withdraw the last decision made in this session and show that pair again\n"
    "q  quit: every decision made so far is already saved; run the review again to go on\n"
    "?  this help"
)
_PROMPT = "[s]ame  [d]ifferent  [n]ext  [u]ndo  [q]uit  [?]help"
_QUIT_KEYS = {"q", "Q", "\x03", "\x04", "\x1b", ""}
_MAX_VALUE = 400


@dataclass(frozen=True, slots=True)
class ReviewOutcome:
    """What one review session did."""

    decided: int
    """Decisions made (undone ones not counted)."""
    same: int
    different: int
    remaining: int
    """Pairs still undecided when the session ended."""
    quit: bool
    """True when the reviewer quit before every pair was decided."""

    def then(self, later: ReviewOutcome) -> ReviewOutcome:
        """This session followed by ``later`` (pairs the decisions raised), as one."""
        return ReviewOutcome(
            decided=self.decided + later.decided,
            same=self.same + later.same,
            different=self.different + later.different,
            remaining=later.remaining,
            quit=later.quit,
        )


def keys_from(sequence: Iterable[str]) -> KeySource:
    """A key source that plays back ``sequence`` then reports no more keys."""
    iterator: Iterator[str] = iter(sequence)
    return lambda: next(iterator, "")


def _value(text: str) -> str:
    """One line, cut to a length a terminal table can show."""
    text = " ".join(text.split())
    return text if len(text) <= _MAX_VALUE else text[: _MAX_VALUE - 1] + "…"


def render_pair(pair: ReviewPair, *, position: int, total: int) -> Table:
    """Both records side by side; fields that differ are marked ``≠`` and highlighted."""
    title = f"Pair {position} of {total} · score {pair.score:.2f}" + (
        f" · {pair.rule}" if pair.rule else ""
    )
    if pair.same is not None:
        title += " · decided: " + ("same" if pair.same else "different")
    table = Table(title=Text(title), title_justify="left", show_lines=True, expand=True)
    table.add_column("", no_wrap=True, width=2)
    table.add_column("field", no_wrap=True, style="dim")
    table.add_column(Text(f"A  {pair.a.label()}"), ratio=1, overflow="fold")
    table.add_column(Text(f"B  {pair.b.label()}"), ratio=1, overflow="fold")
    for item in pair.fields:
        if not item.a and not item.b:
            continue
        style = "bold yellow" if item.differs else ""
        table.add_row(
            "≠" if item.differs else "",
            item.name,
            Text(_value(item.a) or "—", style=style),
            Text(_value(item.b) or "—", style=style),
        )
    if pair.reasons:
        table.caption = Text("; ".join(pair.reasons), style="dim")
        table.caption_justify = "left"
    return table


def run_review(
    pairs: Sequence[ReviewPair],
    *,
    decide: Decide,
    keys: KeySource,
    console: Console,
    include_decided: bool = False,
) -> ReviewOutcome:
    """Go through the undecided pairs (all pairs with ``include_decided``) in rank order."""
    state = list(pairs)
    queue = [i for i, pair in enumerate(state) if include_decided or pair.open]
    history: list[tuple[int, bool | None]] = []  # (pair index, its decision before this one)
    position = 0
    quit_early = False
    if not queue:
        console.print("No undecided pairs: nothing to review.", markup=False)
        return ReviewOutcome(decided=0, same=0, different=0, remaining=0, quit=False)
    noun = "pair" if len(queue) == 1 else "pairs"
    console.print(f"{len(queue)} {noun} to review. Press ? for help.", markup=False)
    show = True
    while position < len(queue):
        index = queue[position]
        pair = state[index]
        if show and pair.same is None and _joined_by_others(state, index):
            # "same" is transitive: a pair whose records the reviewer's own "same" decisions
            # already join needs no decision of its own, and the next run joins it too.
            position += 1
            continue
        if show:
            console.print(render_pair(pair, position=position + 1, total=len(queue)))
            console.print(Text(_PROMPT, style="bold"))
        show = True
        key = keys()
        if key in _QUIT_KEYS:
            quit_early = True
            break
        key = key.lower()
        if key in ("s", "d"):
            same = key == "s"
            decide(pair, same)
            history.append((index, pair.same))
            state[index] = replace(pair, same=same, rule=_decided_again(pair))
            console.print(f"→ {'same' if same else 'different'}", markup=False)
            position += 1
        elif key == "n":
            position += 1
        elif key == "u":
            if not history:
                console.print("Nothing to undo in this session.", markup=False)
                show = False
                continue
            undone, before = history.pop()
            decide(state[undone], before)
            state[undone] = replace(state[undone], same=before, rule=pairs[undone].rule)
            console.print("↶ undone", markup=False)
            position = queue.index(undone)
        elif key in ("?", "h"):
            console.print(HELP, markup=False)
            show = False
        else:
            console.print(f"Unknown key {key!r}. Press ? for help.", markup=False)
            show = False
    decided = [
        state[i].same for i in queue if state[i].same is not None and state[i].same != pairs[i].same
    ]
    implied = sum(
        1 for i, pair in enumerate(state) if pair.same is None and _joined_by_others(state, i)
    )
    remaining = sum(1 for pair in state if pair.open) - implied
    if implied:
        console.print(
            f"{implied} {'pair follows' if implied == 1 else 'pairs follow'} from your "
            "'same' decisions (both records already joined through others): not asked.",
            markup=False,
        )
    if not quit_early and remaining == 0:
        console.print("All pairs decided.", markup=False)
    return ReviewOutcome(
        decided=len(decided),
        same=sum(1 for value in decided if value),
        different=sum(1 for value in decided if not value),
        remaining=remaining,
        quit=quit_early and position < len(queue),
    )


def _decided_again(pair: ReviewPair) -> str:
    """The rule a pair shows once decided in this session: a contested pair is no longer
    open (the next ``dedupe`` run says whether the decisions still contradict)."""
    return "human:decided-again" if pair.contested else pair.rule


def _joined_by_others(pairs: Sequence[ReviewPair], index: int) -> bool:
    """True when the "same" decisions on the other pairs already join the records of
    ``pairs[index]`` (a = c and c = b, so a = b)."""
    joined = UnionFind[str]()
    for i, pair in enumerate(pairs):
        if i != index and pair.same:
            joined.union(str(pair.a.record_id), str(pair.b.record_id))
    target = pairs[index]
    return joined.joined(str(target.a.record_id), str(target.b.record_id))
