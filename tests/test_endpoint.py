"""ipplan against a real SPARQL 1.1 store (Apache Jena Fuseki on 127.0.0.1, with basic
authentication): ``load --endpoint`` writes one named graph per plan, and every reading command
answers from the store what it answers from memory, byte for byte."""

from __future__ import annotations

import json
import os
import socket
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from conftest import FUSEKI_PASSWORD, FUSEKI_USER, SEED, XIAMEN_PROSE, run_ipplan

FOREIGN = "http://example.org/other-office/graph"
# what another tool keeps in the same store: looks like ipplan's data, must never be read
FOREIGN_DATA = ("<https://w3id.org/ipplan/id/plan/stray> a "
                "<https://w3id.org/ipplan/ontology#Plan> ; "
                "<http://purl.org/dc/terms/identifier> \"stray\" .")
QUERIES = ("brokers", "collaboration-clusters", "collaboration-pairs", "cross-theme-units",
           "deadline-load", "overloaded-units", "task-coordination", "theme-overview",
           "unit-workload")


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IPPLAN_SPARQL_")}
    env.update(IPPLAN_SPARQL_USER=FUSEKI_USER, IPPLAN_SPARQL_PASSWORD=FUSEKI_PASSWORD)
    env.update(extra)
    return env


def _update(url: str, text: str) -> None:
    answer = requests.post(url, data=text.encode(), auth=(FUSEKI_USER.encode(), FUSEKI_PASSWORD.encode()),
                           headers={"Content-Type": "application/sparql-update"}, timeout=60)
    answer.raise_for_status()


def _graph(url: str, name: str | None) -> list[str]:
    """The sorted N-Triples lines of one named graph (None: the default graph) of the store."""
    where = f"GRAPH <{name}> {{ ?s ?p ?o }}" if name else "?s ?p ?o"
    answer = requests.post(url, data={"query": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {where} }}"},
                           auth=(FUSEKI_USER.encode(), FUSEKI_PASSWORD.encode()),
                           headers={"Accept": "application/n-triples"}, timeout=60)
    answer.raise_for_status()
    return sorted(line for line in answer.text.splitlines() if line.strip())


