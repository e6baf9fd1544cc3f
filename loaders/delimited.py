"""CSV (and tab-separated) task tables from tracking systems: UTF-8 with or without BOM, or
GB18030, with a header row; blank task cells belong to the row above."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ipplan.errors import InputError
from ipplan.model import Location

from .grid import GridRow
from .reading import decode_text, read_bytes


def read_delimited(path: Path) -> tuple[list[str], list[GridRow], str]:
    """(texts above the header — none for CSV, they are rows —, the rows, the encoding)."""
    text, encoding = decode_text(read_bytes(path), path)
    delimiter = "\t" if path.suffix.lower() == ".tsv" else _sniff(text)
    rows = []
    try:
        for number, cells in enumerate(csv.reader(io.StringIO(text, newline=""),
                                                  delimiter=delimiter), start=1):
            rows.append(GridRow(tuple(cells), Location(str(path), row=number)))
    except csv.Error as exc:
        raise InputError(f"is not readable CSV ({exc})", where=path) from None
    return [], rows, encoding


def _sniff(text: str) -> str:
    sample = "\n".join(text.splitlines()[:20])
    counts = {d: sample.count(d) for d in (",", "\t", ";")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
