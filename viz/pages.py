"""Network pages: what each page shows, built from the analysed graph with pyvis.

A page is a :class:`Page`: pyvis' nodes and edges (with positions computed here, seeded, so the
page looks the same every time and does not move once drawn), plus the legend, the filters and
the labels in Chinese and English. :mod:`viz.render` turns a page into offline HTML.

Pages: the co-assignment network of units (``network_page``), a plan's theme -> task ->
measure -> unit tree (``plan_page``), one unit's measures and partners (``unit_page``), one
cluster (``cluster_page``), and, for graphs too big to read, the clusters as nodes
(``cluster_overview_page``).
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
from pyvis.edge import Edge
from pyvis.network import Network
from rdflib import Graph, Literal

from ipplan.graph.analytics import Analysis, UnitInfo
from ipplan.graph.clusters import induced_subgraph
from ipplan.graph.sparql import select_values
from ipplan.graph.vocab import PREFIXES
from ipplan.loaders.assemble import to_chinese_numeral
from ipplan.errors import IpplanError

# Colours that stay apart in print and for colour-blind readers (Okabe-Ito, then Tableau).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
           "#000000", "#4E79A7", "#F28E2B", "#59A14F", "#B07AA1", "#9C755F", "#EDC948")
NO_CLUSTER = "#B0B0B0"
KIND_LABELS = {
    "municipal-department": ("市政府部门", "municipal department"),
    "provincial-department": ("省政府部门", "provincial department"),
    "national-department": ("国务院部门", "national department"),
    "district-department": ("区县政府部门", "district or county department"),
    "party-organ": ("党委机关", "party organ"),
    "judicial": ("司法机关", "judicial organ"),
    "customs": ("海关", "customs"),
    "district-collective": ("县（市）区集合", "district collective"),
    "development-zone": ("开发区管委会", "development-zone committee"),
    "university": ("高校", "university"),
    "financial-institution": ("金融机构", "financial institution"),
    "mass-organisation": ("群团组织", "mass organisation"),
    "other": ("其他", "other"),
}
# Each kind keeps its colour whatever kinds are added later (taken from PALETTE, in the order
# the kinds were introduced, so pages drawn before provincial departments look the same).
KIND_COLOURS = {
    "customs": PALETTE[0], "development-zone": PALETTE[1], "district-collective": PALETTE[2],
    "financial-institution": PALETTE[3], "judicial": PALETTE[4], "mass-organisation": PALETTE[5],
    "municipal-department": PALETTE[6], "other": PALETTE[7], "party-organ": PALETTE[8],
    "university": PALETTE[9], "provincial-department": PALETTE[10],
    "national-department": PALETTE[11], "district-department": PALETTE[12],
}
LEVEL_COLOURS = {"plan": "#444444", "theme": "#7F3C8D", "task": "#11A579",
                 "measure": "#3969AC", "unit": "#E68310"}
AGGREGATE_ABOVE = 400  # units; above this the network page shows clusters as nodes
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
    return f"unit-{page_id(unit)}.html"


def plan_page_name(plan_id: str) -> str:
    return f"plan-{page_id(plan_id)}.html"


def is_corpus(facts: _Facts) -> bool:
    """More plans than one page should draw: the pack gives each plan its own page."""
    return len(facts.plans) > CORPUS_ABOVE


def cluster_page_name(number: int) -> str:
    return f"cluster-{number}.html"


@dataclass
class _Facts:
    """What the pages need from the graph, read once."""

    plans: list[dict[str, Any]]
    measures: dict[str, dict[str, Any]]
    tasks: dict[str, dict[str, Any]]
    themes: dict[str, dict[str, Any]]
    assignments: list[tuple[str, str, str, int]]  # measure, unit, role, position
    by_measure: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # (unit, role)
    by_unit: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # (measure, role)
    unit_themes: dict[str, set[str]] | None = None
    derived: dict[str, Any] = field(default_factory=dict)  # see _derived()


_MEASURES = """
SELECT ?m ?id ?text ?order ?deadline ?deadline_text ?task ?plan WHERE {
  ?m a ipp:Measure ; ipp:notation ?id ; ipp:text ?text ; ipp:order ?order ;
     ipp:deadlineText ?deadline_text ; ipp:task ?task ; ipp:plan ?plan .
  OPTIONAL { ?m ipp:deadline ?deadline } }"""
_TASKS = """
SELECT ?t ?key ?title ?order ?theme ?plan WHERE {
  ?t a ipp:Task ; ipp:notation ?key ; dcterms:title ?title ; ipp:order ?order ; ipp:plan ?plan .
  OPTIONAL { ?t ipp:theme ?theme } }"""
_THEMES = """
SELECT ?th ?number ?title ?plan WHERE {
  ?th a ipp:Theme ; ipp:number ?number ; skos:prefLabel ?title ; ipp:plan ?plan . }"""
_PLANS = """
SELECT ?p ?id ?title ?place ?place_en ?source WHERE {
  ?p a ipp:Plan ; dcterms:identifier ?id ; dcterms:title ?title ; dcterms:source ?source ;
     ipp:jurisdiction ?j . ?j skos:prefLabel ?place FILTER (lang(?place) = "zh")
  OPTIONAL { ?j skos:prefLabel ?place_en FILTER (lang(?place_en) = "en") } } ORDER BY ?id"""
_ASSIGNMENTS = """
SELECT ?m ?u ?role ?position WHERE {
  ?m ipp:hasAssignment ?a . ?a ipp:unit ?u ; ipp:role ?role ; ipp:position ?position . }"""


def read_facts(graph: Graph) -> _Facts:
    def rows(text: str) -> list[dict[str, Any]]:
        names, found = select_values(graph, text, prefixes=PREFIXES, plain=_python)
        return [dict(zip(names, row)) for row in found]

    measures = {str(r["m"]): r for r in rows(_MEASURES)}
    tasks = {str(r["t"]): r for r in rows(_TASKS)}
    themes = {str(r["th"]): r for r in rows(_THEMES)}
    plans = rows(_PLANS)
    assignments = sorted(
        (str(r["m"]), str(r["u"]), "lead" if str(r["role"]).endswith("LeadRole") else "support",
         int(r["position"])) for r in rows(_ASSIGNMENTS))
    by_measure: dict[str, list[tuple[str, str]]] = defaultdict(list)
    by_unit: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for measure, unit, role, _position in assignments:
        by_measure[measure].append((unit, role))
        by_unit[unit].append((measure, role))
    return _Facts(plans, measures, tasks, themes, assignments, dict(by_measure), dict(by_unit))


def _python(value: Any) -> Any:
    """A query result as a plain value: numbers as numbers, everything else as text."""
    if value is None:
        return None
    if isinstance(value, Literal) and value.datatype is not None:
        return value.toPython()
    return str(value)


def _plain(value: Any) -> str:
    return "" if value is None else str(value)


def _subtitle(facts: _Facts, today: str, plans: list[dict[str, Any]] | None = None
              ) -> tuple[str, str]:
    """The plans a page draws from (all of them unless ``plans``), and the date."""
    plans = facts.plans if plans is None else plans
    if len(plans) > CORPUS_ABOVE:  # a corpus: name it by its size, not by every title
        places = _place_count(facts) if plans is facts.plans else _places(plans)
        return (f"{len(plans)}份方案，{places}个地区 · 生成于 {today}",
                f"{len(plans)} plans of {places} jurisdictions · made {today}")
    titles = "；".join(_plain(p["title"]) for p in plans)
    files = ", ".join(_plain(p["source"]) for p in plans)
    return (f"{titles}（{files}）· 生成于 {today}", f"{titles} ({files}) · made {today}")


def _places(plans: list[dict[str, Any]]) -> int:
    """How many jurisdictions ``plans`` come from."""
    return len({_plain(p["place"]) for p in plans})


def _place_count(facts: _Facts) -> int:
    """How many jurisdictions all the plans come from (counted once per set of facts)."""
    return _derived(facts, "places", lambda: _places(facts.plans))


def _cluster_of(result: Analysis) -> dict[str, int]:
    """Each clustered unit's cluster number (computed once per analysis)."""
    return _once(result, "_cluster_of", lambda: {
        unit: c.number for c in result.clusters for unit in c.members})


