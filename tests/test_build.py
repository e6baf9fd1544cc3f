"""The RDF build: stable IRIs, scoping of units, provenance, determinism."""

from __future__ import annotations

import os
import subprocess
import sys

from rdflib import BNode, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, SKOS, XSD

from conftest import ROOT, SEED, measure_row, table_text
from ipplan.graph.build import build_graph
from ipplan.graph.io import read_graph, serialize, write_graph
from ipplan.graph.reports import unit_rows
from ipplan.graph.validate import validate
from ipplan.graph.vocab import IPP, measure_iri, unit_iri
from ipplan.loaders import load_document


def test_seed_graph_shape(seed_graph):
    def count(cls):
        return len(set(seed_graph.subjects(RDF.type, cls)))

    assert (count(IPP.Plan), count(IPP.Theme), count(IPP.Task), count(IPP.Measure),
            count(IPP.Unit), count(IPP.Jurisdiction)) == (1, 7, 22, 60, 37, 1)
    assert count(IPP.Assignment) == 294
    assert not any(isinstance(n, BNode) for t in seed_graph for n in t)


def test_measure_facts_and_provenance(seed_graph):
    m = measure_iri("fuzhou-ip-plan", "4.2")
    assert str(m) == "https://w3id.org/ipplan/id/plan/fuzhou-ip-plan/measure/4.2"
    value = seed_graph.value
    assert value(m, IPP.deadline) == Literal("2025-06", datatype=XSD.gYearMonth)
    assert value(m, IPP.sourceFile) == Literal("fuzhou-ip-plan.txt")
    assert value(m, IPP.sourceLine) == Literal(86)  # as the hand-built table says
    assert value(value(m, IPP.task), IPP.number) == Literal(4)
    lead = set(seed_graph.objects(m, IPP.leadUnit))
    assert lead == {unit_iri("福州市", "市市场监督管理局（知识产权局）")}
    support = {str(label) for u in seed_graph.objects(m, IPP.supportingUnit)
               for label in seed_graph.objects(u, SKOS.prefLabel) if label.language == "zh"}
    # 各县（市）区人民政府 in the document is the registry's 各县（市）区政府
    assert "各县（市）区政府" in support and "各县（市）区人民政府" not in support


def test_alias_spelling_is_kept_on_the_assignment(seed_graph):
    written = {str(o) for o in seed_graph.objects(None, IPP.nameAsWritten)}
    assert "各县（市）区人民政府" in written
    unit = unit_iri("福州市", "各县（市）区政府")
    assert Literal("各县（市）区人民政府", lang="zh") in set(seed_graph.objects(unit, SKOS.altLabel))


def test_units_are_scoped_to_the_plans_jurisdiction(tmp_path):
    body = "\t一、主题\n\n" + measure_row("措施", "市科技局", "市财政局", "2023年6月", task="1.任务。")
    xiamen = tmp_path / "xiamen.txt"
    xiamen.write_text(table_text(body), "utf-8")
    fuzhou = tmp_path / "fuzhou.txt"
    fuzhou.write_text(table_text(body, title="\t福州市某工作方案\n\n"), "utf-8")
    graph = build_graph([load_document(xiamen), load_document(fuzhou)])
    science = {u for u in graph.subjects(RDF.type, IPP.Unit)
               if Literal("市科技局", lang="zh") in set(graph.objects(u, SKOS.prefLabel))}
    assert science == {unit_iri("厦门市", "市科技局"), unit_iri("福州市", "市科技局")}
    english = {str(o) for u in science for o in graph.objects(u, SKOS.prefLabel) if o.language == "en"}
    assert english == {"Xiamen Municipal Bureau of Science and Technology",
                       "Fuzhou Municipal Bureau of Science and Technology"}


