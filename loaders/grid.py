"""Reading a task table given as a grid of cell texts: the common part of the Word, Excel and
CSV loaders.

Each format turns its table into rows of cell texts first, with merged cells filled in the
way the reader sees them: a vertically merged task cell repeats its text in every row it
spans (Word, Excel) or is blank below its first row (CSV); a full-width theme row has the same
text in every cell. From there the rules are the same for all three.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ipplan.errors import InputError, NotATableError
from ipplan.model import LoadWarning, Location

from .assemble import PlanBuilder, task_heading, theme_heading
from .columns import Columns, column_of, find_columns, is_header_row


@dataclass(frozen=True)
class GridRow:
    """One table row: its cells' texts and where it is."""

    cells: tuple[str, ...]
    location: Location


def read_grid(rows: Iterable[GridRow], builder: PlanBuilder, *, where: str) -> list[str]:
    """Feed the table in ``rows`` to ``builder``; returns the texts above the header row
    (where the plan's title is). Raises InputError when no header row is found or the header
    lacks the columns ipplan needs."""
    reader = _GridReader(builder)
    for row in rows:
        reader.row(row)
    if reader.columns is None:
        raise NotATableError(
            "not a task table: no header row naming the measure and lead-unit columns "
            "(具体内容, 牵头单位, …) was found", where=where)
    return reader.preamble


class _GridReader:
    def __init__(self, builder: PlanBuilder) -> None:
        self.builder = builder
        self.columns: Columns | None = None
        self.preamble: list[str] = []
        self._theme_cell = ""
        self._task_cell = ""
        self._theme_numbers: dict[str, int] = {}

    def row(self, row: GridRow) -> None:
        cells = [" ".join(cell.split()) if "\n" not in cell else cell.strip()
                 for cell in row.cells]
        filled = [cell for cell in cells if cell]
        if not filled:
            return
        if is_header_row(cells):
            found = find_columns(cells)
            if found.missing and self.columns is None:
                raise InputError(
                    f"the table header lacks columns we need ({found.describe_missing()})",
                    where=row.location)
            if self.columns is None:
                self.builder.columns = [(name, cells[getattr(found, name)])
                                        for name in found.found]
            self.columns = self.columns or found
            return
        if self.columns is None:
            for text in filled:
                if text not in self.preamble:
                    self.preamble.append(text)
            return
        if len(set(filled)) == 1 and (len(filled) > 1 or not self._in_data_columns(cells)):
            self._heading(filled[0], row.location)
            return
        self._table_row(cells, row.location)

    def _in_data_columns(self, cells: Sequence[str]) -> bool:
        assert self.columns is not None
        return any(self._cell(cells, name) for name in ("measure", "lead", "support",
                                                         "deadline"))

    def _cell(self, cells: Sequence[str], name: str) -> str:
        assert self.columns is not None
        index = getattr(self.columns, name)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    def _heading(self, text: str, location: Location) -> None:
        if column_of(text):
            return
        if (heading := theme_heading(text)) is not None:
            self.builder.theme(*heading, location)
            self._theme_cell = self._task_cell = ""
        elif (heading := task_heading(text)) is not None:
            self.builder.task(*heading, location)
            self._task_cell = text
        else:
            self.builder.heading_without_numeral(text, location)

    def _table_row(self, cells: Sequence[str], location: Location) -> None:
        theme = self._cell(cells, "theme")
        if theme and theme != self._theme_cell:
            self._theme_cell, self._task_cell = theme, ""
            heading = theme_heading(theme)
            if heading is None:  # a theme column without numerals: number them in order
                number = self._theme_numbers.setdefault(theme, len(self._theme_numbers) + 1)
                heading = (number, theme)
            self.builder.theme(*heading, location)
        task = self._cell(cells, "task")
        if task and task != self._task_cell:
            self._task_cell = task
            heading = task_heading(task)
            if heading is None:  # a task cell without its number: the next one
                current = self.builder.current_task
                heading = ((current.number + 1) if current else 1, task)
                self.builder.notes.append(LoadWarning(
                    location, f"task without its number read as task {heading[0]}"))
            self.builder.task(*heading, location)
        measure, lead = self._cell(cells, "measure"), self._cell(cells, "lead")
        support, deadline = self._cell(cells, "support"), self._cell(cells, "deadline")
        if measure or lead:
            self.builder.measure(measure, lead, support, deadline, location)
        elif support or deadline:
            self.builder.skipped(location, "row has units or a deadline but no measure text "
                                           "and no lead unit; skipped")
