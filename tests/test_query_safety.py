"""Saved queries only read: Cypher that writes, SPARQL Update and SPARQL that reaches another
server are refused when the file is read (one line naming the file and line); Cypher runs in
read transactions; a query over sources never touches the user's database (NEO4J_URI); a
query file that does not parse, a header that does not read and a parameter out of its range
are one line, exit 2; a user's query that replaces a packaged one says so."""

from __future__ import annotations

import http.server
import json
import logging
import os
import threading
from pathlib import Path

import pytest

from conftest import SEED, XIAMEN_PROSE, analysed_graph, run_ipplan
from ipplan.cypher import EmbeddedServer, push_graph, session_scope
from ipplan.errors import IpplanError
from ipplan.queries import load_queries, packaged_dir
from ipplan.queries.readonly import check_cypher, check_sparql

HEADER = "{c} title: 我的 | Mine\n{c} description: A query of the user's own.\n{c} columns: n\n"


def _folder(tmp_path: Path, files: dict[str, str]) -> Path:
    """A folder of the user's own queries: file name -> query text after the header."""
    folder = tmp_path / "mine"
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        comment = "//" if name.endswith(".cypher") else "#"
        (folder / name).write_text(HEADER.format(c=comment) + text, "utf-8")
    return folder


def _one_line(result) -> str:
    assert result.code == 2, (result.code, result.err)
    assert "Traceback" not in result.err and result.err.count("\n") == 1, result.err
    assert result.err.startswith("ipplan: error: ")
    return result.err.strip()


# -- Cypher that writes ---------------------------------------------------------------------

WRITING_CYPHER = [
    ("MATCH (m:Measure)\nDETACH DELETE m\nRETURN count(*) AS n", 5, "DETACH DELETE"),
    ("MATCH (m:Measure) DELETE m RETURN 1 AS n", 4, "DELETE"),
    ("CREATE (n:Unit {id: 'x'}) RETURN n", 4, "CREATE"),
    ("MERGE (n:Unit {id: 'x'}) RETURN n", 4, "MERGE"),
    ("MATCH (u:Unit)\n  SET u.name = 'x' RETURN u AS n", 5, "SET"),
    ("MATCH (u:Unit) REMOVE u:Unit RETURN u AS n", 4, "REMOVE"),
    ("match (u:Unit) detach delete u", 4, "DETACH DELETE"),
    ("DROP INDEX ipplan_unit_id", 4, "DROP INDEX"),
    ("CREATE CONSTRAINT c FOR (n:X) REQUIRE n.id IS UNIQUE", 4, "CREATE CONSTRAINT"),
    ("CREATE INDEX i FOR (n:X) ON (n.id)", 4, "CREATE INDEX"),
    ("UNWIND [1] AS x FOREACH (y IN [x] | CREATE (:X))", 4, "FOREACH"),
    ("LOAD CSV FROM 'http://127.0.0.1:9/x.csv' AS row RETURN row AS n", 4, "LOAD CSV"),
    ("CALL db.createLabel('X')", 4, "CALL db.createLabel"),
    ("CALL `apoc`.`periodic`.iterate('a', 'b', {}) YIELD batches RETURN batches AS n", 4,
     "CALL apoc.periodic.iterate"),
    ("CALL { CREATE (x:X) RETURN x } RETURN count(x) AS n", 4, "CREATE"),
    ("MATCH (m:Measure) WHERE m.text <> 'it\\'s' /* x */ DELETE m", 4, "DELETE"),
    ("STOP DATABASE neo4j", 4, "STOP DATABASE"),
]

READING_CYPHER = [
    "MATCH (u:Unit) WHERE u.created > 0 AND u.name <> 'DELETE' RETURN count(u) AS n",
    "// DETACH DELETE everything? no.\nMATCH (u:Unit) /* SET u.x = 1 */ RETURN count(u) AS n",
    "MATCH (u:Unit) RETURN u.`delete` AS `SET`, u.load AS load ORDER BY load DESC",
    "MATCH (create:Unit) RETURN count(create) AS n",
    "WITH {set: 1, remove: 2} AS m, $delete AS d RETURN m.set AS n",
    "MATCH (u:Set)-[:DELETE]->(m) RETURN count(m) AS n",
    'RETURN "MERGE (n)" + \'\\\' CREATE\' AS n',
    "CALL db.labels() YIELD label RETURN count(label) AS n",
    "CALL { MATCH (u:Unit) RETURN u } RETURN count(u) AS n",
]


