"""RDF terms as Python values, and rdflib's terms as Oxigraph's and back: one place for every
conversion the graph stage makes.

:func:`plain_value` is the one reading of a term as a plain value (IRIs and strings as str,
numbers as int or float, booleans as bool, anything else as its text); :func:`oxigraph_value`
and :func:`tsv_value` give the same value from an Oxigraph term or from a cell of the TSV
Oxigraph writes, without building an rdflib term (a test holds the three to each other on
every datatype ipplan writes).

>>> from rdflib.namespace import XSD
>>> [plain_value(t) for t in (URIRef("urn:a"), Literal(3), Literal("0.5", datatype=XSD.decimal),
...                           Literal(True), Literal("2022-12", datatype=XSD.gYearMonth), None)]
['urn:a', 3, 0.5, True, '2022-12', None]
>>> tsv_value('"市法院"@zh'), tsv_value("<urn:a>"), tsv_value("-7"), tsv_value("")
('市法院', 'urn:a', -7, None)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

__all__ = ["exact_value", "from_oxigraph", "oxigraph_value", "plain_literal", "plain_value",
           "to_oxigraph", "tsv_value"]

_XSD_STRING = str(XSD.string)
_XSD_INTEGER = str(XSD.integer)
_XSD_DECIMAL = str(XSD.decimal)
_XSD_DOUBLE = str(XSD.double)
_XSD_BOOLEAN = str(XSD.boolean)
_INTEGER = re.compile(r"-?[0-9]+")


def plain_value(term: Any) -> Any:
    """An rdflib term as a plain Python value: IRIs and strings as str, numbers as int or
    float, booleans as bool, anything else (dates, ill-typed literals) as its string."""
    if term is None:
        return None
    value = term.toPython() if hasattr(term, "toPython") else term
    if hasattr(value, "is_finite"):  # Decimal
        return float(value)
    if isinstance(value, (bool, int, float)):
        return value
    return str(value)


def exact_value(term: Any) -> Any:
    """An rdflib term as a Python value that keeps a typed literal's exact type (a decimal
    stays a Decimal, so that a page writes ``2`` where the graph holds 2, not ``2.0``);
    anything untyped as its string."""
    if term is None:
        return None
    if isinstance(term, Literal) and term.datatype is not None:
        return term.toPython()
    return str(term)


def oxigraph_value(term: Any) -> Any:
    """One pyoxigraph term as :func:`plain_value` gives the rdflib term; uncommon datatypes
    go through rdflib."""
    if not isinstance(term, ox.Literal):
        return term.value  # an IRI or a blank node, as its string
    if term.language:
        return term.value
    datatype = term.datatype.value
    try:
        if datatype == _XSD_STRING:
            return term.value
        if datatype == _XSD_INTEGER:
            return int(term.value)
        if datatype in (_XSD_DECIMAL, _XSD_DOUBLE):
            return float(term.value)
        if datatype == _XSD_BOOLEAN and term.value in ("true", "false"):
            return term.value == "true"
    except ValueError:
        pass
    return plain_value(from_oxigraph(term))


def tsv_value(cell: str) -> Any:
    """One cell of Oxigraph's TSV results as :func:`oxigraph_value` reads its term: the
    common cells (IRIs, plain and language-tagged strings without escapes, integers) here,
    the rest through Oxigraph's own Turtle parser; an empty cell (unbound) is None."""
    if not cell:
        return None  # unbound
    if "\\" not in cell:
        first = cell[0]
        if first == "<":
            return cell[1:-1]
        if first == '"':
            end = cell.rfind('"')
            if end == len(cell) - 1 or cell[end + 1] == "@":
                return cell[1:end]
        elif first == "_":
            return cell[2:]  # a blank node, as BlankNode.value
        elif _INTEGER.fullmatch(cell):
            return int(cell)
    (quad,) = ox.parse(f"<x:s> <x:p> {cell} .", format=ox.RdfFormat.TURTLE)
    return oxigraph_value(quad.object)


def from_oxigraph(term: Any) -> Any:
    """A pyoxigraph term as the rdflib term it is (a plain string without its xsd:string
    datatype, as rdflib writes it)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    return Literal(term.value) if datatype == _XSD_STRING else Literal(term.value, datatype=datatype)


def plain_literal(term: Any) -> Any:
    """``term`` with an xsd:string literal given back as the plain literal rdflib writes.

    RDF 1.1 makes "x" and "x"^^xsd:string one term, but rdflib keeps them apart (they are
    unequal, and Turtle writes the second with its datatype); Oxigraph returns every plain
    literal typed. Converting back keeps graphs, files and comparisons identical to
    rdflib's own store."""
    if type(term) is Literal and term.datatype == XSD.string and not term.language:
        return Literal(str(term))
    return term


def to_oxigraph() -> Callable[[Any], Any]:
    """A converter of rdflib terms to pyoxigraph's, remembering the IRIs it has seen."""
    iris: dict[Any, Any] = {}

    def convert(term: Any) -> Any:
        if type(term) is URIRef:
            node = iris.get(term)
            if node is None:
                node = iris[term] = ox.NamedNode(term)
            return node
        if isinstance(term, Literal):
            if term.language:
                return ox.Literal(term, language=term.language)
            if term.datatype:
                return ox.Literal(term, datatype=convert(URIRef(term.datatype)))
            return ox.Literal(term)
        if isinstance(term, BNode):
            return ox.BlankNode(term)
        return convert(URIRef(term))

    return convert
