"""Benchmark: how ipplan scales from the seed to a nation's plans. Prints one table.

For each size it generates a corpus (benchmarks/generate.py; the seed itself for "seed") and
times every step in a fresh process, so that peak memory is that size's: load and graph
build, the analytics (co-assignment network, clustering, load, brokers), every saved SPARQL
query, SHACL validation, the brief (every page and data file, without snapshots), writing and
opening a workspace (``--store``), and the push to the embedded Bolt server (rows per second)
with every saved Cypher query. The same steps that depend on the store run again on rdflib's
in-memory store, the baseline, each within a time budget; a cell shows Oxigraph's time and,
in brackets, how many times longer rdflib took. For the seed it also times the README's
command, ``ipplan brief`` with snapshots, end to end as a user runs it.

    python3 benchmarks/run.py                                # seed, 1000, 5000, 20000
    python3 benchmarks/run.py --sizes seed 20000 100000 --budget 60
"""

from __future__ import annotations

import argparse
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


def measure(size: str, engine: str, cypher: bool, brief: bool, budget: float | None) -> dict:
    """Run every step once for one size on one engine; returns the figures."""
    import os

    os.environ["IPPLAN_ENGINE"] = engine
    from ipplan.graph import reports
    from ipplan.graph.analytics import (Parameters, analyse, assignments, co_assignment_graph,
                                        collaboration_clusters, write_analysis)
    from ipplan.graph.store import open_workspace, triple_count, write_workspace
    from ipplan.graph.validate import validate
    from ipplan.pipeline import open_sources
    from ipplan.errors import IpplanError
    from ipplan.queries import load_queries, run_cypher, run_sparql

    work = Path(tempfile.mkdtemp(prefix="ipplan-bench-"))
    paths = corpus(size, work)
    figures: dict = {"size": size, "engine": engine, "plans": len(paths), "s": {}}
    seconds = figures["s"]
    opened, seconds["load + build"] = _timed(lambda: open_sources(paths), budget)
    if opened is None:
        return figures
    graph = opened.graph
    figures["triples"] = triple_count(graph)
    figures["measures"] = reports.stats(graph)["measures"]
    queries = load_queries()

    def run_queries(names: list[str]) -> None:
        for name in names:
            query = queries[name]
            values = query.bind({"unit": "市科技局"} if "unit" in query.parameters else {})
            _rows, seconds[f"SPARQL {name}"] = _timed(lambda: run_sparql(graph, query, values),
                                                      budget)

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
        from ipplan.viz.pack import build_brief

        _pack, seconds["brief, no snapshots"] = _timed(lambda: build_brief(
            graph, result, work / "brief", snapshots=False))
    store = work / "store"
    _ws, seconds["workspace: write"] = _timed(lambda: write_workspace(
        graph, store, plans=reports.plan_ids(graph), measures=figures["measures"],
        analysis=result.parameters.key(), sources=[]))
    _stats, seconds["workspace: open + stats"] = _timed(
        lambda: reports.stats(open_workspace(store)))
    # the embedded Bolt server's JVM runs in this process: its heap adds to the peak
    figures["peak_mb_ipplan"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    if cypher:
        from ipplan.bolt import embedded_server, push_graph, session_scope

        with session_scope() as session:
            counts, pushed = _timed(lambda: push_graph(session, graph))
            rows = sum(v for k, v in counts.items() if k.isupper())
            figures["push_rows"] = rows
            figures["push_rows_per_s"] = round(rows / pushed) if pushed else 0
            for name, query in queries.items():
                values = query.bind({"unit": "市科技局"} if "unit" in query.parameters else {})
                try:
                    _rows, seconds[f"Cypher {name}"] = _timed(
                        lambda: run_cypher(session, query, values))
                except IpplanError as exc:  # e.g. the server's query memory budget
                    seconds[f"Cypher {name}"] = None
                    figures.setdefault("failed", {})[f"Cypher {name}"] = str(exc)
                    print(f"Cypher {name} failed at {size}: {exc}", file=sys.stderr)
        embedded_server().stop()
    figures["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
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
    row("peak memory (MB)", lambda r: r.get("peak_mb", "–"))
    if any("push_rows_per_s" in r for r in results):
        row("peak memory before the embedded server's JVM starts (MB)",
            lambda r: r.get("peak_mb_ipplan", "–"))
    return "\n".join(out)


def _child(size: str, engine: str, args: argparse.Namespace) -> dict:
    command = [sys.executable, __file__, "--one", size, "--engine", engine]
    command += ["--no-cypher"] * args.no_cypher + ["--no-brief"] * args.no_brief
    command += ["--budget", str(args.budget)] if engine == "rdflib" and args.budget else []
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"benchmark of size {size} ({engine}) failed: {done.stderr.strip()[-800:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["seed", "1000", "5000", "20000"])
    parser.add_argument("--no-cypher", action="store_true", help="skip the Bolt push")
    parser.add_argument("--no-brief", action="store_true", help="skip the brief")
    parser.add_argument("--no-baseline", action="store_true", help="skip rdflib's store")
    parser.add_argument("--budget", type=float, default=120.0,
                        help="seconds each baseline step may take (default 120)")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--engine", default="oxigraph", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        budget = args.budget if args.engine == "rdflib" else None
        print(json.dumps(measure(args.one, args.engine, not args.no_cypher, not args.no_brief,
                                 budget)))
        return
    results, baselines = [], {}
    for size in args.sizes:
        results.append(_child(size, "oxigraph", args))
        if not args.no_baseline:
            baselines[size] = _child(size, "rdflib", args)
        # the table so far, so that a run stopped at a large size keeps what it measured
        print(f"done: {size}\n" + table(results, baselines,
                                        None if args.no_baseline else args.budget, None),
              file=sys.stderr, flush=True)
    command = seed_command() if "seed" in args.sizes else None
    print(table(results, baselines, None if args.no_baseline else args.budget, command))


if __name__ == "__main__":
    main()
