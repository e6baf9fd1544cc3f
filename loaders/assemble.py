"""Turning a stream of headings and measure rows into a :class:`~ipplan.model.Plan`.

Every format's loader reads its own layout (text lines, Word rows, sheet rows) and feeds this
builder the same events: a theme heading, a task heading, a measure with its cells. The builder
owns what is common to all formats: numbering, repeated headings, a heading that lost its
numeral, measures that belong to the task above, unit lists and deadlines, and the warnings for
whatever could not be read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ipplan.model import (
    UNSPLIT_UNITS_WARNING,
    Assignment,
    Deadline,
    DeadlineKind,
    LoadWarning,
    Location,
    Measure,
    Plan,
    Progress,
    Role,
    Task,
    Theme,
)
from ipplan.numerals import chinese_numeral

from .deadlines import parse_deadline
from .roles import RoleRule, restore_prefix, split_unit_phrase, without_role_word
from .units import LEAD_MARKS, split_units

# What may join two unit names inside one name of a cell: 及, 和, 与, a blank.
_JOINERS = re.compile(r"及|和|与|\s")

_THEME = re.compile(r"^([一二三四五六七八九十百零〇两]+)\s*[、.．]\s*(\S.*)$")
# "10.深化…" but not "2023.06": the title must not start with a digit.
_TASK = re.compile(r"^(\d{1,3})\s*[.．、]\s*([^\d\s].*)$")
_ROW_NUMBER = re.compile(r"^[（(]?\d{1,3}[)）.．]?$")


def theme_heading(text: str) -> tuple[int, str] | None:
    """(number, title) when the text is a theme heading such as 一、推动…"""
    match = _THEME.match(text.strip())
    if not match:
        return None
    return chinese_numeral(match[1]), match[2].strip()


def task_heading(text: str) -> tuple[int, str] | None:
    """(number, title) when the text is a task heading such as 4.打造…"""
    match = _TASK.match(text.strip())
    if not match:
        return None
    return int(match[1]), match[2].strip()


def is_row_number(text: str) -> bool:
    """A 序号 cell: 1, 1., (1)."""
    return bool(_ROW_NUMBER.match(text.strip()))


@dataclass
class _RawTask:
    number: int
    title: str
    theme: int | None
    location: Location
    measures: list[_RawMeasure] = field(default_factory=list)


@dataclass
class _RawMeasure:
    text: str
    assignments: tuple[Assignment, ...]
    deadline_text: str | None  # None: the table has no deadline column
    location: Location
    contacts: tuple[str, ...] = ()
    open_ended: bool = False
    deadline_expected: bool = True
    progress: Progress | None = None


class PlanBuilder:
    """Collects headings and measures in document order; :meth:`finish` makes the Plan."""

    def __init__(self, roles: RoleRule | None = None) -> None:
        # The rule the user chose (--roles) for unit lists that no word or column marks as
        # lead or support; None: the document's own rule, else ipplan's default.
        self.roles = roles
        self.themes: list[Theme] = []
        self.tasks: list[_RawTask] = []
        self._task_numbers: dict[int | None, set[int]] = {}  # theme -> its tasks' numbers
        self.warnings: list[LoadWarning] = []
        self.notes: list[LoadWarning] = []
        self.flat = False  # a list with no themes: tasks need none above them
        self.columns: list[tuple[str, str]] = []  # a table's columns: (column, header text)
        self.role_rule: str | None = None  # a table read by a role rule (no lead column)
        self._pending: tuple[str, Location] | None = None
        # Tasks read before the first theme: debris when the plan has themes, and nothing to
        # say when it has none (a flat table: 序号 | 重点任务 | 具体措施 | …).
        self._before_theme: list[LoadWarning] = []

    # -- headings ---------------------------------------------------------------------------

    @property
    def current_theme(self) -> Theme | None:
        return self.themes[-1] if self.themes else None

    @property
    def current_task(self) -> _RawTask | None:
        return self.tasks[-1] if self.tasks else None

    def heading_without_numeral(self, text: str, location: Location) -> None:
        """A lone text line that may be a theme heading whose numeral was lost. What it is
        becomes clear from what follows: the numbered repeat of it, or a new task."""
        self._settle_pending()
        self._pending = (text.strip(), location)

    def theme(self, number: int, title: str, location: Location) -> None:
        """A numbered theme heading; a repeat of the current theme is skipped."""
        if self._pending and self._pending[0] == title:
            pending_location = self._pending[1]
            self._pending = None
            self.notes.append(LoadWarning(
                pending_location, f"heading without its numeral read as theme {number}"))
            location = pending_location
        else:
            self._settle_pending()
        current = self.current_theme
        if current is not None and current.number == number:
            if current.title != title:
                self.warnings.append(LoadWarning(
                    location, f"theme {number} is repeated with another title; "
                              f"kept the first: {current.title!r}"))
            return
        if any(theme.number == number for theme in self.themes):
            self.warnings.append(LoadWarning(
                location, f"theme {number} appears again after theme "
                          f"{current.number if current else '?'}; this heading is skipped"))
            return
        self.themes.append(Theme(number, title, location))

    def task(self, number: int, title: str, location: Location) -> None:
        """A numbered task heading; the same number printed twice in a row is one task."""
        self._settle_pending(before_task=True)
        theme = self.current_theme.number if self.current_theme else None
        current = self.current_task
        if current is not None and current.number == number and current.theme == theme:
            if current.title != title:
                self.warnings.append(LoadWarning(
                    location, f"task {number} is repeated with another title; "
                              f"kept the first: {current.title!r}"))
            return
        if theme is None and not self.flat:
            self._before_theme.append(LoadWarning(location, f"task {number} comes before any theme"))
        taken = self._task_numbers.setdefault(theme, set())
        if number in taken:
            # the same number further down: a task of its own, never merged into the first
            renumbered = max(taken) + 1
            self.warnings.append(LoadWarning(location, (
                f"task {number} repeats an earlier task's number in this theme; read as "
                f"task {renumbered}: {_clip(title)!r}")))
            number = renumbered
        taken.add(number)
        self.tasks.append(_RawTask(number, title, theme, location))

    def _settle_pending(self, *, before_task: bool = False) -> None:
        if self._pending is None:
            return
        text, location = self._pending
        self._pending = None
        if before_task:
            number = (self.current_theme.number + 1) if self.current_theme else 1
            self.notes.append(LoadWarning(
                location, f"heading without its numeral read as theme {number}"))
            self.themes.append(Theme(number, text, location))
            return
        self.warnings.append(LoadWarning(
            location, f"text outside any measure skipped: {_clip(text)!r}"))

    # -- measures ---------------------------------------------------------------------------

    def measure(
        self,
        text: str,
        lead: str | Sequence[str],
        support: str | Sequence[str],
        deadline: str | None,
        location: Location,
        *,
        contacts: tuple[str, ...] = (),
        open_ended: bool = False,
        deadline_expected: bool = True,
        progress: Progress | None = None,
    ) -> None:
        """A measure row: its text and the lead, support and deadline cells as written (a
        cell's text is split into units here; a list is taken as units already read;
        ``deadline`` None when the table has no deadline column at all).
        ``deadline_expected`` is false where the layout gives measures a deadline only when
        they have one (prose), so its absence is "no deadline", not a gap to report.
        ``progress``: the row's progress cell, where the table has a progress column."""
        self._settle_pending()
        task = self.current_task
        if task is None:
            self.warnings.append(LoadWarning(
                location, f"measure is not under any task; skipped: {_clip(text)!r}"))
            return
        if not text.strip():
            self.warnings.append(LoadWarning(location, "measure text is empty"))
        assignments: list[Assignment] = []
        for cell, role, label in ((lead, Role.LEAD, "lead"), (support, Role.SUPPORT, "support")):
            if isinstance(cell, str):
                names, problem = split_units(cell)
                if not problem:
                    names = self._unjoined(names, location)
            else:
                names, problem = list(cell), None
            if problem:
                self.warnings.append(LoadWarning(
                    location, f"{label} unit list cannot be split ({problem}); "
                              f"kept as one unit: {_clip(cell)!r}"))
            seen: set[str] = set()
            for name in names:
                name = name.lstrip(LEAD_MARKS).strip() or name  # ★ already read as the lead
                if isinstance(cell, str) and (bare := without_role_word(name)) != name:
                    # 省经信厅、省科技厅按职责分工负责 in a lead cell: the column gives the role
                    self.notes.append(LoadWarning(location, (
                        f"{label} unit {name!r} read as {bare!r}: the words after the name "
                        "say how it takes part; the column gives its role")))
                    name = bare
                if name in seen:
                    self.notes.append(LoadWarning(location, f"{label} unit named twice: {name}"))
                    continue
                seen.add(name)
                assignments.append(Assignment(name, role))
        if not any(a.role is Role.LEAD for a in assignments):
            self.warnings.append(LoadWarning(location, "measure has no lead unit"))
        task.measures.append(_RawMeasure(text.strip(), tuple(assignments), deadline, location,
                                         contacts, open_ended, deadline_expected, progress))

    def _unjoined(self, names: list[str], location: Location) -> list[str]:
        """A cell's names with those that join two units by 及, 和, 与 or a space split as a
        reader would (市科技局及市教育局 is two units, 市人力资源和社会保障局 one); a name that
        may still join two units is kept whole, with a warning."""
        out: list[str] = []
        for name in names:
            if not _JOINERS.search(name):
                out.append(name)
                continue
            parts, _open_ended, joined = split_unit_phrase(name)
            for phrase in joined:
                self.warnings.append(LoadWarning(location, (
                    f"{UNSPLIT_UNITS_WARNING} (及, 和 or a space) and could not be split "
                    f"safely; kept as one: {phrase!r}")))
            out.extend(parts or [name])
        return out

    def _restore_prefixes(self) -> None:
        """★区发改委、工信局、商务局: a unit list sharing its first unit's level prefix names
        区工信局 where the document spells it so elsewhere (text plans do this as they read)."""
        known = {a.unit for task in self.tasks for raw in task.measures for a in raw.assignments}
        for task in self.tasks:
            for raw in task.measures:
                names = [a.unit for a in raw.assignments]
                restored = dict(restore_prefix(names, known))
                if not restored:
                    continue
                for position, full in sorted(restored.items()):
                    self.notes.append(LoadWarning(raw.location, (
                        f"{full} read for {names[position]}: the list shares the prefix of "
                        f"{names[0]} and the document spells {full} in full")))
                raw.assignments = tuple(
                    Assignment(restored.get(i, a.unit), a.role) for i, a in enumerate(raw.assignments))

    def skipped(self, location: Location, what: str) -> None:
        """Report something the loader read but could not place."""
        self._settle_pending()
        self.warnings.append(LoadWarning(location, what))

    # -- result -----------------------------------------------------------------------------

    def finish(self, *, plan_id: str, title: str, jurisdiction: str, source: str,
               year: int | None = None, level: str | None = None,
               role_rule: str | None = None) -> Plan:
        """The plan, with measure ids ``TASK.N`` and every warning collected on the way;
        ``year`` (the plan's) dates deadlines written without one (5月底前, 全年)."""
        self._settle_pending()
        if self.themes:
            self.warnings.extend(self._before_theme)
        numbers = [task.number for task in self.tasks]
        restarts = len(numbers) != len(set(numbers))
        tasks: list[Task] = []
        measures: list[Measure] = []
        self._restore_prefixes()
        for raw in self.tasks:
            key = f"{raw.theme}-{raw.number}" if restarts else str(raw.number)
            tasks.append(Task(key, raw.number, raw.title, raw.theme, raw.location))
            if not raw.measures:
                self.warnings.append(LoadWarning(raw.location, f"task {key} has no measures"))
            for index, item in enumerate(raw.measures, start=1):
                if item.deadline_text is None:
                    deadline = Deadline("", DeadlineKind.NONE)
                else:
                    deadline = parse_deadline(item.deadline_text, year)
                if deadline.kind is DeadlineKind.UNREAD:
                    self.warnings.append(LoadWarning(
                        item.location,
                        f"deadline {item.deadline_text.strip()!r} could not be read; kept verbatim"))
                elif (deadline.kind is DeadlineKind.NONE and item.deadline_expected
                      and item.deadline_text is not None):  # None: no deadline column at all
                    self.warnings.append(LoadWarning(item.location, "measure has no deadline"))
                measures.append(Measure(
                    id=f"{key}.{index}", task=key, number=index, text=item.text,
                    assignments=item.assignments, deadline=deadline, location=item.location,
                    contacts=item.contacts, open_ended=item.open_ended,
                    progress=item.progress))
        if restarts:
            self.notes.append(LoadWarning(
                Location(source), "task numbers restart in each theme; tasks are keyed THEME-TASK"))
        return Plan(
            id=plan_id, title=title, jurisdiction=jurisdiction, source=source,
            themes=tuple(self.themes), tasks=tuple(tasks), measures=tuple(measures),
            warnings=tuple(_by_line(self.warnings)), notes=tuple(_by_line(self.notes)),
            level=level, role_rule=role_rule or self.role_rule)


def _by_line(warnings: list[LoadWarning]) -> list[LoadWarning]:
    """Warnings in the order of the document: by file, then line or row as a number (9 before
    10); those without a position first. Stable, so one line's warnings keep their order."""
    return sorted(warnings, key=lambda w: (w.location.file, w.location.part or "",
                                           w.location.position or 0))


def _clip(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
