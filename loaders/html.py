"""Task tables in web pages (.html, .htm), read with lxml's HTML parser.

A page saved from a government site holds the notice, a metadata table (索引号/发文字号…),
navigation and a footer around the task table. Every ``<table>`` is turned into a grid:
``rowspan``/``colspan`` cells fill every slot they cover, as a reader of the page sees them;
``<p>``, ``<div>`` and ``<br>`` inside a cell are paragraphs (lines); entities and ``&nbsp;``
become plain blanks. Every table with a recognisable header is read, in page order (pages
split one long table into several; a layout table holding the task table is not itself read). The text before it (page heading,
``<title>``, notice) is the preamble where the plan's title is looked for.

The encoding is the one the page declares (``<meta charset>`` or ``http-equiv``), else UTF-8,
else GB18030.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree
from lxml import html as lxml_html

from ipplan.errors import InputError
from ipplan.model import Location

from .columns import header_column, is_header_row
from .grid import GridRow, section_heading
from .reading import decode_text, read_bytes

# Elements whose content starts a new line of a cell's text.
_BLOCKS = frozenset({"p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol",
                     "table", "section", "article", "blockquote", "center"})
_SKIP = frozenset({"script", "style", "noscript", "template", "head"})
_HEADINGS = ("h1", "h2", "h3")
# Legacy Chinese encodings are read as their superset.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030"}
# The office that issued the page's notice: 杭州市人民政府办公厅, 上海市交通委员会 …
_ISSUER = re.compile(r"(?:人民政府|政府|委员会|管委会|管理委员会|局|厅)(?:办公厅|办公室)?$")
# Who publishes the page: 主办：杭州市人民政府办公厅, 来源:宣城市人民政府(办公室), 发布机构：…
_PUBLISHER = re.compile(r"(?:主办单位|主办|来源|发布机构)\s*[:：]\s*([^\s:：|]{4,40})")
# The site's name after a page title: …完成情况_宣城市人民政府, … - 杭州市人民政府门户网站
_SITE_SUFFIX = re.compile(r"\s*(?:[_|｜]|\s[-—–]\s).*$")
# How many rows of a table are searched for its header.
_HEADER_SEARCH_ROWS = 10


def _declared_encoding(data: bytes) -> str | None:
    """The charset the page's <meta> declares, read with the HTML parser (the bytes decoded as
    Latin-1 only to find it: every byte maps to a character, markup is ASCII)."""
    probe = lxml_html.document_fromstring(data[:65536].decode("latin-1") or "<html></html>")
    for meta in probe.iter("meta"):
        charset = meta.get("charset")
        if not charset and (meta.get("http-equiv") or "").lower() == "content-type":
            content = meta.get("content") or ""
            for part in content.split(";"):
                name, _, value = part.strip().partition("=")
                if name.strip().lower() == "charset":
                    charset = value
        if charset:
            return charset.strip().strip("'\"").lower()
    return None


def decode_page(data: bytes, path: Path) -> tuple[str, str]:
    """The page's text and the encoding it was read in."""
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return decode_text(data, path)
    declared = _declared_encoding(data)
    if declared:
        encoding = _SUPERSETS.get(declared, declared)
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise InputError(f"declares an unknown encoding {declared!r} in its <meta>",
                             where=path) from None
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise InputError(
                f"declares {declared} in its <meta> but byte {exc.start} (0x{data[exc.start]:02x}) "
                f"is not {declared}", where=f"{path}:{line}") from None
    return decode_text(data, path)


