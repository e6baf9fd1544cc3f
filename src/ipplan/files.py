"""Writing files so that an interrupted run never leaves half a file where a good one was,
nor the temporary it was writing, and never replaces what the user named with something else."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from ipplan.console import ReaderGone
from ipplan.errors import IpplanError
from ipplan.stopping import held


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it into place.

    What ``path`` names is kept as what it is: a symbolic link stays a link and its target
    gets the new contents (written beside the target and renamed there); a device, a FIFO
    or a socket (``-o /dev/stdout``, ``-o /dev/null``, a named pipe) is written through, as
    a shell's ``>`` would, since renaming a file over it would destroy it."""
    path = Path(path)
    temporary = None
    try:
        kind = path.stat().st_mode  # through any link: what the name finally is
    except OSError:
        kind = None
    if kind is not None and not stat.S_ISREG(kind) and not stat.S_ISDIR(kind):
        _write_through(path, data)  # by the name given: /dev/stdout is a link to a pipe
        return
    if path.is_symlink():
        path = Path(os.path.realpath(path))
    try:
        # held: a signal between making the temporary and knowing its name would leave it
        with held():
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = _temporary_beside(path)
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException as exc:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise IpplanError(f"cannot write here ({exc.strerror or exc})", where=path) from None
        raise


def _write_through(path: Path, data: bytes) -> None:
    try:
        with open(path, "wb") as out:
            out.write(data)
    except BrokenPipeError:
        raise ReaderGone() from None  # -o /dev/stdout | head: the reader chose to stop
    except OSError as exc:
        raise IpplanError(f"cannot write here ({exc.strerror or exc})", where=path) from None


def refuse_overwriting_sources(output: str | Path, sources: Iterable[str | Path],
                               option: str = "-o") -> None:
    """Refuse an output that is, or is a folder holding, one of the documents being read:
    writing it would replace the user's source with ipplan's output."""
    target = Path(output)
    for source in sources:
        if _replaces(target, Path(source)):
            raise IpplanError(f"{option} {output} would replace the source {source}; ipplan "
                              "does not write over what it reads: name another output")


def _replaces(target: Path, source: Path) -> bool:
    written = os.path.realpath(target)
    read = os.path.realpath(source)
    if read == written or read.startswith(written.rstrip(os.sep) + os.sep):
        return True
    try:  # the same file under another name (a hard link)
        return os.path.samefile(target, source)
    except OSError:
        return False


def _temporary_beside(path: Path) -> tuple[int, str]:
    """A new file beside ``path`` for its next contents, made with the user's umask like
    any file they write (tempfile's are private to them). Named after this process, which
    costs a third of tempfile's random names on a pack of thousands of pages; a name taken
    (by another thread, or left by a crashed process of the same id) gets a number."""
    stem = str(path.parent / f".{path.name}.{os.getpid()}")
    for number in range(100):
        temporary = f"{stem}.{number}.tmp" if number else f"{stem}.tmp"
        try:
            return os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), temporary
        except FileExistsError:
            continue
    return tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)


def atomic_write_text(path: str | Path, text: str, encoding: str = "utf-8") -> None:
    atomic_write_bytes(path, text.encode(encoding))

