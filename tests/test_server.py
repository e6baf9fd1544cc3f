"""The embedded ArcadeDB server in ipplan's own process: its database and indexes, its
JVM beside Python (garbage collection, signals, log, heap, collector), and nothing of it
left behind."""

from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys

import _jpype
import pytest

from conftest import SEED, run_ipplan
from ipplan.cypher import LABELS, EmbeddedServer, session_scope


def _without_neo4j_settings() -> dict[str, str]:
    """This environment without NEO4J_*: the embedded server is the one used."""
    return {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}


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
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          env=_without_neo4j_settings(), timeout=120, cwd=tmp_path)
    assert done.returncode == 0 and done.stdout == "done\n", done.stderr
    assert done.stderr == ""



def test_no_java_left_behind_and_nothing_written_here(tmp_path):
    result = run_ipplan("query", "run", "brokers", SEED, "--engine", "cypher", cwd=tmp_path)
    assert result.code == 0, result.err
    assert list(tmp_path.iterdir()) == []  # ArcadeDB would write ./log here if not silenced
    assert result.err == ""


def test_sigterm_stops_the_embedded_server_cleanly(tmp_path):
    """ipplan as a library: SIGTERM ends the program with 143 and the server's folder goes (the
    child has a temporary folder of its own, which others' servers can't touch)."""
    temporary, work = tmp_path / "tmp", tmp_path / "work"
    temporary.mkdir()
    work.mkdir()
    child = subprocess.Popen(
        [sys.executable, "-c",
         "import time\nfrom ipplan.cypher import session_scope\n"
         "with session_scope() as s:\n    s.run('RETURN 1').consume()\n"
         "    print('up', flush=True)\n    time.sleep(120)\n"],
        cwd=work, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**_without_neo4j_settings(), "TMPDIR": str(temporary)})
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
