"""Who carries too much: each unit's load, the units named everywhere, and the overloaded ones.

Every judgement is made within one plan, against the other units of that plan: a unit named
in (nearly) every measure of a plan only as support is *ubiquitous* there (the document's
standing list of implementers, like 高新区管委会 at the end of every row of the Fuzhou plan),
and a unit is *overloaded* in a plan when its share of the plan's weighted work is large in
itself and far above what the other units carry, in a plan big enough to judge. Across plans,
a unit is overloaded (ubiquitous) where any of its plans says so, and each reason names its
plan when there are several. The rule and why it was chosen are in the README ("Overloaded").
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # analytics calls this module; the record types are only named here
    from .analytics import Assignment, UnitInfo

__all__ = ["LEAD_WEIGHT", "MIN_MEASURES", "MIN_SHARE", "RATIO", "SUPPORT_WEIGHT", "UBIQUITY",
           "Load", "PlanJudgement", "PlanName", "judge_plans", "overloaded_units",
           "unit_load", "where_flagged"]

LEAD_WEIGHT = 2.0
SUPPORT_WEIGHT = 1.0
# A plan's standing list of implementers: named in 90 % of its measures, only as support.
UBIQUITY = 0.9
# Below 20 measures one office writing and leading most of a plan is how short plans are made.
MIN_MEASURES = 20
# Overloaded: at least a quarter of the plan's weighted work ...
MIN_SHARE = 0.25
# ... and at least three times what the other units carry on average.
RATIO = 3.0
# Iglewicz and Hoaglin's modified z-score: 0.6745 * (x - median) / MAD.
_MAD_SCALE = 0.6745


@dataclass(frozen=True)
class PlanName:
    """How a reason names a plan: its id and where it applies."""

    plan_id: str
    place: str
    place_en: str

    def zh(self) -> str:
        return f"【{self.place}·{self.plan_id}】"

    def en(self) -> str:
        return f"[{self.place_en or self.place}, {self.plan_id}] "


@dataclass
class PlanJudgement:
    """One unit in one plan: what it carries there and what the rule says of it."""

    plan: str
    unit: str
    lead: int
    support: int
    measures: int  # the plan's measures
    share: float  # the unit's share of the plan's weighted work (0 when ubiquitous)
    others: float  # the average share of the plan's other units
    busiest_month: str
    busiest_share: float  # share of the unit's measures in this plan due in that month
    overloaded: bool = False
    ubiquitous: bool = False
    reason: str = ""
    reason_zh: str = ""


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
    busiest_month: str = ""
    ubiquitous: bool = False
    ubiquity_reason: str = ""
    ubiquity_reason_zh: str = ""
    plans: list[PlanJudgement] = field(default_factory=list)


def _busiest(months: dict[str, str]) -> tuple[str, float]:
    """The month most of these measures fall due in (the earliest among equals), and the share
    of the measures due then."""
    due = Counter(month for month in months.values() if month)
    if not due:
        return "", 0.0
    month = min(due, key=lambda m: (-due[m], m))
    return month, round(due[month] / len(months), 4)


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
        Each unit's load, by unit IRI in sorted order; ``z`` and the flags are left for
        :func:`overloaded_units`.

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
        month, share = _busiest(months[unit])
        lead, support = len(led[unit]), len(supported[unit] - led[unit])
        loads[unit] = Load(unit, lead, support,
                           round(lead_weight * lead + support_weight * support, 4),
                           share, len(themes[unit]), busiest_month=month)
    return loads


def _percent(share: float, zh: bool = False) -> str:
    return f"{share * 100:.0f}{'' if zh else ' '}%"


def judge_plans(facts: Iterable[Assignment], *, lead_weight: float = LEAD_WEIGHT,
                support_weight: float = SUPPORT_WEIGHT, ubiquity: float = UBIQUITY,
                min_measures: int = MIN_MEASURES, min_share: float = MIN_SHARE,
                ratio: float = RATIO, top: int | None = None) -> list[PlanJudgement]:
    """Each unit in each plan, judged against the other units of that plan.

    In a plan of ``n`` measures (those with any unit), at least ``min_measures`` of them:

    - a unit is *ubiquitous* when it supports, without leading, at least ``ubiquity`` × n of
      them: the document's standing list of implementers. It is left out of the rest.
    - each other unit's work is ``lead_weight`` × led + ``support_weight`` × supported, and its
      share the part of the plan's work (all those units' work) it carries. A unit is
      *overloaded* when its share is at least ``min_share`` and at least ``ratio`` times the
      average share of the plan's other units. With ``top``, the ``top`` largest shares of
      each plan are flagged instead (and plans of any size are judged).

    Parameters
    ----------
    facts : iterable of Assignment
        The assignments of every plan (collective units already left out where they should be).
    lead_weight, support_weight : float
        The weights of a measure led and a measure supported.
    ubiquity : float
        The share of a plan's measures a unit supports to be ubiquitous in it.
    min_measures : int
        The least number of measures a plan has for its units to be judged.
    min_share : float
        The least share of the plan's work an overloaded unit carries.
    ratio : float
        How many times the other units' average share an overloaded unit carries.
    top : int or None
        With a number, the ``top`` largest shares of each plan are flagged.

    Returns
    -------
    list of PlanJudgement
        One per unit and plan, in order of plan, then largest share first (ties by unit);
        reasons are left for :func:`overloaded_units`, which knows the units' names.

    Examples
    --------
    >>> from ipplan.graph.analytics import Assignment
    >>> facts = [Assignment(f"m{i}", "A", "lead", "t", "", "p") for i in range(20)]
    >>> facts += [Assignment(f"m{i}", u, "support", "t", "", "p") for i in range(20)
    ...           for u in ("B", "Z") if u == "Z" or i % 4 == 0]
    >>> [(j.unit, j.overloaded, j.ubiquitous, j.share) for j in judge_plans(facts)]
    [('A', True, False, 0.8889), ('B', False, False, 0.1111), ('Z', False, True, 0.0)]
    """
    by_plan: dict[str, list[Assignment]] = defaultdict(list)
    for f in facts:
        by_plan[f.plan].append(f)
    judged: list[PlanJudgement] = []
    for plan in sorted(by_plan):
        rows = by_plan[plan]
        measures = len({f.measure for f in rows})
        loads = unit_load(rows, lead_weight=lead_weight, support_weight=support_weight)
        months: dict[str, dict[str, str]] = defaultdict(dict)
        for f in rows:
            months[f.unit][f.measure] = f.month
        big_enough = measures >= min_measures
        here = []
        for unit, load in loads.items():
            month, share = _busiest(months[unit])
            here.append(PlanJudgement(
                plan, unit, load.lead, load.support, measures, 0.0, 0.0, month, share,
                ubiquitous=big_enough and load.lead == 0 and load.support >= ubiquity * measures))
        working = [j for j in here if not j.ubiquitous]
        total = sum(loads[j.unit].score for j in working)
        for j in working:
            j.share = round(loads[j.unit].score / total, 4) if total else 0.0
            j.others = (round((1 - j.share) / (len(working) - 1), 4)
                        if len(working) > 1 else 0.0)
        working.sort(key=lambda j: (-j.share, j.unit))
        if top is not None:
            for j in working[:top]:
                j.overloaded = True
        elif big_enough:
            for j in working:
                j.overloaded = (len(working) > 1 and j.share >= min_share
                                and j.share >= ratio * j.others)
        judged += working + sorted((j for j in here if j.ubiquitous), key=lambda j: j.unit)
    return judged


def where_flagged(load: Load, plan_names: dict[str, PlanName]) -> tuple[str, str]:
    """The plans (place and id) where ``load`` is overloaded, or ubiquitous when it is that,
    in Chinese and English: what tells apart 省高级人民法院 of nine provinces in one list.

    Parameters
    ----------
    load : Load
        A unit's load, after :func:`overloaded_units`.
    plan_names : dict of str to PlanName
        How to name each plan, by plan IRI.

    Returns
    -------
    tuple of str
        The plans as "place·id" joined by 、, and as "place, id" joined by "; ".

    Examples
    --------
    >>> load = Load("u", 3, 0, 6.0, 1.0, 1, overloaded=True,
    ...             plans=[PlanJudgement("p", "u", 3, 0, 20, 0.5, 0.1, "", 0, overloaded=True)])
    >>> where_flagged(load, {"p": PlanName("gd-2023", "广东省", "Guangdong")})
    ('广东省·gd-2023', 'Guangdong, gd-2023')
    """
    plans = [j.plan for j in load.plans if (j.overloaded if load.overloaded else j.ubiquitous)]
    named = [plan_names[p] for p in plans if p in plan_names]
    return ("、".join(f"{n.place}·{n.plan_id}" for n in named),
            "; ".join(f"{n.place_en or n.place}, {n.plan_id}" for n in named))


def _modified_z(loads: dict[str, Load]) -> None:
    """Each load's modified z-score among all units (a figure for the tables, not the rule)."""
    scores = [load.score for load in loads.values()]
    if not scores:
        return
    median = statistics.median(scores)
    mad = statistics.median(abs(s - median) for s in scores)
    spread = mad / _MAD_SCALE if mad else statistics.fmean(abs(s - median) for s in scores) * 1.2533
    for load in loads.values():
        load.z = round((load.score - median) / spread, 2) if spread else 0.0


