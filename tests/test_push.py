"""The push of the RDF graph as a property graph, on both real Bolt servers (the embedded
ArcadeDB and Neo4j 5): idempotent, repairing what changed, counts equal to the RDF facts,
unique ids, and wiping one plan only."""

from __future__ import annotations

import gc
import os

import pytest
from neo4j.exceptions import ConstraintError
from rdflib.namespace import RDF

from conftest import SEED, run_ipplan
from ipplan.cypher import (LABELS, database_counts, ensure_constraints, expected_counts,
                           push_graph, wipe_plan)
from ipplan.cypher.push import create_relationships
from ipplan.graph.vocab import IPP


def test_push_twice_gives_the_rdf_graphs_counts(corpus_graph, empty_bolt):
    push_graph(empty_bolt, corpus_graph)
    first = database_counts(empty_bolt)
    push_graph(empty_bolt, corpus_graph)
    assert database_counts(empty_bolt) == first == expected_counts(corpus_graph)
    assert first["Plan"] == 2 and first["Measure"] == 64 and first["LEADS"] == 65 + 4


def _snapshot(session) -> tuple[list, list]:
    """Every node (labels, properties) and relationship (ends' ids, type, properties)."""
    nodes = sorted(repr((sorted(r["labels"]), sorted(r["properties"].items())))
                   for r in session.run("MATCH (n) RETURN labels(n) AS labels, "
                                        "properties(n) AS properties"))
    relationships = sorted(repr((r["a"], r["type"], r["b"], sorted(r["properties"].items())))
                           for r in session.run("MATCH (a)-[r]->(b) RETURN a.id AS a, "
                                                "type(r) AS type, b.id AS b, "
                                                "properties(r) AS properties"))
    return nodes, relationships


def test_a_second_push_repairs_what_changed_since(corpus_graph, empty_bolt):
    """The second push finds nodes there already: it sets their properties back (a property
    the graph does not have is removed), recreates the deleted measures with their task's
    relationship, and recreates or corrects the relationships between nodes that stayed."""
    push_graph(empty_bolt, corpus_graph)
    first = _snapshot(empty_bolt)
    empty_bolt.run("MATCH (u:Unit) WITH u ORDER BY u.id LIMIT 3 "
                   "SET u.name = 'changed', u.load = -1.0, u.extra = 1").consume()
    empty_bolt.run("MATCH ()-[r:LEADS]->(m) WITH r, m ORDER BY m.id LIMIT 5 "
                   "SET r.position = 99").consume()
    empty_bolt.run("MATCH ()-[r:SUPPORTS]->(m) WITH r, m ORDER BY m.id DESC LIMIT 7 "
                   "DELETE r").consume()
    empty_bolt.run("MATCH (m:Measure) WITH m ORDER BY m.id LIMIT 2 DETACH DELETE m").consume()
    assert _snapshot(empty_bolt) != first
    push_graph(empty_bolt, corpus_graph)
    nodes, relationships = _snapshot(empty_bolt)
    assert relationships == first[1]
    # a property ipplan never writes stays (as MERGE and SET += leave it); all else is back
    assert [n.replace(", ('extra', 1)", "") for n in nodes] == first[0]
    assert database_counts(empty_bolt) == expected_counts(corpus_graph)


def test_push_after_wiping_a_plan_restores_it(corpus_graph, empty_bolt):
    push_graph(empty_bolt, corpus_graph)
    first = _snapshot(empty_bolt)
    wipe_plan(empty_bolt, "xiamen")
    push_graph(empty_bolt, corpus_graph)
    assert _snapshot(empty_bolt) == first


