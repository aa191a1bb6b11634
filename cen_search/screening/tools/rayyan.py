"""Rayyan: its articles export (CSV, RIS or BibTeX) and its ``customizations_log.csv``.

The articles export keeps the decisions in each record's notes, after the database's own
note text::

    ... | RAYYAN-INCLUSION: {"Alice"=>"Included", "Bob "=>"Excluded"} | RAYYAN-LABELS: KDE |
    RAYYAN-EXCLUSION-REASONS: wrong setting,not qualitative | USER-NOTES: {"Bob "=>["..."]}

(Ruby-hash notation; names can carry trailing spaces; *Included*, *Excluded*, *Maybe*). It is
the state at export time: reviewers resolve conflicts in Rayyan by changing their own
decisions, so the independent votes survive only in ``customizations_log.csv``, one row per
change: ``created_at,user_id,user_email,article_id,key,value`` with ``key`` ``included`` (1
include, -1 exclude, 0 maybe) or ``"__EXR__<reason>"`` (1 set, 0 or ``deleted`` unset); other
keys are labels, which are not decisions. The log names articles by number: ``rayyan-<number>``
is the key of the same article in the articles export, so give that export with ``--articles``
(or import it into the review) to match them.

Exclusion reasons in the articles export are per article, not per reviewer: they are given
to every reviewer who excluded it. Reasons are Rayyan's free text, kept as written.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from pathlib import Path

from cen_search.errors import CenSearchError, InputError
from cen_search.models import Record
from cen_search.screening.tools.base import (
    ToolFile,
    ToolOptions,
    ToolRow,
    ToolVote,
    iso_time,
    read_records,
    read_table,
    row_of,
)
from cen_search.wording import count

NAME = "rayyan"
LABEL = "Rayyan"

_INCLUSION = re.compile(r"RAYYAN-INCLUSION:\s*\{(.*?)\}", re.DOTALL)
_STRING = r'"((?:[^"\\]|\\.)*)"'
_PAIR = re.compile(_STRING + r"\s*=>\s*" + _STRING)
_REASONS = re.compile(r"RAYYAN-EXCLUSION-REASONS:[ \t]*([^|\n]*)")
_USER_NOTES = re.compile(_STRING + r"\s*=>\s*\[((?:\s*" + _STRING + r"\s*,?)*)\s*\]")
_DECISIONS = {"included": "include", "excluded": "exclude", "maybe": "maybe"}
_LOG_COLUMNS = {"created_at", "user_email", "article_id", "key", "value"}
_LOG_DECISIONS = {"1": "include", "-1": "exclude", "0": "maybe"}
_EXR = "__EXR__"


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text)


def parse_notes(text: str) -> tuple[dict[str, str], tuple[str, ...], dict[str, str], list[str]]:
    """Rayyan's notes: reviewer -> decision, the article's exclusion reasons, reviewer ->
    their notes, and decisions not understood."""
    decisions: dict[str, str] = {}
    odd: list[str] = []
    found = _INCLUSION.search(text)
    if found:
        for name, value in _PAIR.findall(found.group(1)):
            decision = _DECISIONS.get(_unescape(value).strip().lower())
            if decision is None:
                odd.append(f"{name.strip()}: {value!r}")
            else:
                decisions[_unescape(name).strip()] = decision
    reasons: tuple[str, ...] = ()
    found = _REASONS.search(text)
    if found:
        reasons = tuple(r.strip() for r in found.group(1).split(",") if r.strip())
    notes: dict[str, str] = {}
    start = text.find("USER-NOTES:")
    if start >= 0:
        for match in _USER_NOTES.finditer(text, start):
            items = [_unescape(s) for s in re.findall(_STRING, match.group(2))]
            notes[_unescape(match.group(1)).strip()] = " / ".join(i.strip() for i in items)
    return decisions, reasons, notes, odd


def _origin(*parts: str) -> str:
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]
    return f"rayyan:{parts[0]}:{digest}"


def votes_of(record: Record, options: ToolOptions, odd: Counter[str]) -> tuple[ToolVote, ...]:
    """The decisions in one record's Rayyan notes."""
    text = "\n".join(record.notes)
    if "RAYYAN-" not in text:  # a layout whose notes column is not mapped: any raw value
        text = "\n".join(value for _, value in record.raw if "RAYYAN-" in value)
    decisions, reasons, notes, bad = parse_notes(text)
    for item in bad:
        odd[item.split(":", 1)[1].strip()] += 1
    stage = options.stage or "ta"
    key = record.provenance.key or str(record.provenance.index)
    out = []
    for name, decision in decisions.items():
        given = reasons if decision == "exclude" else ()
        note = notes.get(name, "")
        out.append(
            ToolVote(
                by=options.who(name),
                stage=stage,
                decision=decision,
                reasons=given,
                note=note,
                origin=_origin(key, name, stage, decision, *given, note),
            )
        )
    return tuple(out)


