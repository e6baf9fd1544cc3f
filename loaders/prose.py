"""Plans written as prose, with their units inline.

The shapes planners use::

    一、完善政策体系                                   <- theme
    （一）加强政策供给                                 <- task
    1. 修订资助办法。（市市场监管局牵头，市财政局、各县（市）区政府配合，2022年12月底前完成）
    2. 建立协作机制。（市科技局、市教育局负责）       <- measures of the task
    3. 开展专项行动。
    牵头单位：市公安局
    责任单位：市检察院、市法院
    完成时限：2023年6月                                 <- key-value block for the item above

Where a theme has no （一） level, each numbered item is a task with one measure. The closing
parenthesis holds the units: "X牵头" leads, "Y配合/参与/协助" supports, "Z负责" leads when no
unit is named as lead (and supports otherwise), and a clause that reads as a date is the
deadline. Paragraphs outside numbered items (background, aims) are skipped and reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ipplan.model import LoadWarning, Location

from .assemble import PlanBuilder, chinese_numeral, theme_heading
from .deadlines import looks_like_deadline

_TASK = re.compile(r"^[（(]([一二三四五六七八九十百零〇两]+)[)）]\s*(\S.*)$")
_ITEM = re.compile(r"^(?:(\d{1,3})\s*[.．、]|[（(](\d{1,3})[)）])\s*([^\d\s].*)$")
_KEY_VALUE = re.compile(r"^(牵头单位|牵头部门|责任单位|配合单位|协办单位|参与单位|责任部门|"
                        r"完成时限|完成时间|时间节点)\s*[:：]\s*(.*)$")
_LEAD_WORDS = ("牵头单位", "牵头部门")
_DEADLINE_WORDS = ("完成时限", "完成时间", "时间节点")
_ROLE_SUFFIX = re.compile(r"(牵头|配合|参与|协助|协办|配合实施|负责落实|按职责分工负责|负责)$")


@dataclass
class _Item:
    number: int
    text: str
    location: Location
    lead: list[str] = field(default_factory=list)
    support: list[str] = field(default_factory=list)
    responsible: list[str] = field(default_factory=list)
    deadline: str = ""


def units_clause(text: str) -> tuple[str, str | None]:
    """Split an item into (text, units clause) when it ends with a parenthesis naming units
    or a deadline; otherwise (text, None).

    >>> units_clause("修订资助办法。（市市场监管局牵头，市财政局配合，2022年12月底前完成）")
    ('修订资助办法。', '市市场监管局牵头，市财政局配合，2022年12月底前完成')
    >>> units_clause("推动技术和创新支持中心（TISC）建设。")
    ('推动技术和创新支持中心（TISC）建设。', None)
    """
    body = text.rstrip().rstrip("。；;.")
    if not body.endswith(("）", ")")):
        return text, None
    depth = 0
    for index in range(len(body) - 1, -1, -1):
        char = body[index]
        if char in "）)":
            depth += 1
        elif char in "（(":
            depth -= 1
            if depth == 0:
                inner = body[index + 1:-1]
                clauses = re.split(r"[，,；;]", inner)
                if any(_ROLE_SUFFIX.search(c.strip()) or looks_like_deadline(c)
                       for c in clauses):
                    return body[:index].rstrip(), inner
                return text, None
    return text, None


def _read_clause(item: _Item, clause: str, builder: PlanBuilder) -> None:
    pending: list[str] = []
    for part in _split_top(clause):
        part = part.strip()
        if not part:
            continue
        role = _ROLE_SUFFIX.search(part)
        if role:
            names = pending + [part[: role.start()]]
            pending = []
            target = {"牵头": item.lead}.get(role[1])
            if target is None:
                target = item.responsible if role[1].startswith(("负责", "按职责")) else item.support
            target.extend(n for n in names if n)
        elif looks_like_deadline(part):
            item.deadline = part
        else:
            pending.append(part)
    if pending:
        builder.skipped(item.location, "units without a role (牵头/配合/负责) in "
                                       f"the parenthesis: {'、'.join(pending)}; read as support")
        item.support.extend(pending)


def _split_top(text: str) -> list[str]:
    """Split on ，；, outside parentheses (unit names carry their own)."""
    parts, depth, current = [], 0, []
    for char in text:
        if char in "（(":
            depth += 1
        elif char in "）)":
            depth -= 1
        if char in "，,；;" and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def read_prose(text: str, file: str, builder: PlanBuilder) -> list[str]:
    """Feed a prose plan to ``builder``; returns the lines before the first theme (the
    preamble, where the title is)."""
    preamble: list[str] = []
    skipped: list[int] = []
    item: _Item | None = None
    has_task_level = False
    started = False

    def flush() -> None:
        nonlocal item
        if item is None:
            return
        lead, support = list(item.lead), list(item.support)
        if item.responsible:
            (support if lead else lead).extend(item.responsible)
        builder.measure(item.text, "、".join(lead), "、".join(support), item.deadline,
                        item.location)
        item = None

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        location = Location(file, number)
        if (heading := theme_heading(line)) is not None:
            flush()
            started, has_task_level = True, False
            builder.theme(*heading, location)
        elif (match := _TASK.match(line)) is not None:
            flush()
            started, has_task_level = True, True
            builder.task(chinese_numeral(match[1]), match[2].strip(), location)
        elif (match := _ITEM.match(line)) is not None and (
                started or units_clause(match[3])[1] is not None):
            flush()
            started = True
            body, clause = units_clause(match[3].strip())
            item = _Item(int(match[1] or match[2]), body, location)
            if not has_task_level:
                builder.task(item.number, _task_title(body), location)
            if clause is not None:
                _read_clause(item, clause, builder)
        elif (match := _KEY_VALUE.match(line)) is not None and item is not None:
            key, value = match[1], match[2].strip()
            if key in _DEADLINE_WORDS:
                item.deadline = value
            elif key in _LEAD_WORDS:
                item.lead.append(value)
            else:
                item.support.append(value)
        elif not started:
            preamble.append(line)
        else:
            flush()
            skipped.append(number)
    flush()
    if skipped:
        lines = ", ".join(map(str, skipped[:8])) + (", …" if len(skipped) > 8 else "")
        builder.warnings.append(LoadWarning(
            Location(file, skipped[0]),
            f"{len(skipped)} paragraph(s) outside numbered items skipped (lines {lines})"))
    return preamble


def _task_title(text: str) -> str:
    """A task made of one item is titled by its first sentence."""
    first = re.split(r"(?<=[。；;])", text, maxsplit=1)[0]
    return first.strip()


def looks_like_prose_plan(text: str) -> bool:
    """Whether a text names units inline: some line ends in a units parenthesis or a
    牵头单位：… line."""
    for line in text.splitlines():
        line = line.strip()
        if _KEY_VALUE.match(line) or units_clause(line)[1] is not None:
            return True
    return False