def _reasons(j: PlanJudgement, name: str, next_unit: PlanJudgement | None, next_name: str,
             working: int, lead_weight: float, support_weight: float,
             top: int | None) -> tuple[str, str]:
    """Why ``j`` is flagged, in English and Chinese."""
    if j.ubiquitous:
        return (f"{name} supports {j.support} of the {j.measures} measures "
                f"({_percent(j.support / j.measures)}) and leads none: the plan's standing "
                f"list of implementers, left out of the load comparison and the clusters",
                f"{name}配合{j.measures}项措施中的{j.support}项（{_percent(j.support / j.measures, True)}），"
                f"未牵头任何措施：属方案的常设实施单位名单，不参与负荷比较与聚类")
    led = f"leads {j.lead} of {j.measures} measures ({_percent(j.lead / j.measures)})"
    led_zh = f"牵头{j.measures}项措施中的{j.lead}项（{_percent(j.lead / j.measures, True)}）"
    if next_unit is None:
        after, after_zh = "no other unit carries any", "无其他单位承担"
    else:
        after = (f"the next unit, {next_name}, leads {next_unit.lead} and supports "
                 f"{next_unit.support} ({_percent(next_unit.share)})")
        after_zh = (f"其次的{next_name}牵头{next_unit.lead}项、配合{next_unit.support}项"
                    f"（{_percent(next_unit.share, True)}）")
    weights = f"{lead_weight:g} × led + {support_weight:g} × supported"
    if top is not None:
        rule, rule_zh = f"among the {top} largest shares of the plan", f"居本方案负荷前{top}位"
    else:
        others = "the other unit's" if working == 2 else f"the average of the other {working - 1} units"
        rule = f"{j.share / j.others:.1f} times {others}" if j.others else "the only unit carrying work"
        rule_zh = (f"为其他{working - 1}个单位平均值的{j.share / j.others:.1f}倍"
                   if j.others else "为唯一承担工作的单位")
    crunch = (f"{_percent(j.busiest_share)} of its measures fall due in {j.busiest_month}"
              if j.busiest_month else "its measures have no fixed month")
    crunch_zh = (f"其{_percent(j.busiest_share, True)}的措施在{j.busiest_month}到期"
                 if j.busiest_month else "其措施无固定到期月份")
    return (f"{name} {led} and supports {j.support}; it carries {_percent(j.share)} of the "
            f"plan's work ({weights}), {rule}; {after}; {crunch}",
            f"{name}{led_zh}、配合{j.support}项，承担本方案{_percent(j.share, True)}的工作量"
            f"（{weights.replace('led', '牵头').replace('supported', '配合')}），{rule_zh}；"
            f"{after_zh}；{crunch_zh}")


