"""Saved queries: complete headers, SPARQL and Cypher answering alike on the real embedded
Bolt server, parameters that reach the engines as values only, and the query commands."""

from __future__ import annotations

import json

import pytest

from conftest import SEED, run_ipplan
from ipplan.cypher import push_graph
from ipplan.errors import IpplanError
from ipplan.queries import get_query, load_queries, run_cypher, run_sparql

REQUIRED = {
    "unit-workload": "unit, unit_en, kind, lead, support, total, themes",
    "overloaded-units": ("unit, unit_en, jurisdiction, status, lead, support, load, "
                         "same_month_share, reason"),
    "collaboration-pairs": "unit_a, unit_b, shared_measures, shared_tasks, themes",
    "collaboration-clusters": "cluster, size, members, top_theme, shared_measures",
    "cross-theme-units": "unit, unit_en, themes_count, themes",
    "unit-profile": "measure_id, measure, role, task, theme, deadline",
    "deadline-load": "deadline, unit, measures",
    "task-coordination": "task_no, task, units, lead_units, measures",
    "overdue-measures": "unit, role, measure_id, measure, deadline, status, plan",
}
QUERIES = load_queries()


def test_required_queries_with_their_columns():
    for name, columns in REQUIRED.items():
        assert ", ".join(QUERIES[name].columns) == columns, name
    assert QUERIES["collaboration-pairs"].parameters["min_shared"].default == 1
    assert QUERIES["cross-theme-units"].parameters["min_themes"].default == 2
    assert QUERIES["unit-profile"].parameters["unit"].required
    assert len(QUERIES) > len(REQUIRED)  # and the ones an analyst asks next


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_each_query_is_a_documented_pair(name):
    query = QUERIES[name]
    assert set(query.texts) == {"sparql", "cypher"}
    assert query.title_zh and query.title_en and query.description
    # Both files carry the same header: read each alone and compare.
    headers = []
    for engine, path in query.paths.items():
        lines = [line[2:].strip() if line.startswith("//") else line[1:].strip()
                 for line in path.read_text("utf-8").splitlines()
                 if line.startswith(("# ", "// "))]
        headers.append([line for line in lines if line.split(":")[0] in (
            "title", "description", "param", "columns", "list-columns")])
    assert headers[0] == headers[1]


def _values(query):
    # a fixed as-of day: the seed's measures fall due from 2022-12 to 2025-06
    return query.bind({"unit": "市法院"} if "unit" in query.parameters else {},
                      today="2024-01-01")


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_sparql_and_cypher_give_the_same_rows_on_the_seed(seed_analysed, empty_bolt, name):
    graph = seed_analysed
    push_graph(empty_bolt, graph)
    query = QUERIES[name]
    values = _values(query)
    sparql = run_sparql(graph, query, values)
    assert sparql, f"{name} gave no rows on the seed"
    assert run_cypher(empty_bolt, query, values) == sparql


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_sparql_and_cypher_give_the_same_rows_on_two_plans(corpus_graph, empty_bolt, name):
    push_graph(empty_bolt, corpus_graph)
    query = QUERIES[name]
    values = _values(query)
    assert run_cypher(empty_bolt, query, values) == run_sparql(corpus_graph, query, values)


@pytest.fixture(scope="module")
def many_plans(tmp_path_factory):
    """Eight cities' plans from the benchmark's generator, analysed: units that share a name
    across cities (the provincial ones), many pairs and clusters."""
    import sys
    from pathlib import Path

    from conftest import analysed_graph
    from ipplan.usecases import open_sources

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    from generate import generate

    folder = tmp_path_factory.mktemp("many")
    plans = open_sources(generate(folder / "docs", 480, seed=5)).plans
    return analysed_graph(plans, "oxigraph", folder)


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_no_cypher_query_walks_far_more_rows_than_the_graph_has(many_plans, empty_bolt, name,
                                                               request):
    """A query that is quadratic on ArcadeDB shows in its profile: unit-workload once matched
    every theme for every (unit, measure) row, 12.6 million rows at 5,000 measures and over
    25 minutes at 20,000. No step may handle more rows than four times the graph's nodes and
    relationships."""
    import re

    if request.node.callspec.params["bolt"] != "arcadedb":
        pytest.skip("the profile read here is ArcadeDB's; Neo4j plans these queries itself")
    push_graph(empty_bolt, many_plans)
    size = empty_bolt.run("MATCH (n) RETURN count(n) AS n").single()["n"] + \
        empty_bolt.run("MATCH ()-[r]->() RETURN count(r) AS n").single()["n"]
    query = QUERIES[name]
    values = query.bind({"unit": "省高级人民法院"} if "unit" in query.parameters else {})
    profile = empty_bolt.run("PROFILE " + query.texts["cypher"], values).consume().profile
    text = str((profile or {}).get("args", {}).get("string-representation", ""))
    if "Profile" not in text:
        pytest.skip("this server's profile is not ArcadeDB's")
    steps = [int(rows.replace(",", "")) for rows in re.findall(r"μs, ([\d,]+) rows", text)]
    assert max(steps, default=0) <= 4 * size, text


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_sparql_and_cypher_give_the_same_rows_on_eight_cities(many_plans, empty_bolt, name):
    """In the same order too: units of the same name in several cities (the provincial
    ones) are ordered by their IRI, the Cypher id, after the columns the query sorts by."""
    push_graph(empty_bolt, many_plans)
    query = QUERIES[name]
    values = query.bind({"unit": "省高级人民法院"} if "unit" in query.parameters else {})
    sparql = run_sparql(many_plans, query, values)
    assert sparql or name == "overloaded-units", f"{name} gave no rows"
    assert run_cypher(empty_bolt, query, values) == sparql


