"""Reading a progress cell (完成情况, 进展情况, 是否完成, a 备注 that says 已完成) as a state.

>>> read_progress("已完成").state.value, read_progress("正在推进").state.value
('done', 'in-progress')
>>> read_progress("已完成方案制定，正在推进实施").state.value
'in-progress'
>>> read_progress("尚未启动").state.value, read_progress("新增163户").state.value
('not-started', 'unknown')
>>> read_progress("完成时限可延至年底", remark=True) is None
True
"""

from __future__ import annotations

import re

from ipplan.model import Progress, ProgressState

# Checked in this order: a cell that says both 已完成 and 正在推进 is under way, and 未完成
# holds 完成. 未完成 and 否 say only "not done": read as under way (the plan is running), which
# is what such reports mean; never as done.
_NOT_STARTED = re.compile(r"未开始|未启动|尚未启动|尚未开展|未开展|待启动|尚未实施|未实施|未动工")
_IN_PROGRESS = re.compile(
    r"未完成|尚未完成|没有完成|未按期完成|未达到|正在|推进中|进行中|实施中|建设中|办理中|持续推进|"
    r"有序推进|序时推进|稳步推进|加快推进|积极推进|基本完成|部分完成|大部分完成|已启动|已开展|"
    r"已开工|按计划推进|进展顺利|未办结")
_DONE = re.compile(r"已(?:经)?(?:全部|全面|如期|按期|提前)?(?:完成|办结|落实|实现|完工|建成|"
                   r"出台|印发|达到|达标|验收)|按期完成|提前完成|全面完成|如期完成|超额完成")
# A whole cell that says yes/no or ticks: a 是否完成 column. 完成 alone is done; 完成投资68.5亿元
# (a figure reached, 85.6% of the target) is not.
_DONE_MARK = frozenset({"是", "√", "✓", "✔", "☑", "完成", "已完成", "办结"})
_NOT_DONE_MARK = frozenset({"否", "×", "✗", "未完成"})
# A remark counts as progress only when it says so in words (备注：已完成), never by a bare
# 完成 or 是, which a remark uses otherwise (完成时限可延至年底).
_REMARK = re.compile(_NOT_STARTED.pattern + "|" + _IN_PROGRESS.pattern + r"|已(?:经)?(?:全部|全面|"
                     r"如期|按期|提前)?(?:完成|办结|落实|完工)|按期完成|提前完成|如期完成")


def progress_state(text: str) -> ProgressState:
    """The state a progress cell's text reads as.

    >>> progress_state("是"), progress_state("否"), progress_state("")
    (<ProgressState.DONE: 'done'>, <ProgressState.IN_PROGRESS: 'in-progress'>, \
<ProgressState.UNKNOWN: 'unknown'>)
    """
    flat = re.sub(r"[\s。．.，,；;！!]+", "", text)
    if not flat:
        return ProgressState.UNKNOWN
    if flat in _DONE_MARK:
        return ProgressState.DONE
    if flat in _NOT_DONE_MARK:
        return ProgressState.IN_PROGRESS
    if _NOT_STARTED.search(flat):
        return ProgressState.NOT_STARTED
    if _IN_PROGRESS.search(flat):
        return ProgressState.IN_PROGRESS
    if _DONE.search(flat):
        return ProgressState.DONE
    return ProgressState.UNKNOWN


def read_progress(text: str, *, remark: bool = False) -> Progress | None:
    """A progress cell as written and its state. ``remark``: the cell is a 备注, read only
    when it names a state in words (None otherwise: a remark about something else)."""
    text = text.strip()
    if remark and not _REMARK.search(re.sub(r"\s+", "", text)):
        return None
    return Progress(text, progress_state(text))
