"""Item numbers as plans print them: 一、 （一） 1. 1、 （1） ① 第一条, full- or half-width.

A numbered line is split into its marker's style, its number and the rest. Which style means
theme, task or measure is not fixed here: the prose reader infers it from the document (the
items that name their units are measures; the styles above them are headings, ranked by the
order Chinese official documents nest them).

>>> numbered("（十一）提高农业机械化技术推广能力。")
Numbered(style='（一）', number=11, label='（十一）', body='提高农业机械化技术推广能力。')
>>> numbered("11.121人才梯队项目。").number
11
>>> numbered("2023年全区经济社会发展") is None
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ipplan.numerals import chinese_numeral

_CN = "一二三四五六七八九十百零〇两"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"

# Style name (as printed for the first item), pattern; the number is group "n".
_STYLES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("第一条", re.compile(rf"^第(?P<n>[{_CN}]+)条\s*")),
    ("一、", re.compile(rf"^(?P<n>[{_CN}]+)\s*(?:[、﹑]|[.．﹒](?!\d))\s*")),
    ("（一）", re.compile(rf"^[（(]\s*(?P<n>[{_CN}]+)\s*[)）]\s*")),
    # 1. 1、 1． 1﹒ (a web page's small full stop) 1。(a news page's) — but not a decimal (3.5%) or a date (2023.06)
    # 1* . a starred number (a key task, as some portals mark it)
    ("1.", re.compile(r"^(?P<n>\d{1,3})\s*(?:[*＊]\s*)?[.．、﹒﹑。](?!\d+\s*[%％万亿]|\d{1,2}\b)\s*")),
    ("（1）", re.compile(r"^[（(]\s*(?P<n>\d{1,3})\s*[)）]\s*|^(?P<m>\d{1,3})[)）]\s*")),
    ("①", re.compile(rf"^(?P<n>[{_CIRCLED}])\s*")),
)

# How Chinese official documents nest their numbering, outermost first (GB/T 9704 practice):
# used to rank the heading styles a document uses above its measures.
# "序号" is a table's number column (a row number), read at the measure level.
# "——" is a dash line that names its units (——地区生产总值增长7.5%;(牵头部门:市发改委)): a
# target listed under a heading, numbered by the reader in order.
# "¶" is an unnumbered paragraph that ends with its own units clause, under a numbered heading
# (政府工作报告 divisions print their measures so), numbered by the reader in order.
STYLE_RANK = {"一、": 0, "（一）": 1, "第一条": 1.5, "1.": 2, "序号": 2, "（1）": 3, "①": 4, "——": 5,
              "¶": 6}


@dataclass(frozen=True)
class Numbered:
    """A numbered line: its marker's style, number, the label as printed and the rest."""

    style: str
    number: int
    label: str
    body: str


def numbered(line: str) -> Numbered | None:
    """The item number at the start of ``line`` (already stripped), or None."""
    for style, pattern in _STYLES:
        match = pattern.match(line)
        if match is None:
            continue
        body = line[match.end():].strip()
        if not body:
            return None
        raw = match["n"] or match.groupdict().get("m")
        if style == "①":
            number = _CIRCLED.index(raw) + 1
        elif raw.isdigit():
            number = int(raw)
        else:
            number = chinese_numeral(raw)
        return Numbered(style, number, line[: match.end()].strip(), body)
    return None
