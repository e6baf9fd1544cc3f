"""Starting a test server that a small Java launcher runs (tests/neo4j/, tests/fuseki/): Maven
builds the launcher with the machine's JDK (part of the README's test command); the launcher
prints the server's address as its first line and stops the server when its standard input
closes."""

from __future__ import annotations

import contextlib
import os
import selectors
import subprocess
from collections.abc import Iterator, Sequence
from pathlib import Path


class ServerError(Exception):
    """The launcher is not built, or its server did not start."""


def is_built(module: Path) -> bool:
    """Whether Maven has compiled the launcher in ``module`` and written its classpath."""
    return (module / "target" / "classes").exists() and \
        (module / "target" / "classpath.txt").exists()


def not_built(module: Path, server: str) -> str:
    """What to say when the launcher in ``module`` (for ``server``) is not built."""
    return (f"the {server} test server is not built: run the README's test command "
            f"(mvn -f tests/{module.name}/pom.xml compile)")


@contextlib.contextmanager
def launched(module: Path, main: str, arguments: Sequence[str], work: Path, *, server: str,
             scheme: str, heap: str, timeout: float) -> Iterator[str]:
    """Run ``main`` of the launcher in ``module`` with ``arguments``, its log in
    ``work/server.log``; yields the address it prints (which must start with ``scheme``),
    and stops the server when the block ends. ``server`` names it in errors."""
    if not is_built(module):
        raise ServerError(not_built(module, server))
    classpath = (module / "target" / "classpath.txt").read_text().strip()
    with (work / "server.log").open("wb") as log:
        process = subprocess.Popen(
            ["java", f"-Xmx{heap}", "-cp",
             f"{module / 'target' / 'classes'}{os.pathsep}{classpath}", main, *arguments],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log)
        try:
            ready = selectors.DefaultSelector()
            ready.register(process.stdout, selectors.EVENT_READ)
            if not ready.select(timeout=timeout):
                raise ServerError(f"{server} did not start within {timeout:g} s; see "
                                  f"{work / 'server.log'}")
            address = process.stdout.readline().decode().strip()
            if not address.startswith(scheme):
                raise ServerError(f"{server} did not start: "
                                  + (work / "server.log").read_text()[-2000:])
            yield address
        finally:
            process.stdin.close()  # the launcher stops the server when its input ends
            try:
                process.wait(60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
