"""The ontology declares every term the code uses; the shapes accept the seed and catch the
mistakes they are there for."""

from __future__ import annotations

import re
from importlib import resources

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, OWL, RDF, RDFS, SKOS, XSD

from conftest import ROOT
from ipplan.graph.validate import shapes_graph, validate
from ipplan.graph.vocab import DEADLINE_KINDS, IPP, ROLES, UNIT_KINDS, measure_iri, unit_iri


@pytest.fixture(scope="module")
def ontology():
    text = resources.files("ipplan.ontology").joinpath("ip_plan.ttl").read_text("utf-8")
    return Graph().parse(data=text, format="turtle")


def _terms_used_in_code() -> set[str]:
    used: set[str] = set()
    for path in list((ROOT / "graph").glob("*.py")) + [ROOT / "ontology" / "ip_plan_shapes.ttl"]:
        text = path.read_text("utf-8")
        used |= set(re.findall(r"\bIPP\.([A-Za-z]+)", text))
        used |= set(re.findall(r"\bipp:([A-Za-z]+)", text))
    return used


def test_every_term_used_is_declared_with_labels_in_both_languages(ontology):
    used = _terms_used_in_code()
    assert {"Measure", "leadUnit", "supportingUnit", "deadline", "collective"} <= used
    for name in sorted(used):
        term = IPP[name]
        assert (term, RDF.type, None) in ontology, f"ipp:{name} is not declared"
        for predicate in (RDFS.label, RDFS.comment):
            languages = {o.language for o in ontology.objects(term, predicate)}
            assert {"zh", "en"} <= languages, f"ipp:{name} lacks {predicate} in zh/en"


def test_required_classes_and_alignment(ontology):
    for name in ("Plan", "Theme", "Task", "Measure", "Unit", "Jurisdiction"):
        assert (IPP[name], RDF.type, OWL.Class) in ontology
    assert (IPP.Unit, RDFS.subClassOf, ORG.Organization) in ontology
    assert (IPP.Theme, RDFS.subClassOf, SKOS.Concept) in ontology
    assert (IPP.Jurisdiction, RDFS.subClassOf, DCTERMS.Jurisdiction) in ontology
    assert (IPP.deadline, RDFS.range, XSD.gYearMonth) in ontology


def test_kind_slugs_match_the_ontology(ontology):
    for slug, term in UNIT_KINDS.items():
        assert (term, SKOS.notation, Literal(slug)) in ontology
    for term in list(ROLES.values()) + list(DEADLINE_KINDS.values()):
        assert (term, RDF.type, OWL.NamedIndividual) in ontology


def test_shapes_parse():
    assert len(shapes_graph()) > 100


def test_seed_conforms(seed_graph):
    report = validate(seed_graph)
    assert report.conforms and report.results == ()
    assert report.checked == 1 + 7 + 22 + 60 + 294 + 37 + 1


def _copy(graph: Graph) -> Graph:
    copy = Graph()
    for triple in graph:
        copy.add(triple)
    return copy


def _messages(report):
    return {(row["severity"], row["focus"], row["path"], row["message"]) for row in report.results}


def test_measure_without_lead_or_with_two_tasks_violates(seed_graph):
    graph = _copy(seed_graph)
    m = measure_iri("fuzhou-ip-plan", "4.2")
    graph.remove((m, IPP.leadUnit, None))
    graph.add((m, IPP.task, graph.value(measure_iri("fuzhou-ip-plan", "5.1"), IPP.task)))
    report = validate(graph)
    assert not report.conforms
    focus = "plan/fuzhou-ip-plan/measure/4.2"
    messages = _messages(report)
    assert ("Violation", focus, "ipp:leadUnit", "a measure has at least one lead unit") in messages
    assert ("Violation", focus, "ipp:task", "a measure belongs to exactly one task") in messages


def test_fixed_deadline_without_month_violates_and_unread_deadline_warns(seed_graph):
    graph = _copy(seed_graph)
    fixed = measure_iri("fuzhou-ip-plan", "1.1")
    graph.remove((fixed, IPP.deadline, None))
    unread = measure_iri("fuzhou-ip-plan", "1.2")
    graph.remove((unread, IPP.deadline, None))
    graph.set((unread, IPP.deadlineKind, IPP.UnreadDeadline))
    report = validate(graph)
    severities = {(row["focus"].rsplit("/", 1)[-1], row["severity"]) for row in report.results}
    assert severities == {("1.1", "Violation"), ("1.2", "Warning")}


def test_only_warnings_still_conform(seed_graph):
    graph = _copy(seed_graph)
    m = measure_iri("fuzhou-ip-plan", "1.2")
    graph.remove((m, IPP.deadline, None))
    graph.set((m, IPP.deadlineKind, IPP.UnreadDeadline))
    report = validate(graph)
    assert report.conforms and report.violations == 0 and len(report.results) == 1


