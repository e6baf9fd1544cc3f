"""A collaboration cluster's page: its members, their shared edges, and under the picture
the measures they share with who leads each."""

from __future__ import annotations

from rdflib import Graph

from ipplan.errors import IpplanError
from ipplan.graph.analytics import Analysis
from ipplan.graph.clusters import induced_subgraph
from ipplan.viz.layout import spring_positions
from ipplan.viz.lists import cluster_table
from ipplan.viz.model import Page, PageData, plain, unit_page_name
from ipplan.viz.render import FastNetwork
from ipplan.viz.views.parts import (
    kind_filter,
    legend,
    nodes_edges,
    shared_edge,
    subtitle,
    unit_node,
)

__all__ = ["cluster_page"]


def cluster_page(graph: Graph, result: Analysis, number: int, *, today: str,
                 data: PageData | None = None) -> Page:
    """One collaboration cluster: its members, their shared edges and what they share."""
    cluster = next((c for c in result.clusters if c.number == number), None)
    if cluster is None:
        raise IpplanError(f"no cluster {number} (clusters: 1 to {len(result.clusters)})")
    data = data or PageData.read(graph, result)
    facts = data.facts
    sub = induced_subgraph(result.network, cluster.members)
    positions = spring_positions(sub, scale=500.0)
    themes = data.unit_themes
    net = FastNetwork()
    for unit in sorted(sub.nodes):
        x, y = positions[unit]
        unit_node(net, unit, result.units[unit], data, themes=themes[unit],
                  colour_by="cluster", x=x, y=y, link=f"../units/{unit_page_name(unit)}")
    for a, b, edge in sorted(sub.edges(data=True)):
        shared_edge(net, a, b, edge, data)
    theme = facts.themes.get(cluster.top_theme, {})
    sub_zh, sub_en = subtitle(data, today)
    return Page("cluster", f"协作聚类 {number}", f"Collaboration cluster {number}", sub_zh, sub_en,
                *nodes_edges(net), legend=legend(data, "cluster", set(sub.nodes)),
                filters={"theme": data.theme_filter, "cluster": data.cluster_filter,
                         "kind": kind_filter(result.units, set(sub.nodes))},
                notes_zh=(f"{len(cluster.members)} 个单位，共同承担 {len(cluster.shared_measures)} 项措施；"
                          f"主要主题：{plain(theme.get('title'))}；内部密度 {cluster.density:g}。"),
                notes_en=(f"{len(cluster.members)} units sharing {len(cluster.shared_measures)} "
                          f"measures; top theme: {theme.get('number', '—')}; internal density "
                          f"{cluster.density:g}."),
                table=cluster_table(data.lists, number, cluster.members,
                                    cluster.shared_measures))
