"""Rendering rows as a table, CSV, JSON or Markdown, the same way for every command.

CSV cells that a spreadsheet would run as a formula (starting with = + - @) are prefixed
with an apostrophe, and CSV written to a ``.csv`` file carries a BOM so Excel reads it as
UTF-8.
"""

from __future__ import annotations

import csv
import io
import json
import stat
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ipplan.errors import IpplanError

FORMATS = ("table", "csv", "json", "md")
# the suffix of -o -> the format it names
SUFFIX_FORMATS = {".csv": "csv", ".json": "json", ".md": "md", ".markdown": "md",
                  ".txt": "table"}
FORMAT_NAMES = {"csv": "CSV", "json": "JSON", "md": "Markdown", "table": "a text table"}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    if isinstance(value, list):
        return "、".join(map(str, value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return ""
    return str(value)


def safe_csv_cell(text: str) -> str:
    """A cell Excel shows as text rather than evaluating.

    >>> safe_csv_cell("=HYPERLINK(1)")
    "'=HYPERLINK(1)"
    >>> safe_csv_cell("2022-12")
    '2022-12'
    """
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    """CSV text, each distinct cell formatted once.

    >>> to_csv([{"n": 1, "ok": True, "f": "=1+1"}, {"n": True, "ok": 1, "f": ["甲", "乙"]}],
    ...        ["n", "ok", "f"])
    "n,ok,f\\r\\n1,yes,'=1+1\\r\\nyes,1,甲、乙\\r\\n"
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    known: dict[tuple[type, Any], str] = {}  # cells repeat: unit names, themes, roles

    def cell(value: Any) -> str:
        if isinstance(value, list):
            return safe_csv_cell(_cell(value))
        key = (type(value), value)  # True and 1 are equal keys, but not the same cell
        text = known.get(key)
        if text is None:
            text = known[key] = safe_csv_cell(_cell(value))
        return text

    for row in rows:
        writer.writerow([cell(row.get(c)) for c in columns])
    return out.getvalue()


def excel_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> bytes:
    """CSV as a file for Excel: UTF-8 with a BOM, so Chinese opens correctly."""
    return ("\ufeff" + to_csv(rows, columns)).encode("utf-8")


def output_format(path: Path | None, given: str | None, default: str,
                  given_as: str | None = None) -> str:
    """The format to write: the one ``path``'s suffix names (.csv, .json, .md, .txt for a
    text table), which ``given`` may confirm but not contradict; ``given`` for any other
    suffix, or standard output (``path`` None), else ``default``. A file whose suffix names
    no format needs ``given``: ``-o out.xlsx`` would otherwise be CSV text Excel cannot
    open. ``given_as`` is how the format was asked for (--json), for the refusal.

    >>> output_format(Path("rows.json"), None, "csv")
    'json'
    >>> output_format(Path("rows.json"), "csv", "csv")
    Traceback (most recent call last):
    ipplan.errors.IpplanError: -o rows.json is JSON but --format csv was given
    """
    if path is None or _streams(path):
        return given or default
    by_suffix = SUFFIX_FORMATS.get(path.suffix.lower())
    if by_suffix is None:
        if given is not None:
            return given
        found = f"the suffix {path.suffix!r}" if path.suffix else "no suffix"
        raise IpplanError(f"-o {path}: {found} does not say which format to write; name "
                          "the file .csv, .json, .md or .txt (a text table), or give --format")
    if given is not None and given != by_suffix:
        raise IpplanError(f"-o {path} is {FORMAT_NAMES[by_suffix]} but "
                          f"{given_as or '--format ' + given} was given")
    return by_suffix


def _streams(path: Path) -> bool:
    """Whether ``path`` is a device or a FIFO (``-o /dev/stdout``), written through like
    standard output: its name says nothing of a format."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)


def wants_bom(fmt: str, path: Any) -> bool:
    """Whether output in ``fmt`` to ``path`` is a CSV file a spreadsheet will open."""
    return fmt == "csv" and path is not None and str(path).lower().endswith(".csv")


def to_json(rows: Sequence[dict[str, Any]] | dict[str, Any], columns: Sequence[str] | None = None
            ) -> str:
    if columns is not None and not isinstance(rows, dict):
        rows = [{c: row.get(c) for c in columns} for row in rows]
    return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"


def display_width(text: str) -> int:
    """Columns a terminal gives ``text``: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    if display_width(text) <= width:
        return text
    out, used = [], 0
    for char in text:
        w = display_width(char)
        if used + w > width - 1:
            break
        out.append(char)
        used += w
    return "".join(out) + "…"


def to_table(rows: Sequence[dict[str, Any]], columns: Sequence[str], max_width: int = 40) -> str:
    """A plain-text table aligned for CJK text; long cells are clipped to ``max_width``."""
    cells = [[_clip(_cell(row.get(c)), max_width) for c in columns] for row in rows]
    widths = [max([display_width(c)] + [display_width(r[i]) for r in cells])
              for i, c in enumerate(columns)]

    def line(values: Sequence[str]) -> str:
        return "  ".join(v + " " * (w - display_width(v)) for v, w in zip(values, widths)).rstrip()

    out = [line(columns), line(["-" * w for w in widths])]
    out += [line(r) for r in cells]
    return "\n".join(out) + "\n"


def to_markdown(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    def esc(text: str) -> str:
        return " ".join(text.split()).replace("|", "\\|")

    out = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    out += ["| " + " | ".join(esc(_cell(row.get(c))) for c in columns) + " |" for row in rows]
    return "\n".join(out) + "\n"


def render(rows: Sequence[dict[str, Any]], columns: Sequence[str], fmt: str) -> str:
    """Rows in one of :data:`FORMATS`."""
    if fmt == "csv":
        return to_csv(rows, columns)
    if fmt == "json":
        return to_json(rows, columns)
    if fmt == "md":
        return to_markdown(rows, columns)
    return to_table(rows, columns)