def _once(result: Analysis, key: str, compute: Any) -> Any:
    """``compute()``, kept on the analysis: every page of a pack asks for the same."""
    if key not in result.__dict__:
        result.__dict__[key] = compute()
    return result.__dict__[key]


def _cluster_colour(result: Analysis, unit: str) -> str:
    number = _cluster_of(result).get(unit)
    return PALETTE[(number - 1) % len(PALETTE)] if number else NO_CLUSTER


def _unit_size(result: Analysis, unit: str) -> float:
    load = result.loads.get(unit)
    return round(10 + 4 * math.sqrt(load.score if load else 0), 2)


def _positions(G: nx.Graph, seed: int = 7, scale: float = 900.0, weight: str | None = "strength"
               ) -> dict[str, tuple[float, float]]:
    """Seeded spring layout in pixels: the same graph always lands in the same place.

    The layout starts from random positions handed out in node order, so it is computed on
    the nodes in sorted order: the order ``G`` was built in, or a subgraph view's set order
    (which changes with the process' hash seed), does not move a node."""
    if G.number_of_nodes() == 0:
        return {}
    ordered = induced_subgraph(G, sorted(G))
    k = 1.5 / math.sqrt(max(G.number_of_nodes(), 1))
    layout = nx.spring_layout(ordered, seed=seed, weight=weight, k=k, iterations=200)
    return {n: (round(float(x) * scale, 1), round(float(y) * scale, 1))
            for n, (x, y) in sorted(layout.items())}


