"""What is late: a measure past its deadline month and not done, as of a day.

The rule the saved query ``overdue-measures`` writes in SPARQL and Cypher, for what draws from
the plan's facts (the deadline page, the pack's index). Only a measure due in a month can be
late; ongoing, recurring and undated measures never are.

>>> is_overdue("2025-06", None, "2025-07-01"), is_overdue("2025-06", None, "2025-06-30")
(True, False)
>>> is_overdue("2025-06", "done", "2026-01-01"), is_overdue(None, None, "2026-01-01")
(False, False)
"""

from __future__ import annotations

from typing import Any

__all__ = ["DONE", "is_overdue", "overdue_measures"]

DONE = "done"  # the notation of ipp:Done


def is_overdue(month: Any, progress: Any, as_of: str) -> bool:
    """Whether a measure due in ``month`` (YYYY-MM, None when it has no month) with the
    progress state ``progress`` (a notation, None when the plan gives none) is late on the
    day ``as_of`` (YYYY-MM-DD): its month has ended before that day and it is not done."""
    return month is not None and str(month) < as_of[:7] and progress != DONE


def overdue_measures(measures: dict[str, dict[str, Any]], as_of: str) -> list[str]:
    """The measures (IRIs, of :attr:`ipplan.graph.facts.Facts.measures`) late on ``as_of``,
    sorted."""
    return sorted(iri for iri, m in measures.items()
                  if is_overdue(m.get("deadline"), m.get("progress"), as_of))
