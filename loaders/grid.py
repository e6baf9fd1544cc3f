"""Reading a task table given as a grid of cell texts: the common part of the Word, Excel, CSV,
HTML and PDF loaders.

Each format turns its table into rows of cell texts first, with merged cells filled in the
way the reader sees them: a vertically merged task cell repeats its text in every row it
spans (Word, Excel, HTML, PDF) or is blank below its first row (CSV); a full-width theme row
has the same text in every cell. From there the rules are the same for all of them.

Published tables also come without a task column (序号 | 重点工作任务 | 责任单位): their
full-width section rows (一、… / （一）… / 行动一：…) are themes, and each theme's measures sit
under one task named after it. A header of two rows (责任单位 over 牵头单位 | 配合单位) is read
as one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ipplan.errors import InputError, NotATableError
from ipplan.model import LoadWarning, Location
from ipplan.numerals import chinese_numeral

from .assemble import PlanBuilder, task_heading, theme_heading
from .columns import Columns, column_of, find_columns, header_column, is_header_row
from .roles import RoleRule
from .status import read_progress
from .units import marked_leads, split_units

# Section rows of published tables: （一）…, 行动一：…, 第一部分 …
_SECTION = re.compile(
    r"^(?:[（(]([一二三四五六七八九十百零〇两]+)[）)]|(?:行动|专题|第)([一二三四五六七八九十百零〇两]+)"
    r"(?:部分|方面|篇)?[：:、.．\s]?)\s*(\S.*)$", re.S)
# Said once for a table whose only unit column lists the lead first (see load_document).
FIRST_LISTED_LEADS = ("the table's only unit column ({column}) is read with its first unit "
                      "as the lead and the others as supporting units")
# Words after the last unit of a cell that say how it takes part (…团市委配合落实).
_ROLE_TAIL = re.compile(r"(?:配合落实|共同落实|协助落实|配合|参与|落实)$")
# A line of a unit cell naming the unit that leads or supports the same task for a higher
# government (省牵头单位：省农业农村厅 under a city's units): that government's, not this plan's.
_COUNTERPART = re.compile(r"^\s*(?:省级?|国家级?|中央|部)(?:牵头|责任|配合|协办|主责|主办)"
                          r"(?:单位|部门|处室|司局)\s*[:：]")


@dataclass(frozen=True)
class GridRow:
    """One table row: its cells' texts and where it is."""

    cells: tuple[str, ...]
    location: Location
    # What the format's reader could not read as it is (a nested table, a hidden sheet),
    # reported as a warning at this row.
    warning: str | None = None


# A cell that only marks its year column: the measure is due by the end of that year.
_TICK = frozenset("√✓✔●○★▲■□☑xX×是完成")


def _year_deadline(cells: Sequence[str], years: tuple[tuple[int, int], ...]) -> str:
    """The deadline of a row whose 完成时限 is split into year columns: its last filled year
    cell, read within that year (12月底 → 2024年12月底; a tick → 2024年底)."""
    for index, year in reversed(years):
        text = cells[index].strip() if index < len(cells) else ""
        if not text:
            continue
        if all(char in _TICK for char in text.replace(" ", "")):
            return f"{year}年底"
        return text if text.startswith(str(year)) else f"{year}年{text}"
    return ""


def section_heading(text: str) -> tuple[int, str] | None:
    """(number, title) for a table's section row: 一、…, （一）…, 行动一：…

    >>> section_heading("行动一：再造发展新极行动")
    (1, '再造发展新极行动')
    >>> section_heading("（二）\\n提升交通出行服务体验")
    (2, '提升交通出行服务体验')
    """
    flat = " ".join(text.split())
    if (heading := theme_heading(flat)) is not None:
        return heading
    match = _SECTION.match(flat)
    if not match:
        return None
    return chinese_numeral(match[1] or match[2]), match[3].strip()


def _layout(columns: Columns) -> tuple:
    return (columns.number, columns.theme, columns.task, columns.measure, columns.lead,
            columns.support, columns.deadline, columns.implementers, columns.years,
            columns.deadline_years, columns.first_leads)


def _sub_header(above: str, below: str) -> str:
    """A column's name in a two-row header: the lower cell where it names a column by itself
    or with the upper one (责任单位 over 牵头 → 责任单位（牵头）), else the upper cell."""
    if not below or below == above:
        return above
    for name in (below, f"{above}（{below}）", f"{below}单位", f"{below}部门"):
        if header_column(name):
            return name
    return below if not header_column(above) else above


