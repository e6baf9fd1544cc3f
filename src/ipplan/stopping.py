"""Ctrl-C, SIGTERM and SIGHUP: one way for ipplan to stop, whatever it is doing.

Each of the three becomes :class:`Stopped` in the main thread: an exception that unwinds the
work like any other, so every ``finally`` runs. A file being written loses its temporary, the
browser is killed and its folder removed, the embedded server is stopped and its folder
removed; then the command line says what stopped it and exits with 128 + the signal's number.

The first signal stops the work; the ones that come while it stops are ignored, so that the
cleanup is never cut short. Work that must not be cut in two (the JVM starting, a temporary
file made and named) runs with signals :func:`held`: one that comes meanwhile takes effect
as the block ends.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator

SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
WHAT = {signal.SIGINT: "interrupted", signal.SIGTERM: "terminated", signal.SIGHUP: "hung up"}


class Stopped(SystemExit):
    """A signal asked ipplan to stop. A SystemExit, so that a program that does not catch
    it ends quietly with the shell's status for the signal, 128 + its number."""

    def __init__(self, number: int) -> None:
        super().__init__(128 + number)
        self.number = number



_received: int | None = None  # the signal that asked to stop, once one has
_stopping = False  # the stop is under way (or the work is over): signals are ignored
_held = 0  # how deep in held() the main thread is


def _on_signal(number: int, _frame: object) -> None:
    global _received, _stopping
    if _stopping:
        return
    if _received is None:
        _received = number
    if _held:
        return
    _stopping = True
    raise Stopped(number)


def _in_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def _is_default(number: int, handler: object) -> bool:
    return handler in (signal.SIG_DFL, None) or (
        number == signal.SIGINT and handler is signal.default_int_handler)


def stop_on(numbers: tuple[int, ...] = SIGNALS) -> None:
    """From now on the signals ``numbers`` raise :class:`Stopped` in the main thread. A
    signal that someone else already handles (or ignores, as ``nohup`` does) is left as it
    is; so is everything outside the main thread, where Python cannot set handlers."""
    if not _in_main_thread():
        return
    for number in numbers:
        if _is_default(number, signal.getsignal(number)):
            signal.signal(number, _on_signal)


@contextlib.contextmanager
def held() -> Iterator[None]:
    """Signals that come during the block stop the work as it ends (once it is over,
    there is something whole to clean up). Ctrl-C, where Python still handles it, is held
    too, and then raises KeyboardInterrupt as it would have."""
    global _held
    if not _in_main_thread():
        yield
        return
    borrowed = _is_default(signal.SIGINT, signal.getsignal(signal.SIGINT))
    if borrowed:
        signal.signal(signal.SIGINT, _on_signal)
    _held += 1
    try:
        yield
    except BaseException:
        _release(borrowed)  # what went wrong in the block is what is raised
        raise
    if _release(borrowed):
        raise KeyboardInterrupt
    if _held or _stopping or _received is None:
        return
    _stop()


def _release(borrowed: bool) -> bool:
    """The end of a held block: whether it held a Ctrl-C that is Python's to raise (as
    KeyboardInterrupt: Python handles Ctrl-C outside the block)."""
    global _held, _received
    _held -= 1
    if not borrowed:
        return False
    signal.signal(signal.SIGINT, signal.default_int_handler)
    if _received == signal.SIGINT and not _stopping:
        _received = None
        return True
    return False


def _stop() -> None:
    global _stopping
    _stopping = True
    raise Stopped(_received)


def received() -> int | None:
    """The signal that asked ipplan to stop, if one has."""
    return _received


def ignored_from_now() -> None:
    """The work is over, or stopping: signals from now on are ignored, so that the cleanup
    that is left (the embedded server stopping, its folder removed) is never cut short."""
    global _stopping
    _stopping = True
    if not _in_main_thread():
        return
    # Ignored by the system, not by a handler of ours: as Python exits it gives the signals it
    # handles back to the system's default, and a Ctrl-C in those last moments (a fifth of a
    # second for a large graph to be freed) killed the finished command with nothing said.
    for number in SIGNALS:
        if signal.getsignal(number) in (_on_signal, signal.default_int_handler):
            signal.signal(number, signal.SIG_IGN)
