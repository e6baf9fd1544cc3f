"""Recognising a task table's header row by column names, with the synonyms planners use.

>>> find_columns(["序号", "重点任务", "具体内容", "牵头单位", "责任单位", "完成时限"]).measure
2

Published tables name their columns in many ways (牵头单位（部门）, 责任（配合）单位, 内容,
2024年工作计划 …). Beside the five columns every table needs or may have, a header may hold
columns of people (牵头领导, 责任人: never units), a second supporting column (实施主体),
year-plan columns (2024年工作项目 | 2025年计划: the measure runs to the last year), a progress
column (完成情况, 进展情况, 是否完成: the measure's progress) and a remark column (备注, read
only where it states a progress, 已完成).

>>> c = find_columns(["序号", "重点工作任务", "责任单位"])
>>> (c.measure, c.lead, c.support, c.first_leads)
(1, 2, None, True)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Column -> the names planners give it. Matched after removing blanks, so 牵 头 单 位 matches.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "number": ("序号", "编号"),
    "theme": ("主题", "重点领域", "工作领域", "类别", "板块", "任务分类", "任务类型"),
    "task": ("重点任务", "主要任务", "工作任务", "任务", "任务名称", "主要方向", "目标名称", "项目名称",
             "项目"),
    "measure": ("具体内容", "工作措施", "具体措施", "主要内容", "工作内容", "任务内容", "具体举措",
                "工作要求", "重点工作", "重点工作任务", "目标任务", "工作举措", "主要工作目标任务",
                "工作目标任务", "工作事项", "内容", "工作标准", "工作目标", "预期目标", "主要目标",
                "目标要求"),
    "lead": ("牵头单位", "牵头部门", "主办单位", "牵头责任单位", "主要责任单位", "牵头单位（部门）",
             "责任单位（牵头）", "牵头单位(部门)", "责任单位(牵头)"),
    "support": ("责任单位", "配合单位", "协办单位", "参与单位", "责任部门", "配合部门", "协同配合单位",
                "配合/责任单位", "责任单位（配合）", "责任（配合）单位", "责任单位(配合)",
                "责任(配合)单位", "推进单位", "实施单位"),
    "deadline": ("完成时限", "完成时间", "时间节点", "时限", "完成期限", "时间安排", "时间进度"),
    # How far each measure has come: a progress report's column (read as written, and as done,
    # in progress or not started).
    "status": ("完成情况", "进展情况", "工作进展", "推进情况", "是否完成", "落实情况", "工作进展情况",
               "完成进度", "进展", "目前进展", "当前进展", "执行情况", "办理情况", "办结情况",
               "工作完成情况", "任务完成情况", "推进落实情况", "进展及成效", "完成状态", "状态"),
    # Not read as units or text, but named so the header is recognised as one.
    "people": ("牵头领导", "责任领导", "责任人", "分管领导", "联系领导", "牵头市领导", "责任市领导"),
    "implementer": ("实施主体",),
    "remark": ("备注", "说明"),
}

REQUIRED = ("measure", "lead")
# A unit column that names no role: when it is the table's only unit column, the first unit
# it lists leads (the usual rule, which documents state as 列第一位的为牵头单位).
GENERIC_UNIT_COLUMNS = frozenset({"责任单位", "推进单位", "责任部门", "实施单位"})
# The columns a row's cells are read from (people, implementers and remarks are kept apart).
_SINGLE = ("number", "theme", "task", "measure", "lead", "support", "deadline", "status")

_LOOKUP = {name: column for column, names in SYNONYMS.items() for name in names}
# 重点任务（2024-2026）: a column name with its period in parentheses.
_PERIOD = re.compile(r"[（(][^（）()]*\d[^（）()]*[）)]$")
# 2024年工作项目, 2025年计划, 2025年工作计划, 2024年重点任务: one year's plan for the measure.
# 2023年 | 2024年 under a 完成时限 spanning them: the row's deadline is in its year's cell.
_YEAR = re.compile(r"^(\d{4})年(?:度)?$")
_YEAR_NAMED = re.compile(r"^\d{4}年(?:度)?(\S+)$")
# 1-11月份完成情况, 2023年进展情况, 截至6月底推进情况: a report period before a progress column.
_PERIOD_STATUS = re.compile(r"^(?:截至|截止)?[\d\-—～~至年月份日底上下半季度第一二三四]*"
                            r"(?:完成情况|进展情况|推进情况|落实情况|工作进展)$")
_YEAR_PLAN = re.compile(r"^(\d{4})年(?:度)?(?:工作|重点)?(?:项目|计划|任务|目标|安排|工作计划|工作任务)$")


# Header names not in the lists, told by their words (short cells only, so that no sentence
# of a data row is taken for a header): 牵头责任部门, 配合责任单位, 完成时间节点, 工作内容及目标 …
_BY_WORDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"领导|责任人|联系人|负责人"), "people"),
    (re.compile(r"牵头.*(?:单位|部门)|主责(?:单位|部门)"), "lead"),
    (re.compile(r"(?:配合|协同|协助|协办|参与).*(?:单位|部门)"), "support"),
    (re.compile(r"^责任(?:单位|部门|主体)$"), "support"),
    (re.compile(r"时限|期限|完成时间|时间节点|时间要求|进度安排|完成日期"), "deadline"),
    (re.compile(r"完成情况|进展情况|推进情况|落实情况|工作进展|是否完成"), "status"),
    (re.compile(r"措施|举措|内容|目标任务"), "measure"),
    (re.compile(r"任务"), "task"),
)
_BY_WORDS_MAX = 10
_NAME_ONLY = re.compile(r"[\u4e00-\u9fff（）()/、]+")


def _key(cell: str) -> str:
    return re.sub(r"\s+", "", cell or "")


def column_of(cell: str) -> str | None:
    """The column a header cell names, or None.

    >>> column_of("重点任务（2024-2026）"), column_of("2025年计划"), column_of("牵 头\\n部门")
    ('task', 'year', 'lead')
    >>> column_of("2022年预期目标"), column_of("工 作 标 准"), column_of("目标名称")
    ('measure', 'measure', 'task')
    """
    key = _key(cell)
    if key in _LOOKUP:
        return _LOOKUP[key]
    if (year_named := _YEAR_NAMED.match(key)) and _LOOKUP.get(year_named[1]) == "measure":
        return "measure"  # 2022年预期目标: the year's targets are the measures
    if _YEAR_PLAN.match(key):
        return "year"
    if _PERIOD_STATUS.match(key):
        return "status"
    if _YEAR.match(key):
        return "deadline-year"
    trimmed = _PERIOD.sub("", key)
    if trimmed != key and trimmed in _LOOKUP:
        return _LOOKUP[trimmed]
    return None


def header_column(cell: str) -> str | None:
    """The column a cell of a header row names: :func:`column_of`, else a short name told by
    its words (牵头责任部门, 配合责任单位, 完成时间节点, 分管市领导), which only a row that is a
    header as a whole is read by.

    >>> header_column("牵头责任部门"), header_column("完成时间节点"), header_column("1.任务一。")
    ('lead', 'deadline', None)
    """
    column = column_of(cell)
    if column is not None:
        return column
    key = _PERIOD.sub("", _key(cell))
    if 2 <= len(key) <= _BY_WORDS_MAX and _NAME_ONLY.fullmatch(key):
        for pattern, name in _BY_WORDS:
            if pattern.search(key):
                return name
    return None


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
    status: int | None = None  # a progress column (完成情况)
    # A remark column (备注): read as progress where it states one, when there is no progress
    # column.
    remark: int | None = None
    # More supporting units (实施主体), listed after the support column's.
    implementers: tuple[int, ...] = ()
    # Year-plan columns as (index, year): a measure without a deadline column runs to the last.
    years: tuple[tuple[int, int], ...] = ()
    # 完成时限 split into year columns (2023年 | 2024年) as (index, year): a row's deadline is
    # its last filled year cell (12月底 → 2024年12月底; a tick → the end of that year).
    deadline_years: tuple[tuple[int, int], ...] = ()
    # The lead column is the table's only unit column (责任单位): its first unit leads.
    first_leads: bool = False

    @property
    def found(self) -> list[str]:
        found = [name for name in _SINGLE if getattr(self, name) is not None]
        return found + (["deadline"] if self.deadline_years and "deadline" not in found else [])

    @property
    def missing(self) -> list[str]:
        return [name for name in REQUIRED if getattr(self, name) is None]

    @property
    def last_plan_year(self) -> int | None:
        return max((year for _, year in self.years), default=None)

    def describe_missing(self) -> str:
        """One sentence saying which columns are found and which are missing."""
        def named(name: str) -> str:
            index = getattr(self, name)
            if index is None:  # the deadline split into year columns
                return " | ".join(self.cells[i] for i, _ in self.deadline_years)
            return self.cells[index]

        found = ", ".join(f"{name} ({named(name)})" for name in self.found)
        missing = ", ".join(f"{name} ({'/'.join(SYNONYMS[name][:3])})" for name in self.missing)
        return f"found columns: {found or 'none'}; missing: {missing}"


def find_columns(cells: list[str] | tuple[str, ...]) -> Columns:
    """Map a row's cells to columns. The first cell naming a column wins, except that a table
    whose task-like columns are its only text columns (工作任务 with no 具体内容) reads its
    measures from the last of them, and a lone 责任单位 column is the lead column with its
    first unit leading."""
    positions: dict[str, int] = {}
    tasks: list[int] = []
    implementers: list[int] = []
    years: list[tuple[int, int]] = []
    deadline_years: list[tuple[int, int]] = []
    for index, cell in enumerate(cells):
        column = header_column(cell)
        if column == "task":
            tasks.append(index)
        if column == "implementer":
            implementers.append(index)
        elif column == "year":
            years.append((index, int(_key(cell)[:4])))
        elif column == "deadline-year":
            deadline_years.append((index, int(_key(cell)[:4])))
        elif column in _SINGLE and column not in positions:
            positions[column] = index
        elif column == "remark" and "remark" not in positions:
            positions["remark"] = index
    first_leads = False
    if "measure" not in positions and tasks:
        positions["measure"] = tasks[-1]
        if len(tasks) > 1:
            positions["task"] = tasks[0]
        else:
            positions.pop("task", None)
    if "lead" not in positions and "support" in positions \
            and _key(cells[positions["support"]]) in GENERIC_UNIT_COLUMNS:
        positions["lead"] = positions.pop("support")
        first_leads = True
    if deadline_years and "deadline" in positions \
            and positions["deadline"] not in {i for i, _ in deadline_years}:
        deadline_years = []  # a deadline column of its own: year columns are something else
    if deadline_years:
        positions.pop("deadline", None)
    return Columns(cells=tuple(cells), implementers=tuple(implementers), years=tuple(years),
                   deadline_years=tuple(deadline_years), first_leads=first_leads, **positions)


def is_header_row(cells: list[str] | tuple[str, ...]) -> bool:
    """A row is a header when it names two columns or more and most of its cells are column
    names. (A header that lacks a column we need is still a header, so that the refusal can
    say what it found.)"""
    filled = [cell for cell in cells if cell and cell.strip()]
    named = [cell for cell in filled if header_column(cell)]
    return len(find_columns(cells).found) >= 2 and 2 * len(named) >= len(filled)