@pytest.mark.parametrize("text, line, clause", WRITING_CYPHER)
def test_cypher_that_writes_is_refused_when_read(tmp_path, text, line, clause):
    folder = _folder(tmp_path, {"wipe.cypher": text + "\n"})
    with pytest.raises(IpplanError) as caught:
        load_queries([folder])
    message = str(caught.value)
    assert message.startswith(f"{folder / 'wipe.cypher'}:{line}: refused: {clause} ")
    assert "saved queries only read" in message and "\n" not in message


@pytest.mark.parametrize("text", READING_CYPHER)
def test_keywords_in_strings_comments_names_and_properties_are_no_clauses(tmp_path, text):
    folder = _folder(tmp_path, {"reads.cypher": text + "\n"})
    assert load_queries([folder])["reads"].texts["cypher"].endswith(text + "\n")


@pytest.mark.parametrize("text, what", [("RETURN 'abc AS n", "a string"),
                                        ("RETURN `abc AS n", "a quoted name"),
                                        ("RETURN 1 AS n /* DELETE", "a comment")])
def test_cypher_that_cannot_be_tokenised_is_refused(text, what):
    with pytest.raises(IpplanError, match=f"q.cypher:1: .*{what} opened on this line is "
                                          "never closed"):
        check_cypher(text, "q.cypher")


def test_every_packaged_query_only_reads():
    """The packaged SPARQL is not parsed when ipplan runs (it is part of ipplan); this is
    where it is checked."""
    for path in sorted(packaged_dir().glob("*.cypher")):
        check_cypher(path.read_text("utf-8"), path)
    for path in sorted(packaged_dir().glob("*.rq")):
        check_sparql(path.read_text("utf-8"), path)


@pytest.fixture(scope="module")
def users_database(tmp_path_factory):
    """The user's own Bolt database at NEO4J_URI (a second real ArcadeDB server, apart from
    the one ipplan embeds), holding a Xiamen plan, its analysis and a node of the user's."""
    from ipplan.loaders import load_document

    folder = tmp_path_factory.mktemp("users")
    path = folder / "xiamen.txt"
    path.write_text(XIAMEN_PROSE, "utf-8")
    graph = analysed_graph([load_document(path)], "oxigraph", folder)
    server = EmbeddedServer()
    target = server.start()
    try:
        with session_scope(target) as session:
            push_graph(session, graph)
            session.run("CREATE (:Note {text: '我的笔记'})").consume()
        yield target
    finally:
        server.stop()


def _env(target) -> dict[str, str]:
    return {**os.environ, "NEO4J_URI": target.uri, "NEO4J_USER": target.user,
            "NEO4J_PASSWORD": target.password, "NEO4J_DATABASE": target.database}


def _held(target) -> dict[str, int]:
    """Nodes per label and relationships per type, and every property, in a few numbers."""
    with session_scope(target) as session:
        nodes = session.run("MATCH (n) UNWIND labels(n) AS label "
                            "RETURN label, count(*) AS n, "
                            "sum(size(keys(n))) AS properties").data()
        edges = session.run("MATCH ()-[r]->() RETURN type(r) AS label, count(*) AS n, "
                            "sum(size(keys(r))) AS properties").data()
    return {f"{row['label']} {what}": row[what] for row in nodes + edges
            for what in ("n", "properties")}