def _read_records(path: Path) -> list[Record]:
    return read_records(path)


def _is_log(path: Path) -> bool:
    """True for a ``customizations_log.csv`` (its columns, as a spreadsheet may have re-saved
    it); the articles export has other columns."""
    try:
        header = set(read_table(path)[0])
    except (OSError, CenSearchError):
        return False
    return header >= _LOG_COLUMNS


def read(path: Path, options: ToolOptions) -> ToolFile:
    """Decisions in a Rayyan articles export or ``customizations_log.csv``."""
    if _is_log(path):
        return read_log(path, options)
    records = _read_records(path)
    odd: Counter[str] = Counter()
    result = ToolFile(NAME, "articles export")
    undecided = 0
    for record in records:
        votes = votes_of(record, options, odd)
        undecided += not votes
        result.rows.append(row_of(record, votes=votes, unlabelled=not votes))
    if not any(row.votes for row in result.rows):
        raise InputError(
            f"{path}: no RAYYAN-INCLUSION decisions in its notes",
            hint="export from Rayyan with notes included, or give --from for the tool the "
            "file came from",
        )
    for value, n in odd.most_common():
        result.notes.append(f"{count(n, 'decision')} {value!r} not understood (not imported)")
    if undecided:
        have = "has" if undecided == 1 else "have"
        result.notes.append(f"{count(undecided, 'article')} {have} no decision in Rayyan")
    return result


def read_log(path: Path, options: ToolOptions) -> ToolFile:
    """Every decision change in a ``customizations_log.csv``, in time order: one vote per
    change of a reviewer's decision or (for an exclusion) of their reasons."""
    header, table = read_table(path)
    rows = [
        (line, {k: v.strip() for k, v in zip(header, values, strict=False) if k})
        for line, values in table
    ]
    rows.sort(key=lambda item: (iso_time(item[1].get("created_at", "")), item[0]))
    articles: dict[str, Record] = {}
    if options.articles is not None:
        for record in _read_records(options.articles):
            articles[(record.provenance.key or "").casefold()] = record
    stage = options.stage or "ta"
    state: dict[tuple[str, str], tuple[str | None, list[str]]] = {}
    emitted: dict[tuple[str, str], tuple[str, tuple[str, ...]]] = {}
    votes: dict[str, list[ToolVote]] = {}
    first_line: dict[str, int] = {}
    labels = 0
    for line, row in rows:
        article, key = row.get("article_id", ""), row.get("key", "").strip('"')
        user = row.get("user_email") or row.get("user_id", "")
        if not article or not user:
            continue
        first_line.setdefault(article, line)
        decision, reasons = state.get((article, user), (None, []))
        value = row.get("value", "")
        if key == "included":
            decision = _LOG_DECISIONS.get(value, decision)
        elif key.startswith(_EXR):
            reason = key[len(_EXR) :].strip()
            if value == "1" and reason not in reasons:
                reasons = [*reasons, reason]
            elif value in ("0", "deleted"):
                reasons = [r for r in reasons if r != reason]
        else:
            labels += 1
            continue
        state[(article, user)] = (decision, reasons)
        if decision is None:
            continue
        given = tuple(reasons) if decision == "exclude" else ()
        if emitted.get((article, user)) == (decision, given):
            continue
        emitted[(article, user)] = (decision, given)
        created = row.get("created_at", "")
        votes.setdefault(article, []).append(
            ToolVote(
                by=options.who(user),
                stage=stage,
                decision=decision,
                reasons=given,
                at=iso_time(created),
                origin=f"rayyan-log:{article}:{row.get('user_id') or user}:{created}:{key}",
            )
        )
    if not state:
        raise InputError(
            f"{path}: no decisions (rows with key 'included' or '__EXR__...')",
            hint="give Rayyan's customizations_log.csv, or its articles export",
        )
    result = ToolFile(NAME, "event log", unit="article")
    for article in sorted(first_line, key=lambda a: first_line[a]):
        key = f"rayyan-{article}"
        found = articles.get(key.casefold())
        if found is not None:
            base = row_of(found, votes=tuple(votes.get(article, ())))
            row_ = ToolRow(
                where=f"{path.name}:{first_line[article]}",
                keys=tuple(dict.fromkeys((key, *base.keys))),
                doi=base.doi,
                pmid=base.pmid,
                record=found,
                votes=base.votes,
            )
        else:
            row_ = ToolRow(
                where=f"{path.name}:{first_line[article]}",
                keys=(key,),
                votes=tuple(votes.get(article, ())),
            )
        result.rows.append(row_)
    if labels:
        result.notes.append(f"{count(labels, 'label change')} ignored (labels are not decisions)")
    return result
