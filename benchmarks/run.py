"""Benchmark: how ipplan scales from the seed to a nation's plans. Prints one table.

For each size it generates a corpus (benchmarks/generate.py; the seed itself for "seed") and
times every step in fresh processes, so that each peak memory is that size's: one process for
load and graph build, the analytics (co-assignment network, clustering, load, brokers), every
saved SPARQL query, SHACL validation, the brief (every page and data file, without
snapshots), writing and opening a workspace (``--store``); another, as a user's ``ipplan
push`` is, for the push to the embedded Bolt server (rows per second), whose JVM runs in it,
with every saved Cypher query. The same steps that depend on the store run again on rdflib's
in-memory store, the baseline, each within a time budget; a cell shows Oxigraph's time and,
in brackets, how many times longer rdflib took. For the seed it also times the README's
command, ``ipplan brief`` with snapshots, end to end as a user runs it.

    python3 benchmarks/run.py                                # seed, 1000, 5000, 20000
    python3 benchmarks/run.py --sizes seed 20000 100000 --budget 60
    python3 benchmarks/run.py --sizes seed 20000 --neo4j       # Neo4j 5 beside ArcadeDB
    python3 benchmarks/run.py --sizes seed 20000 --endpoint    # a SPARQL store (Fuseki)
"""

from __future__ import annotations

import argparse
import contextlib
import json
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = HERE.parent / "data" / "fuzhou-ip-plan.txt"


class OverBudget(Exception):
    pass


def _timed(fn, budget: float | None = None):
    """(value, seconds); with a budget, (None, None) when the step takes longer."""
    def stop(*_):
        raise OverBudget

    if budget:
        signal.signal(signal.SIGALRM, stop)
        signal.setitimer(signal.ITIMER_REAL, budget)
    start = time.perf_counter()
    try:
        value = fn()
    except OverBudget:
        return None, None
    finally:
        if budget:
            signal.setitimer(signal.ITIMER_REAL, 0)
    return value, time.perf_counter() - start


def corpus(size: str, work: Path) -> list[Path]:
    sys.path.insert(0, str(HERE))
    from generate import generate

    return [SEED] if size == "seed" else generate(work / "docs", int(size))


def _peak_mb() -> int:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def measure(size: str, paths: list[Path], engine: str, brief: bool,
            budget: float | None, work: Path) -> dict:
    """Run every step but the Bolt ones once for one size on one engine, writing the brief
    and the workspace under ``work``; returns the figures."""
    import os

    os.environ["IPPLAN_ENGINE"] = engine
    from ipplan.graph import reports
    from ipplan.graph.analytics import (Parameters, analyse, assignments, co_assignment_graph,
                                        write_analysis)
    from ipplan.graph.clusters import collaboration_clusters
    from ipplan.graph.engine import triple_count
    from ipplan.graph.workspace import open_workspace, read_workspace, write_workspace
    from ipplan.graph.validate import validate
    from ipplan.usecases import open_sources
    from ipplan.queries import load_queries, run_sparql

    figures: dict = {"size": size, "engine": engine, "plans": len(paths), "s": {}}
    seconds = figures["s"]
    opened, seconds["load + build"] = _timed(lambda: open_sources(paths), budget)
    if opened is None:
        return figures
    graph = opened.graph
    figures["triples"] = triple_count(graph)
    figures["measures"] = reports.stats(graph)["measures"]
    queries = load_queries()

    def timed_query(on, name: str, limit: float | None = None) -> float | None:
        query = queries[name]
        values = query.bind({"unit": "市科技局"} if "unit" in query.parameters else {})
        return _timed(lambda: run_sparql(on, query, values), limit)[1]

    def run_queries(names: list[str]) -> None:
        for name in names:
            seconds[f"SPARQL {name}"] = timed_query(graph, name, budget)

    result, seconds["analytics: all"] = _timed(lambda: analyse(graph, Parameters()), budget)
    if result is None:  # the baseline ran out of time: still time the queries that do not
        # read the analysis, the co-assignment query among them
        run_queries([name for name, query in queries.items()
                     if not any(p.analysis for p in query.parameters.values())])
        return figures
    p = Parameters()
    facts, units = assignments(graph)
    network = co_assignment_graph(facts, units, include_collectives=p.include_collectives)
    _clusters, seconds["analytics: clustering (Louvain)"] = _timed(
        lambda: collaboration_clusters(network, resolution=p.resolution, seed=p.seed), budget)
    write_analysis(graph, result)
    figures["units"] = result.network.number_of_nodes()
    run_queries(list(queries))
    _report, seconds["validation"] = _timed(lambda: validate(graph), budget)
    if engine == "rdflib":
        return figures
    if brief:
        from ipplan.usecases import pack_data
        from ipplan.viz.pack import build_brief

        _pack, seconds["brief, no snapshots"] = _timed(lambda: build_brief(
            graph, result, work / "brief", pack_data, snapshots=False))
    store = work / "store"
    _ws, seconds["workspace: write"] = _timed(lambda: write_workspace(
        graph, store, plans=reports.plan_ids(graph), measures=figures["measures"],
        analysis=result.parameters.key(), sources=[]))
    _stats, seconds["workspace: open + stats"] = _timed(
        lambda: reports.stats(open_workspace(store)))
    _copy, seconds["workspace: read into memory (brief, validate, pages)"] = _timed(
        lambda: read_workspace(store))
    del _copy  # a second whole graph: not to be counted in the peak
    # what an analyst's `ipplan query run NAME --store DIR` waits for, the store on disk
    opened_store = open_workspace(store)
    timings = [timed_query(opened_store, name) for name in queries]
    seconds["workspace: every saved SPARQL query, total"] = sum(timings)
    seconds["workspace: slowest saved SPARQL query"] = max(timings)
    figures["peak_mb"] = _peak_mb()
    return figures


