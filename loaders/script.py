"""Traditional characters folded to simplified ones, for matching only.

Plans republished for Taiwan- and Hong Kong-facing readers are written in traditional
characters (牽頭單位, 責任單位, 按職責分工負責). The readers match their labels, role words and unit
suffixes on a folded copy of each line; because every fold maps one character to one
character, a position in the folded copy is the same position in the original, and the
document's own spelling is what ends up in the records.

>>> fold("市級各有關部門牽頭")
'市级各有关部门牵头'
"""

from __future__ import annotations

from importlib.resources import files


def _fold_table() -> dict[int, str]:
    """Every traditional character OpenCC's table maps to one simplified character (its first
    reading), so that any word a reader looks for matches, not only those listed by hand."""
    table = files("opencc").joinpath("dictionary/TSCharacters.txt").read_text("utf-8")
    fold_map: dict[int, str] = {}
    for row in table.splitlines():
        traditional, _, readings = row.partition("\t")
        simplified = readings.split()[0] if readings.split() else ""
        if len(traditional) == 1 and len(simplified) == 1 and traditional != simplified:
            fold_map[ord(traditional)] = simplified
    return fold_map


_FOLD = _fold_table()


def fold(text: str) -> str:
    """``text`` with the traditional characters the readers match replaced by simplified
    ones; same length, so positions carry over to the original."""
    return text.translate(_FOLD)


def is_traditional(text: str) -> bool:
    """Whether ``text`` uses traditional characters the fold knows (牽頭, 責任單位, …)."""
    return fold(text) != text
