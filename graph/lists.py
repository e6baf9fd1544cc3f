"""Each unit's own list (责任清单): the measures it leads and supports, as a planning office
sends them on, read from the graph once for every unit.

The unit pages, the cluster pages, the pack's workbook and its CSVs all take their rows from
:func:`unit_lists`, so the four never disagree about what a unit was given.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from rdflib import Graph

from .facts import Facts, read_facts

__all__ = ["ListedMeasure", "ListedUnit", "UnitLists", "ListEntry", "unit_lists"]


@dataclass(frozen=True)
class ListedUnit:
    """A unit as a list names it."""

    iri: str
    name: str
    name_en: str  # empty when the registry gives none
    place: str  # the jurisdiction it belongs to


@dataclass(frozen=True)
class ListedMeasure:
    """A measure as a list shows it: where it sits in its plan, its deadline, and every unit
    on it (leads first, each in the order the document names them)."""

    iri: str
    plan: str  # the plan's id
    plan_title: str
    place: str  # the plan's jurisdiction
    number: str
    text: str
    theme_number: str  # empty for a task outside any theme
    theme: str
    task_number: str
    task: str
    deadline: str  # YYYY-MM, or empty when the deadline is no month
    deadline_text: str  # as the document writes it
    units: tuple[tuple[str, str], ...]  # (unit IRI, "lead" | "support")
    progress: str = ""  # done, in-progress, not-started, unknown; empty: the table has none
    progress_text: str = ""  # as the table's progress column writes it

    @property
    def shown_deadline(self) -> str:
        """The month due, or the words the plan gives when it gives no month."""
        return self.deadline or self.deadline_text

    def leads(self) -> list[str]:
        """The IRIs of the units that lead it."""
        return [unit for unit, role in self.units if role == "lead"]


@dataclass(frozen=True)
class ListEntry:
    """One line of a unit's list: a measure and what the unit is on it (``roles``: "lead",
    "support", or both when the document names it twice)."""

    measure: ListedMeasure
    roles: tuple[str, ...]

    def others(self, unit: str) -> list[tuple[str, str]]:
        """The other units on the measure, with their roles: leads first."""
        return [(u, role) for u, role in self.measure.units if u != unit]


@dataclass(frozen=True)
class UnitLists:
    """Every unit's list, the units named, and the measures listed."""

    units: dict[str, ListedUnit]
    measures: dict[str, ListedMeasure]
    lists: dict[str, list[ListEntry]]  # unit IRI -> its list, in list order
    plans: int  # how many plans the lists come from (a list names the plan when several)

    @property
    def has_progress(self) -> bool:
        """Whether any measure listed has a progress (a table with a 完成情况 column)."""
        return any(m.progress for m in self.measures.values())

    def ordered_units(self) -> list[str]:
        """The units with a list, by name (then jurisdiction and IRI: a total order)."""
        return sorted(self.lists, key=lambda u: (self.units[u].name, self.units[u].place, u))


_NUMBER_PART = re.compile(r"(\d+)")


def number_key(number: str) -> tuple[Any, ...]:
    """A measure number's natural order: 2.10 after 2.9, (十) as written.

    >>> sorted(["2.10", "2.9", "10.1", "1.2"], key=number_key)
    ['1.2', '2.9', '2.10', '10.1']
    """
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part)
                 for part in _NUMBER_PART.split(number) if part)


def list_order(measure: ListedMeasure, order: int) -> tuple[Any, ...]:
    """Where a measure stands in a list: by deadline month, those without one last; then
    plan, number and place in the document."""
    return (measure.deadline == "", measure.deadline, measure.plan, number_key(measure.number),
            order, measure.iri)


def unit_lists(graph: Graph, facts: Facts | None = None, plan: str | None = None
               ) -> UnitLists:
    """Every unit's list of measures in ``graph`` (``facts``: the graph's facts when already
    read; ``plan``: only that plan's measures, by id), each ordered by deadline (measures
    without a month last), then by plan and number; every unit on a measure with its role,
    leads first.

    A unit named twice on one measure (lead and support) has one line with both roles."""
    facts = facts or read_facts(graph)
    units = {iri: ListedUnit(iri, str(u["name"]), _text(u["name_en"]), _text(u["place"]))
             for iri, u in sorted(facts.units.items())}
    plans = {str(p["p"]): p for p in facts.plans}
    # leads first, then supports, each in the order the document names them
    named: dict[str, list[tuple[bool, int, str, str]]] = defaultdict(list)
    for measure, unit, role, position in facts.assignments:
        named[measure].append((role != "lead", position, unit, role))
    measures: dict[str, ListedMeasure] = {}
    orders: dict[str, int] = {}
    for iri, m in facts.measures.items():
        task = facts.tasks[str(m["task"])]
        theme = facts.themes.get(str(task.get("theme") or ""), {})
        of = plans.get(str(m["plan"]), {})
        if plan is not None and _text(of.get("id")) != plan:
            continue
        ordered = tuple((u, r) for _lead, _p, u, r in sorted(named.get(iri, ())))
        measures[iri] = ListedMeasure(
            iri, _text(of.get("id")), _text(of.get("title")), _text(of.get("place")),
            _text(m["id"]), _text(m["text"]), _text(theme.get("number")),
            _text(theme.get("title")), _text(task["key"]), _text(task["title"]),
            _text(m.get("deadline")), _text(m["deadline_text"]), ordered,
            _text(m.get("progress")), _text(m.get("progress_text")))
        orders[iri] = int(m["order"])
    roles: dict[str, dict[str, list[str]]] = defaultdict(dict)
    for iri, measure in measures.items():
        for unit, role in measure.units:
            held = roles[unit].setdefault(iri, [])
            if role not in held:
                held.append(role)
    lists = {}
    for unit, given in roles.items():
        entries = [ListEntry(measures[m], tuple(sorted(r, key=("lead", "support").index)))
                   for m, r in given.items()]
        entries.sort(key=lambda e: list_order(e.measure, orders[e.measure.iri]))
        lists[unit] = entries
        if unit not in units:  # a unit without labels still gets its list, by its IRI
            units[unit] = ListedUnit(unit, unit, "", "")
    return UnitLists(units, measures, lists, 1 if plan is not None else len(facts.plans))


def _text(value: Any) -> str:
    return "" if value is None else str(value)