def test_two_cities_units_stay_apart(corpus_graph):
    rows = run_sparql(corpus_graph, QUERIES["unit-workload"], {})
    science = sorted(r["unit_en"] for r in rows if r["unit"] == "市科技局")
    assert science == ["Fuzhou Municipal Bureau of Science and Technology",
                       "Xiamen Municipal Bureau of Science and Technology"]


def test_query_answers_on_the_seed(seed_analysed):
    seed_graph = seed_analysed
    overloaded = run_sparql(seed_graph, QUERIES["overloaded-units"],
                            QUERIES["overloaded-units"].bind({}))
    assert [(r["unit"], r["jurisdiction"], r["status"]) for r in overloaded] == [
        ("市市场监督管理局（知识产权局）", "福州市", "overloaded"),
        ("高新区管委会", "福州市", "ubiquitous")]
    assert overloaded[0]["lead"] == 48 and overloaded[0]["load"] == 102.0
    assert "牵头60项措施中的48项" in overloaded[0]["reason"]
    assert overloaded[1]["reason"].startswith("高新区管委会配合60项措施中的60项")
    pairs = run_sparql(seed_graph, QUERIES["collaboration-pairs"], {"min_shared": 5})
    assert all(r["shared_measures"] >= 5 for r in pairs)
    court = next(r for r in pairs if {r["unit_a"], r["unit_b"]} == {"市法院", "市检察院"})
    assert (court["shared_measures"], court["shared_tasks"], court["themes"]) == (5, 2, ["3"])
    profile = run_sparql(seed_graph, QUERIES["unit-profile"], {"unit": "市法院"})
    assert [(r["measure_id"], r["role"]) for r in profile][:5] == [
        ("9.1", "lead"), ("9.2", "lead"), ("9.3", "lead"), ("9.4", "lead"), ("10.1", "support")]


HOSTILE = [
    '市法院" } UNION { ?s ?p ?o } #',
    "市法院' OR 1=1 //",
    "市法院\"}) MATCH (n) DETACH DELETE n //",
    "市法院\\",
    "市法院\n}",
    "{{unit}}",
    "$unit",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_parameters_reach_the_engines_as_values_only(seed_analysed, empty_bolt, value):
    seed_graph = seed_analysed
    push_graph(empty_bolt, seed_graph)
    query = QUERIES["unit-profile"]
    values = query.bind({"unit": value})
    assert run_sparql(seed_graph, query, values) == []
    assert run_cypher(empty_bolt, query, values) == []
    # Nothing was deleted either.
    assert empty_bolt.run("MATCH (n:Measure) RETURN count(n) AS n").single()["n"] == 60


def test_bind_refuses_unknown_missing_and_mistyped():
    with pytest.raises(IpplanError, match="has no parameter 'nope'"):
        QUERIES["unit-workload"].bind({"nope": "1"})
    with pytest.raises(IpplanError, match="needs -p unit="):
        QUERIES["unit-profile"].bind({})
    with pytest.raises(IpplanError, match="-p min_shared='many' is refused: min_shared takes "
                                          "an integer >= 1"):
        QUERIES["collaboration-pairs"].bind({"min_shared": "many"})


def test_cli_list_show_run():
    listed = json.loads(run_ipplan("query", "list", "--json").out)
    assert {q["name"] for q in listed} >= set(REQUIRED)
    shown = run_ipplan("query", "show", "collaboration-pairs")
    assert "协作单位对 | Collaboration pairs" in shown.out and "-p min_shared" in shown.out
    assert "GROUP BY" in shown.out and "MATCH (u:Unit)-[:LEADS|SUPPORTS]->" in shown.out
    run = run_ipplan("query", "run", "cross-theme-units", SEED, "-p", "min_themes=7", "--json")
    assert run.code == 0, run.err
    rows = json.loads(run.out)
    assert list(rows[0]) == ["unit", "unit_en", "themes_count", "themes"]
    assert {r["unit"] for r in rows} == {"各县（市）区政府", "高新区管委会", "市市场监督管理局（知识产权局）"}


def test_cli_cypher_engine_matches_sparql():
    args = ("query", "run", "collaboration-clusters", SEED, "--format", "csv")
    sparql = run_ipplan(*args)
    cypher = run_ipplan(*args, "--engine", "cypher")
    assert cypher.code == 0, cypher.err
    assert cypher.out == sparql.out and cypher.err == ""


def test_cli_errors_are_one_line():
    for args, message in (
        (("query", "run", "nope", SEED), "no saved query 'nope'"),
        (("query", "run", "unit-profile", SEED), "needs -p unit="),
        (("query", "run", "unit-workload"), "name the documents or graph files"),
        (("query", "run", "unit-workload", SEED, "-p", "x"), "-p takes KEY=VALUE"),
    ):
        result = run_ipplan(*args)
        assert result.code == 2 and message in result.err, (args, result.err)
        assert "Traceback" not in result.err


def _users_query(tmp_path, name: str, header: str, query: str):
    """A folder of the user's own queries, holding ``name``.rq."""
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / f"{name}.rq").write_text(
        f"{header}PREFIX ipp: <https://w3id.org/ipplan/ontology#>\n{query}\n", "utf-8")
    return folder


