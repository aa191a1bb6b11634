"""Running a translated strategy on PubMed (used by :mod:`runner`).

Every line is searched inside one History-server ``WebEnv``, so lines refer to earlier lines by
``#query_key`` as in PubMed's own history. The final set is listed with ESearch, which returns
at most the first 10,000 ids of a query: a larger set is split by entry date (halving the
window until each part fits), and the parts must add up to the whole or the run stops. Records
are fetched with EFetch in MEDLINE format.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from cen_search.apis.pubmed import EFETCH_BATCH, PubMedClient
from cen_search.errors import RemoteServiceError
from cen_search.progress import Reporter
from cen_search.strategies.run_targets import (
    DateWindow,
    LineOutcome,
    RunOptions,
    TargetOutcome,
    count_lines,
)
from cen_search.strategies.translate import TranslatedLine, Translation

EARLIEST = _dt.date(1800, 1, 1)
"""Lower bound of a PubMed entry-date window when splitting a result without ``--from``."""


def run_pubmed(
    translation: Translation,
    client: PubMedClient,
    window: DateWindow,
    *,
    today: _dt.date,
    reporter: Reporter,
    options: RunOptions,
    only_final: bool = False,
    page_size: int | None = None,
) -> TargetOutcome:
    """Count every line in one WebEnv, then list and fetch the final set."""
    max_retrievable = options.pubmed_max_ids
    page_size = page_size or max_retrievable
    lo, hi = window.start or EARLIEST, window.end or today
    limits = entry_date_params(window, today)
    described = (
        {"kind": "entry", "param": "datetype=edat", "from": _pd(lo), "to": _pd(hi)}
        if window
        else None
    )
    webenv = ""
    keys: dict[str, str] = {}

    def count(line: TranslatedLine) -> LineOutcome:
        nonlocal webenv
        term = line.query
        if line.history and all(ref in keys for ref in line.refs):
            term = line.history
            for ref in line.refs:
                term = term.replace("#{" + ref + "}", "#" + keys[ref])
        result = client.esearch(term, webenv=webenv, retmax=0, **limits)
        webenv = result.webenv or webenv
        if result.query_key:
            keys[line.key] = result.query_key
        return LineOutcome(
            line.n,
            line.key,
            sent=term,
            count=result.count,
            query_key=result.query_key,
            querytranslation=result.query_translation,
            errorlist=result.errorlist,
            warninglist=result.warninglist,
            from_cache=result.from_cache,
        )

    outcomes, total = count_lines(
        translation, count, service="PubMed", only_final=only_final, reporter=reporter
    )
    final_key = keys.get(translation.final_key)
    term = f"#{final_key}" if final_key else translation.final.query
    partitions: list[dict[str, Any]] = []
    reporter.start("listing PubMed ids", total=total)
    if total > max_retrievable or window:
        ids = _pubmed_partition(
            client,
            term,
            webenv,
            lo,
            hi,
            total,
            page_size=page_size,
            limit=max_retrievable,
            partitions=partitions,
            reporter=reporter,
        )
    else:
        ids = _pubmed_ids(client, term, webenv, {}, total, page_size, reporter)
        partitions.append({"from": None, "to": None, "count": total})
    reporter.finish()
    reporter.start("fetching MEDLINE records", total=len(ids))
    chunks = []
    for done, chunk in enumerate(client.efetch_medline(ids)):
        chunks.append(chunk.strip(b"\n") + b"\n\n")
        reporter.advance(min(EFETCH_BATCH, len(ids) - done * EFETCH_BATCH))
    reporter.finish()
    warnings = [
        f"line {o.key}: PubMed reported {key} {', '.join(repr(v) for v in values)}"
        for o in outcomes
        for key, values in {
            **o.errorlist,
            **{k: v for k, v in o.warninglist.items() if k != "outputmessages"},
        }.items()
    ]
    return TargetOutcome(
        endpoint=client.esearch_url,
        settings={
            "db": "pubmed",
            "usehistory": True,
            "retmode": "xml",
            "efetch": "rettype=medline&retmode=text",
            "api_key": bool(client.api_key),
        },
        date_window=described,
        lines=outcomes,
        total=total,
        ids=ids,
        payload=b"".join(chunks),
        extension=".nbib",
        warnings=warnings,
        partitions=partitions,
    )


def entry_date_params(window: DateWindow, today: _dt.date) -> dict[str, Any]:
    """The ESearch keywords a run sends for ``window`` (none without one)."""
    return _entry_dates(window.start or EARLIEST, window.end or today) if window else {}


def _entry_dates(lo: _dt.date, hi: _dt.date) -> dict[str, Any]:
    """ESearch keywords restricting a search to records entered from ``lo`` to ``hi``."""
    return {"datetype": "edat", "mindate": _pd(lo), "maxdate": _pd(hi)}


def _pd(day: _dt.date) -> str:
    """A date as PubMed writes it: ``2024/05/13``."""
    return day.strftime("%Y/%m/%d")


def _pubmed_ids(
    client: PubMedClient,
    term: str,
    webenv: str,
    limits: dict[str, Any],
    count: int,
    page_size: int,
    reporter: Reporter,
) -> list[str]:
    """The ``count`` ids of ``term`` within ``limits``, ``page_size`` per request; the
    distinct ids must add up to the count."""
    ids: list[str] = []
    for start in range(0, count, page_size):
        result = client.esearch(
            term,
            webenv=webenv,
            retmax=min(page_size, count - start),
            retstart=start,
            **limits,
        )
        ids.extend(result.ids)
        reporter.advance(len(result.ids))
    if len(set(ids)) != count:
        raise RemoteServiceError(
            f"PubMed listed {len(set(ids))} distinct ids for a count of {count} ({term})",
            hint="the result changed while it was being listed; run the command again",
        )
    return ids


def _pubmed_partition(
    client: PubMedClient,
    term: str,
    webenv: str,
    lo: _dt.date,
    hi: _dt.date,
    expected: int,
    *,
    page_size: int,
    limit: int,
    partitions: list[dict[str, Any]],
    reporter: Reporter,
) -> list[str]:
    """Ids of ``term`` entered between ``lo`` and ``hi``, splitting until each part fits."""
    if expected <= limit:
        partitions.append({"from": _pd(lo), "to": _pd(hi), "count": expected})
        return _pubmed_ids(
            client, term, webenv, _entry_dates(lo, hi), expected, page_size, reporter
        )
    if lo >= hi:
        raise RemoteServiceError(
            f"{expected} records entered PubMed on {_pd(lo)}, more than the {limit} ESearch "
            "can list for one query",
            hint="narrow the strategy; PubMed cannot split a single day further",
        )
    mid = lo + (hi - lo) // 2
    halves = ((lo, mid), (mid + _dt.timedelta(days=1), hi))
    counts = [
        client.esearch(term, webenv=webenv, retmax=0, **_entry_dates(start, end)).count
        for start, end in halves
    ]
    if sum(counts) != expected:
        raise RemoteServiceError(
            f"PubMed counts for {_pd(lo)}-{_pd(mid)} and the rest ({counts[0]} + {counts[1]}) "
            f"do not add up to {expected}",
            hint="the result changed during the run; run the command again",
        )
    return [
        pmid
        for (start, end), count in zip(halves, counts, strict=True)
        for pmid in _pubmed_partition(
            client,
            term,
            webenv,
            start,
            end,
            count,
            page_size=page_size,
            limit=limit,
            partitions=partitions,
            reporter=reporter,
        )
    ]
