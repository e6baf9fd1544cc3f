"""What pages of every kind are made of: unit dots, boxes for the plan's levels, edges of
shared measures, legends, filters, subtitles and short labels."""

from __future__ import annotations

from typing import Any

from pyvis.network import Network

from ipplan.graph.analytics import UnitInfo
from ipplan.viz.model import CORPUS_ABOVE, PageData, places, plain
from ipplan.viz.style import (
    KIND_LABELS,
    LEVEL_COLOURS,
    NO_CLUSTER,
    cluster_colour,
    kind_colour,
    unit_size,
)

__all__ = ["box", "kind_filter", "legend", "nodes_edges", "shared_edge", "short", "subtitle",
           "unit_node"]


def short(text: str, limit: int = 18) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def subtitle(data: PageData, today: str, plans: list[dict[str, Any]] | None = None
             ) -> tuple[str, str]:
    """The plans a page draws from (all of them unless ``plans``), and the day it is as of
    (``today``: --as-of, or the day it was made)."""
    facts = data.facts
    plans = facts.plans if plans is None else plans
    if len(plans) > CORPUS_ABOVE:  # a corpus: name it by its size, not by every title
        count = data.place_count if plans is facts.plans else places(plans)
        return (f"{len(plans)}份方案，{count}个地区 · 截至 {today}",
                f"{len(plans)} plans of {count} jurisdictions · as of {today}")
    titles = "；".join(plain(p["title"]) for p in plans)
    files = ", ".join(plain(p["source"]) for p in plans)
    return (f"{titles}（{files}）· 截至 {today}", f"{titles} ({files}) · as of {today}")


def kind_filter(units: dict[str, UnitInfo], present: set[str]) -> list[dict[str, str]]:
    """The unit kinds among ``present`` as filter choices."""
    kinds = sorted({units[u].kind for u in present})
    return [{"value": k, "zh": KIND_LABELS.get(k, (k, k))[0],
             "en": KIND_LABELS.get(k, (k, k))[1]} for k in kinds]


def unit_node(net: Network, unit: str, info: UnitInfo, data: PageData, *,
              themes: set[str], colour_by: str, x: float | None, y: float | None,
              link: str | None = None) -> None:
    """A unit's dot: sized by its load, coloured by its cluster or kind, with its load and
    cluster in the tooltip."""
    load = data.result.loads.get(unit)
    cluster = data.cluster_of.get(unit)
    colour = cluster_colour(cluster) if colour_by == "cluster" else kind_colour(info.kind)
    tip_zh = [info.name, KIND_LABELS.get(info.kind, (info.kind,))[0]]
    tip_en = [info.name_en or info.name, KIND_LABELS.get(info.kind, ("", info.kind))[1]]
    if load:
        tip_zh.append(f"牵头 {load.lead} 项，配合 {load.support} 项，负荷分 {load.score:g}")
        tip_en.append(f"leads {load.lead}, supports {load.support}, load {load.score:g}")
        if load.overloaded:
            tip_zh.append(f"超负荷：{load.reason_zh}")
            tip_en.append(f"Overloaded: {load.reason}")
        if load.ubiquitous:
            tip_zh.append(f"普遍参与：{load.ubiquity_reason_zh}")
            tip_en.append(f"Ubiquitous: {load.ubiquity_reason}")
    if cluster:
        tip_zh.append(f"聚类 {cluster}")
        tip_en.append(f"cluster {cluster}")
    options: dict[str, Any] = dict(
        label_zh=info.name, label_en=info.name_en or info.name, tip_zh=tip_zh, tip_en=tip_en,
        size=unit_size(load), kind=info.kind, cluster=str(cluster or ""),
        themes=sorted(themes), level="unit", search=[info.name, info.name_en],
        borderWidth=3 if load and load.overloaded else 1)
    if link:
        options["link"] = link
    if x is not None and y is not None:
        options.update(x=x, y=y)
    net.add_node(unit, label=info.name, color=colour, **options)


def box(net: Network, node: str, level: str, *, x: float, y: float, label: str, zh: str,
        en: str, tip_zh: list[str], tip_en: list[str], themes: list[str],
        search: list[str]) -> None:
    """A plan, theme, task or measure: a coloured box with labels and tooltips in both
    languages."""
    net.add_node(node, label=label, shape="box", color=LEVEL_COLOURS[level],
                 font={"color": "#ffffff"}, x=x, y=y, level=level, label_zh=zh, label_en=en,
                 tip_zh=tip_zh, tip_en=tip_en, themes=themes, cluster="", kind="", search=search)


def shared_edge(net: Network, a: str, b: str, edge: dict[str, Any], data: PageData) -> None:
    """Two units joined by the measures they share (``edge``: the co-assignment network's
    edge data), as wide as they are many."""
    units = data.result.units
    ids = [str(data.facts.measures[m]["id"]) for m in edge["measures"]]
    names = (units[a].name, units[b].name)
    names_en = (units[a].name_en or names[0], units[b].name_en or names[1])
    net.add_edge(a, b, width=round(min(1 + edge["weight"] * 0.8, 14), 2),
                 tip_zh=[f"{names[0]} — {names[1]}", f"共同承担 {edge['weight']} 项措施：" + "、".join(ids)],
                 tip_en=[f"{names_en[0]} — {names_en[1]}",
                         f"{edge['weight']} shared measures: " + ", ".join(ids)],
                 color={"color": "#8a8a8a", "opacity": 0.45})


def legend(data: PageData, colour_by: str, units: set[str]) -> list[dict[str, str]]:
    """The legend of a page of units: their colours (clusters, or the kinds of ``units``),
    then dot size, border and line width."""
    items = []
    if colour_by == "cluster":
        for item in data.cluster_filter:
            items.append({"colour": cluster_colour(int(item["value"])),
                          "zh": item["zh"], "en": item["en"]})
        items.append({"colour": NO_CLUSTER, "zh": "未归入聚类", "en": "in no cluster"})
    else:
        for item in kind_filter(data.result.units, units):
            items.append({"colour": kind_colour(item["value"]),
                          "zh": item["zh"], "en": item["en"]})
    items += [
        {"shape": "size", "zh": "圆点大小：负荷分（牵头×2＋配合×1）",
         "en": "dot size: load score (2 × led + 1 × supported)"},
        {"shape": "border", "zh": "粗边框：超负荷单位", "en": "thick border: overloaded unit"},
        {"shape": "edge", "zh": "连线粗细：共同承担的措施数", "en": "line width: measures shared"},
    ]
    return items


def nodes_edges(net: Network) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The network's nodes and edges as a page holds them."""
    # what get_network_data() gives first, without the JSON of pyvis' options it also
    # writes (through Python's slow encoder: 2 s over a pack of 9,000 pages)
    nodes, edges = net.nodes, net.edges
    for node in nodes:
        node.pop("title", None)
    return nodes, edges
