"""Brokers: the bulk betweenness is networkx's, pair for pair, and ties rank by name."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import networkx as nx
import pytest

from ipplan.graph.analytics import analyse, assignments, co_assignment_graph
from ipplan.graph.brokers import brokers, path_betweenness
from ipplan.usecases import open_sources


def _networkx_betweenness(G):
    """The reference: networkx's Brandes over Dijkstra, normalized=False (each pair once)."""
    H = nx.Graph()
    H.add_nodes_from(G)
    H.add_edges_from((u, v, {"distance": 1.0 / d["weight"]}) for u, v, d in G.edges(data=True))
    return nx.betweenness_centrality(H, weight="distance", normalized=False)


def _agree(G):
    mine, reference = path_betweenness(G), _networkx_betweenness(G)
    assert set(mine) == set(reference)
    for node, value in reference.items():
        assert mine[node] / 2 == pytest.approx(value, rel=1e-12, abs=1e-12), node


def test_betweenness_is_networkxs_on_the_seed_and_a_corpus(seed_graph, tmp_path):
    _agree(analyse(seed_graph).network)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    from generate import generate  # the benchmarks' corpus generator, found on that path

    # 14 plans: Hebei's eleven cities and three of Shanxi's, each province one network
    corpus = open_sources(generate(tmp_path, 840, seed=2)).graph
    G = co_assignment_graph(*assignments(corpus))
    assert len(list(nx.connected_components(G))) == 2
    _agree(G)


@pytest.mark.parametrize("seed", range(8))
def test_betweenness_is_networkxs_where_paths_tie(seed):
    """Small integer weights make many shortest paths of equal length, and 1/3 + 1/3 + 1/3
    against 1 tests that ties are the sums networkx compares; isolated pairs and nodes too."""
    rng = random.Random(seed)
    G = nx.gnm_random_graph(60, 150, seed=seed)
    nx.set_edge_attributes(G, {e: rng.choice((1, 1, 2, 3, 6)) for e in G.edges}, "weight")
    G.add_edge(100, 101, weight=1)
    G.add_node(102)
    _agree(G)


def test_brokers_rank_ties_by_name():
    G = nx.Graph()
    G.add_edges_from([("b", "hub1", {"weight": 1}), ("hub1", "c", {"weight": 1}),
                      ("d", "hub0", {"weight": 1}), ("hub0", "e", {"weight": 1})])
    assert brokers(G) == [("hub0", 0.1), ("hub1", 0.1)]
