"""Where nodes sit on a page: seeded spring layouts, unconnected pieces set in rows, and a
unit's radial layout. The same graph always lands in the same place, and nothing moves once
drawn."""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

import networkx as nx

from ipplan.graph.clusters import induced_subgraph
from ipplan.graph.facts import Facts

__all__ = ["pieces_in_rows", "radial", "spring_positions"]


def spring_positions(G: nx.Graph, seed: int = 7, scale: float = 900.0,
                     weight: str | None = "strength") -> dict[str, tuple[float, float]]:
    """Seeded spring layout in pixels: the same graph always lands in the same place.

    The layout starts from random positions handed out in node order, so it is computed on
    the nodes in sorted order: the order ``G`` was built in, or a subgraph view's set order
    (which changes with the process' hash seed), does not move a node."""
    if G.number_of_nodes() == 0:
        return {}
    ordered = induced_subgraph(G, sorted(G))
    k = 1.5 / math.sqrt(max(G.number_of_nodes(), 1))
    layout = nx.spring_layout(ordered, seed=seed, weight=weight, k=k, iterations=200)
    return {n: (round(float(x) * scale, 1), round(float(y) * scale, 1))
            for n, (x, y) in sorted(layout.items())}


def pieces_in_rows(G: nx.Graph, order: Any, weight: str | None = "weight",
                   cell: tuple[float, float] = (200.0, 170.0)) -> dict[Any, tuple[float, float]]:
    """Seeded layout of a graph in several unconnected pieces: each piece laid out on its own
    and the pieces set in rows, in the order of ``order(node)`` of their first node (one
    spring layout of them all puts unconnected pieces on a ring, far apart). A connected
    graph gets :func:`spring_positions`."""
    pieces = [sorted(piece, key=order) for piece in nx.connected_components(G)]
    if len(pieces) <= 1:
        return spring_positions(G, weight=weight, scale=900.0)
    pieces.sort(key=lambda piece: order(piece[0]))
    laid = []  # (positions relative to the piece's top-left corner, width, height)
    for piece in pieces:
        if len(piece) == 1:
            laid.append(({piece[0]: (cell[0] / 2, cell[1] / 2)}, *cell))
            continue
        inner = spring_positions(induced_subgraph(G, piece), weight=weight,
                                 scale=0.6 * cell[0] * math.sqrt(len(piece)))
        xs, ys = [x for x, _ in inner.values()], [y for _, y in inner.values()]
        left, top = min(xs) - cell[0] / 2, min(ys) - cell[1] / 2
        laid.append(({n: (x - left, y - top) for n, (x, y) in inner.items()},
                     max(xs) - min(xs) + cell[0], max(ys) - min(ys) + cell[1]))
    area = sum(width * height for _, width, height in laid)
    row_width = max(max(width for _, width, _ in laid), 1.6 * math.sqrt(area))
    positions: dict[Any, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for inner, width, height in laid:
        if x and x + width > row_width:
            x, y, row_height = 0.0, y + row_height, 0.0
        for node, (dx, dy) in inner.items():
            positions[node] = (round(x + dx, 1), round(y + dy, 1))
        x, row_height = x + width, max(row_height, height)
    return positions


def radial(centre: str, measures: list[str], partners: dict[str, int], facts: Facts
           ) -> dict[str, tuple[float, float]]:
    """The unit in the middle, its measures on a ring in document order, each partner on an
    outer ring at the mean angle of the measures it shares: deterministic and uncluttered."""
    positions = {centre: (0.0, 0.0)}
    inner = max(260.0, 28.0 * len(measures))
    angle_of = {}
    for index, measure in enumerate(measures):
        angle = 2 * math.pi * index / max(len(measures), 1) - math.pi / 2
        angle_of[measure] = angle
        positions[measure] = (round(inner * math.cos(angle), 1), round(inner * math.sin(angle), 1))
    shared: dict[str, list[float]] = defaultdict(list)
    for m, angle in angle_of.items():
        for u, _role in facts.by_measure[m]:
            if u in partners:
                shared[u].append(angle)
    outer = inner + 260.0
    wanted = sorted(partners, key=lambda u: (math.atan2(
        sum(math.sin(a) for a in shared[u]), sum(math.cos(a) for a in shared[u])), u))
    for index, partner in enumerate(wanted):
        angle = 2 * math.pi * index / max(len(wanted), 1) - math.pi / 2
        positions[partner] = (round(outer * math.cos(angle), 1), round(outer * math.sin(angle), 1))
    return positions
