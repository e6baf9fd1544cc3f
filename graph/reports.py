"""What the reading commands print, computed from the graph (never from documents), so a
command answers the same from a document and from a graph file ``ipplan load`` wrote.

Each function takes the graph and an optional plan id and returns plain rows (lists of dicts
with fixed keys) or a dict; the command line only formats them. The tables of assignments
and units are made from the plan's facts (:func:`ipplan.graph.facts.read_facts`), the reading
the pages, the analytics and the push share; the figures (plans, stats, warnings) are counted
by SPARQL aggregates, which need none of those facts read into Python.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

from rdflib import Graph, URIRef

from ipplan.model import UNSPLIT_UNITS_WARNING

from .facts import Assignment, Facts, read_facts
from .sparql import select_values
from .vocab import DEADLINE_KINDS, IPP, KIND_SLUGS, PREFIXES, plan_iri

ASSIGNMENT_COLUMNS = ("theme_no", "theme", "task_no", "task", "measure_id", "measure", "role",
                      "unit", "unit_en", "unit_kind", "deadline")
UNIT_COLUMNS = ("unit", "unit_en", "jurisdiction", "kind", "collective", "registered", "lead",
                "support", "total", "spellings")
PLAN_COLUMNS = ("plan", "title", "jurisdiction", "source", "themes", "tasks", "measures")

_NS = {prefix: namespace for prefix, namespace in PREFIXES.items()}

def _bindings(plan: str | None) -> dict[str, Any]:
    return {"plan": plan_iri(plan)} if plan else {}


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _in_plan(facts: Facts, plan: str | None) -> Iterator[tuple[Assignment, dict[str, Any]]]:
    """Each assignment of ``plan`` (every plan's when None) with its measure."""
    node = str(plan_iri(plan)) if plan else None
    for assignment in facts.assignments:
        measure = facts.measures.get(assignment[0])
        if measure is not None and (node is None or str(measure["plan"]) == node):
            yield assignment, measure


def assignment_rows(graph: Graph, plan: str | None = None, *,
                    facts: Facts | None = None) -> list[dict[str, str]]:
    """The assignment table: one row per (measure, unit, role), in document order, lead units
    before supporting units, units in the order the document names them. Read from ``facts``
    when the caller has read them already."""
    facts = facts if facts is not None else read_facts(graph)
    plan_ids = {str(p["p"]): p["id"] for p in facts.plans}
    found = []
    for (_m, unit, role, position), measure in _in_plan(facts, plan):
        task, info = facts.tasks.get(str(measure["task"])), facts.units.get(unit)
        plan_id = plan_ids.get(str(measure["plan"]))
        if task is None or info is None or plan_id is None:
            continue
        theme = facts.themes.get(_text(task["theme"]), {})
        row = {"theme_no": _text(theme.get("number")), "theme": _text(theme.get("title")),
               "task_no": _text(task["key"]), "task": _text(task["title"]),
               "measure_id": _text(measure["id"]), "measure": _text(measure["text"]),
               "role": role, "unit": _text(info["name"]), "unit_en": _text(info["name_en"]),
               "unit_kind": _kind_slug(str(info["kind"])),
               "deadline": _text(measure["deadline"]) or _text(measure["deadline_text"])}
        found.append(((str(plan_id), measure["order"], role, position), row))
    found.sort(key=lambda keyed: keyed[0])
    return [row for _key, row in found]


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

# Plans and their counts stay SPARQL aggregates rather than the plan's facts: ``stats`` and
# ``plans`` answer from a workspace's store on disk, where reading every fact into Python
# would be most of their cost (20,000 measures: seconds against a tenth of one).
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


def unit_rows(graph: Graph, plan: str | None = None, *,
              facts: Facts | None = None) -> list[dict[str, Any]]:
    """Each unit the plan names, with its registry facts, the jurisdiction it belongs to (the
    plan's, or its province's) and how many measures it leads and supports; the busiest
    first. ``spellings`` lists other ways the document wrote it. Read from ``facts`` when the
    caller has read them already."""
    facts = facts if facts is not None else read_facts(graph)
    units: dict[str, dict[str, Any]] = {}
    measures: dict[str, dict[str, set[str]]] = {}
    for assignment, _measure in _in_plan(facts, plan):
        measure, node, role, _position = assignment
        info, written = facts.units.get(node), facts.written.get(assignment)
        if info is None or written is None:
            continue
        row = units.get(node)
        if row is None:
            row = units[node] = {
                "unit": info["name"], "unit_en": _text(info["name_en"]),
                "jurisdiction": _text(info["place"]),  # "" in a graph that lacks it
                "kind": _kind_slug(str(info["kind"])),
                "collective": info["collective"],
                "registered": info["registered"],
                "spellings": set(),
            }
            measures[node] = {"lead": set(), "support": set()}
        measures[node][role].add(measure)
        if written != row["unit"]:
            row["spellings"].add(written)
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

