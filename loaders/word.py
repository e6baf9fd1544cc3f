"""Word (.docx) task tables, read with python-docx.

Rows and tables inside content controls (``w:sdt``, common in templates) and other wrappers
(``w:customXml``) are read like any other. A table nested in a cell is read as the cell's text,
with a warning naming the row.

The grid is built from the table's XML directly, in one pass: a cell spanning several grid
columns (``gridSpan``) fills each of them, and a vertically merged cell (``vMerge``) repeats
the text of the cell above, as a reader of the printed table sees it. (python-docx's own
row.cells rebuilds the whole grid for every row, which is quadratic on long tables.)
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

from ipplan.errors import InputError, reason
from ipplan.model import Location

from .columns import is_header_row
from .grid import GridRow

try:  # python-docx is a dependency; imported lazily by the dispatcher
    import docx
    from docx.oxml.ns import qn
except ImportError:  # pragma: no cover - reported by the dispatcher
    docx = None


# Elements that only wrap content: their children are read in their place.
_WRAPPERS = ("w:sdt", "w:sdtContent", "w:customXml", "w:smartTag")


def _children(element: object, *tags: str) -> Iterator[object]:
    """The children of ``element`` with one of ``tags``, looking through content controls."""
    wanted = {qn(tag) for tag in tags}
    wrappers = {qn(tag) for tag in _WRAPPERS}
    for child in element.iterchildren():  # type: ignore[attr-defined]
        if child.tag in wanted:
            yield child
        elif child.tag in wrappers:
            yield from _children(child, *tags)


def _text(element: object) -> str:
    """The text of a cell or paragraph: paragraphs joined by line breaks."""
    paragraphs = []
    for paragraph in element.iter(qn("w:p")):  # type: ignore[attr-defined]
        parts = []
        for node in paragraph.iter(qn("w:t"), qn("w:tab"), qn("w:br")):
            parts.append(node.text or "" if node.tag == qn("w:t") else " ")
        paragraphs.append("".join(parts).strip())
    return "\n".join(p for p in paragraphs if p)


def _grid(table: object, name: str, path: Path) -> Iterator[GridRow]:
    above: list[str] = []
    for index, tr in enumerate(_children(table, "w:tr"), start=1):
        row: list[str] = []
        nested = False
        props = tr.find(qn("w:trPr"))
        before = props.find(qn("w:gridBefore")) if props is not None else None
        if before is not None:
            row.extend([""] * int(before.get(qn("w:val"), "0")))
        for tc in _children(tr, "w:tc"):
            tc_props = tc.find(qn("w:tcPr"))
            span, merge = 1, None
            if tc_props is not None:
                grid_span = tc_props.find(qn("w:gridSpan"))
                if grid_span is not None:
                    span = max(1, int(grid_span.get(qn("w:val"), "1")))
                v_merge = tc_props.find(qn("w:vMerge"))
                if v_merge is not None:
                    merge = v_merge.get(qn("w:val"), "continue")
            column = len(row)
            if merge == "continue":
                text = above[column] if column < len(above) else ""
            else:
                text = _text(tc)
                nested = nested or tc.find(".//" + qn("w:tbl")) is not None  # type: ignore[attr-defined]
            row.extend([text] * span)
        above = row
        yield GridRow(tuple(row), Location(str(path), row=index, part=name),
                      "a table nested in a cell of this row is read as that cell's text"
                      if nested else None)


def read_word(path: Path, table: str | None = None) -> tuple[list[str], list[GridRow]]:
    """(paragraphs above the table, the table's rows) for the chosen table.

    ``table`` is a 1-based table number, ``all`` for every table with a header row (one long
    table split over several), or None for the first table whose header ipplan recognises.
    """
    if docx is None:  # pragma: no cover
        raise InputError("reading Word files needs python-docx (pip install python-docx)",
                         where=path)
    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InputError(f"is not a readable Word (.docx) document ({reason(exc, 120)})",
                         where=path) from None
    except Exception as exc:  # lxml and python-docx raise many kinds for broken parts
        raise InputError(f"is not a readable Word (.docx) document ({reason(exc, 120)})",
                         where=path) from None
    paragraphs: list[list[str]] = [[]]
    tables = []
    for child in _children(document.element.body, "w:p", "w:tbl"):
        if child.tag == qn("w:p"):
            text = _text(child)
            if text:
                paragraphs[-1].append(text)
        elif child.tag == qn("w:tbl"):
            tables.append(child)
            paragraphs.append([])
    if not tables:
        raise InputError("not a task table: the Word document has no table", where=path)
    grids = [list(_grid(t, f"table {i}", path)) for i, t in enumerate(tables, start=1)]
    with_header = [i for i, grid in enumerate(grids)
                   if any(is_header_row(row.cells) for row in grid[:10])]
    if table is None:
        chosen = with_header[:1] or [0]
    elif table == "all":
        chosen = with_header or [0]
    else:
        number = _table_number(table, len(tables), path)
        chosen = [number - 1]
    rows = [row for i in chosen for row in grids[i]]
    left = [i + 1 for i in with_header if i not in chosen]
    if left and rows:
        # Other tables with a task-table header are not read: say so, and how to read them.
        rows[0] = GridRow(rows[0].cells, rows[0].location, "; ".join(filter(None, (
            rows[0].warning, f"table(s) {', '.join(map(str, left))} also have a task-table "
            "header and are not read (--table all reads every one, --table N one)"))))
    return paragraphs[chosen[0]], rows


def _table_number(value: str, count: int, path: Path) -> int:
    try:
        number = int(value)
    except ValueError:
        raise InputError(f"--table takes a table number or 'all', not {value!r}",
                         where=path) from None
    if not 1 <= number <= count:
        raise InputError(f"has {count} table(s); there is no table {number}", where=path)
    return number
