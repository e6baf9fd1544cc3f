"""Each unit's list (责任清单) as a unit's or a cluster's page shows it, as one Excel workbook
with a sheet per unit, and as a CSV per unit: the rows of :func:`ipplan.graph.lists.unit_lists`
in the pack's language, the same in every medium.

The workbook is written with openpyxl and made byte-for-byte the same for the same lists:
its creation and modification times and its creator are fixed, and its zip entries carry a
fixed date.
"""

from __future__ import annotations

import datetime as _dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Sequence
from typing import Any

from ipplan.graph.lists import ListedMeasure, UnitLists, list_order
from ipplan.output import excel_csv

__all__ = ["CLUSTER_COLUMNS", "CSV_FOLDER", "LIST_COLUMNS", "WORKBOOK", "by_unit_files",
           "cluster_rows", "cluster_table", "csv_names", "list_rows", "sheet_names",
           "unit_table", "workbook_bytes"]

# (key, Chinese heading, English heading, column width in Excel's characters)
LIST_COLUMNS = (
    ("plan", "方案", "Plan", 24),
    ("measure_id", "编号", "No.", 8),
    ("measure", "具体措施", "Measure", 60),
    ("role", "角色", "Role", 10),
    ("theme", "主题", "Theme", 24),
    ("task", "任务", "Task", 30),
    ("other_units", "其他单位（角色）", "Other units (role)", 40),
    ("deadline", "完成时限", "Deadline", 14),
    ("progress", "完成情况", "Progress", 24),
)
CLUSTER_COLUMNS = (
    ("plan", "方案", "Plan", 24),
    ("measure_id", "编号", "No.", 8),
    ("measure", "具体措施", "Measure", 60),
    ("lead_units", "牵头单位", "Lead units", 30),
    ("members", "聚类成员（角色）", "Members on it (role)", 40),
    ("deadline", "完成时限", "Deadline", 14),
    ("progress", "完成情况", "Progress", 24),
)
# A progress the table states, when its words are empty (a state read from a tick)
PROGRESS_NAMES = {"done": ("已完成", "done"), "in-progress": ("推进中", "in progress"),
                  "not-started": ("未启动", "not started"), "unknown": ("", "")}
ROLE_NAMES = {"lead": ("牵头", "lead"), "support": ("配合", "support")}
WORKBOOK = "unit-lists.xlsx"
CSV_FOLDER = "unit-lists"
INDEX_SHEET = "目录"  # the index sheet's name in both languages: no unit is called that
# Excel refuses these in a sheet name; a file name refuses a few more on some systems
_NOT_IN_SHEET = re.compile(r"[\[\]:*?/\\]")
_NOT_IN_FILE = re.compile(r'[<>:"|?*/\\\x00-\x1f\x7f]')
_FIXED_TIME = _dt.datetime(2000, 1, 1)  # the workbook's dates: the same in every build


def _columns(columns: Sequence[tuple[str, str, str, int]], lists: UnitLists
             ) -> list[tuple[str, str, str, int]]:
    """The columns shown: the plan only when the lists come from several plans, the
    progress only when a table gives one."""
    return [c for c in columns if (c[0] != "plan" or lists.plans > 1)
            and (c[0] != "progress" or lists.has_progress)]


def _unit_name(lists: UnitLists, unit: str, lang: str) -> str:
    info = lists.units[unit]
    return (info.name_en or info.name) if lang == "en" else info.name


def _with_role(lists: UnitLists, unit: str, roles: Sequence[str], lang: str) -> str:
    named = ("、" if lang != "en" else ", ").join(ROLE_NAMES[r][lang == "en"] for r in roles)
    name = _unit_name(lists, unit, lang)
    return f"{name} ({named})" if lang == "en" else f"{name}（{named}）"


def _joined(items: list[str], lang: str) -> str:
    return ("; " if lang == "en" else "、").join(items)


def _place_of(measure: ListedMeasure, lang: str) -> str:
    if lang == "en":
        return f"{measure.plan_title} ({measure.plan})"
    return f"{measure.plan_title}（{measure.plan}）"


def _common(measure: ListedMeasure, lang: str) -> dict[str, str]:
    theme = f"{measure.theme_number}. {measure.theme}" if measure.theme_number else ""
    return {"plan": _place_of(measure, lang), "measure_id": measure.number,
            "measure": measure.text, "theme": theme,
            "task": f"{measure.task_number}. {measure.task}" if measure.task_number
            else measure.task, "deadline": measure.shown_deadline,
            "progress": measure.progress_text
            or PROGRESS_NAMES.get(measure.progress, ("", ""))[lang == "en"]}