def _clean(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").replace("\u3000", " ").split())


def cell_text(element: etree._Element) -> str:
    """A cell's text: block elements and <br> start new lines; blanks within a line folded."""
    lines: list[str] = []
    current: list[str] = []

    def flush() -> None:
        line = _clean("".join(current))
        if line:
            lines.append(line)
        current.clear()

    def walk(node: etree._Element) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in _SKIP:
            return
        if tag == "br":
            flush()
        else:
            block = tag in _BLOCKS
            if block:
                flush()
            if node.text:
                current.append(node.text)
            for child in node:
                walk(child)
                if child.tail:
                    current.append(child.tail)
            if block:
                flush()

    walk(element)  # a cell is no block: its text and children, its own tail not
    flush()
    return "\n".join(lines)


def _span(cell: etree._Element, name: str) -> int:
    try:
        return max(1, min(int((cell.get(name) or "1").strip() or 1), 1000))
    except ValueError:
        return 1


def _own_rows(table: etree._Element) -> list[etree._Element]:
    """The table's rows, not those of tables nested in its cells."""
    return [tr for tr in table.iter("tr")
            if next(tr.iterancestors("table"), None) is table]


def table_grid(table: etree._Element) -> list[list[str]]:
    """The table as rows of cell texts, merged cells filled into every slot they cover."""
    grid: list[list[str]] = []
    pending: dict[int, tuple[str, int]] = {}  # column -> (text, rows still to fill)
    for tr in _own_rows(table):
        row: list[str] = []
        cells = [c for c in tr if isinstance(c.tag, str) and c.tag in ("td", "th")]

        def fill_pending() -> None:
            while len(row) in pending:
                column = len(row)
                text, left = pending[column]
                row.append(text)
                if left <= 1:
                    del pending[column]
                else:
                    pending[column] = (text, left - 1)

        for cell in cells:
            fill_pending()
            text = cell_text(cell)
            rowspan, colspan = _span(cell, "rowspan"), _span(cell, "colspan")
            for _ in range(colspan):
                if rowspan > 1:
                    pending[len(row)] = (text, rowspan - 1)
                row.append(text)
        fill_pending()
        # Slots still owed by a rowspan to the right of this row's last cell.
        for column in sorted(c for c in pending if c >= len(row)):
            while len(row) < column:
                row.append("")
            fill_pending()
        grid.append(row)
    return grid


@dataclass(frozen=True)
class WebPage:
    """What a saved web page holds for ipplan."""

    preamble: list[str]  # where the plan's title, place and rules are (see _preamble)
    rows: list[GridRow]  # the task table's
    heading: str | None  # the page's own heading: its <h1>, else its <title> without the site


def read_html(path: Path) -> WebPage:
    """The page's task table, with the texts around it that say whose plan it is."""
    data = read_bytes(path)
    text, _encoding = decode_page(data, path)
    try:
        root = lxml_html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise InputError(f"is not a readable web page ({exc})", where=path) from None
    tables = list(root.iter("table"))
    grids = [table_grid(table) for table in tables]
    chosen = [i for i, grid in enumerate(grids)
              if any(is_header_row(row) for row in grid[:_HEADER_SEARCH_ROWS])
              and not any(is_header_row(row) for t in tables[i].iterdescendants("table")
                          for row in table_grid(t)[:_HEADER_SEARCH_ROWS])]
    if not chosen:
        raise InputError(_no_table(tables, grids), where=path)
    rows = []
    for i in chosen:
        own = _own_rows(tables[i])
        for number, cells in enumerate(grids[i], start=1):
            nested = any(True for _ in own[number - 1].iterdescendants("table"))
            rows.append(GridRow(tuple(cells), Location(str(path), row=number,
                                                       part=f"table {i + 1}"),
                                "a table nested in a cell of this row is read as that cell's "
                                "text" if nested else None))
    return WebPage(_preamble(root, tables[chosen[0]]), rows, _page_heading(root))


def _no_table(tables: list[etree._Element], grids: list[list[list[str]]]) -> str:
    if not tables:
        return "not a task table: the web page has no <table>"
    named = sorted({cell.strip() for grid in grids for row in grid[:_HEADER_SEARCH_ROWS]
                    for cell in row if header_column(cell)})
    firsts = "; ".join(" | ".join(c.replace("\n", "") for c in grid[0][:6])
                       for grid in grids[:3] if grid)
    return (f"not a task table: none of the page's {len(tables)} <table>(s) has a header row "
            f"naming the measure and lead-unit columns (具体内容, 牵头单位, …); column names "
            f"found: {', '.join(named) or 'none'}; first rows: {firsts or 'empty'}")


def _preamble(root: etree._Element, table: etree._Element) -> list[str]:
    """Texts where the plan's title and place are: the short lines just above the table (its
    caption), the page's headings and <title>, the notice's sentences (for its rules), then
    the issuing office's name wherever it stands before the table (its signature, the
    metadata table's 发文机关)."""
    texts: list[str] = []
    before: list[str] = []
    issuers: list[str] = []  # the issuing office (signature, 发文机关): names the place
    for element in root.iter():
        if element is table:
            break
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in ("p", "div", "td", "caption") and not any(
                True for _ in element.iterchildren("p", "div", "table")):
            line = _clean(element.text_content())
            # A caption is short and is no sentence of the notice (those end in 。 or ：),
            # nor one of its numbered sections (一、…).
            if line and len(line) <= 80 and not line.endswith(("。", "；", "：", ":")) \
                    and section_heading(line) is None:
                before.append(line)
            if line and len(line) <= 40 and _ISSUER.search(line):
                issuers.append(line)
    captions = [line for line in reversed(before[-6:])]
    for line in captions:
        if line not in texts:
            texts.append(line)
    for heading in root.iter(*_HEADINGS, "title"):
        line = _clean(heading.text_content())
        if line and line not in texts:
            texts.append(line)
    # Then the notice's paragraphs, where a rule such as 列第一位的为牵头单位 is stated.
    for element in root.iter("p"):
        if element is table or table in element.iterancestors():
            break
        line = _clean(element.text_content())
        if line.endswith("。") and line not in texts:
            texts.append(line)
    texts += [line for line in issuers if line not in texts]
    # Last, the page's publisher wherever it is said (主办：杭州市人民政府办公厅 in the footer,
    # 来源：… under the heading), as a metadata line: a government site publishes its own plans.
    for element in root.iter("p", "div", "span", "td", "li"):
        if any(True for _ in element.iterchildren("p", "div", "table", "td", "li")):
            continue
        for match in _PUBLISHER.finditer(_clean(element.text_content())):
            line = f"发布机构：{match[1]}"
            if line not in texts:
                texts.append(line)
    return texts


def _page_heading(root: etree._Element) -> str | None:
    """The page's own heading: its first <h1>, else its <title> without the site's name
    after it (…完成情况_宣城市人民政府)."""
    for heading in root.iter("h1"):
        if line := _clean(heading.text_content()):
            return line
    for title in root.iter("title"):
        line = _SITE_SUFFIX.sub("", _clean(title.text_content()))
        if line:
            return line
    return None
