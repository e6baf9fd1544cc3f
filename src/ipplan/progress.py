"""Progress bars for the long steps, on a terminal only.

A bar is drawn on standard error when it is a terminal and the run is not in CI (``CI`` set)
and ``IPPLAN_PROGRESS`` is not ``0``; in pipes, files, tests and CI nothing is printed, so
output stays byte-identical. Short runs show no bar: one appears only past ``minimum`` items.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


def enabled() -> bool:
    if os.environ.get("IPPLAN_PROGRESS", "").strip() == "0" or os.environ.get("CI"):
        return False
    return os.environ.get("IPPLAN_PROGRESS", "").strip() == "1" or sys.stderr.isatty()


def steps(items: Iterable[T], label: str, *, length: int | None = None,
          minimum: int = 20) -> Iterator[T]:
    """Iterate ``items``, drawing a bar labelled ``label`` on a terminal."""
    if length is None and hasattr(items, "__len__"):
        length = len(items)  # type: ignore[arg-type]
    if not enabled() or (length is not None and length < minimum):
        yield from items
        return
    import click

    with click.progressbar(items, length=length, label=label, file=sys.stderr,
                           show_pos=True) as bar:
        yield from bar