def test_a_provinces_plans_share_its_provincial_units(tmp_path):
    """省市场监管局 in Fuzhou's and Xiamen's plans is Fujian's one bureau; Hangzhou's plan names
    Zhejiang's, and 市科技局 stays each city's own."""
    paths = []
    for city in ("福州市", "厦门市", "杭州市"):
        body = "\t一、主题\n\n" + measure_row("措施", "市科技局", "省市场监管局、省直有关单位",
                                                "2023年6月", task="1.任务。")
        path = tmp_path / f"{city}.txt"
        path.write_text(table_text(body, title=f"\t{city}某工作方案\n\n"), "utf-8")
        paths.append(path)
    graph = build_graph([load_document(p) for p in paths])
    bureau = {u for u in graph.subjects(RDF.type, IPP.Unit)
              if Literal("省市场监督管理局", lang="zh") in set(graph.objects(u, SKOS.prefLabel))}
    assert bureau == {unit_iri("福建省", "省市场监督管理局"), unit_iri("浙江省", "省市场监督管理局")}
    fujian = unit_iri("福建省", "省市场监督管理局")
    assert len(set(graph.subjects(IPP.supportingUnit, fujian))) == 2
    place = graph.value(fujian, IPP.jurisdiction)
    assert place == URIRef("https://w3id.org/ipplan/id/jurisdiction/福建省")
    assert (place, RDF.type, IPP.Jurisdiction) in graph
    assert {str(o) for o in graph.objects(place, SKOS.prefLabel)} == {"福建省", "Fujian"}
    assert graph.value(fujian, IPP.unitKind) == IPP.ProvincialDepartment
    assert Literal("Zhejiang Provincial Administration for Market Regulation", lang="en") in set(
        graph.objects(unit_iri("浙江省", "省市场监督管理局"), SKOS.prefLabel))
    assert graph.value(unit_iri("福建省", "省直有关部门"), IPP.collective).toPython() is True
    assert len({u for u in graph.subjects(RDF.type, IPP.Unit)
                if Literal("市科技局", lang="zh") in set(graph.objects(u, SKOS.prefLabel))}) == 3
    assert validate(graph).conforms
    rows = [(r["unit"], r["jurisdiction"], r["support"]) for r in unit_rows(graph)]
    assert ("省市场监督管理局", "福建省", 2) in rows and ("省市场监督管理局", "浙江省", 1) in rows
    assert ("市科技局", "厦门市", 0) in rows


def test_a_provincial_unit_of_a_place_without_known_province_is_kept_and_reported(tmp_path):
    """A county's plan can't say which province its 省 units belong to: they stay the county's
    own, and the user is told once per unit, at the first measure that names it."""
    body = "\t一、主题\n\n" + measure_row("措施一", "县科技局", "省市场监管局", "2023年6月",
                                          task="1.任务。")
    body += measure_row("措施二", "省市场监督管理局", "县财政局", "2023年6月")
    county = tmp_path / "minhou.txt"
    county.write_text(table_text(body, title="\t闽侯县某工作方案\n\n"), "utf-8")
    city = tmp_path / "fuzhou.txt"
    city.write_text(table_text(body, title="\t福州市某工作方案\n\n"), "utf-8")
    out = tmp_path / "out.ttl"
    done = subprocess.run([sys.executable, "-m", "ipplan", "load", str(county), str(city),
                           "-o", str(out)], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    warnings = [line for line in done.stderr.splitlines() if "省市场监督管理局" in line]
    line = table_text(body, title="\t闽侯县某工作方案\n\n").splitlines().index("\t措施一") + 1
    assert warnings == [
        f"ipplan: warning: minhou.txt:{line}: 省市场监督管理局 is kept as 闽侯县's own unit, not "
        "shared with the other plans of its province: the province of 闽侯县 is not known "
        "(jurisdictions.csv lists provinces and prefecture-level cities)"]
    graph = read_graph(out)
    for home in ("闽侯县", "福建省"):  # the county's own bureau, and Fujian's for Fuzhou's plan
        bureau = unit_iri(home, "省市场监督管理局")
        assert [len(set(graph.subjects(role, bureau)))
                for role in (IPP.leadUnit, IPP.supportingUnit)] == [1, 1]


def test_same_document_same_bytes_across_processes(tmp_path):
    """Serialised output does not depend on hash seeds, the working folder or the run."""
    outputs = []
    for seed, cwd in (("1", ROOT), ("2", tmp_path)):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = tmp_path / f"out{seed}.ttl"
        subprocess.run([sys.executable, "-m", "ipplan", "load", str(SEED), "-o", str(out)],
                       check=True, env=env, cwd=cwd, capture_output=True)
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]


def test_every_format_round_trips(tmp_path, seed_graph):
    for suffix in (".ttl", ".nt", ".jsonld"):
        path = tmp_path / f"fuzhou{suffix}"
        write_graph(seed_graph, path)
        assert isomorphic(read_graph(path), seed_graph), suffix
    assert serialize(seed_graph, "nt") == serialize(read_graph(tmp_path / "fuzhou.nt"), "nt")


def test_graph_has_prefixes_bound(seed_graph):
    text = serialize(seed_graph).decode()
    assert "@prefix ipp: <https://w3id.org/ipplan/ontology#> ." in text
    assert URIRef("https://w3id.org/ipplan/id/jurisdiction/福州市") in set(
        seed_graph.subjects(RDF.type, IPP.Jurisdiction))
