"""Where nodes sit on a page (viz/layout.py)."""

from __future__ import annotations

import networkx as nx

from ipplan.viz.layout import pieces_in_rows, spring_positions


def test_pieces_of_a_graph_are_laid_out_apart_in_order():
    """A connected piece keeps its own spring layout inside its block; the pieces follow
    each other in rows, never overlapping; a connected graph is laid out as before."""
    G = nx.Graph()
    G.add_weighted_edges_from([("a", "b", 2), ("b", "c", 1), ("c", "a", 1), ("f", "g", 1)])
    G.add_nodes_from(["d", "e", "h", "i", "j"])
    positions = pieces_in_rows(G, order=lambda n: n)
    assert positions == pieces_in_rows(G.copy(), order=lambda n: n)  # seeded
    pieces = [["a", "b", "c"], ["d"], ["e"], ["f", "g"], ["h"], ["i"], ["j"]]
    boxes = []
    for piece in pieces:
        xs, ys = [positions[n][0] for n in piece], [positions[n][1] for n in piece]
        boxes.append((min(xs) - 100, min(ys) - 85, max(xs) + 100, max(ys) + 85))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)
    reading = sorted(zip(boxes, pieces), key=lambda box_piece: (box_piece[0][1], box_piece[0][0]))
    assert [piece[0] for _box, piece in reading] == ["a", "d", "e", "f", "h", "i", "j"]  # rows
    assert len({round(box[1]) for box in boxes}) > 1  # more than one row
    connected = nx.path_graph(["x", "y", "z"])
    nx.set_edge_attributes(connected, 1, "weight")
    assert pieces_in_rows(connected, order=lambda n: n) == spring_positions(
        connected, weight="weight", scale=900.0)