def test_relationships_are_the_same_whether_their_ends_go_joined_or_in_lists(empty_bolt):
    ends = empty_bolt.run("UNWIND range(1, 4) AS i CREATE (n:Unit {id: toString(i)}) "
                          "RETURN collect(elementId(n)) AS e").single()["e"]
    rows = [[ends[0], ends[1], 1], [ends[2], ends[3], None], [ends[0], ends[3], 3]]
    create_relationships(empty_bolt, "LEADS", ["position"], rows)
    create_relationships(empty_bolt, "SUPPORTS", ["position"], rows, joined=False)
    made = {(r["type"], r["a"], r["b"], r["p"]) for r in empty_bolt.run(
        "MATCH (a)-[r]->(b) RETURN type(r) AS type, a.id AS a, b.id AS b, r.position AS p")}
    expected = {("1", "2", 1), ("3", "4", None), ("1", "4", 3)}
    assert made == {("LEADS", *e) for e in expected} | {("SUPPORTS", *e) for e in expected}


def test_every_label_has_a_unique_index_on_id(empty_bolt):
    """MERGE and MATCH by id would scan every node of a label without it. ArcadeDB accepts
    Neo4j's constraint statement and builds the index."""
    assert ensure_constraints(empty_bolt) is True
    constraints = {(tuple(c["labelsOrTypes"]), tuple(c["properties"]), c["type"])
                   for c in empty_bolt.run("SHOW CONSTRAINTS")}
    indexes = {(tuple(i["labelsOrTypes"]), tuple(i["properties"])): i["state"]
               for i in empty_bolt.run("SHOW INDEXES")
               if i["labelsOrTypes"] is not None}  # Neo4j's token lookup indexes have none
    for label in LABELS:
        assert ((label,), ("id",), "UNIQUENESS") in constraints, label
        assert indexes[(label,), ("id",)] == "ONLINE", label
    empty_bolt.run("CREATE (:Unit {id: 'twice'})").consume()
    with pytest.raises(ConstraintError):
        empty_bolt.run("CREATE (:Unit {id: 'twice'})").consume()



def test_the_collector_is_as_it_was_after_a_push(seed_graph, empty_bolt):
    push_graph(empty_bolt, seed_graph)
    assert gc.isenabled()
    gc.disable()
    try:
        push_graph(empty_bolt, seed_graph)
        assert not gc.isenabled()
    finally:
        gc.enable()
    with pytest.raises(ValueError):  # a push that fails half-way leaves it on too
        push_graph(empty_bolt, seed_graph, batch=0)
    assert gc.isenabled()


def test_counts_match_rdf_facts(seed_graph, empty_bolt):
    push_graph(empty_bolt, seed_graph)
    held = database_counts(empty_bolt)
    for label in ("Plan", "Theme", "Task", "Measure", "Unit"):
        assert held[label] == len(set(seed_graph.subjects(RDF.type, IPP[label]))), label
    assert held["LEADS"] == len(list(seed_graph.triples((None, IPP.leadUnit, None))))
    assert held["SUPPORTS"] == len(list(seed_graph.triples((None, IPP.supportingUnit, None))))


def test_wipe_removes_one_plan_only(corpus_graph, empty_bolt):
    push_graph(empty_bolt, corpus_graph)
    wipe_plan(empty_bolt, "xiamen")
    held = database_counts(empty_bolt)
    assert held["Plan"] == 1 and held["Measure"] == 60 and held["LEADS"] == 65
    units = empty_bolt.run("MATCH (u:Unit) RETURN collect(DISTINCT u.jurisdiction) AS j").single()
    assert units["j"] == ["福州市"]


def test_cli_push_and_down_server():
    pushed = run_ipplan("neo4j", "push", SEED)
    assert pushed.code == 0, pushed.err
    assert "Measure      60      60" in pushed.out and "embedded" in pushed.out
    env = {**os.environ, "NEO4J_URI": "bolt://127.0.0.1:9"}
    down = run_ipplan("neo4j", "push", SEED, env=env)
    assert down.code == 2 and "Traceback" not in down.err
    assert down.err.startswith("ipplan: error: bolt://127.0.0.1:9: cannot reach the Bolt server")
    assert len(down.err.strip().splitlines()) == 1
    status = run_ipplan("neo4j", "status", env=env)
    assert status.code == 2 and "bolt://127.0.0.1:9" in status.err

