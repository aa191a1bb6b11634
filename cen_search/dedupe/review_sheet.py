"""Uncertain pairs for a person to decide: side-by-side fields, the review CSV, decision files.

The review CSV (``--review pairs.csv``) has one row per uncertain pair, most likely duplicates
first, with both records' fields side by side (``title_a``, ``title_b`` ...), a ``differs``
column naming the fields that differ, and an empty ``decision`` column. Filled in (``same`` /
``different``, or ``s``/``d``, ``yes``/``no``, ``1``/``0``; blank = undecided) it is read back
with ``--decisions``. The same file drives ``cen-search dedupe review --review-file``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from unidecode import unidecode

from cen_search.dedupe.decisions import (
    AppliedDecisions,
    Decision,
    PairKey,
    current_decisions,
    make_decision,
    pair_key,
)
from cen_search.dedupe.model import DedupeOptions, DedupeResult, PairVerdict
from cen_search.errors import InputError
from cen_search.fields import parse_pages
from cen_search.formats.textio import decode
from cen_search.fsutil import atomic_open, read_regular_file
from cen_search.identity import RecordRef, fingerprint, first_author_family, year_of
from cen_search.models import Record, RecordId
from cen_search.spreadsheet import cell_text, text_row

COMPARED_FIELDS = (
    "title",
    "authors",
    "year",
    "journal",
    "volume",
    "issue",
    "pages",
    "doi",
    "pmid",
    "type",
)
"""Fields shown side by side, in display order."""

REVIEW_COLUMNS = (
    "rank",
    "decision",
    "score",
    "rule",
    "differs",
    "reasons",
    "a_uid",
    "b_uid",
    "a_record_id",
    "b_record_id",
    "a_file",
    "b_file",
    "a_key",
    "b_key",
    "a_database",
    "b_database",
    *(f"{name}_{side}" for name in COMPARED_FIELDS for side in ("a", "b")),
)
"""Columns of the review CSV, in order."""

_SAME = {"same", "s", "yes", "y", "1", "true", "duplicate", "dup"}
_DIFFERENT = {"different", "d", "no", "n", "0", "false", "distinct", "diff"}


@dataclass(frozen=True, slots=True)
class FieldPair:
    """One field of two records, side by side."""

    name: str
    a: str
    b: str
    differs: bool
    """True when the values differ beyond case, accents, spacing and punctuation (for authors:
    beyond given names written out or as initials)."""


@dataclass(frozen=True, slots=True)
class Side:
    """Which record one side of a pair is."""

    record_id: RecordId
    """The record's id in the run the pair was written from (checksum:position)."""
    file: str = ""
    key: str = ""
    database: str = ""
    ref: RecordRef = field(default_factory=RecordRef)
    """The record's durable identity (what a decision on the pair is kept against)."""

    @property
    def uid(self) -> str:
        return self.ref.uid if self.ref.known else str(self.record_id)

    def label(self) -> str:
        """``database · file key`` for headers."""
        where = f"{Path(self.file).name} #{self.key}" if self.file else self.record_id
        return f"{self.database} · {where}" if self.database else where


CONFLICT_RULE = "review:decision-conflict"
"""The rule of a pair whose decision contradicts other decisions (see ``decisions.py``)."""


@dataclass(frozen=True, slots=True)
class ReviewPair:
    """An uncertain pair as a person reviews it."""

    rank: int
    """1 = most likely a duplicate."""
    a: Side
    b: Side
    score: float
    rule: str
    reasons: tuple[str, ...]
    fields: tuple[FieldPair, ...]
    same: bool | None = None
    """The decision: True same, False different, None undecided."""

    @property
    def key(self) -> PairKey:
        return pair_key(self.a.uid, self.b.uid)

    @property
    def contested(self) -> bool:
        """Its decision contradicts other decisions (:data:`CONFLICT_RULE`): shown with the
        decision as it stands, but a person must look again."""
        return self.rule == CONFLICT_RULE

    @property
    def open(self) -> bool:
        """A person still has to decide it: undecided, or its decision contested."""
        return self.same is None or self.contested

    @property
    def differs(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.differs)


def _plain(value: str) -> str:
    """Letters and digits only, folded: what two spellings of one value share."""
    return re.sub(r"[^0-9a-z]+", "", unidecode(value).casefold())


