"""Shared test helpers: the seed document and a way to run the CLI as a user does."""

from __future__ import annotations

import csv
import os
import shutil
import struct
import subprocess
import sys
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ipplan.cypher import embedded_server, session_scope

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "fuzhou-ip-plan.txt"
EXPECTED = Path(__file__).resolve().parent / "fixtures" / "fuzhou_expected.tsv"

HEADER = "\t重点任务\n\t具体内容\n\t牵头单位\n\t责任单位\n\t完成时限\n\n"
TITLE = "附件1\n\n\t厦门市知识产权工作方案重点任务分解表\n\n"


def table_text(body: str, title: str = TITLE) -> str:
    """A document in the extracted-text layout: title, header row, then ``body``."""
    return title + HEADER + body


def measure_row(measure: str, lead: str, support: str, deadline: str, task: str = "",
                continuation: bool = False) -> str:
    """One row of the extracted-text layout, as the seed writes it."""
    head = "\t\n\t\n" if continuation else (f"\t{task}\n" if task else "")
    return head + f"\t{measure}\n\t{lead}\n\t{support}\n\t{deadline}\n\n"


@pytest.fixture(scope="session")
def source_copy(tmp_path_factory) -> Path:
    """The tracked files of the checkout, as a fresh clone would have them: what the tests
    that build the package build from, so that the checkout is left as it was (a build
    writes build/ and *.egg-info beside the sources)."""
    source = tmp_path_factory.mktemp("src")
    tracked = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout.split("\n")
    for name in filter(None, tracked):
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    return source


@pytest.fixture(scope="session")
def expected_rows() -> list[dict[str, str]]:
    """The seed's measures as typed by hand from the document (not from the loader)."""
    with EXPECTED.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


@dataclass
class Result:
    code: int
    out: str
    err: str


