"""Reading deadlines (完成时限) as planners write them.

>>> parse_deadline("2022年12月")
Deadline(text='2022年12月', kind=<DeadlineKind.FIXED: 'fixed'>, month='2022-12')
>>> str(parse_deadline("2023年上半年"))
'2023-06'
>>> parse_deadline("长期坚持").kind.value
'ongoing'
>>> str(parse_deadline("2024年9月30日前")), str(parse_deadline("5月底前", year=2023))
('2024-09', '2023-05')
>>> str(parse_deadline("2023—2025年")), str(parse_deadline("全年", year=2025))
('2025-12', '2025-12')
>>> parse_deadline("").kind.value
'none'
"""

from __future__ import annotations

import re
import unicodedata

from ipplan.model import Deadline, DeadlineKind

from .script import fold

# Words that only decorate a month: 2022年12月底, 2023年6月前, 2022年12月底前完成.
_TAIL = r"(?:底|末|中旬|下旬|上旬)?(?:以?前|之前)?(?:完成)?"

_PATTERNS: tuple[tuple[re.Pattern[str], object], ...] = (
    # 2024年9月30日前: the month; the day stays in the text
    (re.compile(rf"^(\d{{4}})\s*年\s*(\d{{1,2}})\s*月\s*(\d{{1,2}})\s*[日号]{_TAIL}$"),
     lambda m: (m[1], m[2])),
    # 2023—2025年, 2023-2025年, 2023至2025年: a range, due at the end of its last year
    (re.compile(rf"^\d{{4}}\s*年?\s*[—–\-~～至到]+\s*(\d{{4}})\s*年?(?:底|末)?{_TAIL}$"),
     lambda m: (m[1], "12")),
    # 2022年12月, 2022年12月底, 2023年6月前
    (re.compile(rf"^(\d{{4}})\s*年\s*(\d{{1,2}})\s*月{_TAIL}$"), lambda m: (m[1], m[2])),
    # 2024年9月30日前: the day's month
    (re.compile(rf"^(\d{{4}})\s*年\s*(\d{{1,2}})\s*月\s*\d{{1,2}}\s*日{_TAIL}$"),
     lambda m: (m[1], m[2])),
    # 2022年6月—2023年3月, 2021年3月—6月, 2021年3-6月: the last month of the span
    (re.compile(rf"^\d{{4}}\s*年\s*\d{{1,2}}\s*月?\s*[—–\-~～至到]+\s*(\d{{4}})\s*年\s*(\d{{1,2}})\s*月{_TAIL}$"),
     lambda m: (m[1], m[2])),
    (re.compile(rf"^(\d{{4}})\s*年\s*\d{{1,2}}\s*月?\s*[—–\-~～至到]+\s*(\d{{1,2}})\s*月{_TAIL}$"),
     lambda m: (m[1], m[2])),
    # 2024年—2025年, 2024-2025年: the end of the last year
    (re.compile(rf"^\d{{4}}\s*年?\s*[—–\-~～至到]+\s*(\d{{4}})\s*年(?:底|末)?{_TAIL}$"),
     lambda m: (m[1], "12")),
    # 2023.06, 2023-06, 2023/6, 2023.6月
    (re.compile(rf"^(\d{{4}})\s*[.\-/／]\s*(\d{{1,2}})\s*月?{_TAIL}$"), lambda m: (m[1], m[2])),
    # 2023年上半年 -> June; 2023年下半年 -> December
    (re.compile(rf"^(\d{{4}})\s*年\s*上半年{_TAIL}$"), lambda m: (m[1], "6")),
    (re.compile(rf"^(\d{{4}})\s*年\s*下半年{_TAIL}$"), lambda m: (m[1], "12")),
    # 2023年第一季度 .. 第四季度 -> the quarter's last month
    (
        re.compile(rf"^(\d{{4}})\s*年\s*第?([一二三四1-4])季度{_TAIL}$"),
        lambda m: (m[1], str(3 * ("一二三四".find(m[2]) + 1 if m[2] in "一二三四" else int(m[2])))),
    ),
    # 2022年底, 2022年末, 2023年, 2023年前, 2023年内
    (re.compile(rf"^(\d{{4}})\s*年(?:底|末|内|度|年底|全年)?{_TAIL}$"), lambda m: (m[1], "12")),
)

