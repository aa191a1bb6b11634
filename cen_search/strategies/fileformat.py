"""Strategy files: a small metadata header, then the strategy exactly as pasted.

Layout of ``strategies/<name>.txt``::

    ---
    cen_search: 1
    database: MEDLINE
    platform: Ovid
    coverage: Ovid MEDLINE(R) ALL <1946 to December 31, 2019>
    searched_on: 2020-01-15
    date_from: 2003-01-01
    date_to: 2019-12-31
    filters:
      - qualitative (maximizes sensitivity) | Ovid Clinical Queries (Wong 2004)
    notes: |
      Free text over several lines.
    ---
    Database: Ovid MEDLINE(R) ALL <1946 to December 31, 2019>
    1 exp Personality Disorders/ (45123)
    ...

The header is a YAML-like block read without PyYAML: ``key: value`` lines, lists as
``  - item`` lines under ``key:``, multi-line text as ``key: |`` followed by indented lines,
``# comments`` after values (hash then space). Everything after the closing ``---`` line is the
body, kept byte for byte (smart quotes, trailing spaces, CRLF): nothing rewrites it. A file
that does not start with ``---`` is a bare paste with no header.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

from cen_search.errors import StrategyError
from cen_search.strategies.ast import FilterSource, Meta

FORMAT_VERSION = 1
DELIMITER = "---"

_KEY = re.compile(r"^([A-Za-z_][A-Za-z0-9_-]*)\s*:(?:\s+(.*)|\s*)$")
_COMMENT = re.compile(r"\s+#\s.*$|\s+#$")
_ALIASES = {
    "id": "name",
    "interface": "platform",
    "database_coverage": "coverage",
    "date_searched": "searched_on",
    "records_exported": "records",
    "cen-search": "cen_search",
    "peer_reviewed_by": "peer_review",
}
_LIST_KEYS = {"languages", "limits", "filters"}
_KNOWN = {
    "cen_search", "name", "database", "platform", "syntax", "coverage", "searched_on",
    "searched_by", "date_from", "date_to", "languages", "limits", "filters", "peer_review",
    "final_line", "records", "notes",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class StrategyFile:
    """A strategy file split into header and body, with what is needed to write it back."""

    path: str
    """Where it was read from ("" for text)."""
    text: str
    """The whole decoded text, newlines as in the file."""
    header_text: str
    """The header including both ``---`` lines and the newline after the closing one; empty
    when the file has no header."""
    body: str
    """Everything after the header, exactly as in the file."""
    meta: Meta
    encoding: str = "utf-8"
    bom: bool = False

    def to_bytes(self) -> bytes:
        """The file's bytes again (header + body, original encoding and BOM)."""
        data = (self.header_text + self.body).encode(self.encoding)
        return codecs.BOM_UTF8 + data if self.bom else data


def _where(path: str, line: int) -> str:
    return f"{path or '<text>'}:{line}"


def _quoted(value: str) -> bool:
    return len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'"


def _unquote(value: str) -> str:
    """A header value without its quotes and trailing ``# comment``."""
    value = value.strip()
    if value.startswith("#"):
        return ""
    if not _quoted(value):
        value = _COMMENT.sub("", value).strip()
    return value[1:-1] if _quoted(value) else value


