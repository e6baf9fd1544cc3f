"""The property graph over Bolt, on the real embedded server: idempotent push, counts equal to
the RDF facts, wiping one plan only, and one-line errors for servers that are not there."""

from __future__ import annotations

import contextlib
import http.server
import os
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import SEED, run_ipplan
from ipplan.cypher import (LABELS, EmbeddedServer, database_counts, ensure_constraints,
                           expected_counts, push_graph, session_scope, wipe_plan)


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
    from ipplan.cypher.push import create_relationships

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
    from neo4j.exceptions import ConstraintError

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


def test_the_embedded_database_comes_with_its_indexes():
    server = EmbeddedServer()
    try:
        with session_scope(server.start()) as session:
            names = {c["name"] for c in session.run("SHOW CONSTRAINTS")}
    finally:
        server.stop()
    assert names == {f"ipplan_{label.lower()}_id" for label in LABELS}


def test_python_keeps_its_speed_beside_the_jvm(embedded_bolt):
    """JPype's hook on Python's garbage collector called mallinfo() twice per collection,
    which made every allocating Python loop many times slower once the JVM had started."""
    import gc

    import _jpype

    assert getattr(_jpype, "_collect", None) is not None  # the hook exists to be removed
    assert not any(callback is _jpype._collect for callback in gc.callbacks)


