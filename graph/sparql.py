"""Running SPARQL with parameters on either engine, with values that can only ever be values.

rdflib binds parameters with ``initBindings``; Oxigraph's ``substitutions`` only accept
variables of the SELECT clause. So ipplan binds the way Jena's ParameterizedSparqlString
does: every occurrence of ``?name`` (outside strings, IRIs and comments) is replaced by the
value written as one RDF term, escaped by the SPARQL grammar's own rules. A value full of
quotes, braces, backslashes or SPARQL keywords stays one string literal, whatever it holds.

>>> bind('SELECT ?m WHERE { ?m ?p ?unit FILTER (?n >= ?min) } # ?unit', {"unit": 'a"} ?x', "min": 2})
'SELECT ?m WHERE { ?m ?p "a\\\\"} ?x" FILTER (?n >= 2) } # ?unit'
>>> bind('SELECT ?unit ?m WHERE { ?m ?p ?unit }', {"unit": "x"})
'SELECT ("x" AS ?unit) ?m WHERE { ?m ?p "x" }'
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b",
            "\f": "\\f"}
_TOKENS = re.compile(
    r'(?P<long>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\')'
    r'|(?P<string>"(?:[^"\\\n\r]|\\.)*"|\'(?:[^\'\\\n\r]|\\.)*\')'
    r'|(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)'
    r'|(?P<comment>#[^\n]*)'
    r'|(?P<var>[?$][A-Za-z0-9_\u00b7\u00c0-\ufffd]+)'
    r'|(?P<word>[A-Za-z]+)'
    r'|(?P<open>[({])|(?P<close>[)}])',
    re.DOTALL)


def term(value: Any) -> str:
    """``value`` written as one SPARQL term.

    >>> term("市科技局"), term(3), term(True), term(2.5)
    ('"市科技局"', '3', 'true', '"2.5"^^<http://www.w3.org/2001/XMLSchema#double>')
    >>> term(Literal("x", lang="zh")), term(URIRef("https://w3id.org/ipplan/id/plan/a"))
    ('"x"@zh', '<https://w3id.org/ipplan/id/plan/a>')
    """
    if isinstance(value, URIRef):
        text = str(value)
        if re.search(r'[<>"{}|^`\\\x00-\x20]', text):
            raise ValueError(f"not an IRI: {text!r}")
        return f"<{text}>"
    if isinstance(value, Literal):
        if value.language:
            return f"{_string(str(value))}@{value.language}"
        if value.datatype and value.datatype != XSD.string:
            return f"{_string(str(value))}^^{term(value.datatype)}"
        return _string(str(value))
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = "NaN" if math.isnan(value) else "INF" if value > 0 and math.isinf(value) \
            else "-INF" if math.isinf(value) else repr(value)
        return f"{_string(text)}^^<{XSD.double}>"
    return _string(str(value))


def _string(text: str) -> str:
    return '"' + "".join(_ESCAPES.get(ch, ch) for ch in text) + '"'


def bind(text: str, values: Mapping[str, Any]) -> str:
    """``text`` with each bound variable replaced by its value (see the module's note)."""
    values = {name: value for name, value in values.items() if value is not None}
    if not values:
        return text
    written = {name: term(value) for name, value in values.items()}
    out: list[str] = []
    position = 0
    projecting = False  # between SELECT and its WHERE/{: a bare variable there is a column
    depth = 0
    for match in _TOKENS.finditer(text):
        kind = match.lastgroup
        token = match.group()
        if kind == "word":
            upper = token.upper()
            if upper == "SELECT":
                projecting, depth = True, 0
            elif upper == "WHERE" and projecting:
                projecting = False
            continue
        if kind == "open":
            if token == "{":
                projecting = False
            depth += 1
            continue
        if kind == "close":
            depth -= 1
            continue
        if kind != "var" or token[1:] not in written:
            continue
        value = written[token[1:]]
        previous = text[position:match.start()]
        if projecting and depth == 0:
            value = f"({value} AS {token})"
        elif projecting and re.search(r"\bAS\s*$", previous, re.IGNORECASE):
            value = token  # (expr AS ?name): the column keeps its name
        out.append(previous)
        out.append(value)
        position = match.end()
    out.append(text[position:])
    return "".join(out)


def select(graph: Graph, text: str, values: Mapping[str, Any] | None = None,
           prefixes: Mapping[str, Any] | None = None) -> Iterable[Any]:
    """The rows of a SELECT query on ``graph`` (either engine), with ``values`` bound."""
    from .store import oxigraph_select

    text = bind(text, values or {})
    namespaces = {name: str(iri) for name, iri in (prefixes or {}).items()}
    rows = oxigraph_select(graph, text, namespaces)
    return graph.query(text, initNs=namespaces) if rows is None else rows


def select_values(graph: Graph, text: str, values: Mapping[str, Any] | None = None,
                  prefixes: Mapping[str, Any] | None = None, *,
                  plain: Callable[[Any], Any] | None = None) -> tuple[list[str], list[tuple]]:
    """The variables and rows of a SELECT on ``graph`` (either engine), with ``values``
    bound; each value is ``plain(term)`` of its rdflib term, by default a plain Python value
    (:func:`ipplan.graph.store.plain_value`), which on Oxigraph is read from the TSV that
    Oxigraph writes (:func:`ipplan.graph.store.oxigraph_rows`) without building any term.
    On Oxigraph each distinct value is converted once: a query with many rows costs little
    more than the engine's own time."""
    from .store import _from_oxigraph, oxigraph_rows, oxigraph_solutions, plain_value

    text = bind(text, values or {})
    namespaces = {name: str(iri) for name, iri in (prefixes or {}).items()}
    if plain is not None:
        answer = oxigraph_solutions(graph, text, namespaces,
                                    lambda term: plain(_from_oxigraph(term)))
    else:
        answer = oxigraph_rows(graph, text, namespaces)
    if answer is not None:
        return answer
    plain = plain or plain_value
    result = graph.query(text, initNs=namespaces)
    return ([str(v) for v in result.vars],
            [tuple(None if value is None else plain(value) for value in row) for row in result])