def run_ipplan(*args: str | Path, cwd: Path | None = None, env: dict | None = None) -> Result:
    """Run the real command line in a child process, as a user would."""
    proc = subprocess.run(
        [sys.executable, "-m", "ipplan", *map(str, args)],
        capture_output=True, text=True, cwd=cwd, env=env, timeout=300, stdin=subprocess.DEVNULL,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture(scope="session")
def seed_plan():
    from ipplan.loaders import load_document

    return load_document(SEED)


@pytest.fixture(scope="session")
def seed_graph(seed_plan):
    from ipplan.graph.build import build_graph

    return build_graph([seed_plan])


@pytest.fixture(scope="session")
def seed_ttl(tmp_path_factory, seed_graph) -> Path:
    from ipplan.graph.io import write_graph

    path = tmp_path_factory.mktemp("graph") / "fuzhou.ttl"
    write_graph(seed_graph, path)
    return path


# Bolt servers the Cypher tests run on: the embedded ArcadeDB that ipplan starts itself, and
# a real Neo4j 5 (Community, LTS) from Neo4j's test harness, built by the README's test command.
BOLT_SERVERS = ("arcadedb", "neo4j")


def _needs_built(built: bool, why: str) -> None:
    """A test server Maven has not built: the test is skipped, except in CI, where the
    README's test command builds it and its absence is a failure."""
    if not built:
        if os.environ.get("CI"):
            pytest.fail(why)
        pytest.skip(why)


@pytest.fixture(scope="session")
def neo4j_uri(tmp_path_factory) -> Iterator[str]:
    """The Bolt URI of a real Neo4j 5 server on 127.0.0.1, started once for the run."""
    from neo4j_server import NOT_BUILT, ServerError, is_built, neo4j_server

    _needs_built(is_built(), NOT_BUILT)
    try:
        with neo4j_server(tmp_path_factory.mktemp("neo4j")) as uri:
            yield uri
    except ServerError as exc:
        pytest.fail(str(exc))


def neo4j_target(uri: str):
    from neo4j_server import target

    return target(uri)


@pytest.fixture(scope="session", params=BOLT_SERVERS)
def bolt(request):
    """A session on a real Bolt server, started once for the run: the embedded ArcadeDB
    server (it stops when the run ends), and Neo4j 5 itself."""
    target = (neo4j_target(request.getfixturevalue("neo4j_uri"))
              if request.param == "neo4j" else None)
    with session_scope(target) as session:
        yield session


@pytest.fixture()
def bolt_target(request, bolt):
    """Where the ``bolt`` session of this test goes, for a child ``ipplan`` to push there."""
    if request.node.callspec.params["bolt"] == "neo4j":
        return neo4j_target(request.getfixturevalue("neo4j_uri"))
    return embedded_server().target


@pytest.fixture(scope="session")
def embedded_bolt():
    """A session on the embedded ArcadeDB server, for what only it does (its JVM, its ports)."""
    with session_scope() as session:
        yield session


@pytest.fixture()
def empty_bolt(bolt):
    bolt.run("MATCH (n) DETACH DELETE n").consume()
    return bolt


XIAMEN_PROSE = """厦门市知识产权强市建设工作方案
一、完善知识产权政策体系
（一）加强政策供给
1. 修订资助办法。（市市场监管局牵头，市财政局、各县（市）区政府配合，2022年12月底前完成）
2. 建立专利导航协作机制。（市科技局牵头，市教育局、市财政局配合，2023年上半年）
（二）强化保护
1. 加大执法力度。（市法院牵头，市检察院、市公安局配合，长期坚持）
2. 推进海关保护。（厦门海关牵头，市商务局、市公安局配合，每年）
"""


# Where an analysed graph lives: Oxigraph in memory (the default), rdflib's own in-memory
# store (the benchmark's baseline), and a workspace on disk opened read-only, as
# `ipplan load --store DIR` writes it and `--store DIR` reads it.
STORES = ("oxigraph", "rdflib", "workspace")


def analysed_graph(plans, store: str, folder: Path):
    """The plans built and analysed into a graph on ``store``."""
    from ipplan.graph.analytics import analyse, write_analysis
    from ipplan.graph.build import build_graph
    from ipplan.graph.engine import new_graph
    from ipplan.graph.workspace import open_workspace, write_workspace

    graph = build_graph(plans, graph=new_graph("rdflib" if store == "rdflib"
                                                      else "oxigraph"))
    result = analyse(graph)
    write_analysis(graph, result)
    if store != "workspace":
        return graph
    write_workspace(graph, folder / "store", plans=[p.id for p in plans],
                           measures=sum(len(p.measures) for p in plans),
                           analysis=result.parameters.key(), sources=[])
    return open_workspace(folder / "store")


@pytest.fixture(scope="session", params=STORES)
def seed_analysed(request, tmp_path_factory, seed_plan):
    """The seed, analysed, on each store."""
    return analysed_graph([seed_plan], request.param, tmp_path_factory.mktemp("seed"))


@pytest.fixture(scope="session", params=STORES)
def corpus_graph(request, tmp_path_factory, seed_plan):
    """Two cities' plans in one graph, analysed: Fuzhou's seed and a small Xiamen plan, on
    each store."""
    from ipplan.loaders import load_document

    folder = tmp_path_factory.mktemp("xm")
    path = folder / "xiamen.txt"
    path.write_text(XIAMEN_PROSE, "utf-8")
    return analysed_graph([seed_plan, load_document(path)], request.param, folder)


def png_size(path: Path) -> tuple[int, int]:
    """Width and height of a PNG."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def png_colours(path: Path) -> set[bytes]:
    """The distinct RGB colours of a PNG (8-bit RGB/RGBA, no interlace; every fourth pixel of
    every fourth row), with the standard library."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks, header = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            chunks.append(body)
        pos += 12 + length
    width, height, depth, colour = header[:4]
    channels = {2: 3, 6: 4}[colour]
    raw = zlib.decompress(b"".join(chunks))
    stride = width * channels
    previous = bytearray(stride)
    seen = set()
    for row in range(height):
        start = row * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                pred = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[i] = (line[i] + pred) & 255
        if row % 4 == 0:
            seen.update(bytes(line[i:i + 3]) for i in range(0, stride, channels * 4))
        previous = line
    return seen


# A real SPARQL 1.1 store: Apache Jena Fuseki from Maven Central, built by the README's test
# command, with HTTP basic authentication (the credentials test needs it, and every other
# test then logs in as an office's ipplan would).
FUSEKI_USER = "ipplan-tests"
FUSEKI_PASSWORD = "correct horse 电池 staple"


@pytest.fixture(scope="session")
def fuseki_url(tmp_path_factory) -> Iterator[str]:
    """The dataset URL of a real Fuseki on 127.0.0.1 (query and update), started once for
    the run, with basic authentication (:data:`FUSEKI_USER`, :data:`FUSEKI_PASSWORD`)."""
    from fuseki_server import NOT_BUILT, ServerError, fuseki_server, is_built

    _needs_built(is_built(), NOT_BUILT)
    try:
        with fuseki_server(tmp_path_factory.mktemp("fuseki"), user=FUSEKI_USER,
                           password=FUSEKI_PASSWORD) as url:
            yield url
    except ServerError as exc:
        pytest.fail(str(exc))
