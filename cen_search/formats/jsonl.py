"""JSON Lines: the lossless interchange format between the stages of the pipeline.

One :class:`~cen_search.models.Record` per line, every mapped field, every raw field and the
full provenance, with a ``schema_version`` first so that the line identifies itself::

    {"schema_version": 1, "id": "0123abcd4567:1", "type": "article", "title": "...",
     "authors": [{"raw": "Smith, J", "family": "Smith", ...}], ..., "provenance": {...},
     "raw": [["TY", "JOUR"], ["TI", "..."]]}

Reading what :func:`write` wrote gives back equal ``Record`` objects, provenance included: a
record keeps pointing at the export it was first read from. Lines without ``provenance``
(written by hand or by another tool) get the JSONL file as their provenance.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from typing import Any, TextIO

from cen_search.formats._build import IssueLog
from cen_search.formats.base import Parsed, Source
from cen_search.models import Author, Pages, Provenance, Record, RecordType
from cen_search.names import parse_author

NAME = "jsonl"
LABEL = "JSON Lines"
EXTENSIONS = (".jsonl", ".ndjson")

SCHEMA_VERSION = 1
"""Version of the line layout; bumped when a field changes meaning or shape."""

_RECORD_FIELDS = tuple(f.name for f in dataclasses.fields(Record))
_PROVENANCE_FIELDS = tuple(f.name for f in dataclasses.fields(Provenance))
_AUTHOR_FIELDS = tuple(f.name for f in dataclasses.fields(Author))
_PAGES_FIELDS = tuple(f.name for f in dataclasses.fields(Pages))
_META_KEYS = frozenset({"schema_version", "id"})
# Characters json.dumps(ensure_ascii=False) leaves raw that text decoding or line splitting
# would alter: keep them escaped.
_RISKY = {"\ufeff": "\\ufeff", "\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"}


def _jsonable(value: Any) -> Any:
    if isinstance(value, RecordType):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple):
        return [_jsonable(item) for item in value]
    return value


def record_to_dict(record: Record) -> dict[str, Any]:
    """The JSON object written for one record (``schema_version`` and ``id`` first)."""
    out: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "id": record.id}
    for name in _RECORD_FIELDS:
        if name not in ("provenance", "raw"):
            out[name] = _jsonable(getattr(record, name))
    out["provenance"] = _jsonable(record.provenance)
    out["raw"] = [[tag, value] for tag, value in record.raw]
    return out


def dumps(record: Record) -> str:
    """One line of JSON (no newline) for ``record``."""
    line = json.dumps(record_to_dict(record), ensure_ascii=False, separators=(",", ":"))
    for char, escaped in _RISKY.items():
        if char in line:
            line = line.replace(char, escaped)
    return line


def write(records: Iterable[Record], fh: TextIO) -> int:
    """Write one JSON line per record; returns how many were written."""
    count = 0
    for record in records:
        fh.write(dumps(record))
        fh.write("\n")
        count += 1
    return count


class _Invalid(ValueError):
    """A line that is JSON but not a usable record."""


def _strings(value: Any, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,) if value else ()
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    raise _Invalid(f"{name!r} must be a list of strings")


def _text(value: Any, name: str) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise _Invalid(f"{name!r} must be a string")


# The type each field of the nested values must have (str unless listed).
_NOT_TEXT: dict[tuple[type, str], type] = {
    (Author, "organisation"): bool,
    (Provenance, "index"): int,
    (Provenance, "line"): int,
}


def _object(cls: type, value: Any, names: tuple[str, ...], name: str) -> Any:
    """``cls`` built from a JSON object, every field checked to be of its type: a value of
    another type is an error on this line, not a crash in a later stage."""
    if isinstance(value, str) and cls is Author:
        return parse_author(value)  # hand-written lines may give authors as strings
    if isinstance(value, str) and cls is Pages:
        return Pages(raw=value)
    if not isinstance(value, dict):
        raise _Invalid(f"{name!r} must be an object")
    kwargs = {k: value[k] for k in names if k in value}
    for key, item in kwargs.items():
        wanted = _NOT_TEXT.get((cls, key), str)
        if item is None and wanted is str:
            kwargs[key] = ""
        elif wanted is int and (not isinstance(item, int) or isinstance(item, bool)):
            raise _Invalid(f"'{name}.{key}' must be an integer, not {_kind(item)}")
        elif not isinstance(item, wanted):
            raise _Invalid(f"'{name}.{key}' must be {_KINDS[wanted]}, not {_kind(item)}")
    try:
        return cls(**kwargs)
    except TypeError as exc:
        raise _Invalid(f"{name!r}: {exc}") from None


_KINDS = {str: "a string", bool: "true or false", int: "an integer"}


def _kind(value: Any) -> str:
    """The JSON kind of ``value`` for messages ("an object", "a number")."""
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return "null" if value is None else "a string"


def _provenance(value: Any, source: Source, index: int, line: int) -> Provenance:
    if value is None:
        return Provenance(
            file=source.file,
            sha256=source.sha256,
            format=NAME,
            encoding=source.encoding,
            index=index,
            line=line,
            key=str(index),
            database=source.database,
            platform=source.platform,
            searched=source.searched,
        )
    prov = _object(Provenance, value, _PROVENANCE_FIELDS, "provenance")
    if not isinstance(prov.index, int) or not isinstance(prov.line, int):
        raise _Invalid("provenance index and line must be integers")
    fill = {
        name: getattr(source, name)
        for name in ("database", "platform", "searched")
        if getattr(source, name) and not getattr(prov, name)
    }
    return dataclasses.replace(prov, **fill) if fill else prov


def record_from_dict(obj: dict[str, Any], source: Source, *, index: int, line: int) -> Record:
    """Rebuild a :class:`Record` from the object :func:`record_to_dict` made."""
    kwargs: dict[str, Any] = {}
    for name in _RECORD_FIELDS:
        if name not in obj or name in ("provenance", "raw"):
            continue
        value = obj[name]
        if name == "type":
            if value is not None and not isinstance(value, str):
                raise _Invalid(f"'type' must be a string, not {_kind(value)}")
            try:
                kwargs[name] = RecordType(value or "other")
            except ValueError:
                raise _Invalid(f"unknown record type {value!r}") from None
        elif name == "authors":
            if not isinstance(value, list):
                raise _Invalid("'authors' must be a list")
            kwargs[name] = tuple(_object(Author, a, _AUTHOR_FIELDS, "authors") for a in value)
        elif name == "pages":
            kwargs[name] = _object(Pages, value or {}, _PAGES_FIELDS, "pages")
        elif name == "year":
            if isinstance(value, str) and value.strip().isdigit():
                value = int(value)
            if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
                raise _Invalid("'year' must be an integer or null")
            kwargs[name] = value
        elif isinstance(Record.__dataclass_fields__[name].default, str):
            kwargs[name] = _text(value, name)
        else:
            kwargs[name] = _strings(value, name)
    raw = obj.get("raw") or []
    if not isinstance(raw, list) or not all(
        isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair)
        for pair in raw
    ):
        raise _Invalid("'raw' must be a list of [name, value] string pairs")
    return Record(
        provenance=_provenance(obj.get("provenance"), source, index, line),
        raw=tuple((tag, value) for tag, value in raw),
        **kwargs,
    )


def sniff(text: str) -> int:
    """98 when the first line is a JSON object with ``schema_version``; 50 for another JSON
    object per line; 0 otherwise."""
    first = next((line.strip() for line in text.split("\n") if line.strip()), "")
    if not first.startswith("{"):
        return 0
    if first.startswith('{"schema_version"'):
        return 98
    try:
        obj = json.loads(first)
    except ValueError:
        return 0
    if not isinstance(obj, dict):
        return 0
    return 98 if "schema_version" in obj else 50


_MAX_DEPTH = 64
"""Deepest nesting a record line can have (a record is four levels deep): a line nested
deeper is refused before it is parsed (json.loads would raise RecursionError)."""


def _loads(line: str) -> Any:
    """The JSON value of one line; nesting deeper than :data:`_MAX_DEPTH` is refused."""
    if line.count("[") + line.count("{") > _MAX_DEPTH:
        depth = deepest = 0
        quoted = escaped = False
        for char in line:
            if quoted:
                if escaped:
                    escaped = False
                elif char == "\\":
                    escaped = True
                elif char == '"':
                    quoted = False
            elif char == '"':
                quoted = True
            elif char in "[{":
                depth += 1
                deepest = max(deepest, depth)
                if deepest > _MAX_DEPTH:
                    raise _Invalid(f"nested more than {_MAX_DEPTH} levels deep")
            elif char in "]}":
                depth -= 1
    try:
        return json.loads(line)
    except RecursionError:  # (a JSON decoder with a lower recursion limit than expected)
        raise _Invalid("nested too deeply") from None


def read(text: str, source: Source) -> Parsed:
    """Read JSON Lines; a line that is not a record is skipped with its line number."""
    log = IssueLog(source.file)
    records: list[Record] = []
    unknown: dict[str, int] = {}
    newer = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        index = len(records) + 1
        try:
            obj = _loads(line)
            if not isinstance(obj, dict):
                raise _Invalid("the line is not a JSON object")
            version = obj.get("schema_version", SCHEMA_VERSION)
            if isinstance(version, int) and version > SCHEMA_VERSION:
                newer = newer or number
            records.append(record_from_dict(obj, source, index=index, line=number))
        except (ValueError, _Invalid) as exc:
            reason = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
            log.skip(f"line is not a cen-search record ({reason}); skipped", line=number)
            continue
        for key in obj:
            if key not in _META_KEYS and key not in Record.__dataclass_fields__:
                unknown.setdefault(key, number)
    if newer:
        log.warn(
            f"written with schema_version newer than {SCHEMA_VERSION}; fields this version "
            "does not know are ignored (upgrade cen-search)",
            line=newer,
        )
    for key, number in unknown.items():
        log.warn(f"unknown key {key!r} ignored (first on this line)", line=number)
    return log.parsed(records)
