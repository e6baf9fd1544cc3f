"""Building the RDF graph from plan records.

Every IRI is derived from the plan id, the document's numbering and the canonical unit name
(see :mod:`graph.vocab`), and the graph has no blank nodes, so the same document always gives
the same graph. Units are scoped to the plan's jurisdiction: two cities' 市科技局 are two
units, while two plans of one city share theirs, and the plans of one province share its
provincial units (省市场监督管理局).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS, XSD

from ipplan.model import DeadlineKind, LoadWarning, Plan, Role

from .registry import Registry, ResolvedUnit
from .engine import add_triples, new_graph
from .vocab import (
    DEADLINE_KINDS,
    IPP,
    KINDS,
    PROGRESS_STATES,
    ROLES,
    UnitKind,
    assignment_iri,
    jurisdiction_iri,
    measure_iri,
    plan_iri,
    task_iri,
    theme_iri,
    unit_iri,
)

Add = Callable[[tuple[Any, Any, Any]], None]


def build_graph(
    plans: Iterable[Plan],
    registry: Registry | None = None,
    graph: Graph | None = None,
) -> Graph:
    """Add each plan to ``graph`` (a new one by default) and return it.

    >>> from ipplan.loaders import load_document
    >>> g = build_graph([load_document("data/fuzhou-ip-plan.txt")])
    >>> len(set(g.subjects(RDF.type, IPP.Measure)))
    60
    """
    registry = registry or Registry.load()
    graph = graph if graph is not None else new_graph()
    for plan in plans:
        triples: list[tuple[Any, Any, Any]] = []
        _add_plan(triples.append, plan, registry)
        add_triples(graph, triples)
    return graph


def _add_plan(add: Add, plan: Plan, registry: Registry) -> None:
    plan_node = plan_iri(plan.id)
    place = _add_jurisdiction(add, plan.jurisdiction, registry)
    add((plan_node, RDF.type, IPP.Plan))
    add((plan_node, DCTERMS.identifier, Literal(plan.id)))
    add((plan_node, DCTERMS.title, Literal(plan.title, lang="zh")))
    add((plan_node, DCTERMS.source, Literal(plan.source)))
    add((plan_node, IPP.jurisdiction, place))
    if plan.role_rule:
        add((plan_node, IPP.roleRule, Literal(plan.role_rule)))
    for warning in plan.warnings:
        add((plan_node, IPP.loadWarning, Literal(_warning_text(warning, plan))))

    order = 0
    for theme in plan.themes:
        order += 1
        node = theme_iri(plan.id, theme.number)
        add((node, RDF.type, IPP.Theme))
        add((node, IPP.plan, plan_node))
        add((node, SKOS.inScheme, plan_node))
        add((node, IPP.number, Literal(theme.number)))
        add((node, IPP.notation, Literal(str(theme.number))))
        add((node, IPP.order, Literal(order)))
        add((node, SKOS.prefLabel, Literal(theme.title, lang="zh")))
        _add_source(add, node, plan, theme.location.position)

    for task in plan.tasks:
        order += 1
        node = task_iri(plan.id, task.key)
        add((node, RDF.type, IPP.Task))
        add((node, IPP.plan, plan_node))
        if task.theme is not None:
            add((node, IPP.theme, theme_iri(plan.id, task.theme)))
        add((node, IPP.number, Literal(task.number)))
        add((node, IPP.notation, Literal(task.key)))
        add((node, IPP.order, Literal(order)))
        add((node, DCTERMS.title, Literal(task.title, lang="zh")))
        _add_source(add, node, plan, task.location.position)

    units: dict[str, URIRef] = {}
    unshared: set[str] = set()  # provincial units kept as the plan's own, each reported once
    for measure in plan.measures:
        order += 1
        node = measure_iri(plan.id, measure.id)
        add((node, RDF.type, IPP.Measure))
        add((node, IPP.plan, plan_node))
        add((node, IPP.task, task_iri(plan.id, measure.task)))
        add((node, IPP.number, Literal(measure.number)))
        add((node, IPP.notation, Literal(measure.id)))
        add((node, IPP.order, Literal(order)))
        add((node, IPP.text, Literal(measure.text, lang="zh")))
        add((node, IPP.deadlineText, Literal(measure.deadline.text)))
        add((node, IPP.deadlineKind, DEADLINE_KINDS[measure.deadline.kind]))
        if measure.deadline.kind is DeadlineKind.FIXED:
            add((node, IPP.deadline, Literal(measure.deadline.month, datatype=XSD.gYearMonth)))
        if measure.progress is not None:  # only a table with a progress column says one
            state = PROGRESS_STATES[measure.progress.state]
            add((node, IPP.progress, state.iri))
            for fact in _concept_facts(state, IPP.ProgressState):
                add(fact)
            if measure.progress.text:
                add((node, IPP.progressText, Literal(measure.progress.text)))
        _add_source(add, node, plan, measure.location.position)

        positions = {Role.LEAD: 0, Role.SUPPORT: 0}
        for assignment in measure.assignments:
            unit = registry.resolve(assignment.unit, plan.jurisdiction, plan.level)
            if unit.name not in unshared and registry.province_unknown(unit.name,
                                                                       plan.jurisdiction):
                unshared.add(unit.name)
                warning = LoadWarning(measure.location, (
                    f"{unit.name} is kept as {plan.jurisdiction}'s own unit, not shared with "
                    f"the other plans of its province: the province of {plan.jurisdiction} is "
                    "not known (jurisdictions.csv lists provinces and prefecture-level cities)"))
                add((plan_node, IPP.loadWarning, Literal(_warning_text(warning, plan))))
            unit_node = units.get(unit.name)
            if unit_node is None:
                home = place if unit.jurisdiction == plan.jurisdiction else _add_jurisdiction(
                    add, unit.jurisdiction, registry)
                unit_node = units[unit.name] = _add_unit(add, unit, home)
            if unit.name != assignment.unit:
                add((unit_node, SKOS.altLabel, Literal(assignment.unit, lang="zh")))
            positions[assignment.role] += 1
            position = positions[assignment.role]
            link = assignment_iri(plan.id, measure.id, assignment.role, position)
            add((node, IPP.leadUnit if assignment.role is Role.LEAD else IPP.supportingUnit,
                 unit_node))
            add((node, IPP.hasAssignment, link))
            add((link, RDF.type, IPP.Assignment))
            add((link, IPP.unit, unit_node))
            add((link, IPP.role, ROLES[assignment.role]))
            add((link, IPP.position, Literal(position)))
            add((link, IPP.nameAsWritten, Literal(assignment.unit)))


def _add_jurisdiction(add: Add, name: str, registry: Registry) -> URIRef:
    node = jurisdiction_iri(name)
    add((node, RDF.type, IPP.Jurisdiction))
    add((node, SKOS.prefLabel, Literal(name, lang="zh")))
    english = registry.jurisdiction_en(name)
    if english:
        add((node, SKOS.prefLabel, Literal(english, lang="en")))
    return node


def _kind_facts(kind: UnitKind) -> list[tuple[Any, Any, Any]]:
    """The notation and labels of a unit kind, as the ontology gives them, so a data graph
    describes the kinds it uses (queries read the notation, pages the labels)."""
    return _concept_facts(kind, IPP.UnitKind)


def _concept_facts(kind: UnitKind, concept_class: URIRef) -> list[tuple[Any, Any, Any]]:
    """A unit kind's or progress state's class, notation and labels, as the ontology gives
    them."""
    return [(kind.iri, RDF.type, concept_class), (kind.iri, SKOS.notation, Literal(kind.slug)),
            (kind.iri, SKOS.prefLabel, Literal(kind.zh, lang="zh")),
            (kind.iri, SKOS.prefLabel, Literal(kind.en, lang="en"))]


def _add_unit(add: Add, unit: ResolvedUnit, place: URIRef) -> URIRef:
    node = unit_iri(unit.jurisdiction, unit.name)
    add((node, RDF.type, IPP.Unit))
    add((node, SKOS.prefLabel, Literal(unit.name, lang="zh")))
    if unit.name_en:
        add((node, SKOS.prefLabel, Literal(unit.name_en, lang="en")))
    kind = KINDS[unit.kind]
    add((node, IPP.unitKind, kind.iri))
    for fact in _kind_facts(kind):
        add(fact)
    add((node, IPP.collective, Literal(unit.collective)))
    add((node, IPP.registered, Literal(unit.registered)))
    add((node, IPP.jurisdiction, place))
    return node


def _add_source(add: Add, node: URIRef, plan: Plan, position: int | None) -> None:
    add((node, IPP.sourceFile, Literal(plan.source)))
    if position is not None:
        add((node, IPP.sourceLine, Literal(position)))


def _warning_text(warning: LoadWarning, plan: Plan) -> str:
    """A warning as stored in the graph names the file by its name only, like the rest of
    the provenance, so the graph does not depend on where it was built."""
    position = warning.location.position
    where = f"{plan.source}:{position}" if position is not None else plan.source
    return f"{where}: {warning.message}"
