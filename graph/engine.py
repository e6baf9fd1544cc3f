"""Where the graph lives: an Oxigraph store behind the rdflib API, in memory.

Every command works on an rdflib :class:`~rdflib.Graph`. By default its store is Oxigraph
(pyoxigraph through oxrdflib): SPARQL is answered by Oxigraph's engine, which is orders of
magnitude faster than rdflib's own on a corpus of many plans. ``IPPLAN_ENGINE=rdflib`` keeps
rdflib's in-memory store (the benchmark's baseline; every result is the same). A store on
disk is a workspace (:mod:`ipplan.graph.workspace`).

>>> g = new_graph()
>>> engine_of(g)
'oxigraph'
>>> engine_of(new_graph("rdflib"))
'rdflib'
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterable
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, Variable
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.query import ResultRow

from ipplan.errors import IpplanError

from .terms import from_oxigraph, plain_literal, to_oxigraph, tsv_value
from .vocab import bind_prefixes

__all__ = ["ENGINES", "Rows", "add_graph", "add_triples", "default_engine", "engine_of", "new_graph",
           "oxigraph_graph", "oxigraph_of", "oxigraph_rows", "oxigraph_select",
           "oxigraph_solutions", "triple_count", "writable_copy"]

ENGINES = ("oxigraph", "rdflib")


def default_engine() -> str:
    """The engine new graphs use: ``IPPLAN_ENGINE`` (oxigraph or rdflib), else oxigraph."""
    engine = os.environ.get("IPPLAN_ENGINE", "").strip().lower() or "oxigraph"
    if engine not in ENGINES:
        raise IpplanError(f"IPPLAN_ENGINE={engine!r}: use one of {', '.join(ENGINES)}")
    return engine


def new_graph(engine: str | None = None) -> Graph:
    """An empty in-memory graph with ipplan's prefixes bound. On Oxigraph its triples sit in
    the store's default graph (rdflib would name a graph with a fresh blank node, which a
    workspace opened later could not find)."""
    engine = engine or default_engine()
    if engine == "rdflib":
        return bind_prefixes(Graph())
    return oxigraph_graph()


def oxigraph_graph(inner: Any = None) -> Graph:
    """An rdflib graph, ipplan's prefixes bound, over the pyoxigraph Store ``inner`` (a new
    one in memory by default), its triples in the store's default graph."""
    return bind_prefixes(Graph(store=_oxigraph_store(inner), identifier=DATASET_DEFAULT_GRAPH_ID))


def _oxigraph_store(inner: Any = None) -> Any:
    """oxrdflib's store, giving back plain literals as rdflib writes them
    (:func:`~ipplan.graph.terms.plain_literal`)."""
    from oxrdflib import OxigraphStore  # heavy: loads rdflib's SPARQL machinery (0.1 s)

    class Store(OxigraphStore):  # type: ignore[misc]
        def triples(self, triple_pattern: Any, context: Any = None) -> Any:
            for (s, p, o), contexts in super().triples(triple_pattern, context):
                yield (s, p, plain_literal(o)), contexts

        def query(self, *args: Any, **kwargs: Any) -> Any:
            result = super().query(*args, **kwargs)
            if result.type == "SELECT":
                rows = result.bindings
                result.bindings = ({k: plain_literal(v) for k, v in row.items()} for row in rows)
            return result

    return Store(store=inner)


def engine_of(graph: Graph) -> str:
    return "oxigraph" if oxigraph_of(graph) is not None else "rdflib"


def oxigraph_of(graph: Graph) -> Any:
    """The pyoxigraph Store behind ``graph``, or None for rdflib's own stores."""
    store = graph.store
    if hasattr(store, "_inner") and type(store).__mro__[1].__name__ == "OxigraphStore":
        return store._inner  # noqa: SLF001 (oxrdflib exposes no public accessor)
    return None


class Rows(list):  # type: ignore[type-arg]
    """The rows of a SELECT answered by Oxigraph directly, as rdflib ``ResultRow``s, with the
    ``vars`` of an rdflib result."""

    vars: list[Variable]


