"""Translate a parsed strategy to a runnable target: PubMed, Europe PMC or OpenAlex.

:func:`translate` walks the lines of one section in order and asks the target's compiler for
each line's query. Every construct met is reported as a :class:`Finding` marked ``exact``,
``approximate`` (broader or narrower; the reason says which) or ``dropped`` (it cannot be
expressed; the run is then "not equivalent"). Line references are kept as PubMed history keys
(``#k``, filled in by the runner) and inlined in parentheses for every target, so each line
also has a self-contained query.

>>> from cen_search.strategies.translate import translate  # doctest: +SKIP
>>> translate(strategy, "pubmed").final.query  # doctest: +SKIP
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from cen_search.errors import InputError, UsageError
from cen_search.strategies.ast import FieldScope, Line, Span, Strategy
from cen_search.strategies.translate_tables import field_classes

COMPILERS: dict[str, str] = {
    "pubmed": "cen_search.strategies.translate_pubmed:PubMedCompiler",
    "europepmc": "cen_search.strategies.translate_europepmc:EuropePmcCompiler",
    "openalex": "cen_search.strategies.translate_openalex:OpenAlexCompiler",
}
"""The compiler of each target syntax (imported when first used)."""
TARGETS = tuple(COMPILERS)
"""Targets with an open API that :mod:`cen_search.strategies.runner` can run."""


class Lossiness(StrEnum):
    """How faithfully a construct was translated."""

    EXACT = "exact"
    APPROXIMATE = "approximate"
    DROPPED = "dropped"

    @property
    def rank(self) -> int:
        return ("exact", "approximate", "dropped").index(self.value)


def worst(values: Iterable[Lossiness]) -> Lossiness:
    """The least faithful of ``values`` (``exact`` when there are none)."""
    return max(values, key=lambda v: v.rank, default=Lossiness.EXACT)


@dataclass(frozen=True, slots=True)
class Finding:
    """One construct of the source and what became of it in the target."""

    line: int
    """Sequence number of the line (:attr:`Line.n`)."""
    key: str
    """The line's key (``12``, ``1a``)."""
    construct: str
    """``heading``, ``field``, ``proximity``, ``truncation``, ``line reference``, ``limit``,
    ``command``, ``term``, ``unparsed``."""
    written: str
    """The construct as written in the paste."""
    rendered: str
    """What the target query uses instead (empty when dropped)."""
    lossiness: Lossiness
    reason: str
    span: Span | None = None
    """Position in :attr:`Line.raw` (column = ``span[0] + 1``)."""
    file_line: int = 0
    direction: str = ""
    """For an approximate construct: ``broader`` (finds more), ``narrower`` (finds less) or
    ``""`` (either, or not known)."""


def direction_of(reason: str) -> str:
    """``broader``/``narrower`` when a reason says which (and not both), else ``""``."""
    broader = re.search(r"\bbroader\b", reason) is not None
    narrower = re.search(r"\bnarrower\b", reason) is not None
    return "broader" if broader and not narrower else "narrower" if narrower and not broader else ""


@dataclass(frozen=True, slots=True)
class TranslatedLine:
    """One line of the strategy in the target's syntax."""

    n: int
    key: str
    label: str
    file_line: int
    source: str
    """The line's query as pasted."""
    query: str
    """Self-contained query for the target (line references inlined); empty if not runnable."""
    history: str = ""
    """PubMed only: the query with references as ``#{key}`` placeholders for history keys."""
    refs: tuple[str, ...] = ()
    """Keys of the lines this one refers to directly."""
    findings: tuple[Finding, ...] = ()
    """What happened to this line's own constructs."""
    lossiness: Lossiness = Lossiness.EXACT
    """The worst of this line's findings and those of every line it depends on."""
    runnable: bool = True
    params: tuple[tuple[str, str], ...] = ()
    """OpenAlex only: request parameters (``filter``, ``search``) without key or cursor."""

    def display_history(self) -> str:
        """The history form as a user would type it in PubMed (``#3 OR #4``)."""
        return self.history.replace("#{", "#").replace("}", "") if self.history else ""


