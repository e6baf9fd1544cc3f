"""Loaders: documents in, :class:`~ipplan.model.Plan` records out.

``load_document(path)`` picks the reader by the file's suffix. Loaders never touch the graph;
they read a document's layout and hand headings and measure rows to one
:class:`~loaders.assemble.PlanBuilder`, so every format gives the same records.
"""

from __future__ import annotations

import re
from pathlib import Path

from ipplan.errors import InputError, NotATableError
from ipplan.model import LoadWarning, Location, Plan

from .assemble import PlanBuilder
from .delimited import read_delimited
from .excel import read_excel
from .flattened import read_flattened
from .grid import FIRST_LISTED_LEADS, read_grid
from .html import read_html
from .legacy import CONVERTED, read_legacy
from .pdf import read_pdf
from .prose import looks_like_prose_plan, read_prose
from .reading import decode_text, read_bytes
from .text import read_table_text
from .word import read_word

TEXT_SUFFIXES = frozenset({".txt", ".text", ""})
# Markdown files hold pipe tables (loaders/flattened.py); read as text documents.
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
WORD_SUFFIXES = frozenset({".docx", ".docm"})
EXCEL_SUFFIXES = frozenset({".xlsx", ".xlsm"})
DELIMITED_SUFFIXES = frozenset({".csv", ".tsv"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".shtml"})
PDF_SUFFIXES = frozenset({".pdf"})
# Old binary Office and WPS formats, converted by LibreOffice (loaders/legacy.py).
LEGACY_SUFFIXES = frozenset(CONVERTED)
DOCUMENT_SUFFIXES = (TEXT_SUFFIXES | MARKDOWN_SUFFIXES | WORD_SUFFIXES | EXCEL_SUFFIXES | DELIMITED_SUFFIXES
                     | HTML_SUFFIXES | PDF_SUFFIXES | LEGACY_SUFFIXES)

# Words that name a plan document, used to pick its title from the lines above the table.
_TITLE_WORDS = re.compile(r"方案|规划|计划|分解表|任务表|清单|台账|要点|意见|责任分解|任务分解|分工")
_TITLE_PREFIX = re.compile(r"^(?:附件\s*\d*\s*[:：]?\s*)?(?:关于印发|关于|印发|中共)?")
# A document's own rule for a single unit column: 列第一位的责任单位为牵头单位, 排在首位的为牵头单位.
_FIRST_LISTED_RULE = re.compile(
    r"(?:列|排)(?:在)?(?:第一位|首位)的?(?:责任)?(?:单位|部门)?(?:为|是)(?:牵头|主办)(?:单位|部门)[^。；]*")
_JURISDICTION = re.compile(r"^([\u4e00-\u9fff]{2,8}?(?:自治州|自治区|特别行政区|地区|市|盟|省|州|县))")


def is_document(path: Path) -> bool:
    """Whether ipplan reads this file as a plan document (rather than as a graph)."""
    return path.suffix.lower() in DOCUMENT_SUFFIXES


