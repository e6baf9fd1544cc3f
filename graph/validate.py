"""Checking a plan graph against the SHACL shapes in ``ontology/ip_plan_shapes.ttl``.

The shapes are compiled into SPARQL queries that each look at the whole graph once (one query
per constraint, not one per node), so a corpus of 20,000 measures validates in seconds on
Oxigraph. The compiler reads the shapes file: editing a shape changes what is checked. It
knows the SHACL the shapes use (targetClass; property shapes with a predicate or inverse
path and minCount, maxCount, class, datatype, in, pattern, minLength, languageIn, uniqueLang,
minInclusive, not/hasValue; SPARQL-based constraints, run in their ``ipsh:wholeGraphSelect``
form where they give one; severity and message) and refuses a
shape using anything else rather than skipping it. The tests hold its results to pySHACL's on
the seed and on graphs broken on purpose.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH

from ipplan.errors import IpplanError
from ipplan.output import to_table

from .sparql import select, term
from .vocab import ID, IPP

# A constraint may carry, beside its sh:select, the same check written for the whole graph
# at once (SHACL's pre-binding rules forbid some of the forms that are fast there).
_WHOLE_GRAPH_SELECT = URIRef("https://w3id.org/ipplan/shapes#wholeGraphSelect")
RESULT_COLUMNS = ("severity", "focus", "path", "value", "message")
TARGETS = (IPP.Plan, IPP.Theme, IPP.Task, IPP.Measure, IPP.Assignment, IPP.Unit,
           IPP.Jurisdiction)

# what a property shape may say, besides the parts handled below
_HANDLED = {SH.path, SH.message, SH.severity, SH.minCount, SH.maxCount, SH["class"],
            SH.datatype, SH["in"], SH.pattern, SH.minLength, SH.languageIn, SH.uniqueLang,
            SH.minInclusive, SH["not"], SH.name, SH.description}


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of validation: whether the graph conforms (no violations; warnings are
    allowed) and every result, sorted."""

    conforms: bool
    results: tuple[dict[str, str], ...]
    checked: int  # nodes of the plan classes the shapes target

    @property
    def violations(self) -> int:
        return sum(1 for row in self.results if row["severity"] == "Violation")


@dataclass(frozen=True)
class Check:
    """One compiled constraint: a query giving (focus, value) rows, each a result."""

    query: str
    severity: str
    path: str
    message: str


def shapes_graph() -> Graph:
    """The packaged SHACL shapes."""
    text = resources.files("ipplan.ontology").joinpath("ip_plan_shapes.ttl").read_text("utf-8")
    return Graph().parse(data=text, format="turtle")


def short_name(node: object) -> str:
    """How a validation result names a node: an ipplan id without its namespace, an
    ontology term with the ``ipp`` prefix, any other IRI whole, and anything else as its
    text.

    >>> short_name(IPP.Measure), short_name(URIRef("urn:x")), short_name(None)
    ('ipp:Measure', 'urn:x', '')
    """
    if isinstance(node, URIRef):
        text = str(node)
        for namespace, prefix in ((str(ID), ""), (str(IPP), "ipp:")):
            if text.startswith(namespace):
                return prefix + text[len(namespace):]
        return text
    return "" if node is None else str(node)


def _message(shapes: Graph, node: Any) -> str:
    messages = sorted(shapes.objects(node, SH.message),
                      key=lambda m: (getattr(m, "language", None) != "en", str(m)))
    return str(messages[0]) if messages else ""


def _severity(shapes: Graph, node: Any) -> str:
    return short_name(shapes.value(node, SH.severity) or SH.Violation).rsplit("#", 1)[-1]


def _path(shapes: Graph, node: Any) -> tuple[str, str]:
    """The property path as SPARQL, and as the report writes it."""
    path = shapes.value(node, SH.path)
    if isinstance(path, URIRef):
        return term(path), short_name(path)
    inverse = shapes.value(path, SH.inversePath) if isinstance(path, BNode) else None
    if isinstance(inverse, URIRef):
        return f"^{term(inverse)}", f"^{short_name(inverse)}"
    raise IpplanError(f"the shapes use a property path ipplan does not check: {path!r}")


@lru_cache(maxsize=1)
def compiled() -> tuple[Check, ...]:
    """Every constraint of the packaged shapes as a whole-graph query."""
    return tuple(compile_shapes(shapes_graph()))


def compile_shapes(shapes: Graph) -> list[Check]:
    checks: list[Check] = []
    declared = "".join(
        f"PREFIX {shapes.value(d, SH.prefix)}: <{shapes.value(d, SH.namespace)}>\n"
        for d in sorted(shapes.objects(None, SH.declare), key=lambda d: str(
            shapes.value(d, SH.prefix))))
    for shape in sorted(shapes.subjects(RDF.type, SH.NodeShape), key=str):
        targets = list(shapes.objects(shape, SH.targetClass))
        if len(targets) != 1:
            raise IpplanError(f"shape {short_name(shape)} needs exactly one sh:targetClass")
        focus = f"?this a {term(targets[0])} ."
        for prop in shapes.objects(shape, SH.property):
            checks += _property_checks(shapes, prop, focus)
        for constraint in shapes.objects(shape, SH.sparql):
            text = str(shapes.value(constraint, _WHOLE_GRAPH_SELECT)
                       or shapes.value(constraint, SH.select)).replace("$this", "?this")
            body = text[text.index("{") + 1:text.rindex("}")]
            value = "?value" if "?value" in text.split("WHERE", 1)[0] else "(\"\" AS ?value)"
            checks.append(Check(
                f"{declared}SELECT DISTINCT ?this {value} WHERE {{ {focus} {body} }}",
                _severity(shapes, constraint), "", _message(shapes, constraint)))
    return checks


