"""What a page is, and what the pages draw from.

A :class:`Page` is pyvis' nodes and edges plus the legend, the filters and the labels in
Chinese and English; :mod:`viz.render` turns it into offline HTML. :class:`PageData` is one
analysis and the plan facts it was made from, with what every page computes from them once.
Page file names are here too, since pages link to each other by them.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from rdflib import Graph

from ipplan.graph.analytics import Analysis
from ipplan.graph.facts import Facts, read_facts
from ipplan.graph.lists import UnitLists, unit_lists

__all__ = ["CORPUS_ABOVE", "Choices", "Page", "PageData", "cluster_page_name", "is_corpus",
           "page_id", "places", "plain", "plan_page_name", "unit_page_name"]

CORPUS_ABOVE = 3  # plans; above this the pack draws one page per plan and a page of plans


@dataclass
class Page:
    """Everything a page shows."""

    kind: str  # network | plan | plans | unit | cluster | clusters
    title_zh: str
    title_en: str
    subtitle_zh: str
    subtitle_en: str
    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    legend: list[dict[str, str]] = field(default_factory=list)
    filters: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    notes_zh: str = ""
    notes_en: str = ""
    # a list under the picture (a unit's measures, a cluster's shared ones): see viz.lists
    table: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # A filter offers only what the page shows: a unit's page in a corpus of 300 plans
        # lists its own plan's themes, not 2,000.
        shown = {"theme": {t for n in self.nodes for t in n.get("themes") or ()},
                 "cluster": {str(n.get("cluster")) for n in self.nodes if n.get("cluster")}}
        for name, values in shown.items():
            choices = self.filters.get(name)
            if isinstance(choices, Choices):  # look up what is shown, in the choices' order
                at = choices.positions
                self.filters[name] = [choices[i] for i in sorted(at[v] for v in values
                                                                 if v in at)]
            elif choices is not None:
                self.filters[name] = [f for f in choices if f["value"] in values]


class Choices(list):  # type: ignore[type-arg]
    """A filter's choices that know where each value is: a page of a large corpus picks
    the few it shows without reading all of them."""

    def __init__(self, choices: Iterable[dict[str, str]]) -> None:
        super().__init__(choices)
        self.positions = {choice["value"]: i for i, choice in enumerate(self)}


def page_id(text: str) -> str:
    """A short ASCII name for a unit's or cluster's page file, stable for the same IRI."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]


def unit_page_name(unit: str) -> str:
    """The file name of a unit's page (``unit-<id>.html``)."""
    return f"unit-{page_id(unit)}.html"


def plan_page_name(plan_id: str) -> str:
    """The file name of one plan's structure page in a corpus (``plan-<id>.html``)."""
    return f"plan-{page_id(plan_id)}.html"


def cluster_page_name(number: int) -> str:
    """The file name of a cluster's page (``cluster-N.html``)."""
    return f"cluster-{number}.html"


def is_corpus(facts: Facts) -> bool:
    """More plans than one page should draw: the pack gives each plan its own page."""
    return len(facts.plans) > CORPUS_ABOVE


def plain(value: Any) -> str:
    """A fact as text: empty when the plan does not give it."""
    return "" if value is None else str(value)


def places(plans: list[dict[str, Any]]) -> int:
    """How many jurisdictions ``plans`` come from."""
    return len({plain(p["place"]) for p in plans})


