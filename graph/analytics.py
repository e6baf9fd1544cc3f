"""Who works with whom, and who carries too much: analytics over the plan graph.

Plain functions in the networkx style. :func:`assignments` reads the facts they need from the
RDF graph once; :func:`co_assignment_graph` projects units onto a weighted network;
:func:`collaboration_clusters`, :func:`unit_load`, :func:`overloaded_units` and
:func:`brokers` compute on it. :func:`analyse` runs them all with one set of parameters and
:func:`write_analysis` writes the results back into the RDF graph as facts, with the algorithm
and parameters that produced them, so saved queries read them like anything else.

Randomness (Louvain) always takes a ``seed``: the same graph and parameters give the same
clusters, numbered the same way.
"""

from __future__ import annotations

import hashlib
import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import networkx as nx
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from .sparql import select_values
from .vocab import IPP, KIND_SLUGS, PREFIXES, iri

if TYPE_CHECKING:  # numpy is imported where the bulk betweenness needs it
    from numpy import ndarray

LEAD_WEIGHT = 2.0
SUPPORT_WEIGHT = 1.0
Z_THRESHOLD = 3.5
# Iglewicz and Hoaglin's modified z-score: 0.6745 * (x - median) / MAD.
_MAD_SCALE = 0.6745


@dataclass(frozen=True)
class Assignment:
    """One unit in one measure, with what the analytics need about both."""

    measure: str  # measure IRI
    unit: str  # unit IRI
    role: str  # "lead" | "support"
    theme: str  # theme IRI ("" when the task has no theme)
    month: str  # "YYYY-MM", or "" for open-ended deadlines


@dataclass(frozen=True)
class UnitInfo:
    name: str
    name_en: str
    kind: str  # the registry's slug: municipal-department, customs, …
    collective: bool


# Required patterns first, OPTIONALs last: Oxigraph joins in the order written, and a
# required pattern after an OPTIONAL made this query 100 times slower (111 s at 5,000 measures).
_FACTS = """
SELECT ?m ?u ?role ?theme ?month ?name ?name_en ?kind ?collective WHERE {
  ?m a ipp:Measure ; ipp:hasAssignment ?a ; ipp:task ?t .
  ?a ipp:unit ?u ; ipp:role ?role .
  ?u skos:prefLabel ?name ; ipp:unitKind ?kind ; ipp:collective ?collective .
  FILTER (lang(?name) = "zh")
  OPTIONAL { ?t ipp:theme ?theme }
  OPTIONAL { ?m ipp:deadline ?month }
  OPTIONAL { ?u skos:prefLabel ?name_en FILTER (lang(?name_en) = "en") }
}
"""


def assignments(graph: Graph) -> tuple[list[Assignment], dict[str, UnitInfo]]:
    """Every (measure, unit, role) of the graph, sorted, and the units' facts."""
    rows: set[Assignment] = set()
    units: dict[str, UnitInfo] = {}
    lead = str(IPP.LeadRole)
    _, found = select_values(graph, _FACTS, prefixes=PREFIXES)  # columns as SELECTed
    for measure, unit, role, theme, month, name, name_en, kind, collective in found:
        rows.add(Assignment(measure, unit, "lead" if role == lead else "support",
                            theme or "", month or ""))
        units[unit] = UnitInfo(name, name_en or "", KIND_SLUGS.get(URIRef(kind), kind),
                               collective)
    return sorted(rows, key=lambda a: (a.measure, a.role, a.unit)), units