def measure_bolt(size: str, paths: list[Path], server: str = "embedded") -> dict:
    """The push and every saved Cypher query, in a process of their own, as a user's ``ipplan
    push`` or ``ipplan query run --engine cypher`` runs them: on the embedded Bolt server,
    whose JVM runs in that process and is counted in its memory, or (``server`` "neo4j") on
    a real Neo4j 5 from tests/neo4j/, in a JVM of its own (its memory is not counted)."""
    from ipplan.cypher import embedded_server, push_graph, session_scope
    from ipplan.errors import IpplanError
    from ipplan.graph.analytics import Parameters, analyse, write_analysis
    from ipplan.usecases import open_sources
    from ipplan.queries import load_queries, run_cypher

    figures: dict = {"size": size, "s": {}}
    seconds = figures["s"]
    graph = open_sources(paths).graph
    write_analysis(graph, analyse(graph, Parameters()))  # some queries read the analysis
    label = "Neo4j 5" if server == "neo4j" else "embedded Bolt"
    prefix = "Neo4j 5 " if server == "neo4j" else ""
    with contextlib.ExitStack() as stack:
        target = None
        if server == "neo4j":
            sys.path.insert(0, str(HERE.parent / "tests"))
            from neo4j_server import neo4j_server, target as neo4j_target

            work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="ipplan-neo4j-")))
            target = neo4j_target(stack.enter_context(neo4j_server(work, heap="4g")))
        session = stack.enter_context(session_scope(target))
        counts, pushed = _timed(lambda: push_graph(session, graph))
        seconds[f"push to {label}"] = pushed
        rows = sum(v for k, v in counts.items() if k.isupper())
        figures["push_rows"] = rows
        figures["push_rows_per_s"] = round(rows / pushed) if pushed else 0
        for name, query in load_queries().items():
            values = query.bind({"unit": "市科技局"} if "unit" in query.parameters else {})
            step = f"{prefix}Cypher {name}"
            try:
                _rows, seconds[step] = _timed(lambda: run_cypher(session, query, values))
            except IpplanError as exc:  # e.g. the server's query memory budget
                seconds[step] = None
                figures.setdefault("failed", {})[step] = str(exc)
                print(f"{step} failed at {size}: {exc}", file=sys.stderr)
    if server != "neo4j":
        embedded_server().stop()
    figures["peak_mb"] = _peak_mb()
    return figures


JENA_UNION_GRAPH = "urn:x-arq:UnionGraph"