def test_a_deleting_query_never_reaches_the_users_database(tmp_path, users_database):
    """The issue's case: a .cypher with DELETE in --queries deleted every Measure in the
    database at NEO4J_URI."""
    before = _held(users_database)
    assert before["Measure n"] == 4 and before["Cluster n"] > 0 and before["Note n"] == 1
    folder = _folder(tmp_path, {"wipe.cypher": "MATCH (m:Measure)\nDETACH DELETE m\n"
                                               "RETURN count(*) AS n\n"})
    result = run_ipplan("query", "run", "wipe", "--engine", "cypher", "--queries", folder,
                        env=_env(users_database))
    assert _held(users_database) == before
    assert _one_line(result) == (f"ipplan: error: {folder / 'wipe.cypher'}:5: refused: "
                                 "DETACH DELETE changes the database, and saved queries only "
                                 "read")


def test_a_query_over_sources_never_changes_the_users_database(users_database):
    """`query run NAME SOURCE --engine cypher` with NEO4J_URI set pushed the sources into the
    user's database and deleted its clusters; it is answered from the embedded server."""
    before = _held(users_database)
    args = ("query", "run", "collaboration-clusters", SEED, "--format", "csv")
    cypher = run_ipplan(*args, "--engine", "cypher", env=_env(users_database))
    assert cypher.code == 0, cypher.err
    assert _held(users_database) == before
    assert cypher.out == run_ipplan(*args).out  # the seed's clusters, not Xiamen's
    assert cypher.err == ("ipplan: answering from the embedded server; NEO4J_URI is only read "
                          "by `neo4j push` and by `query run --engine cypher` without "
                          "sources\n")


def test_without_sources_the_users_database_is_read_as_it_is(users_database):
    before = _held(users_database)
    result = run_ipplan("query", "run", "unit-workload", "--engine", "cypher", "--json",
                        env=_env(users_database))
    assert result.code == 0 and result.err == "", result.err
    assert "市法院" in {row["unit"] for row in json.loads(result.out)}
    assert _held(users_database) == before


def test_cypher_queries_run_in_read_transactions(bolt, monkeypatch, caplog):
    """Defence in depth: a Neo4j server refuses a write in a READ transaction. (ArcadeDB does
    not: the refusal when the file is read is what keeps the embedded server's data.) The
    driver's log has the Bolt messages it sends."""
    from ipplan.usecases import answer

    monkeypatch.delenv("NEO4J_URI", raising=False)
    query = load_queries()["unit-workload"]
    caplog.set_level(logging.DEBUG, logger="neo4j")
    answer(query, {}, None, engine="cypher")
    sent = [message.split("C: ", 1)[1] for message in caplog.messages if "C: " in message]
    runs = [i for i, message in enumerate(sent)
            if message.startswith("RUN ") and "title: 单位工作量" in message]
    assert len(runs) == 1, sent
    begin = sent[runs[0] - 1]
    assert begin.startswith("BEGIN") and "'mode': 'r'" in begin, sent


# -- SPARQL Update, SERVICE, FROM --------------------------------------------------------------

PREFIX = "PREFIX ipp: <https://w3id.org/ipplan/ontology#>\n"


@pytest.mark.parametrize("text, line, operation", [
    ("DELETE WHERE { ?s ?p ?o }", 5, "DELETE WHERE"),
    ("INSERT DATA { ipp:a ipp:b ipp:c }", 5, "INSERT DATA"),
    ("DELETE { ?m ?p ?o } INSERT { ?m ?p 1 }\nWHERE { ?m ?p ?o }", 5, "DELETE/INSERT … WHERE"),
    ("LOAD <http://127.0.0.1:9/g.ttl>", 5, "LOAD"),
    ("CLEAR ALL", 5, "CLEAR"),
    ("DROP GRAPH <urn:g>", 5, "DROP"),
    ("CREATE GRAPH <urn:g>", 5, "CREATE"),
    ("ADD <urn:a> TO <urn:b>", 5, "ADD"),
    ("MOVE DEFAULT TO <urn:b>", 5, "MOVE"),
    ("COPY <urn:a> TO DEFAULT", 5, "COPY"),
])
def test_sparql_update_is_refused_when_read(tmp_path, text, line, operation):
    folder = _folder(tmp_path, {"change.rq": PREFIX + text + "\n"})
    with pytest.raises(IpplanError) as caught:
        load_queries([folder])
    assert str(caught.value) == (f"{folder / 'change.rq'}:{line}: refused: a SPARQL Update "
                                 f"({operation}) changes the graph, and saved queries only read")


