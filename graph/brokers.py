"""Who connects the groups: the units with the highest betweenness in the co-assignment
network, computed exactly and in bulk (scipy's Dijkstra and sparse matrix products)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import networkx as nx
import numpy as np
from numpy import ndarray
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

__all__ = ["brokers", "path_betweenness"]


def brokers(G: nx.Graph, *, top: int = 5) -> list[tuple[str, float]]:
    """The ``top`` units with the highest betweenness in the co-assignment network, highest
    first.

    Edges are weighted as distance 1/weight: units that share many measures are close.
    Exact betweenness: no sampling, so no seed is needed; normalised over the whole network
    as ``nx.betweenness_centrality(G, weight="distance", normalized=True)`` is, and held to
    it by the tests.

    Parameters
    ----------
    G : networkx.Graph
        The co-assignment network; each edge's ``weight`` is the measures two units share.
    top : int
        How many units to give at most.

    Returns
    -------
    list of (str, float)
        Units with a betweenness above zero and their betweenness (four significant
        digits), highest first, ties by unit; empty for fewer than three units.

    Examples
    --------
    >>> G = nx.Graph([("a", "b", {"weight": 1}), ("b", "c", {"weight": 1}),
    ...               ("c", "d", {"weight": 2})])
    >>> brokers(G, top=2)
    [('b', 0.6667), ('c', 0.6667)]
    """
    n = G.number_of_nodes()
    if n < 3:
        return []
    centrality = {node: value / ((n - 1) * (n - 2))
                  for node, value in path_betweenness(G).items()}
    # ten significant digits before ranking: the same value summed in another order ties
    ranked = sorted(centrality.items(), key=lambda item: (-float(f"{item[1]:.10g}"), item[0]))
    # four significant digits: over a corpus of many plans every value is small
    return [(unit, float(f"{value:.4g}")) for unit, value in ranked[:top] if value > 0]


def path_betweenness(G: nx.Graph, *, chunk: int = 256) -> dict[Any, float]:
    """Brandes' betweenness of every node, each (source, target) pair counted in both
    directions, over shortest paths with edge length 1/weight.

    The same shortest-path DAGs as networkx's Dijkstra, found in bulk: scipy's Dijkstra
    gives each connected component's distances, an edge (u, v) lies on a shortest path from
    s exactly when dist(s, u) + 1/weight == dist(s, v) (the very sum both compare), and path
    counts and dependencies flow along those edges as sparse matrix products, ``chunk``
    sources at a time. A province's plans share provincial units, so a corpus is a few dozen
    components of some five hundred units: networkx's Python loops took 17 s at 20,000
    measures.

    Parameters
    ----------
    G : networkx.Graph
        A graph whose edges carry a positive ``weight``.
    chunk : int
        How many sources share one round of matrix products (memory against speed).

    Returns
    -------
    dict
        Each node's betweenness, not normalised.

    Examples
    --------
    >>> G = nx.Graph([("a", "b", {"weight": 1}), ("b", "c", {"weight": 1}),
    ...               ("c", "d", {"weight": 2})])
    >>> path_betweenness(G)
    {'a': 0.0, 'b': 4.0, 'c': 4.0, 'd': 0.0}
    """
    result: dict[Any, float] = {}
    for component in nx.connected_components(G):
        nodes = sorted(component, key=str)
        size = len(nodes)
        if size < 3:
            result.update(dict.fromkeys(nodes, 0.0))
            continue
        at = {node: i for i, node in enumerate(nodes)}
        ends = [(at[u], at[v], 1.0 / d["weight"]) for u, v, d in G.subgraph(nodes).edges(data=True)]
        tail = np.array([a for a, _, _ in ends] + [b for _, b, _ in ends])
        head = np.array([b for _, b, _ in ends] + [a for a, _, _ in ends])
        length = np.array([w for _, _, w in ends] * 2)
        distance = dijkstra(csr_matrix((length, (tail, head)), shape=(size, size)))
        total = np.zeros(size)
        for first in range(0, size, chunk):
            sources = np.arange(first, min(first + chunk, size))
            rows, edges = np.nonzero(
                distance[sources][:, tail] + length == distance[sources][:, head])
            total += _dependencies(rows, tail[edges], head[edges], sources, size)
        result.update(zip(nodes, total.tolist()))
    return result


def _dependencies(rows: ndarray, tails: ndarray, heads: ndarray, sources: ndarray,
                  size: int) -> ndarray:
    """Summed dependencies of each node for ``sources``, given their shortest-path DAG edges
    (``rows[k]``'s DAG has the edge tails[k] -> heads[k])."""
    count = len(sources) * size
    origin, target = rows * size + tails, rows * size + heads
    start = np.zeros(count)
    start[np.arange(len(sources)) * size + sources] = 1.0
    forward = csr_matrix((np.ones(len(rows)), (target, origin)), shape=(count, count))
    paths = _settle(lambda sigma: start + forward @ sigma, start)  # shortest paths from s
    share = csr_matrix((paths[origin] / paths[target], (origin, target)), shape=(count, count))
    ones = np.ones(count)
    dependency = _settle(lambda delta: share @ (ones + delta), np.zeros(count))
    dependency[np.arange(len(sources)) * size + sources] = 0.0  # a source is not between
    return dependency.reshape(len(sources), size).sum(axis=0)


def _settle(step: Callable[[ndarray], ndarray], value: ndarray) -> ndarray:
    """Apply ``step`` until the value stops changing: along a DAG that takes as many steps as
    its longest path has edges, and then the same sums give the same bits."""
    while True:
        following = step(value)
        if np.array_equal(following, value):
            return value
        value = following
