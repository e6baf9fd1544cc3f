"""How pages look: palettes, the colour of a cluster, a unit kind and a level of the plan,
the kinds' labels, and the size of a unit's dot."""

from __future__ import annotations

import math

from ipplan.graph.overload import Load
from ipplan.graph.vocab import KINDS

__all__ = ["KIND_COLOURS", "KIND_LABELS", "LEVEL_COLOURS", "NO_CLUSTER", "PALETTE",
           "cluster_colour", "kind_colour", "unit_size"]

# Colours that stay apart in print and for colour-blind readers (Okabe-Ito, then Tableau).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
           "#000000", "#4E79A7", "#F28E2B", "#59A14F", "#B07AA1", "#9C755F", "#EDC948")
NO_CLUSTER = "#B0B0B0"
# The kinds' names as the ontology labels them (ontology/ip_plan.ttl, read once by vocab).
KIND_LABELS = {slug: (kind.zh, kind.en) for slug, kind in KINDS.items()}
# Each kind keeps its colour whatever kinds are added later (taken from PALETTE, in the order
# the kinds were introduced, so pages drawn before provincial departments look the same).
KIND_COLOURS = {
    "customs": PALETTE[0], "development-zone": PALETTE[1], "district-collective": PALETTE[2],
    "financial-institution": PALETTE[3], "judicial": PALETTE[4], "mass-organisation": PALETTE[5],
    "municipal-department": PALETTE[6], "other": PALETTE[7], "party-organ": PALETTE[8],
    "university": PALETTE[9], "provincial-department": PALETTE[10],
    "national-department": PALETTE[11], "district-department": PALETTE[12],
}
LEVEL_COLOURS = {"plan": "#444444", "theme": "#7F3C8D", "task": "#11A579",
                 "measure": "#3969AC", "unit": "#E68310"}


def cluster_colour(number: int | None) -> str:
    """The colour of cluster ``number`` (the palette repeats); grey for no cluster."""
    return PALETTE[(number - 1) % len(PALETTE)] if number else NO_CLUSTER


def kind_colour(kind: str) -> str:
    """The colour of a unit kind; grey for a kind without one."""
    return KIND_COLOURS.get(kind, NO_CLUSTER)


def unit_size(load: Load | None) -> float:
    """A unit's dot size: grows with the square root of its load score."""
    return round(10 + 4 * math.sqrt(load.score if load else 0), 2)