@pytest.mark.parametrize("text, line, keyword", [
    ("SELECT ?n WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?n ?p ?o } }", 5, "SERVICE"),
    ("SELECT ?n WHERE {\n  { SELECT ?n WHERE { ?n ?p ?o\n    FILTER EXISTS { SERVICE SILENT ?where "
     "{ ?n ?p ?o } } } }\n}", 7, "SERVICE"),
    ("ASK { OPTIONAL { ?a ?b ?c } MINUS { SERVICE <urn:x> { ?a ?b ?c } } }", 5, "SERVICE"),
    ("SELECT ?n FROM <http://127.0.0.1:9/g.ttl> WHERE { ?n ?p ?o }", 5, "FROM"),
    ("SELECT ?n FROM NAMED <http://127.0.0.1:9/g.ttl> WHERE { GRAPH ?g { ?n ?p ?o } }", 5,
     "FROM"),
])
def test_sparql_that_reaches_another_server_is_refused_when_read(tmp_path, text, line,
                                                                  keyword):
    folder = _folder(tmp_path, {"outside.rq": PREFIX + text + "\n"})
    with pytest.raises(IpplanError) as caught:
        load_queries([folder])
    message = str(caught.value)
    assert message.startswith(f"{folder / 'outside.rq'}:{line}: refused: {keyword} ")
    assert "saved queries only read" in message


def test_keywords_in_sparql_strings_iris_and_comments_are_no_operations(tmp_path):
    text = (PREFIX + "# SERVICE <http://127.0.0.1:9/> and DELETE WHERE\n"
            "SELECT ?n WHERE { ?n ipp:text 'SERVICE <http://x/> { DELETE DATA }' ;\n"
            "  <http://127.0.0.1:9/SERVICE> ?o } ORDER BY ?n\n")
    folder = _folder(tmp_path, {"reads.rq": text})
    assert "reads" in load_queries([folder])


class _Listener(http.server.BaseHTTPRequestHandler):
    """Notes every request made to it (a SPARQL endpoint that answers nothing)."""

    heard: list[str] = []

    def _note(self) -> None:
        self.heard.append(f"{self.command} {self.path}")
        self.send_response(500)
        self.end_headers()

    do_GET = do_POST = _note

    def log_message(self, *args) -> None:  # quiet
        pass


def test_service_never_makes_a_request(tmp_path):
    """SERVICE made the engine send the query to the server it names (here one on
    127.0.0.1, started by this test): the file is refused before anything runs."""
    server = http.server.HTTPServer(("127.0.0.1", 0), _Listener)
    _Listener.heard = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        endpoint = f"http://127.0.0.1:{server.server_address[1]}/sparql"
        folder = _folder(tmp_path, {"outside.rq": PREFIX + "SELECT ?n WHERE {\n"
                                    f"  SERVICE <{endpoint}> {{ ?n ?p ?o }}\n}}\n"})
        result = run_ipplan("query", "run", "outside", SEED, "--queries", folder)
    finally:
        server.shutdown()
        server.server_close()
    assert _Listener.heard == []
    assert _one_line(result) == (
        f"ipplan: error: {folder / 'outside.rq'}:6: refused: SERVICE sends the query to "
        "another server, and saved queries only read the graph ipplan gives them")


def test_a_sparql_update_in_the_users_folder_is_one_line(tmp_path):
    folder = _folder(tmp_path, {"wipe.rq": PREFIX + "DELETE WHERE { ?s ?p ?o }\n"})
    result = run_ipplan("query", "run", "wipe", SEED, "--queries", folder)
    assert _one_line(result) == (f"ipplan: error: {folder / 'wipe.rq'}:5: refused: a SPARQL "
                                 "Update (DELETE WHERE) changes the graph, and saved queries "
                                 "only read")


# -- Files and headers that do not parse ------------------------------------------------------

