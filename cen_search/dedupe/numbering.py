"""Volumes and issues as matching keys: the number, the supplement, and values to distrust.

Exports garble these two fields more than any other. Embase splits ``61(10 SUPPL. 1)`` at the
wrong bracket and leaves ``1)`` as the volume with ``NA`` as the issue; publishers write the
same supplement ``Supplement_1``, ``SUPPL. 1``, ``Suppl 1`` or ``S1``; some exports put the
volume in the issue field, alone or as ``30 SUPPL. 3``; Ovid puts accession numbers there. The
rules compare volumes and issues only to find contradictions, so a damaged value must never
contradict a sound one. Hence:

* :func:`volume_key` reads a volume's number (``35 Suppl 1`` -> ``35``; a book series'
  volume with the series' acronym, ``6017 LNCS`` -> ``6017``). A value that is not a
  plausible volume -- brackets that do not balance, words that are not volume designations,
  a number of five or more digits (six with a series acronym: LNCS is past 13000) -- gives
  "" (*missing*) and a note saying so, which ``explain`` shows. A year given as the volume
  is not a volume either (silently: some journals number volumes by year). A part named in
  the volume field (``PART 2``) is kept apart: parts of one volume are different books.
* :func:`issue_key` splits an issue into its number and its supplement (``10 SUPPL. 1`` ->
  ``("10", "1")``; ``Supplement_1`` and ``S1`` -> ``("", "1")``; ``Suppl`` -> ``("", "s")``),
  so that ``10 SUPPL. 1`` and ``Supplement_1`` do not contradict (the one names the issue,
  the other only the supplement). Implausible values give ("", "") and a note.

Why it holds for any export: a value that cannot be read as a volume or issue says nothing
about the record, so it is evidence neither way; a supplement designation and an issue number
are different facts, and two records only contradict when they state the same fact
differently.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

_MISSING = frozenset({"", "na", "n/a", "n.a", "nan", "none", "null", "-", "--", "0", "00", "np"})
_SUPPLEMENT = re.compile(
    r"\b(?:suppl(?:ement)?s?|supp|sup)\b\.?[\s_.-]*(\d{1,4}|[a-z](?![a-z]))?"
    r"|\bs[\s_.-]?(\d{1,4})\b",
    re.IGNORECASE,
)
"""``Suppl 1``, ``SUPPL. 1``, ``Supplement_1``, ``Supp 2``, ``suppl``, ``S3`` (``S`` alone,
a section letter, is not read as a supplement)."""
_DESIGNATIONS = re.compile(
    r"\b(?:vol(?:ume)?|no|nr|num(?:ber)?|iss(?:ue)?|n|v|pt|part|spec(?:ial)?|sp|si|"
    r"pages?|pp|p|ed(?:ition)?|e|t|tome|bd|jg|h|heft|fasc|cah)\b\.?",
    re.IGNORECASE,
)
"""Words that may stand beside a volume or issue number without making it implausible."""
_NUMBER = re.compile(r"\d+")
_PART = re.compile(r"\b(?:pt|part|teil|tome)\b\.?\s*(\d{1,3}|[A-Za-z](?![A-Za-z]))", re.IGNORECASE)
"""A part of a volume: ``PART 2``, ``Pt. B``, ``Teil 1`` (a multi-part proceedings or book)."""
_SERIES = re.compile(r"\b[A-Z]{2,6}\b")
"""A book series' acronym beside its volume number (``6017 LNCS``, ``CCIS 112``, ``LNAI``):
it names the series, it is not damage."""
_LEFTOVER = re.compile(r"[^\sA-Za-z0-9]")
_ISOLATED = re.compile(r"^(?:\d{1,4}[A-Za-z]?|[A-Za-z]\d{0,3})$")


class VolumeKey(NamedTuple):
    """A volume read as keys (see :func:`volume_key`)."""

    number: str
    """The volume number ("" when none can be told)."""
    supplement: str
    """A supplement named in the volume field (``35 Suppl 1`` -> ``"1"``), else ""."""
    note: str
    """Why the value was set aside ("" when it was read)."""
    part: str = ""
    """A part named in the volume field (``6017 LNCS PART 2`` -> ``"2"``), else ""."""


class IssueKey(NamedTuple):
    """An issue read as keys (see :func:`issue_key`)."""

    number: str
    """The issue number ("" when none can be told)."""
    supplement: str
    """The supplement's number or letter, ``"s"`` for an unnumbered supplement, else ""."""
    note: str
    """Why the value was set aside ("" when it was read)."""
    part: str = ""
    """A part given in the issue field (``PART 2``: a part of a multi-part volume), else ""."""


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def _plausible(rest: str, *, series: bool = False) -> bool:
    """Whether what is left of a value, once supplements and designations are taken out, is
    at most a few short numbers or section letters (``12``, ``3A``, ``B``, ``1-2``; a
    five-digit number beside a series acronym)."""
    rest = _DESIGNATIONS.sub(" ", rest)
    tokens = [t for t in re.split(r"[\s/\-–+&,;:.()\[\]]+", rest) if t]
    return len(tokens) <= 3 and all(
        _ISOLATED.match(t) or (series and t.isdigit() and len(t) == 5) for t in tokens
    )


