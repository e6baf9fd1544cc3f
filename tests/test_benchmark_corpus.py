"""The benchmark's corpus generator writes plans that load cleanly, the same every time."""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from generate import cities, generate, plan_titles  # noqa: E402

from ipplan.usecases import open_sources  # noqa: E402


def test_generated_corpus_loads_cleanly_and_deterministically(tmp_path):
    first = generate(tmp_path / "a", 240, seed=3)
    again = generate(tmp_path / "b", 240, seed=3)
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in again]
    corpus = open_sources(first)
    assert len(corpus.plans) == 4
    assert sum(len(plan.measures) for plan in corpus.plans) == 240
    assert corpus.warnings == []
    places = [plan.jurisdiction for plan in corpus.plans]
    assert places == cities()[:4]  # real cities, each plan its own: 石家庄市 …


def test_a_provinces_plans_share_its_provincial_units(tmp_path):
    from rdflib.namespace import RDF

    from ipplan.graph.vocab import IPP, unit_iri

    graph = open_sources(generate(tmp_path, 240, seed=3)).graph
    plans_naming = {}
    for unit in graph.subjects(RDF.type, IPP.Unit):
        measures = set(graph.subjects(IPP.supportingUnit, unit))
        plans_naming[unit] = {graph.value(m, IPP.plan) for m in measures}
    bureau = unit_iri("河北省", "省市场监督管理局")
    assert len(plans_naming[bureau]) == 4  # one unit, named by all four Hebei plans
    assert all(len(plans) == 1 for unit, plans in plans_naming.items()
               if "省" not in str(unit))  # the cities' own units stay theirs


def test_more_plans_than_cities_are_each_citys_later_plans():
    titles = plan_titles(len(cities()) + 2)
    assert titles[0] == "石家庄市知识产权强市建设工作方案重点任务分解表"
    assert titles[-2] == "石家庄市知识产权强市建设工作方案（2025—2027年）重点任务分解表"
    assert len(set(titles)) == len(titles)


def test_stats_count_the_units_of_the_unit_table_per_plan_and_on_both_engines(tmp_path):
    from ipplan.graph import reports
    from ipplan.graph.build import build_graph
    from ipplan.graph.engine import new_graph

    corpus = open_sources(generate(tmp_path, 240, seed=3))
    for engine in ("oxigraph", "rdflib"):
        graph = build_graph(corpus.plans, graph=new_graph(engine))
        for plan in [None, *reports.plan_ids(graph), "no-such-plan"]:
            table = reports.unit_rows(graph, plan)
            figures = reports.stats(graph, plan)
            assert (figures["units"], figures["collective_units"],
                    figures["unregistered_units"]) == (
                len(table), sum(row["collective"] for row in table),
                sum(not row["registered"] for row in table)), (engine, plan)
        assert figures["units"] == 0 and reports.stats(graph)["collective_units"] >= 4


def test_benchmark_prints_one_table_with_the_baseline_ratio(tmp_path):
    import subprocess

    script = Path(__file__).resolve().parent.parent / "benchmarks" / "run.py"
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    done = subprocess.run([sys.executable, str(script), "--sizes", "120",
                           "--no-brief", "--budget", "60"], capture_output=True, text=True,
                          timeout=600, cwd=tmp_path, env={**os.environ, "TMPDIR": str(scratch)})
    assert done.returncode == 0, done.stderr[-2000:]
    assert sorted(scratch.iterdir()) == []  # no corpus, workspace or server folder left
    lines = {line.split(" | ")[0].lstrip("| "): line for line in done.stdout.splitlines()}
    assert "| measures | 120 |" in done.stdout
    for step in ("load + build (s)", "analytics: all (s)", "SPARQL collaboration-pairs (s)",
                 "validation (s)", "workspace: open + stats (s)",
                 "peak memory: load to workspace (MB)", "Cypher collaboration-pairs (s)",
                 "push to embedded Bolt (rows/s)",
                 "peak memory: push and Cypher, the server's JVM included (MB)"):
        assert step in lines, step
    # the push and the Cypher queries ran in a process of their own, the JVM in it
    store_peak, bolt_peak = (int(lines[row].split(" | ")[1].rstrip(" |")) for row in (
        "peak memory: load to workspace (MB)",
        "peak memory: push and Cypher, the server's JVM included (MB)"))
    assert 0 < store_peak < bolt_peak
    assert "(×" in lines["SPARQL collaboration-pairs (s)"]  # rdflib's time beside Oxigraph's
    assert "done: 120" in done.stderr  # each size reported as it finishes


def test_benchmark_table_tells_over_budget_from_not_run():
    from run import table

    fast = {"size": "20000", "s": {"analytics: all": 9.0, "SPARQL collaboration-pairs": 1.0,
                                   "SPARQL brokers": 0.01}}
    slow = {"size": "20000", "s": {"analytics: all": None, "SPARQL collaboration-pairs": 60.0}}
    lines = table([fast], {"20000": slow}, 120.0, None).splitlines()
    cells = {line.split(" | ")[0].lstrip("| "): line.split(" | ")[1].rstrip(" |")
             for line in lines[2:]}
    assert cells["analytics: all (s)"] == "9.00 (× > 13)"  # ran out of its 120 s
    assert cells["SPARQL collaboration-pairs (s)"] == "1.00 (×60)"
    assert cells["SPARQL brokers (s)"] == "0.01"  # never run on the baseline: no ratio
    refused = {"size": "100000", "s": {"Cypher collaboration-pairs": None},
               "failed": {"Cypher collaboration-pairs": "query heap budget exceeded"}}
    assert "| Cypher collaboration-pairs (s) | failed |" in table([refused], {}, None, None)
