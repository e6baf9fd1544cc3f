"""Benchmark: how ipplan scales from the seed to a nation's plans. Prints one table.

For each size it generates a corpus (benchmarks/generate.py; the seed itself for "seed"),
then times, in a fresh process so peak memory is that size's: load and graph build, the
analytics (clustering, load), every saved SPARQL query, the brief (pages and data, without
snapshots), and the push to the embedded Bolt server (rows per second) with every saved
Cypher query. The store is rdflib's in-memory one: the baseline a faster store is measured
against.

    python benchmarks/run.py                       # seed, 1000, 5000 measures
    python benchmarks/run.py --sizes seed 20000 --no-cypher
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = HERE.parent / "data" / "fuzhou-ip-plan.txt"


def _timed(fn):
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def measure(size: str, cypher: bool, brief: bool) -> dict:
    """Run every step once for one size; returns the figures."""
    sys.path.insert(0, str(HERE))
    from generate import generate

    from ipplan.graph.analytics import Parameters, analyse, write_analysis
    from ipplan.graph.vocab import IPP
    from ipplan.pipeline import open_sources
    from ipplan.queries import load_queries, run_cypher, run_sparql

    work = Path(tempfile.mkdtemp(prefix="ipplan-bench-"))
    paths = [SEED] if size == "seed" else generate(work / "docs", int(size))
    figures: dict = {"size": size, "plans": len(paths)}
    corpus, figures["load_build_s"] = _timed(lambda: open_sources(paths))
    graph = corpus.graph
    figures["measures"] = len(set(graph.subjects(predicate=None, object=IPP.Measure)))
    figures["triples"] = len(graph)
    result, figures["analytics_s"] = _timed(lambda: analyse(graph, Parameters()))
    write_analysis(graph, result)
    queries = load_queries()
    sparql = {}
    for name, query in queries.items():
        values = query.bind({"unit": "市科技局"} if "unit" in query.parameters else {})
        _rows, sparql[name] = _timed(lambda: run_sparql(graph, query, values))
    figures["sparql_s"] = sparql
    if brief:
        from ipplan.viz.pack import build_brief

        _pack, figures["brief_s"] = _timed(lambda: build_brief(
            graph, result, work / "brief", snapshots=False))
    if cypher:
        from ipplan.bolt import embedded_server, push_graph, session_scope

        with session_scope() as session:
            counts, seconds = _timed(lambda: push_graph(session, graph))
            rows = sum(v for k, v in counts.items() if k.isupper())
            figures["push_rows"] = rows
            figures["push_rows_per_s"] = round(rows / seconds) if seconds else 0
            timings = {}
            for name, query in queries.items():
                values = query.bind({"unit": "市科技局"} if "unit" in query.parameters else {})
                _rows, timings[name] = _timed(lambda: run_cypher(session, query, values))
            figures["cypher_s"] = timings
        embedded_server().stop()
    figures["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return figures


def table(results: list[dict]) -> str:
    """The figures as a Markdown table, one column per size."""
    sizes = [r["size"] for r in results]
    rows = [("measures", lambda r: r["measures"]), ("plans", lambda r: r["plans"]),
            ("triples", lambda r: r["triples"]),
            ("load + build (s)", lambda r: f"{r['load_build_s']:.2f}"),
            ("analytics: clusters, load (s)", lambda r: f"{r['analytics_s']:.2f}")]
    names = sorted(results[0]["sparql_s"])
    rows += [(f"SPARQL {n} (s)", lambda r, n=n: f"{r['sparql_s'][n]:.2f}") for n in names]
    if "brief_s" in results[0]:
        rows.append(("brief, no snapshots (s)", lambda r: f"{r['brief_s']:.2f}"))
    if "cypher_s" in results[0]:
        rows.append(("push to embedded Bolt (rows/s)", lambda r: r["push_rows_per_s"]))
        rows += [(f"Cypher {n} (s)", lambda r, n=n: f"{r['cypher_s'][n]:.2f}") for n in names]
    rows.append(("peak memory (MB)", lambda r: r["peak_mb"]))
    out = ["| step | " + " | ".join(sizes) + " |", "|---|" + "---|" * len(sizes)]
    out += ["| " + label + " | " + " | ".join(str(get(r)) for r in results) + " |"
            for label, get in rows]
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["seed", "1000", "5000"])
    parser.add_argument("--no-cypher", action="store_true")
    parser.add_argument("--no-brief", action="store_true")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, not args.no_cypher, not args.no_brief)))
        return
    results = []
    for size in args.sizes:
        command = [sys.executable, __file__, "--one", size]
        command += ["--no-cypher"] * args.no_cypher + ["--no-brief"] * args.no_brief
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"benchmark of size {size} failed: {done.stderr.strip()[-500:]}")
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
        print(f"done: {size}", file=sys.stderr)
    print(table(results))


if __name__ == "__main__":
    main()
