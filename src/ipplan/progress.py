"""Progress bars for the long steps, on a terminal only.

A bar is drawn on standard error when it is a terminal and the run is not in CI (``CI`` set)
and ``IPPLAN_PROGRESS`` is not ``0``; in pipes, files, tests and CI nothing is printed, so
output stays byte-identical. Short runs show no bar: one appears only past ``minimum`` items.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import IO, TypeVar

import click

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
    with click.progressbar(items, length=length, label=label, file=sys.stderr,
                           show_pos=True) as bar:
        yield from bar


@contextlib.contextmanager
def reading(stream: IO[bytes], label: str, *, length: int,
            minimum: int = 4 * 2**20) -> Iterator[IO[bytes]]:
    """``stream`` as it is read, drawing a bar of the ``length`` bytes it holds on a terminal
    (none under ``minimum`` bytes)."""
    if not enabled() or length < minimum:
        yield stream
        return
    with click.progressbar(length=length, label=label, file=sys.stderr) as bar:
        yield _Counted(stream, bar.update)


class _Counted:
    """A binary stream that reports how many bytes each read takes."""

    def __init__(self, stream: IO[bytes], advance: Callable[[int], object]) -> None:
        self._stream, self._advance = stream, advance

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        self._advance(len(data))
        return data