@dataclass(frozen=True, slots=True)
class Translation:
    """A strategy section translated to one target."""

    name: str
    source_platform: str
    database: str
    target: str
    section: int
    lines: tuple[TranslatedLine, ...]
    final_key: str
    notes: tuple[str, ...] = ()
    """Document-level remarks (section chosen, vocabulary assumptions)."""

    def line(self, key: str) -> TranslatedLine:
        for line in self.lines:
            if line.key == key:
                return line
        raise KeyError(key)

    @property
    def final(self) -> TranslatedLine:
        return self.line(self.final_key)

    @property
    def lossiness(self) -> Lossiness:
        """Faithfulness of the final line (what a run retrieves)."""
        return self.final.lossiness

    @property
    def equivalent(self) -> bool:
        """False when anything the final line depends on was dropped."""
        return self.lossiness is not Lossiness.DROPPED

    @property
    def findings(self) -> tuple[Finding, ...]:
        return tuple(f for line in self.lines for f in line.findings)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (stable snake_case keys) for ``--json`` and run records."""
        return {
            "name": self.name,
            "from": self.source_platform,
            "database": self.database,
            "to": self.target,
            "section": self.section,
            "final_line": self.final_key,
            "lossiness": self.lossiness.value,
            "equivalent": self.equivalent,
            "notes": list(self.notes),
            "lines": [
                {
                    "n": line.n,
                    "key": line.key,
                    "label": line.label,
                    "file_line": line.file_line,
                    "source": line.source,
                    "query": line.query,
                    "history": line.display_history(),
                    "params": dict(line.params),
                    "refs": list(line.refs),
                    "runnable": line.runnable,
                    "lossiness": line.lossiness.value,
                    "findings": [
                        {
                            "construct": f.construct,
                            "written": f.written,
                            "rendered": f.rendered,
                            "lossiness": f.lossiness.value,
                            "reason": f.reason,
                            "direction": f.direction,
                            "file_line": f.file_line,
                            "column": f.span[0] + 1 if f.span else None,
                        }
                        for f in line.findings
                    ],
                }
                for line in self.lines
            ],
        }


@dataclass(frozen=True, slots=True)
class Compiled:
    """What a target compiler returns for one line."""

    query: str
    history: str = ""
    params: tuple[tuple[str, str], ...] = ()
    value: Any = None
    """The compiled expression, reused when a later line inlines this one."""
    runnable: bool = True


@dataclass
class LineContext:
    """Per-line state handed to a compiler: the line, the findings and earlier lines."""

    strategy: Strategy
    line: Line
    platform: str
    database: str
    compiled: dict[str, Compiled]
    findings: list[Finding] = field(default_factory=list)
    refs: list[str] = field(default_factory=list)

    def written(self, span: Span | None) -> str:
        if span is None:
            return ""
        return self.line.raw[span[0] : span[1]]

    def note(
        self,
        construct: str,
        span: Span | None,
        rendered: str,
        lossiness: Lossiness,
        reason: str,
        *,
        written: str | None = None,
        direction: str | None = None,
    ) -> None:
        """Record a finding (identical findings on one line are kept once). ``direction``
        (``broader``/``narrower``) defaults to what the reason says."""
        if lossiness is Lossiness.EXACT:
            direction = ""
        elif direction is None:
            direction = direction_of(reason)
        finding = Finding(
            line=self.line.n,
            key=self.line.key,
            construct=construct,
            written=self.written(span) if written is None else written,
            rendered=rendered,
            lossiness=lossiness,
            reason=reason,
            span=span,
            file_line=self.line.file_line,
            direction=direction,
        )
        same = (finding.construct, finding.written, finding.rendered, finding.lossiness)
        for other in self.findings:
            if (other.construct, other.written, other.rendered, other.lossiness) == same:
                return
        self.findings.append(finding)

    def drop(
        self, construct: str, span: Span | None, reason: str, *, written: str | None = None
    ) -> None:
        """Record a construct the target cannot express (nothing is rendered for it)."""
        self.note(construct, span, "", Lossiness.DROPPED, reason, written=written)

    def scope(
        self,
        node: FieldScope,
        describe: Callable[[frozenset[str]], tuple[str, Lossiness, str]],
    ) -> frozenset[str]:
        """The field classes a scope searches, noted with the target's rendering of them
        (``describe`` gives rendered form, lossiness and reason)."""
        classes = field_classes(self.platform, node.codes, node.fields)
        rendered, lossiness, reason = describe(classes)
        span, written = node.code_span or node.span, node.raw or ",".join(node.codes)
        self.note("field", span, rendered, lossiness, reason, written=written)
        return classes

    def note_duplicates_removed(self, span: Span | None) -> None:
        """``remove duplicates from N``: the same set here (dedupe comes later)."""
        self.note(
            "command",
            span,
            "the same set",
            Lossiness.EXACT,
            "no-op here: duplicates are removed later by `cen-search dedupe`",
        )

    def resolve(self, key: str, span: Span | None, written: str) -> Compiled | None:
        """The compiled form of an earlier line, or None (with a dropped finding)."""
        if key not in self.refs:
            self.refs.append(key)
        found = self.compiled.get(key)
        if found is None:
            exists = self.strategy.line(key, section=self.line.section) is not None
            reason = (
                "refers to a later set (or itself); a set can only combine earlier sets"
                if exists
                else "refers to a set that does not exist in this strategy"
            )
            self.drop("line reference", span, reason, written=written)
            return None
        if not found.runnable and found.value is None:
            self.drop(
                "line reference",
                span,
                f"set {key} could not be translated, so this reference cannot run",
                written=written,
            )
            return None
        return found


class Compiler(Protocol):
    """A target: compiles one line at a time."""

    def compile_line(self, line: Line, ctx: LineContext) -> Compiled: ...


def _compiler(target: str, strategy: Strategy, options: dict[str, Any]) -> Compiler:
    """The compiler registered for ``target`` in :data:`COMPILERS`."""
    if target not in COMPILERS:
        raise UsageError(
            f"cannot translate to {target!r}", hint=f"use one of: {', '.join(TARGETS)}"
        )
    module, _, name = COMPILERS[target].partition(":")
    factory: Callable[..., Compiler] = getattr(importlib.import_module(module), name)
    return factory(strategy, **options)


def section_database(strategy: Strategy, section: int) -> str:
    """Database of a section: the section's own, else the header's."""
    for item in strategy.sections:
        if item.index == section and item.database:
            return item.database
    return strategy.meta.database


def section_platform(strategy: Strategy, section: int) -> str:
    for item in strategy.sections:
        if item.index == section:
            return str(item.platform)
    return str(strategy.platform or "")


def _note_lowercase_operators(line: Line, ctx: LineContext) -> None:
    """PubMed does not take ``and``/``or``/``not`` in lower case as operators, so the search
    that was run (and its hit count) is not the Boolean query the parser reads as meant: the
    translation is of the meaning, not of what PubMed did, and says so."""
    for issue in line.issues:
        if issue.kind == "lowercase_operator":
            written = ctx.written(issue.span)
            ctx.note(
                "operator",
                issue.span,
                written.upper(),
                Lossiness.APPROXIMATE,
                "PubMed reads Boolean operators only in upper case: lower-case "
                f"{written!r} was not taken as {written.upper()} when this line was searched; "
                f"translated as the {written.upper()} the searcher meant, so results may "
                "differ from the hit counts recorded for the line",
                written=written,
                direction="",
            )


def translate(
    strategy: Strategy,
    target: str,
    *,
    section: int = 0,
    options: dict[str, Any] | None = None,
    line_filter: Callable[[Line], bool] | None = None,
) -> Translation:
    """Translate the lines of ``section`` to ``target`` (``pubmed``, ``europepmc``,
    ``openalex``), with a finding for every construct that is not carried over exactly."""
    if not strategy.parsed:
        where = strategy.path or strategy.meta.name or "the strategy"
        raise InputError(
            f"{where} is kept verbatim, not parsed, so it cannot be translated or run: "
            f"{strategy.not_parsed}",
            hint="translation reads Ovid, EBSCOhost, ProQuest and PubMed syntax; if the paste is "
            "written in one of them, say so with 'syntax:' in the header",
        )
    compiler = _compiler(target, strategy, dict(options or {}))
    lines = [ln for ln in strategy.section_lines(section) if line_filter is None or line_filter(ln)]
    if not lines:
        where = strategy.path or strategy.meta.name or "the strategy"
        if not strategy.lines:
            raise InputError(
                f"{where}: the strategy has no search lines",
                hint="paste the strategy below the header (cen-search strategy check says more)",
            )
        raise UsageError(
            f"{where} has no lines in section {section}",
            hint="check the file with `cen-search strategy show`",
        )
    platform = section_platform(strategy, section)
    database = section_database(strategy, section)
    compiled: dict[str, Compiled] = {}
    results: list[TranslatedLine] = []
    lossiness: dict[str, Lossiness] = {}
    for line in lines:
        ctx = LineContext(strategy, line, platform, database, compiled)
        out = compiler.compile_line(line, ctx)
        _note_lowercase_operators(line, ctx)
        compiled[line.key] = out
        own = worst(f.lossiness for f in ctx.findings)
        inherited = worst(lossiness.get(key, Lossiness.EXACT) for key in ctx.refs)
        lossiness[line.key] = worst((own, inherited))
        results.append(
            TranslatedLine(
                n=line.n,
                key=line.key,
                label=line.label,
                file_line=line.file_line,
                source=line.query,
                query=out.query if out.runnable else "",
                history=out.history if out.runnable else "",
                refs=tuple(ctx.refs),
                findings=tuple(ctx.findings),
                lossiness=lossiness[line.key],
                runnable=out.runnable,
                params=out.params if out.runnable else (),
            )
        )
    final = strategy.final_line(section)
    final_key = final.key if final is not None and final.key in compiled else lines[-1].key
    notes: list[str] = []
    if len(strategy.sections) > 1:
        notes.append(
            f"section {section} of {len(strategy.sections)} translated"
            + (f" ({database})" if database else "")
        )
    return Translation(
        name=strategy.meta.name or strategy.path,
        source_platform=platform,
        database=database,
        target=target,
        section=section,
        lines=tuple(results),
        final_key=final_key,
        notes=tuple(notes),
    )
