"""Who carries too much: each unit's load, and the units whose load is far above the rest.

The load score weighs the measures a unit leads above those it supports; a unit is flagged
when its score's robust z (Iglewicz and Hoaglin's modified z-score) passes a threshold, or
when it is among the highest scores, with the reason in English and Chinese.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # analytics calls this module; the record types are only named here
    from .analytics import Assignment, UnitInfo

__all__ = ["LEAD_WEIGHT", "SUPPORT_WEIGHT", "Z_THRESHOLD", "Load", "overloaded_units",
           "unit_load"]

LEAD_WEIGHT = 2.0
SUPPORT_WEIGHT = 1.0
Z_THRESHOLD = 3.5
# Iglewicz and Hoaglin's modified z-score: 0.6745 * (x - median) / MAD.
_MAD_SCALE = 0.6745


@dataclass
class Load:
    """How much of the plan a unit carries."""

    unit: str
    lead: int
    support: int
    score: float
    same_month_share: float  # share of its measures due in its busiest month
    themes: int
    z: float = 0.0  # modified z-score of ``score`` among all units
    overloaded: bool = False
    reason: str = ""
    reason_zh: str = ""


def unit_load(facts: Iterable[Assignment], *, lead_weight: float = LEAD_WEIGHT,
              support_weight: float = SUPPORT_WEIGHT) -> dict[str, Load]:
    """Measures led and supported by each unit, and its load score.

    The score is ``lead_weight * lead + support_weight * support`` (lead counts more: the
    lead unit answers for the measure); a measure a unit both leads and supports counts
    once, as led.

    Parameters
    ----------
    facts : iterable of Assignment
        The assignments to count (collective units already left out where they should be).
    lead_weight : float
        The weight of each measure led.
    support_weight : float
        The weight of each measure supported.

    Returns
    -------
    dict of str to Load
        Each unit's load, by unit IRI in sorted order; ``z`` and the overload flag are
        left for :func:`overloaded_units`.

    Examples
    --------
    >>> from ipplan.graph.analytics import Assignment
    >>> a = [Assignment("m1", "A", "lead", "t", "2025-06"),
    ...      Assignment("m2", "A", "support", "t", "2025-06")]
    >>> unit_load(a)["A"].score, unit_load(a)["A"].same_month_share
    (3.0, 1.0)
    """
    led: dict[str, set[str]] = defaultdict(set)
    supported: dict[str, set[str]] = defaultdict(set)
    months: dict[str, dict[str, str]] = defaultdict(dict)
    themes: dict[str, set[str]] = defaultdict(set)
    for f in facts:
        (led if f.role == "lead" else supported)[f.unit].add(f.measure)
        months[f.unit][f.measure] = f.month
        if f.theme:
            themes[f.unit].add(f.theme)
    loads = {}
    for unit in sorted(months):
        due = Counter(month for month in months[unit].values() if month)
        busiest = max(due.values()) if due else 0
        lead, support = len(led[unit]), len(supported[unit] - led[unit])
        loads[unit] = Load(unit, lead, support,
                           round(lead_weight * lead + support_weight * support, 4),
                           round(busiest / len(months[unit]), 4), len(themes[unit]))
    return loads


def overloaded_units(loads: dict[str, Load], units: dict[str, UnitInfo], *,
                     threshold: float = Z_THRESHOLD, top: int | None = None,
                     measures: int | None = None) -> list[Load]:
    """Flag units whose load score is far above the others', with the reason in words.

    The rule: the modified z-score ``0.6745 * (score - median) / MAD`` (Iglewicz and Hoaglin;
    robust to the few busy units themselves) above ``threshold``; when more than half the
    units share one score, MAD is 0 and the mean absolute deviation (scaled by 1.2533)
    stands in. Every load's ``z`` is set; the flagged ones get ``overloaded`` and their
    reasons.

    Parameters
    ----------
    loads : dict of str to Load
        Every unit's load, as :func:`unit_load` gives them (changed in place).
    units : dict of str to UnitInfo
        The units' facts (their names go into the reasons).
    threshold : float
        The robust z above which a unit is flagged (3.5 by default).
    top : int or None
        With a number, the ``top`` highest scores are flagged instead of applying the
        threshold.
    measures : int or None
        The number of measures of the plans, said in the reasons when given.

    Returns
    -------
    list of Load
        The flagged loads, highest score first (ties by unit name).

    Examples
    --------
    >>> from ipplan.graph.analytics import Assignment, UnitInfo
    >>> facts = [Assignment(f"m{i}", u, "lead" if u == "A" else "support", "t", "")
    ...          for i in range(6) for u in "AB"]
    >>> facts += [Assignment("m0", u, "support", "t", "") for u in "CDEFG"]
    >>> loads = unit_load(facts)
    >>> units = {u: UnitInfo(f"unit {u}", "", "other", False) for u in "ABCDEFG"}
    >>> [(load.unit, load.z) for load in overloaded_units(loads, units, measures=6)]
    [('A', 3.84)]
    >>> loads["A"].reason.split(";")[1]
    ' load score 12 is 3.84 robust z above the median 1 (threshold 3.5)'
    """
    scores = [load.score for load in loads.values()]
    if not scores:
        return []
    median = statistics.median(scores)
    mad = statistics.median(abs(s - median) for s in scores)
    spread = mad / _MAD_SCALE if mad else statistics.fmean(abs(s - median) for s in scores) * 1.2533
    for load in loads.values():
        load.z = round((load.score - median) / spread, 2) if spread else 0.0
    ranked = sorted(loads.values(), key=lambda l: (-l.score, units[l.unit].name))
    flagged = ranked[:top] if top is not None else [l for l in ranked if l.z > threshold]
    total = measures if measures is not None else 0
    for load in flagged:
        load.overloaded = True
        name = units[load.unit].name
        of = f" of {total}" if total else ""
        of_zh = f"（共{total}项）" if total else ""
        rule = (f"among the top {top} load scores" if top is not None
                else f"{load.z} robust z above the median {median:g} (threshold {threshold:g})")
        rule_zh = (f"居负荷前{top}位" if top is not None
                   else f"稳健z值{load.z}，高于中位数{median:g}（阈值{threshold:g}）")
        load.reason = (f"{name} leads {load.lead} and supports {load.support} measures{of}; "
                       f"load score {load.score:g} is {rule}; {load.same_month_share:.0%} of "
                       f"its measures fall due in the same month, across {load.themes} themes")
        load.reason_zh = (f"{name}牵头{load.lead}项、配合{load.support}项措施{of_zh}，负荷分{load.score:g}，"
                          f"{rule_zh}；{load.same_month_share:.0%}的措施在同一月份到期，涉及{load.themes}个主题")
    return flagged
