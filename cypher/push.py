"""The RDF graph pushed into a Bolt database as a property graph.

:func:`push_graph` mirrors the RDF graph as a property graph (labels Plan, Theme, Task,
Measure, Unit, Cluster; containment, LEADS, SUPPORTS, IN_CLUSTER) keyed by stable ids, in
batched UNWIND statements, one transaction per batch: what is new is created, what is there is
updated, so pushing twice changes nothing. The other functions wipe a plan, make sure of the
unique ids, and count what the database holds and what it should hold.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from operator import itemgetter
from typing import Any

from rdflib import Graph

from ipplan.collector import collector_paused
from ipplan.cypher.schema import LABELS, RELATIONSHIPS, constraint_statements
from ipplan.cypher.server import BoltError
from ipplan.graph.facts import Facts, read_facts
from ipplan.graph.sparql import select_values
from ipplan.graph.vocab import PREFIXES

__all__ = ["BATCH", "create_relationships", "database_counts", "ensure_constraints",
           "expected_counts", "property_graph", "push_graph", "wipe_plan"]

BATCH = 10000

# The plan's nodes and relationships are made from the plan's facts (read once, as the
# analytics and the pages read them); the analysis' figures on units, its clusters and their
# relationships are read with SPARQL: they are the analysis' output written into the graph,
# not the plan's facts, and nothing else reads them back.
_UNIT_FIGURES = """
    SELECT ?id ?lead_count ?support_count ?load ?load_z ?same_month_share ?theme_count
           ?overloaded ?reason_zh ?reason_en ?ubiquitous ?ubiquity_reason_zh ?ubiquity_reason_en
           ?betweenness WHERE {
      ?n a ipp:Unit .
      OPTIONAL { ?n ipp:leadCount ?lead_count ; ipp:supportCount ?support_count ;
                 ipp:loadScore ?load ; ipp:loadZ ?load_z ;
                 ipp:sameMonthShare ?same_month_share ; ipp:themeCount ?theme_count ;
                 ipp:overloaded ?overloaded }
      OPTIONAL { ?n ipp:overloadReason ?reason_zh FILTER (lang(?reason_zh) = "zh") }
      OPTIONAL { ?n ipp:overloadReason ?reason_en FILTER (lang(?reason_en) = "en") }
      OPTIONAL { ?n ipp:ubiquitous ?ubiquitous }
      OPTIONAL { ?n ipp:ubiquityReason ?ubiquity_reason_zh
                 FILTER (lang(?ubiquity_reason_zh) = "zh") }
      OPTIONAL { ?n ipp:ubiquityReason ?ubiquity_reason_en
                 FILTER (lang(?ubiquity_reason_en) = "en") }
      OPTIONAL { ?n ipp:betweenness ?betweenness }
      BIND (STR(?n) AS ?id) }"""
_CLUSTERS = """
    SELECT ?id ?number ?size ?density ?shared_measures ?top_theme WHERE {
      ?n a ipp:Cluster ; ipp:number ?number ; ipp:size ?size ; ipp:density ?density ;
         ipp:sharedMeasureCount ?shared_measures .
      OPTIONAL { ?n ipp:topTheme/skos:prefLabel ?top_theme }
      BIND (STR(?n) AS ?id) }"""

Columns = list[str]
Rows = list[tuple[Any, ...]]


def _plan_ids(facts: Facts) -> dict[str, str]:
    return {str(p["p"]): str(p["id"]) for p in facts.plans}


def _plans(facts: Facts) -> tuple[Columns, Rows]:
    return (["id", "plan_id", "title", "jurisdiction", "source"],
            [(str(p["p"]), str(p["id"]), str(p["title"]), str(p["place"]), str(p["source"]))
             for p in facts.plans])


def _themes(facts: Facts) -> tuple[Columns, Rows]:
    plan_ids = _plan_ids(facts)
    return (["id", "plan", "number", "title", "order"],
            [(iri, plan_ids[str(t["plan"])], t["number"], str(t["title"]), t["order"])
             for iri, t in facts.themes.items()
             if t["order"] is not None and str(t["plan"]) in plan_ids])


def _tasks(facts: Facts) -> tuple[Columns, Rows]:
    plan_ids = _plan_ids(facts)
    return (["id", "plan", "number", "key", "title", "order"],
            [(iri, plan_ids[str(t["plan"])], t["number"], str(t["key"]), str(t["title"]),
              t["order"]) for iri, t in facts.tasks.items()
             if t["number"] is not None and str(t["plan"]) in plan_ids])


_KIND_AFFIXES = re.compile(r"^.*#|Deadline$")


def _deadline_kind(kind: Any) -> str:
    """A deadline kind's name on the node: ipp:FixedDeadline -> "fixed"."""
    return _KIND_AFFIXES.sub("", str(kind)).lower()


