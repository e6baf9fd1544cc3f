"""Old binary Office and WPS files (.doc, .xls, .wps, .et), converted by LibreOffice.

LibreOffice runs headless with a profile folder of its own (so it neither touches nor waits
for the user's), writes the .docx or .xlsx into a temporary folder, and is stopped when it
runs past its time limit; the folder is removed in every case. Without LibreOffice the
refusal says how to install it, or to save the file as .docx/.xlsx.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from ipplan.errors import InputError

# Old format -> what LibreOffice converts it to, which ipplan then reads.
CONVERTED = {".doc": "docx", ".wps": "docx", ".xls": "xlsx", ".et": "xlsx"}
# Seconds LibreOffice may take (starting it takes a few on a cold cache).
TIME_LIMIT = float(os.environ.get("IPPLAN_SOFFICE_TIMEOUT", "120"))
INSTALL_HINT = ("install LibreOffice (apt-get install libreoffice-writer-nogui "
                "libreoffice-calc-nogui) or save the file as .docx/.xlsx")


def soffice() -> str | None:
    """The LibreOffice program, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


@contextmanager
def converted(path: Path, target: str, *, time_limit: float | None = None) -> Iterator[Path]:
    """``path`` converted by LibreOffice to ``target`` (docx, xlsx, pdf), in a temporary
    folder that is removed when the block ends. Refuses with one line when LibreOffice is
    missing, runs out of time or writes nothing."""
    program = soffice()
    if program is None:
        raise InputError(f"reading {path.suffix} files needs LibreOffice: {INSTALL_HINT}",
                         where=path)
    limit = TIME_LIMIT if time_limit is None else time_limit
    folder = Path(tempfile.mkdtemp(prefix="ipplan-soffice-"))
    try:
        profile = folder / "profile"
        command = [program, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                   "--norestore", "--nolockcheck", "--convert-to", target,
                   "--outdir", str(folder / "out"), str(path.resolve())]
        # Its own process group: on timeout the whole group (soffice.bin too) is stopped.
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            _out, err = process.communicate(timeout=limit)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise InputError(f"LibreOffice did not convert the file within {limit:g} s "
                             "(set IPPLAN_SOFFICE_TIMEOUT for more, or save it as "
                             f".{CONVERTED.get(path.suffix.lower(), target)})",
                             where=path) from None
        results = sorted((folder / "out").glob(f"*.{target}"))
        if process.returncode != 0 or not results:
            said = " ".join(err.decode("utf-8", "replace").split())[:160]
            raise InputError(f"LibreOffice could not convert it to .{target}"
                             f"{': ' + said if said else ''} (is it a damaged or "
                             "password-protected file?)", where=path)
        yield results[0]
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def read_legacy(path: Path, read: object, *args: object) -> tuple[list[str], list]:
    """Convert ``path`` and read the result with ``read`` (read_word or read_excel); rows and
    refusals name the user's file, not the temporary one."""
    target = CONVERTED[path.suffix.lower()]
    with converted(path, target) as result:
        try:
            above, rows = read(result, *args)  # type: ignore[operator]
        except InputError as exc:
            message = str(exc).replace(str(result), str(path))
            raise InputError(f"{message} (read as the .{target} LibreOffice made of this "
                             f"{path.suffix} file)") from None
    return above, [replace(row, location=replace(row.location, file=str(path))) for row in rows]
