"""A real SPARQL 1.1 store on 127.0.0.1 for the tests and the benchmark: Apache Jena Fuseki
(jena-fuseki-main) behind the launcher in tests/fuseki/, which Maven builds
(``mvn -f tests/fuseki/pom.xml compile``, part of the README's test command) and which prints
its dataset URL, then stops the server when its standard input closes."""

from __future__ import annotations

import contextlib
import os
import selectors
import subprocess
from collections.abc import Iterator
from pathlib import Path

SERVER = Path(__file__).resolve().parent / "fuseki"
NOT_BUILT = ("the Fuseki test server is not built: run the README's test command "
             "(mvn -f tests/fuseki/pom.xml compile)")


class ServerError(Exception):
    """The launcher is not built, or Fuseki did not start."""


def is_built() -> bool:
    return (SERVER / "target" / "classes").exists() and \
        (SERVER / "target" / "classpath.txt").exists()


@contextlib.contextmanager
def fuseki_server(work: Path, *, user: str | None = None, password: str | None = None,
                  heap: str = "1g", timeout: float = 120) -> Iterator[str]:
    """Start Fuseki with one in-memory dataset (with basic authentication when ``user`` and
    ``password`` are given); yields the dataset's URL (it answers queries and updates), and
    stops the server when the block ends."""
    if not is_built():
        raise ServerError(NOT_BUILT)
    classpath = (SERVER / "target" / "classpath.txt").read_text().strip()
    credentials = [user, password] if user is not None else []
    work.mkdir(parents=True, exist_ok=True)
    with (work / "server.log").open("wb") as log:
        server = subprocess.Popen(
            ["java", f"-Xmx{heap}", "-cp",
             f"{SERVER / 'target' / 'classes'}{os.pathsep}{classpath}",
             "ipplan.testserver.FusekiLauncher", str(work), *credentials],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log)
        try:
            ready = selectors.DefaultSelector()
            ready.register(server.stdout, selectors.EVENT_READ)
            if not ready.select(timeout=timeout):
                raise ServerError(f"Fuseki did not start within {timeout:g} s; see "
                                  f"{work / 'server.log'}")
            url = server.stdout.readline().decode().strip()
            if not url.startswith("http://"):
                raise ServerError("Fuseki did not start: "
                                  + (work / "server.log").read_text()[-2000:])
            yield url
        finally:
            server.stdin.close()  # the launcher stops the server when its input ends
            try:
                server.wait(60)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