def oxigraph_select(graph: Graph, text: str, prefixes: dict[str, str]) -> Rows | None:
    """Answer a SELECT straight from the Oxigraph store behind ``graph`` (None on rdflib).

    oxrdflib goes through rdflib's result machinery and builds every term afresh; here each
    distinct term is converted once, which halves the time of queries with many rows."""
    answer = oxigraph_solutions(graph, text, prefixes, from_oxigraph)
    if answer is None:
        return None
    names, solutions = answer
    positions = {name: i for i, name in enumerate(names)}  # shared: rows only read it
    rows = Rows()
    for solution in solutions:
        row = tuple.__new__(ResultRow, solution)  # what ResultRow(...) builds, less a dict
        row.labels = positions
        rows.append(row)
    rows.vars = [Variable(name) for name in names]
    return rows


def oxigraph_solutions(graph: Graph, text: str, prefixes: dict[str, str],
                       convert: Callable[[Any], Any]) -> tuple[list[str], list[tuple]] | None:
    """The variables and rows of a SELECT answered by the Oxigraph store behind ``graph``
    (None on rdflib), each term given to ``convert`` once however often it occurs (an
    unbound variable stays None)."""
    inner = oxigraph_of(graph)
    if inner is None:
        return None
    solutions = inner.query(text, prefixes=prefixes)
    names = [v.value for v in solutions.variables]
    one = functools.cache(lambda term: None if term is None else convert(term))
    return names, [tuple(map(one, solution)) for solution in solutions]


def oxigraph_rows(graph: Graph, text: str,
                  prefixes: dict[str, str]) -> tuple[list[str], list[tuple]] | None:
    """The variables and rows of a SELECT answered by the Oxigraph store behind ``graph``
    (None on rdflib), as the plain values :func:`~ipplan.graph.terms.oxigraph_value` gives.

    Oxigraph writes the whole answer as TSV without holding Python's lock, so other threads
    (the other parts of a split query, the pages of a pack) go on meanwhile; only reading
    the text needs the lock, and each distinct cell is read once. TSV escapes tabs and line
    ends inside literals, so a row is one line and a value one cell.

    >>> g = new_graph()
    >>> _ = g.parse(data='<x:a> <x:p> "a\\tb", 3, "中"@zh .', format="turtle")
    >>> oxigraph_rows(g, "SELECT ?s ?o ?none WHERE { ?s ?p ?o } ORDER BY ?o", {})
    (['s', 'o', 'none'], [('x:a', 3, None), ('x:a', 'a\\tb', None), ('x:a', '中', None)])
    """
    inner = oxigraph_of(graph)
    if inner is None:
        return None
    answer = inner.query(text, prefixes=prefixes).serialize(format=ox.QueryResultsFormat.TSV)
    lines = answer.decode("utf-8").split("\n")  # not splitlines: U+2028 is written as it is
    names = [name[1:] for name in lines[0].split("\t") if name]
    if not names:
        return names, [() for _ in lines[1:-1]]
    one = functools.cache(tsv_value)  # a fresh cache per answer, dropped with it
    return names, [tuple(map(one, line.split("\t"))) for line in lines[1:-1]]


def add_triples(graph: Graph, triples: Iterable[tuple[Any, Any, Any]]) -> None:
    """Add rdflib ``triples`` to ``graph``; on Oxigraph in one batch, converting each IRI once
    (through rdflib's ``add`` every term of every triple is converted afresh)."""
    inner = oxigraph_of(graph)
    if inner is None:
        for triple in triples:
            graph.add(triple)
        return
    convert = to_oxigraph()
    default = ox.DefaultGraph()
    inner.extend(ox.Quad(convert(s), convert(p), convert(o), default) for s, p, o in triples)


def add_graph(graph: Graph, other: Graph) -> None:
    """Add every triple of ``other`` to ``graph`` (on Oxigraph, store to store)."""
    inner, source = oxigraph_of(graph), oxigraph_of(other)
    if inner is not None and source is not None:
        default = ox.DefaultGraph()
        inner.extend(ox.Quad(q.subject, q.predicate, q.object, default)
                     for q in source.quads_for_pattern(None, None, None, None))
        return
    add_triples(graph, iter(other))


def triple_count(graph: Graph) -> int:
    """The number of triples, fast on either engine (oxrdflib's len() runs a COUNT DISTINCT)."""
    inner = oxigraph_of(graph)
    return len(inner) if inner is not None else len(graph)


def writable_copy(graph: Graph) -> Graph:
    """An in-memory copy of ``graph`` (for a read-only workspace that must be changed)."""
    copy = new_graph()
    inner, target = oxigraph_of(graph), oxigraph_of(copy)
    if inner is not None and target is not None:
        target.bulk_extend(inner.quads_for_pattern(None, None, None, None))
    else:
        for triple in graph:
            copy.add(triple)
    return copy
