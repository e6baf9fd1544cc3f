"""Who works with whom, and who carries too much: analytics over the plan graph.

Plain functions in the networkx style. :func:`assignments` reads the facts they need from the
RDF graph once; :func:`co_assignment_graph` projects units onto a weighted network; the
algorithms compute on it, one module per family: :mod:`~ipplan.graph.clusters`
(collaboration clusters, Louvain), :mod:`~ipplan.graph.overload` (load, ubiquitous and
overloaded units, judged within each plan)
and :mod:`~ipplan.graph.brokers` (betweenness). :func:`analyse` runs them all with one set of
:class:`Parameters` and :func:`write_analysis` writes the results back into the RDF graph as
facts, with the algorithm and parameters that produced them, so saved queries read them like
anything else.

Randomness (Louvain) always takes a ``seed``: the same graph and parameters give the same
clusters, numbered the same way.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import networkx as nx
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from .brokers import brokers
from .clusters import Cluster, collaboration_clusters, describe_clusters
from .facts import Facts, read_facts
from .overload import (
    LEAD_WEIGHT,
    MIN_MEASURES,
    MIN_SHARE,
    RATIO,
    SUPPORT_WEIGHT,
    UBIQUITY,
    Load,
    PlanName,
    judge_plans,
    overloaded_units,
    unit_load,
)
from .vocab import IPP, KIND_SLUGS, iri

__all__ = ["Analysis", "Assignment", "Parameters", "UnitInfo", "analyse", "analysis_iri",
           "assignments", "co_assignment_graph", "decimal_literal", "plan_names", "remove_analyses",
           "write_analysis"]


@dataclass(frozen=True)
class Assignment:
    """One unit in one measure, with what the analytics need about both."""

    measure: str  # measure IRI
    unit: str  # unit IRI
    role: str  # "lead" | "support"
    theme: str  # theme IRI ("" when the task has no theme)
    month: str  # "YYYY-MM", or "" for open-ended deadlines
    plan: str = ""  # plan IRI


@dataclass(frozen=True)
class UnitInfo:
    name: str
    name_en: str
    kind: str  # the registry's slug: municipal-department, customs, …
    collective: bool


def assignments(graph: Graph, *, facts: Facts | None = None
                ) -> tuple[list[Assignment], dict[str, UnitInfo]]:
    """Every (measure, unit, role) of the graph, sorted, and the units' facts; read from
    ``facts`` when the caller has read them already (:func:`ipplan.graph.facts.read_facts`)."""
    if facts is None:
        facts = read_facts(graph)
    rows: set[Assignment] = set()
    units: dict[str, UnitInfo] = {}
    for measure, unit, role, _position in facts.assignments:
        m, u = facts.measures.get(measure), facts.units.get(unit)
        if m is None or u is None:  # not a measure, or a unit without its registry facts
            continue
        task = facts.tasks.get(str(m["task"]))
        theme = task.get("theme") if task is not None else None
        month = m["deadline"]
        rows.add(Assignment(measure, unit, role, "" if theme is None else str(theme),
                            "" if month is None else str(month), str(m["plan"])))
        if unit not in units:
            kind = str(u["kind"])
            units[unit] = UnitInfo(u["name"], u["name_en"] or "",
                                   KIND_SLUGS.get(URIRef(kind), kind), u["collective"])
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
    ubiquity: float = UBIQUITY
    min_measures: int = MIN_MEASURES
    min_share: float = MIN_SHARE
    ratio: float = RATIO
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
    ubiquitous: list[Load] = field(default_factory=list)
    plans: dict[str, PlanName] = field(default_factory=dict)
    # the plan's facts the analysis was made from, for what else the command reads of them
    # (pages, tables, the push): read once per command
    facts: Facts | None = None


def plan_names(graph: Graph, *, facts: Facts | None = None) -> dict[str, PlanName]:
    """Each plan's id and place, by plan IRI: how reasons name the plan they are about."""
    facts = facts if facts is not None else read_facts(graph)
    return {str(p["p"]): PlanName(str(p["id"]), str(p["place"]), str(p.get("place_en") or ""))
            for p in sorted(facts.plans, key=lambda p: str(p["p"]))}


def analyse(graph: Graph, parameters: Parameters | None = None, *,
            facts: Facts | None = None) -> Analysis:
    """Run every analytic on ``graph`` with one set of parameters; ``facts`` are the graph's
    facts when the caller has read them already."""
    p = parameters or Parameters()
    plan_facts = facts if facts is not None else read_facts(graph)
    assigned, units = assignments(graph, facts=plan_facts)
    considered = [f for f in assigned if p.include_collectives or not units[f.unit].collective]
    judged = judge_plans(considered, lead_weight=p.lead_weight, support_weight=p.support_weight,
                         ubiquity=p.ubiquity, min_measures=p.min_measures,
                         min_share=p.min_share, ratio=p.ratio, top=p.top)
    # A plan's standing list of implementers is left out of its network, as collectives are:
    # named in every measure, it would tie every unit of the plan to every other.
    everywhere = {(j.plan, j.unit) for j in judged if j.ubiquitous}
    networked = assigned if p.include_collectives else [
        f for f in assigned if (f.plan, f.unit) not in everywhere]
    G = co_assignment_graph(networked, units, include_collectives=p.include_collectives)
    clusters = describe_clusters(
        G, collaboration_clusters(G, resolution=p.resolution, seed=p.seed), networked)
    loads = unit_load(considered, lead_weight=p.lead_weight, support_weight=p.support_weight)
    names = plan_names(graph, facts=plan_facts)
    flagged = overloaded_units(loads, units, judged, plan_names=names,
                               lead_weight=p.lead_weight, support_weight=p.support_weight,
                               top=p.top)
    ubiquitous = sorted((l for l in loads.values() if l.ubiquitous),
                        key=lambda l: (-l.score, units[l.unit].name))
    return Analysis(p, G, clusters, loads, flagged, brokers(G, top=p.brokers), units,
                    ubiquitous, names, plan_facts)


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
                      IPP.ubiquitous, IPP.ubiquityReason, IPP.betweenness, IPP.inCluster):
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
        f"ubiquitous: supports >= {p.ubiquity:g} of a plan's measures and leads none; "
        + (f"overloaded: the top {p.top} shares of each plan's work" if p.top is not None
           else f"overloaded: in a plan of >= {p.min_measures} measures, a share of its work "
                f">= {p.min_share:g} and >= {p.ratio:g} x the other units' average"))))
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
        add((u, IPP.ubiquitous, Literal(load.ubiquitous)))
        if load.overloaded:
            add((u, IPP.overloadReason, Literal(load.reason, lang="en")))
            add((u, IPP.overloadReason, Literal(load.reason_zh, lang="zh")))
        if load.ubiquitous:
            add((u, IPP.ubiquityReason, Literal(load.ubiquity_reason, lang="en")))
            add((u, IPP.ubiquityReason, Literal(load.ubiquity_reason_zh, lang="zh")))
    for unit, value in result.brokers:
        add((URIRef(unit), IPP.betweenness, decimal_literal(value)))
    return node