# Deadlines that name no year take the plan's: 5月底前, 9月30日前, 全年, 年内, 年底前.
_IN_PLAN_YEAR: tuple[tuple[re.Pattern[str], object], ...] = (
    (re.compile(rf"^(\d{{1,2}})\s*月(?:\s*\d{{1,2}}\s*[日号])?{_TAIL}$"), lambda m: m[1]),
    (re.compile(r"^第?([一二三四1-4])季度(?:末|底)?(?:以?前|之前)?(?:完成)?$"),
     lambda m: str(3 * ("一二三四".find(m[1]) + 1 if m[1] in "一二三四" else int(m[1])))),
    (re.compile(r"^上半年(?:以?前|之前)?(?:完成)?$"), lambda m: "6"),
    # 年内持续推进 is scoped to the plan year, like 全年 (not the open-ended 持续推进)
    (re.compile(r"^(?:全年|年内|年底|年末|今年|本年|当年|下半年)"), lambda m: "12"),
)
_DUE_BY = re.compile(r"^(\d{4})年(?:(\d{1,2})月(?:\d{1,2}[日号])?)?(?:底|末)?(?:以?前|之前)")
_RECURRING = re.compile(r"^(?:每年|每季度|每半年|每月|每周|年度|逐年|每年度|按季度|按月|定期)")
_ONGOING = re.compile(r"^(?:长期|持续|常态化|长效|每年持续|长期坚持|持续推进|持续开展)")


def parse_deadline(text: str, year: int | None = None) -> Deadline:
    """Read a deadline cell. A month becomes ``YYYY-MM`` (a deadline without a year, 5月底前
    or 全年, takes ``year``, the plan's); 每年/每季度/每月 are recurring; 长期坚持 and 持续推进
    are ongoing; an empty cell is ``NONE``; anything else is kept verbatim as ``UNREAD``."""
    raw = text.strip()
    cleaned = fold(unicodedata.normalize("NFKC", raw)).strip().rstrip("。.;；,，")  # 年內完成
    cleaned = re.sub(r"\s+", "", cleaned)
    if not cleaned:
        return Deadline(raw, DeadlineKind.NONE)
    if year is not None:
        for pattern, pick in _IN_PLAN_YEAR:
            match = pattern.match(cleaned)
            if match:
                month_no = int(pick(match))  # type: ignore[operator]
                if 1 <= month_no <= 12:
                    return Deadline(raw, DeadlineKind.FIXED, f"{year:04d}-{month_no:02d}")
    for pattern, pick in _PATTERNS:
        match = pattern.match(cleaned)
        if match:
            year, month = pick(match)  # type: ignore[operator]
            month_no = int(month)
            if 1 <= month_no <= 12 and 1900 <= int(year) <= 2200:
                return Deadline(raw, DeadlineKind.FIXED, f"{int(year):04d}-{month_no:02d}")
            break
    if (match := _DUE_BY.match(cleaned)) is not None:
        # 2024年底前基本完成, 2023年6月底前出台: a date then 前, whatever the words after it.
        month_no = int(match[2] or 12)
        if 1 <= month_no <= 12 and 1900 <= int(match[1]) <= 2200:
            return Deadline(raw, DeadlineKind.FIXED, f"{int(match[1]):04d}-{month_no:02d}")
    if _RECURRING.match(cleaned):
        return Deadline(raw, DeadlineKind.RECURRING)
    if _ONGOING.match(cleaned):
        return Deadline(raw, DeadlineKind.ONGOING)
    return Deadline(raw, DeadlineKind.UNREAD)


# A completion date inside a measure's prose: 2020年底前全面建成…, 6月底前出台…
_DUE_IN_TEXT = re.compile(r"(?:(?:19|20)\d{2}\s*年\s*(?:\d{1,2}\s*月\s*)?|\d{1,2}\s*月\s*)"
                          r"(?:底|末)?(?:以前|之前|前)|(?<![\d年])年(?:底|末)前|(?<![\d一二两三四五六七八九十几半多数])年内(?=完成|建成)|"
                          # 到2028年底，完成…: the end of that year (全年引进… is a year's target,
                          # as the builders of ten corpus documents read it)
                          r"(?<=[到至])\s*(?:19|20)\d{2}\s*年\s*(?:\d{1,2}\s*月\s*)?(?:底|末)")


def deadline_in_text(text: str) -> str | None:
    """The last completion date a measure's prose states (``2020年底前``, ``6月底前``), as
    written, or None: a year alone (力争2023年…) or a date without 前 states none.

    >>> deadline_in_text("2023年底前完成试点，2025年6月底前全面推开。")
    '2025年6月底前'
    >>> deadline_in_text("年内完成园区污水处理厂提标改造。"), deadline_in_text("力争2023年实现翻番。")
    ('年内', None)
    """
    found = list(_DUE_IN_TEXT.finditer(fold(text)))  # 年內建成: traditional characters too
    return text[found[-1].start():found[-1].end()].strip() if found else None


def looks_like_deadline(text: str) -> bool:
    """Whether a cell reads as a deadline of any kind (used to tell deadline cells apart)."""
    return parse_deadline(text, year=2000).kind not in (DeadlineKind.UNREAD, DeadlineKind.NONE)
