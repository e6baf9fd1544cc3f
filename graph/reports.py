"""What the reading commands print, computed from the graph (never from documents), so a
command answers the same from a document and from a graph file ``ipplan load`` wrote.

Each function takes the graph and an optional plan id and returns plain rows (lists of dicts
with fixed keys) or a dict; the command line only formats them. Every value is read from
the graph as :func:`ipplan.graph.terms.plain_value` reads a term.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from rdflib import Graph, URIRef

from ipplan.model import UNSPLIT_UNITS_WARNING

from .sparql import select_values
from .vocab import DEADLINE_KINDS, IPP, KIND_SLUGS, PREFIXES, plan_iri

ASSIGNMENT_COLUMNS = ("theme_no", "theme", "task_no", "task", "measure_id", "measure", "role",
                      "unit", "unit_en", "unit_kind", "deadline")
UNIT_COLUMNS = ("unit", "unit_en", "jurisdiction", "kind", "collective", "registered", "lead",
                "support", "total", "spellings")
PLAN_COLUMNS = ("plan", "title", "jurisdiction", "source", "themes", "tasks", "measures")

_NS = {prefix: namespace for prefix, namespace in PREFIXES.items()}

_ASSIGNMENTS = """
SELECT ?plan_id ?theme_no ?theme ?task_no ?task ?measure_id ?measure ?role ?unit ?unit_en
       ?kind ?deadline ?deadline_text
