"""Spelling variants for the wildcards inside a word that a target cannot search.

Ovid ``?`` (EBSCO ``#``) stands for zero or one character and Ovid ``#`` (EBSCO and ProQuest
``?``) for exactly one; searchers use them for UK/US spellings (``ag?ing``, ``behavio?r``,
``randomi#ed``). PubMed and OpenAlex have no wildcard inside a word, and Europe PMC none for an
optional character. Keeping one spelling, or cutting the word at the symbol, silently changes
what is found; so the term becomes an explicit OR of its spellings: ``ag?ing`` ->
``aging OR ageing``.

Which letters to try is data (``tables/optional_letters.csv``): each row gives letters that
English spelling variants put between two neighbours (``u`` between ``o`` and ``r``:
colour/color; ``e`` after ``g``: ageing/aging; ``s``/``z`` after ``i`` before ``a``/``e``:
organisation/organization). Where no row fits, the vowels are tried. The symbol matches any
character, so the expansion is narrower than the original, and the finding says so.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace
from functools import cache

from cen_search.strategies.ast import Term, Wildcard
from cen_search.strategies.translate import LineContext, Lossiness

MAX_VARIANTS = 16
"""A term with more spellings than this is not expanded (the target's fallback applies)."""
FALLBACK_LETTERS = "aeiou"
"""Letters tried where no row of the table fits: the vowels, which most variants differ in."""
WORD_START = "^"
"""In the table's ``before`` column: the wildcard starts the word (``?estrogen``)."""


@dataclass(frozen=True, slots=True)
class LetterRule:
    """A row of ``optional_letters.csv``: ``letters`` go between a character of ``before``
    and one of ``after`` (empty = any character)."""

    letters: str
    before: str
    after: str
    examples: str

    def fits(self, previous: str, following: str) -> bool:
        return (not self.before or previous in self.before) and (
            not self.after or following in self.after
        )


@cache
def letter_rules() -> tuple[LetterRule, ...]:
    """The rows of ``tables/optional_letters.csv``."""
    from cen_search.strategies.fields import read_table

    return tuple(
        LetterRule(row["letters"], row["before"], row["after"], row["examples"])
        for row in read_table("optional_letters.csv")
    )


def letters_for(previous: str, following: str) -> tuple[str, bool]:
    """The letters to try between ``previous`` (``^`` at the start of the word) and
    ``following``, and whether a table row chose them (False: the vowels, as a fallback)."""
    chosen: list[str] = []
    for rule in letter_rules():
        if rule.fits(previous, following):
            chosen += [letter for letter in rule.letters if letter not in chosen]
    if chosen:
        return "".join(chosen), True
    return FALLBACK_LETTERS, False


def _inside_word(term: Term, wildcard: Wildcard) -> tuple[str, str] | None:
    """The characters around a wildcard that has letters on both sides in its word, else
    None (a wildcard at the start or end of a word is truncation-like, handled elsewhere)."""
    text = term.text
    after_index = wildcard.pos + len(wildcard.symbol)
    following = text[after_index : after_index + 1]
    previous = text[wildcard.pos - 1] if wildcard.pos > 0 else ""
    if not following or not following.isalpha():
        return None
    if previous and not previous.isalpha():
        if not previous.isspace():
            return None
        previous = ""
    return (previous or WORD_START).lower(), following.lower()


@dataclass(frozen=True, slots=True)
class Variants:
    """The spellings a term stands for."""

    terms: tuple[Term, ...]
    """One term per spelling, without the expanded wildcards (others kept, re-positioned)."""
    symbols: tuple[str, ...]
    """The wildcard symbols expanded, as written."""
    guessed: bool
    """True when at least one position fell back to the vowels (no table row fitted)."""


def spelling_variants(term: Term, kinds: frozenset[str]) -> Variants | None:
    """The spellings of ``term`` with its inside-word wildcards of ``kinds`` (``optional``,
    ``single``) written out, or None when it has none or more than :data:`MAX_VARIANTS`."""
    targets = [
        (w, around)
        for w in term.wildcards
        if w.kind in kinds and (around := _inside_word(term, w)) is not None
    ]
    if not targets:
        return None
    choices: list[list[str]] = []
    guessed = False
    for wildcard, (previous, following) in targets:
        letters, from_table = letters_for(previous, following)
        guessed = guessed or not from_table
        options = list(letters)
        if wildcard.kind == "optional":
            options.insert(0, "")
        choices.append(options)
    combinations = list(itertools.product(*choices))
    if len(combinations) > MAX_VARIANTS:
        return None
    terms = []
    for combination in combinations:
        fill = {w.pos: letter for (w, _), letter in zip(targets, combination, strict=True)}
        terms.append(_spelled(term, fill))
    return Variants(tuple(terms), tuple(w.symbol for w, _ in targets), guessed)


_MEANING = {"optional": "one character or none", "single": "exactly one character"}


def written_out(term: Term, kinds: frozenset[str], ctx: LineContext) -> list[Term] | None:
    """The spellings of ``term`` (see :func:`spelling_variants`), noted on ``ctx`` as a
    narrower translation; None when there is nothing to write out."""
    found = spelling_variants(term, kinds)
    if found is None:
        return None
    meanings = sorted(
        {_MEANING[w.kind] for w in term.wildcards if w.symbol in found.symbols and w.kind in kinds}
    )
    symbols = ", ".join(dict.fromkeys(found.symbols))
    reason = (
        f"narrower: {symbols} ({' or '.join(meanings)}) has no equivalent here, so it is "
        f"written out as {len(found.terms)} spellings; other characters are not searched"
    )
    if found.guessed:
        reason += " (no spelling rule fits this position: the vowels are tried)"
    ctx.note(
        "wildcard",
        term.span,
        " OR ".join(t.text for t in found.terms),
        Lossiness.APPROXIMATE,
        reason,
        written=term.raw,
        direction="narrower",
    )
    return list(found.terms)


def _spelled(term: Term, fill: dict[int, str]) -> Term:
    """``term`` with the wildcard at each position of ``fill`` replaced by its letter."""
    text = ""
    kept: list[Wildcard] = []
    cursor = 0
    for wildcard in sorted(term.wildcards, key=lambda w: w.pos):
        text += term.text[cursor : wildcard.pos]
        if wildcard.pos in fill:
            text += fill[wildcard.pos]
        else:
            kept.append(replace(wildcard, pos=len(text)))
            text += wildcard.symbol
        cursor = wildcard.pos + len(wildcard.symbol)
    text += term.text[cursor:]
    return replace(term, text=text, wildcards=tuple(kept))


__all__ = [
    "FALLBACK_LETTERS",
    "MAX_VARIANTS",
    "LetterRule",
    "Variants",
    "letter_rules",
    "letters_for",
    "spelling_variants",
    "written_out",
]
