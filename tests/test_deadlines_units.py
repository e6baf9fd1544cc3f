"""Deadline reading and unit-list splitting, cell by cell."""

from __future__ import annotations

import pytest

from ipplan.loaders.deadlines import parse_deadline
from ipplan.loaders.units import split_units
from ipplan.model import DeadlineKind


@pytest.mark.parametrize("text, month", [
    ("2022年12月", "2022-12"),
    ("2022年12月底", "2022-12"),
    ("2022年底", "2022-12"),
    ("2023年6月前", "2023-06"),
    ("2023年6月底前完成", "2023-06"),
    ("2023.06", "2023-06"),
    ("2023-06", "2023-06"),
    ("2023/6", "2023-06"),
    ("２０２３年６月", "2023-06"),
    ("2023年上半年", "2023-06"),
    ("2023年下半年", "2023-12"),
    ("2023年第一季度", "2023-03"),
    ("2023年", "2023-12"),
    (" 2025年6月。", "2025-06"),
])
def test_months(text, month):
    deadline = parse_deadline(text)
    assert (deadline.kind, deadline.month) == (DeadlineKind.FIXED, month)
    assert deadline.text == text.strip()


@pytest.mark.parametrize("text, kind", [
    ("长期坚持", DeadlineKind.ONGOING),
    ("持续推进", DeadlineKind.ONGOING),
    ("长期", DeadlineKind.ONGOING),
    ("每年", DeadlineKind.RECURRING),
    ("每年12月", DeadlineKind.RECURRING),
    ("视情况而定", DeadlineKind.UNREAD),
    ("2023年13月", DeadlineKind.UNREAD),
    ("", DeadlineKind.NONE),  # issue 17: no deadline is "no deadline", not "unread"
])
def test_open_ended_and_unreadable(text, kind):
    deadline = parse_deadline(text)
    assert deadline.kind is kind and deadline.month is None and deadline.text == text


@pytest.mark.parametrize("cell, names", [
    ("市财政局，各县（市）区政府、高新区管委会", ["市财政局", "各县（市）区政府", "高新区管委会"]),
    ("各县（市）区政府、高新区管委会。", ["各县（市）区政府", "高新区管委会"]),
    ("市委宣传部（版权局）", ["市委宣传部（版权局）"]),
    ("各县（市、区）政府", ["各县（市、区）政府"]),
    ("市科技局(科协、团市委)；市教育局", ["市科技局(科协、团市委)", "市教育局"]),
    ("市人力资源和社会保障局", ["市人力资源和社会保障局"]),
    ("市科技局、、市教育局", ["市科技局", "市教育局"]),
    ("", []),
    ("无", []),
])
def test_split_units(cell, names):
    assert split_units(cell) == (names, None)


@pytest.mark.parametrize("cell", ["市科技局（科协", "市科技局）、市教育局"])
def test_unbalanced_parentheses_are_kept_whole_with_a_reason(cell):
    names, problem = split_units(cell)
    assert names == [cell] and problem


@pytest.mark.parametrize("text, month", [
    ("2024年9月30日前", "2024-09"), ("2024年—2025年", "2025-12"), ("2024-2025年", "2025-12"),
    ("2022年6月—2023年3月", "2023-03"), ("2021年3月—6月", "2021-06"), ("2021年3-6月", "2021-06"),
])
def test_deadlines_published_tables_print(text, month):
    """Days and spans, as the real tables of issue 18 print them: the span's last month."""
    assert parse_deadline(text).month == month
