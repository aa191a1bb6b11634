"""A stand-in for PubMed's ESearch/EFetch that answers in the recorded response shapes.

It keeps a History server (WebEnv -> query keys), evaluates ``#k`` combinations, applies
``datetype=edat`` windows, refuses (like ESearch) to list ids beyond ``limit``, and builds
MEDLINE text from the recorded EFetch sample with the PMID and entry date replaced. Counts and
ids are the test's; the XML and MEDLINE layouts are the recorded ones.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from _apiserver import Reply, Seen, fixture

_TEMPLATE = fixture("search_pubmed_esearch_xml_history_reldate-edat.xml").decode()
_MEDLINE = (
    fixture("search_pubmed_efetch_medline-format_trimmed.txt").decode().strip().split("\n\n")[0]
)


def esearch_xml(
    *,
    count: int,
    ids: list[str],
    retstart: int,
    query_key: str,
    webenv: str,
    translation: str,
    errors: str = "",
) -> str:
    """The recorded ESearch document with new values."""
    text = _TEMPLATE
    text = re.sub(r"<Count>\d+</Count>", f"<Count>{count}</Count>", text)
    text = re.sub(r"<RetMax>\d+</RetMax>", f"<RetMax>{len(ids)}</RetMax>", text)
    text = re.sub(r"<RetStart>\d+</RetStart>", f"<RetStart>{retstart}</RetStart>", text)
    text = re.sub(r"<QueryKey>\d+</QueryKey>", f"<QueryKey>{query_key}</QueryKey>", text)
    text = re.sub(r"<WebEnv>[^<]*</WebEnv>", f"<WebEnv>{webenv}</WebEnv>", text)
    text = re.sub(
        r"<IdList>.*</IdList>",
        "<IdList>" + "".join(f"<Id>{i}</Id>" for i in ids) + "</IdList>",
        text,
        flags=re.DOTALL,
    )
    text = re.sub(
        r"<TranslationSet>.*</TranslationSet>", "<TranslationSet/>", text, flags=re.DOTALL
    )
    escaped = translation.replace("&", "&amp;").replace("<", "&lt;")
    text = re.sub(
        r"<QueryTranslation>.*</QueryTranslation>",
        f"<QueryTranslation>{escaped}</QueryTranslation>" + errors,
        text,
        flags=re.DOTALL,
    )
    return text


def medline_record(pmid: str, edat: str) -> str:
    record = re.sub(r"^PMID- \d+", f"PMID- {pmid}", _MEDLINE, flags=re.MULTILINE)
    return re.sub(r"^EDAT- .*$", f"EDAT- {edat} 09:00", record, flags=re.MULTILINE)


@dataclass
class FakePubMed:
    """``terms`` maps each query text to the PMIDs it finds; ``entry`` gives each PMID's EDAT."""

    terms: dict[str, set[str]]
    entry: dict[str, str]
    limit: int = 10_000
    history: dict[str, list[set[str]]] = field(default_factory=dict)
    _envs: itertools.count = field(default_factory=lambda: itertools.count(1))

    def _window(self, seen: Seen, found: set[str]) -> tuple[set[str], str]:
        if seen.param("datetype") != "edat":
            return found, ""
        lo, hi = seen.param("mindate"), seen.param("maxdate")
        kept = {p for p in found if lo <= self.entry[p] <= hi}
        return kept, f" AND {lo}:{hi}[Date - Entry]"

    def esearch(self, seen: Seen) -> Reply:
        term = seen.param("term")
        webenv = seen.param("WebEnv") or f"MCID_fake{next(self._envs)}"
        keys = self.history.setdefault(webenv, [])
        errors = ""
        if "#" in term:
            expr = (
                re.sub(r"#(\d+)", r"H[\1]", term)
                .replace(" AND ", " & ")
                .replace(" OR ", " | ")
                .replace(" NOT ", " - ")
            )
            found = set(eval(expr, {"H": {i + 1: s for i, s in enumerate(keys)}}))
        elif term in self.terms:
            found = set(self.terms[term])
        else:
            found = set()
            errors = (
                f"<ErrorList><PhraseNotFound>{term}</PhraseNotFound></ErrorList>"
                "<WarningList><OutputMessage>No items found.</OutputMessage></WarningList>"
            )
        found, window = self._window(seen, found)
        retmax, retstart = int(seen.param("retmax") or 20), int(seen.param("retstart") or 0)
        if retstart + retmax > self.limit:
            return Reply(
                '<?xml version="1.0" encoding="UTF-8" ?>\n<eSearchResult><ERROR>Search '
                "Backend failed: retstart+retmax over the limit</ERROR></eSearchResult>",
                content_type="text/xml",
            )
        keys.append(found)
        ids = sorted(found, key=int)[retstart : retstart + retmax]
        return Reply(
            esearch_xml(
                count=len(found),
                ids=ids,
                retstart=retstart,
                query_key=str(len(keys)),
                webenv=webenv,
                translation=term + window,
                errors=errors,
            ),
            content_type="text/xml",
        )

    def efetch(self, seen: Seen) -> Reply:
        ids = [i for i in seen.param("id").split(",") if i]
        text = "\n" + "\n\n".join(medline_record(i, self.entry[i]) for i in ids) + "\n"
        return Reply(text, content_type="text/plain")
