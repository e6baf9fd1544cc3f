"""Task tables in PDF attachments with a text layer, read with pdfplumber.

Tables are found by their ruling lines on each page. A cell's text is rebuilt from the page's
characters: lines that run to the cell's right edge were wrapped by the layout and are joined,
a line that stops short ends a paragraph (several units printed one per line stay apart).
Merged cells come back from pdfplumber as empty slots; a slot covered by the cell to its left
takes that cell's text (a full-width section row), one covered by a cell above takes the text
of the cell above (a task cell merged down). A table over several pages repeats its header on
each page: the repeat is skipped, and a row the page break cut in two is put back together.

A PDF without a text layer (a scan) is refused: its tables are pictures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ipplan.errors import InputError, reason
from ipplan.model import Location

from .columns import Columns, find_columns, header_column, is_header_row
from .grid import GridRow
from .reading import read_bytes

# About the inner margin Word and LibreOffice give a cell (0.19 cm, 5.4 pt), with some play.
_MARGIN = 6.0


def _wrapped(line: Sequence[dict], following: dict,
             bbox: tuple[float, float, float, float]) -> bool:
    """Whether the layout broke ``line`` because the text went on: it runs to the cell's
    right edge. Left-aligned lines may stop up to two characters short (a character that may
    not start a line, or one that may not end it, takes its neighbours along); centred lines, which stand off both
    edges alike, must fill the cell but for one character."""
    width = following["x1"] - following["x0"]
    right_gap = bbox[2] - max(c["x1"] for c in line)
    left_gap = min(c["x0"] for c in line) - bbox[0]
    if left_gap > _MARGIN + width:  # centred (or indented): no play on the right
        return right_gap < _MARGIN + width
    return right_gap < _MARGIN + 3 * width


@dataclass
class _PageRow:
    cells: list[str]
    page: int
    top_of_page: bool  # the first row after the page's repeated header
    runs_on: list[bool] = field(default_factory=list)  # cells whose last line fills the cell


def _bbox_chars(chars: Sequence[dict], bbox: tuple[float, float, float, float]) -> list[dict]:
    x0, top, x1, bottom = bbox
    return [c for c in chars
            if x0 <= (c["x0"] + c["x1"]) / 2 <= x1 and top <= (c["top"] + c["bottom"]) / 2 <= bottom]


def _cell(chars: Sequence[dict], bbox: tuple[float, float, float, float]) -> tuple[str, bool]:
    """The text in ``bbox`` — wrapped lines joined, paragraphs on lines of their own — and
    whether its last line runs to the right edge (the text may go on after a page break)."""
    inside = sorted(_bbox_chars(chars, bbox), key=lambda c: (c["top"], c["x0"]))
    lines: list[list[dict]] = []
    for char in inside:
        if lines and abs(char["top"] - lines[-1][0]["top"]) <= char["size"] * 0.5:
            lines[-1].append(char)
        else:
            lines.append([char])
    text = ""
    for index, line in enumerate(lines):
        line.sort(key=lambda c: c["x0"])
        words = "".join(c["text"] for c in line).strip()
        if not words:
            continue
        if text:
            previous = lines[index - 1]
            wrapped = _wrapped(previous, line[0], bbox)
            # ... or when it stops inside parentheses, or the next line starts with one
            # (市市场监督管理局（知识产权局）): no paragraph ends or starts there.
            wrapped = wrapped or _open_parentheses(text) or words.startswith(_GLUED)
            text += ("" if wrapped else "\n")
        text += words
    last = next((line for line in reversed(lines) if line), None)
    runs_on = last is not None and _wrapped(last, last[-1], bbox)
    return text.strip(), runs_on


# A line starting so continues the line above: a unit's second name, closing punctuation.
_GLUED = tuple("（()）、，,。；;：:")


def _open_parentheses(text: str) -> bool:
    return sum(text.count(c) for c in "（(") > sum(text.count(c) for c in "）)")


def _filled_table(table: object, chars: Sequence[dict]) -> list[tuple[list[str], list[bool]]]:
    """The table's rows with every slot of a merged cell holding that cell's text, each with
    which of its cells run to their right edge."""
    rows = table.rows  # type: ignore[attr-defined]
    boxes = [list(row.cells) for row in rows]
    cells = [[_cell(chars, box) if box else None for box in row] for row in boxes]
    texts = [[cell[0] if cell else None for cell in row] for row in cells]
    runs_on = [[bool(cell and cell[1]) for cell in row] for row in cells]
    column_x = [None] * max((len(r) for r in boxes), default=0)
    for row in boxes:
        for c, box in enumerate(row):
            if box and column_x[c] is None:
                column_x[c] = box[0]
    grid: list[list[str]] = []
    for r, row in enumerate(boxes):
        out: list[str] = []
        for c, box in enumerate(row):
            if box is not None:
                out.append(texts[r][c] or "")
                continue
            text = ""
            left = next((k for k in range(c - 1, -1, -1) if row[k] is not None), None)
            x = column_x[c]
            if left is not None and x is not None and row[left][2] > x + 1:
                text = texts[r][left] or ""
            else:
                middle = (rows[r].bbox[1] + rows[r].bbox[3]) / 2
                above = next((k for k in range(r - 1, -1, -1)
                              if c < len(boxes[k]) and boxes[k][c] is not None), None)
                if above is not None and boxes[above][c][3] > middle:  # type: ignore[index]
                    text = grid[above][c]
            out.append(text)
        grid.append(out)
    return list(zip(grid, runs_on))


def read_pdf(path: Path) -> tuple[list[str], list[GridRow]]:
    """(the lines above the first table, the rows of the task table over all pages)."""
    read_bytes(path)
    import pdfplumber  # heavy (pdfminer): imported only when a PDF is read
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        pdf = pdfplumber.open(str(path))
    except (PDFSyntaxError, ValueError, OSError) as exc:
        raise InputError(f"is not a readable PDF ({reason(exc, 120)})", where=path) from None
    except Exception as exc:  # pdfminer raises its own kinds for broken files
        raise InputError(f"is not a readable PDF ({reason(exc, 120)})", where=path) from None
    with pdf:
        try:
            return _read_pages(pdf, path)
        except InputError:
            raise
        except Exception as exc:  # a damaged page deep in pdfminer
            raise InputError(f"is not a readable PDF ({reason(exc, 120)})", where=path) from None


def _read_pages(pdf: object, path: Path) -> tuple[list[str], list[GridRow]]:
    pages = pdf.pages  # type: ignore[attr-defined]
    preamble: list[str] = []
    page_rows: list[_PageRow] = []
    columns: Columns | None = None
    any_text = False
    tables_seen = 0
    named: list[str] = []
    for number, page in enumerate(pages, start=1):
        chars = page.chars
        any_text = any_text or bool(chars)
        tables = page.find_tables()
        tables_seen += len(tables)
        if columns is None and tables:
            above = page.crop((0, 0, page.width, max(1, tables[0].bbox[1]))).extract_text() or ""
            preamble.extend(line.strip() for line in above.splitlines() if line.strip())
        for table in tables:
            first_data = True
            for cells, runs_on in _filled_table(table, chars):
                if is_header_row(cells):
                    if columns is None:
                        columns = find_columns(cells)
                    named.extend(c for c in cells if header_column(c))
                    page_rows.append(_PageRow(cells, number, False))
                    continue
                if columns is None:
                    named.extend(c for c in cells if c and header_column(c))
                page_rows.append(_PageRow(cells, number, first_data and number > 1, runs_on))
                first_data = False
    if not any_text:
        raise InputError("has no text layer (a scanned PDF?): ipplan reads the text of a PDF, "
                         "not pictures of it; use the Word or Excel original, or run OCR first",
                         where=path)
    if columns is None:
        raise InputError(
            f"not a task table: {tables_seen} table(s) with ruling lines on {len(pages)} "
            "page(s), none with a header row naming the measure and lead-unit columns "
            f"(具体内容, 牵头单位, …); column names found: {', '.join(sorted(set(named))) or 'none'}",
            where=path)
    rows = _join_page_breaks(page_rows, columns)
    grid = [GridRow(tuple(row.cells), Location(str(path), row=index, part=f"page {row.page}"))
            for index, row in enumerate(rows, start=1)]
    return preamble, grid


_SENTENCE_END = ("。", "；", ";", "！", "？", ".")


def _page_break_joint(above: str, below: str, text_column: bool, runs_on: bool) -> str:
    """How the part of a cell on the next page continues the part above the break: a text
    goes on mid-sentence unless a sentence ended; a unit list mid-name when its last line
    filled the cell or a name is open."""
    if text_column:
        return "\n" if above.endswith(_SENTENCE_END) else ""
    return ("" if runs_on or _open_parentheses(above) or above.endswith(("、", "，", ","))
            or below.startswith(_GLUED) else "\n")


def _continues(cells: list[str], above: list[str], columns: Columns) -> bool:
    """Whether the first row of a page is the rest of the row above the page break: its
    number cell is empty (or, without a number column, its unit and deadline cells are
    while the row above has a lead)."""
    def cell(row: list[str], index: int | None) -> str:
        return row[index] if index is not None and index < len(row) else ""

    filled_above = [c for c in above if c]
    if len(filled_above) > 1 and len(set(filled_above)) == 1:
        return False  # the row above is a section row
    if columns.number is not None:
        return not cell(cells, columns.number)
    # Without a number column: the row above stops mid-sentence, or this row has text but
    # neither units nor a deadline of its own.
    text_above = cell(above, columns.measure)
    return bool(text_above) and (
        not text_above.endswith(_SENTENCE_END)
        or (not cell(cells, columns.lead) and not cell(cells, columns.deadline)
            and bool(cell(above, columns.lead))))


def _join_page_breaks(rows: list[_PageRow], columns: Columns) -> list[_PageRow]:
    """Put back together a row that a page break cut in two, and give a cell merged down
    over a page break its text on the new page."""
    out: list[_PageRow] = []
    text_columns = [i for i in (columns.theme, columns.task, columns.measure) if i is not None]
    merged_over: set[int] = set()  # columns whose cell above runs on over the page break
    for row in rows:
        previous = next((r for r in reversed(out) if not is_header_row(r.cells)), None)
        filled = [c for c in row.cells if c]
        section = len(filled) > 1 and len(set(filled)) == 1
        if row.top_of_page:
            merged_over = set(text_columns)
        if section or is_header_row(row.cells):
            merged_over = set()
        if row.top_of_page and previous is not None and not section:
            if _continues(row.cells, previous.cells, columns):
                # The rest of the row above: its cells continue the cells above them.
                for i, text in enumerate(row.cells):
                    if text and i < len(previous.cells):
                        above = previous.cells[i]
                        runs_on = i < len(previous.runs_on) and previous.runs_on[i]
                        joint = _page_break_joint(above, text, i in text_columns, runs_on)
                        previous.cells[i] = f"{above}{joint}{text}" if above else text
                continue
        if previous is not None and not section:
            for i in list(merged_over):
                # A cell merged down over the page break is printed on the first page only.
                if i < len(row.cells) and not row.cells[i] and i < len(previous.cells):
                    row.cells[i] = previous.cells[i]
                else:
                    merged_over.discard(i)
        out.append(row)
    return out
