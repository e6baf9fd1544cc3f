"""Splitting a unit cell (牵头单位 / 责任单位) into unit names.

Planners separate units with 、 and ， (often both in one cell), and names carry parentheses
of their own: 市委宣传部（版权局）, 各县（市、区）政府. A separator inside parentheses is part
of the name.

>>> split_units("市财政局，各县（市）区政府、高新区管委会。")
(['市财政局', '各县（市）区政府', '高新区管委会'], None)
>>> split_units("各县（市、区）政府")
(['各县（市、区）政府'], None)
"""

from __future__ import annotations

_SEPARATORS = frozenset("、，,；;／/\n")
_OPEN = "（(【[〔"
_CLOSE = "）)】]〕"
# Punctuation a unit name never ends with; left over from sentence-style cells.
_TRAILING = "。.，,、；;：:！!　 \t"
# A cell that says "none" in one of the usual ways. (和/及 are not separators: they occur inside
# names such as 市人力资源和社会保障局.)
_EMPTY_CELL = frozenset({"", "无", "/", "—", "-", "——", "／"})


def split_units(cell: str) -> tuple[list[str], str | None]:
    """Split a unit cell; returns (names, problem).

    ``problem`` is None when the cell split cleanly. When the parentheses do not balance the
    cell cannot be split safely: the whole cell comes back as one name with the reason, so the
    caller can warn and nothing is lost.
    """
    text = cell.strip()
    if text in _EMPTY_CELL:
        return [], None
    names: list[str] = []
    depth = 0
    current: list[str] = []
    for char in text:
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE:
            depth -= 1
            if depth < 0:
                return [clean_unit_name(text)], "a closing parenthesis has no opening one"
        if char in _SEPARATORS and depth == 0:
            names.append("".join(current))
            current = []
        else:
            current.append(char)
    if depth != 0:
        return [clean_unit_name(text)], "a parenthesis is not closed"
    names.append("".join(current))
    cleaned = [clean_unit_name(name) for name in names]
    return [name for name in cleaned if name], None


def clean_unit_name(name: str) -> str:
    """A unit name without surrounding blanks and trailing punctuation; otherwise verbatim."""
    return name.strip().strip(_TRAILING).strip()


# The last character of almost every unit name: 局 委 办 院 会 府 关 行 …
_UNIT_ENDINGS = frozenset("局委办院会厅部府关行校心所队处室站社司组团联协署馆台区县市位构门业")


def looks_like_unit_list(cell: str) -> bool:
    """Whether a cell reads as unit names rather than, say, a measure's text that slid into
    the unit column: most of its parts end the way unit names end, and none is long.

    >>> looks_like_unit_list("市财政局，各县（市）区政府、高新区管委会。")
    True
    >>> looks_like_unit_list("推进知识产权信息利用，以专利导航赋能产业为导向，打造专利密集型产业。")
    False
    """
    if "。" in cell.strip().rstrip("。"):
        return False  # sentences end inside it: a measure's text, not a list of units
    names, _problem = split_units(cell)
    if not names:
        return True
    outside = [_outside_parentheses(name) or name for name in names]
    if any(len(name) > 40 for name in outside):
        return False
    unit_like = sum(1 for name in outside if name[-1] in _UNIT_ENDINGS)
    return 2 * unit_like >= len(names)


def _outside_parentheses(name: str) -> str:
    """市委宣传部（版权局） -> 市委宣传部: what a name says outside its parentheses."""
    depth, kept = 0, []
    for char in name:
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE:
            depth = max(depth - 1, 0)
        elif depth == 0:
            kept.append(char)
    return "".join(kept)