def _measures(facts: Facts) -> tuple[Columns, Rows]:
    plan_ids = _plan_ids(facts)
    return (["id", "plan", "measure_id", "number", "text", "order", "deadline",
             "deadline_text", "deadline_kind", "progress", "progress_text"],
            [(iri, plan_ids[str(m["plan"])], str(m["id"]), m["number"], str(m["text"]),
              m["order"], None if m["deadline"] is None else str(m["deadline"]),
              str(m["deadline_text"]), _deadline_kind(m["deadline_kind"]),
              None if m.get("progress") is None else str(m["progress"]),
              None if m.get("progress_text") is None else str(m["progress_text"]))
             for iri, m in facts.measures.items()
             if m["number"] is not None and m["deadline_kind"] is not None
             and str(m["plan"]) in plan_ids])


def _units(graph: Graph, facts: Facts) -> tuple[Columns, Rows]:
    """The units' registry facts and the analysis' figures on them."""
    names, found = select_values(graph, _UNIT_FIGURES, prefixes=PREFIXES)
    figures = {row[0]: row[1:] for row in found}
    unknown = (None,) * (len(names) - 1)
    return (["id", "name", "name_en", "kind", "collective", "registered", "jurisdiction",
             *names[1:]],
            [(iri, str(u["name"]), None if u["name_en"] is None else str(u["name_en"]),
              str(u["kind_notation"]), u["collective"], u["registered"], str(u["place"]),
              *figures.get(iri, unknown))
             for iri, u in facts.units.items()
             if u["kind_notation"] is not None and u["place"] is not None])


def _clusters(graph: Graph) -> tuple[Columns, Rows]:
    return select_values(graph, _CLUSTERS, prefixes=PREFIXES)


# label -> its nodes' columns and rows, from the graph and the plan's facts
_NODES: dict[str, Callable[[Graph, Facts], tuple[Columns, Rows]]] = {
    "Plan": lambda _graph, facts: _plans(facts),
    "Theme": lambda _graph, facts: _themes(facts),
    "Task": lambda _graph, facts: _tasks(facts),
    "Measure": lambda _graph, facts: _measures(facts),
    "Unit": _units,
    "Cluster": lambda graph, _facts: _clusters(graph),
}


def _assigned(role: str) -> Callable[[Facts], tuple[Columns, Rows]]:
    """The (unit, measure, position) rows of one role's assignments."""
    return lambda facts: (["a", "b", "position"],
                          [(unit, measure, position)
                           for measure, unit, each, position in facts.assignments
                           if each == role])


def _pairs(rows_of: Callable[[Facts], Rows]) -> Callable[[Facts], tuple[Columns, Rows]]:
    return lambda facts: (["a", "b"], rows_of(facts))


