"""A plan's structure page: themes, tasks and measures left to right, each measure joined to
the units assigned to it."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from rdflib import Graph

from ipplan.errors import IpplanError
from ipplan.graph.analytics import Analysis
from ipplan.numerals import to_chinese_numeral
from ipplan.viz.model import Page, PageData, plain, unit_page_name
from ipplan.viz.render import FastNetwork
from ipplan.viz.style import LEVEL_COLOURS
from ipplan.viz.views.parts import box, kind_filter, nodes_edges, short, subtitle, unit_node

__all__ = ["plan_page"]


def plan_page(graph: Graph, result: Analysis, *, today: str, data: PageData | None = None,
              plan: str | None = None, units_href: str = "units/") -> Page:
    """A plan's themes, tasks, measures and the units assigned to them, left to right (every
    plan's, without ``plan``); unit pages are linked at ``units_href``."""
    data = data or PageData.read(graph, result)
    facts = data.facts
    plans = [p for p in facts.plans if plan in (None, p["id"])]
    if not plans:
        raise IpplanError(f"no plan with id {plan!r}")
    net = FastNetwork()
    column = {"plan": 0, "theme": 1, "task": 2, "measure": 3, "unit": 4}
    y_of: dict[str, float] = {}
    row = 0
    themes_of_unit = data.unit_themes
    measure_ys: dict[str, list[float]] = defaultdict(list)
    links: list[tuple[str, str, dict[str, Any]]] = []  # added once both ends exist
    children = data.children
    themes_of_plan = data.themes_of_plan
    for p in plans:
        pid = str(p["p"])
        tasks = children.get(pid, [])
        start = row
        for task_iri, task in tasks:
            measures = children.get(task_iri, [])
            task_start = row
            for m_iri, m in measures:
                y = row * 70.0
                y_of[m_iri] = y
                row += 1
                deadline = plain(m["deadline"]) or plain(m["deadline_text"])
                units = facts.by_measure.get(m_iri, [])
                lead = "、".join(result.units[u].name for u, r in units if r == "lead")
                support = "、".join(result.units[u].name for u, r in units if r == "support")
                lead_en = ", ".join(result.units[u].name_en or result.units[u].name
                                    for u, r in units if r == "lead")
                support_en = ", ".join(result.units[u].name_en or result.units[u].name
                                       for u, r in units if r == "support")
                theme = facts.themes.get(plain(task.get("theme")), {})
                box(net, m_iri, "measure", x=column["measure"] * 320.0, y=y,
                    label=f"{m['id']}", zh=f"{m['id']} {short(plain(m['text']))}",
                    en=f"Measure {m['id']}",
                    tip_zh=[f"措施 {m['id']}", plain(m["text"]), f"牵头：{lead}",
                            f"配合：{support or '—'}", f"完成时限：{deadline}"],
                    tip_en=[f"Measure {m['id']}", plain(m["text"]), f"Lead: {lead_en}",
                            f"Support: {support_en or '—'}", f"Deadline: {deadline}"],
                    themes=[plain(task.get("theme"))] if task.get("theme") else [],
                    search=[str(m["id"]), plain(m["text"])])
                for u, _role in units:
                    measure_ys[u].append(y)
                links.append((task_iri, m_iri, {"color": {"color": "#9fb7d6"}, "width": 1}))
            y_task = (task_start + max(row - 1, task_start)) / 2 * 70.0
            y_of[task_iri] = y_task
            box(net, task_iri, "task", x=column["task"] * 320.0, y=y_task,
                label=f"{task['key']}", zh=f"{task['key']}. {short(plain(task['title']), 16)}",
                en=f"Task {task['key']}",
                tip_zh=[f"任务 {task['key']}", plain(task["title"])],
                tip_en=[f"Task {task['key']}", plain(task["title"])],
                themes=[plain(task.get("theme"))] if task.get("theme") else [],
                search=[str(task["key"]), plain(task["title"])])
        for th_iri, theme in themes_of_plan.get(pid, []):
            ys = [y_of[t] for t, _task in children.get(th_iri, []) if t in y_of]
            y_theme = sum(ys) / len(ys) if ys else start * 70.0
            box(net, th_iri, "theme", x=column["theme"] * 320.0, y=y_theme,
                label=f"{theme['number']}",
                zh=f"{to_chinese_numeral(int(theme['number']))}、{short(plain(theme['title']), 14)}",
                en=f"Theme {theme['number']}",
                tip_zh=[f"主题 {theme['number']}", plain(theme["title"])],
                tip_en=[f"Theme {theme['number']}", plain(theme["title"])],
                themes=[th_iri], search=[plain(theme["title"])])
            links.append((pid, th_iri, {"color": {"color": "#c9a3d6"}, "width": 2}))
            for t, _task in children.get(th_iri, []):
                links.append((th_iri, t, {"color": {"color": "#9fd6c2"}, "width": 1.5}))
        box(net, pid, "plan", x=0.0, y=(start + row - 1) / 2 * 70.0,
            label=short(plain(p["title"]), 12), zh=short(plain(p["title"]), 12),
            en=f"Plan {p['id']}", tip_zh=[plain(p["title"]), plain(p["source"])],
            tip_en=[plain(p["title"]), plain(p["source"])], themes=[],
            search=[plain(p["title"])])
        row += 2
    # Units sit beside the measures they work on, in that order, without overlapping.
    units = sorted(measure_ys, key=lambda u: (sum(measure_ys[u]) / len(measure_ys[u]), u))
    spacing = max(70.0 * row / max(len(units), 1), 40.0)
    for index, unit in enumerate(units):
        unit_node(net, unit, result.units[unit], data, themes=themes_of_unit[unit],
                  colour_by="cluster", x=column["unit"] * 320.0 + (index % 2) * 140,
                  y=index * spacing, link=f"{units_href}{unit_page_name(unit)}")
    for source, target, options in links:
        net.add_edge(source, target, **options)
    for measure in sorted(y_of.keys() & facts.by_measure.keys()):  # as facts.assignments
        for unit, role in facts.by_measure[measure]:
            net.add_edge(measure, unit, width=2 if role == "lead" else 1,
                         dashes=role != "lead",
                         color={"color": "#E68310" if role == "lead" else "#bbbbbb"})
    sub_zh, sub_en = subtitle(data, today, plans)
    legend = [{"colour": LEVEL_COLOURS[k], "zh": zh, "en": en} for k, zh, en in (
        ("plan", "方案", "plan"), ("theme", "主题", "theme"), ("task", "重点任务", "task"),
        ("measure", "具体措施", "measure"))]
    legend += [{"shape": "edge", "zh": "实线：牵头单位；虚线：配合单位",
                "en": "solid line: lead unit; dashed: supporting unit"},
               {"shape": "size", "zh": "单位圆点大小：负荷分", "en": "unit dot size: load score"}]
    title_zh, title_en = "方案结构", "Plan structure"
    if plan is not None:
        place = plain(plans[0]["place"])
        title_zh, title_en = (f"方案结构：{place}",
                              f"Plan structure: {plain(plans[0].get('place_en')) or place}")
    return Page("plan", title_zh, title_en, sub_zh, sub_en, *nodes_edges(net),
                legend=legend, filters={"theme": data.theme_filter,
                                        "cluster": data.cluster_filter,
                                        "kind": kind_filter(result.units, set(measure_ys))})
