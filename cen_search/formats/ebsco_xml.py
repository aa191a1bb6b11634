"""EBSCOhost XML (CINAHL, APA PsycInfo, MEDLINE, ERIC ... on EBSCOhost: export as XML).

Layout (EBSCO's record schema, shared by the export and EBSCO's search web service)::

    <records>
      <rec resultID="1">
        <header shortDbName="c8h" longDbName="CINAHL Complete" uiTerm="109631477" uiTag="AN">
          <controlInfo>
            <bkinfo><btl>..</btl><isbn>..</isbn></bkinfo>
            <jinfo><jtl>BMC Public Health</jtl><issn>14712458</issn></jinfo>
            <pubinfo><dt year="2015" month="12" day="01">20151201</dt><vid>15</vid>
              <iid>3</iid><pub>BioMed Central</pub></pubinfo>
            <artinfo><ui type="doi">10.1186/...</ui><ui type="pmid">26296339</ui>
              <ppf>817</ppf><ppct>10</ppct><tig><atl>Title</atl></tig>
              <aug><au>Kaasbøll, Jannike</au><affil>..</affil></aug>
              <sug><subj type="major">..</subj></sug><ab>..</ab>
              <pubtype>Academic Journal</pubtype><doctype>Article</doctype></artinfo>
            <language>English</language>
          </controlInfo>
        </header>
        <plink>https://search.ebscohost.com/login.aspx?...</plink>
      </rec>
    </records>

Each ``<rec>`` (namespaces ignored: the web service wraps records in a namespaced envelope)
is a record. ``raw`` keeps every element with text as ``(path, text)`` relative to ``<rec>``
and attributes as ``path@name`` (``header@shortDbName``); the mapping table
(``tables/ebsco_xml_fields.csv``) names elements by their own name (``atl``, ``ui[doi]``), so
an element moved to another parent is still found. The database is the header's
``longDbName`` (``shortDbName`` when that is missing), the platform EBSCOhost.
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element

from cen_search.fields import clean_pmcid
from cen_search.formats._build import FieldMap, IssueLog, RecordBuilder, no_gc, type_table
from cen_search.formats._xml import local, read_xml_records, text_of
from cen_search.formats.base import Parsed, Source
from cen_search.models import RawField, Record

NAME = "ebsco-xml"
LABEL = "EBSCOhost XML"
EXTENSIONS: tuple[str, ...] = ()  # (.xml is EndNote XML's when writing; read by content)

_PMCID = re.compile(r"^\s*PMC\d+\s*$", re.IGNORECASE)
# Formatting inside a value (<ab>... <i>in vivo</i> ...</ab>): part of the value's text.
_INLINE = frozenset({"i", "b", "em", "strong", "sup", "sub", "u", "emph", "ital", "bold"})


def sniff(text: str) -> int:
    """97 for ``<rec`` elements with an EBSCO ``<header`` (``shortDbName``/``uiTerm``) or
    ``<controlInfo>``; 0 otherwise."""
    head = text[:20000].lstrip("\ufeff").lstrip()
    if not head.startswith("<") or "<rec" not in head:
        return 0
    if re.search(r"<rec[\s>]", head) and (
        "shortDbName=" in head or "uiTerm=" in head or "<controlInfo" in head
    ):
        return 97
    return 0


def _fields(rec: Element) -> tuple[list[RawField], dict[str, list[str]]]:
    """``raw`` (paths relative to ``<rec>``) and values by element name (see the table),
    walked in document order with a stack (no self-referencing nested function: that would
    be a reference cycle per record)."""
    raw: list[RawField] = []
    by_name: dict[str, list[str]] = {}
    stack: list[tuple[Element, str]] = [(c, local(c.tag)) for c in reversed(rec)]
    while stack:
        element, path = stack.pop()
        name = local(element.tag)
        for attribute, value in element.attrib.items():
            attribute = local(attribute)
            raw.append((f"{path}@{attribute}", value))
            by_name.setdefault(f"{name}@{attribute}", []).append(value)
        children = [c for c in element if local(c.tag) not in _INLINE]
        if children:  # a container (<tig>, <aug>); text beside its elements is kept too
            own = (element.text or "").strip()
            if own:
                raw.append((path, own))
                by_name.setdefault(name, []).append(own)
            stack += [(child, f"{path}/{local(child.tag)}") for child in reversed(children)]
            continue
        text = text_of(element)
        if text.strip():
            raw.append((path, text))
            by_name.setdefault(name, []).append(text)
            kind = element.attrib.get("type", "").strip().lower()
            if kind:
                by_name.setdefault(f"{name}[{kind}]", []).append(text)
    return raw, by_name


def _extra(by_name: dict[str, list[str]]) -> dict[str, list[str]]:
    """What the table cannot say: the last page from the first page and the page count, a
    PMCID given as an untyped or "other" identifier."""
    extra: dict[str, list[str]] = {}
    first = (by_name.get("ppf") or [""])[0].strip()
    count = (by_name.get("ppct") or [""])[0].strip()
    if first.isdigit() and count.isdigit() and int(count) > 1:
        extra["end_page"] = [str(int(first) + int(count) - 1)]
    pmcids = [clean_pmcid(v) for v in by_name.get("ui", []) if _PMCID.match(v)]
    if pmcids:
        extra["pmcid"] = pmcids
    return extra


@no_gc()
def read(text: str, source: Source) -> Parsed:
    """Read EBSCOhost XML; a malformed document keeps the records before the fault."""
    log = IssueLog(source.file)
    builder = RecordBuilder(
        FieldMap.load("ebsco_xml_fields"),
        source=source,
        format=NAME,
        issues=log,
        platform="EBSCOhost",
    )
    types = type_table("ebsco_types")

    def read_one(element: Element, index: int, line: int) -> Record:
        raw, by_name = _fields(element)
        kinds = [v.strip().upper() for v in by_name.get("pubtype", [])]
        rtype = next((types[k] for k in kinds if k in types), None)
        names = by_name.get("header@longDbName") or by_name.get("header@shortDbName")
        database = names[0] if names else ""
        if not by_name.get("atl"):
            log.warn("record has no title (<atl>)", line=line, record=index)
        return builder.build(
            raw,
            index=index,
            line=line,
            type=rtype,
            extra=_extra(by_name),
            by_tag=by_name,
            database=database.strip() or None,
        )

    records = read_xml_records(
        text,
        name="rec",
        label=LABEL,
        expected="<records><rec><header>",
        log=log,
        read_one=read_one,
    )
    return log.parsed(records)