# (type, from label, to label, the relationship's columns ``a``, ``b`` and properties with
# its rows: from the plan's facts, or a SPARQL query for the analysis' relationships)
_RELATIONSHIPS: tuple[tuple[str, str, str, Callable[[Facts], tuple[Columns, Rows]] | str],
                      ...] = (
    ("HAS_THEME", "Plan", "Theme",
     _pairs(lambda facts: [(str(t["plan"]), iri) for iri, t in facts.themes.items()])),
    ("HAS_TASK", "Theme", "Task",
     _pairs(lambda facts: [(str(t["theme"]), iri) for iri, t in facts.tasks.items()
                           if t["theme"] is not None])),
    ("HAS_TASK", "Plan", "Task",
     _pairs(lambda facts: [(str(t["plan"]), iri) for iri, t in facts.tasks.items()
                           if t["theme"] is None])),
    ("HAS_MEASURE", "Task", "Measure",
     _pairs(lambda facts: [(str(m["task"]), iri) for iri, m in facts.measures.items()])),
    ("LEADS", "Unit", "Measure", _assigned("lead")),
    ("SUPPORTS", "Unit", "Measure", _assigned("support")),
    ("IN_CLUSTER", "Unit", "Cluster", "SELECT ?a ?b WHERE { ?a ipp:inCluster ?b }"),
    ("SHARES", "Cluster", "Measure", "SELECT ?a ?b WHERE { ?a ipp:sharedMeasure ?b }"),
    ("TOP_THEME", "Cluster", "Theme", "SELECT ?a ?b WHERE { ?a ipp:topTheme ?b }"),
)


# The containment relationships: each points to a node's one parent, so a new Theme, Task or
# Measure is created together with the relationship from its parent, in one row.
_CONTAINMENT = ("HAS_THEME", "HAS_TASK", "HAS_MEASURE")


def _node_rows(graph: Graph, facts: Facts, label: str) -> tuple[Columns, Rows]:
    """One label's nodes, sorted by id."""
    columns, rows = _NODES[label](graph, facts)
    rows.sort(key=itemgetter(columns.index("id")))
    return columns, rows


def _relationship_rows(graph: Graph, facts: Facts,
                       rows_of: Callable[[Facts], tuple[Columns, Rows]] | str
                       ) -> tuple[Columns, Rows]:
    """One relationship's rows: columns ``a``, ``b`` and properties, sorted by ``a``, ``b``."""
    if isinstance(rows_of, str):
        columns, rows = select_values(graph, rows_of, prefixes=PREFIXES)
    else:
        columns, rows = rows_of(facts)
    rows.sort(key=itemgetter(columns.index("a"), columns.index("b")))
    return columns, rows


def _extract(graph: Graph, facts: Facts | None = None
             ) -> tuple[dict[str, tuple[Columns, Rows]],
                        list[tuple[str, str, str, Columns, Rows]]]:
    """The property graph as column names and value tuples: nodes by label (sorted by id)
    and relationships (type, from label, to label, columns ``a``, ``b`` and properties,
    sorted by ``a`` and ``b``)."""
    facts = facts if facts is not None else read_facts(graph)
    nodes = {label: _node_rows(graph, facts, label) for label in _NODES}
    relationships = [(kind, source, target, *_relationship_rows(graph, facts, rows_of))
                     for kind, source, target, rows_of in _RELATIONSHIPS]
    return nodes, relationships


def property_graph(graph: Graph) -> tuple[dict[str, list[dict]], list[tuple[str, str, str,
                                                                          list[dict]]]]:
    """The rows to push: nodes by label, and relationships (type, from label, to label, rows
    with ``a``, ``b`` and properties)."""
    nodes, relationships = _extract(graph)
    return ({label: [dict(zip(columns, row)) for row in rows]
             for label, (columns, rows) in nodes.items()},
            [(kind, source, target, [dict(zip(columns, row)) for row in rows])
             for kind, source, target, columns, rows in relationships])


def ensure_constraints(session: Any) -> bool:
    """Unique ids for every label, where the server supports them: MERGE by id stays fast
    as the graph grows. Returns False when the server refused them (the push still works,
    only slower)."""
    # heavy: the driver takes about half a second to import (see sessions.session_scope,
    # which has loaded it by the time a session is here)
    from neo4j.exceptions import ClientError, DatabaseError

    try:
        for statement in constraint_statements():
            session.run(statement).consume()
    except (ClientError, DatabaseError):
        return False
    return True


