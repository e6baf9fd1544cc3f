"""The one exception type that means "the user's input is wrong", reported as one line."""

from __future__ import annotations


class IpplanError(Exception):
    """An error the user can act on: bad input, a missing file, a refused server.

    The message is a single line that names the file (and line or row) where it applies.
    The command line prints it on stderr and exits with ``exit_code``.
    """

    exit_code = 2

    def __init__(self, message: str, *, where: object | None = None):
        self.where = where
        text = f"{where}: {message}" if where is not None else message
        super().__init__(" ".join(text.split("\n")))


def reason(exc: BaseException, limit: int = 200) -> str:
    """What ``exc`` says, on one line of at most ``limit`` characters, for an error line (the
    name of its type when it says nothing).

    >>> reason(OSError("disk\\n full")), reason(ValueError())
    ('disk full', 'ValueError')
    """
    return " ".join(str(exc).split())[:limit] or type(exc).__name__


class InputError(IpplanError):
    """A document or graph file that ipplan cannot read."""


class NotATableError(InputError):
    """A document with no task table in it (no header row was found)."""