def test_the_servers_log_stays_off_stderr(tmp_path):
    """A SEVERE message of the embedded server (as when a push is stopped half-way) is not
    printed: ArcadeDB's logger would write it, with its stack trace, to the terminal."""
    script = tmp_path / "log.py"
    script.write_text(
        "import jpype\n"
        "from ipplan.cypher import embedded_server\n"
        "server = embedded_server()\n"
        "server.start()\n"
        "level = jpype.JClass('java.util.logging.Level')\n"
        "jpype.JClass('com.arcadedb.log.LogManager').instance().log(\n"
        "    'test', level.SEVERE, 'probe %s', jpype.JClass('java.lang.Exception')('x'),\n"
        "    jpype.JArray(jpype.JObject)(['from the test']))\n"
        "jpype.JClass('java.util.logging.Logger').getLogger('com.arcadedb').severe('probe 2')\n"
        "server.stop()\n"
        "print('done')\n", "utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          env=env, timeout=120, cwd=tmp_path)
    assert done.returncode == 0 and done.stdout == "done\n", done.stderr
    assert done.stderr == ""


def test_the_driver_packs_bolt_messages_in_rust():
    """neo4j-rust-ext is a dependency: without it the driver quietly packs and unpacks every
    Bolt message in Python (about a tenth of a push's time at 20,000 measures)."""
    from neo4j._codec.packstream import v1

    assert v1._rust_pack is not None and v1._rust_unpack is not None


def test_the_collector_is_as_it_was_after_a_push(seed_graph, empty_bolt):
    import gc

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
    from rdflib.namespace import RDF

    from ipplan.graph.vocab import IPP

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


def _user_env(**settings: str) -> dict[str, str]:
    """The environment of a user whose NEO4J_* settings are ``settings`` and nothing else."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    return {**env, **settings}


@contextlib.contextmanager
def _not_bolt(kind: str, folder: Path | None = None) -> Iterator[tuple[int, list]]:
    """A real server on 127.0.0.1 that does not speak Bolt, for the time of the block: its
    port, and the connections it accepted. ``http``: Python's HTTP server (it waits for a
    request line that the Bolt handshake never ends); ``silent``: accepts and never says a
    word; ``answers``: answers whatever comes with an HTTP 400, as most web servers do;
    ``tls``: TLS with a self-signed certificate (made in ``folder``), then silence."""
    accepted: list = []
    if kind == "http":
        class Quiet(http.server.SimpleHTTPRequestHandler):
            def setup(self) -> None:
                accepted.append(self.client_address)
                super().setup()

            def log_message(self, *_args) -> None:
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            yield server.server_address[1], accepted
        finally:
            server.shutdown()
            server.server_close()
        return
    context = None
    if kind == "tls":
        key, cert = folder / "key.pem", folder / "cert.pem"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                        "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                       check=True, capture_output=True, timeout=60)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    done = threading.Event()

    def serve() -> None:
        while not done.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                continue
            accepted.append(connection)
            if kind == "answers":
                connection.settimeout(5)
                with contextlib.suppress(OSError):
                    connection.recv(64)
                    connection.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
            elif kind == "tls":
                connection.settimeout(5)
                with contextlib.suppress(OSError):  # the client may refuse the certificate
                    accepted.append(context.wrap_socket(connection, server_side=True))

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1], accepted
    finally:
        done.set()
        thread.join(5)
        for connection in accepted:
            connection.close()
        listener.close()


@pytest.mark.parametrize("uri", ["https://127.0.0.1:{port}", "http://127.0.0.1:{port}",
                                 "ftp://127.0.0.1:{port}", "bolt:/127.0.0.1:{port}",
                                 "bolt://127.0.0.1:{port}0000", "neo4j://[127.0.0.1:{port}"])
def test_a_uri_ipplan_cannot_use_is_one_line_naming_the_schemes_that_work(uri):
    """Not "internal error": the URI, and the schemes that work, before any connection."""
    with _not_bolt("silent") as (port, accepted):
        uri = uri.format(port=port)
        result = run_ipplan("neo4j", "status", env=_user_env(NEO4J_URI=uri))
        assert not accepted  # nothing was tried
    assert result.code == 2, result.err
    assert result.err.startswith(f"ipplan: error: NEO4J_URI={uri}: ")
    assert result.err.count("\n") == 1 and "Traceback" not in result.err
    assert "the schemes that work are bolt, bolt+s, bolt+ssc, neo4j, neo4j+s, neo4j+ssc" \
        in result.err


@pytest.mark.parametrize("seconds", ["soon", "0", "-1", "nan", "inf"])
def test_the_timeout_must_be_seconds(seconds):
    result = run_ipplan("neo4j", "status", env=_user_env(NEO4J_URI="bolt://127.0.0.1:9",
                                                          NEO4J_TIMEOUT=seconds))
    assert result.code == 2, result.err
    assert result.err == (f"ipplan: error: NEO4J_TIMEOUT={seconds}: give the seconds to wait "
                          "for the Bolt server, a number above 0 (default 10)\n")


@pytest.mark.parametrize("kind, scheme, said", [
    ("http", "bolt", "no Bolt server answered within 3 s (NEO4J_TIMEOUT sets how long to wait)"),
    ("silent", "neo4j", "no Bolt server answered within 3 s (NEO4J_TIMEOUT sets how long to "
                        "wait)"),
    ("answers", "bolt", "a server answered, but not with Bolt (it speaks HTTP); Bolt listens "
                        "on port 7687 unless the server says otherwise"),
    ("answers", "bolt+s", "a server answered, but not with TLS, which the scheme bolt+s:// "
                          "asks for (bolt:// and neo4j:// connect without it)"),
    ("tls", "neo4j+s", "the server's TLS certificate is not trusted"),
    ("tls", "bolt+ssc", "no Bolt server answered within 3 s"),
])
def test_a_port_where_no_bolt_server_answers_fails_within_the_timeout(tmp_path, kind, scheme,
                                                                       said):
    """The driver waited 60 s for an answer to its handshake; NEO4J_TIMEOUT bounds it."""
    with _not_bolt(kind, tmp_path) as (port, accepted):
        uri = f"{scheme}://127.0.0.1:{port}"
        started = time.monotonic()
        result = run_ipplan("neo4j", "status", env=_user_env(NEO4J_URI=uri, NEO4J_TIMEOUT="3"))
        took = time.monotonic() - started
        assert accepted  # the server was reached
    assert result.code == 2, result.err
    assert result.err.startswith(f"ipplan: error: {uri}: {said}"), result.err
    assert result.err.count("\n") == 1 and "Traceback" not in result.err
    assert took < 30  # the driver's own wait was 60 s


def test_neo4j_username_is_read_as_neo4j_user(bolt):
    """NEO4J_USERNAME, the name Neo4j's own tools read, names the user when NEO4J_USER is not
    set; when both are, NEO4J_USER wins."""
    from ipplan.cypher import embedded_server

    target = embedded_server().target
    server = {"NEO4J_URI": target.uri, "NEO4J_PASSWORD": target.password,
              "NEO4J_DATABASE": target.database}
    alone = run_ipplan("neo4j", "status", env=_user_env(NEO4J_USERNAME=target.user, **server))
    assert alone.code == 0, alone.err
    assert f"user {target.user}): reachable" in alone.out
    both = run_ipplan("neo4j", "status", env=_user_env(NEO4J_USER=target.user,
                                                       NEO4J_USERNAME="nobody", **server))
    assert both.code == 0, both.err
    refused = run_ipplan("neo4j", "status", env=_user_env(NEO4J_USER="nobody",
                                                          NEO4J_USERNAME=target.user, **server))
    assert refused.code == 2
    assert refused.err == (f"ipplan: error: {target.uri}: the server refused the user name or "
                           "password (NEO4J_USER / NEO4J_PASSWORD)\n")
    wrong = run_ipplan("neo4j", "status", env=_user_env(NEO4J_USERNAME="nobody", **server))
    assert wrong.err == (f"ipplan: error: {target.uri}: the server refused the user name or "
                         "password (NEO4J_USERNAME / NEO4J_PASSWORD)\n")


def test_no_java_left_behind_and_nothing_written_here(tmp_path):
    result = run_ipplan("query", "run", "brokers", SEED, "--engine", "cypher", cwd=tmp_path)
    assert result.code == 0, result.err
    assert list(tmp_path.iterdir()) == []  # ArcadeDB would write ./log here if not silenced
    assert result.err == ""


def test_sigterm_stops_the_embedded_server_cleanly(tmp_path):
    """ipplan as a library: SIGTERM ends the program with 143 and the server's folder goes (the
    child has a temporary folder of its own, which others' servers can't touch)."""
    import signal

    temporary, work = tmp_path / "tmp", tmp_path / "work"
    temporary.mkdir()
    work.mkdir()
    child = subprocess.Popen(
        [sys.executable, "-c",
         "import time\nfrom ipplan.cypher import session_scope\n"
         "with session_scope() as s:\n    s.run('RETURN 1').consume()\n"
         "    print('up', flush=True)\n    time.sleep(120)\n"],
        cwd=work, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**_user_env(), "TMPDIR": str(temporary)})
    try:
        assert child.stdout.readline().strip() == "up"
        assert list(temporary.glob("ipplan-bolt-*"))
        child.send_signal(signal.SIGTERM)
        assert child.wait(60) == 143
    finally:
        child.kill()
    assert list(temporary.iterdir()) == []
    assert list(work.iterdir()) == []  # no hs_err crash file, no ./log


def test_jvm_keeps_its_signal_handlers(tmp_path):
    """CI once failed with exit 139 after every test passed: pytest's faulthandler was on when
    the in-process JVM started, and turning it off at the end put back the SIGSEGV handler from
    before the JVM, so the JVM's next implicit null check killed the process. The embedded
    server now turns faulthandler off before the JVM starts; this child does what pytest did
    (without the fix it dies with SIGSEGV within a few thousand statements)."""
    script = (
        "import faulthandler\nfaulthandler.enable()\n"
        "from ipplan.cypher import embedded_server, session_scope\n"
        "with session_scope() as s:\n"
        "    faulthandler.disable()\n"
        "    for _ in range(3000):\n"
        "        s.run('UNWIND range(1, 50) AS x MERGE (n:T {id: x % 7}) RETURN count(n)')"
        ".consume()\n"
        "embedded_server().stop()\nprint('done')\n")
    child = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True,
                           text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert child.returncode == 0, (child.returncode, child.stderr[-500:])
    assert child.stdout.strip() == "done"


def test_embedded_queries_may_sort_more_than_half_the_heap(tmp_path):
    """ArcadeDB's own budget (half the heap, by an estimate several times the real size)
    refused collaboration-pairs at 100,000 measures. A small heap shows the same at a small
    size: 400,000 sorted rows in 256 MB were refused with the default budget."""
    import os
    script = (
        "from ipplan.cypher import embedded_server, session_scope\n"
        "with session_scope() as s:\n"
        "    rows = s.run('UNWIND range(1, 400000) AS i WITH i, toString(i) AS s '\n"
        "                 'RETURN i, s ORDER BY s DESC').values()\n"
        "embedded_server().stop()\n"
        "print(len(rows), rows[0])\n")

    def child(jvm_args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True,
                              text=True, timeout=300, stdin=subprocess.DEVNULL,
                              env={**os.environ, "ARCADEDB_JVM_ARGS": jvm_args})

    done = child("-Xmx256m")
    assert done.returncode == 0, done.stderr[-800:]
    assert done.stdout.strip() == "400000 [99999, '99999']"
    # the same with ArcadeDB's default budget, which a user may still ask for
    refused = child("-Xmx256m -Darcadedb.queryMaxHeapRAM=128")
    assert refused.returncode != 0 and "Query heap budget exceeded" in refused.stderr


@pytest.mark.parametrize("jvm_args, collectors", [
    ("", ["Copy", "MarkSweepCompact"]),  # ipplan's choice: the serial collector
    ("-XX:+UseG1GC", ["G1 Young Generation", "G1 Concurrent GC", "G1 Old Generation"]),
])
def test_embedded_server_collector(tmp_path, jvm_args, collectors):
    """The embedded JVM runs the serial collector unless ARCADEDB_JVM_ARGS names another; the
    JVM refuses to start with two."""
    import os
    script = (
        "import jpype\n"
        "from ipplan.cypher import embedded_server, session_scope\n"
        "with session_scope() as s:\n"
        "    assert s.run('RETURN 1 AS one').single()['one'] == 1\n"
        "    beans = jpype.JClass('java.lang.management.ManagementFactory')"
        ".getGarbageCollectorMXBeans()\n"
        "    print(sorted(str(bean.getName()) for bean in beans))\n"
        "embedded_server().stop()\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True,
                          text=True, timeout=300, stdin=subprocess.DEVNULL,
                          env={**os.environ, "ARCADEDB_JVM_ARGS": jvm_args})
    assert done.returncode == 0, done.stderr[-800:]
    assert done.stdout.strip() == str(sorted(collectors))