def _authors_key(value: str) -> str:
    """``Gol, Elham Shafiei; Avital, Michel`` and ``Gol, E.S.; Avital, M.`` compare equal:
    family names and first initials only."""
    people = []
    for person in value.split(";"):
        family, _, given = person.partition(",")
        people.append(_plain(family) + _plain(given)[:1])
    return "|".join(people)


def _differs(name: str, a: str, b: str) -> bool:
    """Whether two values of field ``name`` differ beyond spelling (see :class:`FieldPair`)."""
    if name == "authors":
        return _authors_key(a) != _authors_key(b)
    return _plain(a) != _plain(b)


def field_values(record: Record) -> dict[str, str]:
    """The compared fields of a record as display strings."""
    pages = record.pages
    page_text = pages.raw or "-".join(p for p in (pages.start, pages.end) if p)
    if not page_text:
        page_text = pages.article_number
    return {
        "title": " ".join(record.title.split()),
        "authors": "; ".join(author.display() for author in record.authors),
        "year": str(record.year) if record.year else record.date,
        "journal": record.container or record.container_abbrev,
        "volume": record.volume,
        "issue": record.issue,
        "pages": page_text,
        "doi": record.doi,
        "pmid": record.pmid,
        "type": str(record.type),
    }


def compare_fields(a: Record, b: Record) -> tuple[FieldPair, ...]:
    """Both records' compared fields side by side, with what differs marked."""
    return _field_pairs(field_values(a), field_values(b))


def _field_pairs(values_a: Mapping[str, str], values_b: Mapping[str, str]) -> tuple[FieldPair, ...]:
    """The :data:`COMPARED_FIELDS` of two sides (missing values: ""), differences marked."""
    pairs = []
    for name in COMPARED_FIELDS:
        a, b = values_a.get(name, ""), values_b.get(name, "")
        pairs.append(FieldPair(name, a, b, _differs(name, a, b)))
    return tuple(pairs)


def verdicts_to_review(
    records: Sequence[Record],
    result: DedupeResult,
    applied: AppliedDecisions,
    *,
    options: DedupeOptions,
) -> list[PairVerdict]:
    """The run's uncertain pairs plus the pairs people have decided (so a review file written
    from them keeps every decision), each with the engine's verdict (``records``: the run's
    index space). Pairs whose decisions contradict others come back as uncertain."""
    from cen_search.dedupe.engine import explain

    verdicts = list(result.uncertain)
    seen = {(v.a, v.b) for v in verdicts}
    for a, b in sorted(applied.by_pair):
        if (a, b) in seen:
            continue
        seen.add((a, b))
        # without the whole input as context: cheap, and only shown next to the decision
        verdict = replace(explain(records[a], records[b], options=options), a=a, b=b)
        if (a, b) in applied.contested:
            verdict = replace(verdict, rule=CONFLICT_RULE)
        verdicts.append(verdict)
    for contradiction in applied.contradictions:
        for index, verdict in enumerate(verdicts):
            if (verdict.a, verdict.b) == contradiction.pair:
                verdicts[index] = replace(
                    verdict,
                    rule=CONFLICT_RULE,
                    reasons=(*verdict.reasons, contradiction.describe()),
                )
    return verdicts


def side_of(record: Record, label: str, ref: RecordRef) -> Side:
    """One side of a pair: where the record is, and its durable identity."""
    return Side(record.id, record.provenance.file, record.key, label, ref)


def review_pairs(
    records: Sequence[Record],
    uncertain: Iterable[PairVerdict],
    *,
    labels: Sequence[str],
    applied: AppliedDecisions | None = None,
) -> list[ReviewPair]:
    """The uncertain pairs ranked by score (highest first), each with its current decision;
    a pair whose decision contradicts others keeps it (outside a workspace the sheet is the
    only record of it) and is :attr:`ReviewPair.open`: a person must look again."""
    from cen_search.identity import ref_of

    ranked = sorted(uncertain, key=lambda v: (-v.score, v.a, v.b))
    refs = applied.index.refs if applied is not None else [ref_of(r) for r in records]
    pairs: list[ReviewPair] = []
    for rank, verdict in enumerate(ranked, start=1):
        ra, rb = records[verdict.a], records[verdict.b]
        decision = None
        if applied is not None:
            decision = applied.decision_for(verdict.a, verdict.b)
        pairs.append(
            ReviewPair(
                rank=rank,
                a=side_of(ra, labels[verdict.a], refs[verdict.a]),
                b=side_of(rb, labels[verdict.b], refs[verdict.b]),
                score=verdict.score,
                rule=verdict.rule,
                reasons=tuple(verdict.reasons),
                fields=compare_fields(ra, rb),
                same=None if decision is None else decision.same,
            )
        )
    return pairs


