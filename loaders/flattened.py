"""Task tables flattened into plain text (.txt, .md): what a table becomes when it is copied
out of a web page or an editor into a text box.

Three shapes are read, each told by its text:

* **Markdown pipe tables**: ``| 重点任务 | 具体内容 | … |`` with a ``|---|`` line under the
  header; a blank cell continues the cell above (a merged task cell), a row with one filled
  cell is a heading.
* **One cell per line ending in | or ｜** (a web table copied cell by cell): the header's
  cells come first, one per line, which gives the column count; then the cells follow in
  reading order, an empty cell as a bare ``|``, a merged cell (rowspan) only in its first
  row, a full-width heading row as one line.
* **Rows of cells separated by runs of spaces or tabs**, one row per line.
* **Cells in reading order, one per line, without marks** (the text a reader's copy of a
  table gives): the header's cells, one per line, then each row's cells; an empty cell
  leaves no line, so cells are matched to columns by what they hold: a row number, a
  heading, the measure's text (with the further paragraphs of its cell), then units, people
  and a deadline as they read.

The header row (its names and its column count) decides the layout. Cells are matched to
columns by position, and where a row is shorter (merged cells left out) by what they hold: a
theme or task heading, a row number, then one cell per remaining column. When the cells
cannot be matched — a deadline column holding a sentence, a row longer than the header —
the text is refused with the line and what was found there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ipplan.errors import InputError
from ipplan.model import Location

from .assemble import PlanBuilder, is_row_number, task_heading, theme_heading
from .columns import Columns, column_of, find_columns, header_column, is_header_row
from .deadlines import looks_like_deadline
from .grid import GridRow, read_grid, section_heading
from .numbering import numbered

_CELL_LINE_END = ("|", "｜")
_MARKDOWN_RULE = re.compile(r"^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?$")
_SPACED = re.compile(r"\t+|[ \u3000]{2,}")
# A line of bars alone: the mark between cells where a page's text puts each cell on lines of
# its own (序号 ⏎ | ⏎ 项目 ⏎ | ⏎ …; ||| where cells are empty or merged).
_SEPARATOR_LINE = re.compile(r"^[|｜]+$")
# A note under a table: 注：标★的为牵头单位。
_TABLE_NOTE = re.compile(r"^(?:注|说明|备注)\s*\d*\s*[:：]")
# A text holds a flattened table when at least this many lines have its shape.
_MIN_LINES = 3


@dataclass(frozen=True)
class _Cell:
    text: str
    line: int


def read_flattened(text: str, path: Path, builder: PlanBuilder) -> list[str] | None:
    """Feed the flattened table in ``text`` to ``builder`` and return the lines above it (the
    title is there), or None when the text holds no flattened table with a recognisable
    header. Raises InputError when a header is found but the cells cannot be aligned."""
    lines = text.splitlines()
    if sum(1 for line in lines if _MARKDOWN_RULE.match(line.strip())) \
            and sum(1 for line in lines if line.strip().startswith(("|", "｜"))) >= _MIN_LINES:
        return _read_markdown(lines, path, builder)
    if sum(1 for line in lines if _SEPARATOR_LINE.match(line.strip())) >= _MIN_LINES:
        found = _read_reading_order(lines, path, builder, entries=_separated_cells(lines))
        if found is not None:
            return found
    if sum(1 for line in lines if line.rstrip().endswith(_CELL_LINE_END)) >= _MIN_LINES:
        found = _read_cell_lines(lines, path, builder)
        if found is not None:
            return found
    found = _read_spaced(lines, path, builder)
    if found is not None:
        return found
    return _read_reading_order(lines, path, builder)


# --- Markdown ---------------------------------------------------------------------------------

def _markdown_cells(line: str) -> list[str]:
    body = line.strip().replace("｜", "|")
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") and not body.endswith("\\|") else body
    cells, current, escaped = [], [], False
    for char in body:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "|":
            cells.append("".join(current))
            current = []
        else:
            current.append(char)
    cells.append("".join(current))
    # <br> is how Markdown tables write a line break inside a cell.
    return [re.sub(r"<br\s*/?>", "\n", cell, flags=re.I).strip() for cell in cells]


def _read_markdown(lines: list[str], path: Path, builder: PlanBuilder) -> list[str] | None:
    rows: list[GridRow] = []
    preamble: list[str] = []
    file = str(path)
    in_table = False
    width = 0
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if _MARKDOWN_RULE.match(stripped):
            continue
        if stripped.startswith(("|", "｜")):
            cells = _markdown_cells(stripped)
            if not in_table and is_header_row(cells):
                in_table, width = True, len(cells)
            elif in_table and len(cells) != width and any(cells[width:]):
                raise InputError(
                    f"the Markdown table row has {len(cells)} cells where the header has "
                    f"{width}; the cells cannot be aligned with the header", where=f"{file}:{number}")
            if in_table:
                rows.append(GridRow(tuple(cells[:width]), Location(file, number)))
            else:
                preamble.extend(cell for cell in cells if cell)
            continue
        heading = stripped.lstrip("#").strip()
        if not stripped:
            continue
        if in_table:
            _loose_line(heading, Location(file, number), rows, width)
        else:
            preamble.append(heading)
    if not in_table:
        return None
    return preamble + read_grid(rows, builder, where=file)


# --- One cell per line ------------------------------------------------------------------------

def _read_cell_lines(lines: list[str], path: Path, builder: PlanBuilder) -> list[str] | None:
    file = str(path)
    preamble: list[str] = []
    cells: list[_Cell] = []
    header: list[_Cell] = []
    columns: Columns | None = None
    loose: dict[int, str] = {}  # lines inside the table without the cell mark
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.endswith(_CELL_LINE_END):
            if columns is None:
                preamble.append(stripped)
            else:
                loose[number] = stripped
                cells.append(_Cell("", -number))  # keeps the loose line's place
            continue
        cell = _Cell(stripped[:-1].strip(), number)
        if columns is None:
            if column_of(cell.text):
                header.append(cell)
                continue
            if len(header) >= 2 and is_header_row([c.text for c in header]):
                columns = find_columns([c.text for c in header])
            else:
                preamble.extend(c.text for c in header)
                header = []
                preamble.append(cell.text)
                continue
        cells.append(cell)
    if columns is None and len(header) >= 2 and is_header_row([c.text for c in header]):
        columns = find_columns([c.text for c in header])
    if columns is None:
        return None
    rows = [GridRow(tuple(c.text for c in header), Location(file, header[0].line))]
    aligned, cut_off = _align_stream(cells, columns, loose, file)
    preamble += read_grid(rows + aligned, builder, where=file)
    if cut_off is not None:
        builder.skipped(*cut_off)
    return preamble


def _align_stream(cells: list[_Cell], columns: Columns, loose: dict[int, str], file: str
                  ) -> tuple[list[GridRow], tuple[Location, str] | None]:
    """Cut the cells, in reading order, into rows of the header's width; and, when the
    text ends inside the last row (a file cut off), where and what to report of it."""
    width = len(columns.cells)
    rows: list[GridRow] = []
    position = 0
    while position < len(cells):
        cell = cells[position]
        if cell.line < 0:  # a line without the cell mark, inside the table
            _loose_line(loose[-cell.line], Location(file, -cell.line), rows, width)
            position += 1
            continue
        if _is_heading(cell.text, columns):
            rows.append(GridRow(tuple([cell.text] * width), Location(file, cell.line)))
            position += 1
            continue
        row = [""] * width
        index = 0
        # Leading columns merged down from the row above are left out of the stream.
        while index < width and _optional(index, columns):
            if position < len(cells) and cells[position].line > 0 \
                    and _fits(cells[position].text, index, columns):
                row[index] = cells[position].text
                position += 1
            index += 1
        start = cells[position].line if position < len(cells) else cell.line
        taken = [c for c in cells[position:position + width - index] if c.line > 0]
        if len(taken) < width - index:
            if len(taken) == sum(1 for c in cells[position:] if c.line > 0):
                return rows, (Location(file, cell.line), (  # where the row begins
                    f"the table ends inside a row: {len(taken)} cell(s), fewer than its header "
                    f"(cut off?); {width - index} were expected for {_names(columns, index)}, "
                    "so the row was not read"))
            raise InputError(
                f"the table ends inside a row: {width - index} cells were expected for "
                f"{_names(columns, index)}, {len(taken)} found; the cells cannot be aligned "
                "with the header", where=f"{file}:{start}")
        for offset, item in enumerate(taken):
            row[index + offset] = item.text
        _check_row(row, taken, index, columns, file)
        rows.append(GridRow(tuple(row), Location(file, start)))
        position += width - index
    return rows, None


# --- Rows separated by blanks -----------------------------------------------------------------

def _read_spaced(lines: list[str], path: Path, builder: PlanBuilder) -> list[str] | None:
    file = str(path)
    preamble: list[str] = []
    rows: list[GridRow] = []
    columns: Columns | None = None
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped:
            continue
        cells = [c.strip() for c in _SPACED.split(stripped) if c.strip()]
        if columns is None:
            if len(cells) >= 2 and is_header_row(cells):
                columns = find_columns(cells)
                rows.append(GridRow(tuple(cells), Location(file, number)))
            else:
                preamble.append(stripped)
            continue
        width = len(columns.cells)
        if len(cells) == 1:
            _loose_line(cells[0], Location(file, number), rows, width)
            continue
        if len(cells) > width:
            raise InputError(
                f"the row has {len(cells)} cells where the header has {width} "
                f"({', '.join(columns.cells)}); the cells cannot be aligned with the header",
                where=f"{file}:{number}")
        row = [""] * width
        index, position = 0, 0
        # Merged leading cells are left out: what the row's first cells hold says which.
        missing = width - len(cells)
        while missing and index < width and _optional(index, columns):
            if _fits(cells[position], index, columns):
                row[index] = cells[position]
                position += 1
            else:
                missing -= 1
            index += 1
        if width - index != len(cells) - position:
            raise InputError(
                f"the row has {len(cells)} cells where the header has {width} "
                f"({', '.join(columns.cells)}) and no merged cell explains the difference; "
                "the cells cannot be aligned with the header", where=f"{file}:{number}")
        for offset, text in enumerate(cells[position:]):
            row[index + offset] = text
        _check_row(row, [_Cell(t, number) for t in cells[position:]], index, columns, file)
        rows.append(GridRow(tuple(row), Location(file, number)))
    if columns is None:
        return None
    return preamble + read_grid(rows, builder, where=file)


# --- Cells in reading order ------------------------------------------------------------------

# Names of units end so; names of people (张三, 王明远) do not.
_UNIT_END = re.compile(r"(?:局|委|办|院|会|府|部|处|中心|公司|集团|所|队|站|行|馆|厅|室|社|团|街道|镇|乡|区|县|市|"
                       r"单位|部门|机构|企业|园|校|关|署|台|报|组|班|庭|庁|科|股)[）)]*$")
_PERSON = re.compile(r"[\u4e00-\u9fff]{2,4}")


def _unit_like(text: str) -> bool:
    if not text or "。" in text or looks_like_deadline(text):
        return False
    parts = [p for p in re.split(r"[、，,；;\s]+", text) if p]
    return bool(parts) and 2 * sum(1 for p in parts if _UNIT_END.search(p)) >= len(parts)


def _people_like(text: str) -> bool:
    # 钱 斌: a two-character name set with a space to line up with three-character ones
    text = re.sub(r"(?<=^[\u4e00-\u9fff])[ \u3000](?=[\u4e00-\u9fff]$)", "", text, flags=re.M)
    parts = [p for p in re.split(r"[、，,；;\s]+", text) if p]
    return bool(parts) and all(_PERSON.fullmatch(p) and not _UNIT_END.search(p) for p in parts)


def _separated_cells(lines: list[str]) -> list[tuple[int, str]]:
    """The cells between separator lines, each with its first line's number: the lines of a
    cell joined (王 某 ⏎ 方 某 is one cell); an empty or merged cell leaves none."""
    cells: list[tuple[int, str]] = []
    current: list[tuple[int, str]] = []
    first = next(i for i, line in enumerate(lines) if _SEPARATOR_LINE.match(line.strip()))
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if number < first and stripped:  # the lines above the table: one entry each
            cells.append((number, stripped))
        elif _SEPARATOR_LINE.match(stripped):
            if current:
                cells.append((current[0][0], "\n".join(text for _, text in current)))
            current = []
        elif stripped:
            current.append((number, stripped))
    if current:
        cells.append((current[0][0], "\n".join(text for _, text in current)))
    return cells


def _read_reading_order(lines: list[str], path: Path, builder: PlanBuilder, *,
                        entries: list[tuple[int, str]] | None = None) -> list[str] | None:
    file = str(path)
    if entries is None:
        entries = [(number, line.strip()) for number, line in enumerate(lines, start=1)
                   if line.strip()]
    start = None
    for i in range(len(entries)):
        run = []
        for _, text in entries[i:]:
            if not header_column(text):
                break
            run.append(text)
        if len(run) >= 2 and is_header_row(run):
            start = i
            break
    if start is None:
        return None
    header = []
    for _, text in entries[start:]:
        if not header_column(text):
            break
        header.append(text)
    columns = find_columns(header)
    if columns.missing:
        raise InputError(f"the table header lacks columns we need ({columns.describe_missing()})",
                         where=f"{file}:{entries[start][0]}")
    preamble = [text for _, text in entries[:start]]
    cells = entries[start + len(header):]
    width = len(header)
    rows = [GridRow(tuple(header), Location(file, entries[start][0]))]
    after_measure = [i for i in range(columns.measure + 1, width)]  # type: ignore[operator]
    position = 0
    while position < len(cells):
        number, text = cells[position]
        if _TABLE_NOTE.match(text):
            builder.skipped(Location(file, number), f"note under the table: {text[:40]!r}")
            position += 1
            continue
        if _is_heading(text, columns) or (columns.theme is None and columns.task is not None
                                          and theme_heading(text)):
            rows.append(GridRow(tuple([text] * width), Location(file, number)))
            position += 1
            continue
        row = [""] * width
        for index in range(0, columns.measure):  # type: ignore[arg-type]
            if position < len(cells) and _optional(index, columns) \
                    and ((_fits(cells[position][1], index, columns)
                          and not _units_follow(cells, position, index, columns))
                         or _names_a_group(cells, position, index, columns)):
                row[index] = cells[position][1]
                position += 1
        if position >= len(cells):
            break
        first_line = cells[position][0]
        row[columns.measure] = cells[position][1]  # type: ignore[index]
        position += 1
        # Further paragraphs of the measure's cell: sentences that are no units or deadline.
        while position < len(cells) and not _row_start(cells[position][1], columns) \
                and not _unit_like(cells[position][1]) \
                and not looks_like_deadline(cells[position][1]) \
                and not _people_like(cells[position][1]):
            row[columns.measure] += "\n" + cells[position][1]  # type: ignore[index]
            position += 1
        for index in after_measure:
            if position >= len(cells):
                break
            text = cells[position][1]
            if _row_start(text, columns):
                break
            if _fits_after_measure(text, index, columns):
                row[index] = text
                position += 1
                # 区绿化市容局、 ⏎ 区农业农村委: a unit list that goes on over the next line
                while row[index].endswith(("、", "，", ",")) and position < len(cells) \
                        and _unit_like(cells[position][1]) \
                        and not _row_start(cells[position][1], columns):
                    row[index] += cells[position][1]
                    position += 1
        if not row[columns.lead] and not any(row[i] for i in after_measure):  # type: ignore[index]
            raise InputError(
                f"the cells cannot be aligned with the header ({' | '.join(header)}): no unit or "
                f"deadline follows the text {row[columns.measure][:30]!r}",  # type: ignore[index]
                where=f"{file}:{first_line}")
        rows.append(GridRow(tuple(row), Location(file, first_line)))
    return preamble + read_grid(rows, builder, where=file)


def _names_a_group(cells: list[tuple[int, str]], position: int, index: int,
                   columns: Columns) -> bool:
    """A task cell without its number (主要预期目标, 加强组织领导) before a measure cell: one that
    has a number, or one that reads as sentences where the task cell reads as a title."""
    if index != columns.task or position + 1 >= len(cells):
        return False
    text, following = cells[position][1], cells[position + 1][1]
    if len(text) > _GROUP_TITLE or re.search(r"[。；;，,]", text):
        return False
    return numbered(following) is not None or (
        bool(re.search(r"[。；;]", following)) and not _unit_like(text)
        and not looks_like_deadline(text))


_GROUP_TITLE = 30


def _units_follow(cells: list[tuple[int, str]], position: int, index: int,
                  columns: Columns) -> bool:
    """A numbered cell that units or people follow is the measure (2.一般公共预算收入… ⏎
    ★区财政局), not a task heading."""
    return index == columns.task and position + 1 < len(cells) \
        and (_unit_like(cells[position + 1][1]) or _people_like(cells[position + 1][1]))


def _row_start(text: str, columns: Columns) -> bool:
    if columns.number is not None:
        return is_row_number(text)
    return (columns.task is not None and _fits(text, columns.task, columns)) \
        or _is_heading(text, columns) or theme_heading(text) is not None


def _fits_after_measure(text: str, index: int, columns: Columns) -> bool:
    name = header_column(columns.cells[index])
    if index in (columns.lead, columns.support) or name == "implementer":
        return _unit_like(text)
    if index == columns.deadline or name in ("year", "deadline-year"):
        return looks_like_deadline(text)
    if name == "people":
        return _people_like(text)
    return False


# --- Shared -----------------------------------------------------------------------------------

def _optional(index: int, columns: Columns) -> bool:
    """Columns a row may leave out because their cell is merged down from the row above."""
    return index in (columns.theme, columns.task, columns.number)


def _fits(text: str, index: int, columns: Columns) -> bool:
    if index == columns.number:
        return is_row_number(text)
    if index == columns.task:
        return task_heading(text) is not None and len(text) <= 60
    if index == columns.theme:
        return section_heading(text) is not None
    return False


def _is_heading(text: str, columns: Columns) -> bool:
    """A full-width heading row: a theme heading (一、…) where no theme column could hold
    it, or a section row of a table without a task column."""
    if columns.theme is not None:
        return False
    if theme_heading(text) is not None:
        return True
    return columns.task is None and section_heading(text) is not None


def _names(columns: Columns, start: int) -> str:
    return " | ".join(columns.cells[start:])


def _check_row(row: list[str], cells: list[_Cell], start: int, columns: Columns,
               file: str) -> None:
    """Refuse a row whose cells evidently sit in the wrong columns."""
    def where(index: int) -> str:
        offset = index - start
        line = cells[offset].line if 0 <= offset < len(cells) else cells[0].line
        return f"{file}:{line}"

    deadline, lead = columns.deadline, columns.lead
    if deadline is not None and row[deadline] and not looks_like_deadline(row[deadline]) \
            and ("。" in row[deadline] or len(row[deadline]) > 30):
        raise InputError(
            f"the cells cannot be aligned with the header ({_names(columns, 0)}): the deadline "
            f"column ({columns.cells[deadline]}) holds {row[deadline][:30]!r}", where=where(deadline))
    if lead is not None and "。" in row[lead].strip().rstrip("。"):
        raise InputError(
            f"the cells cannot be aligned with the header ({_names(columns, 0)}): the lead "
            f"column ({columns.cells[lead]}) holds {row[lead][:30]!r}", where=where(lead))


def _loose_line(text: str, location: Location, rows: list[GridRow], width: int) -> None:
    """A line inside the table that is no row: a heading becomes a full-width row, anything
    else is reported."""
    if theme_heading(text) or task_heading(text) or section_heading(text):
        rows.append(GridRow(tuple([text] * width), location))
    elif not column_of(text):
        rows.append(GridRow((), location, f"line inside the table skipped: {text[:40]!r}"))