def test_unit_with_two_chinese_names_and_bad_kind_violates(seed_graph):
    graph = _copy(seed_graph)
    unit = unit_iri("福州市", "市科技局")
    graph.add((unit, SKOS.prefLabel, Literal("市科学技术局", lang="zh")))
    graph.set((unit, IPP.unitKind, URIRef(f"{IPP}Nonsense")))  # a kind the ontology lacks
    paths = {row["path"] for row in validate(graph).results}
    assert {"skos:prefLabel", "ipp:unitKind"} <= {p.replace(str(SKOS), "skos:") for p in paths}


def test_duplicate_measure_id_in_a_plan_violates(seed_graph):
    graph = _copy(seed_graph)
    graph.set((measure_iri("fuzhou-ip-plan", "1.2"), IPP.notation, Literal("1.1")))
    messages = {row["message"] for row in validate(graph).results}
    assert "two measures of one plan share this id" in messages


def _pyshacl_results(graph: Graph) -> set[tuple[str, str, str, str, str]]:
    """What pySHACL, the reference implementation, reports for ``graph``, as ipplan's rows."""
    from pyshacl import validate as reference
    from rdflib import BNode, URIRef
    from rdflib.namespace import SH

    from ipplan.graph.validate import short_name

    _conforms, report, _text = reference(graph, shacl_graph=shapes_graph(),
                                         allow_warnings=True, advanced=True)
    rows = set()
    for result in report.subjects(RDF.type, SH.ValidationResult):
        path = report.value(result, SH.resultPath)
        path = ("^" + short_name(report.value(path, SH.inversePath)) if isinstance(path, BNode)
                else short_name(path))
        messages = sorted(report.objects(result, SH.resultMessage),
                          key=lambda m: (getattr(m, "language", None) != "en", str(m)))
        value = report.value(result, SH.value)
        constraint = report.value(result, SH.sourceConstraintComponent)
        if constraint in (SH.UniqueLangConstraintComponent, SH.MinCountConstraintComponent,
                          SH.MaxCountConstraintComponent):
            value = None  # these results name no value node (pySHACL sometimes adds one)
        rows.add((short_name(report.value(result, SH.resultSeverity)).rsplit("#", 1)[-1],
                  short_name(report.value(result, SH.focusNode)),
                  path,
                  "" if value is None else str(value) if isinstance(value, Literal)
                  else short_name(value) if isinstance(value, URIRef) else str(value),
                  str(messages[0]) if messages else ""))
    return rows


def _broken_on_purpose(seed_graph: Graph) -> Graph:
    """The seed with one mistake for every kind of constraint the shapes use."""
    g = _copy(seed_graph)
    m, m2, m3 = (measure_iri("fuzhou-ip-plan", i) for i in ("4.2", "1.1", "2.1"))
    unit = unit_iri("福州市", "市科技局")
    theme = next(iter(g.objects(next(iter(g.objects(m, IPP.task))), IPP.theme)))
    g.remove((m, IPP.leadUnit, None))                                     # minCount + sparql
    g.add((m, IPP.task, unit))                                            # maxCount + class
    g.set((theme, IPP.number, Literal("x")))                              # datatype
    g.add((next(iter(g.subjects(RDF.type, IPP.Theme))), IPP.number, Literal(0)))  # minInclusive
    g.set((unit, IPP.unitKind, URIRef(f"{IPP}Bogus")))                    # in
    g.set((m2, IPP.notation, Literal("1-1")))                             # pattern
    g.set((m2, IPP.text, Literal("")))                                    # minLength
    g.add((unit, SKOS.prefLabel, Literal("Bureau", lang="fr")))           # languageIn
    g.add((unit, SKOS.prefLabel, Literal("科技局", lang="zh")))           # uniqueLang
    g.set((m3, IPP.deadlineKind, IPP.UnreadDeadline))                     # not/hasValue
    g.set((measure_iri("fuzhou-ip-plan", "3.1"), IPP.notation, Literal("2.2")))  # duplicate id
    assignment = next(iter(g.objects(m3, IPP.hasAssignment)))
    g.add((m2, IPP.hasAssignment, assignment))                            # inverse path
    g.remove((m3, IPP.deadline, None))                                    # sparql: no month
    m4 = measure_iri("fuzhou-ip-plan", "1.2")
    named = set(g.objects(m4, IPP.leadUnit)) | set(g.objects(m4, IPP.supportingUnit))
    g.add((m4, IPP.supportingUnit, next(u for u in sorted(g.subjects(RDF.type, IPP.Unit))
                                         if u not in named)))      # sparql: no assignment
    g.set((m3, IPP.plan, URIRef(f"{IPP}Elsewhere")))                      # sparql: task's plan
    return g


def test_the_compiled_shapes_report_what_pyshacl_reports(seed_graph):
    assert _pyshacl_results(seed_graph) == set() == {
        tuple(r.values()) for r in validate(seed_graph).results}
    broken = _broken_on_purpose(seed_graph)
    ours = {tuple(row[c] for c in ("severity", "focus", "path", "value", "message"))
            for row in validate(broken).results}
    assert ours == _pyshacl_results(broken)
    assert len(ours) >= 15  # every kind of mistake above was caught
    messages = {row[4] for row in ours}
    assert {"two measures of one plan share this id", "a measure belongs to the plan of its task",
            "every lead or supporting unit has its assignment (role and position)"} <= messages
