"""Graph files: every format `ipplan load` writes holds the very graph it built, reads back
as a SOURCE, and is the same bytes in every process; the suffix of -o decides the format."""

from __future__ import annotations

import os
import subprocess
import sys
from decimal import Decimal

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import XSD

from conftest import SEED, measure_row, run_ipplan, table_text
from ipplan.graph.analytics import analyse, write_analysis
from ipplan.graph.build import build_graph
from ipplan.graph.io import GRAPH_FORMATS, read_graph, serialize, write_graph
from ipplan.graph.engine import new_graph

# every suffix load writes, and the rdflib parser that reads it without ipplan
SUFFIXES = {".ttl": "turtle", ".turtle": "turtle", ".nt": "nt", ".nq": "nquads",
            ".trig": "trig", ".jsonld": "json-ld", ".json-ld": "json-ld", ".rdf": "xml",
            ".xml": "xml", ".owl": "xml"}


@pytest.fixture(scope="module", params=["oxigraph", "rdflib"])
def analysed_seed(request, seed_plan):
    """The seed's graph with its analysis, as `ipplan load` writes it, on each engine."""
    graph = build_graph([seed_plan], graph=new_graph(request.param))
    write_analysis(graph, analyse(graph))
    return graph


def _plain_rdflib(graph: Graph) -> Graph:
    """The terms the graph holds, in rdflib's own store (nothing canonicalised on the way)."""
    copy = Graph()
    for triple in graph:
        copy.add(triple)
    return copy


def test_load_writes_and_reads_every_suffix_it_names():
    assert set(GRAPH_FORMATS) == set(SUFFIXES)


@pytest.mark.parametrize("suffix", sorted(SUFFIXES))
def test_every_graph_format_holds_the_built_graph(tmp_path, analysed_seed, suffix):
    """Read back by plain rdflib, each file is the graph that was built, decimals included
    (JSON-LD and RDF/XML had "2"^^xsd:decimal where Turtle had "2.0")."""
    built = _plain_rdflib(analysed_seed)
    assert any(o.datatype == XSD.decimal for o in built.objects() if isinstance(o, Literal))
    path = tmp_path / f"fuzhou{suffix}"
    write_graph(analysed_seed, path)
    back = Graph()
    back.parse(path, format=SUFFIXES[suffix])
    _, only_built, only_file = graph_diff(to_isomorphic(built), to_isomorphic(back))
    assert (len(only_built), len(only_file)) == (0, 0), (
        sorted(only_built)[:3], sorted(only_file)[:3])
    assert isomorphic(read_graph(path), analysed_seed)  # and ipplan reads it as a SOURCE


def test_both_engines_write_the_same_bytes_in_every_format(seed_plan):
    files = {}
    for engine in ("oxigraph", "rdflib"):
        graph = build_graph([seed_plan], graph=new_graph(engine))
        write_analysis(graph, analyse(graph))
        files[engine] = {fmt: serialize(graph, fmt) for fmt in set(SUFFIXES.values())}
    assert files["oxigraph"] == files["rdflib"]


def test_decimals_are_made_in_the_form_every_store_keeps():
    """XSD's canonical form: no exponent, no trailing zero, a whole number without ".0" (what
    Oxigraph keeps; rdflib keeps what it is given)."""
    from ipplan.graph.analytics import decimal_literal

    cases = {2.0: "2", 102.0: "102", 0.5: "0.5", 33.05: "33.05", -1.5: "-1.5", 0.0: "0",
             -0.0: "0", 1.234e-08: "0.00000001234", 0.8889: "0.8889"}
    for value, text in cases.items():
        literal = decimal_literal(value)
        assert (str(literal), literal.datatype) == (text, XSD.decimal), value
        assert literal.toPython() == Decimal(text)


def test_a_decimal_read_from_an_older_file_is_written_in_the_one_form(tmp_path, seed_plan):
    """A graph file of an older ipplan says "2.0"; on either engine it is written as "2"."""
    outputs = set()
    for engine in ("oxigraph", "rdflib"):
        graph = build_graph([seed_plan], graph=new_graph(engine))
        thing = URIRef("https://w3id.org/ipplan/id/test/thing")
        graph.add((thing, URIRef("urn:p:decimal"), Literal("2.0", datatype=XSD.decimal)))
        outputs.add(serialize(graph, "nt"))
    (text,) = outputs
    assert b'<urn:p:decimal> "2"^^<http://www.w3.org/2001/XMLSchema#decimal> .' in text


