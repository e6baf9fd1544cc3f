"""Loaders: documents in, :class:`~ipplan.model.Plan` records out.

``load_document(path)`` picks the reader by the file's suffix. Loaders never touch the graph;
they read a document's layout and hand headings and measure rows to one
:class:`~loaders.assemble.PlanBuilder`, so every format gives the same records.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
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
from .prose import ProseReading, read_prose
from .reading import decode_text, read_bytes
from .roles import RoleRule
from .text import read_table_text
from .titles import Heading, level_of, place_in_title, read_heading
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
# A document's own rule for a single unit column: 列第一位的责任单位为牵头单位, 排在首位的为牵头单位.
_FIRST_LISTED_RULE = re.compile(
    r"(?:列|排)(?:在)?(?:第一位|首位)的?(?:责任)?(?:单位|部门)?(?:为|是)(?:牵头|主办)(?:单位|部门)[^。；]*")
# The jurisdiction of a plan that names no place (read, with a warning, not refused).
UNKNOWN_JURISDICTION = "未知"
ROLE_RULES = tuple(rule.value for rule in RoleRule)


@dataclass(frozen=True)
class Reading:
    """How a document was read: the plan, and what the reader recognised on the way (for
    ``ipplan inspect``)."""

    plan: Plan
    layout: str
    encoding: str | None
    heading: Heading | None  # title (its lines, in text), jurisdiction and where it was read
    prose: ProseReading | None  # text plans with inline units: numbering, labels, role rule
    columns: tuple[tuple[str, str], ...]  # tables: (column, header text) matched


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
    roles: str | RoleRule | None = None,
) -> Plan:
    """Read one plan document into records.

    The reader is chosen by the suffix: .txt (a table extracted as text, or a prose plan with
    its units inline; UTF-8, UTF-8 with BOM, GB18030), .docx (``table``: a table number or
    ``all``), .xlsx (``sheet``: a sheet name), .csv/.tsv. ``plan_id`` defaults to the file
    name without its suffix; ``jurisdiction`` defaults to the city the title names
    (福州市国家知识产权… -> 福州市). ``roles`` (first-leads, all-lead, all-support) decides how
    a text plan's unit lists with no 牵头 marker are read, over the rule the document states
    and ipplan's default (first-leads). Raises :class:`InputError` with one line naming the
    file when the document cannot be read as a plan.
    """
    return read_document(path, plan_id=plan_id, jurisdiction=jurisdiction, table=table,
                         sheet=sheet, roles=roles).plan


def read_document(
    path: str | Path,
    *,
    plan_id: str | None = None,
    jurisdiction: str | None = None,
    table: str | None = None,
    sheet: str | None = None,
    roles: str | RoleRule | None = None,
) -> Reading:
    """Read one plan document (as :func:`load_document`) and say how it was read."""
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
    rule = _role_rule(roles, path)
    builder = PlanBuilder(rule)
    encoding: str | None = None
    page_heading: str | None = None
    if suffix in TEXT_SUFFIXES | MARKDOWN_SUFFIXES:
        text, encoding = decode_text(read_bytes(path), path)
        if encoding.endswith("+truncated"):
            builder.skipped(Location(str(path), text.count("\n") + 1),
                            "the file ends in the middle of a character (cut off?)")
        try:
            preamble = read_table_text(text, path, builder, roles=rule)
            layout = ("a table extracted as text (cells on tab-indented lines, rows end at a "
                      "blank)")
        except NotATableError:
            # A table flattened into text (Markdown, one cell per line, cells between blanks),
            # else a plan that names its units inline.
            flattened = read_flattened(text, path, builder)
            if flattened is None:
                prose = read_prose(text, str(path), builder, roles=rule)
                return _text_plan(path, builder, prose, encoding, plan_id=plan_id,
                                  jurisdiction=jurisdiction)
            preamble = flattened
            layout = "a table flattened into text (Markdown, cell lines or spaced columns)"
    else:
        if suffix in WORD_SUFFIXES:
            read_bytes(path)  # missing or empty files are refused the same way everywhere
            above, rows = read_word(path, table)
        elif suffix in EXCEL_SUFFIXES:
            read_bytes(path)
            above, rows = read_excel(path, sheet)
        elif suffix in HTML_SUFFIXES:
            page = read_html(path)
            above, rows, page_heading = page.preamble, page.rows, page.heading
        elif suffix in PDF_SUFFIXES:
            above, rows = read_pdf(path)
        elif suffix in LEGACY_SUFFIXES:
            read_bytes(path)
            above, rows = read_legacy(path, read_word if suffix in word else read_excel,
                                      table if suffix in word else sheet)
        else:
            above, rows, encoding = read_delimited(path)
        preamble = above + read_grid(rows, builder, where=str(path))
        layout = {".docx": "a Word table", ".docm": "a Word table", ".xlsx": "an Excel sheet",
                  ".xlsm": "an Excel sheet", ".pdf": "a PDF table (text layer)"}.get(
            suffix, "a web page's table" if suffix in HTML_SUFFIXES
            else f"a {suffix} file converted by LibreOffice" if suffix in LEGACY_SUFFIXES
            else "a delimited table")
    if rule is not None and builder.role_rule is None:
        builder.notes.append(LoadWarning(Location(str(path)), "--roles applies to unit "
                                         "lists that no word or column marks as lead or "
                                         "support; this table's columns say who leads"))
    _say_role_rule(builder, preamble)
    if suffix in HTML_SUFFIXES | TEXT_SUFFIXES | MARKDOWN_SUFFIXES:
        # a page's notice paragraphs are there for its rules only
        preamble = [line for line in preamble if len(line) <= 80 and not line.endswith("。")]
    title = None
    if suffix in TEXT_SUFFIXES | MARKDOWN_SUFFIXES:
        # a table copied out of a whole document: its title is read as a text plan's is
        # (over lines, after a notice and its metadata)
        found = read_heading(preamble).title
        title = found if found and not found.endswith("通知") else None
    title = title or plan_title(preamble) or page_heading or path.stem
    place, found_in = _table_place(title, preamble, jurisdiction)
    if not place:
        place = _unknown_place(builder, path, title)  # as for a text plan: read, not refused
    plan = builder.finish(
        plan_id=plan_id or default_plan_id(path), title=title,
        jurisdiction=place, source=path.name, year=_year_of(title), level=level_of(place))
    if not plan.measures:
        raise InputError("the task table holds no measures", where=path)
    heading = Heading(title, (), place, plan.level, found_in, _year_of(title))
    return Reading(plan, layout, encoding, heading, None, tuple(builder.columns))


def _table_place(title: str, preamble: list[str], given: str | None
                 ) -> tuple[str | None, str | None]:
    """The place a table's plan belongs to and where it was read: the option, the title, a
    line above the table (a district's table names its city only in the page's heading), an
    issuer or publisher line."""
    if given and given.strip():
        return given.strip(), "--jurisdiction"
    if found := jurisdiction_from_title(title):
        return found, "title"
    for line in preamble:
        if line.rstrip().endswith((":", "：")):
            continue  # 吴江开发区、…各直属单位：the addressees, not the issuer
        if found := jurisdiction_from_title(line):
            return found, f"the line {line!r}"
    heading = read_heading(preamble)  # an issuer or publisher line
    if heading.jurisdiction:
        return heading.jurisdiction, (f"the line {preamble[heading.place_line - 1]!r}"
                                      if heading.place_line else heading.where)
    return None, None


def inspect_document(
    path: str | Path,
    *,
    jurisdiction: str | None = None,
    roles: str | RoleRule | None = None,
    table: str | None = None,
    sheet: str | None = None,
) -> list[tuple[str, str | list[str]]]:
    """What ipplan recognises in a document, as (what, value) pairs in reading order: the
    layout chosen, title, jurisdiction and level, numbering levels, labels or columns
    matched, the role rule and where it came from, the lines skipped. A document ipplan
    cannot read raises :class:`InputError` saying what was looked for and what was found."""
    reading = read_document(path, jurisdiction=jurisdiction, roles=roles, table=table,
                            sheet=sheet)
    plan = reading.plan
    report: list[tuple[str, str | list[str]]] = [
        ("document", str(path)), ("layout", reading.layout)]
    if reading.encoding:
        report.append(("encoding", reading.encoding))
    heading = reading.heading
    title_lines = (f" (line{'s' if len(heading.title_lines) > 1 else ''} "
                   f"{', '.join(map(str, heading.title_lines))})"
                   if heading and heading.title_lines else "")
    report.append(("title", plan.title + title_lines))
    if jurisdiction:
        where = "from --jurisdiction"
    elif heading is not None and heading.where:
        where = f"from {heading.where}"
    else:
        where = "the document names no place; name it with --jurisdiction"
    report.append(("jurisdiction", f"{plan.jurisdiction} ({where})"))
    report.append(("level", plan.level or "unknown"))
    if heading is not None and heading.year:
        report.append(("plan year", str(heading.year)))
    prose = reading.prose
    if prose is not None:
        report.append(("numbering", [f"{_STYLE_SHOWN.get(style, style)} read as {role}: {count} "
                                     f"item(s), first at line {line}"
                                     for style, role, count, line in prose.numbering]))
        report.append(("units named in", [f"{where}: {count} item(s)"
                                          for where, count in prose.placements.items()]))
        report.append(("labels matched", [f"{label}： {count}"
                                          for label, count in prose.labels.items()]))
        report.append(("role rule", f"{prose.role_rule} ({prose.role_rule_source}); decided "
                                    f"{prose.ruled_measures} measure(s)"))
        report.append(("lines skipped", [f"line {line}: {why}" for line, why in prose.skipped]))
    else:
        report.append(("columns matched", [f"{column}: {header}"
                                           for column, header in reading.columns]))
        if plan.role_rule:
            report.append(("role rule", f"{plan.role_rule}, for the one unit column"))
    report.append(("read", f"{len(plan.themes)} theme(s), {len(plan.tasks)} task(s), "
                           f"{len(plan.measures)} measure(s)"))
    report.append(("warnings", [str(w) for w in plan.warnings]))
    return report


def _role_rule(roles: str | RoleRule | None, path: Path) -> RoleRule | None:
    if roles is None or isinstance(roles, RoleRule):
        return roles
    try:
        return RoleRule(roles)
    except ValueError:
        raise InputError(f"--roles {roles!r} is not a role rule (one of: "
                         f"{', '.join(ROLE_RULES)})", where=path) from None


def _text_plan(path: Path, builder: PlanBuilder, prose: ProseReading, encoding: str, *,
               plan_id: str | None, jurisdiction: str | None) -> Reading:
    """Finish a text plan read by the prose reader: title, jurisdiction and level from the
    lines around its body; a place that cannot be read is a warning, not a refusal."""
    heading = read_heading(prose.preamble, prose.after)
    if prose.page_head and None in (heading.title, heading.jurisdiction, heading.year):
        heading = _with_page_head(heading, read_heading(prose.page_head), prose.body_start)
    title = heading.title or path.stem
    where = (jurisdiction or "").strip() or heading.jurisdiction or _unknown_place(
        builder, path, title)
    level = level_of(where) if jurisdiction else heading.level
    rule = f"{prose.role_rule} ({prose.role_rule_source})"
    plan = builder.finish(
        plan_id=plan_id or default_plan_id(path), title=title, jurisdiction=where,
        source=path.name, year=heading.year, level=level, role_rule=rule)
    if not plan.measures:
        raise InputError("the plan holds no measures", where=path)
    return Reading(plan, prose.layout, encoding, heading, prose, ())


# the reader's own marks for items printed without a number
_STYLE_SHOWN = {"¶": "paragraphs without a number", "——": "dash lines (——)"}


def _with_page_head(heading: Heading, head: Heading, line: int) -> Heading:
    """``heading`` completed by what the words before a one-line page's first item say
    (its notice title, document number, issuer), all of them on ``line``."""
    title = heading.title or head.title
    place = heading.jurisdiction or head.jurisdiction
    return Heading(
        title, heading.title_lines if heading.title else ((line,) if head.title else ()),
        place, heading.level if heading.jurisdiction else head.level,
        heading.where if heading.jurisdiction else (
            f"{head.where.split(' (')[0]} (line {line})" if head.where else None),
        heading.year or head.year, heading.place_line if heading.jurisdiction else None)


def _unknown_place(builder: PlanBuilder, path: Path, title: str) -> str:
    """The jurisdiction of a plan that names no place, with the warning that says so."""
    builder.warnings.append(LoadWarning(Location(str(path)), (
        f"cannot tell which place the plan belongs to: its title {title!r} and the lines "
        f"around it name none; read as {UNKNOWN_JURISDICTION} (name it with "
        "--jurisdiction, for example --jurisdiction 霍山县)")))
    return UNKNOWN_JURISDICTION


def _year_of(title: str) -> int | None:
    match = re.search(r"((?:19|20)\d{2})\s*年", title)
    return int(match[1]) if match else None


def _say_role_rule(builder: PlanBuilder, preamble: list[str]) -> None:
    """Complete the note on a single unit column with where its rule comes from: the
    document's own sentence when it states one, else ipplan's default."""
    if builder.roles is not None:  # the user's --roles, not the document, decided
        return
    prefix = FIRST_LISTED_LEADS.split("{")[0]
    for index, note in enumerate(builder.notes):
        if note.message.startswith(prefix):
            stated = next((m[0] for line in preamble if (m := _FIRST_LISTED_RULE.search(line))),
                          None)
            source = (f"as the document states: {stated!r}" if stated else
                      "ipplan's default: the document states no rule")
            builder.notes[index] = LoadWarning(note.location, f"{note.message} ({source})")
            builder.role_rule = f"{RoleRule.FIRST_LEADS.value} ({source})"


_LABELLED = re.compile(r"^[\u4e00-\u9fff]{2,6}\s*[:：]")


def plan_title(preamble: list[str]) -> str | None:
    """The document's title among the lines above the table: the first that names a plan."""
    for line in preamble:
        if _LABELLED.match(line.strip()) or ">" in line:
            continue  # 数据来源：任务分解表, 首页 > 任务清单: a page's metadata and breadcrumb
        if _TITLE_WORDS.search(line) and len(line) >= 4:
            return line.strip()
    return None


def jurisdiction_from_title(title: str) -> str | None:
    """The city, county or province a plan's title starts with, or None.

    >>> jurisdiction_from_title("福州市国家知识产权强市建设示范城市工作方案重点任务分解表")
    '福州市'
    """
    return place_in_title(title)


def default_plan_id(path: Path) -> str:
    """A plan's id from its file name: the stem, with blanks turned into dashes."""
    return re.sub(r"\s+", "-", path.stem.strip()) or "plan"


__all__ = ["DOCUMENT_SUFFIXES", "ROLE_RULES", "Reading", "inspect_document", "is_document",
           "load_document", "read_document", "PlanBuilder"]