def list_rows(lists: UnitLists, unit: str, lang: str = "zh") -> list[dict[str, str]]:
    """A unit's list as rows of text (keys: :data:`LIST_COLUMNS`), in list order, in the
    language ``lang`` (zh or en)."""
    rows = []
    for entry in lists.lists.get(unit, []):
        row = _common(entry.measure, lang)
        row["role"] = _joined([ROLE_NAMES[r][lang == "en"] for r in entry.roles], lang)
        by_unit: dict[str, list[str]] = {}
        for other, role in entry.others(unit):
            by_unit.setdefault(other, []).append(role)
        row["other_units"] = _joined([_with_role(lists, u, r, lang)
                                      for u, r in by_unit.items()], lang)
        rows.append(row)
    return rows


def cluster_rows(lists: UnitLists, members: Sequence[str], measures: Sequence[str],
                 lang: str = "zh") -> list[dict[str, str]]:
    """The measures a cluster's members share (keys: :data:`CLUSTER_COLUMNS`), in list
    order: who leads each, and which members are on it with their roles."""
    inside = set(members)
    order = {iri: i for i, iri in enumerate(sorted(measures))}
    shared = sorted((lists.measures[m] for m in measures if m in lists.measures),
                    key=lambda m: list_order(m, order[m.iri]))
    rows = []
    for measure in shared:
        row = _common(measure, lang)
        row["lead_units"] = _joined([_unit_name(lists, u, lang) for u in measure.leads()], lang)
        by_unit: dict[str, list[str]] = {}
        for unit, role in measure.units:
            if unit in inside:
                by_unit.setdefault(unit, []).append(role)
        row["members"] = _joined([_with_role(lists, u, r, lang) for u, r in by_unit.items()],
                                 lang)
        rows.append(row)
    return rows


def _table(columns: list[tuple[str, str, str, int]], zh: list[dict[str, str]],
           en: list[dict[str, str]], heading: tuple[str, str], empty: tuple[str, str]
           ) -> dict[str, Any]:
    """A list as a page holds it: headings and rows in both languages (a cell that reads the
    same in both is given once), the heading that tops each printed sheet, and what an
    empty list says. The page puts it on screen with textContent only."""
    rows = []
    for one, other in zip(zh, en):
        rows.append([one[key] if one[key] == other[key] else [one[key], other[key]]
                     for key, *_ in columns])
    return {"columns": [{"key": key, "zh": z, "en": e} for key, z, e, _w in columns],
            "rows": rows, "heading_zh": heading[0], "heading_en": heading[1],
            "empty_zh": empty[0], "empty_en": empty[1]}


def unit_table(lists: UnitLists, unit: str) -> dict[str, Any]:
    """A unit's list as its page shows it (see :func:`_table`)."""
    name_zh, name_en = _unit_name(lists, unit, "zh"), _unit_name(lists, unit, "en")
    return _table(_columns(LIST_COLUMNS, lists), list_rows(lists, unit, "zh"),
                  list_rows(lists, unit, "en"),
                  (f"责任清单：{name_zh}", f"Checklist: {name_en}"),
                  ("这个单位没有分到措施。", "No measure names this unit."))


def cluster_table(lists: UnitLists, number: int, members: Sequence[str],
                  measures: Sequence[str]) -> dict[str, Any]:
    """The measures a cluster's members share, as its page shows them (see :func:`_table`)."""
    return _table(_columns(CLUSTER_COLUMNS, lists), cluster_rows(lists, members, measures, "zh"),
                  cluster_rows(lists, members, measures, "en"),
                  (f"协作聚类 {number}：共同承担的措施", f"Cluster {number}: shared measures"),
                  ("成员没有共同承担的措施。", "The members share no measure."))


def _fit(name: str, pattern: re.Pattern[str], limit: int) -> str:
    """``name`` without the characters ``pattern`` refuses, within ``limit`` characters,
    without the leading or trailing apostrophes and dots Excel and file systems refuse."""
    name = unicodedata.normalize("NFC", pattern.sub("_", name))
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = name.strip().strip("'.").strip() or "unit"
    return name[:limit].rstrip()


def sheet_names(lists: UnitLists) -> dict[str, str]:
    """Each listed unit's sheet name: its name as Excel accepts it (at most 31 characters,
    none of []:*?/\\), unique without regard to case; a name taken (the same unit name in
    two jurisdictions, or two names cut to the same) gets its place, then a number. Stable:
    the same lists give the same names.

    >>> from ipplan.graph.lists import ListedUnit, UnitLists
    >>> units = {u: ListedUnit(u, n, "", p) for u, n, p in (
    ...     ("a", "市科技局", "福州市"), ("b", "市科技局", "厦门市"), ("c", "[局]:*?/\\\\", ""))}
    >>> sheet_names(UnitLists(units, {}, {u: [] for u in units}, 2))
    {'c': '_局_____', 'b': '市科技局', 'a': '市科技局（福州市）'}
    """
    taken = {INDEX_SHEET.casefold()}
    names = {}
    for unit in lists.ordered_units():
        info = lists.units[unit]
        base = _fit(info.name, _NOT_IN_SHEET, 31)
        candidates = [base]
        if info.place:
            candidates.append(_fit(f"{info.name}（{info.place}）", _NOT_IN_SHEET, 31))
        for candidate in candidates:
            if candidate.casefold() not in taken:
                break
        else:
            number = 2
            while True:
                suffix = f"~{number}"
                candidate = base[:31 - len(suffix)] + suffix
                if candidate.casefold() not in taken:
                    break
                number += 1
        taken.add(candidate.casefold())
        names[unit] = candidate
    return names


