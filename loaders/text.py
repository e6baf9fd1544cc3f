"""The extracted-text table format: a Word task table saved as text.

Each table cell is a line indented by a tab, rows end at a blank line, and an empty cell is a
tab alone. Lines without the tab lie outside the table: the attachment label, and headings the
extraction printed again (twice or three times). Cells are matched to the header's columns from
the right, because continuation rows carry one or two extra empty cells on the left where the
task cell was merged.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ipplan.errors import InputError, NotATableError
from ipplan.model import LoadWarning, Location

from .assemble import PlanBuilder, is_row_number, task_heading, theme_heading
from .columns import Columns, column_of, find_columns, is_header_row
from .deadlines import looks_like_deadline
from .roles import DEFAULT_RULE, DEFAULT_RULE_SOURCE, RoleRule, UnitClause, decide_roles
from .units import split_units


@dataclass(frozen=True)
class _Cell:
    text: str
    line: int


@dataclass(frozen=True)
class _Row:
    cells: tuple[_Cell, ...]
    at_end: bool = False  # the file ended inside this row, before the blank line after it
    unfinished: bool = False  # ... and without a line break after its last cell


@dataclass(frozen=True)
class _Loose:
    """A line outside the table."""

    text: str
    line: int


def _events(text: str) -> list[_Row | _Loose]:
    events: list[_Row | _Loose] = []
    row: list[_Cell] = []

    def close_row(at_end: bool = False) -> None:
        if row:
            unfinished = at_end and not text.endswith(("\n", "\r"))
            events.append(_Row(tuple(row), at_end, unfinished))
            row.clear()

    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("\t"):
            row.append(_Cell(line.strip(), number))
        elif line.strip():
            close_row()
            events.append(_Loose(line.strip(), number))
        else:
            close_row()
    close_row(at_end=True)
    return events


def read_table_text(text: str, path: Path, builder: PlanBuilder,
                    roles: RoleRule | None = None) -> list[str]:
    """Feed the table in ``text`` to ``builder``; returns the lines before the header (the
    preamble, where the title is). A table whose only unit column is 责任单位 names each
    measure's units in one list: ``roles`` (default first-leads) says who leads."""
    columns: Columns | None = None
    single_list: RoleRule | None = None
    ruled: list[int] = []
    preamble: list[str] = []
    file = str(path)
    for event in _events(text):
        if isinstance(event, _Loose):
            if columns is None:
                preamble.append(event.text)
            else:
                _loose_line(event, file, builder)
            continue
        texts = [cell.text for cell in event.cells]
        if is_header_row(texts):
            found = find_columns(texts)
            if columns is None and found.first_leads:
                # 序号 | 重点工作 | 责任单位 | 完成时限: one list per measure, read by a role rule.
                single_list = roles or DEFAULT_RULE
            if found.missing:
                raise InputError(
                    f"the table header lacks columns we need ({found.describe_missing()})",
                    where=f"{file}:{event.cells[0].line}")
            if columns is None:
                builder.columns = [(name, texts[getattr(found, name)]) for name in found.found]
            columns = columns or found
            continue
        if columns is None:
            preamble.extend(text for text in texts if text)
            continue
        _row(event, columns, file, builder, single_list, ruled)
    if single_list is not None:
        builder.role_rule = (f"{single_list.value} "
                             f"({'--roles ' + single_list.value if roles else DEFAULT_RULE_SOURCE})")
    if ruled and single_list is not None:
        builder.warnings.append(LoadWarning(Location(file, ruled[0]), (
            f"role rule: {len(ruled)} measure(s) name their units in one list (the table has "
            f"no lead column); read by {'--roles' if roles else DEFAULT_RULE_SOURCE}: "
            f"{single_list.value}, {single_list.describe}"
            + ("" if roles else "; choose another with --roles"))))
    if columns is None:
        raise NotATableError(
            "not a task table: no header row naming the measure and lead-unit columns "
            "(具体内容, 牵头单位, …) was found", where=file)
    return preamble


def _start(cells: tuple[_Cell, ...]) -> str:
    text = next((cell.text for cell in cells if len(cell.text) > 12), cells[-1].text)
    return text[:30]


