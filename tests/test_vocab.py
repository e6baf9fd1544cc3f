"""The vocabulary is the ontology's, closed: IPP names exactly the terms ip_plan.ttl defines,
and the unit kinds and their names are the ontology's own."""

from __future__ import annotations

from importlib import resources

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from ipplan.graph.vocab import IPP, KIND_SLUGS, KINDS, UNIT_KINDS


@pytest.fixture(scope="module")
def ontology() -> Graph:
    text = resources.files("ipplan.ontology").joinpath("ip_plan.ttl").read_text("utf-8")
    return Graph().parse(data=text, format="turtle")


def test_ipp_names_exactly_the_terms_the_ontology_defines(ontology):
    namespace = str(IPP)
    defined = {str(s)[len(namespace):] for s in ontology.subjects(RDF.type, None)
               if str(s).startswith(namespace)}
    used = {str(t)[len(namespace):] for triple in ontology for t in triple
            if isinstance(t, URIRef) and str(t).startswith(namespace)}
    assert used == defined  # the ontology refers to no ipp: term it leaves undefined
    assert set(IPP.__annotations__) - {"_NS", "_fail"} == defined
    assert all(IPP[name] == URIRef(namespace + name) for name in defined)


def test_a_misspelt_term_raises():
    with pytest.raises(AttributeError, match="leadUnits"):
        IPP.leadUnits  # noqa: B018
    with pytest.raises(AttributeError, match="measure"):
        IPP["measure"]  # the class is Measure
    assert IPP.leadUnit == URIRef("https://w3id.org/ipplan/ontology#leadUnit")


def test_unit_kinds_and_their_names_are_the_ontologys(ontology):
    kinds = set(ontology.subjects(RDF.type, IPP.UnitKind))
    assert set(UNIT_KINDS.values()) == kinds == set(KIND_SLUGS)
    assert list(UNIT_KINDS) == sorted(UNIT_KINDS)  # one order, whatever the file's
    for slug, kind in KINDS.items():
        assert (kind.iri, SKOS.notation, Literal(slug)) in ontology
        assert {(label.language, str(label)) for label in ontology.objects(kind.iri,
                                                                          SKOS.prefLabel)} \
            == {("zh", kind.zh), ("en", kind.en)}
    assert (KINDS["judicial"].zh, KINDS["judicial"].en) == ("司法机关", "judicial organ")
