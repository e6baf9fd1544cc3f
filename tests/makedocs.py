"""Real Word, Excel and CSV files of a plan, for loader tests.

Planning offices circulate a plan's task table (重点任务分解表) as a Word attachment, an Excel
workbook or a CSV export from a tracking system. The writers here turn a :class:`Plan` record
(usually the seed, read from its text) into such files, laid out the way these documents really
are: merged theme rows, task cells merged down over their measures, header rows repeated after
a page break, a notes sheet before the table, title and note rows above the header, blank
rows, header synonyms, date-typed deadline cells, GB18030 exports.

Each file holds the same information as the record: the plan title, theme numbers and titles,
task numbers and titles, measure texts, lead and supporting units in order and spelled exactly
as in the record, and deadlines as written (``measure.deadline.text``). A loader that reads the
file correctly rebuilds the same records, so the graphs built from the file and from the seed
are the same apart from provenance.

Conventions a loader has to handle (all deterministic):

* Themes are written ``一、title`` (:func:`chinese_numeral`), tasks ``N.title``.
* Unit cells: units joined with ``、``, except that ``，`` goes before the first collective
  unit (a name starting with 各, e.g. 各县（市）区政府) when it is not the first unit, as in
  ``市财政局，各县（市）区政府、高新区管委会``.
* Word: one supporting-unit cell (by default that of the first measure with more than one
  supporting unit) has one unit per paragraph instead; measure texts are always a single
  paragraph. When ``repeat_header_every`` splits a task's rows, the task cell after the repeated
  header is empty (merged down over the rest of the task's rows): it continues the task above.
* Excel: theme rows and the title and note rows are merged across all columns; task cells are
  merged down over their measures, the value only in the top cell. One blank row stands before
  the second theme. ``date_cell_for`` turns one measure's fixed-month deadline into a date cell.
* CSV: theme and task are filled only on the first row of their group; blank cells continue
  the row above.
"""

from __future__ import annotations

import copy
import csv
import datetime
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ipplan.model import DeadlineKind, Measure, Plan, Task, Theme

HEADER = ("重点任务", "具体内容", "牵头单位", "责任单位", "完成时限")
HEADER_SYNONYMS = ("序号", "工作任务", "工作措施", "牵头部门", "配合单位", "时间节点")
CSV_HEADER = ("主题", "重点任务", "具体内容", "牵头单位", "责任单位", "完成时限")
CSV_ENCODINGS = ("utf-8", "utf-8-sig", "gb18030")

# Pass as ``split_support_for`` to let write_docx choose the measure (see there).
AUTO = "auto"

_DIGITS = "一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """The Chinese numeral for 1..99, as themes are numbered.

    >>> [chinese_numeral(n) for n in (1, 9, 10, 11, 20, 21, 99)]
    ['一', '九', '十', '十一', '二十', '二十一', '九十九']
    """
    if not 1 <= n <= 99:
        raise ValueError(f"only 1..99 can be written, not {n}")
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones - 1]
    head = "十" if tens == 1 else _DIGITS[tens - 1] + "十"
    return head + (_DIGITS[ones - 1] if ones else "")


def theme_heading(theme: Theme) -> str:
    """``一、title``."""
    return f"{chinese_numeral(theme.number)}、{theme.title}"


def task_heading(task: Task) -> str:
    """``N.title``."""
    return f"{task.number}.{task.title}"


def lead_cell(measure: Measure) -> str:
    """The lead units joined with 、."""
    return "、".join(measure.lead_units)


def support_cell(measure: Measure) -> str:
    """The supporting units joined as :func:`join_units` does."""
    return join_units(measure.support_units)


def join_units(units: Sequence[str]) -> str:
    """Units joined with 、, but with ， before the first collective unit (a name starting
    with 各) that is not the first unit, the way planners mix separators.

    >>> join_units(["市财政局", "各县（市）区政府", "高新区管委会"])
    '市财政局，各县（市）区政府、高新区管委会'
    >>> join_units(["各县（市）区政府", "高新区管委会"])
    '各县（市）区政府、高新区管委会'
    """
    text = ""
    comma_used = False
    for index, unit in enumerate(units):
        if index:
            if not comma_used and unit.startswith("各"):
                text += "，"
                comma_used = True
            else:
                text += "、"
        text += unit
    return text


@dataclass(frozen=True)
class _Group:
    """One theme (None for tasks before any theme) with its tasks and their measures."""

    theme: Theme | None
    tasks: tuple[tuple[Task, tuple[Measure, ...]], ...]


def _outline(plan: Plan) -> Iterator[_Group]:
    """The plan as themes > tasks > measures, in the record's order. Tasks without a theme
    come first; a task's measures are those whose ``task`` is its key."""
    measures: dict[str, list[Measure]] = {}
    for measure in plan.measures:
        measures.setdefault(measure.task, []).append(measure)

    def tasks_of(number: int | None) -> tuple[tuple[Task, tuple[Measure, ...]], ...]:
        return tuple((task, tuple(measures.get(task.key, ())))
                     for task in plan.tasks if task.theme == number)

    loose = tasks_of(None)
    if loose:
        yield _Group(None, loose)
    for theme in plan.themes:
        yield _Group(theme, tasks_of(theme.number))