@dataclass
class PageData:
    """One analysis and the plan facts it was made from, with what the pages compute from
    them, each computed once: every page of a pack asks for the same, and computing it per
    page made a pack of thousands of pages quadratic."""

    result: Analysis
    facts: Facts
    graph: Graph | None = None  # what the facts were read from (the unit lists read it too)

    @classmethod
    def read(cls, graph: Graph, result: Analysis) -> PageData:
        """The data of ``result``, with the facts it was made from (read from ``graph`` when
        the analysis does not hold them)."""
        return cls(result, result.facts if result.facts is not None else read_facts(graph),
                   graph)

    @cached_property
    def lists(self) -> UnitLists:
        """Every unit's list of measures (:func:`ipplan.graph.lists.unit_lists`)."""
        if self.graph is None:
            raise ValueError("the unit lists need the graph the facts were read from")
        return unit_lists(self.graph, self.facts)

    @cached_property
    def cluster_of(self) -> dict[str, int]:
        """Each clustered unit's cluster number."""
        return {unit: c.number for c in self.result.clusters for unit in c.members}

    @cached_property
    def unit_themes(self) -> dict[str, set[str]]:
        """The themes each unit works in (none for a unit the plans do not assign)."""
        facts = self.facts
        themes: dict[str, set[str]] = defaultdict(set)
        for measure, unit, _role, _position in facts.assignments:
            theme = facts.tasks[str(facts.measures[measure]["task"])].get("theme")
            if theme:
                themes[unit].add(str(theme))
        return themes

    @cached_property
    def place_count(self) -> int:
        """How many jurisdictions all the plans come from."""
        return places(self.facts.plans)

    @cached_property
    def theme_filter(self) -> Choices:
        """Every theme as a filter choice, plan by plan (each page keeps the ones it shows)."""
        return Choices(
            {"value": iri, "zh": f"{t['number']}. {t['title']}", "en": f"Theme {t['number']}"}
            for iri, t in sorted(self.facts.themes.items(),
                                 key=lambda kv: (str(kv[1]["plan"]), int(kv[1]["number"]))))

    @cached_property
    def themes_of_plan(self) -> dict[str, list[tuple[str, dict[str, Any]]]]:
        """Each plan's themes, by number."""
        themes: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
        for th_iri, theme in sorted(self.facts.themes.items(),
                                    key=lambda kv: int(kv[1]["number"])):
            themes[str(theme["plan"])].append((th_iri, theme))
        return dict(themes)

    @cached_property
    def children(self) -> dict[str, list[tuple[str, dict[str, Any]]]]:
        """Tasks by plan and by theme, and measures by task, each in document order."""
        children: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
        for iri, task in self.facts.tasks.items():
            children[str(task["plan"])].append((iri, task))
            if task.get("theme"):
                children[str(task["theme"])].append((iri, task))
        for iri, measure in self.facts.measures.items():
            children[str(measure["task"])].append((iri, measure))
        for items in children.values():
            items.sort(key=lambda kv: int(kv[1]["order"]))
        return dict(children)

    @cached_property
    def cluster_places(self) -> dict[int, tuple[str, str]]:
        """Where each cluster works, in Chinese and English, when the plans are of several
        jurisdictions (none otherwise)."""
        return self._places_of_clusters() if self.place_count > 1 else {}

    def _places_of_clusters(self) -> dict[int, tuple[str, str]]:
        """The jurisdictions of the plans that name each cluster's members (泰昌市;
        泰昌市、隆瑞市; 泰昌市等3地). A provincial unit that the plans of every city in its
        province name does not make the cluster of one city's units theirs: places come from
        members named in one place's plans, when there are any."""
        facts = self.facts
        place_of = {str(p["p"]): (plain(p["place"]),
                                  plain(p.get("place_en")) or plain(p["place"]))
                    for p in facts.plans}
        named = {}
        for c in self.result.clusters:
            each = [{place_of[plan] for plan in {str(facts.measures[m]["plan"]) for m, _role in
                                                   facts.by_unit.get(u, ())} if plan in place_of}
                    for u in c.members]
            local = [one for one in each if len(one) == 1]
            found = sorted(set().union(*(local or each)))
            if not found:
                continue
            if len(found) <= 2:
                named[c.number] = ("、".join(zh for zh, _ in found),
                                   " and ".join(en for _, en in found))
            else:
                named[c.number] = (f"{found[0][0]}等{len(found)}地",
                                   f"{found[0][1]} and {len(found) - 1} more")
        return named

    @cached_property
    def cluster_names(self) -> dict[int, tuple[str, str]]:
        """Each cluster named by its busiest member: 聚类 7：榕城海关等3个单位, and in a
        corpus of several jurisdictions by where it works too, since every city has its
        市法院: 聚类 7（石家庄市）：市法院等26个单位."""
        result, where = self.result, self.cluster_places
        names = {}
        for c in result.clusters:
            top = max(c.members, key=lambda u: (result.loads[u].score if u in result.loads
                                                else 0, -c.members.index(u)))
            info = result.units[top]
            others = len(c.members) - 1
            where_zh = where_en = ""
            if c.number in where:
                where_zh, where_en = f"（{where[c.number][0]}）", f" ({where[c.number][1]})"
            names[c.number] = (f"聚类 {c.number}{where_zh}：{info.name}等{len(c.members)}个单位",
                               f"Cluster {c.number}{where_en}: {info.name_en or info.name}"
                               + (f" and {others} more" if others else ""))
        return names

    @cached_property
    def cluster_filter(self) -> Choices:
        """Every cluster as a filter choice, by number, with its name."""
        names = self.cluster_names
        return Choices({"value": str(c.number), "zh": names[c.number][0],
                        "en": names[c.number][1]} for c in self.result.clusters)
