"""Same input, same output: a pack and every graph file are the same bytes in every process.

Python randomises the order of sets of strings per process (PYTHONHASHSEED), so each test
here builds its output in child processes with different hash seeds and compares bytes.
"""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from conftest import SEED, measure_row, table_text
from ipplan.viz.layout import spring_positions

HASH_SEEDS = ("1", "2")  # two seeds under which today's cluster pages differed


def _ipplan(*args: str | Path, hash_seed: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    done = subprocess.run([sys.executable, "-m", "ipplan", *map(str, args)], env=env,
                          capture_output=True, text=True, timeout=300,
                          stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    return done


def _files(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def _two_packs(tmp_path: Path, *options: str, documents: tuple[Path, ...] = (SEED,)
               ) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """The pack of ``documents`` built twice, each in its own process with its own hash
    seed, on the same day (the pages carry the date they were made: a run across midnight
    is redone)."""
    for _attempt in range(2):
        day = datetime.date.today()
        packs = []
        for hash_seed in HASH_SEEDS:
            folder = tmp_path / f"pack-{hash_seed}"
            _ipplan("brief", *documents, "-o", folder, "--force", *options,
                    hash_seed=hash_seed)
            packs.append(_files(folder))
        if datetime.date.today() == day:
            return packs[0], packs[1]
    raise AssertionError("the date changed during both attempts")


def _assert_same_files(first: dict[str, bytes], second: dict[str, bytes]) -> None:
    assert sorted(first) == sorted(second)
    differing = [name for name in first if first[name] != second[name]]
    assert differing == []


def test_two_packs_are_the_same_bytes_across_processes_and_hash_seeds(tmp_path):
    first, second = _two_packs(tmp_path, "--no-snapshots")
    assert any(name.startswith("clusters/") for name in first)
    assert any(name.startswith("units/") for name in first)
    _assert_same_files(first, second)


def test_a_unit_that_leads_and_supports_one_measure_gets_the_same_page(tmp_path):
    """Its page lists the measure twice, lead first, whatever order a set gives."""
    body = "\t一、主题\n\n" + measure_row("修订办法。", "市科技局", "市科技局、市财政局",
                                          "2022年12月", task="1.强化导向。")
    body += measure_row("第二项。", "市科技局", "市科技局、市财政局", "2023年6月",
                        continuation=True)
    document = tmp_path / "both.txt"
    document.write_text(table_text(body), "utf-8")
    first, second = _two_packs(tmp_path, "--no-snapshots", documents=(document,))
    _assert_same_files(first, second)


def test_two_packs_of_a_corpus_are_the_same_bytes(tmp_path):
    """A provincial unit works in several cities' plans: its page lists their measures plan
    by plan (measure numbers alone tie across plans, and ties came in a set's order)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    from generate import generate

    documents = generate(tmp_path / "docs", 300, seed=11)  # five cities' plans
    first, second = _two_packs(tmp_path, "--no-snapshots", documents=tuple(documents))
    assert any(name.startswith("plans/") for name in first)
    _assert_same_files(first, second)


def test_two_packs_with_snapshots_are_the_same_bytes(tmp_path):
    """Headless Chromium draws the same page into the same PNG bytes (the PNGs carry no
    time stamp), so the snapshots are compared like every other file."""
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("no Chromium")
    first, second = _two_packs(tmp_path)
    assert {"snapshots/network.png", "snapshots/plan.png"} <= set(first)
    _assert_same_files(first, second)


def _in_child(code: str, hash_seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=120, check=True)
    return done.stdout


def test_a_cluster_layout_does_not_depend_on_the_hash_seed():
    """A cluster page lays out the cluster's part of the network; networkx's subgraph view
    of under half a graph iterates a set, and the spring layout follows node order."""
    code = """if True:
        import networkx as nx
        from ipplan.viz.layout import spring_positions
        G = nx.Graph()
        for i in range(40):
            G.add_edge(f"u{i:02d}", f"u{(i + 1) % 40:02d}", strength=1.0)
            G.add_edge(f"u{i:02d}", f"u{(i + 7) % 40:02d}", strength=0.5)
        print(sorted(spring_positions(G.subgraph([f"u{i:02d}" for i in range(12)])).items()))
    """
    assert _in_child(code, "1") == _in_child(code, "2")


def test_a_layout_does_not_depend_on_the_order_nodes_were_added():
    edges = [("甲", "乙", 1.0), ("乙", "丙", 0.5), ("丙", "丁", 1.0), ("丁", "甲", 0.2),
             ("甲", "戊", 0.7)]
    forward, backward = nx.Graph(), nx.Graph()
    forward.add_weighted_edges_from(edges, weight="strength")
    backward.add_weighted_edges_from(reversed(edges), weight="strength")
    assert list(forward) != list(backward)
    assert spring_positions(forward) == spring_positions(backward)


def test_clusters_do_not_depend_on_the_hash_seed_when_most_units_are_alone():
    """Louvain is seeded, but its result follows the order it meets the nodes in: the units
    with partners must be handed to it in the network's order, not a set's."""
    code = """if True:
        import networkx as nx
        from ipplan.graph.clusters import collaboration_clusters
        G = nx.Graph()
        G.add_nodes_from(f"alone{i:03d}" for i in range(200))
        for i in range(24):
            G.add_edge(f"u{i:02d}", f"u{(i + 1) % 24:02d}", strength=1.0)
            G.add_edge(f"u{i:02d}", f"u{(i + 5) % 24:02d}", strength=1.0)
        print(collaboration_clusters(G, resolution=1.0, seed=42))
    """
    assert _in_child(code, "1") == _in_child(code, "2")