def co_assignment_graph(
    facts: Iterable[Assignment],
    units: dict[str, UnitInfo],
    *,
    include_collectives: bool = False,
) -> nx.Graph:
    """Units as nodes; an edge when two units share a measure, ``weight`` = shared measures.

    Edges also carry ``measures`` (the shared measures, sorted), ``roles``, a count of each
    role pair (``lead-lead``, ``lead-support``, ``support-support``), and ``strength``, the
    association of the two units: shared measures / sqrt(measures of one * measures of the
    other) (cosine). A unit named in every measure shares many measures with everyone but is
    strongly associated with no one; clustering uses ``strength`` for that reason. Collective
    units are left out unless ``include_collectives``: they touch almost every measure.

    >>> a = [Assignment("m1", "A", "lead", "t", ""), Assignment("m1", "B", "support", "t", ""),
    ...      Assignment("m2", "A", "lead", "t", ""), Assignment("m2", "B", "support", "t", "")]
    >>> info = {u: UnitInfo(u, "", "other", False) for u in "AB"}
    >>> G = co_assignment_graph(a, info)
    >>> G["A"]["B"]["weight"], G["A"]["B"]["roles"]
    (2, {'lead-support': 2})
    """
    by_measure: dict[str, list[Assignment]] = defaultdict(list)
    for fact in facts:
        if include_collectives or not units[fact.unit].collective:
            by_measure[fact.measure].append(fact)
    G = nx.Graph()
    for unit in sorted({f.unit for group in by_measure.values() for f in group}):
        info = units[unit]
        G.add_node(unit, name=info.name, name_en=info.name_en, kind=info.kind,
                   collective=info.collective)
    for measure in sorted(by_measure):
        group = sorted(by_measure[measure], key=lambda f: f.unit)
        for i, first in enumerate(group):
            for second in group[i + 1:]:
                if first.unit == second.unit:
                    continue
                pair = "-".join(sorted((first.role, second.role)))
                if G.has_edge(first.unit, second.unit):
                    data = G[first.unit][second.unit]
                    if measure not in data["measures"]:
                        data["measures"].append(measure)
                        data["weight"] += 1
                    data["roles"][pair] = data["roles"].get(pair, 0) + 1
                else:
                    G.add_edge(first.unit, second.unit, weight=1, measures=[measure],
                               roles={pair: 1})
    count = Counter(f.unit for group in by_measure.values() for f in {x.unit: x for x in group}.values())
    for u, v, data in G.edges(data=True):
        data["strength"] = round(data["weight"] / math.sqrt(count[u] * count[v]), 6)
    return G


def collaboration_clusters(G: nx.Graph, *, resolution: float = 2.0, seed: int = 42,
                           weight: str = "strength") -> list[list[str]]:
    """Communities of the co-assignment network (Louvain on the edges' ``weight`` attribute,
    by default their association ``strength``; seeded), largest first.

    Each community is a sorted list of units; ties in size are ordered by their first unit,
    so cluster numbers (1, 2, …) are stable. Units without any partner, and communities of
    a single unit, are left out.

    >>> G = nx.Graph([("a", "b"), ("b", "c"), ("c", "a"), ("x", "y")])
    >>> collaboration_clusters(G, seed=1)
    [['a', 'b', 'c'], ['x', 'y']]
    """
    connected = induced_subgraph(G, [n for n in G if G.degree(n) > 0])
    if connected.number_of_nodes() == 0:
        return []
    communities = nx.community.louvain_communities(
        connected, weight=weight, resolution=resolution, seed=seed)
    # A unit alone is not a collaboration: high resolutions can leave one on its own.
    return sorted((sorted(c) for c in communities if len(c) > 1), key=lambda c: (-len(c), c[0]))


def induced_subgraph(G: nx.Graph, nodes: Iterable[Any]) -> nx.Graph:
    """The part of ``G`` on ``nodes``, as a graph of its own whose nodes come in the order of
    ``nodes`` and each node's neighbours in ``G``'s order.

    Seeded Louvain and spring layouts still follow the order they meet the nodes in, and
    networkx's ``G.subgraph`` view iterates a Python set when it keeps under half of ``G``:
    its order, and with it the clusters and layouts, changed with the process' hash seed.

    >>> G = nx.Graph([("a", "b"), ("b", "c"), ("c", "d"), ("d", "e"), ("e", "f")])
    >>> list(induced_subgraph(G, ["c", "b", "a"]).edges)
    [('c', 'b'), ('b', 'a')]
    """
    order = list(dict.fromkeys(nodes))
    keep = set(order)
    sub = nx.Graph()
    sub.add_nodes_from((node, G.nodes[node]) for node in order)
    sub.add_edges_from((node, other, data) for node in order
                       for other, data in G.adj[node].items() if other in keep)
    return sub