def test_every_graph_format_is_the_same_bytes_across_processes(tmp_path):
    """JSON-LD listed its nodes in the order of a Python set."""
    code = """if True:
        import sys
        from pathlib import Path
        from ipplan.graph.analytics import analyse, write_analysis
        from ipplan.graph.build import build_graph
        from ipplan.graph.io import serialize
        from ipplan.graph.engine import new_graph
        from ipplan.loaders import load_document
        graph = build_graph([load_document(Path(sys.argv[1]))], graph=new_graph(sys.argv[2]))
        write_analysis(graph, analyse(graph))
        for fmt in ("turtle", "nt", "nquads", "trig", "json-ld", "xml"):
            Path(sys.argv[3], fmt).write_bytes(serialize(graph, fmt))
    """
    for engine in ("oxigraph", "rdflib"):
        outputs = []
        for hash_seed in ("1", "2"):
            folder = tmp_path / f"{engine}-{hash_seed}"
            folder.mkdir()
            subprocess.run([sys.executable, "-c", code, str(SEED), engine, str(folder)],
                           env={**os.environ, "PYTHONHASHSEED": hash_seed}, check=True,
                           capture_output=True, timeout=300)
            outputs.append({path.name: path.read_bytes() for path in folder.iterdir()})
        assert len(outputs[0]) == 6
        assert [fmt for fmt in outputs[0] if outputs[0][fmt] != outputs[1][fmt]] == [], engine


def test_text_that_rdf_xml_cannot_hold_is_refused_and_a_carriage_return_kept(tmp_path):
    """XML 1.0 has no way to write U+0001; a parser reads a raw carriage return as a line
    feed. The one is refused in one line, the other written as a character reference."""
    body = "\t一、主题\n\n" + measure_row("修订\u0001办法。", "市科技局", "市财政局", "2022年12月",
                                          task="1.强化导向。")
    document = tmp_path / "control.txt"
    document.write_text(table_text(body), "utf-8")
    target = tmp_path / "control.rdf"
    result = run_ipplan("load", document, "-o", target)
    assert result.code == 2 and not target.exists()
    refusal = result.err.strip().splitlines()[-1]
    assert refusal.startswith("ipplan: error: ") and "U+0001" in refusal
    assert "RDF/XML" in refusal and ".ttl" in refusal
    assert run_ipplan("load", document, "-o", tmp_path / "control.jsonld").code == 0

    graph = new_graph()
    thing = URIRef("https://w3id.org/ipplan/id/test/thing")
    graph.add((thing, URIRef("urn:p:text"), Literal("一\r\n二\r三\t<&>", lang="zh")))
    back = Graph()
    back.parse(data=serialize(graph, "xml"), format="xml")
    assert str(back.value(thing, URIRef("urn:p:text"))) == "一\r\n二\r三\t<&>"


@pytest.mark.parametrize("suffix", [".nq", ".trig", ".jsonld", ".rdf", ".owl", ".XML"])
def test_load_writes_a_file_ipplan_reads_back(tmp_path, suffix):
    target = tmp_path / f"fuzhou{suffix}"
    result = run_ipplan("load", SEED, "-o", target)
    assert result.code == 0, result.err
    again = run_ipplan("stats", target, "--json")
    assert again.code == 0, again.err
    assert '"measures": 60' in again.out


@pytest.mark.parametrize("name", ["x.foo", "x", "x.n3"])
def test_load_refuses_a_suffix_it_cannot_read_back_and_writes_nothing(tmp_path, name):
    target = tmp_path / name
    for extra in ((), ("--format", "nt")):
        result = run_ipplan("load", SEED, "-o", target, *extra)
        assert result.code == 2, result.err
        assert result.err.count("\n") == 1 and "Traceback" not in result.err
        assert ".ttl" in result.err and ".nq" in result.err and ".jsonld" in result.err
        assert name in result.err
        assert list(tmp_path.iterdir()) == []


def test_load_refuses_a_format_that_contradicts_the_suffix(tmp_path):
    target = tmp_path / "x.nt"
    result = run_ipplan("load", SEED, "-o", target, "--format", "turtle")
    assert result.code == 2
    assert result.err == f"ipplan: error: -o {target} is N-Triples but --format turtle was given\n"
    assert not target.exists()
    agreeing = run_ipplan("load", SEED, "-o", target, "--format", "nt")
    assert agreeing.code == 0 and target.read_bytes().startswith(b"<https://")
    quads = run_ipplan("load", SEED, "--format", "nquads")  # to standard output
    assert quads.code == 0 and quads.out.startswith("<https://")


def test_docstring_examples_run_as_written():
    """(test_doctests.py does not list these modules.)"""
    import doctest
    import importlib

    from ipplan import output
    from ipplan.graph import analytics, clusters, io

    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for function in (io.output_format, analytics.decimal_literal, clusters.induced_subgraph,
                     output.output_format):
        module = importlib.import_module(function.__module__)
        tests = doctest.DocTestFinder().find(function, globs=vars(module))
        assert tests and all(test.examples for test in tests), function
        for test in tests:
            runner.run(test)
    assert runner.summarize(verbose=False).failed == 0