def overloaded_units(loads: dict[str, Load], units: dict[str, UnitInfo],
                     judgements: list[PlanJudgement], *,
                     plan_names: dict[str, PlanName] | None = None,
                     lead_weight: float = LEAD_WEIGHT, support_weight: float = SUPPORT_WEIGHT,
                     top: int | None = None) -> list[Load]:
    """Carry each plan's judgements onto the units' loads, with the reasons in words.

    A unit is overloaded where any plan flags it, and ubiquitous where any plan finds it so
    (and no plan flags it overloaded); each plan's reason is one sentence, named by its place
    and plan id when ``plan_names`` holds more than one plan, joined in plan order. Every
    load's modified z-score is set too, as a figure.

    Parameters
    ----------
    loads : dict of str to Load
        Every unit's load across the plans, as :func:`unit_load` gives them (changed in place).
    units : dict of str to UnitInfo
        The units' facts (their names go into the reasons).
    judgements : list of PlanJudgement
        What :func:`judge_plans` found (reasons filled in here).
    plan_names : dict of str to PlanName, optional
        How to name each plan in the reasons.
    lead_weight, support_weight : float
        The weights the judgements were made with (said in the reasons).
    top : int or None
        The ``top`` the judgements were made with.

    Returns
    -------
    list of Load
        The overloaded loads, highest score first (ties by unit name).

    Examples
    --------
    >>> from ipplan.graph.analytics import Assignment, UnitInfo
    >>> facts = [Assignment(f"m{i}", "A" if i < 18 else "B", "lead", "t", "2025-06", "p")
    ...          for i in range(20)]
    >>> units = {u: UnitInfo(f"unit {u}", "", "other", False) for u in "AB"}
    >>> loads = unit_load(facts)
    >>> flagged = overloaded_units(loads, units, judge_plans(facts))
    >>> [load.unit for load in flagged]
    ['A']
    >>> flagged[0].reason.split("; ")[1:]  # doctest: +NORMALIZE_WHITESPACE
    ["it carries 90 % of the plan's work (2 × led + 1 × supported), 9.0 times the other unit's",
     'the next unit, unit B, leads 2 and supports 0 (10 %)',
     '100 % of its measures fall due in 2025-06']
    """
    _modified_z(loads)
    names = plan_names or {}
    several = len(names) > 1
    by_plan: dict[str, list[PlanJudgement]] = defaultdict(list)
    for j in judgements:
        by_plan[j.plan].append(j)
    said: dict[str, list[tuple[PlanJudgement, str, str]]] = defaultdict(list)
    for plan in sorted(by_plan):
        here = by_plan[plan]
        working = [j for j in here if not j.ubiquitous]
        for j in here:
            if not (j.overloaded or j.ubiquitous):
                continue
            following = next((o for o in working if o.unit != j.unit), None)
            en, zh = _reasons(j, units[j.unit].name, following,
                              units[following.unit].name if following else "", len(working),
                              lead_weight, support_weight, top)
            if several and plan in names:
                en, zh = names[plan].en() + en, names[plan].zh() + zh
            said[j.unit].append((j, en, zh))
    for unit, load in loads.items():
        mine = said.get(unit, [])
        load.plans = [j for j in judgements if j.unit == unit]
        flagged = [(en, zh) for j, en, zh in mine if j.overloaded]
        everywhere = [(en, zh) for j, en, zh in mine if j.ubiquitous]
        load.overloaded = bool(flagged)
        load.ubiquitous = bool(everywhere) and not flagged
        # one plan's sentence has its own semicolons: plans are told apart by full stops
        load.reason = ". ".join(en for en, _ in flagged + everywhere) if flagged else ""
        load.reason_zh = "。".join(zh for _, zh in flagged + everywhere) if flagged else ""
        load.ubiquity_reason = ". ".join(en for en, _ in everywhere) if load.ubiquitous else ""
        load.ubiquity_reason_zh = "。".join(zh for _, zh in everywhere) if load.ubiquitous else ""
    return sorted((load for load in loads.values() if load.overloaded),
                  key=lambda l: (-l.score, units[l.unit].name))