@pytest.mark.parametrize("text, where, message", [
    ("SELECT ?n WHERE {\n  ?n ?p\n}\n", ":5: the SPARQL does not parse at column 3",
     "found '?n'"),
    ("SELECT ?n WHERE { ?n ?p ?o } ORDER BY\n", ":4: the SPARQL does not parse at column 30",
     "found 'ORDER'"),
    ("", ":4: the SPARQL does not parse at column 1", "found the end of the text"),
    ("SELECT * WHERE { ?n ?p ?o }\nGROUP BY ?n\n", ":6: Oxigraph cannot run the query: at "
     "column 1", "SELECT * is not authorized with GROUP BY"),
])
def test_a_malformed_sparql_query_is_one_line_with_where(tmp_path, text, where, message):
    folder = _folder(tmp_path, {"broken.rq": text})
    error = _one_line(run_ipplan("query", "run", "broken", SEED, "--queries", folder))
    assert error.startswith(f"ipplan: error: {folder / 'broken.rq'}{where}"), error
    assert message in error


QUERY = "SELECT ?n WHERE { ?n ?p ?o } LIMIT 1\n"


@pytest.mark.parametrize("header, line, message", [
    ("# param: x y = 1 | two words\n", 4, "'x y' is not a parameter name"),
    ("# param: = 3 | no name\n", 4, "'' is not a parameter name"),
    ("# colums: n\n", 4, "'colums:' is not a header line (header lines are title:, "),
    ("# param: x = 1 | a\n# param: x = 2 | b\n", 5, "a second parameter x"),
    ("# columns: m\n", 4, "a second 'columns:' line"),
    ("# list-columns: m\n", None, "'list-columns:' names m, which is not one of the columns"),
    ("# param: x = 2 | a count (range: > zero)\n", 4,
     "the range of parameter x: '> zero' is not a comparison with a number"),
    ("# param: x = 2 | a count (range: >= 5)\n", 4,
     "the default of parameter x (2) is out of its range (>= 5)"),
    ("# param: x = 2 | a count (range: zh | en)\n", 4,
     "parameter x is an integer but its range (zh | en) is for text"),
    ("# param: x = en | a language (range: > 1)\n", 4,
     "parameter x has bounds (> 1) but is not a number"),
    ("# param: x = en | a language (range: zh)\n", 4, "'zh' is none of"),
    ("# param: x = nan | a number\n", 4, "the default of parameter x is not a finite number"),
    ("# split-by: ?n m\n", 4, "'split-by:' names a variable, not '?n m'"),
])
def test_a_header_that_does_not_read_is_one_line_with_where(tmp_path, header, line, message):
    folder = _folder(tmp_path, {"odd.rq": header + QUERY})
    error = _one_line(run_ipplan("query", "list", "--queries", folder))
    where = f"{folder / 'odd.rq'}" + (f":{line}" if line else "")
    assert error.startswith(f"ipplan: error: {where}: "), error
    assert message in error


def test_the_two_files_of_a_query_carry_the_same_header(tmp_path):
    folder = _folder(tmp_path, {"pair.rq": QUERY,
                                "pair.cypher": "MATCH (n) RETURN n LIMIT 1\n"})
    (folder / "pair.cypher").write_text(
        (folder / "pair.cypher").read_text("utf-8").replace("columns: n", "columns: m"), "utf-8")
    error = _one_line(run_ipplan("query", "list", "--queries", folder))
    assert error == (f"ipplan: error: {folder / 'pair.cypher'}: the header differs from "
                     "pair.rq's; the two files of a query carry the same header")


# -- Parameters and their ranges -------------------------------------------------------------

