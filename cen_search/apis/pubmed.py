"""PubMed through NCBI E-utilities: ESearch (with the History server) and EFetch MEDLINE.

ESearch is sent as a POST (full strategies are long) with ``usehistory=y``, so every line of a
strategy lands in one ``WebEnv`` and later lines can refer to earlier ones as ``#<query_key>``.
``retmax=0`` gives counts only; ``datetype``/``mindate``/``maxdate`` restrict a search to a date
window (``edat`` = the date the record entered PubMed, the one to use for update searches).
Errors PubMed reports inside an HTTP 200 body (``<ERROR>``) raise
:class:`~cen_search.apis.errors.ServiceReportedError`; a body that is not an ESearch result
raises :class:`~cen_search.apis.errors.BadResponseError` (retried, never cached). Its
``ErrorList`` and ``WarningList`` (phrases not found, fields not found, quoted phrases not
found) are returned so the run record can show them. Reference: NCBI Bookshelf NBK25499.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import ClassVar
from xml.etree.ElementTree import Element

from cen_search.apis.client import ServiceClient
from cen_search.apis.errors import BadResponseError, ServiceReportedError
from cen_search.apis.parse import HttpResult, parse_xml
from cen_search.apis.registry import SEARCH, Service, register

SERVICE = "pubmed"
DEFAULT_BASE_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"
MAX_RETRIEVABLE = 10_000
"""ESearch returns at most the first 10,000 ids of a result (NBK25499)."""
EFETCH_BATCH = 500
"""Ids per EFetch POST."""

_ERROR_KEYS = {"PhraseNotFound": "phrasesnotfound", "FieldNotFound": "fieldsnotfound"}
_WARNING_KEYS = {
    "PhraseIgnored": "phrasesignored",
    "QuotedPhraseNotFound": "quotedphrasesnotfound",
    "OutputMessage": "outputmessages",
}


@dataclass(frozen=True, slots=True)
class ESearchResult:
    """What ESearch said about one query."""

    count: int
    ids: tuple[str, ...] = ()
    retstart: int = 0
    query_key: str = ""
    webenv: str = ""
    query_translation: str = ""
    """PubMed's own rendering of the query (automatic term mapping, date limits)."""
    translations: tuple[tuple[str, str], ...] = ()
    """``TranslationSet`` pairs (from, to)."""
    errorlist: dict[str, list[str]] = field(default_factory=dict)
    """``phrasesnotfound``, ``fieldsnotfound``: parts of the query PubMed could not use."""
    warninglist: dict[str, list[str]] = field(default_factory=dict)
    """``phrasesignored``, ``quotedphrasesnotfound``, ``outputmessages``."""
    url: str = ""
    """Endpoint with secrets redacted."""
    from_cache: bool = False

    @property
    def problems(self) -> list[str]:
        """Human lines for every error-list entry (the query did not run as written)."""
        return [f"{key}: {value}" for key, values in self.errorlist.items() for value in values]


def _text(element: Element | None) -> str:
    return "".join(element.itertext()).strip() if element is not None else ""


def _children(root: Element, tag: str) -> list[Element]:
    element = root.find(tag)
    return list(element) if element is not None else []


def parse_esearch(result: HttpResult) -> ESearchResult:
    """Read an ESearch XML body; raise on ``<ERROR>`` or a body that is not ESearch."""
    root = parse_xml(result)
    if root.tag == "ERROR" or root.find("ERROR") is not None:
        message = _text(root if root.tag == "ERROR" else root.find("ERROR"))
        raise result.error(
            f"PubMed ESearch reported an error: {message} ({result.url})",
            hint="check the query (for a strategy: `cen-search strategy translate --to pubmed`)",
            kind=ServiceReportedError,
        )
    if root.tag != "eSearchResult" or root.find("Count") is None:
        raise result.error(
            f"PubMed ESearch returned <{root.tag}> without a <Count> ({result.url})",
            hint="the response is not an ESearch result; check the base URL",
            kind=BadResponseError,
        )
    try:
        count = int(_text(root.find("Count")))
        retstart = int(_text(root.find("RetStart")) or 0)
    except ValueError:
        raise result.error(
            f"PubMed ESearch returned a count that is not a number ({result.url})",
            hint="run the command again; report it if it persists",
            kind=BadResponseError,
        ) from None
    errors: dict[str, list[str]] = {}
    for child in _children(root, "ErrorList"):
        errors.setdefault(_ERROR_KEYS.get(child.tag, child.tag.lower()), []).append(_text(child))
    warnings: dict[str, list[str]] = {}
    for child in _children(root, "WarningList"):
        key = _WARNING_KEYS.get(child.tag, child.tag.lower())
        warnings.setdefault(key, []).append(_text(child))
    translations = tuple(
        (_text(t.find("From")), _text(t.find("To")))
        for t in root.iterfind("TranslationSet/Translation")
    )
    return ESearchResult(
        count=count,
        ids=tuple(_text(i) for i in root.iterfind("IdList/Id")),
        retstart=retstart,
        query_key=_text(root.find("QueryKey")),
        webenv=_text(root.find("WebEnv")),
        query_translation=_text(root.find("QueryTranslation")),
        translations=translations,
        errorlist=errors,
        warninglist=warnings,
        url=result.url,
        from_cache=result.from_cache,
    )