def load_document(
    path: str | Path,
    *,
    plan_id: str | None = None,
    jurisdiction: str | None = None,
    table: str | None = None,
    sheet: str | None = None,
) -> Plan:
    """Read one plan document into records.

    The reader is chosen by the suffix: .txt (a table extracted as text, or a prose plan with
    its units inline; UTF-8, UTF-8 with BOM, GB18030), .docx (``table``: a table number or
    ``all``), .xlsx (``sheet``: a sheet name), .csv/.tsv. ``plan_id`` defaults to the file
    name without its suffix; ``jurisdiction`` defaults to the city the title names
    (福州市国家知识产权… -> 福州市). Raises :class:`InputError` with one line naming the file
    when the document cannot be read as a plan.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in DOCUMENT_SUFFIXES:
        raise InputError(
            f"unsupported document type {path.suffix!r} (ipplan reads: "
            f"{', '.join(sorted(s for s in DOCUMENT_SUFFIXES if s))})", where=path)
    word = WORD_SUFFIXES | {s for s, t in CONVERTED.items() if t == "docx"}
    excel = EXCEL_SUFFIXES | {s for s, t in CONVERTED.items() if t == "xlsx"}
    if table is not None and suffix not in word:
        raise InputError("--table applies to Word documents only", where=path)
    if sheet is not None and suffix not in excel:
        raise InputError("--sheet applies to Excel workbooks only", where=path)
    builder = PlanBuilder()
    if suffix in TEXT_SUFFIXES | MARKDOWN_SUFFIXES:
        preamble = _read_text(path, builder)
    else:
        if suffix in WORD_SUFFIXES:
            read_bytes(path)  # missing or empty files are refused the same way everywhere
            above, rows = read_word(path, table)
        elif suffix in EXCEL_SUFFIXES:
            read_bytes(path)
            above, rows = read_excel(path, sheet)
        elif suffix in HTML_SUFFIXES:
            above, rows = read_html(path)
        elif suffix in PDF_SUFFIXES:
            above, rows = read_pdf(path)
        elif suffix in LEGACY_SUFFIXES:
            read_bytes(path)
            above, rows = read_legacy(path, read_word if suffix in word else read_excel,
                                      table if suffix in word else sheet)
        else:
            above, rows, _encoding = read_delimited(path)
        preamble = above + read_grid(rows, builder, where=str(path))
    _say_role_rule(builder, preamble)
    if suffix in HTML_SUFFIXES:  # a page's notice paragraphs are there for its rules only
        preamble = [line for line in preamble if len(line) <= 80 and not line.endswith("。")]
    title = plan_title(preamble) or path.stem
    # A district's table (静安区…清单) names its city only in the page's heading above it.
    where = jurisdiction or jurisdiction_from_title(title) or next(
        (found for line in preamble if (found := jurisdiction_from_title(line))), None)
    if not where:
        raise InputError(
            f"cannot tell which city or county the plan belongs to from its title {title!r}; "
            "name it with --jurisdiction (for example --jurisdiction 福州市)", where=path)
    plan = builder.finish(
        plan_id=plan_id or default_plan_id(path), title=title,
        jurisdiction=where.strip(), source=path.name)
    if not plan.measures:
        raise InputError("the task table holds no measures", where=path)
    return plan


def _read_text(path: Path, builder: PlanBuilder) -> list[str]:
    """A text document: a table extracted as text, else a table flattened into text, else a
    prose plan with inline units."""
    text, encoding = decode_text(read_bytes(path), path)
    if encoding.endswith("+truncated"):
        builder.skipped(Location(str(path), text.count("\n") + 1),
                        "the file ends in the middle of a character (cut off?)")
    try:
        return read_table_text(text, path, builder)
    except NotATableError:
        pass
    # A table flattened into text (Markdown, one cell per line, cells between blanks).
    flattened = read_flattened(text, path, builder)
    if flattened is not None:
        return flattened
    if not looks_like_prose_plan(text):
        raise NotATableError(
            "not a task table: no header row naming the measure and lead-unit columns "
            "(具体内容, 牵头单位, …), and no numbered items naming their units "
            "(……（市科技局牵头，…）or 牵头单位：…)", where=path)
    return read_prose(text, str(path), builder)


def _say_role_rule(builder: PlanBuilder, preamble: list[str]) -> None:
    """Complete the note on a single unit column with where its rule comes from: the
    document's own sentence when it states one, else ipplan's default."""
    prefix = FIRST_LISTED_LEADS.split("{")[0]
    for index, note in enumerate(builder.notes):
        if note.message.startswith(prefix):
            stated = next((m[0] for line in preamble if (m := _FIRST_LISTED_RULE.search(line))),
                          None)
            source = (f"as the document states: {stated!r}" if stated else
                      "ipplan's default: the document states no rule")
            builder.notes[index] = LoadWarning(note.location, f"{note.message} ({source})")


def plan_title(preamble: list[str]) -> str | None:
    """The document's title among the lines above the table: the first that names a plan."""
    for line in preamble:
        if _TITLE_WORDS.search(line) and len(line) >= 4:
            return line.strip()
    return None


def jurisdiction_from_title(title: str) -> str | None:
    """The city, county or province a plan's title starts with, or None.

    >>> jurisdiction_from_title("福州市国家知识产权强市建设示范城市工作方案重点任务分解表")
    '福州市'
    """
    match = _JURISDICTION.match(_TITLE_PREFIX.sub("", title.strip()))
    return match[1] if match else None


def default_plan_id(path: Path) -> str:
    """A plan's id from its file name: the stem, with blanks turned into dashes."""
    return re.sub(r"\s+", "-", path.stem.strip()) or "plan"


__all__ = ["DOCUMENT_SUFFIXES", "is_document", "load_document", "PlanBuilder"]
