"""A real Neo4j 5 (Community, LTS) on 127.0.0.1 for the tests and the benchmark: Neo4j's
in-process test harness behind the launcher in tests/neo4j/, which Maven builds
(``mvn -f tests/neo4j/pom.xml compile``, part of the README's test command) and which prints
its Bolt URI, then stops the server when its standard input closes."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from ipplan.cypher import Target

from java_launcher import ServerError, is_built as launcher_built, launched, not_built

SERVER = Path(__file__).resolve().parent / "neo4j"
NOT_BUILT = not_built(SERVER, "Neo4j 5")


def is_built() -> bool:
    return launcher_built(SERVER)


@contextlib.contextmanager
def neo4j_server(work: Path, *, heap: str = "1g", timeout: float = 240) -> Iterator[str]:
    """Start Neo4j with its database and log in ``work``; yields its Bolt URI, and stops it
    when the block ends."""
    with launched(SERVER, "ipplan.testserver.Launcher", [str(work / "db")], work,
                  server="Neo4j 5", scheme="bolt://", heap=heap, timeout=timeout) as uri:
        yield uri.rstrip("/")


def target(uri: str) -> Target:
    """The ipplan Bolt target of that server (the harness runs without authentication)."""
    return Target(uri, "neo4j", "unused", None, embedded=False)