@dataclass
class Cluster:
    """A collaboration cluster and what describes it."""

    number: int
    members: list[str]
    shared_measures: list[str]  # measures with two or more of its members
    themes: dict[str, int]  # theme -> shared measures in it
    top_theme: str
    density: float  # internal density of the members' subgraph


def describe_clusters(G: nx.Graph, communities: list[list[str]],
                      facts: Iterable[Assignment]) -> list[Cluster]:
    """Members, shared measures, their themes (the most common names the cluster) and
    internal density of each community."""
    theme_of = {f.measure: f.theme for f in facts}
    clusters = []
    for number, members in enumerate(communities, start=1):
        sub = G.subgraph(members)
        shared = sorted({m for _, _, data in sub.edges(data=True) for m in data["measures"]})
        themes = Counter(theme_of[m] for m in shared if theme_of.get(m))
        top = min(themes, key=lambda t: (-themes[t], t)) if themes else ""
        clusters.append(Cluster(number, members, shared, dict(sorted(themes.items())), top,
                                round(nx.density(sub), 4)))
    return clusters


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
    """Measures led and supported by each unit, and its load score
    ``lead_weight * lead + support_weight * support`` (lead counts more: the lead unit answers
    for the measure).

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
    robust to the few busy units themselves) above ``threshold`` (3.5 by default); when more
    than half the units share one score, MAD is 0 and the mean absolute deviation (scaled by
    1.2533) stands in. With ``top``, the ``top`` highest scores are flagged instead. Returns
    the flagged loads, highest first.
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


def brokers(G: nx.Graph, *, top: int = 5) -> list[tuple[str, float]]:
    """The ``top`` units with the highest betweenness in the co-assignment network (edges
    weighted as distance 1/weight: units that share many measures are close), highest first.
    Exact betweenness: no sampling, so no seed is needed; normalised over the whole network as
    ``nx.betweenness_centrality(G, weight="distance", normalized=True)`` is, and held to it
    by the tests."""
    n = G.number_of_nodes()
    if n < 3:
        return []
    centrality = {node: value / ((n - 1) * (n - 2))
                  for node, value in path_betweenness(G).items()}
    # ten significant digits before ranking: the same value summed in another order ties
    ranked = sorted(centrality.items(), key=lambda item: (-float(f"{item[1]:.10g}"), item[0]))
    # four significant digits: over a corpus of many plans every value is small
    return [(unit, float(f"{value:.4g}")) for unit, value in ranked[:top] if value > 0]


def path_betweenness(G: nx.Graph, *, chunk: int = 256) -> dict[Any, float]:
    """Brandes' betweenness of every node, each (source, target) pair counted in both
    directions, over shortest paths with edge length 1/weight.

    The same shortest-path DAGs as networkx's Dijkstra, found in bulk: scipy's Dijkstra
    gives each connected component's distances, an edge (u, v) lies on a shortest path from
    s exactly when dist(s, u) + 1/weight == dist(s, v) (the very sum both compare), and path
    counts and dependencies flow along those edges as sparse matrix products, ``chunk``
    sources at a time. A province's plans share provincial units, so a corpus is a few dozen
    components of some five hundred units: networkx's Python loops took 17 s at 20,000
    measures."""
    import numpy as np
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import dijkstra

    result: dict[Any, float] = {}
    for component in nx.connected_components(G):
        nodes = sorted(component, key=str)
        size = len(nodes)
        if size < 3:
            result.update(dict.fromkeys(nodes, 0.0))
            continue
        at = {node: i for i, node in enumerate(nodes)}
        ends = [(at[u], at[v], 1.0 / d["weight"]) for u, v, d in G.subgraph(nodes).edges(data=True)]
        tail = np.array([a for a, _, _ in ends] + [b for _, b, _ in ends])
        head = np.array([b for _, b, _ in ends] + [a for a, _, _ in ends])
        length = np.array([w for _, _, w in ends] * 2)
        distance = dijkstra(csr_matrix((length, (tail, head)), shape=(size, size)))
        total = np.zeros(size)
        for first in range(0, size, chunk):
            sources = np.arange(first, min(first + chunk, size))
            rows, edges = np.nonzero(
                distance[sources][:, tail] + length == distance[sources][:, head])
            total += _dependencies(rows, tail[edges], head[edges], sources, size)
        result.update(zip(nodes, total.tolist()))
    return result


def _dependencies(rows: ndarray, tails: ndarray, heads: ndarray, sources: ndarray,
                  size: int) -> ndarray:
    """Summed dependencies of each node for ``sources``, given their shortest-path DAG edges
    (``rows[k]``'s DAG has the edge tails[k] -> heads[k])."""
    import numpy as np
    from scipy.sparse import csr_matrix

    count = len(sources) * size
    origin, target = rows * size + tails, rows * size + heads
    start = np.zeros(count)
    start[np.arange(len(sources)) * size + sources] = 1.0
    forward = csr_matrix((np.ones(len(rows)), (target, origin)), shape=(count, count))
    paths = _settle(lambda sigma: start + forward @ sigma, start)  # shortest paths from s
    share = csr_matrix((paths[origin] / paths[target], (origin, target)), shape=(count, count))
    ones = np.ones(count)
    dependency = _settle(lambda delta: share @ (ones + delta), np.zeros(count))
    dependency[np.arange(len(sources)) * size + sources] = 0.0  # a source is not between
    return dependency.reshape(len(sources), size).sum(axis=0)


def _settle(step: Callable[[ndarray], ndarray], value: ndarray) -> ndarray:
    """Apply ``step`` until the value stops changing: along a DAG that takes as many steps as
    its longest path has edges, and then the same sums give the same bits."""
    import numpy as np

    while True:
        following = step(value)
        if np.array_equal(following, value):
            return value
        value = following


@dataclass(frozen=True)
class Parameters:
    """Everything that decides the analysis' results.

    ``resolution`` defaults to 2.0: on the Fuzhou plan, whose IP office and high-tech zone sit
    in nearly every measure, resolution 1.0 merges groups the document keeps apart (the three
    customs offices with the courts, through the one measure 10.1 that names all eleven); at
    2.0 the groups read from the document come apart for every seed tried.
    """

    resolution: float = 2.0
    seed: int = 42
    include_collectives: bool = False
    lead_weight: float = LEAD_WEIGHT
    support_weight: float = SUPPORT_WEIGHT
    threshold: float = Z_THRESHOLD
    top: int | None = None
    brokers: int = 5

    @classmethod
    def from_values(cls, values: dict[str, Any]) -> Parameters:
        """Parameters from a saved query's analysis parameters (``top`` 0 means unused)."""
        known = {name: values[name] for name in cls.__dataclass_fields__ if name in values}
        if known.get("top") in (0, None):
            known["top"] = None
        return cls(**known)

    def key(self) -> str:
        """A short stable id of these parameters (the analysis' IRI)."""
        text = repr(sorted(self.__dict__.items()))
        return hashlib.sha256(text.encode()).hexdigest()[:10]


@dataclass
class Analysis:
    parameters: Parameters
    network: nx.Graph
    clusters: list[Cluster]
    loads: dict[str, Load]
    overloaded: list[Load]
    brokers: list[tuple[str, float]]
    units: dict[str, UnitInfo] = field(default_factory=dict)


def analyse(graph: Graph, parameters: Parameters | None = None) -> Analysis:
    """Run every analytic on ``graph`` with one set of parameters."""
    p = parameters or Parameters()
    facts, units = assignments(graph)
    G = co_assignment_graph(facts, units, include_collectives=p.include_collectives)
    clusters = describe_clusters(
        G, collaboration_clusters(G, resolution=p.resolution, seed=p.seed), facts)
    considered = [f for f in facts if p.include_collectives or not units[f.unit].collective]
    loads = unit_load(considered, lead_weight=p.lead_weight, support_weight=p.support_weight)
    measures = len({f.measure for f in facts})
    flagged = overloaded_units(loads, units, threshold=p.threshold, top=p.top,
                               measures=measures)
    return Analysis(p, G, clusters, loads, flagged, brokers(G, top=p.brokers), units)


def analysis_iri(parameters: Parameters) -> URIRef:
    return iri("analysis", parameters.key())


def remove_analyses(graph: Graph) -> None:
    """Take every analysis' facts out of the graph (before writing a new one)."""
    for analysis in list(graph.subjects(RDF.type, IPP.Analysis)):
        for node in list(graph.subjects(IPP.generatedBy, analysis)):
            graph.remove((node, None, None))
        graph.remove((analysis, None, None))
    for predicate in (IPP.leadCount, IPP.supportCount, IPP.loadScore, IPP.loadZ,
                      IPP.sameMonthShare, IPP.themeCount, IPP.overloaded, IPP.overloadReason,
                      IPP.betweenness, IPP.inCluster):
        graph.remove((None, predicate, None))


def decimal_literal(value: float) -> Literal:
    """``value`` as an xsd:decimal in XSD's canonical form: no exponent, no trailing zero,
    and a whole number without ".0".

    That is the form Oxigraph keeps (it stores "2.0" as "2"), and rdflib keeps the text it is
    given, so the graph holds the same term on both engines and every file format writes it
    alike; ``Literal(2.0, datatype=XSD.decimal)`` was "2.0" in rdflib's store, "2" in
    Oxigraph's, and JSON-LD and RDF/XML disagreed with Turtle.

    >>> [str(decimal_literal(v)) for v in (2.0, 0.50, 33.05, -0.0, 1.234e-08)]
    ['2', '0.5', '33.05', '0', '0.00000001234']
    """
    text = format(Decimal(repr(float(value))), "f")  # repr: the shortest digits of the float
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return Literal("0" if text == "-0" else text, datatype=XSD.decimal)


def write_analysis(graph: Graph, result: Analysis) -> URIRef:
    """Write ``result`` into ``graph`` as facts (replacing an earlier analysis): an
    ipp:Analysis with its algorithm and parameters, ipp:Cluster nodes, and load figures,
    overload flags with reasons, and betweenness on the units."""
    remove_analyses(graph)
    p = result.parameters
    node = analysis_iri(p)
    add = graph.add
    add((node, RDF.type, IPP.Analysis))
    add((node, IPP.algorithm, Literal("louvain")))
    add((node, IPP.resolution, decimal_literal(p.resolution)))
    add((node, IPP.seed, Literal(p.seed)))
    add((node, IPP.includeCollectives, Literal(p.include_collectives)))
    add((node, IPP.leadWeight, decimal_literal(p.lead_weight)))
    add((node, IPP.supportWeight, decimal_literal(p.support_weight)))
    add((node, IPP.overloadRule, Literal(
        f"top {p.top} load scores" if p.top is not None
        else f"modified z-score of load score > {p.threshold:g}")))
    for cluster in result.clusters:
        c = iri("analysis", p.key(), "cluster", cluster.number)
        add((c, RDF.type, IPP.Cluster))
        add((c, IPP.generatedBy, node))
        add((c, IPP.number, Literal(cluster.number)))
        add((c, IPP.size, Literal(len(cluster.members))))
        add((c, IPP.sharedMeasureCount, Literal(len(cluster.shared_measures))))
        add((c, IPP.density, decimal_literal(cluster.density)))
        if cluster.top_theme:
            add((c, IPP.topTheme, URIRef(cluster.top_theme)))
        for member in cluster.members:
            add((URIRef(member), IPP.inCluster, c))
        for measure in cluster.shared_measures:
            add((c, IPP.sharedMeasure, URIRef(measure)))
    for load in result.loads.values():
        u = URIRef(load.unit)
        add((u, IPP.leadCount, Literal(load.lead)))
        add((u, IPP.supportCount, Literal(load.support)))
        add((u, IPP.loadScore, decimal_literal(load.score)))
        add((u, IPP.loadZ, decimal_literal(load.z)))
        add((u, IPP.sameMonthShare, decimal_literal(load.same_month_share)))
        add((u, IPP.themeCount, Literal(load.themes)))
        add((u, IPP.overloaded, Literal(load.overloaded)))
        if load.overloaded:
            add((u, IPP.overloadReason, Literal(load.reason, lang="en")))
            add((u, IPP.overloadReason, Literal(load.reason_zh, lang="zh")))
    for unit, value in result.brokers:
        add((URIRef(unit), IPP.betweenness, decimal_literal(value)))
    return node
