"""The stores behind the graph: Oxigraph in memory (default), rdflib's own (the baseline),
and workspaces on disk written by `ipplan load --store DIR` and read with `--store DIR`."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SEED, run_ipplan
from ipplan.graph.build import build_graph
from ipplan.graph.engine import engine_of, new_graph, oxigraph_of, triple_count
from ipplan.graph.io import serialize
from ipplan.graph.sparql import bind, select, select_values
from ipplan.graph.workspace import (SNAPSHOT, describe, open_workspace, read_workspace,
                                    write_workspace)

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def test_both_engines_build_the_same_graph_byte_for_byte(seed_plan):
    on_oxigraph = build_graph([seed_plan], graph=new_graph("oxigraph"))
    on_rdflib = build_graph([seed_plan], graph=new_graph("rdflib"))
    assert (engine_of(on_oxigraph), engine_of(on_rdflib)) == ("oxigraph", "rdflib")
    assert serialize(on_oxigraph, "nt") == serialize(on_rdflib, "nt")
    assert serialize(on_oxigraph, "turtle") == serialize(on_rdflib, "turtle")


def test_files_are_the_same_on_both_engines_with_decimals_and_tricky_text(seed_plan):
    """Oxigraph writes the N-Triples itself; an integral decimal is written in its canonical
    form ("1", as Oxigraph keeps it) whatever form rdflib's store holds it in, and text
    that looks like one inside a string stays as it is."""
    from decimal import Decimal

    from rdflib import Literal, URIRef
    from rdflib.namespace import XSD

    from ipplan.graph.analytics import analyse, write_analysis

    files = {}
    for engine in ("oxigraph", "rdflib"):
        graph = build_graph([seed_plan], graph=new_graph(engine))
        write_analysis(graph, analyse(graph))
        thing = URIRef("https://w3id.org/ipplan/id/test/thing")
        graph.add((thing, URIRef("urn:p:decimal"), Literal(Decimal("1.0"), datatype=XSD.decimal)))
        graph.add((thing, URIRef("urn:p:negative"), Literal(Decimal("-12.00"))))
        graph.add((thing, URIRef("urn:p:text"),
                   Literal('"12"^^<http://www.w3.org/2001/XMLSchema#decimal> 与 \\"3"')))
        files[engine] = (serialize(graph, "nt"), serialize(graph, "turtle"))
    assert files["oxigraph"] == files["rdflib"]
    nt = files["oxigraph"][0].decode("utf-8")
    assert '<urn:p:decimal> "1"^^<http://www.w3.org/2001/XMLSchema#decimal>' in nt
    assert '<urn:p:negative> "-12"^^<http://www.w3.org/2001/XMLSchema#decimal>' in nt
    assert '\\"12\\"^^<http://www.w3.org/2001/XMLSchema#decimal>' in nt  # untouched
    assert nt.splitlines() == sorted(nt.splitlines())


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_bound_values_stay_values_on_both_engines(seed_plan, engine):
    graph = build_graph([seed_plan], graph=new_graph(engine))
    text = ('PREFIX skos: <http://www.w3.org/2004/02/skos/core#> '
            'SELECT ?u WHERE { ?u skos:prefLabel ?name FILTER (STR(?name) = ?unit) }')
    assert len(list(select(graph, text, {"unit": "市法院"}))) == 1
    for hostile in ['市法院") || true || ("', '市法院" } UNION { ?u ?p ?o } #', "a\\", "x\n}"]:
        assert list(select(graph, text, {"unit": hostile})) == []
    # a column that is a parameter keeps its name and takes the value
    rows = list(select(graph, "SELECT ?unit WHERE {}", {"unit": "值"}))
    assert [str(row[0]) for row in rows] == ["值"]
    assert bind("SELECT ?x WHERE { ?x ?p '?unit' }", {"unit": "v"}) == \
        "SELECT ?x WHERE { ?x ?p '?unit' }"


def test_plain_values_are_the_same_on_both_engines_and_converted_once(seed_plan):
    text = ('PREFIX ipp: <https://w3id.org/ipplan/ontology#> '
            'PREFIX skos: <http://www.w3.org/2004/02/skos/core#> '
            'SELECT ?m ?unit ?deadline ?n ?none WHERE { ?m ipp:leadUnit ?u . '
            '?u skos:prefLabel ?unit FILTER (lang(?unit) = "zh") ?m ipp:deadline ?deadline '
            'OPTIONAL { ?m ipp:noSuchProperty ?none } BIND (1 + 1 AS ?n) } ORDER BY ?m ?unit')
    answers = {}
    for engine in ("oxigraph", "rdflib"):
        seen = []

        def plain(term, seen=seen):
            seen.append(term)
            return term.toPython() if hasattr(term, "toPython") else term

        graph = build_graph([seed_plan], graph=new_graph(engine))
        answers[engine] = select_values(graph, text, plain=plain)
        names, rows = answers[engine]
        assert names == ["m", "unit", "deadline", "n", "none"]
        assert len(rows) >= 60 and {row[4] for row in rows} == {None}  # unbound stays None
        assert {row[3] for row in rows} == {2}
        if engine == "oxigraph":  # every distinct term once, however many rows hold it
            assert len(seen) == len(set(seen)) < 4 * len(rows) / 2
            assert not any(term is None for term in seen)
    assert answers["oxigraph"] == answers["rdflib"]


def _tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("ws") / "fuzhou"
    result = run_ipplan("load", SEED, "--store", folder)
    assert result.code == 0, result.err
    assert f"ipplan: wrote workspace {folder}: 1 plan(s), 60 measures" in result.err
    assert result.out == ""
    mark = json.loads((folder / "ipplan-store.json").read_text("utf-8"))
    assert mark["plans"] == ["fuzhou-ip-plan"] and mark["measures"] == 60
    return folder


READS = [
    ("stats", "--json"),
    ("export", "--format", "csv"),
    ("units", "--format", "csv"),
    ("plans", "--format", "json"),
    ("validate", "--format", "json"),
    ("query", "run", "collaboration-pairs", "--format", "csv"),
    ("query", "run", "unit-profile", "-p", "unit=市法院", "--format", "csv"),
    ("query", "run", "overloaded-units", "-p", "top=3", "--format", "csv"),
    ("query", "run", "collaboration-clusters", "-p", "resolution=1.0", "--format", "csv"),
]


@pytest.mark.parametrize("command", READS, ids=lambda c: "-".join(c[:3]))
def test_a_workspace_answers_like_the_document(workspace, command):
    before = _tree(workspace)
    from_document = run_ipplan(*command, SEED)
    from_store = run_ipplan(*command, "--store", workspace)
    assert from_store.code == from_document.code == 0, from_store.err
    assert from_store.out == from_document.out
    assert from_store.out.strip()
    assert _tree(workspace) == before  # reading never changes the workspace


def test_brief_and_pages_from_a_workspace(workspace, tmp_path):
    from_store = run_ipplan("brief", "--store", workspace, "-o", tmp_path / "a", "--no-snapshots")
    from_document = run_ipplan("brief", SEED, "-o", tmp_path / "b", "--no-snapshots")
    assert from_store.code == from_document.code == 0, from_store.err
    for name in ("data/assignments.csv", "data/units.csv", "data/stats.json",
                 "data/queries/overloaded-units.csv", "data/queries/collaboration-clusters.csv",
                 "data/fuzhou-ip-plan.ttl"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    page = run_ipplan("viz", "network", "--store", workspace, "-o", tmp_path / "n.html")
    assert page.code == 0, page.err


def test_workspace_mistakes_are_one_line_and_harm_nothing(workspace, tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me", "utf-8")
    refused = run_ipplan("load", SEED, "--store", mine)
    assert refused.code == 2 and "is not an ipplan workspace and is not empty" in refused.err
    assert (mine / "notes.txt").read_text("utf-8") == "keep me"
    for folder, message in [(mine, "is not an ipplan workspace"),
                            (tmp_path / "missing", "no such workspace")]:
        result = run_ipplan("stats", "--store", folder)
        assert result.code == 2 and message in result.err
        assert len(result.err.strip().splitlines()) == 1 and "Traceback" not in result.err
    both = run_ipplan("stats", SEED, "--store", workspace)
    assert both.code == 2 and "not both" in both.err
    damaged = tmp_path / "damaged"
    damaged.mkdir()
    (damaged / "ipplan-store.json").write_text("{", "utf-8")
    result = run_ipplan("stats", "--store", damaged)
    assert result.code == 2 and "is damaged" in result.err


def test_commands_that_read_it_all_load_the_snapshot_of_the_same_triples(workspace, tmp_path):
    """A pack, a validation or a whole table reads the workspace into memory from its snapshot
    (or, for a workspace written without one, from the store): the same triples either way."""

    def quads(graph):
        inner = oxigraph_of(graph)
        return sorted(str(q) for q in inner.quads_for_pattern(None, None, None, None))

    on_disk = quads(open_workspace(workspace))
    assert (workspace / SNAPSHOT).stat().st_size > 0
    assert quads(read_workspace(workspace)) == on_disk and len(on_disk) > 3000
    older = tmp_path / "older"
    shutil.copytree(workspace, older)
    (older / SNAPSHOT).unlink()
    assert quads(read_workspace(older)) == on_disk
    assert run_ipplan("export", "--store", older).out == run_ipplan("export", SEED).out


def test_a_workspace_reports_progress_through_what_the_caller_gives(workspace, tmp_path):
    """The graph stage draws no bars: reading and writing a workspace report through the
    callables the caller gives (the command line passes its terminal bars)."""
    lengths = []

    @contextlib.contextmanager
    def reading(stream, length):
        lengths.append(length)
        yield stream

    graph = read_workspace(workspace, progress=reading)
    assert lengths == [(workspace / SNAPSHOT).stat().st_size]
    stored = []

    def storing(quads):
        for quad in quads:
            stored.append(quad)
            yield quad

    written = write_workspace(graph, tmp_path / "copy", plans=["fuzhou-ip-plan"], measures=60,
                              analysis="", sources=[], progress=storing)
    assert len(stored) == written.triples == triple_count(graph) > 3000
    for path in sorted((ROOT / "graph").glob("*.py")):
        assert "ipplan.progress" not in path.read_text("utf-8"), path


@pytest.mark.parametrize("damage", ["truncated", "not gzip"])
def test_a_damaged_snapshot_is_one_line(workspace, tmp_path, damage):
    broken = tmp_path / "broken"
    shutil.copytree(workspace, broken)
    data = (broken / SNAPSHOT).read_bytes()
    (broken / SNAPSHOT).write_bytes(data[:len(data) // 2] if damage == "truncated"
                                    else b"<a> <b> <c> .\n")
    result = run_ipplan("validate", "--store", broken)
    assert result.code == 2, result.err
    assert result.err.startswith(f"ipplan: error: {broken}: {SNAPSHOT} is damaged")
    assert result.err.strip().endswith("write the workspace again")
    assert len(result.err.strip().splitlines()) == 1 and "Traceback" not in result.err
    assert run_ipplan("stats", "--store", broken).code == 0  # the store itself still answers


def test_load_replaces_a_workspace_whole(tmp_path):
    folder = tmp_path / "ws"
    assert run_ipplan("load", SEED, "--store", folder).code == 0
    xiamen = tmp_path / "xiamen.txt"
    from conftest import XIAMEN_PROSE
    xiamen.write_text(XIAMEN_PROSE, "utf-8")
    again = run_ipplan("load", xiamen, "--store", folder)
    assert again.code == 0, again.err
    assert describe(folder).plans == ("xiamen",)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ws", "xiamen.txt"]  # no leftovers
    plans = run_ipplan("plans", "--store", folder, "--format", "csv")
    assert "xiamen" in plans.out and "fuzhou" not in plans.out


def test_progress_shows_on_a_terminal_only(tmp_path):
    sys.path.insert(0, str(BENCHMARKS))
    from generate import generate

    paths = generate(tmp_path / "docs", 1500, seed=5)  # 25 plans: enough for a bar
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "IPPLAN_PROGRESS")}
    command = [sys.executable, "-m", "ipplan", "stats", *map(str, paths)]
    piped = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    assert piped.returncode == 0 and piped.stderr == ""
    leader, follower = os.openpty()
    try:
        on_terminal = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=follower,
                                     env=env, timeout=300)
        os.close(follower)
        seen = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    finally:
        os.close(leader)
    assert on_terminal.returncode == 0
    assert b"reading" in seen and b"25/25" in seen
    in_ci = subprocess.run(command, capture_output=True, text=True, timeout=300,
                           env={**env, "CI": "true"})
    assert in_ci.stderr == ""


def test_reading_a_snapshot_shows_its_progress_on_a_terminal_only(tmp_path, monkeypatch):
    """Reading a big workspace's snapshot (10 s at 100,000 measures) draws a bar on a
    terminal, and the bytes pass through it unchanged; in CI nothing is drawn."""
    import gzip
    import io

    from ipplan.progress import reading

    data = gzip.compress("<s> <p> \"述\" .\n".encode() * 5000)

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    for ci, expected in ((None, True), ("true", False)):
        if ci:
            monkeypatch.setenv("CI", ci)
        else:
            monkeypatch.delenv("CI", raising=False)
        monkeypatch.delenv("IPPLAN_PROGRESS", raising=False)
        terminal = Terminal()
        monkeypatch.setattr(sys, "stderr", terminal)
        with reading(io.BytesIO(data), "reading the workspace", length=len(data),
                     minimum=0) as counted, gzip.GzipFile(fileobj=counted) as text:
            assert text.read() == gzip.decompress(data)
        shown = terminal.getvalue()
        assert ("reading the workspace" in shown and "100%" in shown) is expected