def _property_checks(shapes: Graph, prop: Any, focus: str) -> list[Check]:
    unknown = {p for p in shapes.predicates(prop) if p not in _HANDLED}
    if unknown:
        raise IpplanError(f"the shapes use SHACL ipplan does not check: "
                          f"{', '.join(sorted(short_name(p) for p in unknown))}")
    path, shown = _path(shapes, prop)
    severity, message = _severity(shapes, prop), _message(shapes, prop)
    each = f"{focus} ?this {path} ?v ."
    queries: list[str] = []

    def values(condition: str) -> None:
        queries.append(f"SELECT DISTINCT ?this (?v AS ?value) WHERE {{ {each} FILTER ({condition}) }}")

    get = shapes.value
    bounds = []  # min and max counts in one pass over the focus nodes: same message either way
    if (n := get(prop, SH.minCount)) is not None and int(n) > 0:
        bounds.append(f"COUNT(DISTINCT ?v) < {int(n)}")
    if (n := get(prop, SH.maxCount)) is not None:
        bounds.append(f"COUNT(DISTINCT ?v) > {int(n)}")
    if bounds:
        queries.append(f"SELECT ?this (\"\" AS ?value) WHERE {{ {focus} OPTIONAL {{ ?this {path} ?v }} }}"
                       f" GROUP BY ?this HAVING ({' || '.join(bounds)})")
    if (cls := get(prop, SH["class"])) is not None:
        queries.append(f"SELECT DISTINCT ?this (?v AS ?value) WHERE {{ {each} FILTER NOT EXISTS "
                       f"{{ ?v a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* {term(cls)} }} }}")
    if (datatype := get(prop, SH.datatype)) is not None:
        values(f"!isLiteral(?v) || datatype(?v) != {term(datatype)}")
    if (members := get(prop, SH["in"])) is not None:
        listed = ", ".join(term(m) for m in Collection(shapes, members))
        values(f"?v NOT IN ({listed})")
    if (pattern := get(prop, SH.pattern)) is not None:
        values(f"isBlank(?v) || !regex(str(?v), {term(str(pattern))})")
    if (n := get(prop, SH.minLength)) is not None:
        values(f"isBlank(?v) || strlen(str(?v)) < {int(n)}")
    if (languages := get(prop, SH.languageIn)) is not None:
        matches = " || ".join(f"langMatches(lang(?v), {term(str(tag))})"
                              for tag in Collection(shapes, languages))
        values(f"!isLiteral(?v) || !({matches})")
    if (low := get(prop, SH.minInclusive)) is not None:
        values(f"!(?v >= {term(low.toPython() if isinstance(low, Literal) else low)})")
    if get(prop, SH.uniqueLang) == Literal(True):
        # one result per language that two values share
        queries.append(f"SELECT DISTINCT ?this (\"\" AS ?value) ?language WHERE {{ {each} "
                       f"?this {path} ?w . BIND (lang(?v) AS ?language) "
                       "FILTER (?v != ?w && ?language != \"\" && ?language = lang(?w)) }")
    if (negated := get(prop, SH["not"])) is not None:
        value = get(negated, SH.hasValue)
        if value is None or set(shapes.predicates(negated)) != {SH.hasValue}:
            raise IpplanError("the shapes use sh:not with something other than sh:hasValue")
        values(f"?v = {term(value)}")
    return [Check(q, severity, shown, message) for q in queries]


def validate(graph: Graph) -> ValidationReport:
    """Validate ``graph``; warnings (sh:Warning) are reported but do not fail it."""
    results = []
    for check in compiled():
        for hit in select(graph, check.query):
            value = hit[1]
            results.append({
                "severity": check.severity,
                "focus": short_name(hit[0]),
                "path": check.path,
                "value": "" if value is None else short_name(value)
                if not isinstance(value, Literal) else str(value),
                "message": check.message,
            })
    results.sort(key=lambda row: (row["severity"] != "Violation", row["focus"], row["path"],
                                  row["message"], row["value"]))
    checked = sum(int(next(iter(select(
        graph, f"SELECT (COUNT(DISTINCT ?n) AS ?c) WHERE {{ ?n a {term(cls)} }}")))[0])
        for cls in TARGETS)
    conforms = not any(row["severity"] == "Violation" for row in results)
    return ValidationReport(conforms, tuple(results), checked)


def validation_text(check: ValidationReport) -> str:
    """The validation report as a planner reads it."""
    head = ("conforms: every plan, theme, task, measure and unit is well formed"
            if check.conforms else f"does not conform: {check.violations} violation(s)")
    text = f"{head} ({check.checked} nodes checked)\n"
    if check.results:
        text += "\n" + to_table(list(check.results), RESULT_COLUMNS, max_width=60)
    return text
