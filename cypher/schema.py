"""The property graph's schema as a Bolt database holds it: its labels, its relationship
types, and a unique id per label.

Both the embedded server (which creates the constraints with its database) and the push use
it, so it sits apart from either.
"""

from __future__ import annotations

__all__ = ["LABELS", "RELATIONSHIPS", "constraint_statements"]

LABELS = ("Plan", "Theme", "Task", "Measure", "Unit", "Cluster")
RELATIONSHIPS = ("HAS_THEME", "HAS_TASK", "HAS_MEASURE", "LEADS", "SUPPORTS", "IN_CLUSTER",
                 "SHARES", "TOP_THEME")


def constraint_statements() -> list[str]:
    """A unique id for every label (which gives each label an index on id)."""
    return [f"CREATE CONSTRAINT ipplan_{label.lower()}_id IF NOT EXISTS "
            f"FOR (n:{label}) REQUIRE n.id IS UNIQUE" for label in LABELS]
