"""Recognising a task table's header row by column names, with the synonyms planners use.

>>> find_columns(["序号", "重点任务", "具体内容", "牵头单位", "责任单位", "完成时限"]).measure
2
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Column -> the names planners give it. Matched after removing blanks, so 牵 头 单 位 matches.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "number": ("序号", "编号"),
    "theme": ("主题", "重点领域", "工作领域", "类别", "板块"),
    "task": ("重点任务", "主要任务", "工作任务", "任务", "任务名称"),
    "measure": ("具体内容", "工作措施", "具体措施", "主要内容", "工作内容", "任务内容", "具体举措",
                "重点工作", "工作事项"),
    "lead": ("牵头单位", "牵头部门", "主办单位", "牵头责任单位"),
    "support": ("责任单位", "配合单位", "协办单位", "参与单位", "责任部门", "配合部门"),
    "deadline": ("完成时限", "完成时间", "时间节点", "时限", "完成期限", "时间安排"),
}

REQUIRED = ("measure", "lead")

_LOOKUP = {name: column for column, names in SYNONYMS.items() for name in names}


def column_of(cell: str) -> str | None:
    """The column a header cell names, or None."""
    return _LOOKUP.get(re.sub(r"\s+", "", cell or ""))


@dataclass(frozen=True)
class Columns:
    """Where each recognised column is in a header row (cell index), None where absent."""

    cells: tuple[str, ...]
    number: int | None = None
    theme: int | None = None
    task: int | None = None
    measure: int | None = None
    lead: int | None = None
    support: int | None = None
    deadline: int | None = None

    @property
    def found(self) -> list[str]:
        return [name for name in SYNONYMS if getattr(self, name) is not None]

    @property
    def missing(self) -> list[str]:
        return [name for name in REQUIRED if getattr(self, name) is None]

    def describe_missing(self) -> str:
        """One sentence saying which columns are found and which are missing."""
        found = ", ".join(f"{name} ({self.cells[getattr(self, name)]})" for name in self.found)
        missing = ", ".join(f"{name} ({'/'.join(SYNONYMS[name][:3])})" for name in self.missing)
        return f"found columns: {found or 'none'}; missing: {missing}"


def find_columns(cells: list[str] | tuple[str, ...]) -> Columns:
    """Map a row's cells to columns. The first cell naming a column wins."""
    positions: dict[str, int] = {}
    for index, cell in enumerate(cells):
        column = column_of(cell)
        if column and column not in positions:
            positions[column] = index
    return Columns(cells=tuple(cells), **positions)


def is_header_row(cells: list[str] | tuple[str, ...]) -> bool:
    """A row is a header when it names two columns or more and most of its cells are column
    names. (A header that lacks a column we need is still a header, so that the refusal can
    say what it found.)"""
    filled = [cell for cell in cells if cell and cell.strip()]
    named = [cell for cell in filled if column_of(cell)]
    return len(find_columns(cells).found) >= 2 and 2 * len(named) >= len(filled)
