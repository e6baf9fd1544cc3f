"""RDF terms as Python values: one converter for the graph stage, the same from rdflib's
terms, from Oxigraph's and from the TSV Oxigraph writes."""

from __future__ import annotations

import re

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from conftest import ROOT
from ipplan.graph.engine import add_triples, new_graph
from ipplan.graph.sparql import select_values


def test_the_graph_stage_reads_terms_through_one_converter():
    """Only terms.py turns a term into a value (toPython, or a result's term through str());
    the stage's other modules read plain values from select_values."""
    for path in sorted((ROOT / "graph").glob("*.py")):
        if path.name in ("terms.py", "validate.py"):  # validate reads the shapes' own terms
            continue
        text = path.read_text("utf-8")
        assert ".toPython()" not in text, path.name
        assert not re.search(r"\bstr\(hit\b", text), path.name


def test_plain_values_are_the_same_from_oxigraph_and_through_rdflib():
    """The property graph's values come straight from Oxigraph's terms (no rdflib term is
    built); they must be what converting rdflib's terms gives, datatype by datatype."""
    s, p = URIRef("https://example.org/s"), URIRef("https://example.org/p")
    objects = [URIRef("https://example.org/o"), BNode("b1"), Literal("市法院"),
               Literal("市法院", lang="zh"), Literal("Court", lang="en"), Literal(-7),
               Literal("007", datatype=XSD.integer), Literal("0.5394", datatype=XSD.decimal),
               Literal("2", datatype=XSD.decimal), Literal(2.5),
               Literal("1.0E3", datatype=XSD.double), Literal("INF", datatype=XSD.double),
               Literal(True), Literal(False), Literal("1", datatype=XSD.boolean),
               Literal("2022-12", datatype=XSD.gYearMonth),
               Literal("2022-12-31", datatype=XSD.date), Literal("x", datatype=XSD.integer),
               Literal("3", datatype=XSD.int),
               Literal("x", datatype=URIRef("https://example.org/t")),
               # text that TSV escapes, or writes as it is: every one a single cell
               Literal("a\tb\nc\rd\"e\\f"), Literal(""), Literal("\x01\u2028\u0085\x1c"),
               Literal('"quoted"@en'), Literal("中文", lang="zh-Hant"), Literal("-12"),
               URIRef("https://example.org/a%20b#x")]
    text = "SELECT ?s ?o WHERE { ?s <https://example.org/p> ?o } ORDER BY STR(?o)"
    answers = []
    for engine in ("oxigraph", "rdflib"):
        graph = new_graph(engine)
        add_triples(graph, [(s, p, o) for o in objects])
        columns, rows = select_values(graph, text)
        answers.append((columns, sorted(rows, key=repr)))
    assert answers[0] == answers[1]
    assert [tuple(type(v) for v in row) for row in answers[0][1]] == \
        [tuple(type(v) for v in row) for row in answers[1][1]]
    values = {row[1] for row in answers[0][1]}
    assert {"市法院", "Court", -7, 7, 0.5394, 2.0, 2.5, 1000.0, True, False, 3, "",
            "a\tb\nc\rd\"e\\f", "\x01\u2028\u0085\x1c", '"quoted"@en', "-12"} <= values
