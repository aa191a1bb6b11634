"""Sheets a person filled in and saved from Excel as a workbook (``.xlsx``) instead of CSV.

Screening sheets and the dedupe review CSV are written as CSV with a byte-order mark, which
Excel opens; but Excel's "Save" offers its own format first, and a reviewer who accepts it
hands back an Office Open XML workbook. This module reads its first worksheet as rows of text,
as a CSV would give them, so that decisions made in Excel are taken in either way. Only reading:
cen-search never writes into a person's workbook.

Cells are read as values (the result of a formula, not the formula). Numbers that are whole are
written without a decimal point (``1``, not ``1.0``), dates as ISO dates; blank cells are
``""``. The XML inside is parsed by openpyxl through defusedxml, as every XML input is.

Every CSV cen-search writes for a spreadsheet writes its cells through :func:`text_cell` and
reads them back through :func:`cell_text`: a cell that starts as a formula does is written
as text.
"""

from __future__ import annotations

import datetime as _dt
import io
from collections.abc import Mapping
from pathlib import Path

from cen_search.errors import InputError

_ZIP_MAGIC = b"PK\x03\x04"

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""A cell starting with one of these is taken by Excel (and LibreOffice) for a formula."""


def text_cell(text: str) -> str:
    """``text`` as a CSV cell that Excel shows as text: a leading ``=``/``+``/``-``/``@``
    (a group author ``-FUTURE-II-Study-Group``, a note ``+http://...``) would start a formula
    (shown as ``#NAME?``, or run), so it gets an apostrophe, which Excel hides."""
    return "'" + text if text.startswith(FORMULA_START) else text


def text_row(row: Mapping[str, object]) -> dict[str, object]:
    """``row`` (a ``csv.DictWriter`` row) with its text cells through :func:`text_cell`."""
    return {name: text_cell(v) if isinstance(v, str) else v for name, v in row.items()}


def cell_text(cell: str) -> str:
    """The text of a cell :func:`text_cell` wrote (the apostrophe removed again)."""
    return cell[1:] if cell.startswith("'") and cell[1:2] in FORMULA_START else cell


def is_workbook(data: bytes) -> bool:
    """True for bytes that start as a ZIP archive does: an Office Open XML workbook (or a
    damaged one, or another ZIP file, which :func:`workbook_rows` refuses by name)."""
    return data.startswith(_ZIP_MAGIC)


def workbook_rows(data: bytes, *, path: str | Path) -> list[list[str]]:
    """Every row of the workbook's first worksheet as text cells (trailing blank cells kept
    as ``""``; a wholly blank row as an empty list)."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise InputError(
            f"{path}: an Excel workbook that cannot be read ({type(exc).__name__}: {exc})",
            hint="open it in Excel and save it again, or save it as CSV UTF-8",
        ) from None
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            return []
        rows = [[_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()
    return [row if any(cell.strip() for cell in row) else [] for row in rows]


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, _dt.datetime):
        return value.date().isoformat() if value.time() == _dt.time() else value.isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    return str(value)
