"""Analytics on the seed, held to what reading the document says
(tests/fixtures/fuzhou_expected_clusters.md was written before any clustering ran)."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import RDF

from ipplan.graph.analytics import (
    Parameters,
    analyse,
    assignments,
    co_assignment_graph,
    write_analysis,
)
from ipplan.graph.vocab import IPP, unit_iri

SAME_CLUSTER = [
    ("榕城海关", "马尾海关", "福州长乐机场海关"),
    ("市法院", "市检察院", "市公安局"),
    ("市地方金融监督管理局", "人行福州中心支行"),
    ("市委组织部", "闽江学院"),
    ("市文旅局", "市体育局"),
    ("市教育局", "福州软件园管委会"),
]
APART = [("榕城海关", "市法院"), ("榕城海关", "市地方金融监督管理局"), ("榕城海关", "市委组织部"),
         ("市法院", "市地方金融监督管理局"), ("市法院", "市委组织部"),
         ("市地方金融监督管理局", "市委组织部"), ("市科技局", "市法院")]


def _cluster_of(result):
    return {result.units[u].name: c.number for c in result.clusters for u in c.members}


@pytest.mark.parametrize("seed", [0, 1, 7, 42, 2024])
def test_clusters_match_the_groups_read_from_the_document(seed_graph, seed):
    where = _cluster_of(analyse(seed_graph, Parameters(seed=seed)))
    for group in SAME_CLUSTER:
        assert len({where.get(name) for name in group}) == 1 and where.get(group[0]), group
    for first, second in APART:
        assert where[first] != where[second], (first, second)


def test_same_seed_same_clusters(seed_graph):
    first = analyse(seed_graph, Parameters(seed=3))
    again = analyse(seed_graph, Parameters(seed=3))
    assert [c.members for c in first.clusters] == [c.members for c in again.clusters]


def test_clusters_are_described(seed_graph):
    result = analyse(seed_graph)
    customs = next(c for c in result.clusters if str(unit_iri("福州市", "榕城海关")) in c.members)
    shared = {m.rsplit("/", 1)[-1] for m in customs.shared_measures}
    assert {"8.2", "10.1", "10.2", "20.2", "20.3"} <= shared
    assert customs.top_theme.endswith("/theme/3")  # protection: 8.2, 10.1, 10.2 of 5
    assert 0 < customs.density <= 1
    numbers = [c.number for c in result.clusters]
    assert numbers == list(range(1, len(numbers) + 1))
    assert all(len(c.members) > 1 for c in result.clusters)


def test_collectives_are_left_out_unless_asked(seed_graph):
    facts, units = assignments(seed_graph)
    collective = str(unit_iri("福州市", "各县（市）区政府"))
    assert collective not in co_assignment_graph(facts, units)
    network = co_assignment_graph(facts, units, include_collectives=True)
    assert network.degree(collective) == 36
    result = analyse(seed_graph, Parameters(include_collectives=True))
    assert result.loads[collective].support == 58


def test_edges_keep_shared_measures_and_roles(seed_graph):
    facts, units = assignments(seed_graph)
    network = co_assignment_graph(facts, units)
    court, procuratorate = (str(unit_iri("福州市", n)) for n in ("市法院", "市检察院"))
    edge = network[court][procuratorate]
    # 9.1, 9.2, 9.4 (court leads, procuratorate supports), 10.1, 10.2 (both support)
    assert edge["weight"] == 5
    assert edge["roles"] == {"lead-support": 3, "support-support": 2}
    assert 0 < edge["strength"] <= 1


def test_overloaded_unit_is_the_one_that_leads_most_with_a_reason(seed_graph):
    result = analyse(seed_graph)
    office = str(unit_iri("福州市", "市市场监督管理局（知识产权局）"))
    first = result.overloaded[0]
    assert first.unit == office
    assert (first.lead, first.support, first.score) == (48, 6, 102.0)
    assert "leads 48 of 60 measures (80 %) and supports 6" in first.reason
    assert first.reason_zh.startswith("市市场监督管理局（知识产权局）牵头60项措施中的48项（80%）、配合6项")
    # A quiet unit is not flagged.
    assert not result.loads[str(unit_iri("福州市", "市体育局"))].overloaded


def test_overload_rule_is_adjustable(seed_graph):
    top = analyse(seed_graph, Parameters(top=2))
    assert len(top.overloaded) == 2 and "among the 2 largest shares of the plan" in top.overloaded[0].reason
    heavy_support = analyse(seed_graph, Parameters(lead_weight=1, support_weight=1))
    assert heavy_support.loads[str(unit_iri("福州市", "高新区管委会"))].score == 60


def test_load_figures(seed_graph):
    loads = analyse(seed_graph).loads
    science = loads[str(unit_iri("福州市", "市科技局"))]
    assert (science.lead, science.support, science.themes) == (2, 11, 4)
    assert science.same_month_share == pytest.approx(12 / 13, abs=1e-3)


def test_brokers(seed_graph):
    result = analyse(seed_graph)
    names = [result.units[u].name for u, _ in result.brokers]
    assert names[0] in ("高新区管委会", "市市场监督管理局（知识产权局）")
    values = [v for _, v in result.brokers]
    assert values == sorted(values, reverse=True)


def test_written_into_the_graph_and_replaced(seed_graph):
    graph = Graph()
    for triple in seed_graph:
        graph.add(triple)
    first = write_analysis(graph, analyse(graph))
    clusters = set(graph.subjects(RDF.type, IPP.Cluster))
    assert clusters and (first, IPP.resolution, None) in graph
    office = unit_iri("福州市", "市市场监督管理局（知识产权局）")
    assert graph.value(office, IPP.overloaded) == Literal(True)
    assert graph.value(office, IPP.leadCount) == Literal(48)
    second = write_analysis(graph, analyse(graph, Parameters(resolution=1.0)))
    assert second != first
    assert set(graph.subjects(RDF.type, IPP.Analysis)) == {second}
    assert not any((c, None, None) in graph for c in clusters - set(
        graph.subjects(RDF.type, IPP.Cluster)))
    assert len(list(graph.objects(office, IPP.leadCount))) == 1


@pytest.mark.parametrize("name", ["clusters", "overload", "brokers"])
def test_each_algorithm_family_documents_its_functions(name):
    """One module per family, as networkx's: every public function says its parameters,
    what it returns and an example (run by test_doctests), and a random one takes a seed."""
    import importlib
    import inspect

    module = importlib.import_module(f"ipplan.graph.{name}")
    functions = [getattr(module, n) for n in module.__all__
                 if inspect.isfunction(getattr(module, n))]
    assert functions
    for function in functions:
        doc = inspect.getdoc(function) or ""
        for section in ("Parameters\n----------", "Returns\n-------", "Examples\n--------"):
            assert section in doc, f"{function.__name__}: no {section.splitlines()[0]}"
        if "louvain" in inspect.getsource(function):
            assert "seed" in inspect.signature(function).parameters, function.__name__