def measure_endpoint(size: str, paths: list[Path], union: bool = False) -> dict:
    """``ipplan load --endpoint`` and every saved SPARQL query through the endpoint, on a
    real Apache Jena Fuseki (tests/fuseki/, built by the README's test command) in a JVM of
    its own, as a user's commands run them: the load reads and builds the documents, writes
    one named graph per plan and the analysis graph; each query is sent to the store, over
    the plans' graphs named one by one, or with ``union`` over Jena's union graph (what
    IPPLAN_SPARQL_UNION_GRAPH=urn:x-arq:UnionGraph asks for)."""
    from ipplan.graph.endpoint import Endpoint
    from ipplan.queries import load_queries
    from ipplan.usecases import Sources, answer, load_into_endpoint, open_endpoint

    sys.path.insert(0, str(HERE.parent / "tests"))
    from fuseki_server import fuseki_server

    figures: dict = {"size": size, "s": {}}
    seconds = figures["s"]
    with tempfile.TemporaryDirectory(prefix="ipplan-fuseki-") as work, \
            fuseki_server(Path(work), heap="4g") as url:
        endpoint = Endpoint(url, url, timeout=3600,
                            union_graph=JENA_UNION_GRAPH if union else None)
        _, seconds["endpoint: load (documents to named graphs, analysis)"] = _timed(
            lambda: load_into_endpoint(Sources(tuple(paths)), endpoint))
        print(f"{size}: {seconds}", file=sys.stderr, flush=True)
        _, seconds["endpoint: read the plans into memory (export, pages, brief)"] = _timed(
            lambda: open_endpoint(endpoint))
        print(f"{size}: {seconds}", file=sys.stderr, flush=True)
        source = Sources(endpoint=endpoint)
        for name, query in load_queries().items():
            given = {"unit": "市科技局"} if "unit" in query.parameters else {}
            _, seconds[f"endpoint SPARQL {name}"] = _timed(
                lambda: answer(query, given, source))
            # each step as it ends: a store slow on one query still shows the others
            print(f"{size}: endpoint SPARQL {name}: {seconds[f'endpoint SPARQL {name}']:.2f} s",
                  file=sys.stderr, flush=True)
    figures["peak_mb"] = _peak_mb()
    return figures


def seed_command() -> float:
    """Wall time of the README's main command on the seed, Python start-up included."""
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "ipplan", "brief", str(SEED), "-o",
                        f"{folder}/briefing"], check=True, capture_output=True)
        return time.perf_counter() - start


_NOT_RUN = object()


def _cell(fast: float | None, slow: float | None, budget: float | None, baseline: bool) -> str:
    if fast is None:
        return f"> {budget:g}" if budget else "–"
    text = f"{fast:.2f}"
    if not baseline:
        return text
    if slow is _NOT_RUN:  # the baseline stopped before this step
        return text
    if slow is None:
        return f"{text} (× > {budget / max(fast, 0.001):,.0f})" if budget else text
    return f"{text} (×{slow / max(fast, 0.001):,.0f})" if slow >= fast else f"{text} (×{slow / max(fast, 0.001):.1f})"


def table(results: list[dict], baselines: dict[str, dict], budget: float | None,
          command: float | None) -> str:
    """The figures as a Markdown table, one column per size."""
    sizes = [r["size"] for r in results]
    out = ["| step | " + " | ".join(sizes) + " |", "|---|" + "---|" * len(sizes)]

    def row(label: str, get) -> None:
        out.append(f"| {label} | " + " | ".join(str(get(r)) for r in results) + " |")

    for key in ("measures", "plans", "units", "triples"):
        row(key, lambda r, key=key: f"{r.get(key, '–'):,}" if isinstance(r.get(key), int)
            else r.get(key, "–"))
    if command is not None:
        row("`ipplan brief` with snapshots, end to end (s)",
            lambda r: f"{command:.2f}" if r["size"] == "seed" else "")
    steps = list(dict.fromkeys(k for r in results for k in r["s"]))
    for step in steps:
        compared = any(step in b["s"] for b in baselines.values())
        row(f"{step} (s)", lambda r, step=step, compared=compared: "failed" if step in r.get(
            "failed", {}) else _cell(r["s"].get(step), baselines.get(r["size"], {}).get(
                "s", {}).get(step, _NOT_RUN), budget, compared))
    if any("push_rows_per_s" in r for r in results):
        row("push to embedded Bolt (rows/s)", lambda r: f"{r.get('push_rows_per_s', 0):,}")
    if any("neo4j_push_rows_per_s" in r for r in results):
        row("push to Neo4j 5 (rows/s)", lambda r: f"{r.get('neo4j_push_rows_per_s', 0):,}")
    row("peak memory: load to workspace (MB)", lambda r: r.get("peak_mb", "–"))
    if any("peak_mb_bolt" in r for r in results):
        row("peak memory: push and Cypher, the server's JVM included (MB)",
            lambda r: r.get("peak_mb_bolt", "–"))
    return "\n".join(out)