def parse_header(lines: list[str], *, path: str = "", first_line: int = 2) -> dict[str, object]:
    """Parse header lines (without the ``---`` delimiters) into a dict of strings, lists of
    strings and multi-line texts. ``first_line`` is the file line of ``lines[0]``."""
    values: dict[str, object] = {}
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            i += 1
            continue
        match = _KEY.match(line)
        if match is None or line[:1].isspace():
            raise StrategyError(
                f"{_where(path, first_line + i)}: header line {stripped!r} is not 'key: value'",
                hint="write each header entry as 'key: value', lists as '  - item' lines under "
                "'key:', and end the header with a line '---'",
            )
        key = _ALIASES.get(match.group(1).lower(), match.group(1).lower())
        raw_value = match.group(2) or ""
        i += 1
        if raw_value.strip() in ("|", ">", "|-", ">-"):
            block: list[str] = []
            while i < len(lines) and (not lines[i].strip() or lines[i][:1].isspace()):
                block.append(lines[i])
                i += 1
            values[key] = _dedent(block)
            continue
        value = _unquote(raw_value)
        if not value:
            items: list[str] = []
            while i < len(lines) and (not lines[i].strip() or lines[i][:1].isspace()):
                item = lines[i].strip()
                i += 1
                if not item or item.startswith("#"):
                    continue
                items.append(_unquote(item[1:]) if item.startswith("-") else _unquote(item))
            values[key] = items if key in _LIST_KEYS or len(items) > 1 else " ".join(items)
            continue
        if key in _LIST_KEYS and value.startswith("[") and value.endswith("]"):
            values[key] = [_unquote(v) for v in value[1:-1].split(",") if v.strip()]
        else:
            values[key] = value
    return values


def _dedent(block: list[str]) -> str:
    while block and not block[-1].strip():
        block.pop()
    indents = [len(x) - len(x.lstrip()) for x in block if x.strip()]
    cut = min(indents) if indents else 0
    return "\n".join(x[cut:] for x in block)


def _as_list(value: object) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    text = str(value or "").strip()
    return [v.strip() for v in text.split(",") if v.strip()] if text else []


def _as_text(value: object) -> str:
    return ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)


def _to_int(value: object, key: str, path: str) -> int | None:
    text = str(value or "").replace(",", "").strip()
    if not text:
        return None
    if not text.isdigit():
        raise StrategyError(
            f"{path or '<text>'}: header '{key}: {value}' is not a whole number",
            hint=f"write '{key}:' followed by digits only, or leave it empty",
        )
    return int(text)


def meta_from_values(
    values: dict[str, object], *, path: str = "", header_lines: int = 0, has_header: bool = True
) -> Meta:
    """Build :class:`Meta` from parsed header values (unknown keys go to ``extra``)."""

    def text(key: str) -> str:
        value = values.get(key, "")
        return " ".join(value) if isinstance(value, list) else str(value).strip()

    languages = [v for v in _as_list(values.get("languages")) if v.lower() not in ("any", "none")]
    filters = []
    for item in (
        _as_list(values.get("filters"))
        if isinstance(values.get("filters"), list)
        else ([text("filters")] if text("filters") else [])
    ):
        name, _, source = item.partition("|")
        filters.append(FilterSource(name=_unquote(name), source=source.strip()))
    limits = values.get("limits")
    name = text("name") or (Path(path).stem if path else "")
    return Meta(
        has_header=has_header,
        format_version=_to_int(values.get("cen_search"), "cen_search", path),
        name=name,
        database=text("database"),
        platform=text("platform"),
        syntax=text("syntax").lower(),
        coverage=text("coverage"),
        searched_on=text("searched_on"),
        searched_by=text("searched_by"),
        date_from=text("date_from"),
        date_to=text("date_to"),
        languages=tuple(v.lower() for v in languages),
        limits=tuple(limits)
        if isinstance(limits, list)
        else ((text("limits"),) if text("limits") else ()),
        filters=tuple(filters),
        peer_review=text("peer_review"),
        final_line=text("final_line").lower().lstrip("#").removeprefix("s")
        if text("final_line")
        else "",
        records=_to_int(values.get("records"), "records", path),
        notes=text("notes") if not isinstance(values.get("notes"), str) else str(values["notes"]),
        extra=tuple((k, _as_text(v)) for k, v in values.items() if k not in _KNOWN),
        header_lines=header_lines,
    )


