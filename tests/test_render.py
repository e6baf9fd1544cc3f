"""The pyvis network pages are drawn on (viz/render.py)."""

from __future__ import annotations

import random

import pytest
from pyvis.network import Network

from ipplan.viz.render import FastNetwork


def test_fast_network_builds_what_pyvis_builds():
    """ipplan's Network keeps pyvis' results (first edge between two nodes wins, either
    direction) with set lookups instead of pyvis' scans of every node and edge."""
    rng = random.Random(7)
    ours, theirs = FastNetwork(), Network(directed=False, cdn_resources="remote")
    for net in (ours, theirs):
        for n in range(40):
            net.add_node(f"n{n}", label=f"节点{n}", size=n)
        net.add_node("n3", label="again")  # a second add of a node is ignored
    edges = [(f"n{rng.randrange(40)}", f"n{rng.randrange(40)}", rng.random()) for _ in range(300)]
    for net in (ours, theirs):
        for a, b, width in edges:
            net.add_edge(a, b, width=width)
    assert ours.get_network_data()[:2] == theirs.get_network_data()[:2]
    with pytest.raises(AssertionError, match="non existent node"):
        ours.add_edge("n1", "nowhere")