def push_graph(session: Any, graph: Graph, *, batch: int = BATCH,
               facts: Facts | None = None) -> dict[str, int]:
    """Mirror ``graph`` into the Bolt database; returns the rows pushed per label and type.

    Pushing is MERGE by id, done the fast way: the nodes already in the database are read
    first (id and element id, per label); new nodes are CREATEd (a Theme, Task or Measure
    together with the relationship from its parent) and the others get their properties
    SET; a relationship with a new node at either end cannot exist yet and is CREATEd, and
    one between two nodes that were already there is created only if the database does not
    hold it. Both ends are found by element id, never searched for. Rows go in batches of
    ``batch``, one transaction each (retried if the server reports a conflict), while the
    next rows are read from ``graph``. Clusters belong to the analysis in ``graph``: earlier
    clusters are replaced. Pushing the same graph twice leaves the same counts, and a push
    stopped half-way and run again leaves the clean ones. ``facts`` are the graph's facts
    when the caller has read them already (:func:`ipplan.graph.facts.read_facts`).
    """
    with collector_paused():
        return _push(session, graph, batch, facts)


def _push(session: Any, graph: Graph, batch: int, facts: Facts | None) -> dict[str, int]:
    """:func:`push_graph`'s work."""
    ensure_constraints(session)
    session.run("MATCH (c:Cluster) DETACH DELETE c").consume()
    counts: dict[str, int] = {}
    placed: dict[str, dict[str, str]] = {}  # label -> id -> element id, of every node pushed
    earlier: dict[str, set[str]] = {}  # label -> the ids that were in the database before
    done: set[tuple[str, str, str]] = set()  # (type, a, b) created with their nodes
    # One reader reads the facts (unless given), then makes the rows in the order the push
    # needs them, while this thread waits for the server.
    reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ipplan-push")
    try:
        # the reader's first task: every later one finds it done
        reading = reader.submit(lambda: facts if facts is not None else read_facts(graph))
        wanted: dict[Any, Any] = {}
        for label in _NODES:
            for spec in _RELATIONSHIPS:
                if spec[0] in _CONTAINMENT and spec[2] == label:
                    wanted[spec] = reader.submit(
                        lambda rows_of: _relationship_rows(graph, reading.result(), rows_of),
                        spec[3])
            wanted[label] = reader.submit(
                lambda label: _node_rows(graph, reading.result(), label), label)
        for spec in _RELATIONSHIPS:
            if spec not in wanted:
                wanted[spec] = reader.submit(
                    lambda rows_of: _relationship_rows(graph, reading.result(), rows_of),
                    spec[3])
        for label in _NODES:
            columns, rows = wanted[label].result()
            parents = [(kind, source, *wanted[kind, source, target, text].result())
                       for kind, source, target, text in _RELATIONSHIPS
                       if kind in _CONTAINMENT and target == label]
            placed[label], earlier[label] = _push_nodes(session, label, columns, rows,
                                                        parents, placed, done, batch)
            counts[label] = len(rows)
        for kind, source, target, text in _RELATIONSHIPS:
            columns, rows = wanted[kind, source, target, text].result()
            _push_relationships(session, kind, (source, target), columns, rows, placed,
                                earlier, done, batch)
            counts[kind] = counts.get(kind, 0) + len(rows)
    finally:  # on an error, the reader stops after the query it is on
        reader.shutdown(cancel_futures=True)
    return counts