@pytest.fixture()
def store(fuseki_url) -> str:
    """The Fuseki dataset, emptied, with another office's graph and a default-graph triple in
    it that ipplan must neither read nor touch."""
    _update(fuseki_url, "DROP ALL")
    _update(fuseki_url, f"INSERT DATA {{ GRAPH <{FOREIGN}> {{ {FOREIGN_DATA} }} }}")
    _update(fuseki_url, f"INSERT DATA {{ {FOREIGN_DATA} }}")
    return fuseki_url


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> list[Path]:
    """Several cities' plans: the seed, a prose plan of Xiamen, and three generated plans."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    from generate import generate  # the benchmarks' corpus generator, found on that path

    folder = tmp_path_factory.mktemp("corpus")
    xiamen = folder / "xiamen.txt"
    xiamen.write_text(XIAMEN_PROSE, "utf-8")
    return [SEED, xiamen, *generate(folder / "generated", 150, per_plan=50)]


def _ok(*args: str | Path, env: dict[str, str] | None = None) -> str:
    """The standard output of a command that succeeds, run in this process (the comparisons
    run dozens of commands; the failures below run the real command line in a child)."""
    from click.testing import CliRunner

    from ipplan.cli import cli

    environment = env or _env()
    unset = {k: None for k in os.environ if k.startswith("IPPLAN_SPARQL_")
             and k not in environment}
    result = CliRunner(env={**{k: v for k, v in environment.items()
                               if k.startswith("IPPLAN_SPARQL_")}, **unset}
                       ).invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def _same_answers(url: str, documents: list[Path], tmp_path: Path,
                  env: dict[str, str] | None = None) -> None:
    """Every reading command gives the same bytes from the store as from the documents."""
    for command in (["stats", "--json"], ["export"], ["export", "--format", "json"],
                    ["units"], ["plans"], ["validate", "--format", "json"]):
        assert _ok(*command, "--endpoint", url, env=env) == _ok(*command, *documents), command
    for name in QUERIES:
        assert _ok("query", "run", name, "--endpoint", url, "--format", "csv", env=env) == \
            _ok("query", "run", name, *documents, "--format", "csv"), name
    assert _ok("query", "run", "unit-profile", "-p", "unit=市科技局", "--endpoint", url,
               env=env) == _ok("query", "run", "unit-profile", "-p", "unit=市科技局", *documents)
    # other analysis parameters than the store holds: analysed afresh, the same rows
    for name, param in (("overloaded-units", "top=3"), ("collaboration-clusters",
                                                         "resolution=1.0")):
        assert _ok("query", "run", name, "-p", param, "--endpoint", url, env=env) == \
            _ok("query", "run", name, "-p", param, *documents), name


def test_the_seed_from_the_store_is_the_seed_from_memory(store, tmp_path):
    loaded = run_ipplan("load", SEED, "--endpoint", store, env=_env())
    assert loaded.code == 0, loaded.err
    assert loaded.out == ""
    assert "1 plan graph(s)" in loaded.err and store in loaded.err
    assert FUSEKI_PASSWORD not in loaded.err
    assert _graph(store, "https://w3id.org/ipplan/graph/plan/fuzhou-ip-plan")
    assert _graph(store, "https://w3id.org/ipplan/graph/analysis")
    _same_answers(store, [SEED], tmp_path)
    _ok("viz", "network", "--endpoint", store, "-o", tmp_path / "store.html")
    _ok("viz", "network", SEED, "-o", tmp_path / "memory.html")
    assert (tmp_path / "store.html").read_bytes() == (tmp_path / "memory.html").read_bytes()


def test_a_corpus_loaded_in_two_goes_answers_as_from_memory(store, corpus, tmp_path):
    _ok("load", *corpus[:2], "--endpoint", store)
    # the second load's analytics are over every plan the store holds, read back from it
    _ok("load", *corpus[2:], "--endpoint", store)
    _same_answers(store, corpus, tmp_path)


JENA_UNION = "urn:x-arq:UnionGraph"


def test_the_stores_union_graph_answers_as_the_plans_graphs(fuseki_url, corpus, tmp_path):
    """IPPLAN_SPARQL_UNION_GRAPH (Jena's union of the named graphs, read through its quad
    indexes rather than graph by graph): the same bytes as the list of the plans' graphs,
    where the store holds ipplan's graphs only (a triple in the default graph is no named
    graph, and stays out of the answers)."""
    _update(fuseki_url, "DROP ALL")
    _update(fuseki_url, f"INSERT DATA {{ {FOREIGN_DATA} }}")
    _ok("load", *corpus, "--endpoint", fuseki_url)
    _same_answers(fuseki_url, corpus, tmp_path, env=_env(IPPLAN_SPARQL_UNION_GRAPH=JENA_UNION))


def test_the_union_graph_is_refused_beside_another_offices_graph(store):
    """The union would mix another graph's data into the answers: one line saying so."""
    _ok("load", SEED, "--endpoint", store)
    line = _one_line(run_ipplan("stats", "--endpoint", store,
                                env=_env(IPPLAN_SPARQL_UNION_GRAPH=JENA_UNION)), store, 2)
    assert f"also holds 1 graph(s) that are not ipplan's (first {FOREIGN})" in line
    line = _one_line(run_ipplan("stats", "--endpoint", store,
                                env=_env(IPPLAN_SPARQL_UNION_GRAPH="not an iri")), "", 2)
    assert "is not an IRI" in line


def test_reloading_a_plan_replaces_its_graph_only(store, tmp_path):
    xiamen = tmp_path / "xiamen.txt"
    xiamen.write_text(XIAMEN_PROSE, "utf-8")
    _ok("load", SEED, xiamen, "--endpoint", store)
    seed_graph = "https://w3id.org/ipplan/graph/plan/fuzhou-ip-plan"
    xiamen_graph = "https://w3id.org/ipplan/graph/plan/xiamen"
    before = {name: _graph(store, name) for name in (seed_graph, FOREIGN, None)}
    old_xiamen = _graph(store, xiamen_graph)
    edited = XIAMEN_PROSE.replace("2. 建立专利导航协作机制。（市科技局牵头，市教育局、市财政局配合，"
                                  "2023年上半年）\n", "")
    assert edited != XIAMEN_PROSE
    xiamen.write_text(edited, "utf-8")

    _ok("load", xiamen, "--endpoint", store)

    assert {name: _graph(store, name) for name in before} == before
    new_xiamen = _graph(store, xiamen_graph)
    assert new_xiamen != old_xiamen
    # the graph holds the edited plan exactly: nothing of the old one is left
    assert _triples("\n".join(new_xiamen)) == _triples(_own_graph(xiamen))
    assert json.loads(_ok("stats", "--json", "--endpoint", store)) == \
        json.loads(_ok("stats", "--json", SEED, xiamen))


def _own_graph(path: Path) -> str:
    """The N-Triples of one plan's graph, built in memory (no analytics)."""
    from ipplan.graph.build import build_graph
    from ipplan.graph.io import sorted_ntriples
    from ipplan.loaders import load_document

    return sorted_ntriples(build_graph([load_document(path)])).decode("utf-8")


def _triples(ntriples: str) -> set:
    import pyoxigraph as ox

    return {(q.subject, q.predicate, q.object)
            for q in ox.parse(ntriples.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)}