def csv_names(lists: UnitLists) -> dict[str, str]:
    """Each listed unit's CSV file name: its sheet name as a file name (no <>:"|?*/\\ or
    control characters) with ``.csv``."""
    taken: set[str] = set()
    names = {}
    for unit, sheet in sheet_names(lists).items():
        base = _fit(sheet, _NOT_IN_FILE, 80)
        candidate, number = base, 2
        while candidate.casefold() in taken:
            candidate, number = f"{base}~{number}", number + 1
        taken.add(candidate.casefold())
        names[unit] = f"{candidate}.csv"
    return names


def workbook_bytes(lists: UnitLists, lang: str = "zh") -> bytes:
    """One Excel workbook: an index sheet (unit, jurisdiction, sheet, measures led and
    supported), then one sheet per unit with its list; each sheet's header row frozen,
    columns wide enough for Chinese text, the measure's text wrapped. The same lists give
    the same bytes."""
    # openpyxl is a dependency; imported here since only the pack and export use it
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    en = lang == "en"
    columns = _columns(LIST_COLUMNS, lists)
    names = sheet_names(lists)
    book = Workbook()
    index = book.active
    index.title = INDEX_SHEET
    heading = (("Unit", "Jurisdiction", "Sheet", "Leads", "Supports") if en else
               ("单位", "所属地区", "工作表", "牵头", "配合"))
    index.append(heading)
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for unit in lists.ordered_units():
        entries = lists.lists[unit]
        index.append([_safe(_unit_name(lists, unit, lang)), _safe(lists.units[unit].place),
                      names[unit], sum("lead" in e.roles for e in entries),
                      sum("support" in e.roles for e in entries)])
        quoted = names[unit].replace("'", "''")
        index.cell(index.max_row, 3).hyperlink = f"#'{quoted}'!A1"
    _dress(index, [30, 12, 34, 8, 8], bold)
    for unit in lists.ordered_units():
        sheet = book.create_sheet(names[unit])
        sheet.append([(english if en else chinese) for _k, chinese, english, _w in columns])
        for row in list_rows(lists, unit, lang):
            sheet.append([_safe(row[key]) for key, *_ in columns])
            for cell in sheet[sheet.max_row]:
                cell.alignment = wrap
        _dress(sheet, [width for *_, width in columns], bold)
        sheet.print_title_rows = "1:1"  # the header on every printed page
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
    book.properties.creator = "ipplan"
    book.properties.lastModifiedBy = "ipplan"
    book.properties.created = book.properties.modified = _FIXED_TIME
    out = io.BytesIO()
    book.save(out)
    return _fixed_zip(out.getvalue())


def _dress(sheet: Any, widths: Sequence[int], bold: Any) -> None:
    """A bold, frozen header row and the columns' widths."""
    from openpyxl.utils import get_column_letter  # with openpyxl, above

    for cell in sheet[1]:
        cell.font = bold
    sheet.freeze_panes = "A2"
    for number, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = width


def _safe(text: str) -> str:
    """Text a spreadsheet keeps as text: openpyxl would store "=…" as a formula."""
    return "'" + text if text.startswith("=") else text


# openpyxl writes the time of the save as the workbook's modification time, whatever is set
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def _fixed_zip(data: bytes) -> bytes:
    """The workbook's zip with every entry dated the same (openpyxl stamps them with the
    time of the save) and the same modification time inside."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            fixed = zipfile.ZipInfo(item.filename, date_time=(2000, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = item.external_attr
            content = source.read(item.filename)
            if item.filename == "docProps/core.xml":
                content = _MODIFIED.sub(rb"\g<1>2000-01-01T00:00:00Z\g<2>", content)
            target.writestr(fixed, content)
    return out.getvalue()


def by_unit_files(lists: UnitLists, lang: str = "zh") -> list[tuple[str, bytes]]:
    """The workbook (:data:`WORKBOOK`) and one CSV per unit (in :data:`CSV_FOLDER`, UTF-8
    with a BOM like the pack's other CSVs), as (relative name, bytes)."""
    columns = [key for key, *_ in _columns(LIST_COLUMNS, lists)]
    files = [(WORKBOOK, workbook_bytes(lists, lang))]
    for unit, name in sorted(csv_names(lists).items(), key=lambda kv: kv[1]):
        files.append((f"{CSV_FOLDER}/{name}", excel_csv(list_rows(lists, unit, lang), columns)))
    return files

