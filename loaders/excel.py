"""Excel (.xlsx) task tables, read with openpyxl.

Merged ranges hold their value in the top-left cell only; the grid fills the value into every
cell of the range, as the printed sheet shows it. Title rows above the header are kept for the
plan's title; blank rows are skipped. A date cell in the deadline column becomes YYYY-MM.
Hidden sheets are looked at only when no visible sheet has a task table, and reading one is
a warning.
"""

from __future__ import annotations

import datetime as _dt
import zipfile
from pathlib import Path

from ipplan.errors import InputError, reason
from ipplan.model import Location

from .columns import is_header_row
from .grid import GridRow

_HEADER_SEARCH_ROWS = 20


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, (_dt.datetime, _dt.date)):
        return f"{value.year:04d}-{value.month:02d}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_excel(path: Path, sheet: str | None = None) -> tuple[list[str], list[GridRow]]:
    """(texts above the header, the rows) of the chosen sheet: ``sheet`` by name, else the
    first visible sheet with a recognisable header row in its first rows, else the first
    hidden one (with a warning)."""
    import openpyxl  # heavy (0.7 s): only a command that reads a workbook pays it
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(str(path), data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as exc:
        raise InputError(f"is not a readable Excel (.xlsx) workbook ({reason(exc, 120)})",
                         where=path) from None
    except Exception as exc:  # broken XML parts raise lxml/ElementTree errors
        raise InputError(f"is not a readable Excel (.xlsx) workbook ({reason(exc, 120)})",
                         where=path) from None
    grids = {}
    if sheet is not None:
        if sheet not in book.sheetnames:
            raise InputError(f"has no sheet {sheet!r} (sheets: {', '.join(book.sheetnames)})",
                             where=path)
        names = [sheet]
    else:
        # Visible sheets first: a hidden one (an old copy, a lookup list) is not the table.
        names = sorted(book.sheetnames, key=lambda n: book[n].sheet_state != "visible")
    for name in names:
        grid = _grid(book[name])
        grids[name] = grid
        if sheet is not None or any(is_header_row(row) for row in grid[:_HEADER_SEARCH_ROWS]):
            hidden = sheet is None and book[name].sheet_state != "visible"
            rows = [GridRow(tuple(cells), Location(str(path), row=index, part=f"sheet {name}"),
                            f"the task table is on a hidden sheet ({name!r}); no visible "
                            "sheet has one" if hidden and index == 1 else None)
                    for index, cells in enumerate(grid, start=1)]
            return [], rows
    raise InputError("not a task table: no sheet has a header row naming the measure and "
                     f"lead-unit columns (sheets: {', '.join(book.sheetnames)}); "
                     "pick one with --sheet", where=path)


def _grid(sheet: object) -> list[list[str]]:
    rows = [[_text(value) for value in row]
            for row in sheet.iter_rows(values_only=True)]  # type: ignore[attr-defined]
    for merged in sheet.merged_cells.ranges:  # type: ignore[attr-defined]
        top, left = merged.min_row - 1, merged.min_col - 1
        if top >= len(rows):
            continue
        value = rows[top][left] if left < len(rows[top]) else ""
        for r in range(top, min(merged.max_row, len(rows))):
            for c in range(left, merged.max_col):
                if c < len(rows[r]):
                    rows[r][c] = value
    return rows