def test_the_environment_names_the_store(store, tmp_path):
    env = _env(IPPLAN_SPARQL_ENDPOINT=store)
    _ok("load", SEED, env=env)
    assert _ok("stats", env=env) == _ok("stats", SEED)
    # a source named on the command line is read, not the store
    xiamen = tmp_path / "xiamen.txt"
    xiamen.write_text(XIAMEN_PROSE, "utf-8")
    assert _ok("stats", xiamen, env=env) == _ok("stats", xiamen)


def _one_line(result, url: str, code: int) -> str:
    assert result.code == code, (result.code, result.err)
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert "Traceback" not in result.err and url in lines[0]
    assert FUSEKI_PASSWORD not in result.err + result.out
    return lines[0]


def test_a_wrong_password_is_one_line(store):
    line = _one_line(run_ipplan("stats", "--endpoint", store,
                                env=_env(IPPLAN_SPARQL_PASSWORD="wrong")), store, 77)
    assert "refused the credentials given (HTTP 401" in line
    line = _one_line(run_ipplan("load", SEED, "--endpoint", store,
                                env={k: v for k, v in _env().items()
                                     if k != "IPPLAN_SPARQL_PASSWORD"}), store, 77)
    assert "HTTP 401" in line
    # the password written into the URL is not printed either
    inline = store.replace("http://", f"http://{FUSEKI_USER}:{FUSEKI_PASSWORD}@")
    line = _one_line(run_ipplan("stats", "--endpoint", inline, env=_env(
        IPPLAN_SPARQL_PASSWORD="wrong")), store, 77)


def test_a_store_that_is_down_is_one_line():
    with socket.socket() as probe:  # a port that nothing listens on
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}/plans"
    line = _one_line(run_ipplan("stats", "--endpoint", url, env=_env()), url, 69)
    assert "cannot be reached (Connection refused)" in line


@pytest.fixture()
def silent_server() -> Iterator[str]:
    """A server that takes connections and never answers (a store stuck on a query)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/ds/query"
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    listener.close()


def test_a_store_that_does_not_answer_in_time_is_one_line(silent_server):
    line = _one_line(run_ipplan("query", "run", "brokers", "--endpoint", silent_server,
                                env=_env(IPPLAN_SPARQL_TIMEOUT="1.5")), silent_server, 69)
    assert "did not answer within 1.5 s" in line


def test_an_error_answer_is_one_line(store):
    url = store + "/no-such-service"
    line = _one_line(run_ipplan("stats", "--endpoint", url, env=_env()), url, 69)
    assert "answered HTTP 404" in line


def test_refusals_before_any_request(store, tmp_path):
    both = run_ipplan("stats", SEED, "--endpoint", store, env=_env())
    assert both.code == 2 and "not both" in both.err
    graph_file = tmp_path / "seed.ttl"
    _ok("load", SEED, "-o", graph_file)
    refused = run_ipplan("load", graph_file, "--endpoint", store, env=_env())
    assert refused.code == 2 and str(graph_file) in refused.err
    assert "give the documents" in refused.err
    assert _graph(store, "https://w3id.org/ipplan/graph/plan/fuzhou-ip-plan") == []
    empty = run_ipplan("stats", "--endpoint", store, env=_env())
    assert empty.code == 2 and "holds no ipplan plan" in empty.err
    bad = run_ipplan("stats", "--endpoint", "ftp://x/y", env=_env())
    assert bad.code == 2 and "not an http:// or https:// URL" in bad.err


def test_saved_queries_read_the_stores_analysis_unless_asked_for_another(store):
    """The store answers with the analysis graph `load` wrote (here altered by another tool,
    to tell its answer apart); other analysis parameters are computed afresh in memory and
    never written to the store."""
    _ok("load", SEED, "--endpoint", store)
    analysis = "https://w3id.org/ipplan/graph/analysis"
    size = "<https://w3id.org/ipplan/ontology#size>"
    _update(store, f"DELETE {{ GRAPH <{analysis}> {{ ?c {size} ?n }} }} "
                   f"INSERT {{ GRAPH <{analysis}> {{ ?c {size} 999 }} }} "
                   f"WHERE {{ GRAPH <{analysis}> {{ ?c {size} ?n ; "
                   "<https://w3id.org/ipplan/ontology#number> 1 } }")
    held = _graph(store, analysis)
    from_store = _ok("query", "run", "collaboration-clusters", "--endpoint", store,
                     "--format", "csv").splitlines()
    assert from_store[1].split(",")[:2] == ["1", "999"]
    other = _ok("query", "run", "collaboration-clusters", "-p", "seed=7", "--endpoint", store,
                "--format", "csv")
    assert other == _ok("query", "run", "collaboration-clusters", "-p", "seed=7", SEED,
                        "--format", "csv")
    assert "999" not in other
    assert _graph(store, analysis) == held
