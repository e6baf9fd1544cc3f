"""A real SPARQL 1.1 store on 127.0.0.1 for the tests and the benchmark: Apache Jena Fuseki
(jena-fuseki-main) behind the launcher in tests/fuseki/, which Maven builds
(``mvn -f tests/fuseki/pom.xml compile``, part of the README's test command) and which prints
its dataset URL, then stops the server when its standard input closes."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from java_launcher import ServerError, is_built as launcher_built, launched, not_built

SERVER = Path(__file__).resolve().parent / "fuseki"
NOT_BUILT = not_built(SERVER, "Fuseki")


def is_built() -> bool:
    return launcher_built(SERVER)


@contextlib.contextmanager
def fuseki_server(work: Path, *, user: str | None = None, password: str | None = None,
                  heap: str = "1g", timeout: float = 120) -> Iterator[str]:
    """Start Fuseki with one in-memory dataset (with basic authentication when ``user`` and
    ``password`` are given); yields the dataset's URL (it answers queries and updates), and
    stops the server when the block ends."""
    credentials = [user, password] if user is not None else []
    work.mkdir(parents=True, exist_ok=True)
    with launched(SERVER, "ipplan.testserver.FusekiLauncher", [str(work), *credentials], work,
                  server="Fuseki", scheme="http://", heap=heap, timeout=timeout) as url:
        yield url