def _decision_text(same: bool | None) -> str:
    """The ``decision`` column's text: same / different / "" (undecided)."""
    return "" if same is None else ("same" if same else "different")


def _row(pair: ReviewPair) -> dict[str, str]:
    """One row of the review CSV."""
    row = {
        "rank": str(pair.rank),
        "decision": _decision_text(pair.same),
        "score": f"{pair.score:.3f}",
        "rule": pair.rule,
        "differs": "; ".join(pair.differs),
        "reasons": "; ".join(pair.reasons),
        "a_uid": pair.a.uid,
        "b_uid": pair.b.uid,
        "a_record_id": pair.a.record_id,
        "b_record_id": pair.b.record_id,
        "a_file": pair.a.file,
        "b_file": pair.b.file,
        "a_key": pair.a.key,
        "b_key": pair.b.key,
        "a_database": pair.a.database,
        "b_database": pair.b.database,
    }
    for item in pair.fields:
        row[f"{item.name}_a"] = item.a
        row[f"{item.name}_b"] = item.b
    return row


def write_review_csv(
    path: str | Path, pairs: Sequence[ReviewPair], *, kept: Sequence[Mapping[str, str]] = ()
) -> None:
    """Write the review CSV atomically: ``pairs``, then the ``kept`` rows of an earlier sheet
    as they were (renumbered; see :func:`rows_about`)."""
    with atomic_open(path, newline="", encoding="utf-8-sig") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(REVIEW_COLUMNS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(text_row(_row(pair)) for pair in pairs)
        for rank, row in enumerate(kept, start=len(pairs) + 1):
            cells = {**{name: row.get(name, "") for name in REVIEW_COLUMNS}, "rank": rank}
            writer.writerow(text_row(cells))


def rows_about(path: str | Path, keys: Iterable[PairKey]) -> list[dict[str, str]]:
    """The rows of the review CSV at ``path`` about the pairs ``keys``, as written there: how
    a decision whose records are not in a run stays in the sheet that run writes again."""
    path = Path(path)
    wanted = set(keys)
    return [
        row
        for line, row in enumerate(_read_sheet(path).rows, start=2)
        if _pair_from_row(row, where=f"{path}:{line}").key in wanted
    ]


def parse_decision(value: str, *, where: str = "") -> bool | None:
    """``same``/``s``/``yes``/``1`` -> True; ``different``/``d``/``no``/``0`` -> False;
    blank -> None (undecided). Anything else is an :class:`InputError` naming ``where``."""
    text = value.strip().casefold()
    if not text:
        return None
    if text in _SAME:
        return True
    if text in _DIFFERENT:
        return False
    raise InputError(
        f"{where}: decision {value.strip()!r} is not one of same/different",
        hint="write same (or s, yes, 1), different (or d, no, 0), or leave it blank",
    )


@dataclass(frozen=True, slots=True)
class _Sheet:
    columns: list[str]
    rows: list[dict[str, str]]
    delimiter: str


def _read_sheet(path: Path) -> _Sheet:
    """A review CSV as written (columns, rows, delimiter), refusing other files. The review
    saved from Excel as a workbook is read too (its delimiter is ``""``: not written back)."""
    from cen_search.spreadsheet import is_workbook, workbook_rows

    data = read_regular_file(path)  # (a device or FIFO is refused, not read)
    if is_workbook(data):
        cells = workbook_rows(data, path=path)
        columns = [name.strip() for name in (cells[0] if cells else [])]
        _check_review_columns(path, columns)
        rows = [
            {name: row[i] if i < len(row) else "" for i, name in enumerate(columns)}
            for row in cells[1:]
            if any(str(cell).strip() for cell in row)
        ]
        return _Sheet(columns=columns, rows=rows, delimiter="")
    text = decode(data, path=str(path)).text
    header = text.split("\n", 1)[0]
    # commas, semicolons (Excel where the comma is the decimal mark) or tabs (Excel's
    # "Unicode Text", UTF-16)
    delimiter = max(",;\t", key=header.count)
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    columns = [name.strip() for name in (reader.fieldnames or [])]
    reader.fieldnames = columns
    _check_review_columns(path, columns)
    rows = [{k: cell_text(v or "") for k, v in row.items() if k is not None} for row in reader]
    # a row whose cells a person cleared instead of deleting it: Excel saves it as ",,,,"
    rows = [row for row in rows if any(value.strip() for value in row.values())]
    return _Sheet(columns=columns, rows=rows, delimiter=delimiter)


def _check_review_columns(path: Path, columns: list[str]) -> None:
    missing = [name for name in ("a_record_id", "b_record_id", "decision") if name not in columns]
    if "a_uid" in columns and "b_uid" in columns:
        missing = [name for name in missing if not name.endswith("record_id")]
    if missing:
        raise InputError(
            f"{path}: not a review file (no {', '.join(missing)} column)",
            hint="use the CSV written by cen-search dedupe --review, with its header kept",
        )


def _ref_from_row(row: Mapping[str, str], side: str) -> RecordRef:
    """The durable identity of one side of a review CSV row: its uid column, completed by the
    fields shown beside it (so a reference is found again even if the uid is not)."""
    uid = row.get(f"{side}_uid", "").strip()
    if not uid:
        return RecordRef()
    handle = uid.partition("/")[2]
    kind, _, value = handle.partition(":")
    title = row.get(f"title_{side}", "")
    year = year_of(row.get(f"year_{side}", ""))
    first = first_author_family(row.get(f"authors_{side}", ""))
    pages = parse_pages(row.get(f"pages_{side}", ""))  # as the reader parsed the record's
    computed = fingerprint(
        title=title,
        year=year,
        first_author=first,
        volume=row.get(f"volume_{side}", ""),
        first_page=pages.start or pages.article_number,
        container=row.get(f"journal_{side}", ""),
    )
    return RecordRef(
        database=row.get(f"{side}_database", ""),
        pmid=value if kind == "pmid" else row.get(f"pmid_{side}", "").strip(),
        accession=(value,) if kind == "an" else (),
        doi=row.get(f"doi_{side}", "").strip(),
        key=value if kind == "key" else "",
        fingerprint=value if kind == "fp" else computed,
        title=" ".join(title.split()),
        year=year,
        first_author=first,
    )


def _pair_from_row(row: Mapping[str, str], *, where: str) -> ReviewPair:
    """The pair one row of a review CSV describes (errors name ``where``)."""
    # (a sheet may lack the record_id columns: a person tidying it in Excel keeps the uids)
    a_id, b_id = row.get("a_record_id", "").strip(), row.get("b_record_id", "").strip()
    if not (a_id and b_id) and not (row.get("a_uid", "").strip() and row.get("b_uid", "").strip()):
        raise InputError(
            f"{where}: the record id columns (a_uid, b_uid) are empty",
            hint="keep the record id columns as written by --review",
        )
    try:
        score = float(row.get("score") or 0)
    except ValueError:
        score = 0.0
    fields = _field_pairs(
        {name: row.get(f"{name}_a", "") for name in COMPARED_FIELDS},
        {name: row.get(f"{name}_b", "") for name in COMPARED_FIELDS},
    )
    reasons = tuple(r.strip() for r in row.get("reasons", "").split(";") if r.strip())
    sides = [
        Side(
            RecordId(row.get(f"{side}_record_id", "").strip()),
            row.get(f"{side}_file", ""),
            row.get(f"{side}_key", ""),
            row.get(f"{side}_database", ""),
            _ref_from_row(row, side),
        )
        for side in ("a", "b")
    ]
    return ReviewPair(
        rank=int(row["rank"]) if row.get("rank", "").strip().isdigit() else 0,
        a=sides[0],
        b=sides[1],
        score=score,
        rule=row.get("rule", ""),
        reasons=reasons,
        fields=fields,
        same=parse_decision(row.get("decision", ""), where=where),
    )


def read_review_csv(path: str | Path) -> list[ReviewPair]:
    """The pairs of a review CSV with their decisions (errors name the file and line)."""
    path = Path(path)
    sheet = _read_sheet(path)
    pairs = [
        _pair_from_row(row, where=f"{path}:{line}") for line, row in enumerate(sheet.rows, start=2)
    ]
    for number, pair in enumerate(pairs, start=1):
        if not pair.rank:
            pairs[number - 1] = replace(pair, rank=number)
    return pairs


def check_replaceable(path: str | Path, *, decisions_from: str | Path | None = None) -> None:
    """Refuse to replace ``path`` when that would lose work: a review CSV holding decisions
    that this run does not read (``decisions_from`` is the ``--decisions`` file, if any), or
    a file that is not a review CSV at all. A missing file, or one without decisions, passes.
    """
    path = Path(path)
    if not path.is_file():
        return
    refuse_workbook(path)
    if decisions_from is not None and Path(decisions_from).resolve() == path.resolve():
        return
    try:
        decided = sum(1 for pair in read_review_csv(path) if pair.same is not None)
    except InputError:
        raise InputError(
            f"{path}: exists and is not a review file; nothing was written",
            hint="give --review a new file name (or the review CSV of an earlier run)",
        ) from None
    if decided:
        raise InputError(
            f"{path}: holds {decided} decision(s) this run would overwrite; nothing was written",
            hint=f"apply them with --decisions {path} (the file is then rewritten with them), "
            "or give --review another file name",
        )


def refuse_workbook(path: str | Path) -> None:
    """Refuse to write decisions into an Excel workbook (a review saved from Excel as
    ``.xlsx``): it is read, never written."""
    from cen_search.spreadsheet import is_workbook

    with open(path, "rb") as fh:
        start = fh.read(4)
    if is_workbook(start):
        raise InputError(
            f"{path}: an Excel workbook; cen-search reads decisions from it but never writes "
            "into it, so nothing was written",
            hint=f"read its decisions with --decisions {path} and give --review a new CSV "
            "file name",
        )


def update_review_csv(path: str | Path, decisions: Mapping[PairKey, bool | None]) -> int:
    """Write decisions into the ``decision`` column of an existing review CSV, keeping every
    other column and row as it was; returns how many rows changed."""
    path = Path(path)
    refuse_workbook(path)
    sheet = _read_sheet(path)
    changed = 0
    for row in sheet.rows:
        key = _pair_from_row(row, where=str(path)).key
        if key in decisions:
            text = _decision_text(decisions[key])
            if row.get("decision", "") != text:
                row["decision"] = text
                changed += 1
    with atomic_open(path, newline="", encoding="utf-8-sig") as fh:
        writer = csv.DictWriter(
            fh, fieldnames=sheet.columns, delimiter=sheet.delimiter, lineterminator="\n"
        )
        writer.writeheader()
        writer.writerows(text_row(row) for row in sheet.rows)
    return changed


def is_decisions_log(path: str | Path) -> bool:
    """Whether a ``--decisions`` file is a decisions log (JSON Lines), not a review CSV."""
    return Path(path).suffix.lower() in (".jsonl", ".json")


def read_decisions(path: str | Path, *, by: str = "") -> tuple[Decision, ...]:
    """Decisions from a file given with ``--decisions``: a filled-in review CSV (blank rows are
    skipped) or a ``decisions.jsonl`` log copied from another review."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file", hint="give the review CSV you filled in")
    if is_decisions_log(path):
        return tuple(current_decisions(path).values())
    decisions = []
    for pair in read_review_csv(path):
        if pair.same is None:
            continue
        if not (pair.a.ref.known and pair.b.ref.known):
            decisions.append(
                Decision(
                    a=RecordRef(),
                    b=RecordRef(),
                    same=pair.same,
                    by=by,
                    note=f"from {path.name}",
                    legacy=pair_key(pair.a.record_id, pair.b.record_id),
                )
            )
            continue
        decisions.append(
            make_decision(
                pair.a.ref,
                pair.b.ref,
                same=pair.same,
                by=by,
                note=f"from {path.name}",
                source=f"file:{path.name}",
            )
        )
    return tuple(decisions)
