"""Which Bolt server Cypher goes to: the user's Neo4j, or an embedded server that ipplan
starts itself.

With ``NEO4J_URI`` set (and ``NEO4J_USER``, ``NEO4J_PASSWORD``, ``NEO4J_DATABASE``), the
official neo4j driver talks to that server. Without it, ipplan starts ArcadeDB (the PyPI
package ``arcadedb-embedded``, which brings its own JRE) with its Bolt plugin, inside this
Python process: bound to 127.0.0.1, on free ports, with a fresh random root password and a
temporary folder, and stopped when the work is done or ipplan exits. Because the JVM runs in
this process, no Java process can outlive ipplan.
"""

from __future__ import annotations

import atexit
import contextlib
import faulthandler
import gc
import math
import os
import re
import secrets
import shutil
import signal
import socket
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from ipplan.cypher.schema import constraint_statements
from ipplan.errors import IpplanError, reason
from ipplan.stopping import held, ignored_from_now, stop_on

__all__ = ["BOLT_SCHEMES", "DEFAULT_TIMEOUT", "QUERY_HEAP_SHARE", "BoltError", "EmbeddedServer",
           "Target", "configured_target", "describe", "embedded_server", "user_variable"]


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
    return Target(uri, user_variable()[1], os.environ.get("NEO4J_PASSWORD", ""),
                  os.environ.get("NEO4J_DATABASE") or None, embedded=False,
                  timeout=_timeout())


def user_variable() -> tuple[str, str]:
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
                # heavy and optional: arcadedb-embedded brings JPype (a tenth of a second to
                # import), which only a command that starts the server needs
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
            quiet = resources.files("ipplan.cypher").joinpath("jvm-logging.properties")
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
                    for statement in constraint_statements():  # the schema comes with it
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
    if faulthandler.is_enabled():
        faulthandler.disable()


def _unhook_jpype_from_pythons_gc() -> None:
    """JPype hooks every Python garbage collection to decide whether to run Java's too, and
    on glibc each hook calls mallinfo(), which walks every malloc arena: with the JVM in this
    process that made all Python code that allocates (building rows, reading results) 7 to
    20 times slower, worse the longer the server ran (the rows of a 20,000-measure push took
    45 s to build instead of 1.7 s). ipplan keeps no Java objects alive from Python but the
    server itself, so Java's own collector is all the JVM needs."""
    try:
        import _jpype  # heavy and optional, as in EmbeddedServer.start; loaded by now
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
    import jpype  # heavy and optional, as in EmbeddedServer.start; loaded with the server

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
    import jpype  # heavy and optional, as in EmbeddedServer.start; loaded with the server

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



def describe(target: Target | None) -> str:
    """``target`` in words for the user, or the embedded server's when it is None."""
    if target is None:
        return "embedded ArcadeDB Bolt server (127.0.0.1, started by ipplan for each command)"
    return f"{target.uri} (database {target.database or 'default'}, user {target.user})"