@pytest.mark.parametrize("query, given, takes", [
    ("collaboration-clusters", "resolution=-1", "resolution takes a finite number > 0"),
    ("collaboration-clusters", "resolution=0", "resolution takes a finite number > 0"),
    ("overloaded-units", "ratio=nan", "ratio takes a finite number >= 1"),
    ("overloaded-units", "ratio=inf", "ratio takes a finite number >= 1"),
    ("overloaded-units", "min_share=-inf", "min_share takes a finite number > 0 and <= 1"),
    ("overloaded-units", "ubiquity=1.5", "ubiquity takes a finite number > 0 and <= 1"),
    ("overloaded-units", "min_measures=0", "min_measures takes an integer >= 1"),
    ("unit-profile", "unit=", "unit takes a non-empty text"),
    ("overloaded-units", "lang=fr", "lang takes zh or en"),
    ("overloaded-units", "top=-1", "top takes an integer >= 0"),
    ("collaboration-clusters", "seed=1.5", "seed takes an integer >= 0"),
    ("collaboration-clusters", "seed=-1", "seed takes an integer >= 0"),
    ("collaboration-pairs", "min_shared=0", "min_shared takes an integer >= 1"),
    ("cross-theme-units", "min_themes=many", "min_themes takes an integer >= 1"),
    ("brokers", "brokers=0", "brokers takes an integer >= 1"),
])
def test_a_parameter_out_of_its_range_is_refused_with_the_range(query, given, takes):
    name, _, value = given.partition("=")
    error = _one_line(run_ipplan("query", "run", query, SEED, "-p", given))
    assert error == f"ipplan: error: query {query}: -p {name}={value!r} is refused: {takes}"


def test_every_packaged_parameter_has_a_range():
    for query in load_queries().values():
        for parameter in query.parameters.values():
            assert parameter.range is not None, (query.name, parameter.name)


def test_values_within_range_are_taken():
    query = load_queries()["overloaded-units"]
    assert query.bind({"ubiquity": "1e-1", "min_measures": "20", "min_share": "0.25",
                       "ratio": "3", "top": "0", "lang": "en"}) == \
        {"ubiquity": 0.1, "min_measures": 20, "min_share": 0.25, "ratio": 3.0, "top": 0,
         "lang": "en"}


def test_show_says_what_each_parameter_takes():
    shown = run_ipplan("query", "show", "overloaded-units")
    assert "-p lang=…  (default zh; zh or en) language of the reason" in shown.out
    assert "-p ubiquity=…  (default 0.9; a finite number > 0 and <= 1)" in shown.out


# -- A user's query in place of a packaged one -----------------------------------------------

def test_a_users_query_that_replaces_a_packaged_one_says_so(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    packaged = packaged_dir() / "brokers.rq"
    (folder / "brokers.rq").write_text(
        packaged.read_text("utf-8").replace("Brokers", "My brokers"), "utf-8")
    _folder(tmp_path, {"lead-count.rq": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }\n"})
    listed = {row["name"]: row for row in
              json.loads(run_ipplan("query", "list", "--json", "--queries", folder).out)}
    assert listed["brokers"]["origin"] == "yours (replaces packaged)"
    assert listed["brokers"]["title_en"] == "My brokers"
    assert listed["brokers"]["engines"] == "sparql"  # the whole query is replaced
    assert listed["lead-count"]["origin"] == "yours"
    assert listed["unit-profile"]["origin"] == "packaged"
    table = run_ipplan("query", "list", "--queries", folder).out.splitlines()
    assert table[0].split()[4] == "origin"
    assert "  yours (replaces packaged)  " in [line for line in table
                                             if line.startswith("brokers ")][0]
    shown = run_ipplan("query", "show", "brokers", "--queries", folder).out
    assert "\norigin: yours (replaces packaged)\n" in shown
    run = run_ipplan("query", "run", "brokers", SEED, "--queries", folder, "--json")
    assert run.code == 0
    assert run.err == (f"ipplan: warning: query brokers is yours ({folder / 'brokers.rq'}) and "
                       f"replaces {packaged}, {packaged_dir() / 'brokers.cypher'}\n")
    assert run_ipplan("query", "run", "unit-workload", SEED, "--queries", folder).err == ""


@pytest.mark.parametrize("name", ["ipplan.queries", "ipplan.queries.readonly"])
def test_docstring_examples(name):
    import doctest
    import importlib

    failed, tried = doctest.testmod(importlib.import_module(name))
    assert tried and not failed
