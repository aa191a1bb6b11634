"""Each service's JSON as a :class:`~cen_search.models.Record`, kept apart from transport.

One module per service (:mod:`.openalex`, :mod:`.europepmc`, :mod:`.crossref`,
:mod:`.semanticscholar`, :mod:`.opencitations`); each registration names its mapping function.
Records are built *without* a real provenance (:data:`PLACEHOLDER`): the stage that keeps them
gives them one (an imported file, a trace round). Every top-level key of the service's JSON is
kept verbatim in ``raw`` (objects and lists as compact JSON), so nothing the service sent is
lost. :func:`jsonl_lines` writes records as cen-search JSON Lines, ready to import.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from cen_search.models import Provenance, Record

PLACEHOLDER = Provenance(file="", sha256="", format="jsonl", encoding="utf-8", index=0, line=0)
"""Provenance of a record that has not been stored anywhere yet."""


def raw_pairs(obj: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """Every top-level key of ``obj`` with its value as text (objects and lists as JSON)."""
    pairs = []
    for key, value in obj.items():
        if value is None:
            continue
        text = (
            value
            if isinstance(value, str)
            else json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        )
        pairs.append((str(key), text))
    return tuple(pairs)


def text(value: Any) -> str:
    """A value as stripped text ("" for None)."""
    return "" if value is None else str(value).strip()


def dig(obj: Any, *path: str) -> Any:
    """``obj[path[0]][path[1]]...``, None as soon as a step is missing or not an object."""
    current: Any = obj
    for key in path:
        if not isinstance(current, Mapping):
            return None
        current = current.get(key)
    return current


def obj(value: Any) -> Mapping[str, Any]:
    """``value`` when it is an object, else an empty one (a service that sent null or junk)."""
    return value if isinstance(value, Mapping) else {}


def items(value: Any) -> list[Any]:
    """``value`` when it is a list, else an empty list (a service that sent null or junk)."""
    return value if isinstance(value, list) else []


def jsonl_lines(records: Iterable[Record]) -> str:
    """JSON Lines text for ``records`` in the project's layout, without provenance."""
    from cen_search.formats.jsonl import SCHEMA_VERSION, record_to_dict

    out = []
    for record in records:
        data = record_to_dict(record)
        data.pop("provenance", None)
        data.pop("id", None)
        data["schema_version"] = SCHEMA_VERSION
        line = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        for char in ("\ufeff", "\u2028", "\u2029", "\x85"):
            line = line.replace(char, json.dumps(char)[1:-1])
        out.append(line)
    return "".join(line + "\n" for line in out)


__all__ = ["PLACEHOLDER", "dig", "items", "jsonl_lines", "obj", "raw_pairs", "text"]
