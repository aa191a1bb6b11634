"""How a translated strategy is executed on Europe PMC and OpenAlex (used by :mod:`runner`),
and the values every target's run shares (:mod:`run_pubmed` runs PubMed).

Each ``run_*`` function counts every runnable line, retrieves the final line's records and
returns a :class:`TargetOutcome`. Europe PMC and OpenAlex have no search history: line
references are inlined, and results are paged with cursors, so no offset limit applies.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, TypeVar

from cen_search.apis.client import CursorPage
from cen_search.apis.europepmc import EuropePmcClient
from cen_search.apis.mapping import jsonl_lines
from cen_search.apis.mapping.europepmc import europepmc_record
from cen_search.apis.mapping.openalex import openalex_record
from cen_search.apis.openalex import OpenAlexClient
from cen_search.apis.pubmed import MAX_RETRIEVABLE
from cen_search.errors import ConfigError, StrategyError
from cen_search.progress import Reporter
from cen_search.strategies.translate import TranslatedLine, Translation


@dataclass(frozen=True, slots=True)
class RunOptions:
    """Service facts a run depends on that could not be confirmed offline ([verify]); each can
    be changed in ``cen-search.toml`` under ``[strategy_run]`` without a new release."""

    pubmed_max_ids: int = MAX_RETRIEVABLE
    """Most ids one ESearch can list (NBK25499: 10,000); larger sets are split by entry date."""
    europepmc_entry_field: str = "FIRST_IDATE"
    """Europe PMC field for an update window (first index date) [verify semantics]."""
    europepmc_synonym: bool = False
    """Europe PMC synonym expansion (the REST default is off; the website's is on)."""
    europepmc_page_size: int = 1000
    openalex_from_created: str = "from_created_date"
    """OpenAlex filter for the start of an update window [verify access with a free key]."""
    openalex_to_created: str = "to_created_date"
    openalex_per_page: int = 100
    openalex_max_url_chars: int = 4000

    @classmethod
    def from_table(cls, table: Mapping[str, Any], *, where: str = "[strategy_run]") -> RunOptions:
        """Options from a config table; unknown keys and wrong types are a ConfigError."""
        defaults = cls()
        known = {spec.name for spec in fields(cls)}
        values: dict[str, Any] = {}
        for name, value in table.items():
            if name not in known:
                raise ConfigError(
                    f"{where}: unknown setting {name!r}", hint="known: " + ", ".join(sorted(known))
                )
            default = getattr(defaults, name)
            kind = type(default)
            if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
                raise ConfigError(
                    f"{where}: {name} must be {kind.__name__}, not {value!r}",
                    hint=f"write e.g. {name} = {default!r}",
                )
            values[name] = value
        return cls(**values)


@dataclass(frozen=True, slots=True)
class DateWindow:
    """An entry/creation-date window (update searches); either end may be open."""

    start: _dt.date | None = None
    end: _dt.date | None = None

    def __bool__(self) -> bool:
        return self.start is not None or self.end is not None


@dataclass(frozen=True, slots=True)
class LineOutcome:
    """What one line did on the service (becomes a ``lines[]`` entry of the run record)."""

    n: int
    key: str
    sent: str = ""
    count: int | None = None
    query_key: str = ""
    querytranslation: str = ""
    errorlist: dict[str, list[str]] = field(default_factory=dict)
    warninglist: dict[str, list[str]] = field(default_factory=dict)
    from_cache: bool = False
    cost_usd: float | None = None
    skipped: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The ``lines[]`` entry (empty values left out)."""
        out: dict[str, Any] = {"n": self.n, "key": self.key, "sent": self.sent, "count": self.count}
        for name in ("query_key", "querytranslation", "skipped"):
            if getattr(self, name):
                out[name] = getattr(self, name)
        if self.errorlist or self.warninglist:
            out["errorlist"] = self.errorlist
            out["warninglist"] = self.warninglist
        if self.from_cache:
            out["from_cache"] = True
        if self.cost_usd is not None:
            out["cost_usd"] = self.cost_usd
        return out


@dataclass(frozen=True, slots=True)
class TargetOutcome:
    """Everything a run produced on one service."""

    endpoint: str
    settings: dict[str, Any]
    date_window: dict[str, Any] | None
    lines: list[LineOutcome]
    total: int
    ids: list[str]
    payload: bytes
    """The records as retrieved (MEDLINE text) or converted (cen-search JSON Lines)."""
    extension: str
    warnings: list[str] = field(default_factory=list)
    partitions: list[dict[str, Any]] = field(default_factory=list)
    cost_usd: float | None = None


def lines_to_run(translation: Translation, only_final: bool) -> list[TranslatedLine]:
    """Every line, or with ``only_final`` the final line and the lines it refers to."""
    if not only_final:
        return list(translation.lines)
    needed = {translation.final_key}
    for line in reversed(translation.lines):
        if line.key in needed:
            needed.update(line.refs)
    return [line for line in translation.lines if line.key in needed]


def _not_run(line: TranslatedLine) -> LineOutcome:
    """The outcome of a line that could not be translated, with the first reasons."""
    reasons = [f.reason for f in line.findings if f.lossiness.value == "dropped"]
    return LineOutcome(line.n, line.key, skipped="not translatable: " + "; ".join(reasons[:3]))


def final_count(translation: Translation, lines: list[LineOutcome]) -> int:
    """The final line's count; a :class:`StrategyError` when the final line was not run."""
    for outcome in lines:
        if outcome.key == translation.final_key and outcome.count is not None:
            return outcome.count
    raise StrategyError(
        f"the final line ({translation.final_key}) cannot be run on {translation.target}: "
        "nothing of it could be translated",
        hint="see `cen-search strategy translate` for what was dropped and why",
    )


def count_lines(
    translation: Translation,
    count: Callable[[TranslatedLine], LineOutcome],
    *,
    service: str,
    only_final: bool,
    reporter: Reporter,
) -> tuple[list[LineOutcome], int]:
    """Search every line to run with ``count`` (in order; a line that is not runnable is
    skipped with the reason), then the final line's total."""
    outcomes: list[LineOutcome] = []
    todo = lines_to_run(translation, only_final)
    reporter.start(f"searching {service} line by line", total=len(todo))
    for line in todo:
        reporter.advance()
        outcomes.append(count(line) if line.runnable else _not_run(line))
    reporter.finish()
    return outcomes, final_count(translation, outcomes)


PageT = TypeVar("PageT", bound=CursorPage)


def fetch_pages(
    pages: Iterable[PageT], *, total: int, reporter: Reporter, task: str
) -> list[PageT]:
    """Every page of the final set (none is requested when ``total`` is 0)."""
    fetched: list[PageT] = []
    reporter.start(task, total=total)
    if total:
        for page in pages:
            fetched.append(page)
            reporter.advance(len(page.results))
    reporter.finish()
    return fetched


# --------------------------------------------------------------------------- Europe PMC


def europepmc_window_clause(window: DateWindow, today: _dt.date, options: RunOptions) -> str:
    """The clause a Europe PMC run ANDs to every line for ``window`` (empty without one)."""
    if not window:
        return ""
    lo = window.start.isoformat() if window.start else "1000-01-01"
    hi = (window.end or today).isoformat()
    return f"{options.europepmc_entry_field}:[{lo} TO {hi}]"


def openalex_window_filters(window: DateWindow, today: _dt.date, options: RunOptions) -> list[str]:
    """The filters an OpenAlex run adds to every line for ``window`` (none without one)."""
    if not window:
        return []
    start = [f"{options.openalex_from_created}:{window.start.isoformat()}"] if window.start else []
    return [*start, f"{options.openalex_to_created}:{(window.end or today).isoformat()}"]


def run_europepmc(
    translation: Translation,
    client: EuropePmcClient,
    window: DateWindow,
    *,
    today: _dt.date,
    reporter: Reporter,
    options: RunOptions,
    only_final: bool = False,
    page_size: int | None = None,
) -> TargetOutcome:
    """Count each line (inlined), then page through the final line's ``core`` records."""
    page_size = page_size or options.europepmc_page_size
    field_name = options.europepmc_entry_field
    clause = europepmc_window_clause(window, today, options)
    described = None
    if window:
        lo = window.start.isoformat() if window.start else "1000-01-01"
        hi = (window.end or today).isoformat()
        described = {"kind": "entry", "param": f"{field_name} [verify]", "from": lo, "to": hi}

    def with_window(query: str) -> str:
        return f"({query}) AND {clause}" if clause else query

    def count(line: TranslatedLine) -> LineOutcome:
        sent = with_window(line.query)
        page = client.count(sent)
        return LineOutcome(
            line.n, line.key, sent=sent, count=page.hit_count, from_cache=page.from_cache
        )

    outcomes, total = count_lines(
        translation, count, service="Europe PMC", only_final=only_final, reporter=reporter
    )
    pages = fetch_pages(
        client.pages(with_window(translation.final.query), page_size=page_size),
        total=total,
        reporter=reporter,
        task="fetching Europe PMC records",
    )
    results = [result for page in pages for result in page.results]
    ids = list(dict.fromkeys(f"{r.get('source', '')}:{r.get('id', '')}" for r in results))
    warnings = _count_warning("Europe PMC", total, len(ids))
    return TargetOutcome(
        endpoint=client.endpoint,
        settings={
            "format": "json",
            "resultType": "core",
            "synonym": client.synonym,
            "pageSize": page_size,
        },
        date_window=described,
        lines=outcomes,
        total=total,
        ids=ids,
        payload=jsonl_lines(europepmc_record(r) for r in results).encode("utf-8"),
        extension=".jsonl",
        warnings=warnings,
    )


def _count_warning(service: str, total: int, retrieved: int) -> list[str]:
    """A warning when fewer (or more) distinct records were retrieved than counted."""
    if retrieved == total:
        return []
    return [
        f"{service} reported {total} records but {retrieved} distinct records were "
        "retrieved (the index changed during the run?)"
    ]


# --------------------------------------------------------------------------- OpenAlex


def openalex_filters(line: TranslatedLine) -> list[str]:
    """The filter list of a translated OpenAlex line (values never contain commas)."""
    value = dict(line.params).get("filter", "")
    return [part for part in value.split(",") if part]


def run_openalex(
    translation: Translation,
    client: OpenAlexClient,
    window: DateWindow,
    *,
    today: _dt.date,
    reporter: Reporter,
    options: RunOptions,
    only_final: bool = False,
) -> TargetOutcome:
    """Count each line (``per_page=1``), then page through the final line's works."""
    extra = openalex_window_filters(window, today, options)
    described = None
    if window:
        described = {
            "kind": "created",
            "param": f"{options.openalex_from_created} [verify access]",
            "from": window.start.isoformat() if window.start else None,
            "to": (window.end or today).isoformat(),
        }
    costs: list[float] = []

    def count(line: TranslatedLine) -> LineOutcome:
        filters = openalex_filters(line) + extra
        page = client.count(filters=filters)
        costs.append(page.cost_usd or 0.0)
        return LineOutcome(
            line.n,
            line.key,
            sent="filter=" + ",".join(filters),
            count=page.count,
            from_cache=page.from_cache,
            cost_usd=page.cost_usd,
        )

    outcomes, total = count_lines(
        translation, count, service="OpenAlex", only_final=only_final, reporter=reporter
    )
    pages = fetch_pages(
        client.pages(filters=openalex_filters(translation.final) + extra),
        total=total,
        reporter=reporter,
        task="fetching OpenAlex works",
    )
    costs.extend(page.cost_usd or 0.0 for page in pages)
    results = [result for page in pages for result in page.results]
    ids = list(
        dict.fromkeys(str(r.get("id", "")).removeprefix("https://openalex.org/") for r in results)
    )
    return TargetOutcome(
        endpoint=client.endpoint,
        settings={"per_page": client.per_page, "api_key": bool(client.api_key)},
        date_window=described,
        lines=outcomes,
        total=total,
        ids=ids,
        payload=jsonl_lines(openalex_record(r) for r in results).encode("utf-8"),
        extension=".jsonl",
        warnings=_count_warning("OpenAlex", total, len(ids)),
        cost_usd=round(sum(costs), 6),
    )
