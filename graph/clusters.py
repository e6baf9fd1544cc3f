"""Who works with whom: collaboration clusters of the co-assignment network.

Louvain communities of the network :func:`ipplan.graph.analytics.co_assignment_graph`
builds, always seeded, numbered largest first, and described by the measures their members
share and the themes of those measures.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import networkx as nx

if TYPE_CHECKING:  # analytics calls this module; the record type is only named here
    from .analytics import Assignment

__all__ = ["Cluster", "collaboration_clusters", "describe_clusters", "induced_subgraph"]


def collaboration_clusters(G: nx.Graph, *, resolution: float = 2.0, seed: int = 42,
                           weight: str = "strength") -> list[list[str]]:
    """Communities of the co-assignment network, largest first.

    Louvain on the edges' ``weight`` attribute, by default their association ``strength``.
    Each community is a sorted list of units; ties in size are ordered by their first unit,
    so cluster numbers (1, 2, …) are stable. Units without any partner, and communities of
    a single unit, are left out.

    Parameters
    ----------
    G : networkx.Graph
        The co-assignment network (units as nodes).
    resolution : float
        Louvain's modularity resolution: higher values give smaller clusters.
    seed : int
        The random seed of Louvain: the same network and seed give the same clusters.
    weight : str
        The edge attribute that weighs an edge.

    Returns
    -------
    list of lists of str
        The communities of two or more units, each sorted, the largest first.

    Examples
    --------
    >>> G = nx.Graph([("a", "b"), ("b", "c"), ("c", "a"), ("x", "y")])
    >>> collaboration_clusters(G, resolution=1.0, seed=1)
    [['a', 'b', 'c'], ['x', 'y']]
    >>> collaboration_clusters(G, seed=1)  # at 2.0 the triangle falls apart into single units
    [['x', 'y']]
    """
    connected = induced_subgraph(G, [n for n in G if G.degree(n) > 0])
    if connected.number_of_nodes() == 0:
        return []
    communities = nx.community.louvain_communities(
        connected, weight=weight, resolution=resolution, seed=seed)
    # A unit alone is not a collaboration: high resolutions can leave one on its own.
    return sorted((sorted(c) for c in communities if len(c) > 1), key=lambda c: (-len(c), c[0]))


def induced_subgraph(G: nx.Graph, nodes: Iterable[Any]) -> nx.Graph:
    """The part of ``G`` on ``nodes``, as a graph of its own whose nodes come in the order of
    ``nodes`` and each node's neighbours in ``G``'s order.

    Seeded Louvain and spring layouts still follow the order they meet the nodes in, and
    networkx's ``G.subgraph`` view iterates a Python set when it keeps under half of ``G``:
    its order, and with it the clusters and layouts, changed with the process' hash seed.

    Parameters
    ----------
    G : networkx.Graph
        Any graph.
    nodes : iterable
        The nodes to keep, in the order the new graph is to have them (repeats ignored).

    Returns
    -------
    networkx.Graph
        A new graph with the nodes, their attributes and the edges among them.

    Examples
    --------
    >>> G = nx.Graph([("a", "b"), ("b", "c"), ("c", "d"), ("d", "e"), ("e", "f")])
    >>> list(induced_subgraph(G, ["c", "b", "a"]).edges)
    [('c', 'b'), ('b', 'a')]
    """
    order = list(dict.fromkeys(nodes))
    keep = set(order)
    sub = nx.Graph()
    sub.add_nodes_from((node, G.nodes[node]) for node in order)
    sub.add_edges_from((node, other, data) for node in order
                       for other, data in G.adj[node].items() if other in keep)
    return sub


@dataclass
class Cluster:
    """A collaboration cluster and what describes it."""

    number: int
    members: list[str]
    shared_measures: list[str]  # measures with two or more of its members
    themes: dict[str, int]  # theme -> shared measures in it
    top_theme: str
    density: float  # internal density of the members' subgraph


def describe_clusters(G: nx.Graph, communities: list[list[str]],
                      facts: Iterable[Assignment]) -> list[Cluster]:
    """Members, shared measures, their themes and internal density of each community.

    Parameters
    ----------
    G : networkx.Graph
        The co-assignment network, whose edges carry the ``measures`` two units share.
    communities : list of lists of str
        The communities, as :func:`collaboration_clusters` gives them.
    facts : iterable of Assignment
        The assignments the network was built from (for each measure's theme).

    Returns
    -------
    list of Cluster
        One per community, numbered from 1 in the order given; the most common theme of
        the shared measures (the first by IRI among equals) names the cluster.

    Examples
    --------
    >>> from ipplan.graph.analytics import Assignment, UnitInfo, co_assignment_graph
    >>> a = [Assignment("m1", "A", "lead", "t1", ""), Assignment("m1", "B", "support", "t1", ""),
    ...      Assignment("m2", "A", "lead", "t2", ""), Assignment("m2", "C", "support", "t2", "")]
    >>> G = co_assignment_graph(a, {u: UnitInfo(u, "", "other", False) for u in "ABC"})
    >>> describe_clusters(G, [["A", "B", "C"]], a)
    [Cluster(number=1, members=['A', 'B', 'C'], shared_measures=['m1', 'm2'], \
themes={'t1': 1, 't2': 1}, top_theme='t1', density=0.6667)]
    """
    theme_of = {f.measure: f.theme for f in facts}
    clusters = []
    for number, members in enumerate(communities, start=1):
        sub = G.subgraph(members)
        shared = sorted({m for _, _, data in sub.edges(data=True) for m in data["measures"]})
        themes = Counter(theme_of[m] for m in shared if theme_of.get(m))
        top = min(themes, key=lambda t: (-themes[t], t)) if themes else ""
        clusters.append(Cluster(number, members, shared, dict(sorted(themes.items())), top,
                                round(nx.density(sub), 4)))
    return clusters