def check_efetch_body(result: HttpResult) -> bytes:
    """The MEDLINE text of an EFetch answer; raise when it is an error document instead."""
    head = result.content[:2048].lstrip()
    if head.startswith(b"<") or b"<ERROR>" in head or head.startswith(b"Error"):
        message = result.content[:400].decode("utf-8", errors="replace")
        if head.startswith(b"<"):
            root = parse_xml(result)  # raises on HTML pages and malformed XML
            message = _text(root.find("ERROR") if root.tag != "ERROR" else root) or root.tag
        raise result.error(
            f"PubMed EFetch returned an error instead of MEDLINE records: "
            f"{' '.join(message.split())[:300]} ({result.url})",
            hint="run the command again; if it persists, fetch fewer ids per request",
            kind=ServiceReportedError,
        )
    if result.content.strip() and b"PMID-" not in result.content[:4096]:
        raise result.error(
            f"PubMed EFetch returned text that is not MEDLINE format ({result.url})",
            hint="run the command again; report it if it persists",
            kind=BadResponseError,
        )
    return result.content


@dataclass(kw_only=True, eq=False, repr=False)
class PubMedClient(ServiceClient):
    """A thin ESearch/EFetch client; every call goes through
    :func:`cen_search.apis.http.request`."""

    service: ClassVar[str] = SERVICE

    base_url: str = DEFAULT_BASE_URL
    api_key: str = ""
    tool: str = "cen-search"
    cache_max_age: float | None = 30 * 86400

    @property
    def esearch_url(self) -> str:
        return self.base_url + "esearch.fcgi"

    def _identity(self) -> dict[str, str]:
        params = {"tool": self.tool}
        if self.email:
            params["email"] = self.email
        if self.api_key:
            params["api_key"] = self.api_key
        return params

    def esearch(
        self,
        term: str,
        *,
        webenv: str = "",
        usehistory: bool = True,
        retmax: int = 0,
        retstart: int = 0,
        datetype: str = "",
        mindate: str = "",
        maxdate: str = "",
        cache: bool = False,
    ) -> ESearchResult:
        """POST one ESearch. ``cache`` only for searches that do not touch the history."""
        form: dict[str, str] = {
            "db": "pubmed",
            "term": term,
            "retmode": "xml",
            "retmax": str(retmax),
            "retstart": str(retstart),
            **self._identity(),
        }
        if usehistory:
            form["usehistory"] = "y"
        if webenv:
            form["WebEnv"] = webenv
        if datetype:
            if not (mindate and maxdate):
                raise ValueError("PubMed needs mindate and maxdate together")
            form.update(datetype=datetype, mindate=mindate, maxdate=maxdate)
        result = self.send("POST", self.esearch_url, data=form, cache=cache, parse=parse_esearch)
        return result.data

    def efetch_medline(self, ids: Sequence[str]) -> Iterator[bytes]:
        """MEDLINE text for ``ids``, one chunk per batch of :data:`EFETCH_BATCH` ids."""
        for start in range(0, len(ids), EFETCH_BATCH):
            batch = ids[start : start + EFETCH_BATCH]
            form = {
                "db": "pubmed",
                "id": ",".join(batch),
                "rettype": "medline",
                "retmode": "text",
                **self._identity(),
            }
            result = self.send(
                "POST", self.base_url + "efetch.fcgi", data=form, parse=check_efetch_body
            )
            yield result.data


register(
    Service(
        name=SERVICE,
        label="PubMed",
        base_url=DEFAULT_BASE_URL,
        factory=PubMedClient,
        roles=frozenset({SEARCH}),
        key_setting="ncbi_api_key",
        key_help="NCBI E-utilities API key (raises PubMed's rate limit).",
        min_interval=0.34,
        min_interval_with_key=0.1,
        rate_hint="NCBI asks for an API key above 3 requests/s",
        retry_hint="PubMed is busy or down; wait a few minutes and run the command again",
        database="PubMed",
        platform="PubMed (NCBI E-utilities API)",
    )
)
