"""The plan's facts as plain Python values, read from the graph once.

Plans, themes, tasks and measures keyed by IRI, and every assignment of a unit to a measure
with its role, for whatever draws or reports from the plan without querying it again.
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


@dataclass
class Facts:
    """The plan's facts, read once: each row a dict of its query's variables."""

    plans: list[dict[str, Any]]  # in order of plan id
    measures: dict[str, dict[str, Any]]
    tasks: dict[str, dict[str, Any]]
    themes: dict[str, dict[str, Any]]
    assignments: list[tuple[str, str, str, int]]  # measure, unit, role, position
    by_measure: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # (unit, role)
    by_unit: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # (measure, role)


_MEASURES = """
SELECT ?m ?id ?text ?order ?deadline ?deadline_text ?task ?plan ?progress ?progress_text WHERE {
  ?m a ipp:Measure ; ipp:notation ?id ; ipp:text ?text ; ipp:order ?order ;
     ipp:deadlineText ?deadline_text ; ipp:task ?task ; ipp:plan ?plan .
  OPTIONAL { ?m ipp:deadline ?deadline }
  OPTIONAL { ?m ipp:progress/skos:notation ?progress }
  OPTIONAL { ?m ipp:progressText ?progress_text } }"""
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


def read_facts(graph: Graph) -> Facts:
    """Every plan, theme, task, measure and assignment in ``graph``; assignments sorted, and
    indexed by measure and by unit in that order."""
    def rows(text: str) -> list[dict[str, Any]]:
        names, found = select_values(graph, text, prefixes=PREFIXES, plain=exact_value)
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
    return Facts(plans, measures, tasks, themes, assignments, dict(by_measure), dict(by_unit))