WHERE {
  ?m a ipp:Measure ; ipp:plan ?plan ; ipp:task ?t ; ipp:notation ?measure_id ;
     ipp:text ?measure ; ipp:order ?order ; ipp:deadlineText ?deadline_text ;
     ipp:hasAssignment ?a .
  ?plan dcterms:identifier ?plan_id .
  ?t ipp:notation ?task_no ; dcterms:title ?task .
  ?a ipp:unit ?u ; ipp:role ?role_node ; ipp:position ?position .
  ?u skos:prefLabel ?unit ; ipp:unitKind ?kind .
  FILTER (lang(?unit) = "zh")
  OPTIONAL { ?t ipp:theme ?th . ?th ipp:number ?theme_no ; skos:prefLabel ?theme }
  OPTIONAL { ?m ipp:deadline ?deadline }
  OPTIONAL { ?u skos:prefLabel ?unit_en FILTER (lang(?unit_en) = "en") }
  BIND (IF(?role_node = ipp:LeadRole, "lead", "support") AS ?role)
}
ORDER BY ?plan_id ?order ?role ?position
"""


def _bindings(plan: str | None) -> dict[str, Any]:
    return {"plan": plan_iri(plan)} if plan else {}


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def assignment_rows(graph: Graph, plan: str | None = None) -> list[dict[str, str]]:
    """The assignment table: one row per (measure, unit, role), in document order, lead units
    before supporting units, units in the order the document names them."""
    names, found = select_values(graph, _ASSIGNMENTS, _bindings(plan), _NS)
    at = {name: i for i, name in enumerate(names)}
    text_columns = [(column, at[column]) for column in (
        "theme_no", "theme", "task_no", "task", "measure_id", "measure", "role", "unit",
        "unit_en")]
    kind, deadline, deadline_text = at["kind"], at["deadline"], at["deadline_text"]
    rows = []
    for hit in found:
        row = {column: _text(hit[i]) for column, i in text_columns}
        row["unit_kind"] = _kind_slug(hit[kind])
        row["deadline"] = _text(hit[deadline]) or _text(hit[deadline_text])
        rows.append(row)
    return rows


def _kind_slug(kind: str) -> str:
    """The registry's slug of a unit kind's IRI (the IRI itself for a kind ipplan lacks)."""
    return KIND_SLUGS.get(URIRef(kind), kind)


_PLANS = """
SELECT ?plan ?plan_id ?title ?place ?source WHERE {
  ?plan a ipp:Plan ; dcterms:identifier ?plan_id ; dcterms:title ?title ;
        dcterms:source ?source ; ipp:jurisdiction ?j .
  ?j skos:prefLabel ?place FILTER (lang(?place) = "zh")
}
ORDER BY ?plan_id
"""

# Themes, tasks and measures per plan, counted in one pass (three OPTIONALs in one query
# would multiply them: a plan's themes x tasks x measures rows before grouping).
_PLAN_PARTS = """
SELECT ?plan ?class (COUNT(?part) AS ?n) WHERE {
  VALUES ?class { ipp:Theme ipp:Task ipp:Measure }
  ?part ipp:plan ?plan ; a ?class .
}
GROUP BY ?plan ?class
"""


def plan_rows(graph: Graph) -> list[dict[str, Any]]:
    """One row per plan in the graph: id, title, jurisdiction, source file and counts."""
    parts: dict[str, Counter[str]] = {}
    for node, kind, count in select_values(graph, _PLAN_PARTS, prefixes=_NS)[1]:
        parts.setdefault(node, Counter())[kind] = count
    rows = []
    for node, plan_id, title, place, source in select_values(graph, _PLANS, prefixes=_NS)[1]:
        counts = parts.get(node, Counter())
        rows.append({"plan": plan_id, "title": title, "jurisdiction": place, "source": source,
                     "themes": counts[str(IPP.Theme)], "tasks": counts[str(IPP.Task)],
                     "measures": counts[str(IPP.Measure)]})
    return rows


def plan_ids(graph: Graph) -> list[str]:
    return sorted(str(o) for s in graph.subjects(predicate=None, object=IPP.Plan)
                  for o in graph.objects(s, _NS["dcterms"].identifier))


_UNIT_USE = """
SELECT ?u ?unit ?unit_en ?kind ?collective ?registered ?role_node ?m ?written
WHERE {
  ?m a ipp:Measure ; ipp:plan ?plan ; ipp:hasAssignment ?a .
  ?a ipp:unit ?u ; ipp:role ?role_node ; ipp:nameAsWritten ?written .
  ?u skos:prefLabel ?unit ; ipp:unitKind ?kind ; ipp:collective ?collective ;
     ipp:registered ?registered .
  FILTER (lang(?unit) = "zh")
  OPTIONAL { ?u skos:prefLabel ?unit_en FILTER (lang(?unit_en) = "en") }
}
"""


# once per unit, not per assignment row: 0.2 s less at 20,000 measures
_UNIT_PLACES = """
SELECT ?u ?place WHERE {
  ?u a ipp:Unit ; ipp:jurisdiction/skos:prefLabel ?place FILTER (lang(?place) = "zh")
}
"""


def unit_rows(graph: Graph, plan: str | None = None) -> list[dict[str, Any]]:
    """Each unit the plan names, with its registry facts, the jurisdiction it belongs to (the
    plan's, or its province's) and how many measures it leads and supports; the busiest
    first. ``spellings`` lists other ways the document wrote it."""
    units: dict[Any, dict[str, Any]] = {}
    measures: dict[Any, dict[str, set[Any]]] = {}
    names, found = select_values(graph, _UNIT_USE, _bindings(plan), _NS)
    (u, unit, unit_en, kind, collective, registered, role_node, m, written) = (
        names.index(name) for name in ("u", "unit", "unit_en", "kind", "collective",
                                       "registered", "role_node", "m", "written"))
    place = dict(select_values(graph, _UNIT_PLACES, None, _NS)[1])
    lead = str(IPP.LeadRole)
    for hit in found:
        node = hit[u]
        row = units.get(node)
        if row is None:
            row = units[node] = {
                "unit": hit[unit], "unit_en": _text(hit[unit_en]),
                "jurisdiction": place.get(node, ""),  # "" in a graph that lacks it
                "kind": _kind_slug(hit[kind]),
                "collective": hit[collective],
                "registered": hit[registered],
                "spellings": set(),
            }
            measures[node] = {"lead": set(), "support": set()}
        role = "lead" if hit[role_node] == lead else "support"
        measures[node][role].add(hit[m])
        if hit[written] != row["unit"]:
            row["spellings"].add(hit[written])
    rows = []
    for node, row in units.items():
        lead, support = measures[node]["lead"], measures[node]["support"]
        rows.append({**row, "lead": len(lead), "support": len(support),
                     "total": len(lead | support),
                     "spellings": "|".join(sorted(row["spellings"]))})
    rows.sort(key=lambda r: (-r["total"], -r["lead"], r["unit"], r["jurisdiction"]))
    return rows


_MEASURE_FACTS = """
SELECT ?m ?deadline ?kind WHERE {
  ?m a ipp:Measure ; ipp:plan ?plan ; ipp:deadlineKind ?kind .
  OPTIONAL { ?m ipp:deadline ?deadline }
}
"""

# A deadline kind's IRI -> the name stats prints (fixed, recurring, ongoing, none, unread).
_KIND_NAMES = {str(iri): kind.value for kind, iri in DEADLINE_KINDS.items()}

_COUNT_ASSIGNMENTS = """
SELECT ?role_node (COUNT(?a) AS ?n) WHERE {
  ?m a ipp:Measure ; ipp:plan ?plan ; ipp:hasAssignment ?a .
  ?a ipp:role ?role_node .
} GROUP BY ?role_node
"""
# The whole graph's counts read one predicate each, in index order: the per-plan queries'
# joins from measure to assignment jump about a workspace on disk (100,000 measures: 14 s
# and 17 s, against 0.1 s and 1 s).
_COUNT_ALL_ASSIGNMENTS = """
SELECT ?role_node (COUNT(?a) AS ?n) WHERE { ?a ipp:role ?role_node } GROUP BY ?role_node
"""

# The units the measures name, counted without building the unit table (at 20,000 measures
# that table is most of what stats would cost).
_UNIT_COUNTS = """
SELECT (COUNT(?u) AS ?units) (SUM(IF(?collective, 1, 0)) AS ?collective_units)
       (SUM(IF(?registered, 0, 1)) AS ?unregistered_units) WHERE {
  { SELECT DISTINCT ?u WHERE { %s } }
  ?u ipp:collective ?collective ; ipp:registered ?registered .
}
"""
_PLAN_UNITS = "?m a ipp:Measure ; ipp:plan ?plan ; ipp:hasAssignment ?a . ?a ipp:unit ?u ."
_ALL_UNITS = "?a ipp:unit ?u ."

_WARNINGS = "SELECT ?w WHERE { ?plan a ipp:Plan ; ipp:loadWarning ?w . }"
_ROLE_RULES = ("SELECT ?id ?rule WHERE { ?plan a ipp:Plan ; dcterms:identifier ?id ; "
               "ipp:roleRule ?rule . }")


def stats(graph: Graph, plan: str | None = None) -> dict[str, Any]:
    """Counts for one plan or the whole graph.

    Keys: plans, jurisdictions, themes, tasks, measures, units, lead_assignments,
    support_assignments, collective_units, unregistered_units, deadlines (YYYY-MM -> number
    of measures due then), open_deadlines (recurring, ongoing, none and unread deadlines), warnings,
    and by_plan (each plan's id, title, jurisdiction, source and counts).
    """
    bindings = _bindings(plan)

    plans = [row for row in plan_rows(graph) if plan is None or row["plan"] == plan]
    roles = dict(select_values(graph, _COUNT_ASSIGNMENTS if plan else _COUNT_ALL_ASSIGNMENTS,
                               bindings, _NS)[1])
    deadlines: Counter[str] = Counter()
    open_kinds: Counter[str] = Counter()
    for _, deadline, kind in select_values(graph, _MEASURE_FACTS, bindings, _NS)[1]:
        if deadline is not None:
            deadlines[deadline] += 1
        else:
            open_kinds[_KIND_NAMES.get(kind, "unread")] += 1
    names, (counted,) = select_values(
        graph, _UNIT_COUNTS % (_PLAN_UNITS if plan else _ALL_UNITS), bindings, _NS)
    units = {name: value for name, value in zip(names, counted)
             if value is not None}  # SUM of nothing: unbound on rdflib, 0 on Oxigraph
    warnings = load_warnings(graph, plan)
    rules = dict(select_values(graph, _ROLE_RULES, bindings, _NS)[1])
    return {
        "plans": len(plans),
        "jurisdictions": len({row["jurisdiction"] for row in plans}),
        "themes": sum(row["themes"] for row in plans),
        "tasks": sum(row["tasks"] for row in plans),
        "measures": sum(row["measures"] for row in plans),
        "units": units.get("units", 0),
        "lead_assignments": roles.get(str(IPP.LeadRole), 0),
        "support_assignments": roles.get(str(IPP.SupportRole), 0),
        "collective_units": units.get("collective_units", 0),
        "unregistered_units": units.get("unregistered_units", 0),
        "deadlines": dict(sorted(deadlines.items())),
        "open_deadlines": dict(sorted(open_kinds.items())),
        "warnings": len(warnings),
        "unsplit_unit_phrases": sum(UNSPLIT_UNITS_WARNING in w for w in warnings),
        "role_rules": dict(sorted(rules.items())),
        "by_plan": plans,
    }


def load_warnings(graph: Graph, plan: str | None = None) -> list[str]:
    """The loader's warnings kept in the graph, in document order: by file, then by line or
    row as a number (line 9 before line 10)."""
    return sorted((warning for warning, in select_values(graph, _WARNINGS, _bindings(plan),
                                                          _NS)[1]),
                  key=_warning_order)


_POSITION = re.compile(r"^(.*?)(?::(\d+)|, row (\d+))?: ")


def _warning_order(text: str) -> tuple[str, int, str]:
    match = _POSITION.match(text)
    if match is None:
        return (text, 0, text)
    return (match[1], int(match[2] or match[3] or 0), text)

