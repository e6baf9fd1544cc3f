"""Loaders: documents in, :class:`~ipplan.model.Plan` records out.

``load_document(path)`` picks the reader by the file's suffix. Loaders never touch the graph;
they read a document's layout and hand headings and measure rows to one
:class:`~loaders.assemble.PlanBuilder`, so every format gives the same records.
"""

from __future__ import annotations

import re
from pathlib import Path

from ipplan.errors import InputError
from ipplan.model import Location, Plan

from .assemble import PlanBuilder
from .reading import decode_text, read_bytes
from .text import read_table_text

TEXT_SUFFIXES = frozenset({".txt", ".text", ""})
DOCUMENT_SUFFIXES = TEXT_SUFFIXES

# Words that name a plan document, used to pick its title from the lines above the table.
_TITLE_WORDS = re.compile(r"方案|规划|计划|分解表|任务表|清单|台账|要点|意见")
_TITLE_PREFIX = re.compile(r"^(?:附件\s*\d*\s*[:：]?\s*)?(?:关于印发|关于|印发|中共)?")
_JURISDICTION = re.compile(r"^([\u4e00-\u9fff]{2,7}?(?:自治州|自治区|特别行政区|地区|市|盟|省|州|县))")


def is_document(path: Path) -> bool:
    """Whether ipplan reads this file as a plan document (rather than as a graph)."""
    return path.suffix.lower() in DOCUMENT_SUFFIXES


def load_document(
    path: str | Path,
    *,
    plan_id: str | None = None,
    jurisdiction: str | None = None,
) -> Plan:
    """Read one plan document into records.

    ``plan_id`` defaults to the file name without its suffix; ``jurisdiction`` defaults to the
    city the title names (福州市国家知识产权… -> 福州市). Raises :class:`InputError` with one
    line naming the file when the document cannot be read as a task table.
    """
    path = Path(path)
    if not is_document(path):
        raise InputError(
            f"unsupported document type {path.suffix!r} (ipplan reads: "
            f"{', '.join(sorted(s for s in DOCUMENT_SUFFIXES if s))})", where=path)
    data = read_bytes(path)
    text, encoding = decode_text(data, path)
    builder = PlanBuilder()
    if encoding.endswith("+truncated"):
        builder.skipped(Location(str(path), text.count("\n") + 1),
                        "the file ends in the middle of a character (cut off?)")
    preamble = read_table_text(text, path, builder)
    title = plan_title(preamble) or path.stem
    where = jurisdiction or jurisdiction_from_title(title)
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
