"""Checking a plan graph against the SHACL shapes in ``ontology/ip_plan_shapes.ttl``."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

from pyshacl import validate as shacl_validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from .vocab import ID, IPP

RESULT_COLUMNS = ("severity", "focus", "path", "value", "message")


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


def shapes_graph() -> Graph:
    """The packaged SHACL shapes."""
    text = resources.files("ipplan.ontology").joinpath("ip_plan_shapes.ttl").read_text("utf-8")
    return Graph().parse(data=text, format="turtle")


def _short(node: object) -> str:
    if isinstance(node, URIRef):
        text = str(node)
        for namespace, prefix in ((str(ID), ""), (str(IPP), "ipp:")):
            if text.startswith(namespace):
                return prefix + text[len(namespace):]
        return text
    return "" if node is None else str(node)


def validate(graph: Graph) -> ValidationReport:
    """Validate ``graph``; warnings (sh:Warning) are reported but do not fail it."""
    conforms, report, _text = shacl_validate(
        graph, shacl_graph=shapes_graph(), allow_warnings=True, advanced=True)
    results = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        severity = report.value(result, SH.resultSeverity)
        messages = sorted(report.objects(result, SH.resultMessage),
                          key=lambda m: (getattr(m, "language", None) != "en", str(m)))
        value = report.value(result, SH.value)
        results.append({
            "severity": _short(severity).rsplit("#", 1)[-1],
            "focus": _short(report.value(result, SH.focusNode)),
            "path": _short(report.value(result, SH.resultPath)),
            "value": _short(value) if not isinstance(value, Literal) else str(value),
            "message": str(messages[0]) if messages else "",
        })
    results.sort(key=lambda row: (row["severity"] != "Violation", row["focus"], row["path"],
                                  row["message"]))
    checked = sum(1 for cls in (IPP.Plan, IPP.Theme, IPP.Task, IPP.Measure, IPP.Assignment,
                                IPP.Unit, IPP.Jurisdiction)
                  for _ in graph.subjects(RDF.type, cls))
    return ValidationReport(bool(conforms), tuple(results), checked)
