"""A real Neo4j 5 (Community, LTS) on 127.0.0.1 for the tests and the benchmark: Neo4j's
in-process test harness behind the launcher in tests/neo4j/, which Maven builds
(``mvn -f tests/neo4j/pom.xml compile``, part of the README's test command) and which prints
its Bolt URI, then stops the server when its standard input closes."""

from __future__ import annotations

import contextlib
import os
import selectors
import subprocess
from collections.abc import Iterator
from pathlib import Path

from ipplan.cypher import Target

SERVER = Path(__file__).resolve().parent / "neo4j"
NOT_BUILT = ("the Neo4j 5 test server is not built: run the README's test command "
             "(mvn -f tests/neo4j/pom.xml compile)")


class ServerError(Exception):
    """The launcher is not built, or Neo4j did not start."""


def is_built() -> bool:
    return (SERVER / "target" / "classes").exists() and \
        (SERVER / "target" / "classpath.txt").exists()


@contextlib.contextmanager
def neo4j_server(work: Path, *, heap: str = "1g", timeout: float = 240) -> Iterator[str]:
    """Start Neo4j with its database and log in ``work``; yields its Bolt URI, and stops it
    when the block ends."""
    if not is_built():
        raise ServerError(NOT_BUILT)
    classpath = (SERVER / "target" / "classpath.txt").read_text().strip()
    with (work / "server.log").open("wb") as log:
        server = subprocess.Popen(
            ["java", f"-Xmx{heap}", "-cp",
             f"{SERVER / 'target' / 'classes'}{os.pathsep}{classpath}",
             "ipplan.testserver.Launcher", str(work / "db")],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log)
        try:
            ready = selectors.DefaultSelector()
            ready.register(server.stdout, selectors.EVENT_READ)
            if not ready.select(timeout=timeout):
                raise ServerError(f"Neo4j 5 did not start within {timeout:g} s; see "
                                  f"{work / 'server.log'}")
            uri = server.stdout.readline().decode().strip()
            if not uri.startswith("bolt://"):
                raise ServerError("Neo4j 5 did not start: "
                                  + (work / "server.log").read_text()[-2000:])
            yield uri.rstrip("/")
        finally:
            server.stdin.close()  # the launcher stops the server when its input ends
            try:
                server.wait(60)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def target(uri: str) -> Target:
    """The ipplan Bolt target of that server (the harness runs without authentication)."""
    return Target(uri, "neo4j", "unused", None, embedded=False)
