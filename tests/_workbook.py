"""Save a CSV as Excel would save it as a workbook (``.xlsx``): text that reads as a number
becomes a number cell, everything else stays text."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import Workbook


def _cell(text: str) -> object:
    try:
        number = float(text)
    except ValueError:
        return text
    if not text.strip() or text.strip().lower() in {"nan", "inf", "-inf", "infinity"}:
        return text
    return int(number) if number.is_integer() and "." not in text else number


def save_as_workbook(csv_path: Path, xlsx_path: Path, *, fill: dict[int, dict[str, str]]) -> None:
    """Write the rows of ``csv_path`` (with the cells in ``fill`` changed: data row index ->
    column -> text) to ``xlsx_path`` as an Excel workbook."""
    rows = list(csv.reader(io.StringIO(csv_path.read_bytes().decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    for index, changes in fill.items():
        for column, value in changes.items():
            body[index][header.index(column)] = value
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in body:
        sheet.append([_cell(value) for value in row])
    book.save(xlsx_path)