def test_users_add_their_own_queries(tmp_path):
    folder = _users_query(
        tmp_path, "lead-count",
        "# title: 牵头数 | Lead count\n# description: Measures with a lead unit.\n# columns: n\n",
        "SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m ipp:leadUnit ?u }")
    result = run_ipplan("query", "run", "lead-count", SEED, "--queries", folder, "--json")
    assert json.loads(result.out) == [{"n": 60}]
    import os
    env = {**os.environ, "IPPLAN_QUERIES": str(folder)}
    listed = run_ipplan("query", "list", env=env)
    assert "lead-count" in listed.out and "牵头数" in listed.out
    assert get_query("lead-count", [folder]).texts.keys() == {"sparql"}


def test_sparql_pauses_the_collector_and_puts_it_back(seed_analysed, monkeypatch):
    import gc
    from dataclasses import replace

    import ipplan.queries as runner

    real, during = runner.select_values, []

    def watched(*args, **kwargs):
        during.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(runner, "select_values", watched)  # as the runner calls it
    query = QUERIES["collaboration-pairs"]
    assert run_sparql(seed_analysed, query, query.bind({}))
    assert during == [False] and gc.isenabled()
    broken = replace(query, texts={"sparql": "SELECT ?x WHERE { ?x"})
    with pytest.raises(Exception):
        run_sparql(seed_analysed, broken, {})
    assert during == [False, False] and gc.isenabled()  # a failed query leaves it on too


SPLIT = sorted(name for name, query in QUERIES.items() if query.split_by)


def test_the_widest_queries_are_answered_in_parts():
    assert {"collaboration-pairs", "cross-theme-units"} <= set(SPLIT)


@pytest.mark.parametrize("parts", [2, 3, 16])
@pytest.mark.parametrize("name", SPLIT)
def test_a_query_in_parts_answers_as_the_whole_query(many_plans, monkeypatch, name, parts):
    """Cut by a hash of a grouping unit, answered on several threads and put back in the
    query's order: the same rows in the same order as the whole query answered by Oxigraph,
    ties in the first sort key and units of one name in several cities included."""
    from ipplan.graph import sparql

    query = QUERIES[name]
    text = query.texts["sparql"]
    values = query.bind({"min_themes": "1"} if "min_themes" in query.parameters else {})
    whole = sparql.select_values(many_plans, text, values)
    real, asked = sparql.oxigraph_rows, []

    def watched(graph, part, prefixes):
        asked.append(part)
        return real(graph, part, prefixes)

    monkeypatch.setattr(sparql, "oxigraph_rows", watched)
    in_parts = sparql.select_values(many_plans, text, values, split_by=query.split_by,
                                    parts=parts)
    assert len(asked) == parts and all("MD5(STR(?" in part for part in asked)
    assert "ORDER BY" not in asked[0]
    assert in_parts == whole
    names, rows = whole
    first = names.index(sparql.split(text, query.split_by, 2).order[0][0])
    assert len(rows) > 100 and len({row[first] for row in rows}) < len(rows) / 10


@pytest.mark.parametrize("name", SPLIT)
def test_a_query_in_parts_on_every_store(seed_analysed, name):
    query = QUERIES[name]
    values = query.bind({})
    from ipplan.graph.sparql import select_values

    assert select_values(seed_analysed, query.texts["sparql"], values, split_by=query.split_by,
                         parts=2) == select_values(seed_analysed, query.texts["sparql"], values)


