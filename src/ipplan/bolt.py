"""Cypher over Bolt: the user's Neo4j, or an embedded server that ipplan starts itself.

With ``NEO4J_URI`` set (and ``NEO4J_USER``, ``NEO4J_PASSWORD``, ``NEO4J_DATABASE``), the
official neo4j driver talks to that server. Without it, ipplan starts ArcadeDB (the PyPI
package ``arcadedb-embedded``, which brings its own JRE) with its Bolt plugin, inside this
Python process: bound to 127.0.0.1, on free ports, with a fresh random root password and a
temporary folder, and stopped when the work is done or ipplan exits. Because the JVM runs in
this process, no Java process can outlive ipplan.

:func:`push_graph` mirrors the RDF graph as a property graph (labels Plan, Theme, Task,
Measure, Unit, Cluster; containment, LEADS, SUPPORTS, IN_CLUSTER) keyed by stable ids, in
batched UNWIND statements, one transaction per batch: what is new is created, what is there is
updated, so pushing twice changes nothing.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import math
import os
import re
import secrets
import shutil
import signal
import socket
import ssl
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from rdflib import Graph

from ipplan.collector import collector_paused
from ipplan.errors import IpplanError, reason
from ipplan.stopping import held, ignored_from_now, stop_on

BATCH = 10000
LABELS = ("Plan", "Theme", "Task", "Measure", "Unit", "Cluster")
RELATIONSHIPS = ("HAS_THEME", "HAS_TASK", "HAS_MEASURE", "LEADS", "SUPPORTS", "IN_CLUSTER",
                 "SHARES", "TOP_THEME")


class BoltError(IpplanError):
    """The Bolt server is down, refuses us, or failed mid-way."""


@dataclass(frozen=True)
class Target:
    """Where Cypher goes: a URI, credentials and a database name, and how long to wait for
    the server to answer (seconds)."""

    uri: str
    user: str
    password: str
    database: str | None
    embedded: bool
    timeout: float = 60.0


# The URI schemes of Bolt, the protocol ipplan speaks to Neo4j (the driver's http and
# https are Neo4j's Query API, which ipplan does not use).
BOLT_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
DEFAULT_TIMEOUT = 10.0  # seconds to wait for the user's server to answer (NEO4J_TIMEOUT)


def configured_target() -> Target | None:
    """The user's Neo4j from the environment, or None (use the embedded server).

    NEO4J_URI names it, with a scheme of :data:`BOLT_SCHEMES`; the user is NEO4J_USER, else
    NEO4J_USERNAME (the name Neo4j's own tools read), else ``neo4j``; NEO4J_TIMEOUT is how
    many seconds to wait for it to answer. A URI or timeout ipplan cannot use is a
    :class:`BoltError`, before any connection is tried."""
    uri = os.environ.get("NEO4J_URI")
    if not uri:
        return None
    _check_uri(uri)
    return Target(uri, _user_variable()[1], os.environ.get("NEO4J_PASSWORD", ""),
                  os.environ.get("NEO4J_DATABASE") or None, embedded=False,
                  timeout=_timeout())


def _user_variable() -> tuple[str, str]:
    """The environment variable the user name comes from, and the name. NEO4J_USER, ipplan's
    own, wins over NEO4J_USERNAME when both are set."""
    for variable in ("NEO4J_USER", "NEO4J_USERNAME"):
        if os.environ.get(variable):
            return variable, os.environ[variable]
    return "NEO4J_USER", "neo4j"


def _check_uri(uri: str) -> None:
    """Refuse a NEO4J_URI that the driver cannot take, or would take for something else."""
    schemes = ", ".join(BOLT_SCHEMES)
    try:
        parts = urlsplit(uri)
        host, _port = parts.hostname, parts.port  # a port that is no number raises
    except ValueError as exc:
        raise BoltError(f"NEO4J_URI={uri}: not a URI ({reason(exc)}); give SCHEME://HOST[:PORT]"
                        f", where the schemes that work are {schemes} "
                        "(e.g. bolt://localhost:7687)") from None
    if parts.scheme not in BOLT_SCHEMES:
        said = f"the scheme {parts.scheme}://" if parts.scheme else "no scheme"
        raise BoltError(f"NEO4J_URI={uri}: {said} is not Bolt, which ipplan speaks to Neo4j; "
                        f"the schemes that work are {schemes} (e.g. bolt://localhost:7687)")
    if not host:
        raise BoltError(f"NEO4J_URI={uri}: no host; give SCHEME://HOST[:PORT], where the "
                        f"schemes that work are {schemes} (e.g. bolt://localhost:7687)")


def _timeout() -> float:
    """NEO4J_TIMEOUT in seconds (default :data:`DEFAULT_TIMEOUT`)."""
    given = os.environ.get("NEO4J_TIMEOUT", "").strip()
    if not given:
        return DEFAULT_TIMEOUT
    try:
        seconds = float(given)
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or seconds <= 0:
        raise BoltError(f"NEO4J_TIMEOUT={given}: give the seconds to wait for the Bolt server, "
                        "a number above 0 (default 10)")
    return seconds


class EmbeddedServer:
    """ArcadeDB with its Bolt plugin, in this process, on 127.0.0.1."""

    DATABASE = "ipplan"

    def __init__(self) -> None:
        self._server: Any = None
        self._folder: str | None = None
        self.target: Target | None = None
        self._lock = threading.Lock()

    def start(self) -> Target:
        with self._lock:
            if self.target is not None:
                return self.target
            try:
                from arcadedb_embedded.server import ArcadeDBServer
            except ImportError:
                raise BoltError("the embedded Bolt server needs the arcadedb-embedded package "
                                "(pip install arcadedb-embedded), or set NEO4J_URI") from None
            _leave_sigsegv_to_the_jvm()
            # SIGTERM and SIGHUP would end the process, JVM and all, with the server's folder
            # left behind: like Ctrl-C they stop the work, and the server with it
            stop_on((signal.SIGTERM, signal.SIGHUP))
            bolt_port, http_port = _free_port(), _free_port()
            password = secrets.token_urlsafe(24)
            quiet = resources.files("ipplan").joinpath("jvm-logging.properties")
            server = None
            try:
                # Signals are held while the server is made, started and noted here: one that
                # comes meanwhile takes effect once the server can be stopped (caught half-way,
                # the server could not be reached to stop, its shutdown hook told the user so
                # at exit, and its folder stayed).
                with held():
                    self._folder = tempfile.mkdtemp(prefix="ipplan-bolt-")
                    # muted: the JVM notes its incubator modules as it starts
                    with _stderr_muted():
                        server = ArcadeDBServer(
                            self._folder, password,
                            {"server_plugins": "Bolt:com.arcadedb.bolt.BoltProtocolPlugin",
                             "bolt_port": bolt_port, "http_port": http_port,
                             "host": "127.0.0.1"},
                            jvm_kwargs={"jvm_args": [
                                f"-Djava.util.logging.config.file={quiet}",
                                # signals are Python's: they end the command, and the
                                # server with it
                                "-Xrs", *_collector_args()]})
                        server.start()
                        # before anything else: the server's log printed stack traces of
                        # writes cut short when the work stopped
                        _keep_server_logs_off_stderr()
                    database = server.create_database(self.DATABASE)
                    for statement in _constraint_statements():  # the schema comes with it
                        with contextlib.suppress(Exception):  # else the push tries it again
                            database.command("opencypher", statement)
                    _unhook_jpype_from_pythons_gc()
                    _give_queries_the_heap()
                    self._server = server
                    self.target = Target(f"bolt://127.0.0.1:{bolt_port}", "root", password,
                                         self.DATABASE, embedded=True)
                    atexit.register(self._stop_at_exit)
            except Exception as exc:
                self._stop_unlocked(server)
                raise BoltError(f"the embedded Bolt server did not start ({reason(exc)})") \
                    from None
            except BaseException:  # stopped while it started: leave nothing behind
                self._stop_unlocked(server)
                raise
            return self.target

    def stop(self) -> None:
        with self._lock:
            self._stop_unlocked(self._server)

    def _stop_unlocked(self, server: Any) -> None:
        """Stop ``server`` (if there is one) and remove the folder."""
        if server is not None:
            with contextlib.suppress(Exception):  # its log stays off the terminal as it stops
                _keep_server_logs_off_stderr()
            with contextlib.suppress(Exception):
                server.stop()
        self._server = None
        self.target = None
        self._cleanup()

    def _stop_at_exit(self) -> None:
        """Stop the server as the process ends. A Ctrl-C that came just then interrupted the
        removal of its folder: a traceback after the command's output, and the folder left
        behind. The process is ending anyway, so signals are ignored until the server is
        gone."""
        ignored_from_now()
        self.stop()

    def _cleanup(self) -> None:
        if self._folder:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None


def _leave_sigsegv_to_the_jvm() -> None:
    """The JVM handles SIGSEGV itself (implicit null checks in compiled code). With Python's
    faulthandler on when the JVM starts (pytest turns it on; so does PYTHONFAULTHANDLER), a
    later ``faulthandler.disable()`` puts back the handler from before the JVM, and the JVM's
    next null check kills the process (exit 139). Turning it off first makes that harmless."""
    import faulthandler

    if faulthandler.is_enabled():
        faulthandler.disable()


def _unhook_jpype_from_pythons_gc() -> None:
    """JPype hooks every Python garbage collection to decide whether to run Java's too, and
    on glibc each hook calls mallinfo(), which walks every malloc arena: with the JVM in this
    process that made all Python code that allocates (building rows, reading results) 7 to
    20 times slower, worse the longer the server ran (the rows of a 20,000-measure push took
    45 s to build instead of 1.7 s). ipplan keeps no Java objects alive from Python but the
    server itself, so Java's own collector is all the JVM needs."""
    import gc

    try:
        import _jpype
    except ImportError:
        return
    hook = getattr(_jpype, "_collect", None)
    gc.callbacks[:] = [callback for callback in gc.callbacks if callback is not hook]


def _keep_server_logs_off_stderr() -> None:
    """ArcadeDB's logger puts a console handler on Java's root logger whatever the logging
    configuration says, so the server's own messages reached the user's terminal: a push
    stopped with Ctrl-C printed SEVERE lines and Java stack traces (a client gone in the
    middle of a write) above "ipplan: interrupted". What goes wrong in the server reaches
    ipplan as a Bolt error and is told in one line; its log stays quiet."""
    import jpype

    off = jpype.JClass("java.util.logging.Level").OFF
    root = jpype.JClass("java.util.logging.Logger").getLogger("")
    root.setLevel(off)
    for handler in root.getHandlers():
        handler.setLevel(off)


def _user_jvm_args() -> str:
    """What the user gives the embedded JVM (arcadedb-embedded reads it): ipplan's own
    settings yield to what it says."""
    return os.environ.get("ARCADEDB_JVM_ARGS", "")


def _collector_args() -> list[str]:
    """The serial garbage collector, unless ARCADEDB_JVM_ARGS names one (the JVM refuses
    two). G1, the JVM's default, grows the heap ahead of need and its threads compete with
    Python for the cores: the push and the saved Cypher of 20,000 measures peaked at 2.2-2.4 GB
    with it and at 1.5 GB with the serial collector, at the same speed."""
    if re.search(r"-XX:\+Use\w+GC\b", _user_jvm_args()):
        return []
    return ["-XX:+UseSerialGC"]


QUERY_HEAP_SHARE = 0.75


def _give_queries_the_heap() -> None:
    """ArcadeDB lets the sorts, groups and collects of all the queries running at once hold
    half of the JVM's heap by its own estimate, which is several times what they really take:
    at 100,000 measures it refused collaboration-pairs (an ORDER BY of 350,000 pairs) at
    2 GB of a 4 GB heap, and with the budget raised it answered, the process growing by
    less than 2 GB. The embedded server answers one user's queries one at a time, so they
    get QUERY_HEAP_SHARE of the heap. An ``arcadedb.queryMaxHeapRAM`` set in
    ARCADEDB_JVM_ARGS is left alone."""
    if "queryMaxHeapRAM" in _user_jvm_args():
        return
    import jpype

    heap_mb = jpype.JClass("java.lang.Runtime").getRuntime().maxMemory() // 2**20
    setting = jpype.JClass("com.arcadedb.GlobalConfiguration").QUERY_MAX_HEAP_RAM
    setting.setValue(int(heap_mb * QUERY_HEAP_SHARE))


_EMBEDDED = EmbeddedServer()


def embedded_server() -> EmbeddedServer:
    """The process' embedded server (started on first use)."""
    return _EMBEDDED


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def _stderr_muted() -> Iterator[None]:
    saved = os.dup(2)
    with open(os.devnull, "wb") as null:
        os.dup2(null.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)


_QUIET = logging.NullHandler()


@contextlib.contextmanager
def session_scope(target: Target | None = None, *, read_only: bool = False) -> Iterator[Any]:
    """A neo4j driver session on ``target`` (default: NEO4J_URI, else the embedded server),
    in READ access mode with ``read_only`` (enforced by Neo4j, not by the embedded server).
    Connection failures become one-line :class:`BoltError` naming the URI."""
    from neo4j import READ_ACCESS, WRITE_ACCESS, GraphDatabase
    from neo4j.exceptions import (AuthError, DriverError, Neo4jError, ServiceUnavailable,
                                  SessionExpired, UnsupportedServerProduct)

    target = target or configured_target() or embedded_server().start()
    # The driver logs what it then raises, and with no handler of ours Python printed those
    # records on stderr (a defunct connection, after a Ctrl-C); what goes wrong is told once.
    logging.getLogger("neo4j").addHandler(_QUIET)
    driver = None
    try:
        # Connecting, the handshake, logging in and (neo4j://) routing all count against the
        # acquisition timeout, which the driver otherwise sets at 60 s: a port where no Bolt
        # server answers fails within the target's timeout.
        driver = GraphDatabase.driver(target.uri, auth=(target.user, target.password),
                                      connection_timeout=target.timeout,
                                      connection_acquisition_timeout=target.timeout,
                                      max_transaction_retry_time=5)
        try:
            driver.verify_connectivity()
        except (ServiceUnavailable, UnsupportedServerProduct) as exc:
            raise BoltError(_not_connected(target, exc)) from None
        session = driver.session(database=target.database,
                                 default_access_mode=READ_ACCESS if read_only else WRITE_ACCESS)
        try:
            yield session
        except BaseException:
            # Ctrl-C can stop the driver in the middle of reading a message; closing the
            # session politely then reads on and fails on its own (a BufferError hid the
            # interrupt). What went wrong first is what the user hears; the driver's close
            # below drops the connection anyway.
            with contextlib.suppress(Exception):
                session.close()
            raise
        session.close()
    except AuthError:
        raise BoltError(f"{target.uri}: the server refused the user name or password "
                        f"({_user_variable()[0]} / NEO4J_PASSWORD)") from None
    except ServiceUnavailable as exc:
        raise BoltError(f"{target.uri}: cannot reach the Bolt server ({reason(exc)})") from None
    except SessionExpired as exc:
        raise BoltError(f"{target.uri}: the connection to the Bolt server was lost; run the "
                        f"command again to finish ({reason(exc)})") from None
    except DriverError as exc:
        raise BoltError(f"{target.uri}: the Bolt driver failed ({reason(exc)})") from None
    except Neo4jError as exc:
        raise BoltError(f"{target.uri}: the server refused a statement "
                        f"({exc.code}: {reason(exc)})") from None
    except (OSError, ValueError) as exc:
        raise BoltError(f"{target.uri}: {reason(exc)}") from None
    finally:
        if driver is not None:
            driver.close()


def _not_connected(target: Target, exc: BaseException) -> str:
    """Why the driver could not connect to ``target``, in words: nothing answered in time,
    something that is not Bolt answered, or the server cannot be reached at all."""
    from neo4j.exceptions import DriverError, UnsupportedServerProduct

    causes = list(_causes(exc))
    if any(isinstance(cause, TimeoutError)
           or type(cause).__name__ == "SocketDeadlineExceededError" for cause in causes):
        return (f"{target.uri}: no Bolt server answered within {target.timeout:g} s "
                "(NEO4J_TIMEOUT sets how long to wait)")
    said = " ".join(str(cause) for cause in causes)
    if "looks like HTTP" in said:
        return (f"{target.uri}: a server answered, but not with Bolt (it speaks HTTP); "
                "Bolt listens on port 7687 unless the server says otherwise")
    if "closed with incomplete handshake" in said or any(
            type(cause).__name__ in ("BoltProtocolError", "BoltHandshakeError")
            for cause in causes):
        return (f"{target.uri}: a server answered, but not with Bolt (it closed the connection "
                "or sent something else); Bolt listens on port 7687 unless the server says "
                "otherwise")
    refused = [cause for cause in causes if isinstance(cause, ssl.SSLCertVerificationError)]
    if refused:
        return (f"{target.uri}: the server's TLS certificate is not trusted "
                f"({reason(refused[0])}); bolt+ssc:// and neo4j+ssc:// accept a self-signed one")
    if any(isinstance(cause, ssl.SSLError) for cause in causes):
        return (f"{target.uri}: a server answered, but not with TLS, which the scheme "
                f"{urlsplit(target.uri).scheme}:// asks for (bolt:// and neo4j:// connect "
                "without it)")
    if any(isinstance(cause, UnsupportedServerProduct) for cause in causes):
        return (f"{target.uri}: a server answered, but not with a Bolt version the driver "
                "speaks (ipplan needs Neo4j 5 or later), or not with Bolt at all")
    deepest = [cause for cause in causes if isinstance(cause, DriverError)][-1:] or [exc]
    return f"{target.uri}: cannot reach the Bolt server ({reason(deepest[0])})"


def _causes(exc: BaseException | None) -> Iterator[BaseException]:
    """``exc``, what caused it, and what caused that, through exception groups too (the
    driver gathers the failures of every router it asked)."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        for member in getattr(exc, "exceptions", ()):
            yield from _causes(member)
        exc = exc.__cause__ or exc.__context__


# -- the property graph -------------------------------------------------------------------

_NODES = {
    "Plan": """
        SELECT ?id ?plan_id ?title ?jurisdiction ?source WHERE {
          ?n a ipp:Plan ; dcterms:identifier ?plan_id ; dcterms:title ?title ;
             dcterms:source ?source ; ipp:jurisdiction/skos:prefLabel ?jurisdiction .
          FILTER (lang(?jurisdiction) = "zh") BIND (STR(?n) AS ?id) }""",
    "Theme": """
        SELECT ?id ?plan ?number ?title ?order WHERE {
          ?n a ipp:Theme ; ipp:plan/dcterms:identifier ?plan ; ipp:number ?number ;
             skos:prefLabel ?title ; ipp:order ?order . BIND (STR(?n) AS ?id) }""",
    "Task": """
        SELECT ?id ?plan ?number ?key ?title ?order WHERE {
          ?n a ipp:Task ; ipp:plan/dcterms:identifier ?plan ; ipp:number ?number ;
             ipp:notation ?key ; dcterms:title ?title ; ipp:order ?order .
          BIND (STR(?n) AS ?id) }""",
    "Measure": """
        SELECT ?id ?plan ?measure_id ?number ?text ?order ?deadline ?deadline_text
               ?deadline_kind WHERE {
          ?n a ipp:Measure ; ipp:plan/dcterms:identifier ?plan ; ipp:notation ?measure_id ;
             ipp:number ?number ; ipp:text ?text ; ipp:order ?order ;
             ipp:deadlineText ?deadline_text ; ipp:deadlineKind ?kind .
          OPTIONAL { ?n ipp:deadline ?month }
          BIND (STR(?n) AS ?id) BIND (STR(?month) AS ?deadline)
          BIND (LCASE(REPLACE(STR(?kind), "^.*#|Deadline$", "")) AS ?deadline_kind) }""",
    "Unit": """
        SELECT ?id ?name ?name_en ?kind ?collective ?registered ?jurisdiction ?lead_count
               ?support_count ?load ?load_z ?same_month_share ?theme_count ?overloaded
               ?reason_zh ?reason_en ?betweenness WHERE {
          ?n a ipp:Unit ; skos:prefLabel ?name ; ipp:unitKind/skos:notation ?kind ;
             ipp:collective ?collective ; ipp:registered ?registered ;
             ipp:jurisdiction/skos:prefLabel ?jurisdiction .
          FILTER (lang(?name) = "zh" && lang(?jurisdiction) = "zh")
          OPTIONAL { ?n skos:prefLabel ?name_en FILTER (lang(?name_en) = "en") }
          OPTIONAL { ?n ipp:leadCount ?lead_count ; ipp:supportCount ?support_count ;
                     ipp:loadScore ?load ; ipp:loadZ ?load_z ;
                     ipp:sameMonthShare ?same_month_share ; ipp:themeCount ?theme_count ;
                     ipp:overloaded ?overloaded }
          OPTIONAL { ?n ipp:overloadReason ?reason_zh FILTER (lang(?reason_zh) = "zh") }
          OPTIONAL { ?n ipp:overloadReason ?reason_en FILTER (lang(?reason_en) = "en") }
          OPTIONAL { ?n ipp:betweenness ?betweenness }
          BIND (STR(?n) AS ?id) }""",
    "Cluster": """
        SELECT ?id ?number ?size ?density ?shared_measures ?top_theme WHERE {
          ?n a ipp:Cluster ; ipp:number ?number ; ipp:size ?size ; ipp:density ?density ;
             ipp:sharedMeasureCount ?shared_measures .
          OPTIONAL { ?n ipp:topTheme/skos:prefLabel ?top_theme }
          BIND (STR(?n) AS ?id) }""",
}

# (type, from label, to label, SPARQL giving ?a ?b and optional properties)
_RELATIONSHIPS = (
    ("HAS_THEME", "Plan", "Theme", "SELECT ?a ?b WHERE { ?b a ipp:Theme ; ipp:plan ?a }"),
    ("HAS_TASK", "Theme", "Task", "SELECT ?a ?b WHERE { ?b a ipp:Task ; ipp:theme ?a }"),
    ("HAS_TASK", "Plan", "Task", "SELECT ?a ?b WHERE { ?b a ipp:Task ; ipp:plan ?a "
                                 "FILTER NOT EXISTS { ?b ipp:theme ?t } }"),
    ("HAS_MEASURE", "Task", "Measure", "SELECT ?a ?b WHERE { ?b a ipp:Measure ; ipp:task ?a }"),
    ("LEADS", "Unit", "Measure", "SELECT ?a ?b ?position WHERE { ?b ipp:hasAssignment ?x . "
                                 "?x ipp:unit ?a ; ipp:role ipp:LeadRole ; ipp:position ?position }"),
    ("SUPPORTS", "Unit", "Measure", "SELECT ?a ?b ?position WHERE { ?b ipp:hasAssignment ?x . "
                                    "?x ipp:unit ?a ; ipp:role ipp:SupportRole ; "
                                    "ipp:position ?position }"),
    ("IN_CLUSTER", "Unit", "Cluster", "SELECT ?a ?b WHERE { ?a ipp:inCluster ?b }"),
    ("SHARES", "Cluster", "Measure", "SELECT ?a ?b WHERE { ?a ipp:sharedMeasure ?b }"),
    ("TOP_THEME", "Cluster", "Theme", "SELECT ?a ?b WHERE { ?a ipp:topTheme ?b }"),
)


Columns = list[str]
Rows = list[tuple[Any, ...]]

# The containment relationships: each points to a node's one parent, so a new Theme, Task or
# Measure is created together with the relationship from its parent, in one row.
_CONTAINMENT = ("HAS_THEME", "HAS_TASK", "HAS_MEASURE")


def _rows(graph: Graph, text: str, *keys: str) -> tuple[Columns, Rows]:
    """A query's column names and value tuples, sorted by the ``keys`` columns."""
    from operator import itemgetter

    from ipplan.graph.sparql import select_values
    from ipplan.graph.vocab import PREFIXES

    columns, rows = select_values(graph, text, prefixes=PREFIXES)
    rows.sort(key=itemgetter(*(columns.index(key) for key in keys)))
    return columns, rows


def _node_rows(graph: Graph, label: str) -> tuple[Columns, Rows]:
    """One label's nodes, sorted by id."""
    return _rows(graph, _NODES[label], "id")


def _relationship_rows(graph: Graph, text: str) -> tuple[Columns, Rows]:
    """One relationship's rows: columns ``a``, ``b`` and properties, sorted by ``a``, ``b``."""
    return _rows(graph, text, "a", "b")


def _extract(graph: Graph) -> tuple[dict[str, tuple[Columns, Rows]],
                                    list[tuple[str, str, str, Columns, Rows]]]:
    """The property graph as column names and value tuples: nodes by label (sorted by id)
    and relationships (type, from label, to label, columns ``a``, ``b`` and properties,
    sorted by ``a`` and ``b``)."""
    nodes = {label: _node_rows(graph, label) for label in _NODES}
    relationships = [(kind, source, target, *_relationship_rows(graph, text))
                     for kind, source, target, text in _RELATIONSHIPS]
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
    from neo4j.exceptions import ClientError, DatabaseError

    try:
        for statement in _constraint_statements():
            session.run(statement).consume()
    except (ClientError, DatabaseError):
        return False
    return True


def _constraint_statements() -> list[str]:
    """A unique id for every label (which gives each label an index on id)."""
    return [f"CREATE CONSTRAINT ipplan_{label.lower()}_id IF NOT EXISTS "
            f"FOR (n:{label}) REQUIRE n.id IS UNIQUE" for label in LABELS]


def push_graph(session: Any, graph: Graph, *, batch: int = BATCH) -> dict[str, int]:
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
    stopped half-way and run again leaves the clean ones.
    """
    with collector_paused():
        return _push(session, graph, batch)


def _push(session: Any, graph: Graph, batch: int) -> dict[str, int]:
    """:func:`push_graph`'s work."""
    from concurrent.futures import ThreadPoolExecutor

    ensure_constraints(session)
    session.run("MATCH (c:Cluster) DETACH DELETE c").consume()
    counts: dict[str, int] = {}
    placed: dict[str, dict[str, str]] = {}  # label -> id -> element id, of every node pushed
    earlier: dict[str, set[str]] = {}  # label -> the ids that were in the database before
    done: set[tuple[str, str, str]] = set()  # (type, a, b) created with their nodes
    # One reader works through the SPARQL queries in the order the push needs their rows,
    # while this thread waits for the server.
    reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ipplan-push")
    try:
        wanted: dict[Any, Any] = {}
        for label in _NODES:
            for spec in _RELATIONSHIPS:
                if spec[0] in _CONTAINMENT and spec[2] == label:
                    wanted[spec] = reader.submit(_relationship_rows, graph, spec[3])
            wanted[label] = reader.submit(_node_rows, graph, label)
        for spec in _RELATIONSHIPS:
            if spec not in wanted:
                wanted[spec] = reader.submit(_relationship_rows, graph, spec[3])
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


def _create_relationships(session: Any, kind: str, names: list[str],
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
        _create_relationships(session, kind, [name for _, name in extra], part)
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


def describe(target: Target | None) -> str:
    if target is None:
        return "embedded ArcadeDB Bolt server (127.0.0.1, started by ipplan for each command)"
    return f"{target.uri} (database {target.database or 'default'}, user {target.user})"
