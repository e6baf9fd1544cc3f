"""Chinese numerals as plans number their themes (一、二、…): read and written.

The loaders read them in headings and item numbers; the pages write a theme's number the
way its heading did.
"""

from __future__ import annotations

__all__ = ["chinese_numeral", "to_chinese_numeral"]

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9}


def chinese_numeral(text: str) -> int:
    """一 -> 1, 十 -> 10, 十二 -> 12, 二十三 -> 23, 一百零五 -> 105.

    >>> [chinese_numeral(t) for t in ("一", "十", "十二", "二十三", "一百零五")]
    [1, 10, 12, 23, 105]
    """
    total, current = 0, 0
    for char in text:
        if char == "百":
            total += (current or 1) * 100
            current = 0
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = _CN_DIGITS[char]
    return total + current


def to_chinese_numeral(number: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 23 -> 二十三 (1 to 99), as theme headings number.

    >>> [to_chinese_numeral(n) for n in (1, 7, 10, 21)]
    ['一', '七', '十', '二十一']
    """
    digits = "零一二三四五六七八九"
    if number < 10:
        return digits[number]
    tens, ones = divmod(number, 10)
    return (digits[tens] if tens > 1 else "") + "十" + (digits[ones] if ones else "")