def _child(size: str, docs: Path, engine: str, args: argparse.Namespace, part: str) -> dict:
    command = [sys.executable, __file__, "--one", size, "--docs", str(docs), "--engine", engine,
               "--part", part]
    command += ["--no-brief"] * args.no_brief
    command += ["--endpoint-union"] * args.endpoint_union
    command += ["--budget", str(args.budget)] if engine == "rdflib" and args.budget else []
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"benchmark of size {size} ({engine}, {part}) failed: "
                 f"{done.stderr.strip()[-800:]}")
    if done.stderr.strip():
        print(done.stderr.strip(), file=sys.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure_size(size: str, args: argparse.Namespace) -> tuple[dict, dict | None]:
    """One size: its corpus generated once, then each part in a fresh process (so that each
    peak memory is that part's alone); the figures on Oxigraph and on the baseline."""
    with tempfile.TemporaryDirectory(prefix="ipplan-bench-corpus-") as work:
        docs = corpus(size, Path(work))[0].parent
        figures = _child(size, docs, "oxigraph", args, "store")
        if not args.no_cypher:
            bolt = _child(size, docs, "oxigraph", args, "bolt")
            figures["s"].update(bolt["s"])
            figures["failed"] = {**figures.get("failed", {}), **bolt.get("failed", {})}
            figures["push_rows_per_s"] = bolt["push_rows_per_s"]
            figures["peak_mb_bolt"] = bolt["peak_mb"]
        if args.neo4j:
            neo4j = _child(size, docs, "oxigraph", args, "neo4j")
            figures["s"].update(neo4j["s"])
            figures["failed"] = {**figures.get("failed", {}), **neo4j.get("failed", {})}
            figures["neo4j_push_rows_per_s"] = neo4j["push_rows_per_s"]
        if args.endpoint:
            figures["s"].update(_child(size, docs, "oxigraph", args, "endpoint")["s"])
        baseline = None if args.no_baseline else _child(size, docs, "rdflib", args, "store")
    return figures, baseline


def _documents(size: str, docs: Path) -> list[Path]:
    """The files :func:`corpus` wrote into ``docs``."""
    return [SEED] if size == "seed" else sorted(docs.glob("plan-*.txt"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["seed", "1000", "5000", "20000"])
    parser.add_argument("--no-cypher", action="store_true", help="skip the Bolt push")
    parser.add_argument("--no-brief", action="store_true", help="skip the brief")
    parser.add_argument("--no-baseline", action="store_true", help="skip rdflib's store")
    parser.add_argument("--neo4j", action="store_true",
                        help="also push to and query a real Neo4j 5 (tests/neo4j/, built by "
                             "the README's test command)")
    parser.add_argument("--endpoint", action="store_true",
                        help="also load into and query a real SPARQL store through the "
                             "endpoint (Fuseki, tests/fuseki/, built by the README's test "
                             "command)")
    parser.add_argument("--endpoint-union", action="store_true",
                        help="with --endpoint: read through Jena's union graph "
                             "(IPPLAN_SPARQL_UNION_GRAPH=urn:x-arq:UnionGraph)")
    parser.add_argument("--budget", type=float, default=120.0,
                        help="seconds each baseline step may take (default 120)")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--engine", default="oxigraph", help=argparse.SUPPRESS)
    parser.add_argument("--docs", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--part", choices=("store", "bolt", "neo4j", "endpoint"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        paths = _documents(args.one, args.docs)
        if args.part == "endpoint":
            print(json.dumps(measure_endpoint(args.one, paths, args.endpoint_union)))
            return
        if args.part in ("bolt", "neo4j"):
            server = "neo4j" if args.part == "neo4j" else "embedded"
            print(json.dumps(measure_bolt(args.one, paths, server)))
            return
        budget = args.budget if args.engine == "rdflib" else None
        # the brief and the workspace: 4 GB at 100,000 measures, removed when done
        with tempfile.TemporaryDirectory(prefix="ipplan-bench-") as work:
            figures = measure(args.one, paths, args.engine, not args.no_brief, budget,
                              Path(work))
        print(json.dumps(figures))
        return
    results, baselines = [], {}
    for size in args.sizes:
        figures, baseline = measure_size(size, args)
        results.append(figures)
        if baseline is not None:
            baselines[size] = baseline
        # the table so far, so that a run stopped at a large size keeps what it measured
        print(f"done: {size}\n" + table(results, baselines,
                                        None if args.no_baseline else args.budget, None),
              file=sys.stderr, flush=True)
    command = seed_command() if "seed" in args.sizes else None
    print(table(results, baselines, None if args.no_baseline else args.budget, command))


if __name__ == "__main__":
    main()