def _batches(rows: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def _write(session: Any, text: str, **parameters: Any) -> Any:
    """Run one statement in its own transaction, retried while the server reports a
    transient conflict (ArcadeDB reported one on a batch of 50,000 rows with nothing else
    writing); returns its one record, if any."""
    return session.execute_write(lambda tx: tx.run(text, **parameters).single())


def _push_nodes(session: Any, label: str, columns: Columns, rows: Rows,
                parents: list[tuple[str, str, Columns, Rows]],
                placed: dict[str, dict[str, str]], done: set[tuple[str, str, str]],
                batch: int) -> tuple[dict[str, str], set[str]]:
    """CREATE the rows whose id is new (each with the relationship from its parent among
    ``parents``, noted in ``done``), SET the properties of the others; returns every pushed
    id's element id, and the ids that were there before."""
    ids = session.run(f"MATCH (n:{label}) WHERE n.id IS NOT NULL "
                      "RETURN collect([n.id, elementId(n)]) AS ids").single()["ids"]
    here = dict(ids)
    earlier = set(here)
    key = columns.index("id")
    new = {row[key]: row for row in rows if row[key] not in earlier}
    # the new nodes by the relationship that will point to them: (type, parent label)
    groups: dict[tuple[str, str] | None, list[list[Any]]] = {}
    for kind, source, parent_columns, parent_rows in parents:
        if parent_columns != ["a", "b"]:
            continue
        for parent, child in parent_rows:
            row = new.pop(child, None)
            element = placed[source].get(parent)
            if row is not None and element is None:
                new[child] = row
            elif row is not None:
                groups.setdefault((kind, source), []).append([element, *row])
                done.add((kind, parent, child))
    if new:
        groups[None] = [[None, *row] for row in new.values()]
    properties = ", ".join(f"`{name}`: row[{1 + i}]" for i, name in enumerate(columns))
    for group, group_rows in groups.items():
        made = (f"MATCH (p) WHERE elementId(p) = row[0] CREATE (p)-[:{group[0]}]->"
                if group else "CREATE ")
        for part in _batches(group_rows, batch):
            record = _write(session, f"UNWIND $rows AS row {made}(n:{label} {{{properties}}}) "
                            f"RETURN collect(row[{1 + key}]) AS ids, "
                            "collect(elementId(n)) AS made", rows=part)
            if len(record["made"]) != len(part):
                raise BoltError(f"the server created {len(record['made'])} of {len(part)} "
                                f"{label} nodes")
            here.update(zip(record["ids"], record["made"]))
    changed = [[here[row[key]], dict(zip(columns, row))] for row in rows
               if row[key] in earlier]
    for part in _batches(changed, batch):
        _write(session, "UNWIND $rows AS row MATCH (n) WHERE elementId(n) = row[0] "
               "SET n += row[1]", rows=part)
    return here, earlier


def create_relationships(session: Any, kind: str, names: list[str],
                          rows: list[list[Any]], *, joined: bool = True) -> None:
    """CREATE one relationship per row (start element id, end element id, properties).

    The element ids go as two strings of space-separated ids that the server splits: the
    pure-Python Bolt encoder spends a few microseconds on every list and value, which at a
    nation's scale took longer than the server took to create the relationships. Ids with a
    space in them (neither server's have) go as lists, as they do when ``joined`` is False."""
    properties = ", ".join(f"`{name}`: $p{i}[i]" for i, name in enumerate(names))
    relationship = f"[:{kind}{f' {{{properties}}}' if names else ''}]"
    starts, ends = [row[0] for row in rows], [row[1] for row in rows]
    columns = {f"p{i}": [row[2 + i] for row in rows] for i in range(len(names))}
    if not joined or any(" " in element for element in starts + ends):
        _write(session, "UNWIND range(0, size($starts) - 1) AS i "
               "MATCH (a) WHERE elementId(a) = $starts[i] "
               "MATCH (b) WHERE elementId(b) = $ends[i] "
               f"CREATE (a)-{relationship}->(b)", starts=starts, ends=ends, **columns)
        return
    _write(session, "WITH split($starts, ' ') AS starts, split($ends, ' ') AS ends "
           "UNWIND range(0, size(starts) - 1) AS i "
           "MATCH (a) WHERE elementId(a) = starts[i] MATCH (b) WHERE elementId(b) = ends[i] "
           f"CREATE (a)-{relationship}->(b)", starts=" ".join(starts), ends=" ".join(ends),
           **columns)


def _push_relationships(session: Any, kind: str, labels: tuple[str, str], columns: Columns,
                        rows: Rows, placed: dict[str, dict[str, str]],
                        earlier: dict[str, set[str]], done: set[tuple[str, str, str]],
                        batch: int) -> None:
    """CREATE the relationships that are not in the database yet and SET the properties of
    the others (a row whose end was not pushed is left out, as MATCH would)."""
    source, target = labels
    a, b = columns.index("a"), columns.index("b")
    extra = [(i, name) for i, name in enumerate(columns) if name not in ("a", "b")]
    ends: dict[tuple[str, str], list[Any]] = {}  # one row per pair: the last, as MERGE + SET
    maybe_there = set()
    for row in rows:
        start, end = placed[source].get(row[a]), placed[target].get(row[b])
        if start is None or end is None or (kind, row[a], row[b]) in done:
            continue
        ends[start, end] = [start, end, *(row[i] for i, _ in extra)]
        if row[a] in earlier[source] and row[b] in earlier[target]:
            maybe_there.add((start, end))
    held = {}
    if maybe_there:
        got = "".join(f", r.`{name}`" for _, name in extra)
        found = session.run(f"MATCH (a:{source})-[r:{kind}]->(b:{target}) "
                            f"RETURN collect([elementId(a), elementId(b){got}]) AS held"
                            ).single()
        held = {(row[0], row[1]): row[2:] for row in found["held"]}
    new = [row for pair, row in ends.items() if pair not in held]
    changed = [row for pair, row in ends.items() if pair in held and held[pair] != row[2:]]
    for part in _batches(new, batch):
        create_relationships(session, kind, [name for _, name in extra], part)
    settings = ", ".join(f"r.`{name}` = row[{2 + i}]" for i, (_, name) in enumerate(extra))
    for part in _batches(changed, batch):
        _write(session, "UNWIND $rows AS row MATCH (a) WHERE elementId(a) = row[0] "
               f"MATCH (a)-[r:{kind}]->(b) WHERE elementId(b) = row[1] SET {settings}",
               rows=part)


def wipe_plan(session: Any, plan_id: str) -> None:
    """Remove one plan's nodes (and units no other plan names, and the clusters)."""
    session.run("MATCH (n) WHERE n.plan = $plan AND (n:Theme OR n:Task OR n:Measure) "
                "DETACH DELETE n", plan=plan_id).consume()
    session.run("MATCH (p:Plan {plan_id: $plan}) DETACH DELETE p", plan=plan_id).consume()
    session.run("MATCH (u:Unit) WHERE NOT (u)-[:LEADS|SUPPORTS]->() DETACH DELETE u").consume()
    session.run("MATCH (c:Cluster) DETACH DELETE c").consume()


def database_counts(session: Any) -> dict[str, int]:
    """Nodes per label and relationships per type in the Bolt database."""
    counts = {label: 0 for label in LABELS}
    counts.update({kind: 0 for kind in RELATIONSHIPS})
    for label in LABELS:
        counts[label] = session.run(f"MATCH (n:{label}) RETURN count(n) AS n").single()["n"]
    for kind in RELATIONSHIPS:
        counts[kind] = session.run(
            f"MATCH ()-[r:{kind}]->() RETURN count(r) AS n").single()["n"]
    return counts


def expected_counts(graph: Graph) -> dict[str, int]:
    """What the database should hold after pushing ``graph``: one node per RDF subject of
    each class, one relationship per fact."""
    nodes, relationships = _extract(graph)
    counts = {label: len(rows) for label, (_columns, rows) in nodes.items()}
    for kind, _source, _target, _columns, rows in relationships:
        counts[kind] = counts.get(kind, 0) + len(rows)
    return counts