def _pieces_in_rows(G: nx.Graph, order: Any, weight: str | None = "weight",
                    cell: tuple[float, float] = (200.0, 170.0)) -> dict[Any, tuple[float, float]]:
    """Seeded layout of a graph in several unconnected pieces: each piece laid out on its own
    and the pieces set in rows, in the order of ``order(node)`` of their first node (one
    spring layout of them all puts unconnected pieces on a ring, far apart). A connected
    graph gets :func:`_positions`."""
    pieces = [sorted(piece, key=order) for piece in nx.connected_components(G)]
    if len(pieces) <= 1:
        return _positions(G, weight=weight, scale=900.0)
    pieces.sort(key=lambda piece: order(piece[0]))
    laid = []  # (positions relative to the piece's top-left corner, width, height)
    for piece in pieces:
        if len(piece) == 1:
            laid.append(({piece[0]: (cell[0] / 2, cell[1] / 2)}, *cell))
            continue
        inner = _positions(induced_subgraph(G, piece), weight=weight,
                           scale=0.6 * cell[0] * math.sqrt(len(piece)))
        xs, ys = [x for x, _ in inner.values()], [y for _, y in inner.values()]
        left, top = min(xs) - cell[0] / 2, min(ys) - cell[1] / 2
        laid.append(({n: (x - left, y - top) for n, (x, y) in inner.items()},
                     max(xs) - min(xs) + cell[0], max(ys) - min(ys) + cell[1]))
    area = sum(width * height for _, width, height in laid)
    row_width = max(max(width for _, width, _ in laid), 1.6 * math.sqrt(area))
    positions: dict[Any, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for inner, width, height in laid:
        if x and x + width > row_width:
            x, y, row_height = 0.0, y + row_height, 0.0
        for node, (dx, dy) in inner.items():
            positions[node] = (round(x + dx, 1), round(y + dy, 1))
        x, row_height = x + width, max(row_height, height)
    return positions


def _unit_themes(facts: _Facts) -> dict[str, set[str]]:
    """The themes each unit works in (computed once per set of facts)."""
    if facts.unit_themes is None:
        themes: dict[str, set[str]] = defaultdict(set)
        for measure, unit, _role, _position in facts.assignments:
            theme = facts.tasks[str(facts.measures[measure]["task"])].get("theme")
            if theme:
                themes[unit].add(str(theme))
        facts.unit_themes = themes
    return facts.unit_themes


def _derived(facts: _Facts, key: str, compute: Any) -> Any:
    """``compute()``, kept with the facts: every page of a pack asks for the same, and
    computing it per page made a pack of thousands of pages quadratic."""
    if key not in facts.derived:
        facts.derived[key] = compute()
    return facts.derived[key]


def _theme_filter(facts: _Facts) -> list[dict[str, str]]:
    """Every theme as a filter choice, plan by plan (each page keeps the ones it shows)."""
    return _derived(facts, "theme_filter", lambda: Choices(
        {"value": iri, "zh": f"{t['number']}. {t['title']}", "en": f"Theme {t['number']}"}
        for iri, t in sorted(facts.themes.items(),
                             key=lambda kv: (str(kv[1]["plan"]), int(kv[1]["number"])))))


def _themes_of_plan(facts: _Facts) -> dict[str, list[tuple[str, dict[str, Any]]]]:
    """Each plan's themes, by number."""
    def build() -> dict[str, list[tuple[str, dict[str, Any]]]]:
        themes: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
        for th_iri, theme in sorted(facts.themes.items(), key=lambda kv: int(kv[1]["number"])):
            themes[str(theme["plan"])].append((th_iri, theme))
        return dict(themes)

    return _derived(facts, "themes_of_plan", build)


def _children(facts: _Facts) -> dict[str, list[tuple[str, dict[str, Any]]]]:
    """Tasks by plan and by theme, and measures by task, each in document order."""
    def build() -> dict[str, list[tuple[str, dict[str, Any]]]]:
        children: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
        for iri, task in facts.tasks.items():
            children[str(task["plan"])].append((iri, task))
            if task.get("theme"):
                children[str(task["theme"])].append((iri, task))
        for iri, measure in facts.measures.items():
            children[str(measure["task"])].append((iri, measure))
        for items in children.values():
            items.sort(key=lambda kv: int(kv[1]["order"]))
        return dict(children)

    return _derived(facts, "children", build)


def cluster_names(result: Analysis, facts: _Facts) -> dict[int, tuple[str, str]]:
    """Each cluster named by its busiest member: 聚类 7：榕城海关等3个单位, and in a corpus of
    several jurisdictions by where it works too, since every city has its 市法院:
    聚类 7（石家庄市）：市法院等26个单位 (computed once per analysis: every page's filter names
    them)."""
    return _once(result, "_cluster_names", lambda: _cluster_names(result, facts))


def _cluster_names(result: Analysis, facts: _Facts) -> dict[int, tuple[str, str]]:
    places = _cluster_places(result, facts)
    names = {}
    for c in result.clusters:
        top = max(c.members, key=lambda u: (result.loads[u].score if u in result.loads else 0,
                                            -c.members.index(u)))
        info = result.units[top]
        others = len(c.members) - 1
        where_zh = where_en = ""
        if c.number in places:
            where_zh, where_en = f"（{places[c.number][0]}）", f" ({places[c.number][1]})"
        names[c.number] = (f"聚类 {c.number}{where_zh}：{info.name}等{len(c.members)}个单位",
                           f"Cluster {c.number}{where_en}: {info.name_en or info.name}"
                           + (f" and {others} more" if others else ""))
    return names


def _cluster_filter(result: Analysis, facts: _Facts) -> list[dict[str, str]]:
    def build() -> Choices:
        names = cluster_names(result, facts)
        return Choices({"value": str(c.number), "zh": names[c.number][0],
                        "en": names[c.number][1]} for c in result.clusters)

    return _once(result, "_cluster_filter", build)


def _kind_filter(units: dict[str, UnitInfo], present: set[str]) -> list[dict[str, str]]:
    kinds = sorted({units[u].kind for u in present})
    return [{"value": k, "zh": KIND_LABELS.get(k, (k, k))[0],
             "en": KIND_LABELS.get(k, (k, k))[1]} for k in kinds]


def _unit_node(net: Network, unit: str, info: UnitInfo, result: Analysis, *,
               themes: set[str], colour_by: str, x: float | None, y: float | None,
               link: str | None = None) -> None:
    load = result.loads.get(unit)
    cluster = _cluster_of(result).get(unit)
    colour = (_cluster_colour(result, unit) if colour_by == "cluster"
              else KIND_COLOURS.get(info.kind, NO_CLUSTER))
    tip_zh = [info.name, KIND_LABELS.get(info.kind, (info.kind,))[0]]
    tip_en = [info.name_en or info.name, KIND_LABELS.get(info.kind, ("", info.kind))[1]]
    if load:
        tip_zh.append(f"牵头 {load.lead} 项，配合 {load.support} 项，负荷分 {load.score:g}")
        tip_en.append(f"leads {load.lead}, supports {load.support}, load {load.score:g}")
        if load.overloaded:
            tip_zh.append(f"超负荷：{load.reason_zh}")
            tip_en.append(f"Overloaded: {load.reason}")
    if cluster:
        tip_zh.append(f"聚类 {cluster}")
        tip_en.append(f"cluster {cluster}")
    options: dict[str, Any] = dict(
        label_zh=info.name, label_en=info.name_en or info.name, tip_zh=tip_zh, tip_en=tip_en,
        size=_unit_size(result, unit), kind=info.kind, cluster=str(cluster or ""),
        themes=sorted(themes), level="unit", search=[info.name, info.name_en],
        borderWidth=3 if load and load.overloaded else 1)
    if link:
        options["link"] = link
    if x is not None and y is not None:
        options.update(x=x, y=y)
    net.add_node(unit, label=info.name, color=colour, **options)


def _box(net: Network, node: str, level: str, *, x: float, y: float, label: str, zh: str,
         en: str, tip_zh: list[str], tip_en: list[str], themes: list[str],
         search: list[str]) -> None:
    """A plan, theme, task or measure: a coloured box with labels and tooltips in both
    languages."""
    net.add_node(node, label=label, shape="box", color=LEVEL_COLOURS[level],
                 font={"color": "#ffffff"}, x=x, y=y, level=level, label_zh=zh, label_en=en,
                 tip_zh=tip_zh, tip_en=tip_en, themes=themes, cluster="", kind="", search=search)


class _Ids(list):  # type: ignore[type-arg]
    """pyvis keeps node ids in a list and tests membership on every node and edge added;
    with a set beside it a page of 100,000 edges builds in linear time."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: set[Any] = set()

    def append(self, item: Any) -> None:
        self.seen.add(item)
        super().append(item)

    def __contains__(self, item: object) -> bool:
        return item in self.seen


class _Network(Network):  # type: ignore[misc]
    """pyvis' Network with the same results from add_node/add_edge, in constant time each:
    an undirected edge between two nodes already joined is ignored, as pyvis does."""

    def __init__(self) -> None:
        super().__init__(directed=False, cdn_resources="remote")
        self.node_ids = _Ids()
        self._joined: set[frozenset[Any]] = set()

    def add_edge(self, source: Any, to: Any, **options: Any) -> None:
        assert source in self.node_ids, f"non existent node '{source}'"
        assert to in self.node_ids, f"non existent node '{to}'"
        pair = frozenset((source, to))
        if pair not in self._joined:
            self._joined.add(pair)
            self.edges.append(Edge(source, to, self.directed, **options).options)


def _network() -> Network:
    return _Network()


def network_page(graph: Graph, result: Analysis, *, today: str, facts: _Facts | None = None,
                 colour_by: str = "cluster",
                 aggregate_above: int = AGGREGATE_ABOVE) -> Page:
    """Units and their co-assignment edges; edge width is the number of shared measures."""
    G = result.network
    if G.number_of_nodes() > aggregate_above:
        return cluster_overview_page(graph, result, today=today, facts=facts)
    facts = facts or read_facts(graph)
    themes = _unit_themes(facts)
    # a corpus is a network per province (or city): each laid out apart, in order of place,
    # which a unit's IRI starts with
    positions = _pieces_in_rows(G, str, weight="strength")
    net = _network()
    for unit in sorted(G.nodes):
        x, y = positions[unit]
        _unit_node(net, unit, result.units[unit], result, themes=themes[unit],
                   colour_by=colour_by, x=x, y=y, link=f"units/{unit_page_name(unit)}")
    for a, b, data in sorted(G.edges(data=True)):
        _shared_edge(net, a, b, data, facts, result)
    sub_zh, sub_en = _subtitle(facts, today)
    return Page("network", "协作网络", "Coordination network", sub_zh, sub_en,
                *_nodes_edges(net), legend=_legend(result, facts, colour_by, set(G.nodes)),
                filters={"theme": _theme_filter(facts), "cluster": _cluster_filter(result, facts),
                         "kind": _kind_filter(result.units, set(G.nodes))},
                notes_zh="集合单位（各县（市）区政府等）未列入。" if not
                result.parameters.include_collectives else "",
                notes_en="Collective units (各县（市）区政府, …) are left out." if not
                result.parameters.include_collectives else "")


def _shared_edge(net: Network, a: str, b: str, data: dict[str, Any], facts: _Facts,
                 result: Analysis) -> None:
    ids = [str(facts.measures[m]["id"]) for m in data["measures"]]
    names = (result.units[a].name, result.units[b].name)
    names_en = (result.units[a].name_en or names[0], result.units[b].name_en or names[1])
    net.add_edge(a, b, width=round(min(1 + data["weight"] * 0.8, 14), 2),
                 tip_zh=[f"{names[0]} — {names[1]}", f"共同承担 {data['weight']} 项措施：" + "、".join(ids)],
                 tip_en=[f"{names_en[0]} — {names_en[1]}",
                         f"{data['weight']} shared measures: " + ", ".join(ids)],
                 color={"color": "#8a8a8a", "opacity": 0.45})


def _legend(result: Analysis, facts: _Facts, colour_by: str, units: set[str]
            ) -> list[dict[str, str]]:
    legend = []
    if colour_by == "cluster":
        for item in _cluster_filter(result, facts):
            legend.append({"colour": PALETTE[(int(item["value"]) - 1) % len(PALETTE)],
                           "zh": item["zh"], "en": item["en"]})
        legend.append({"colour": NO_CLUSTER, "zh": "未归入聚类", "en": "in no cluster"})
    else:
        for item in _kind_filter(result.units, units):
            legend.append({"colour": KIND_COLOURS.get(item["value"], NO_CLUSTER),
                           "zh": item["zh"], "en": item["en"]})
    legend += [
        {"shape": "size", "zh": "圆点大小：负荷分（牵头×2＋配合×1）",
         "en": "dot size: load score (2 × led + 1 × supported)"},
        {"shape": "border", "zh": "粗边框：超负荷单位", "en": "thick border: overloaded unit"},
        {"shape": "edge", "zh": "连线粗细：共同承担的措施数", "en": "line width: measures shared"},
    ]
    return legend


def _nodes_edges(net: Network) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    # what get_network_data() gives first, without the JSON of pyvis' options it also
    # writes (through Python's slow encoder: 2 s over a pack of 9,000 pages)
    nodes, edges = net.nodes, net.edges
    for node in nodes:
        node.pop("title", None)
    return nodes, edges


def plan_page(graph: Graph, result: Analysis, *, today: str, facts: _Facts | None = None,
              plan: str | None = None, units_href: str = "units/") -> Page:
    """A plan's themes, tasks, measures and the units assigned to them, left to right (every
    plan's, without ``plan``); unit pages are linked at ``units_href``."""
    facts = facts or read_facts(graph)
    plans = [p for p in facts.plans if plan in (None, p["id"])]
    if not plans:
        raise IpplanError(f"no plan with id {plan!r}")
    net = _network()
    column = {"plan": 0, "theme": 1, "task": 2, "measure": 3, "unit": 4}
    y_of: dict[str, float] = {}
    row = 0
    themes_of_unit = _unit_themes(facts)
    measure_ys: dict[str, list[float]] = defaultdict(list)
    links: list[tuple[str, str, dict[str, Any]]] = []  # added once both ends exist
    children = _children(facts)
    themes_of_plan = _themes_of_plan(facts)
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
                deadline = _plain(m["deadline"]) or _plain(m["deadline_text"])
                units = facts.by_measure.get(m_iri, [])
                lead = "、".join(result.units[u].name for u, r in units if r == "lead")
                support = "、".join(result.units[u].name for u, r in units if r == "support")
                lead_en = ", ".join(result.units[u].name_en or result.units[u].name
                                    for u, r in units if r == "lead")
                support_en = ", ".join(result.units[u].name_en or result.units[u].name
                                       for u, r in units if r == "support")
                theme = facts.themes.get(_plain(task.get("theme")), {})
                _box(net, m_iri, "measure", x=column["measure"] * 320.0, y=y,
                     label=f"{m['id']}", zh=f"{m['id']} {_short(_plain(m['text']))}",
                     en=f"Measure {m['id']}",
                     tip_zh=[f"措施 {m['id']}", _plain(m["text"]), f"牵头：{lead}",
                             f"配合：{support or '—'}", f"完成时限：{deadline}"],
                     tip_en=[f"Measure {m['id']}", _plain(m["text"]), f"Lead: {lead_en}",
                             f"Support: {support_en or '—'}", f"Deadline: {deadline}"],
                     themes=[_plain(task.get("theme"))] if task.get("theme") else [],
                     search=[str(m["id"]), _plain(m["text"])])
                for u, _role in units:
                    measure_ys[u].append(y)
                links.append((task_iri, m_iri, {"color": {"color": "#9fb7d6"}, "width": 1}))
            y_task = (task_start + max(row - 1, task_start)) / 2 * 70.0
            y_of[task_iri] = y_task
            _box(net, task_iri, "task", x=column["task"] * 320.0, y=y_task,
                 label=f"{task['key']}", zh=f"{task['key']}. {_short(_plain(task['title']), 16)}",
                 en=f"Task {task['key']}",
                 tip_zh=[f"任务 {task['key']}", _plain(task["title"])],
                 tip_en=[f"Task {task['key']}", _plain(task["title"])],
                 themes=[_plain(task.get("theme"))] if task.get("theme") else [],
                 search=[str(task["key"]), _plain(task["title"])])
        for th_iri, theme in themes_of_plan.get(pid, []):
            ys = [y_of[t] for t, _task in children.get(th_iri, []) if t in y_of]
            y_theme = sum(ys) / len(ys) if ys else start * 70.0
            _box(net, th_iri, "theme", x=column["theme"] * 320.0, y=y_theme,
                 label=f"{theme['number']}",
                 zh=f"{to_chinese_numeral(int(theme['number']))}、{_short(_plain(theme['title']), 14)}",
                 en=f"Theme {theme['number']}",
                 tip_zh=[f"主题 {theme['number']}", _plain(theme["title"])],
                 tip_en=[f"Theme {theme['number']}", _plain(theme["title"])],
                 themes=[th_iri], search=[_plain(theme["title"])])
            links.append((pid, th_iri, {"color": {"color": "#c9a3d6"}, "width": 2}))
            for t, _task in children.get(th_iri, []):
                links.append((th_iri, t, {"color": {"color": "#9fd6c2"}, "width": 1.5}))
        _box(net, pid, "plan", x=0.0, y=(start + row - 1) / 2 * 70.0,
             label=_short(_plain(p["title"]), 12), zh=_short(_plain(p["title"]), 12),
             en=f"Plan {p['id']}", tip_zh=[_plain(p["title"]), _plain(p["source"])],
             tip_en=[_plain(p["title"]), _plain(p["source"])], themes=[],
             search=[_plain(p["title"])])
        row += 2
    # Units sit beside the measures they work on, in that order, without overlapping.
    units = sorted(measure_ys, key=lambda u: (sum(measure_ys[u]) / len(measure_ys[u]), u))
    spacing = max(70.0 * row / max(len(units), 1), 40.0)
    for index, unit in enumerate(units):
        _unit_node(net, unit, result.units[unit], result, themes=themes_of_unit[unit],
                   colour_by="cluster", x=column["unit"] * 320.0 + (index % 2) * 140,
                   y=index * spacing, link=f"{units_href}{unit_page_name(unit)}")
    for source, target, options in links:
        net.add_edge(source, target, **options)
    for measure in sorted(y_of.keys() & facts.by_measure.keys()):  # as facts.assignments
        for unit, role in facts.by_measure[measure]:
            net.add_edge(measure, unit, width=2 if role == "lead" else 1,
                         dashes=role != "lead",
                         color={"color": "#E68310" if role == "lead" else "#bbbbbb"})
    sub_zh, sub_en = _subtitle(facts, today, plans)
    legend = [{"colour": LEVEL_COLOURS[k], "zh": zh, "en": en} for k, zh, en in (
        ("plan", "方案", "plan"), ("theme", "主题", "theme"), ("task", "重点任务", "task"),
        ("measure", "具体措施", "measure"))]
    legend += [{"shape": "edge", "zh": "实线：牵头单位；虚线：配合单位",
                "en": "solid line: lead unit; dashed: supporting unit"},
               {"shape": "size", "zh": "单位圆点大小：负荷分", "en": "unit dot size: load score"}]
    title_zh, title_en = "方案结构", "Plan structure"
    if plan is not None:
        place = _plain(plans[0]["place"])
        title_zh, title_en = (f"方案结构：{place}",
                              f"Plan structure: {_plain(plans[0].get('place_en')) or place}")
    return Page("plan", title_zh, title_en, sub_zh, sub_en, *_nodes_edges(net),
                legend=legend, filters={"theme": _theme_filter(facts),
                                        "cluster": _cluster_filter(result, facts),
                                        "kind": _kind_filter(result.units, set(measure_ys))})


def unit_page(graph: Graph, result: Analysis, unit: str, *, today: str,
              facts: _Facts | None = None) -> Page:
    """One unit, the measures it leads and supports, and the units it shares them with."""
    facts = facts or read_facts(graph)
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
    net = _network()
    partners: dict[str, int] = defaultdict(int)
    for measure, _role in mine:
        for u, _r in facts.by_measure[measure]:
            if u != unit and not result.units[u].collective:
                partners[u] += 1
    positions = _radial(unit, [m for m, _ in mine], partners, facts)
    themes = _unit_themes(facts)
    _unit_node(net, unit, info, result, themes=themes[unit], colour_by="cluster",
               x=positions.get(unit, (0, 0))[0], y=positions.get(unit, (0, 0))[1])
    for measure, role in mine:
        m = facts.measures[measure]
        task = facts.tasks[str(m["task"])]
        deadline = _plain(m["deadline"]) or _plain(m["deadline_text"])
        x, y = positions[measure]
        _box(net, measure, "measure", x=x, y=y, label=str(m["id"]),
             zh=f"{m['id']} {_short(_plain(m['text']))}", en=f"Measure {m['id']}",
             tip_zh=[f"措施 {m['id']}（{'牵头' if role == 'lead' else '配合'}）",
                     _plain(m["text"]), f"任务：{_plain(task['title'])}", f"完成时限：{deadline}"],
             tip_en=[f"Measure {m['id']} ({role})", _plain(m["text"]),
                     f"Task: {_plain(task['title'])}", f"Deadline: {deadline}"],
             themes=[_plain(task.get("theme"))] if task.get("theme") else [],
             search=[str(m["id"]), _plain(m["text"])])
        net.add_edge(unit, measure, width=3 if role == "lead" else 1.5, dashes=role != "lead",
                     color={"color": "#E68310" if role == "lead" else "#999999"})
    for partner in sorted(partners):
        x, y = positions[partner]
        _unit_node(net, partner, result.units[partner], result, themes=themes[partner],
                   colour_by="cluster", x=x, y=y, link=unit_page_name(partner))
    for measure, _role in mine:
        for u, r in facts.by_measure[measure]:
            if u in partners:
                net.add_edge(measure, u, width=1, dashes=r != "lead",
                             color={"color": "#bbbbbb"})
    sub_zh, sub_en = _subtitle(facts, today)
    load = result.loads.get(unit)
    notes_zh = (f"牵头 {load.lead} 项、配合 {load.support} 项措施；与 {len(partners)} 个单位协作。"
                if load else "")
    notes_en = (f"Leads {load.lead} and supports {load.support} measures; works with "
                f"{len(partners)} units." if load else "")
    if load and load.overloaded:
        notes_zh += f" 超负荷：{load.reason_zh}"
        notes_en += f" Overloaded: {load.reason}"
    return Page("unit", f"单位：{info.name}", f"Unit: {info.name_en or info.name}", sub_zh,
                sub_en, *_nodes_edges(net),
                legend=[{"colour": LEVEL_COLOURS["measure"], "zh": "具体措施", "en": "measure"},
                        {"shape": "edge", "zh": "实线：牵头；虚线：配合",
                         "en": "solid line: leads; dashed: supports"},
                        {"shape": "size", "zh": "单位圆点大小：负荷分", "en": "unit dot size: load score"}],
                filters={"theme": _theme_filter(facts), "cluster": _cluster_filter(result, facts),
                         "kind": _kind_filter(result.units, {unit, *partners})},
                notes_zh=notes_zh, notes_en=notes_en)


def _radial(centre: str, measures: list[str], partners: dict[str, int], facts: _Facts
            ) -> dict[str, tuple[float, float]]:
    """The unit in the middle, its measures on a ring in document order, each partner on an
    outer ring at the mean angle of the measures it shares: deterministic and uncluttered."""
    positions = {centre: (0.0, 0.0)}
    inner = max(260.0, 28.0 * len(measures))
    angle_of = {}
    for index, measure in enumerate(measures):
        angle = 2 * math.pi * index / max(len(measures), 1) - math.pi / 2
        angle_of[measure] = angle
        positions[measure] = (round(inner * math.cos(angle), 1), round(inner * math.sin(angle), 1))
    shared: dict[str, list[float]] = defaultdict(list)
    for m, angle in angle_of.items():
        for u, _role in facts.by_measure[m]:
            if u in partners:
                shared[u].append(angle)
    outer = inner + 260.0
    wanted = sorted(partners, key=lambda u: (math.atan2(
        sum(math.sin(a) for a in shared[u]), sum(math.cos(a) for a in shared[u])), u))
    for index, partner in enumerate(wanted):
        angle = 2 * math.pi * index / max(len(wanted), 1) - math.pi / 2
        positions[partner] = (round(outer * math.cos(angle), 1), round(outer * math.sin(angle), 1))
    return positions


def cluster_page(graph: Graph, result: Analysis, number: int, *, today: str,
                 facts: _Facts | None = None) -> Page:
    """One collaboration cluster: its members, their shared edges and what they share."""
    cluster = next((c for c in result.clusters if c.number == number), None)
    if cluster is None:
        raise IpplanError(f"no cluster {number} (clusters: 1 to {len(result.clusters)})")
    facts = facts or read_facts(graph)
    sub = induced_subgraph(result.network, cluster.members)
    positions = _positions(sub, scale=500.0)
    themes = _unit_themes(facts)
    net = _network()
    for unit in sorted(sub.nodes):
        x, y = positions[unit]
        _unit_node(net, unit, result.units[unit], result, themes=themes[unit],
                   colour_by="cluster", x=x, y=y, link=f"../units/{unit_page_name(unit)}")
    for a, b, data in sorted(sub.edges(data=True)):
        _shared_edge(net, a, b, data, facts, result)
    theme = facts.themes.get(cluster.top_theme, {})
    sub_zh, sub_en = _subtitle(facts, today)
    return Page("cluster", f"协作聚类 {number}", f"Collaboration cluster {number}", sub_zh, sub_en,
                *_nodes_edges(net), legend=_legend(result, facts, "cluster", set(sub.nodes)),
                filters={"theme": _theme_filter(facts), "cluster": _cluster_filter(result, facts),
                         "kind": _kind_filter(result.units, set(sub.nodes))},
                notes_zh=(f"{len(cluster.members)} 个单位，共同承担 {len(cluster.shared_measures)} 项措施；"
                          f"主要主题：{_plain(theme.get('title'))}；内部密度 {cluster.density:g}。"),
                notes_en=(f"{len(cluster.members)} units sharing {len(cluster.shared_measures)} "
                          f"measures; top theme: {theme.get('number', '—')}; internal density "
                          f"{cluster.density:g}."))


def cluster_overview_page(graph: Graph, result: Analysis, *, today: str,
                          facts: _Facts | None = None) -> Page:
    """For graphs too big to read unit by unit: clusters as nodes, sized by members, joined by
    the measures their members share; each opens its cluster page."""
    facts = facts or read_facts(graph)
    of = _cluster_of(result)
    H = nx.Graph()
    for c in result.clusters:
        H.add_node(c.number)
    for a, b, data in result.network.edges(data=True):
        ca, cb = of.get(a), of.get(b)
        if ca and cb and ca != cb:
            weight = H[ca][cb]["weight"] + data["weight"] if H.has_edge(ca, cb) else data["weight"]
            H.add_edge(ca, cb, weight=weight)
    # Several jurisdictions (a corpus): each cluster says where it works, and the clusters
    # of one place sit side by side.
    places = _cluster_places(result, facts)
    positions = _pieces_in_rows(H, lambda n: (places.get(n, ("",))[0], n))
    net = _network()
    for c in result.clusters:
        theme = facts.themes.get(c.top_theme, {})
        x, y = positions[c.number]
        names = "、".join(result.units[u].name for u in c.members[:8])
        where_zh, where_en = places.get(c.number, ("", ""))
        net.add_node(f"cluster-{c.number}", label=f"{c.number}", x=x, y=y,
                     size=round(12 + 3 * math.sqrt(len(c.members)), 1),
                     color=PALETTE[(c.number - 1) % len(PALETTE)], level="cluster",
                     label_zh=(f"{where_zh}\n" if where_zh else "")
                     + f"聚类 {c.number}（{len(c.members)}）",
                     label_en=(f"{where_en}\n" if where_en else "")
                     + f"Cluster {c.number} ({len(c.members)})",
                     tip_zh=[f"聚类 {c.number}：{len(c.members)} 个单位"]
                     + ([f"地区：{where_zh}"] if where_zh else [])
                     + [names, f"主要主题：{_plain(theme.get('title'))}"],
                     tip_en=[f"Cluster {c.number}: {len(c.members)} units"]
                     + ([f"Jurisdiction: {where_en}"] if where_en else [])
                     + [names, f"top theme: {theme.get('number', '—')}"],
                     themes=[c.top_theme] if c.top_theme else [], cluster=str(c.number),
                     kind="", search=[f"{c.number}"] + ([where_zh] if where_zh else [])
                     + [result.units[u].name for u in c.members],
                     link=f"clusters/{cluster_page_name(c.number)}")
    for a, b, data in sorted(H.edges(data=True)):
        net.add_edge(f"cluster-{a}", f"cluster-{b}", width=round(min(1 + math.log2(
            data["weight"] + 1), 14), 2), color={"color": "#8a8a8a", "opacity": 0.45},
            tip_zh=[f"聚类 {a} — 聚类 {b}：{data['weight']} 对共同措施"],
            tip_en=[f"Cluster {a} — cluster {b}: {data['weight']} shared measure pairs"])
    sub_zh, sub_en = _subtitle(facts, today)
    return Page("clusters", "协作网络（按聚类汇总）", "Coordination network (clusters)", sub_zh,
                sub_en, *_nodes_edges(net),
                legend=[{"shape": "size", "zh": "圆点大小：聚类中的单位数",
                         "en": "dot size: units in the cluster"},
                        {"shape": "edge", "zh": "连线粗细：跨聚类共同措施",
                         "en": "line width: measures shared across clusters"}],
                filters={"theme": _theme_filter(facts)},
                notes_zh=f"单位过多（{result.network.number_of_nodes()} 个），按聚类汇总显示；点击聚类查看详情。",
                notes_en=(f"Too many units to read ({result.network.number_of_nodes()}): shown "
                          "as clusters; click a cluster to open it."))


def _cluster_places(result: Analysis, facts: _Facts) -> dict[int, tuple[str, str]]:
    """Where each cluster works, in Chinese and English, when the plans are of several
    jurisdictions (none otherwise); computed once per analysis."""
    return _once(result, "_cluster_places", lambda: _places_of_clusters(result, facts)
                 if _place_count(facts) > 1 else {})


def _places_of_clusters(result: Analysis, facts: _Facts) -> dict[int, tuple[str, str]]:
    """The jurisdictions of the plans that name each cluster's members (泰昌市; 泰昌市、隆瑞市;
    泰昌市等3地). A provincial unit that the plans of every city in its province name does not
    make the cluster of one city's units theirs: places come from members named in one
    place's plans, when there are any."""
    place_of = {str(p["p"]): (_plain(p["place"]),
                              _plain(p.get("place_en")) or _plain(p["place"]))
                for p in facts.plans}
    named = {}
    for c in result.clusters:
        each = [{place_of[plan] for plan in {str(facts.measures[m]["plan"]) for m, _role in
                                               facts.by_unit.get(u, ())} if plan in place_of}
                for u in c.members]
        local = [places for places in each if len(places) == 1]
        found = sorted(set().union(*(local or each)))
        if not found:
            continue
        if len(found) <= 2:
            named[c.number] = ("、".join(zh for zh, _ in found), " and ".join(en for _, en in found))
        else:
            named[c.number] = (f"{found[0][0]}等{len(found)}地",
                               f"{found[0][1]} and {len(found) - 1} more")
    return named


def plans_overview_page(graph: Graph, result: Analysis, *, today: str,
                        facts: _Facts | None = None) -> Page:
    """For a corpus: every plan as a box, in order of plan id, sized by its measures and
    linked to its own structure page (``plans/plan-*.html``)."""
    facts = facts or read_facts(graph)
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
    net = _network()
    columns = max(4, math.ceil(math.sqrt(len(facts.plans) * 2)))  # wider than tall
    for index, p in enumerate(sorted(facts.plans, key=lambda p: str(p["id"]))):
        pid = str(p["p"])
        place, title = _plain(p["place"]), _plain(p["title"])
        counts_zh = (f"{themes[pid]} 个主题，{tasks[pid]} 项任务，{measures[pid]} 项措施，"
                     f"{len(units[pid])} 个单位")
        counts_en = (f"{themes[pid]} themes, {tasks[pid]} tasks, {measures[pid]} measures, "
                     f"{len(units[pid])} units")
        label_zh = f"{_short(place, 10)}\n{measures[pid]} 项措施"
        label_en = f"{_short(_plain(p.get('place_en')) or place, 18)}\n{measures[pid]} measures"
        net.add_node(pid, label=label_zh, shape="box", color=LEVEL_COLOURS["plan"],
                     font={"color": "#ffffff", "size": 20}, margin=10,
                     x=(index % columns) * 260.0, y=(index // columns) * 120.0, level="plan",
                     label_zh=label_zh, label_en=label_en,
                     tip_zh=[title, place, counts_zh, _plain(p["source"])],
                     tip_en=[title, _plain(p.get("place_en")) or place, counts_en,
                             _plain(p["source"])],
                     themes=[], cluster="", kind="", search=[title, place, str(p["id"])],
                     link=f"plans/{plan_page_name(str(p['id']))}")
    sub_zh, sub_en = _subtitle(facts, today)
    return Page("plans", "方案结构（按方案）", "Plan structure (by plan)", sub_zh, sub_en,
                *_nodes_edges(net),
                legend=[{"colour": LEVEL_COLOURS["plan"], "zh": "方案（按地区）",
                         "en": "plan (by jurisdiction)"}],
                notes_zh=f"共 {len(facts.plans)} 份方案；点击方案查看其主题、任务、措施和责任单位。",
                notes_en=(f"{len(facts.plans)} plans; click a plan to open its themes, tasks, "
                          "measures and units."))


def _short(text: str, limit: int = 18) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