def _prepare(path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


# --- Word -------------------------------------------------------------------------------------

def write_docx(plan: Plan, path: str | Path, *, repeat_header_every: int | None = None,
               annex: str | None = "附件1", split_support_for: str | None = AUTO) -> Path:
    """Write ``plan`` as a Word attachment: ``annex`` (if any) and the centred bold title, then
    one 5-column table ``重点任务 | 具体内容 | 牵头单位 | 责任单位 | 完成时限``.

    The header row is marked to repeat on each page (``w:tblHeader``). A theme is one row with
    a single cell spanning all columns (``gridSpan``), text ``一、title``. A task's cell
    ``N.title`` is written once and merged down (``vMerge``) over its measures' rows.

    ``repeat_header_every=N`` inserts a plain copy of the header row after every N measure rows
    (when more rows follow), as a table extracted page by page has it. A task whose rows are cut
    by such a copy continues below it with an empty task cell, merged down over the rest.

    ``split_support_for`` names the measure (by id) whose supporting-unit cell gets one unit per
    paragraph; ``AUTO`` picks the first measure with more than one supporting unit, None none.
    """
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.shared import Cm

    if repeat_header_every is not None and repeat_header_every < 1:
        raise ValueError("repeat_header_every must be a positive number of rows")
    if split_support_for == AUTO:
        split_support_for = next(
            (m.id for m in plan.measures if len(m.support_units) > 1), None)

    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    # Landscape A4 with 1.5 cm margins: the table (26.5 cm) fits the page when printed.
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.5))
    if annex:
        document.add_paragraph(annex)
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.add_run(plan.title).bold = True

    table = document.add_table(rows=1, cols=len(HEADER))
    table.style = "Table Grid"
    widths = [Cm(w) for w in (4.5, 10.0, 4.0, 5.5, 2.5)]
    for column, width in zip(table.columns, widths):
        column.width = width
    header = table.rows[0]
    for cell, text in zip(header.cells, HEADER):
        cell.text = text
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        cell.paragraphs[0].runs[0].bold = True
    plain_header = copy.deepcopy(header._tr)  # copies for repeat_header_every: not marked
    header._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))

    groups = list(_outline(plan))
    total = sum(len(measures) for group in groups for _, measures in group.tasks)
    measure_rows = 0
    for group in groups:
        if group.theme is not None:
            row = table.add_row()
            row.cells[0].merge(row.cells[-1]).text = theme_heading(group.theme)
        for task, measures in group.tasks:
            segment: list[int] = []  # the task's rows since the last header row

            def close_segment() -> None:
                if len(segment) > 1:
                    table.cell(segment[0], 0).merge(table.cell(segment[-1], 0))
                segment.clear()

            for index, measure in enumerate(measures):
                cells = table.add_row().cells
                if index == 0:
                    cells[0].text = task_heading(task)
                cells[1].text = measure.text
                cells[2].text = lead_cell(measure)
                if measure.id == split_support_for:
                    first, *rest = measure.support_units or ("",)
                    cells[3].text = first
                    for unit in rest:
                        cells[3].add_paragraph(unit)
                else:
                    cells[3].text = support_cell(measure)
                cells[4].text = measure.deadline.text
                segment.append(len(table.rows) - 1)
                measure_rows += 1
                if (repeat_header_every and measure_rows % repeat_header_every == 0
                        and measure_rows < total):
                    close_segment()
                    table._tbl.append(copy.deepcopy(plain_header))
            close_segment()

    # Word lays a table out by its cells' widths: give every cell its columns' width.
    for row in table.rows:
        start = 0
        for tc in row._tr.tc_lst:
            tc.width = sum(widths[start:start + tc.grid_span], Cm(0))
            start += tc.grid_span
    path = _prepare(path)
    document.save(str(path))
    return path


