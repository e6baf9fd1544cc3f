"""The plain records that loaders produce and the graph builder consumes.

A plan is read into a :class:`Plan` holding flat tuples of themes, tasks and measures, each
pointing to its parent by number. Records are frozen: once a loader has produced them, nothing
downstream changes them. Every record knows where in its source document it came from.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Location:
    """Where a record came from: a file and a line (text), or a part of the file (a sheet, a
    Word table) and a row in it."""

    file: str
    line: int | None = None
    row: int | None = None
    part: str | None = None  # "sheet 重点任务", "table 1"

    def __str__(self) -> str:
        where = self.file
        if self.part is not None:
            where += f", {self.part}"
        if self.line is not None:
            return f"{where}:{self.line}"
        if self.row is not None:
            return f"{where}, row {self.row}"
        return where

    @property
    def position(self) -> int | None:
        """The line or row number, whichever the source format has."""
        return self.line if self.line is not None else self.row


class Role(str, enum.Enum):
    """The part a unit plays in a measure."""

    LEAD = "lead"  # 牵头单位
    SUPPORT = "support"  # 责任单位 / 配合单位


class DeadlineKind(str, enum.Enum):
    """How a deadline was written: a month, a recurring or open-ended one, none at all, or
    unreadable."""

    FIXED = "fixed"  # a month: 2022年12月 -> 2022-12
    RECURRING = "recurring"  # 每年, 每季度, 每月 (recurs)
    ONGOING = "ongoing"  # 长期坚持, 持续推进 (no end date)
    NONE = "none"  # the plan gives the measure no deadline (or the table no deadline column)
    UNREAD = "unread"  # kept verbatim, reported


@dataclass(frozen=True)
class Deadline:
    """A measure's deadline: the text as written and, where it names a month, that month."""

    text: str
    kind: DeadlineKind
    month: str | None = None  # "YYYY-MM" when kind is FIXED

    def __str__(self) -> str:
        return self.month or self.text


class ProgressState(str, enum.Enum):
    """How far a measure has come, as a table's progress column (完成情况, 进展情况) says."""

    DONE = "done"  # 已完成, 已办结, 是
    IN_PROGRESS = "in-progress"  # 正在推进, 基本完成, 未完成 (not done, no more said)
    NOT_STARTED = "not-started"  # 未开始, 尚未启动
    UNKNOWN = "unknown"  # the cell says neither (a figure: 新增163户), or is blank


@dataclass(frozen=True)
class Progress:
    """A measure's progress: the cell as written and the state it reads as."""

    text: str
    state: ProgressState


@dataclass(frozen=True)
class Assignment:
    """One unit named in a measure's lead or supporting column, as the document spells it."""

    unit: str
    role: Role


@dataclass(frozen=True)
class Theme:
    """A theme (一、二、…) of the plan."""

    number: int
    title: str
    location: Location


@dataclass(frozen=True)
class Task:
    """A numbered task. ``key`` is the task's number, or THEME-NUMBER where a plan restarts
    its task numbering in each theme."""

    key: str
    number: int
    title: str
    theme: int | None
    location: Location


@dataclass(frozen=True)
class Measure:
    """One measure (具体内容) of a task, with its units and deadline.

    ``id`` is ``TASK.N``: the N-th measure of that task (``4.2``).
    """

    id: str
    task: str
    number: int
    text: str
    assignments: tuple[Assignment, ...]
    deadline: Deadline
    location: Location
    contacts: tuple[str, ...] = ()  # people named for it (责任领导, 分管领导): never units
    open_ended: bool = False  # its unit list ended 等/等有关部门: more units than named
    progress: Progress | None = None  # None: the table has no progress column

    @property
    def lead_units(self) -> tuple[str, ...]:
        return tuple(a.unit for a in self.assignments if a.role is Role.LEAD)

    @property
    def support_units(self) -> tuple[str, ...]:
        return tuple(a.unit for a in self.assignments if a.role is Role.SUPPORT)


# How a loader's warning about a unit phrase it could not split begins (stats counts them).
UNSPLIT_UNITS_WARNING = "unit phrase may join two units"


@dataclass(frozen=True)
class LoadWarning:
    """Something a loader could not read as it should, with where it is."""

    location: Location
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


@dataclass(frozen=True)
class Plan:
    """A plan read from one document."""

    id: str
    title: str
    jurisdiction: str
    source: str  # the document's file name
    themes: tuple[Theme, ...]
    tasks: tuple[Task, ...]
    measures: tuple[Measure, ...]
    warnings: tuple[LoadWarning, ...] = field(default=())  # what could not be read
    notes: tuple[LoadWarning, ...] = field(default=())  # debris repaired on the way
    level: str | None = None  # national, province, prefecture, district, county, special-zone
    role_rule: str | None = None  # how unmarked unit lists were read (text plans), and why
