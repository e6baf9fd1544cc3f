"""Overview pages for what is too big to draw node by node: the clusters as nodes (a large
network), and the plans as boxes (a corpus), each opening its own page."""

from __future__ import annotations

import math
from collections import defaultdict

import networkx as nx
from rdflib import Graph

from ipplan.graph.analytics import Analysis
from ipplan.viz.layout import pieces_in_rows
from ipplan.viz.model import Page, PageData, cluster_page_name, plain, plan_page_name
from ipplan.viz.render import FastNetwork
from ipplan.viz.style import LEVEL_COLOURS, cluster_colour
from ipplan.viz.views.parts import nodes_edges, short, subtitle

__all__ = ["cluster_overview_page", "plans_overview_page"]


def cluster_overview_page(graph: Graph, result: Analysis, *, today: str,
                          data: PageData | None = None) -> Page:
    """For graphs too big to read unit by unit: clusters as nodes, sized by members, joined by
    the measures their members share; each opens its cluster page."""
    data = data or PageData.read(graph, result)
    facts = data.facts
    of = data.cluster_of
    H = nx.Graph()
    for c in result.clusters:
        H.add_node(c.number)
    for a, b, edge in result.network.edges(data=True):
        ca, cb = of.get(a), of.get(b)
        if ca and cb and ca != cb:
            weight = H[ca][cb]["weight"] + edge["weight"] if H.has_edge(ca, cb) else edge["weight"]
            H.add_edge(ca, cb, weight=weight)
    # Several jurisdictions (a corpus): each cluster says where it works, and the clusters
    # of one place sit side by side.
    places = data.cluster_places
    positions = pieces_in_rows(H, lambda n: (places.get(n, ("",))[0], n))
    net = FastNetwork()
    for c in result.clusters:
        theme = facts.themes.get(c.top_theme, {})
        x, y = positions[c.number]
        names = "、".join(result.units[u].name for u in c.members[:8])
        where_zh, where_en = places.get(c.number, ("", ""))
        net.add_node(f"cluster-{c.number}", label=f"{c.number}", x=x, y=y,
                     size=round(12 + 3 * math.sqrt(len(c.members)), 1),
                     color=cluster_colour(c.number), level="cluster",
                     label_zh=(f"{where_zh}\n" if where_zh else "")
                     + f"聚类 {c.number}（{len(c.members)}）",
                     label_en=(f"{where_en}\n" if where_en else "")
                     + f"Cluster {c.number} ({len(c.members)})",
                     tip_zh=[f"聚类 {c.number}：{len(c.members)} 个单位"]
                     + ([f"地区：{where_zh}"] if where_zh else [])
                     + [names, f"主要主题：{plain(theme.get('title'))}"],
                     tip_en=[f"Cluster {c.number}: {len(c.members)} units"]
                     + ([f"Jurisdiction: {where_en}"] if where_en else [])
                     + [names, f"top theme: {theme.get('number', '—')}"],
                     themes=[c.top_theme] if c.top_theme else [], cluster=str(c.number),
                     kind="", search=[f"{c.number}"] + ([where_zh] if where_zh else [])
                     + [result.units[u].name for u in c.members],
                     link=f"clusters/{cluster_page_name(c.number)}")
    for a, b, edge in sorted(H.edges(data=True)):
        net.add_edge(f"cluster-{a}", f"cluster-{b}", width=round(min(1 + math.log2(
            edge["weight"] + 1), 14), 2), color={"color": "#8a8a8a", "opacity": 0.45},
            tip_zh=[f"聚类 {a} — 聚类 {b}：{edge['weight']} 对共同措施"],
            tip_en=[f"Cluster {a} — cluster {b}: {edge['weight']} shared measure pairs"])
    sub_zh, sub_en = subtitle(data, today)
    return Page("clusters", "协作网络（按聚类汇总）", "Coordination network (clusters)", sub_zh,
                sub_en, *nodes_edges(net),
                legend=[{"shape": "size", "zh": "圆点大小：聚类中的单位数",
                         "en": "dot size: units in the cluster"},
                        {"shape": "edge", "zh": "连线粗细：跨聚类共同措施",
                         "en": "line width: measures shared across clusters"}],
                filters={"theme": data.theme_filter},
                notes_zh=f"单位过多（{result.network.number_of_nodes()} 个），按聚类汇总显示；点击聚类查看详情。",
                notes_en=(f"Too many units to read ({result.network.number_of_nodes()}): shown "
                          "as clusters; click a cluster to open it."))


def plans_overview_page(graph: Graph, result: Analysis, *, today: str,
                        data: PageData | None = None) -> Page:
    """For a corpus: every plan as a box, in order of plan id, sized by its measures and
    linked to its own structure page (``plans/plan-*.html``)."""
    data = data or PageData.read(graph, result)
    facts = data.facts
    measures: dict[str, int] = defaultdict(int)
    for m in facts.measures.values():
        measures[str(m["plan"])] += 1
    themes: dict[str, int] = defaultdict(int)
    for th in facts.themes.values():
        themes[str(th["plan"])] += 1
    tasks: dict[str, int] = defaultdict(int)
    for t in facts.tasks.values():
        tasks[str(t["plan"])] += 1
    units: dict[str, set[str]] = defaultdict(set)
    for measure, unit, _role, _position in facts.assignments:
        units[str(facts.measures[measure]["plan"])].add(unit)
    net = FastNetwork()
    columns = max(4, math.ceil(math.sqrt(len(facts.plans) * 2)))  # wider than tall
    for index, p in enumerate(sorted(facts.plans, key=lambda p: str(p["id"]))):
        pid = str(p["p"])
        place, title = plain(p["place"]), plain(p["title"])
        counts_zh = (f"{themes[pid]} 个主题，{tasks[pid]} 项任务，{measures[pid]} 项措施，"
                     f"{len(units[pid])} 个单位")
        counts_en = (f"{themes[pid]} themes, {tasks[pid]} tasks, {measures[pid]} measures, "
                     f"{len(units[pid])} units")
        label_zh = f"{short(place, 10)}\n{measures[pid]} 项措施"
        label_en = f"{short(plain(p.get('place_en')) or place, 18)}\n{measures[pid]} measures"
        net.add_node(pid, label=label_zh, shape="box", color=LEVEL_COLOURS["plan"],
                     font={"color": "#ffffff", "size": 20}, margin=10,
                     x=(index % columns) * 260.0, y=(index // columns) * 120.0, level="plan",
                     label_zh=label_zh, label_en=label_en,
                     tip_zh=[title, place, counts_zh, plain(p["source"])],
                     tip_en=[title, plain(p.get("place_en")) or place, counts_en,
                             plain(p["source"])],
                     themes=[], cluster="", kind="", search=[title, place, str(p["id"])],
                     link=f"plans/{plan_page_name(str(p['id']))}")
    sub_zh, sub_en = subtitle(data, today)
    return Page("plans", "方案结构（按方案）", "Plan structure (by plan)", sub_zh, sub_en,
                *nodes_edges(net),
                legend=[{"colour": LEVEL_COLOURS["plan"], "zh": "方案（按地区）",
                         "en": "plan (by jurisdiction)"}],
                notes_zh=f"共 {len(facts.plans)} 份方案；点击方案查看其主题、任务、措施和责任单位。",
                notes_en=(f"{len(facts.plans)} plans; click a plan to open its themes, tasks, "
                          "measures and units."))
