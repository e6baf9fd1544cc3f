"""A unit's page: the measures it leads and supports, and the units it shares them with,
drawn, and listed under the picture as the unit's own checklist (责任清单)."""

from __future__ import annotations

from collections import defaultdict

from rdflib import Graph

from ipplan.errors import IpplanError
from ipplan.graph.analytics import Analysis
from ipplan.viz.layout import radial
from ipplan.viz.lists import unit_table
from ipplan.viz.model import Page, PageData, plain, unit_page_name
from ipplan.viz.render import FastNetwork
from ipplan.viz.style import LEVEL_COLOURS
from ipplan.viz.views.parts import box, kind_filter, nodes_edges, short, subtitle, unit_node

__all__ = ["unit_page"]


def unit_page(graph: Graph, result: Analysis, unit: str, *, today: str,
              data: PageData | None = None) -> Page:
    """One unit, the measures it leads and supports, and the units it shares them with."""
    data = data or PageData.read(graph, result)
    facts = data.facts
    if unit not in result.units:
        matches = [u for u, info in result.units.items() if unit in (info.name, info.name_en)]
        if not matches:
            raise IpplanError(f"no unit named {unit!r} in these plans (see `ipplan units`)")
        if len(matches) > 1:
            raise IpplanError(f"{unit!r} names {len(matches)} units (one per jurisdiction); "
                              "load one city's plans")
        unit = matches[0]
    info = result.units[unit]
    # plan by plan in document order, and a measure the unit both leads and supports as
    # lead first: a total order, since a set's changes with the hash seed
    mine = sorted(set(facts.by_unit.get(unit, [])),
                  key=lambda mr: (str(facts.measures[mr[0]]["plan"]),
                                  int(facts.measures[mr[0]]["order"]), mr[1]))
    net = FastNetwork()
    partners: dict[str, int] = defaultdict(int)
    for measure, _role in mine:
        for u, _r in facts.by_measure[measure]:
            if u != unit and not result.units[u].collective:
                partners[u] += 1
    positions = radial(unit, [m for m, _ in mine], partners, facts)
    themes = data.unit_themes
    unit_node(net, unit, info, data, themes=themes[unit], colour_by="cluster",
              x=positions.get(unit, (0, 0))[0], y=positions.get(unit, (0, 0))[1])
    for measure, role in mine:
        m = facts.measures[measure]
        task = facts.tasks[str(m["task"])]
        deadline = plain(m["deadline"]) or plain(m["deadline_text"])
        x, y = positions[measure]
        box(net, measure, "measure", x=x, y=y, label=str(m["id"]),
            zh=f"{m['id']} {short(plain(m['text']))}", en=f"Measure {m['id']}",
            tip_zh=[f"措施 {m['id']}（{'牵头' if role == 'lead' else '配合'}）",
                    plain(m["text"]), f"任务：{plain(task['title'])}", f"完成时限：{deadline}"],
            tip_en=[f"Measure {m['id']} ({role})", plain(m["text"]),
                    f"Task: {plain(task['title'])}", f"Deadline: {deadline}"],
            themes=[plain(task.get("theme"))] if task.get("theme") else [],
            search=[str(m["id"]), plain(m["text"])])
        net.add_edge(unit, measure, width=3 if role == "lead" else 1.5, dashes=role != "lead",
                     color={"color": "#E68310" if role == "lead" else "#999999"})
    for partner in sorted(partners):
        x, y = positions[partner]
        unit_node(net, partner, result.units[partner], data, themes=themes[partner],
                  colour_by="cluster", x=x, y=y, link=unit_page_name(partner))
    for measure, _role in mine:
        for u, r in facts.by_measure[measure]:
            if u in partners:
                net.add_edge(measure, u, width=1, dashes=r != "lead",
                             color={"color": "#bbbbbb"})
    sub_zh, sub_en = subtitle(data, today)
    load = result.loads.get(unit)
    notes_zh = (f"牵头 {load.lead} 项、配合 {load.support} 项措施；与 {len(partners)} 个单位协作。"
                if load else "")
    notes_en = (f"Leads {load.lead} and supports {load.support} measures; works with "
                f"{len(partners)} units." if load else "")
    if load and load.overloaded:
        notes_zh += f" 超负荷：{load.reason_zh}"
        notes_en += f" Overloaded: {load.reason}"
    if load and load.ubiquitous:
        notes_zh += f" 普遍参与：{load.ubiquity_reason_zh}"
        notes_en += f" Ubiquitous: {load.ubiquity_reason}"
    return Page("unit", f"单位：{info.name}", f"Unit: {info.name_en or info.name}", sub_zh,
                sub_en, *nodes_edges(net),
                legend=[{"colour": LEVEL_COLOURS["measure"], "zh": "具体措施", "en": "measure"},
                        {"shape": "edge", "zh": "实线：牵头；虚线：配合",
                         "en": "solid line: leads; dashed: supports"},
                        {"shape": "size", "zh": "单位圆点大小：负荷分", "en": "unit dot size: load score"}],
                filters={"theme": data.theme_filter, "cluster": data.cluster_filter,
                         "kind": kind_filter(result.units, {unit, *partners})},
                notes_zh=notes_zh, notes_en=notes_en, table=unit_table(data.lists, unit))
