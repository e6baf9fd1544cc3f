"""The benchmark's corpus generator writes plans that load cleanly, the same every time."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from generate import generate  # noqa: E402

from ipplan.pipeline import open_sources  # noqa: E402


def test_generated_corpus_loads_cleanly_and_deterministically(tmp_path):
    first = generate(tmp_path / "a", 240, seed=3)
    again = generate(tmp_path / "b", 240, seed=3)
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in again]
    corpus = open_sources(first)
    assert len(corpus.plans) == 4
    assert sum(len(plan.measures) for plan in corpus.plans) == 240
    assert corpus.warnings == []
    cities = {plan.jurisdiction for plan in corpus.plans}
    assert len(cities) == 4  # each plan its own city, so its own units


def test_stats_count_the_units_of_the_unit_table_per_plan_and_on_both_engines(tmp_path):
    from ipplan.graph import reports
    from ipplan.graph.build import build_graph
    from ipplan.graph.store import new_graph

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
