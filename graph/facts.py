"""The plan's facts as plain Python values, read from the graph once.

Plans, themes, tasks, measures and units keyed by IRI, and every assignment of a unit to a
measure with its role, for whatever draws, analyses, reports or pushes the plan without
querying it again: the pages, :func:`ipplan.graph.analytics.assignments`, the tables of
:mod:`ipplan.graph.reports` and the push of :mod:`ipplan.cypher.push` all read this one
reading.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from rdflib import Graph

from .sparql import select_values
from .terms import exact_value
from .vocab import PREFIXES

__all__ = ["Facts", "read_facts"]

Assignment = tuple[str, str, str, int]  # measure, unit, role ("lead" | "support"), position


@dataclass
class Facts:
    """The plan's facts, read once: each row a dict of its query's variables, each value as
    :func:`ipplan.graph.terms.exact_value` reads its term (None where the graph lacks it).

    ``plans`` have p, id, title, place, place_en, source; ``themes`` th, number, title,
    order, plan; ``tasks`` t, key, number, title, order, theme, plan; ``measures`` m, id,
    number, text, order, deadline, deadline_text, deadline_kind, task, plan; ``units`` u,
    name, name_en, kind, kind_notation, collective, registered, place (the Chinese name of
    its jurisdiction)."""

    plans: list[dict[str, Any]]  # in order of plan id
    measures: dict[str, dict[str, Any]]
    tasks: dict[str, dict[str, Any]]
    themes: dict[str, dict[str, Any]]
    assignments: list[Assignment]  # sorted
    by_measure: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # (unit, role)
    by_unit: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # (measure, role)
    units: dict[str, dict[str, Any]] = field(default_factory=dict)
    # each assignment's unit as the document wrote it (absent where the graph lacks it)
    written: dict[Assignment, str] = field(default_factory=dict)


# Required patterns first, OPTIONALs last: Oxigraph joins in the order written, and a
# required pattern after an OPTIONAL made a query 100 times slower (111 s at 5,000 measures).
_MEASURES = """
SELECT ?m ?id ?text ?order ?deadline ?deadline_text ?task ?plan ?number ?deadline_kind ?progress
       ?progress_text WHERE {
  ?m a ipp:Measure ; ipp:notation ?id ; ipp:text ?text ; ipp:order ?order ;
     ipp:deadlineText ?deadline_text ; ipp:task ?task ; ipp:plan ?plan .
  OPTIONAL { ?m ipp:deadline ?deadline }
  OPTIONAL { ?m ipp:number ?number }
  OPTIONAL { ?m ipp:deadlineKind ?deadline_kind }
  OPTIONAL { ?m ipp:progress/skos:notation ?progress }
  OPTIONAL { ?m ipp:progressText ?progress_text } }"""
_TASKS = """
SELECT ?t ?key ?title ?order ?theme ?plan ?number WHERE {
  ?t a ipp:Task ; ipp:notation ?key ; dcterms:title ?title ; ipp:order ?order ; ipp:plan ?plan .
  OPTIONAL { ?t ipp:theme ?theme }
  OPTIONAL { ?t ipp:number ?number } }"""
_THEMES = """
SELECT ?th ?number ?title ?plan ?order WHERE {
  ?th a ipp:Theme ; ipp:number ?number ; skos:prefLabel ?title ; ipp:plan ?plan .
  OPTIONAL { ?th ipp:order ?order } }"""
_PLANS = """
SELECT ?p ?id ?title ?place ?place_en ?source WHERE {
  ?p a ipp:Plan ; dcterms:identifier ?id ; dcterms:title ?title ; dcterms:source ?source ;
     ipp:jurisdiction ?j . ?j skos:prefLabel ?place FILTER (lang(?place) = "zh")
  OPTIONAL { ?j skos:prefLabel ?place_en FILTER (lang(?place_en) = "en") } } ORDER BY ?id"""
_UNITS = """
SELECT ?u ?name ?kind ?collective ?registered ?name_en ?kind_notation ?place WHERE {
  ?u a ipp:Unit ; skos:prefLabel ?name ; ipp:unitKind ?kind ; ipp:collective ?collective ;
     ipp:registered ?registered .
  FILTER (lang(?name) = "zh")
  OPTIONAL { ?u skos:prefLabel ?name_en FILTER (lang(?name_en) = "en") }
  OPTIONAL { ?kind skos:notation ?kind_notation }
  OPTIONAL { ?u ipp:jurisdiction/skos:prefLabel ?place FILTER (lang(?place) = "zh") } }"""
_ASSIGNMENTS = """
SELECT ?m ?u ?role ?position ?written WHERE {
  ?m ipp:hasAssignment ?a . ?a ipp:unit ?u ; ipp:role ?role ; ipp:position ?position .
  OPTIONAL { ?a ipp:nameAsWritten ?written } }"""


def read_facts(graph: Graph) -> Facts:
    """Every plan, theme, task, measure, unit and assignment in ``graph``; assignments
    sorted, and indexed by measure and by unit in that order."""
    def rows(text: str) -> list[dict[str, Any]]:
        names, found = select_values(graph, text, prefixes=PREFIXES, plain=exact_value)
        return [dict(zip(names, row)) for row in found]

    measures = {str(r["m"]): r for r in rows(_MEASURES)}
    tasks = {str(r["t"]): r for r in rows(_TASKS)}
    themes = {str(r["th"]): r for r in rows(_THEMES)}
    units = {str(r["u"]): r for r in rows(_UNITS)}
    plans = rows(_PLANS)
    written: dict[Assignment, str] = {}
    found = []
    for r in rows(_ASSIGNMENTS):
        assignment = (str(r["m"]), str(r["u"]),
                      "lead" if str(r["role"]).endswith("LeadRole") else "support",
                      int(r["position"]))
        found.append(assignment)
        if r["written"] is not None:
            written[assignment] = str(r["written"])
    assignments = sorted(found)
    by_measure: dict[str, list[tuple[str, str]]] = defaultdict(list)
    by_unit: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for measure, unit, role, _position in assignments:
        by_measure[measure].append((unit, role))
        by_unit[unit].append((measure, role))
    return Facts(plans, measures, tasks, themes, assignments, dict(by_measure), dict(by_unit),
                 units, written)
