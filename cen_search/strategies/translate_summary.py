"""What a translation lost, counted: the summary line of ``strategy translate``.

A construct of the source (a truncated word, a proximity, a heading...) may give several
findings (one per spelling written out, one per field). The summary counts source constructs
once, on the sets the final set is built from, and sorts each into the worst thing that
happened to it: dropped, narrower (finds fewer records), broader (finds more) or approximate
(either). It never calls a translation "nothing dropped" when it is narrower: narrower means
records the original finds can be missed.
"""

from __future__ import annotations

from dataclasses import dataclass

from cen_search.strategies.translate import Finding, Lossiness, Translation
from cen_search.wording import count

_ORDER = ("dropped", "narrower", "broader", "approximate")


def _fate(findings: list[Finding]) -> str:
    """The worst of what happened to one construct."""
    if any(f.lossiness is Lossiness.DROPPED for f in findings):
        return "dropped"
    directions = {f.direction for f in findings}
    for fate in ("narrower", "broader"):
        if fate in directions:
            return fate
    return "approximate"


def final_closure(translation: Translation) -> set[str]:
    """Keys of the final set and of every set it is built from."""
    refs = {line.key: line.refs for line in translation.lines}
    seen: set[str] = set()
    todo = [translation.final_key]
    while todo:
        key = todo.pop()
        if key in seen:
            continue
        seen.add(key)
        todo.extend(refs.get(key, ()))
    return seen


@dataclass(frozen=True, slots=True)
class TranslationSummary:
    """Counts of source constructs not carried over exactly."""

    final_key: str
    lossiness: str
    """Of the final set: ``exact``, ``approximate`` or ``dropped``."""
    equivalent: bool
    dropped: int
    narrower: int
    broader: int
    approximate: int
    """Approximate, direction not known."""
    truncations_narrowed: int
    """Truncated or wildcarded words searched without their truncation (narrower)."""
    spellings_written_out: int
    """Words whose inside-word wildcard became an OR of spellings (narrower)."""
    elsewhere: int
    """Constructs not carried over exactly on sets the final set does not use."""

    @property
    def inexact(self) -> int:
        return self.dropped + self.narrower + self.broader + self.approximate

    def sentence(self) -> str:
        """``final set 3: approximate: 3 constructs not carried over exactly: 2 narrower
        (2 truncated words searched without truncation), 1 broader``."""
        head = f"final set {self.final_key}: "
        if not self.inexact:
            text = head + "exact: every construct it uses is carried over exactly"
        else:
            head += (
                "approximate"
                if self.equivalent
                else "NOT equivalent: part of the strategy is dropped"
            )
            parts = []
            for fate in _ORDER:
                number = getattr(self, fate)
                if not number:
                    continue
                part = f"{number} {fate if fate != 'approximate' else 'broader or narrower'}"
                if fate == "narrower":
                    why = [
                        count(self.truncations_narrowed, "truncated word")
                        + " searched without truncation"
                        if self.truncations_narrowed
                        else "",
                        count(self.spellings_written_out, "wildcard") + " written out as spellings"
                        if self.spellings_written_out
                        else "",
                    ]
                    if any(why):
                        part += f" ({'; '.join(w for w in why if w)})"
                parts.append(part)
            text = (
                f"{head}: {count(self.inexact, 'construct')} not carried over exactly: "
                + ", ".join(parts)
            )
        if self.elsewhere:
            text += (
                f"; {count(self.elsewhere, 'more construct')} on sets the final set does not use"
            )
        return text


def summarise(translation: Translation) -> TranslationSummary:
    """Count what the translation lost (see the module docstring)."""
    used = final_closure(translation)
    constructs: dict[tuple[str, str, str, object], list[Finding]] = {}
    for finding in translation.findings:
        if finding.lossiness is Lossiness.EXACT:
            continue
        ident = (finding.key, finding.construct, finding.written, finding.span)
        constructs.setdefault(ident, []).append(finding)
    tally = dict.fromkeys(_ORDER, 0)
    truncations = spellings = elsewhere = 0
    for (key, construct, _, _), findings in constructs.items():
        if key not in used:
            elsewhere += 1
            continue
        fate = _fate(findings)
        tally[fate] += 1
        if fate == "narrower" and construct == "truncation":
            truncations += 1
        if fate == "narrower" and construct == "wildcard":
            spellings += 1
    return TranslationSummary(
        final_key=translation.final_key,
        lossiness=translation.lossiness.value,
        equivalent=translation.equivalent,
        dropped=tally["dropped"],
        narrower=tally["narrower"],
        broader=tally["broader"],
        approximate=tally["approximate"],
        truncations_narrowed=truncations,
        spellings_written_out=spellings,
        elsewhere=elsewhere,
    )


__all__ = ["TranslationSummary", "final_closure", "summarise"]
