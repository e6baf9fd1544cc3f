"""Standard output that tells when what ipplan writes does not arrive.

Python's own stdout buffers, and a write that fails (a full disk behind ``> file``, a closed
descriptor, a terminal whose encoding has no Chinese) surfaces at some later write or at the
final flush, as an ``OSError`` nobody can tell from any other, or not at all. Every byte for
standard output goes through :class:`Stdout` instead, whose failures are :class:`OutputError`
with the reason in words.
"""

from __future__ import annotations

import codecs
import errno
import io
import os
import sys

from ipplan.errors import IpplanError

__all__ = ["OutputError", "ReaderGone", "Stdout", "guard_stdout", "encoding_refusal"]


class OutputError(IpplanError):
    """Standard output, or a file ipplan writes, cannot take what ipplan writes."""

    exit_code = 74  # EX_IOERR: the input was fine, the output was not


def _reason(exc: OSError) -> str:
    if exc.errno == errno.EBADF:
        return "standard output is closed; redirect it to a file, or use -o FILE"
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"cannot write to standard output: the disk is full ({exc.strerror})"
    return f"cannot write to standard output ({exc.strerror or exc})"


class ReaderGone(Exception):
    """The program reading standard output stopped reading (``| head``): not an error.

    Not an ``OSError``, so that no layer between the write and the command line (click
    turns a broken pipe into exit 1) takes it for a failure of its own."""


class Stdout(io.RawIOBase):
    """File descriptor 1, raising :class:`OutputError` when a write fails, and
    :class:`ReaderGone` when the reader closed the pipe."""

    def __init__(self, closed_at_start: bool = False):
        super().__init__()
        self._closed_at_start = closed_at_start
        self._failed = False  # reported once; what is still buffered then goes nowhere

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return 1

    def isatty(self) -> bool:
        return not self._closed_at_start and os.isatty(1)

    def write(self, data: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        if self._failed:
            return len(data)
        try:
            if self._closed_at_start:
                raise OSError(errno.EBADF, os.strerror(errno.EBADF))
            return os.write(1, data)
        except BrokenPipeError:
            self._failed = True
            raise ReaderGone() from None
        except OSError as exc:
            self._failed = True
            raise OutputError(_reason(exc)) from None


def guard_stdout() -> None:
    """Route ``sys.stdout`` through :class:`Stdout`, keeping its encoding and buffering.

    A descriptor 1 that is closed at start is held open on the null device, so no file
    opened later takes its number and receives what was meant for standard output; the
    first write then fails as a closed standard output does.
    """
    try:
        os.fstat(1)
        closed = False
    except OSError:
        closed = True
        null = os.open(os.devnull, os.O_WRONLY)
        if null != 1:
            os.dup2(null, 1)
            os.close(null)
    old = sys.stdout
    encoding = getattr(old, "encoding", None) or "utf-8"
    errors = getattr(old, "errors", None) or "strict"
    line_buffering = bool(getattr(old, "line_buffering", False))
    sys.stdout = io.TextIOWrapper(io.BufferedWriter(Stdout(closed)), encoding=encoding,
                                  errors=errors, line_buffering=line_buffering)


def encoding_refusal(exc: UnicodeEncodeError) -> str | None:
    """The error line for text that standard output's encoding cannot hold, or None when
    ``exc`` did not come from standard output's encoding."""
    encoding = getattr(sys.stdout, "encoding", None)
    if not encoding or codec_name(exc.encoding) != codec_name(encoding):
        return None
    return (f"standard output takes {encoding}, which cannot show the plan's Chinese text; "
            "set PYTHONIOENCODING=utf-8 or a UTF-8 locale (LANG=C.UTF-8), or write to a file "
            "with -o")


def codec_name(name: str) -> str:
    """The canonical name of an encoding (``latin-1`` and ``iso8859-1`` are one)."""
    try:
        return codecs.lookup(name).name
    except LookupError:
        return name.lower()