def split_strategy_text(text: str, *, path: str = "") -> StrategyFile:
    """Split decoded text into header and body and parse the header."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip("\r\n").rstrip() != DELIMITER:
        stem = Path(path).stem if path else ""
        return StrategyFile(path, text, "", text, Meta(has_header=False, name=stem))
    for index in range(1, len(lines)):
        if lines[index].rstrip("\r\n").rstrip() == DELIMITER:
            header_text = "".join(lines[: index + 1])
            body = text[len(header_text) :]
            header_lines = [x.rstrip("\r\n") for x in lines[1:index]]
            values = parse_header(header_lines, path=path, first_line=2)
            meta = meta_from_values(values, path=path, header_lines=index + 1)
            return StrategyFile(path, text, header_text, body, meta)
    raise StrategyError(
        f"{_where(path, 1)}: the metadata header opened with '---' is never closed",
        hint="add a line '---' after the last header entry, before the pasted strategy",
    )


def decode_bytes(data: bytes, *, path: str = "") -> tuple[str, str, bool]:
    """Decode a strategy file's bytes without touching newlines: ``(text, encoding, bom)``.

    A binary file (a PDF, a Word document, a zip: NUL or control bytes, which no pasted
    search history holds) is refused: its bytes would otherwise parse as search terms."""
    from cen_search.errors import FileFormatError
    from cen_search.formats import refuse_binary

    if data.startswith(codecs.BOM_UTF8):
        text, encoding, bom = data[3:].decode("utf-8", errors="strict"), "utf-8", True
    else:
        try:
            text, encoding, bom = data.decode("utf-8"), "utf-8", False
        except UnicodeDecodeError:
            from cen_search.formats.textio import decode

            encoding = decode(data, path=path).encoding
            text, bom = data.decode(encoding), False
    try:
        refuse_binary(text, path)
    except FileFormatError:
        raise StrategyError(
            f"{path or 'the strategy'}: is a binary file (NUL or control bytes), not a strategy",
            hint="save the search history as plain text (copy it from the database's history "
            "page), then try again",
        ) from None
    return text, encoding, bom


def read_strategy_file(path: str | Path) -> StrategyFile:
    """Read ``path`` into a :class:`StrategyFile` (header parsed, body verbatim)."""
    from cen_search.errors import InputError
    from cen_search.fsutil import read_regular_file

    name = str(path)
    if not Path(path).exists():
        raise StrategyError(
            f"{name}: no such strategy file",
            hint="check the path, or list the review's strategies with 'cen-search strategy list'",
        )
    if Path(path).is_dir():
        raise StrategyError(
            f"{name}: is a folder, not a strategy file",
            hint="give the path of a .txt strategy file",
        )
    try:
        data = read_regular_file(path)  # (a device or FIFO is refused, not read)
    except InputError as exc:
        raise StrategyError(exc.message, hint="give the path of a .txt strategy file") from None
    text, encoding, bom = decode_bytes(data, path=name)
    split = split_strategy_text(text, path=name)
    return StrategyFile(
        split.path, split.text, split.header_text, split.body, split.meta, encoding, bom
    )


def render_header(entries: list[tuple[str, object]]) -> str:
    """Write header entries as the text of a header block, delimiters included.

    Values: ``str`` (written as is; multi-line text as a ``|`` block), ``list`` of strings
    (``  - item`` lines), ``None`` (empty value). A key may carry a comment as ``"key # text"``.
    """
    out = [DELIMITER]
    for key, value in entries:
        key, _, comment = key.partition(" # ")
        suffix = f"  # {comment}" if comment else ""
        if isinstance(value, list):
            out.append(f"{key}:{suffix}")
            out.extend(f"  - {item}" for item in value)
        elif isinstance(value, str) and "\n" in value:
            out.append(f"{key}: |{suffix}")
            out.extend(f"  {row}" if row else "" for row in value.split("\n"))
        elif value is None or value == "":
            out.append(f"{key}:{suffix}")
        else:
            text = str(value)
            if text != text.strip() or " #" in text or text.startswith(("[", "|", ">", "-", '"')):
                text = '"' + text + '"'
            out.append(f"{key}: {text}{suffix}")
    out.append(DELIMITER)
    return "\n".join(out) + "\n"


__all__ = [
    "DELIMITER",
    "FORMAT_VERSION",
    "StrategyFile",
    "decode_bytes",
    "meta_from_values",
    "parse_header",
    "read_strategy_file",
    "render_header",
    "split_strategy_text",
]
