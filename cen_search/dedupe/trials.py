"""Trial registration numbers named by a record: what ties the reports of one trial together.

Registry entries (ClinicalTrials.gov, the EU register, ISRCTN, the WHO primary registries) and
the publications of a trial -- protocol, results, conference abstracts, secondary analyses --
name the trial's registration number: in the title or abstract, in an accession or
secondary-source field (MEDLINE ``SI - ClinicalTrials.gov/NCT01234567``), in a short note.
Records naming one number are reports of one study (PRISMA 2020 counts studies apart from
reports), so the engine links them (``same-trial``) without ever merging them.

A record naming many numbers (a review of trials) is a report of none of them:
:data:`MAX_TRIALS_PER_RECORD` bounds what counts. Long free-text fields (reference lists,
notes of many kB) are not read, as the numbers there belong to other works.
"""

from __future__ import annotations

import re

from cen_search.models import Record

MAX_TRIALS_PER_RECORD = 3
"""A record naming more registration numbers than this is taken as a report of none (a
trial names its own number and perhaps one or two secondary ones)."""

SHORT_FIELD = 200
"""Raw fields longer than this are not read (reference lists, long notes)."""

_REGISTRY = re.compile(
    r"\b(?:"
    r"NCT\d{8}"
    r"|ISRCTN\d{8}"
    r"|ACTRN\d{14}"
    r"|ChiCTR[A-Z-]*\d{6,}"
    r"|DRKS\d{8}"
    r"|CTRI/\d{4}/\d{2,3}/\d{6}"
    r"|UMIN\d{9}"
    r"|JPRN-[A-Za-z]+\d+"
    r"|jRCT[a-z]?\d{10}"
    r"|IRCT\d{6,}N\d+"
    r"|PACTR\d{15}"
    r"|NTR\d{3,5}"
    r"|KCT\d{7}"
    r"|TCTR\d{11}"
    r"|20\d{2}-\d{6}-\d{2}"
    r")\b"
)
_PREFIXES = (
    "NCT", "ISRCTN", "ACTRN", "ChiCTR", "DRKS", "CTRI/", "UMIN", "JPRN-", "jRCT", "IRCT",
    "PACTR", "NTR", "KCT", "TCTR", "EudraCT", "EUDRACT", "eudract",
)  # fmt: skip
"""A cheap first look (substring tests): text naming none of these names no registration
number. Registries write their prefixes in capitals (``jRCT`` excepted); a EudraCT number is
taken only from text that says "EudraCT"."""


def _normalise(number: str) -> str:
    """One spelling per number (upper case)."""
    return number.strip().upper()


def numbers_in(text: str) -> set[str]:
    """The registration numbers named in ``text``."""
    if not text or not any(prefix in text for prefix in _PREFIXES):
        return set()
    eudract = "udraCT" in text or "UDRACT" in text or "eudract" in text
    return {
        _normalise(m.group(0))
        for m in _REGISTRY.finditer(text)
        if eudract or not m.group(0)[:1].isdigit()
    }


def trial_numbers(record: Record) -> frozenset[str]:
    """The trial registration numbers a record names (empty when it names more than
    :data:`MAX_TRIALS_PER_RECORD`)."""
    short = [value for _, value in record.raw if len(value) <= SHORT_FIELD]
    text = "\n".join([record.title, record.abstract, *record.accession_numbers, *short])
    found = numbers_in(text)
    if len(found) > MAX_TRIALS_PER_RECORD:
        return frozenset()
    return frozenset(found)