def test_values_python_cannot_order_send_the_query_back_whole():
    """A sort key holding numbers and strings (SPARQL orders them its own way), or unbound
    values (first, or last when descending): the rows are still the whole query's."""
    from rdflib import Literal, URIRef

    from ipplan.graph import engine
    from ipplan.graph.sparql import select_values

    graph = engine.new_graph()
    p, q = URIRef("urn:p"), URIRef("urn:q")
    engine.add_triples(graph, [(URIRef(f"urn:u{i}"), p, Literal(i % 3 if i % 2 else f"t{i % 4}"))
                              for i in range(40)]
                      + [(URIRef(f"urn:u{i}"), q, Literal(i % 5)) for i in range(0, 40, 3)])
    for order in ("?v ?u", "DESC(?w) ?u", "?w DESC(?u)"):
        text = ("SELECT ?u (SAMPLE(?x) AS ?v) (SAMPLE(?y) AS ?w) WHERE { ?u <urn:p> ?x "
                f"OPTIONAL {{ ?u <urn:q> ?y }} }} GROUP BY ?u ORDER BY {order}")
        whole = select_values(graph, text)
        assert select_values(graph, text, split_by="u", parts=3) == whole, order
        assert len(whole[1]) == 40


@pytest.mark.parametrize("text, message", [
    ("SELECT ?u WHERE { ?u ?p ?o } ORDER BY ?u", "not one of the query's GROUP BY keys"),
    ("SELECT ?u (COUNT(*) AS ?n) WHERE { ?u ?p ?o } GROUP BY ?u ORDER BY ?u LIMIT 5",
     "with LIMIT cannot be split"),
    ("SELECT ?u (COUNT(*) AS ?n) WHERE { ?u ?p ?o } GROUP BY ?u ORDER BY STR(?u)",
     "cannot read 'STR(?u)' in ORDER BY"),
    ("SELECT ?u (COUNT(*) AS ?n) WHERE { ?u ?p ?o } GROUP BY ?u ORDER BY DESC(?n + 1) ?u",
     "cannot read"),
    ("SELECT ?u ?p (COUNT(*) AS ?n) WHERE { ?u ?p ?o } GROUP BY ?u ?p ORDER BY ?n ?u",
     "leaves out the grouping key ?p"),
    ("SELECT (COUNT(*) AS ?n) WHERE { ?u ?p ?o } GROUP BY ?u ORDER BY ?u",
     "?u is not a column"),
    ("SELECT ?u WHERE { ?u ?p ?o ", "not closed"),
    ("SELECT ?k (COUNT(*) AS ?n) WHERE { ?u ?p ?o } GROUP BY (STR(?u) AS ?k) ORDER BY ?k",
     "cannot read '(STR(?u) AS ?k)' in GROUP BY"),
    ("SELECT ?u (COUNT(*) AS ?n) WHERE { ?u ?p ?o } LIMIT 3", "with LIMIT"),
    ("SELECT ?u (COUNT(*) AS ?n) WHERE { ?u ?p ?o } } GROUP BY ?u ORDER BY ?u",
     "cannot read '} GROUP BY ?u ORDER BY ?u' after the query's WHERE group"),
])
def test_queries_that_cannot_be_split_say_why(text, message):
    from ipplan.graph.sparql import split

    import re

    with pytest.raises(ValueError, match=re.escape(message)):
        split(text, "u", 2)


def test_a_query_split_in_parts_keeps_having_and_comments():
    from ipplan.graph.sparql import split

    cut = split("SELECT ?u (COUNT(*) AS ?n) WHERE { ?u ?p ?o } # units\nGROUP BY ?u "
                "HAVING (COUNT(*) >= 2) # at least two\nORDER BY DESC(?n) ?u", "u", 4)
    assert cut.order == (("n", True), ("u", False))
    assert all("HAVING (COUNT(*) >= 2)" in text and "ORDER" not in text for text in cut.texts)
    assert [text.count("MD5") for text in cut.texts] == [1, 2, 2, 1]


def test_a_users_query_that_cannot_be_split_is_one_line(tmp_path):
    folder = _users_query(
        tmp_path, "lead-units",
        "# title: 牵头单位 | Lead units\n# description: Units that lead.\n# columns: u\n"
        "# split-by: u\n", "SELECT DISTINCT ?u WHERE { ?m ipp:leadUnit ?u } ORDER BY ?u")
    result = run_ipplan("query", "run", "lead-units", SEED, "--queries", folder)
    assert result.code == 2 and "Traceback" not in result.err
    assert result.err.count("\n") == 1 and "lead-units.rq" in result.err
    assert "'# split-by: u' cannot be used: ?u is not one of the query's GROUP BY keys" \
        in result.err
