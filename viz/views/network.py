"""The coordination network page: units and their co-assignment edges."""

from __future__ import annotations

from rdflib import Graph

from ipplan.graph.analytics import Analysis
from ipplan.viz.layout import pieces_in_rows
from ipplan.viz.model import Page, PageData, unit_page_name
from ipplan.viz.render import FastNetwork
from ipplan.viz.views.overview import cluster_overview_page
from ipplan.viz.views.parts import (
    kind_filter,
    legend,
    nodes_edges,
    shared_edge,
    subtitle,
    unit_node,
)

__all__ = ["AGGREGATE_ABOVE", "network_page"]

AGGREGATE_ABOVE = 400  # units; above this the network page shows clusters as nodes


def network_page(graph: Graph, result: Analysis, *, today: str, data: PageData | None = None,
                 colour_by: str = "cluster",
                 aggregate_above: int = AGGREGATE_ABOVE) -> Page:
    """Units and their co-assignment edges; edge width is the number of shared measures."""
    G = result.network
    if G.number_of_nodes() > aggregate_above:
        return cluster_overview_page(graph, result, today=today, data=data)
    data = data or PageData.read(graph, result)
    themes = data.unit_themes
    # a corpus is a network per province (or city): each laid out apart, in order of place,
    # which a unit's IRI starts with
    positions = pieces_in_rows(G, str, weight="strength")
    net = FastNetwork()
    for unit in sorted(G.nodes):
        x, y = positions[unit]
        unit_node(net, unit, result.units[unit], data, themes=themes[unit],
                  colour_by=colour_by, x=x, y=y, link=f"units/{unit_page_name(unit)}")
    for a, b, edge in sorted(G.edges(data=True)):
        shared_edge(net, a, b, edge, data)
    sub_zh, sub_en = subtitle(data, today)
    return Page("network", "协作网络", "Coordination network", sub_zh, sub_en,
                *nodes_edges(net), legend=legend(data, colour_by, set(G.nodes)),
                filters={"theme": data.theme_filter, "cluster": data.cluster_filter,
                         "kind": kind_filter(result.units, set(G.nodes))},
                notes_zh="集合单位（各县（市）区政府等）未列入。" if not
                result.parameters.include_collectives else "",
                notes_en="Collective units (各县（市）区政府, …) are left out." if not
                result.parameters.include_collectives else "")