def _supplement(text: str) -> tuple[str, str]:
    """(supplement designation or "", the text without it)."""
    match = _SUPPLEMENT.search(text)
    if not match:
        return "", text
    label = (match.group(1) or match.group(2) or "s").lower()
    label = str(int(label)) if label.isdigit() else label
    return label, text[: match.start()] + " " + text[match.end() :]


def _part(text: str) -> tuple[str, str]:
    """(the part a value names, folded, or "", the text without it)."""
    match = _PART.search(text)
    if not match:
        return "", text
    return match.group(1).lower(), text[: match.start()] + " " + text[match.end() :]


def _text(value: str) -> str:
    """The value trimmed, underscores read as spaces (``Supplement_1``)."""
    return (value or "").replace("_", " ").strip().strip(".,;").strip()


def _set_aside(field: str, value: str) -> str:
    """The note explaining that ``value`` was not used; none for values without digits
    (``Ph.D.``, ``Spec No``), which plainly are no number."""
    if not _NUMBER.search(value):
        return ""
    return f"{field} {value.strip()!r} is not a plausible {field}: treated as missing"


@lru_cache(maxsize=65536)
def volume_key(value: str) -> VolumeKey:
    """The volume's number and any supplement it names; an implausible value gives ("", "")
    and a note (see the module docstring)."""
    text = _text(value)
    if text.lower() in _MISSING:
        return VolumeKey("", "", "")
    if not _balanced(text):
        return VolumeKey("", "", _set_aside("volume", value))
    part, text = _part(text)
    supplement, rest = _supplement(text)
    series = bool(_SERIES.search(rest)) and not _DESIGNATIONS.fullmatch(rest.strip())
    rest = _SERIES.sub(" ", rest)
    numbers = _NUMBER.findall(rest)
    if not numbers:
        return VolumeKey("", supplement, "")
    if len(numbers[0]) >= (6 if series else 5) or not _plausible(rest, series=series):
        return VolumeKey("", "", _set_aside("volume", value))
    number = int(numbers[0])
    if 1800 <= number <= 2100 or number == 0:
        # a year given as the volume (or a 0 placeholder) is not a volume
        return VolumeKey("", supplement, "")
    return VolumeKey(str(number), supplement, "", part)


@lru_cache(maxsize=65536)
def issue_key(value: str) -> IssueKey:
    """The issue's number and supplement (see the module docstring); Ovid accession numbers
    (five digits or more) and other implausible values give ("", "") and a note."""
    text = _text(value)
    if text.lower() in _MISSING:
        return IssueKey("", "", "")
    if any(len(n) >= 5 for n in _NUMBER.findall(text)):
        return IssueKey("", "", "")  # an accession number: common in Ovid exports, no note
    if not _balanced(text):
        return IssueKey("", "", _set_aside("issue", value))
    part, text = _part(text)
    if part and not _NUMBER.search(text):
        return IssueKey("", "", "", part)  # "PART 2": a part, not an issue number
    supplement, rest = _supplement(text)
    if not _plausible(rest):
        return IssueKey("", supplement, "" if supplement else _set_aside("issue", value))
    numbers = _NUMBER.findall(rest)
    return IssueKey(str(int(numbers[0])) if numbers else "", supplement, "", part)


def issue_agreement(
    number_a: str, supplement_a: str, number_b: str, supplement_b: str
) -> bool | None:
    """Whether two issues agree (True), contradict (False) or cannot be told (None).

    Numbers contradict only when both are small (one or two digits: larger "issues" are often
    accession numbers). Supplements agree when they are the same, and never contradict:
    ``S2`` is supplement 2 in one export and issue 2 of a supplement series in another. An
    issue number on one side and only a supplement on the other cannot be told apart."""
    if number_a and number_b and number_a != number_b:
        if len(number_a) <= 2 and len(number_b) <= 2:
            return False
        return None
    if number_a and number_a == number_b:
        return True
    if supplement_a and supplement_a == supplement_b:
        return True
    return None