# --- Excel ------------------------------------------------------------------------------------

def write_xlsx(plan: Plan, path: str | Path, *, sheet: str = "重点任务分解表",
               synonyms: bool = True, extra_sheet_first: bool = True,
               note: str | None = "（截至2022年8月）",
               date_cell_for: str | None = None) -> Path:
    """Write ``plan`` as an Excel workbook.

    With ``extra_sheet_first`` a sheet 说明 with a few lines of prose (no table) comes first.
    The table sheet ``sheet`` has the title in row 1 and ``note`` (or nothing) in row 2, both
    merged across all columns, then the header: with ``synonyms``
    ``序号 | 工作任务 | 工作措施 | 牵头部门 | 配合单位 | 时间节点`` (序号 = the running measure
    number 1, 2, …), otherwise ``重点任务 | 具体内容 | 牵头单位 | 责任单位 | 完成时限``.
    Theme rows (``一、title``) are merged across all columns; a task's cell ``N.title`` is in the
    top row of its measures and merged down over them. One blank row stands before the second
    theme's row.

    Deadlines are the verbatim text, except for the measure ``date_cell_for`` (an id such as
    ``"1.1"``; None for no such cell): its deadline must name a month and is written as a date
    cell, the 1st of that month, formatted ``yyyy-mm``. A loader reads it as ``YYYY-MM``, which
    is then the deadline's text, so that measure's deadline text differs from the record's
    when the record wrote it otherwise (``2022年12月``); the month is the same.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    dated: Measure | None = None
    if date_cell_for is not None:
        dated = next((m for m in plan.measures if m.id == date_cell_for), None)
        if dated is None:
            raise ValueError(f"no measure {date_cell_for!r} in the plan")
        if dated.deadline.kind is not DeadlineKind.FIXED or not dated.deadline.month:
            raise ValueError(f"measure {date_cell_for}'s deadline names no month: "
                             f"{dated.deadline.text!r}")

    book = Workbook()
    if extra_sheet_first:
        notes = book.active
        notes.title = "说明"
        for row, line in enumerate((
            f"{plan.title}",
            "各牵头单位请对照分解表，细化工作举措，明确时间节点，确保各项任务落到实处。",
            "责任单位按职责分工配合牵头单位推进相关工作，每半年报送一次进展情况。",
            "本表所列完成时限为最迟完成时间，能提前完成的应提前完成。",
        ), start=1):
            notes.cell(row=row, column=1, value=line)
        notes.column_dimensions["A"].width = 90
        ws = book.create_sheet(sheet)
    else:
        ws = book.active
        ws.title = sheet

    header = HEADER_SYNONYMS if synonyms else HEADER
    width = len(header)
    offset = 1 if synonyms else 0  # the 序号 column
    wrap = Alignment(wrap_text=True, vertical="center")

    def full_width(row: int, value: str, font: Font | None = None,
                   horizontal: str | None = None) -> None:
        cell = ws.cell(row=row, column=1, value=value)
        if font is not None:
            cell.font = font
        cell.alignment = Alignment(horizontal=horizontal, vertical="center")
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)

    full_width(1, plan.title, Font(bold=True, size=16), "center")
    if note:
        full_width(2, note, horizontal="right")
    for column, text in enumerate(header, start=1):
        cell = ws.cell(row=3, column=column, value=text)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center")
    ws.freeze_panes = "A4"

    row = 4
    number = 0
    for group_index, group in enumerate(_outline(plan)):
        if group.theme is not None:
            if group_index == 1:
                row += 1  # the blank row
            full_width(row, theme_heading(group.theme), Font(bold=True))
            row += 1
        for task, measures in group.tasks:
            first = row
            for measure in measures:
                number += 1
                values: list[object] = [number] if synonyms else []
                values += [task_heading(task) if row == first else None, measure.text,
                           lead_cell(measure), support_cell(measure), measure.deadline.text]
                for column, value in enumerate(values, start=1):
                    ws.cell(row=row, column=column, value=value).alignment = wrap
                if dated is not None and measure.id == dated.id:
                    year, month = map(int, dated.deadline.month.split("-"))
                    cell = ws.cell(row=row, column=width,
                                   value=datetime.date(year, month, 1))
                    cell.number_format = "yyyy-mm"
                row += 1
            if row - first > 1:
                task_column = 1 + offset
                ws.merge_cells(start_row=first, start_column=task_column,
                               end_row=row - 1, end_column=task_column)

    widths = ([6] if synonyms else []) + [24, 60, 22, 30, 12]
    for column, size in enumerate(widths, start=1):
        ws.column_dimensions[ws.cell(row=3, column=column).column_letter].width = size
    path = _prepare(path)
    book.save(str(path))
    return path


# --- CSV --------------------------------------------------------------------------------------

def write_csv(plan: Plan, path: str | Path, *, encoding: str = "utf-8-sig",
              title_row: bool = True) -> Path:
    """Write ``plan`` as a tracking-system CSV export in ``encoding`` (utf-8, utf-8-sig or
    gb18030).

    With ``title_row`` the first row is the title in the first cell (the other cells empty).
    Then the header ``主题,重点任务,具体内容,牵头单位,责任单位,完成时限`` and one row per
    measure. The theme (``一、title``) is filled on the first row of the theme's measures and the
    task (``N.title``) on the first row of the task's; on the following rows they are blank and
    belong to the row above.
    """
    if encoding.lower() not in CSV_ENCODINGS:
        raise ValueError(f"encoding must be one of {', '.join(CSV_ENCODINGS)}")
    path = _prepare(path)
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        if title_row:
            writer.writerow([plan.title] + [""] * (len(CSV_HEADER) - 1))
        writer.writerow(CSV_HEADER)
        for group in _outline(plan):
            theme = theme_heading(group.theme) if group.theme is not None else ""
            for task, measures in group.tasks:
                for index, measure in enumerate(measures):
                    writer.writerow([theme, task_heading(task) if index == 0 else "",
                                     measure.text, lead_cell(measure), support_cell(measure),
                                     measure.deadline.text])
                    theme = ""
    return path


# --- HTML -------------------------------------------------------------------------------------

def write_html(plan: Plan, path: str | Path, *, encoding: str = "utf-8") -> Path:
    """Write ``plan`` as a web page saved from a government site: navigation, a metadata table
    (发文字号 …), the notice with the title in ``<h1>``, then the task table
    ``重点任务 | 具体内容 | 牵头单位 | 责任单位 | 完成时限``. Theme rows are one cell with
    ``colspan``; a task's cell is written once with ``rowspan`` over its measures; every cell
    holds its text in a ``<p>``; the first supporting cell of several units puts one unit per
    line with ``<br>``; blank cells hold ``&nbsp;``; the page declares ``encoding`` in its
    ``<meta>``.
    """
    from html import escape

    split = next((m.id for m in plan.measures if len(m.support_units) > 1), None)
    out = [f'<!DOCTYPE html>\n<html><head><meta http-equiv="Content-Type" '
           f'content="text/html; charset={encoding}">',
           f"<title>{escape(plan.title)}_政府门户网站</title>",
           "<script>var site = '<table><tr><td>牵头单位</td></tr></table>';</script></head><body>",
           '<div class="nav"><a href="#">首页</a> &gt; <a href="#">政府文件</a></div>',
           '<table class="meta"><tr><td>发文字号：</td><td>&nbsp;</td><td>发布日期：</td>'
           "<td>2022-09-01</td></tr></table>",
           f"<h1>关于印发{escape(plan.title)}的通知</h1>",
           "<p>各有关单位：现将任务分解表印发给你们，请认真贯彻落实。</p>",
           f'<p align="center"><b>{escape(plan.title)}</b></p>',
           '<table border="1"><tbody><tr>'
           + "".join(f"<th>{h}</th>" for h in HEADER) + "</tr>"]

    def cell(text: str) -> str:
        return f"<td><p>{escape(text)}</p></td>" if text else "<td>&nbsp;</td>"

    for group in _outline(plan):
        if group.theme is not None:
            out.append(f'<tr><td colspan="{len(HEADER)}"><p><strong>'
                       f"{escape(theme_heading(group.theme))}</strong></p></td></tr>")
        for task, measures in group.tasks:
            for index, measure in enumerate(measures):
                row = ["<tr>"]
                if index == 0:
                    span = f' rowspan="{len(measures)}"' if len(measures) > 1 else ""
                    row.append(f"<td{span}><p>{escape(task_heading(task))}</p></td>")
                row.append(cell(measure.text))
                row.append(cell(lead_cell(measure)))
                if measure.id == split:
                    row.append("<td>" + "<br>".join(escape(u) for u in measure.support_units)
                               + "</td>")
                else:
                    row.append(cell(support_cell(measure)))
                row.append(cell(measure.deadline.text))
                out.append("".join(row) + "</tr>")
    out.append("</tbody></table><div class=\"footer\">主办：市人民政府办公厅&nbsp;&copy; 版权所有"
               "</div></body></html>")
    path = _prepare(path)
    # Pages that declare gb2312 are written by tools that emit GBK (a superset), as here.
    legacy = encoding.lower() in ("gb2312", "gbk")
    path.write_bytes("\n".join(out).encode("gb18030" if legacy else encoding))
    return path


# --- LibreOffice ------------------------------------------------------------------------------

def libreoffice_convert(sources: Sequence[Path], target: str, folder: Path) -> list[Path]:
    """Convert ``sources`` with Debian's LibreOffice (``soffice --headless --convert-to
    target``) into ``folder``, in one run with a profile folder of its own; returns the
    converted files in the order of ``sources``. (A real converter, as offices use: the PDF
    attachments they publish are made so from Word files.)"""
    import shutil
    import subprocess
    import tempfile

    program = shutil.which("soffice")
    if program is None:
        raise RuntimeError("LibreOffice is not installed: apt-get install "
                           "libreoffice-writer-nogui libreoffice-calc-nogui")
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="makedocs-soffice-") as profile:
        subprocess.run([program, f"-env:UserInstallation={Path(profile).as_uri()}",
                        "--headless", "--norestore", "--convert-to", target,
                        "--outdir", str(folder), *map(str, sources)],
                       check=True, capture_output=True, timeout=300, stdin=subprocess.DEVNULL)
    made = [folder / f"{Path(source).stem}.{target.split(':')[0]}" for source in sources]
    missing = [p.name for p in made if not p.exists()]
    if missing:
        raise RuntimeError(f"LibreOffice did not write {', '.join(missing)}")
    return made


# --- Tables flattened into text ---------------------------------------------------------------

def write_flattened(plan: Plan, path: str | Path, *, style: str = "cells",
                    mark: str = "|") -> Path:
    """Write ``plan`` as its table flattened into text, the way a web table pasted into a
    text box looks: the title, a note, then the table.

    ``style="cells"``: one cell per line ending in ``mark`` (| or ｜), in reading order: the
    five header cells, a theme as one line, a task's cell only in its first row (it was
    merged down), an empty cell as a bare mark. ``style="markdown"``: a Markdown pipe table
    with a ``|---|`` rule; a theme row has its text in the first cell and the others empty,
    a task cell is blank below its first row. ``style="reading"``: the cells in reading order
    as a reader's copy gives them, one per line without a mark; an empty cell leaves no line.
    """
    if style not in ("cells", "markdown", "reading"):
        raise ValueError("style is 'cells', 'markdown' or 'reading'")
    out = [plan.title, "（网页表格复制）", ""]
    if style == "markdown":
        out[0] = f"# {plan.title}"
        out += ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    else:
        mark = "" if style == "reading" else mark
        out += [f"{name}{mark}" for name in HEADER]
    for group in _outline(plan):
        if group.theme is not None:
            heading = theme_heading(group.theme)
            out.append(f"| {heading} |" + " |" * (len(HEADER) - 1) if style == "markdown"
                       else f"{heading}{mark}")
        for task, measures in group.tasks:
            for index, measure in enumerate(measures):
                cells = [task_heading(task) if index == 0 else "", measure.text,
                         lead_cell(measure), support_cell(measure), measure.deadline.text]
                if style == "markdown":
                    out.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
                else:
                    out += [f"{cell}{mark}" for cell in (cells if index == 0 else cells[1:])
                            if cell or style != "reading"]
    path = _prepare(path)
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path