def read_grid(rows: Iterable[GridRow], builder: PlanBuilder, *, where: str) -> list[str]:
    """Feed the table in ``rows`` to ``builder``; returns the texts above the header row
    (where the plan's title is). Raises InputError when no header row is found or the header
    lacks the columns ipplan needs."""
    reader = _GridReader(builder)
    for row in rows:
        reader.row(row)
    reader.check_header()
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
        # The header rows read so far, while no data row has followed (a header of two rows).
        self._header: list[str] | None = None
        self._header_location: Location | None = None
        self._header_done = False
        self._sections = False  # the table has full-width section rows
        self._needs_task = True  # no-task-column tables: the next measure opens a task
        self._implicit_title = ""
        self._first_leads_said = False

    def row(self, row: GridRow) -> None:
        if row.warning:
            self.builder.skipped(row.location, row.warning)
        cells = [" ".join(cell.split()) if "\n" not in cell else cell.strip()
                 for cell in row.cells]
        filled = [cell for cell in cells if cell]
        if not filled:
            return
        if is_header_row(cells):
            self._header_row(cells, row.location)
            return
        self.check_header()
        if self.columns is None:
            for text in filled:
                if text not in self.preamble:
                    self.preamble.append(text)
            return
        self._header = None
        if len(set(filled)) == 1 and (len(filled) > 1 or not self._in_data_columns(cells)):
            self._heading(filled[0], row.location)
            return
        self._table_row(cells, row.location)

    def _header_row(self, cells: list[str], location: Location) -> None:
        if self._header is not None and len(self._header) == len(cells):
            # The second row of a two-row header: its names refine the ones above them.
            cells = [_sub_header(above, below) for above, below in zip(self._header, cells)]
        else:
            self._header_location = location
        self._header = cells
        if not self._header_done:
            self.columns = find_columns(cells)
            self.builder.columns = [  # for `ipplan inspect`: which header cell each column is
                (name, cells[index]) for name in self.columns.found
                if isinstance(index := getattr(self.columns, name, None), int)
                and index < len(cells)]
        elif self.columns is not None:
            # A header further down: the same columns repeated on a new page, or a table of
            # another layout (a page holding two tables): then its columns hold from here.
            found = find_columns(cells)
            if not found.missing and _layout(found) != _layout(self.columns):
                self.columns = found

    def check_header(self) -> None:
        """Once the header is complete: refuse it when it lacks a column ipplan needs."""
        if self.columns is not None and not self._header_done:
            self._header_done = True
            if self.columns.missing:
                raise InputError(
                    "the table header lacks columns we need "
                    f"({self.columns.describe_missing()})", where=self._header_location)

    def _in_data_columns(self, cells: Sequence[str]) -> bool:
        assert self.columns is not None
        return any(self._cell(cells, name) for name in ("measure", "lead", "support",
                                                         "deadline"))

    def _cell(self, cells: Sequence[str], name: str) -> str:
        assert self.columns is not None
        index = getattr(self.columns, name)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    def _heading(self, text: str, location: Location) -> None:
        assert self.columns is not None
        if column_of(text):
            return
        if (heading := theme_heading(text)) is not None:
            self._theme(heading, location)
        elif (heading := task_heading(text)) is not None:
            self.builder.task(*heading, location)
            self._task_cell = text
            self._needs_task = False
        elif self.columns.task is None:
            # A table without a task column: its section rows are its themes, numbered or not.
            heading = section_heading(text) or (self._next_theme_number(), text.strip())
            self._theme(heading, location)
        else:
            self.builder.heading_without_numeral(text, location)

    def _theme(self, heading: tuple[int, str], location: Location) -> None:
        self._sections = True
        if any(theme.number == heading[0] for theme in self.builder.themes) \
                and self.columns is not None and self.columns.task is None:
            heading = (self._next_theme_number(), heading[1])
        self.builder.theme(*heading, location)
        self._theme_cell = self._task_cell = ""
        self._needs_task, self._implicit_title = True, heading[1]

    def _next_theme_number(self) -> int:
        return max((theme.number for theme in self.builder.themes), default=0) + 1

    def _table_row(self, cells: Sequence[str], location: Location) -> None:
        assert self.columns is not None
        theme = self._cell(cells, "theme")
        if theme and theme != self._theme_cell:
            self._theme_cell, self._task_cell = theme, ""
            if self._sections and self.columns.task is None:
                # Section rows are the themes; a theme-like column inside them groups tasks.
                self._needs_task, self._implicit_title = True, " ".join(theme.split())
            else:
                heading = theme_heading(theme) or section_heading(theme)
                if heading is None:  # a theme column without numerals: number them in order
                    number = self._theme_numbers.setdefault(theme, len(self._theme_numbers) + 1)
                    heading = (number, theme)
                self.builder.theme(*heading, location)
                self._needs_task, self._implicit_title = True, heading[1]
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
            self._needs_task = False
        measure, lead = self._cell(cells, "measure"), self._cell(cells, "lead")
        support, deadline = self._cell(cells, "support"), self._cell(cells, "deadline")
        lead = self._without_counterparts(lead, location)
        support = self._without_counterparts(support, location)
        for index in self.columns.implementers:
            extra = cells[index].strip() if index < len(cells) else ""
            if extra:
                support = f"{support}\n{extra}" if support else extra
        if self.columns.first_leads and lead:
            rule = self.builder.roles or RoleRule.FIRST_LEADS
            lead, support = self._by_rule(lead, rule)
            if not self._first_leads_said:
                self._first_leads_said = True
                column = " ".join(self.columns.cells[self.columns.lead].split())  # type: ignore[index]
                if self.builder.roles is None:
                    self.builder.role_rule = f"{rule.value} (the only unit column, {column})"
                    self.builder.notes.append(LoadWarning(
                        self._header_location or location,
                        FIRST_LISTED_LEADS.format(column=column)))
                else:
                    self.builder.role_rule = f"{rule.value} (--roles {rule.value})"
                    self.builder.notes.append(LoadWarning(
                        self._header_location or location,
                        f"the table's only unit column ({column}) is read by --roles "
                        f"{rule.value}: {rule.describe}"))
        if not measure and not lead and not support:
            if any(cells[i].strip() for i, _ in self.columns.years if i < len(cells)) or deadline:
                self.builder.skipped(location, "row has a plan or a deadline but no measure "
                                               "text and no unit; skipped")
            return
        if self.columns.task is None and self._needs_task:
            self._open_task(location)
        deadline_cell: str | None = deadline
        if self.columns.deadline_years:
            deadline_cell = _year_deadline(cells, self.columns.deadline_years)
        elif self.columns.deadline is None:
            year = self.columns.last_plan_year
            # Year-plan columns: the measure runs to the end of the last planned year.
            deadline_cell = f"{year}年底" if year else None
        progress = None
        if self.columns.status is not None:
            progress = read_progress(self._cell(cells, "status"))
        elif self.columns.remark is not None:  # 备注 read only where it states a progress
            progress = read_progress(self._cell(cells, "remark"), remark=True)
        if measure or lead:
            self.builder.measure(measure, lead, support, deadline_cell, location,
                                 progress=progress)
        else:
            self.builder.skipped(location, "row has units or a deadline but no measure text "
                                           "and no lead unit; skipped")

    def _without_counterparts(self, cell: str, location: Location) -> str:
        """The cell without its lines naming a higher government's units, each reported."""
        if "：" not in cell and ":" not in cell:
            return cell
        kept = []
        for line in cell.split("\n"):
            if _COUNTERPART.match(line):
                self.builder.warnings.append(LoadWarning(
                    location, f"{' '.join(line.split())!r} names a higher government's unit "
                              "for this task, not one of this plan's: not read as a unit"))
            else:
                kept.append(line)
        return "\n".join(kept)

    def _open_task(self, location: Location) -> None:
        current = self.builder.current_task
        number = (max(task.number for task in self.builder.tasks) + 1) if current else 1
        title = self._implicit_title or "（未分组）"
        self.builder.task(number, title, location)
        self._needs_task = False

    @staticmethod
    def _by_rule(cell: str, rule: RoleRule) -> tuple[str, str]:
        """A lone unit column read by ``rule`` (by default the first unit leads, the others
        support): the lead and support cells. Words after the last unit saying how it takes
        part (配合落实) are not part of its name."""
        names, problem = split_units(cell)
        if problem or not names:
            return (cell, "") if rule is not RoleRule.ALL_SUPPORT else ("", cell)
        last = _ROLE_TAIL.sub("", names[-1])
        if len(last) >= 2:
            names[-1] = last
        if (marked := marked_leads(names)) is not None:  # the document marks its leads
            return "\n".join(marked[0]), "\n".join(marked[1])
        if rule is RoleRule.ALL_LEAD:
            return "\n".join(names), ""
        if rule is RoleRule.ALL_SUPPORT:
            return "", "\n".join(names)
        return names[0], "\n".join(names[1:])
