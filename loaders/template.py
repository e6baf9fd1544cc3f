"""An empty Excel task table that an office can fill in and ipplan will read.

The sheet has a title row, the recognised header, one example row and a deadline column that
Excel validates (a month such as 2023年6月 or 2023-06, a date, or 长期坚持 / 持续推进 / 每年).
"""

from __future__ import annotations

import io
from pathlib import Path

from ipplan.files import atomic_write_bytes

HEADER = ("主题", "重点任务", "具体内容", "牵头单位", "责任单位", "完成时限")
EXAMPLE = ("一、推动高质量知识产权创造", "1.强化高质量创新导向。",
           "修订知识产权资助和奖励办法，加大对转化运用和公共服务的支持。",
           "市市场监督管理局（知识产权局）", "市财政局、各县（市）区政府", "2025年6月")
WIDTHS = (24, 24, 60, 30, 36, 14)
FIRST_DATA_ROW = 3
LAST_VALIDATED_ROW = 2000


def deadline_rule(column: str, row: int) -> str:
    """The Excel formula that accepts a deadline ipplan can read."""
    cell = f"{column}{row}"
    return (f'OR(ISNUMBER({cell}),ISNUMBER(FIND("年",{cell})),'
            f'ISNUMBER(FIND("-",{cell})),ISNUMBER(FIND(".",{cell})),'
            f'{cell}="长期坚持",{cell}="持续推进",{cell}="每年",{cell}="长期")')


def template_bytes(title: str = "XX市XX工作方案重点任务分解表") -> bytes:
    """The template workbook as .xlsx bytes."""
    # heavy (0.7 s): only `ipplan template` pays it
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = "重点任务分解表"
    last = get_column_letter(len(HEADER))
    sheet["A1"] = title
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.merge_cells(f"A1:{last}1")
    for index, (name, width) in enumerate(zip(HEADER, WIDTHS), start=1):
        cell = sheet.cell(row=2, column=index, value=name)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        sheet.column_dimensions[get_column_letter(index)].width = width
    for index, value in enumerate(EXAMPLE, start=1):
        cell = sheet.cell(row=FIRST_DATA_ROW, column=index, value=value)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A3"
    deadline = get_column_letter(HEADER.index("完成时限") + 1)
    rule = DataValidation(
        type="custom", formula1=deadline_rule(deadline, FIRST_DATA_ROW), allow_blank=True,
        showErrorMessage=True, errorTitle="完成时限",
        error="请填写年月（如 2023年6月、2023-06）、日期，或 长期坚持 / 持续推进 / 每年。",
        promptTitle="完成时限", prompt="年月（2023年6月）、日期，或 长期坚持 / 持续推进 / 每年",
        showInputMessage=True)
    rule.add(f"{deadline}{FIRST_DATA_ROW}:{deadline}{LAST_VALIDATED_ROW}")
    sheet.add_data_validation(rule)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def write_template(path: str | Path, title: str | None = None) -> None:
    """Write the template to ``path`` (atomically)."""
    atomic_write_bytes(path, template_bytes(title) if title else template_bytes())
