"""Counted nouns in messages: ``1 record``, ``2 records``, ``1 search``, ``3 searches``.

One helper for every message of the library and the CLI (``cen_search.cli._output`` re-exports
it), so that no message says "1 warnings" or "within 1 words".

>>> count(1, "record"), count(2, "record"), count(0, "search"), count(1, "entry", "entries")
('1 record', '2 records', '0 searches', '1 entry')
"""

from __future__ import annotations

_ES = ("s", "x", "z", "ch", "sh")
"""Endings that take ``-es`` in the plural (search -> searches, box -> boxes)."""


def plural(n: int, singular: str, plural_form: str = "") -> str:
    """``singular`` when ``n == 1``, else ``plural_form`` or the regular English plural of the
    noun's last word (``-es`` after s, x, z, ch, sh; else ``-s``). Irregular plurals
    (``entry``/``entries``) are given as ``plural_form``."""
    if n == 1:
        return singular
    if plural_form:
        return plural_form
    return singular + ("es" if singular.endswith(_ES) else "s")


def count(n: int, singular: str, plural_form: str = "") -> str:
    """``n`` and the noun in the right number: ``count(1, "pair") == "1 pair"``,
    ``count(2, "pair") == "2 pairs"``."""
    return f"{n} {plural(n, singular, plural_form)}"


__all__ = ["count", "plural"]