def _loose_line(event: _Loose, file: str, builder: PlanBuilder) -> None:
    location = Location(file, event.line)
    if (heading := theme_heading(event.text)) is not None:
        builder.theme(*heading, location)
    elif (heading := task_heading(event.text)) is not None:
        builder.task(*heading, location)
    elif column_of(event.text) is None:
        builder.skipped(location, f"line outside the table skipped: {event.text[:40]!r}")


def _row(event: _Row, columns: Columns, file: str, builder: PlanBuilder,
         single_list: RoleRule | None = None, ruled: list[int] | None = None) -> None:
    cells = event.cells
    data_names = [name for name in ("measure", "lead", "support", "deadline")
                  if getattr(columns, name) is not None]
    first_data = min(getattr(columns, name) for name in data_names)
    width = len(columns.cells) - first_data
    # Where each data column sits in this row, counted from the right edge.
    aligned = {name: len(cells) - (len(columns.cells) - getattr(columns, name))
               for name in data_names}

    def cell(name: str) -> _Cell | None:
        index = aligned.get(name)
        return cells[index] if index is not None and 0 <= index < len(cells) else None

    measure, lead = cell("measure"), cell("lead")
    is_measure_row = (len(cells) >= width and measure is not None and lead is not None
                      and bool(measure.text or lead.text))
    left = cells[: len(cells) - width] if is_measure_row else cells
    extra: list[_Cell] = []
    for item in left:
        if not item.text or column_of(item.text):
            continue
        location = Location(file, item.line)
        if (heading := theme_heading(item.text)) is not None:
            builder.theme(*heading, location)
        elif (heading := task_heading(item.text)) is not None:
            builder.task(*heading, location)
        elif is_measure_row and is_row_number(item.text):
            continue
        else:
            extra.append(item)
    if not is_measure_row:
        if len(extra) == 1 and len([c for c in cells if c.text]) == 1:
            builder.heading_without_numeral(extra[0].text, Location(file, extra[0].line))
        else:
            for item in extra:
                builder.skipped(Location(file, item.line),
                                f"cell outside any measure row skipped: {item.text[:40]!r}")
        return
    assert measure is not None and lead is not None
    support, deadline = cell("support"), cell("deadline")
    if event.at_end and deadline is not None and not looks_like_deadline(deadline.text):
        # The file stops inside this row: its cells cannot be matched to columns.
        builder.skipped(Location(file, cells[0].line),
                        "the document ends inside this row (cut off?); row skipped")
        return
    # Signs that a cell is missing and the rest slid one column: the task heading sits in the
    # measure column, the measure column is empty while the lead column is not, or the lead
    # column holds sentences (a measure's text) rather than unit names.
    shifted = ((task_heading(measure.text) is not None and len(measure.text) <= 40)
               or (not measure.text and bool(lead.text))
               or "。" in lead.text.strip().rstrip("。"))
    if shifted:
        # Columns are known here only by position: a missing cell shifts the row, and the
        # measure's text would be read as its units.
        builder.skipped(Location(file, cells[0].line),
                        "the cells of this row do not line up with the header (is a cell "
                        f"missing?); row skipped: {_start(cells)!r}")
        return
    if event.at_end and event.unfinished:
        builder.skipped(Location(file, cells[-1].line),
                        "the document ends without a line break; the last cell may be cut off")
    text = measure.text
    if extra:
        # A measure cell of several paragraphs spills to the left; nothing is dropped.
        text = "\n".join([item.text for item in extra] + [text])
        builder.skipped(Location(file, extra[0].line),
                        "extra cells left of the measure were joined to its text")
    if columns.task is None and columns.theme is None and builder.current_theme is None:
        # A flat list (序号 | 重点工作 | 责任单位 …): each row is a task of its own.
        builder.flat = True
        builder.task(len(builder.tasks) + 1, text.split("。")[0].strip() or text,
                     Location(file, measure.line))
    if single_list is not None:
        names, _problem = split_units(lead.text)
        clause = UnitClause(responsible=names)
        leads, supports, used = decide_roles(clause, single_list)
        if used and ruled is not None:
            ruled.append(measure.line)
        builder.measure(text, leads, supports, deadline.text if deadline else "",
                        Location(file, measure.line))
        return
    builder.measure(
        text,
        lead.text,
        support.text if support else "",
        deadline.text if deadline else "",
        Location(file, measure.line),
    )
