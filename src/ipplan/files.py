"""Writing files so that an interrupted run never leaves half a file where a good one was,
nor the temporary it was writing."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ipplan.errors import IpplanError
from ipplan.stopping import held


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it into place."""
    path = Path(path)
    temporary = None
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
