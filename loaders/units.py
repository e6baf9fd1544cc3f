"""Splitting a unit cell (牵头单位 / 责任单位) into unit names.

Planners separate units with 、 and ， (often both in one cell), and names carry parentheses
of their own: 市委宣传部（版权局）, 各县（市、区）政府. A separator inside parentheses is part
of the name.

>>> split_units("市财政局，各县（市）区政府、高新区管委会。")
(['市财政局', '各县（市）区政府', '高新区管委会'], None)
>>> split_units("各县（市、区）政府")
(['各县（市、区）政府'], None)
>>> split_units("市商务局，各区、县（市）政府（管委会）")
(['市商务局', '各区、县（市）政府（管委会）'], None)
>>> split_units("省住建厅、各市、州、县人民政府")
(['省住建厅', '各市、州、县人民政府'], None)
>>> split_units("市政\\n府办\\n公厅"), split_units("财政局\\n税务局")
((['市政府办公厅'], None), (['财政局', '税务局'], None))
"""

from __future__ import annotations

import re

_SEPARATORS = frozenset("、，,；;／/\n")
# The parentheses a unit name may carry (市委宣传部（版权局）); a separator inside them is no separator.
OPEN = "（(【[〔"
CLOSE = "）)】]〕"
# Punctuation a unit name never ends with; left over from sentence-style cells.
_TRAILING = "。.，,、；;：:！!　 \t"
# A cell that says "none" in one of the usual ways. (和/及 are not separators: they occur inside
# names such as 市人力资源和社会保障局.)
_EMPTY_CELL = frozenset({"", "无", "/", "—", "-", "——", "／"})
# 各区、县（市）政府, 各市、州、县人民政府, 各辖市、区人民政府: a collective unit listing kinds of
# division before its organ; the bare divisions (各区, 各市、州) are not units of their own.
DIVISION = (r"(?:辖市|辖区|县级市|自治州|自治县|地区|乡镇|区|县|市|州|盟|镇|乡|街道|旗)"
            r"(?:[（(〔][^）)〕]*[）)〕])?")
_BARE_DIVISION = re.compile(rf"^各?{DIVISION}(?:、{DIVISION})*$")


def split_units(cell: str) -> tuple[list[str], str | None]:
    """Split a unit cell; returns (names, problem).

    ``problem`` is None when the cell split cleanly. When the parentheses do not balance the
    cell cannot be split safely: the whole cell comes back as one name with the reason, so the
    caller can warn and nothing is lost.
    """
    text = _unwrapped_name(cell.strip())
    if text in _EMPTY_CELL:
        return [], None
    names: list[str] = []
    depth = 0
    current: list[str] = []
    for char in text:
        if char in OPEN:
            depth += 1
        elif char in CLOSE:
            depth -= 1
            if depth < 0:
                return [clean_unit_name(text)], "a closing parenthesis has no opening one"
        if char in _SEPARATORS and depth == 0:
            piece = "".join(current)
            if char == "、" and piece.strip().startswith("各") and _BARE_DIVISION.match(piece.strip()):
                current.append(char)
                continue
            names.append(piece)
            current = []
        else:
            current.append(char)
    if depth != 0:
        return [clean_unit_name(text)], "a parenthesis is not closed"
    names.append("".join(current))
    cleaned = [clean_unit_name(name) for name in names]
    return [name for name in cleaned if name], None


# How a unit's name ends; a cell's line that does not is a piece of a name broken over lines.
_NAME_END = re.compile(r"(?:局|委|办|厅|院|会|府|部|处|心|司|团|队|所|站|行|馆|社|室|组|区|县|市|镇|乡|道|关|署|"
                       r"园|校)$")
_PIECE = 4


def _unwrapped_name(text: str) -> str:
    """A cell that prints one name broken over short lines in a narrow column (市政 / 府办 /
    公厅, 市 / 监 / 察 / 局) as that name; lines that each end like a name stay a list."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if len(lines) < 2 or any(len(line) > _PIECE or _SEPARATORS & set(line) for line in lines) \
            or all(_NAME_END.search(line) for line in lines):
        return text
    return "".join(lines)


# ★区发改委、统计局: a mark before a unit that plans print to say it leads (注：标★的为牵头单位)
LEAD_MARKS = "★☆＊*"


def marked_leads(names: list[str]) -> tuple[list[str], list[str]] | None:
    """(leads, others) when some of ``names`` carry a lead mark, marks removed; else None.

    >>> marked_leads(["★区发改委", "统计局"]), marked_leads(["区发改委", "统计局"])
    ((['区发改委'], ['统计局']), None)
    """
    if not any(name[:1] in LEAD_MARKS for name in names):
        return None
    leads = [name.lstrip(LEAD_MARKS).strip() for name in names if name[:1] in LEAD_MARKS]
    return leads, [name for name in names if name[:1] not in LEAD_MARKS]


def clean_unit_name(name: str) -> str:
    """A unit name without surrounding blanks and trailing punctuation; otherwise verbatim."""
    return name.strip().strip(_TRAILING).strip()

