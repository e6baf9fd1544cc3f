"""The plan's facts are read by one reader (graph/facts.py), once per command: the
analytics, the pages, the pack's tables and the push share that reading."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from ipplan.graph.analytics import analyse, assignments
from ipplan.graph.facts import read_facts
from ipplan.graph.reports import assignment_rows, unit_rows
from ipplan.usecases import Sources, brief

SEED = Path(__file__).resolve().parent.parent / "data" / "fuzhou-ip-plan.txt"
# every module that reads the plan's facts from the graph, now or before they shared a reader
READERS = ("ipplan.graph.facts", "ipplan.graph.analytics", "ipplan.graph.reports",
           "ipplan.cypher.push", "ipplan.viz.pack", "ipplan.viz.model")


def _count_assignment_reads(monkeypatch) -> list[str]:
    """Wrap each reader's select_values (the real one runs) to note every SELECT that reads
    the plan's assignments."""
    seen: list[str] = []
    for name in READERS:
        module = importlib.import_module(name)
        real = getattr(module, "select_values", None)
        if real is None:
            continue

        def noted(graph, text, *args, real=real, **kwargs):
            if "ipp:hasAssignment" in text:
                seen.append(text)
            return real(graph, text, *args, **kwargs)

        monkeypatch.setattr(module, "select_values", noted)
    return seen


def test_a_brief_reads_the_plans_assignments_once(tmp_path, monkeypatch):
    """The analytics, the pages and the pack's assignment and unit tables read one reading
    of the facts (the brief read them four times, each with its own SPARQL)."""
    seen = _count_assignment_reads(monkeypatch)
    brief(Sources((SEED,)), tmp_path / "pack", snapshots=False, today="2024-01-01")
    assert len(seen) == 1


def test_the_tables_and_the_analytics_read_given_facts_as_the_graph(seed_graph):
    facts = read_facts(seed_graph)
    assert assignments(seed_graph, facts=facts) == assignments(seed_graph)
    assert assignment_rows(seed_graph, facts=facts) == assignment_rows(seed_graph)
    assert unit_rows(seed_graph, "fuzhou-ip-plan", facts=facts) == unit_rows(seed_graph)
    assert analyse(seed_graph, facts=facts).facts is facts


@pytest.mark.parametrize("plan", [None, "fuzhou-ip-plan"])
def test_the_seeds_tables_from_the_facts(seed_graph, plan):
    rows = assignment_rows(seed_graph, plan)
    assert len(rows) == 294 and rows[0]["measure_id"] == "1.1" and rows[0]["role"] == "lead"
    units = unit_rows(seed_graph, plan)
    assert units[0]["unit"] == "高新区管委会" and units[0]["support"] == 60
    assert sum(u["lead"] + u["support"] for u in units) >= len({(r["measure_id"], r["unit"])
                                                               for r in rows})
