"""Self-checks of tests/makedocs.py: the generated Word, Excel and CSV files have the layout
the writers promise, read back with python-docx, openpyxl and the csv module alone (no ipplan
loader), and carry the seed's information."""

from __future__ import annotations

import csv
import datetime
import doctest

import docx
import openpyxl
import pytest
from docx.oxml.ns import qn

import makedocs
from conftest import SEED
from makedocs import (CSV_HEADER, HEADER, HEADER_SYNONYMS, chinese_numeral, join_units,
                      lead_cell, support_cell, write_csv, write_docx, write_xlsx)


@pytest.fixture(scope="module")
def plan():
    from ipplan.loaders import load_document

    return load_document(SEED)


@pytest.fixture(scope="module")
def shape(plan):
    """(themes, tasks, measures, tasks with more than one measure) of the seed."""
    counts = {}
    for measure in plan.measures:
        counts[measure.task] = counts.get(measure.task, 0) + 1
    multi = sum(1 for n in counts.values() if n > 1)
    return len(plan.themes), len(plan.tasks), len(plan.measures), multi


def test_seed_shape(shape):
    assert shape[:3] == (7, 22, 60)


def test_doctests():
    result = doctest.testmod(makedocs)
    assert result.attempted and not result.failed


@pytest.mark.parametrize("n, text", [(1, "一"), (7, "七"), (10, "十"), (15, "十五"), (20, "二十"),
                                     (38, "三十八"), (90, "九十"), (99, "九十九")])
def test_chinese_numeral(n, text):
    assert chinese_numeral(n) == text


@pytest.mark.parametrize("n", [0, 100, -1])
def test_chinese_numeral_range(n):
    with pytest.raises(ValueError):
        chinese_numeral(n)


def test_unit_separators():
    assert join_units(["市财政局", "各县（市）区政府", "高新区管委会"]) == \
        "市财政局，各县（市）区政府、高新区管委会"
    assert join_units(["市工信局", "市体育局"]) == "市工信局、市体育局"
    assert join_units([]) == ""


# --- Word -------------------------------------------------------------------------------------

def _tc(cell):
    return cell._tc


def _vmerge(tc) -> str | None:
    """None, "restart" or "continue" for a w:tc."""
    props = tc.tcPr
    node = None if props is None else props.find(qn("w:vMerge"))
    if node is None:
        return None
    return node.get(qn("w:val")) or "continue"


def _is_header(row) -> bool:
    return tuple(cell.text for cell in row.cells) == HEADER


def _repeats(row) -> bool:
    props = row._tr.trPr
    return props is not None and props.find(qn("w:tblHeader")) is not None


def _split_support_id(plan) -> str:
    return next(m.id for m in plan.measures if len(m.support_units) > 1)


def test_docx_layout(tmp_path, plan):
    path = write_docx(plan, tmp_path / "plan.docx")
    document = docx.Document(str(path))
    texts = [p.text for p in document.paragraphs if p.text]
    assert texts[:2] == ["附件1", plan.title]
    title = next(p for p in document.paragraphs if p.text == plan.title)
    assert title.alignment == 1 and all(run.bold for run in title.runs)  # centred, bold

    assert len(document.tables) == 1
    table = document.tables[0]
    rows = table.rows
    assert len(rows) == 1 + 7 + 60
    assert _is_header(rows[0]) and _repeats(rows[0])
    assert len(table.columns) == 5

    theme_rows = [row for row in rows if len(row._tr.tc_lst) == 1]
    assert [row.cells[0].text for row in theme_rows] == [
        f"{chinese_numeral(t.number)}、{t.title}" for t in plan.themes]
    for row in theme_rows:
        assert len({id(_tc(cell)) for cell in row.cells}) == 1  # one cell spans the row
        assert row._tr.tc_lst[0].grid_span == 5

    measure_rows = [row for row in rows[1:] if len(row._tr.tc_lst) == 5]
    assert len(measure_rows) == 60
    split = _split_support_id(plan)
    for row, measure in zip(measure_rows, plan.measures):
        cells = row.cells
        assert cells[1].text == measure.text
        assert len(cells[1].paragraphs) == 1
        assert cells[2].text == lead_cell(measure)
        assert cells[4].text == measure.deadline.text
        if measure.id == split:
            assert [p.text for p in cells[3].paragraphs] == list(measure.support_units)
        else:
            assert cells[3].text == support_cell(measure)
            assert len(cells[3].paragraphs) == 1


def test_docx_task_cells_merge_down(tmp_path, plan):
    table = docx.Document(str(write_docx(plan, tmp_path / "plan.docx"))).tables[0]
    measure_rows = [row for row in table.rows[1:] if len(row._tr.tc_lst) == 5]
    first_task = [row for row, m in zip(measure_rows, plan.measures) if m.task == "1"]
    assert len(first_task) == 4
    heading = f"{plan.tasks[0].number}.{plan.tasks[0].title}"
    assert [row.cells[0].text for row in first_task] == [heading] * 4
    assert [_vmerge(row._tr.tc_lst[0]) for row in first_task] == \
        ["restart", "continue", "continue", "continue"]
    # Every task's heading is written once, on its first row.
    starts = [row._tr.tc_lst[0] for row in measure_rows if _vmerge(row._tr.tc_lst[0]) != "continue"]
    assert len(starts) == 22


def test_docx_repeated_headers(tmp_path, plan):
    table = docx.Document(str(write_docx(plan, tmp_path / "plan.docx",
                                         repeat_header_every=20))).tables[0]
    rows = table.rows
    assert len(rows) == 1 + 7 + 60 + 2
    headers = [index for index, row in enumerate(rows) if _is_header(row)]
    assert len(headers) == 3 and headers[0] == 0
    assert [_repeats(rows[i]) for i in headers] == [True, False, False]
    for index in headers[1:]:
        before = [row for row in rows[:index]
                  if len(row._tr.tc_lst) == 5 and not _is_header(row)]
        assert len(before) in (20, 40)
        # No merge runs through a header copy: the row below starts afresh.
        below = rows[index + 1]._tr.tc_lst[0]
        assert _vmerge(below) != "continue"
    measure_rows = [row for row in rows if len(row._tr.tc_lst) == 5 and not _is_header(row)]
    assert [row.cells[1].text for row in measure_rows] == [m.text for m in plan.measures]


def test_docx_header_inside_a_task(tmp_path, plan):
    # Every 3 rows cuts task 1 (4 measures): its 4th row follows a header copy with an empty
    # task cell of its own.
    table = docx.Document(str(write_docx(plan, tmp_path / "plan.docx",
                                         repeat_header_every=3))).tables[0]
    rows = table.rows
    assert _is_header(rows[5]) and not _repeats(rows[5])
    assert [row.cells[0].text for row in rows[2:5]] == ["1.强化高质量创新导向。"] * 3
    assert rows[6].cells[0].text == "" and _vmerge(rows[6]._tr.tc_lst[0]) is None
    assert rows[6].cells[1].text == plan.measures[3].text
    assert len(rows) == 1 + 7 + 60 + 60 // 3 - 1


def test_docx_options(tmp_path, plan):
    document = docx.Document(str(write_docx(plan, tmp_path / "plain.docx", annex=None,
                                            split_support_for=None)))
    assert [p.text for p in document.paragraphs if p.text] == [plan.title]
    cells = [row.cells[3] for row in document.tables[0].rows[1:] if len(row._tr.tc_lst) == 5]
    assert all(len(cell.paragraphs) == 1 for cell in cells)


# --- Excel ------------------------------------------------------------------------------------

def _ranges(ws) -> set[str]:
    return {str(r) for r in ws.merged_cells.ranges}


def test_xlsx_layout(tmp_path, plan, shape):
    book = openpyxl.load_workbook(write_xlsx(plan, tmp_path / "plan.xlsx"))
    assert book.sheetnames == ["说明", "重点任务分解表"]
    notes = book["说明"]
    assert not notes.merged_cells.ranges
    assert all(cell.value is None or cell.value not in HEADER_SYNONYMS + HEADER
               for row in notes.iter_rows() for cell in row)

    ws = book["重点任务分解表"]
    merged = _ranges(ws)
    assert {"A1:F1", "A2:F2"} <= merged
    assert ws["A1"].value == plan.title and ws["A2"].value
    assert tuple(c.value for c in ws[3]) == HEADER_SYNONYMS

    rows = list(ws.iter_rows(min_row=4, values_only=True))
    blank = [i for i, row in enumerate(rows) if all(v is None for v in row)]
    assert len(blank) == 1
    themes = [row[0] for row in rows if isinstance(row[0], str)]
    assert themes == [f"{chinese_numeral(t.number)}、{t.title}" for t in plan.themes]
    theme_ranges = {r for r in merged if r.startswith("A") and r.split(":")[1].startswith("F")}
    assert len(theme_ranges) == 2 + 7
    assert rows[blank[0] + 1][0] == themes[1]  # the blank row stands before the second theme

    measures = [row for row in rows if isinstance(row[0], int)]
    assert [row[0] for row in measures] == list(range(1, 61))
    assert [row[2] for row in measures] == [m.text for m in plan.measures]
    assert [row[3] for row in measures] == [lead_cell(m) for m in plan.measures]
    assert [row[4] for row in measures] == [support_cell(m) for m in plan.measures]
    assert [row[5] for row in measures] == [m.deadline.text for m in plan.measures]
    assert sum(1 for row in measures if row[1]) == 22

    task_ranges = [ws[r] for r in merged if r.startswith("B")]
    assert len(task_ranges) == shape[3]
    first = min(task_ranges, key=lambda cells: cells[0][0].row)
    assert len(first) == 4 and first[0][0].value == "1.强化高质量创新导向。"
    assert all(row[0].value is None for row in first[1:])


def test_xlsx_without_synonyms_or_notes(tmp_path, plan, shape):
    book = openpyxl.load_workbook(write_xlsx(plan, tmp_path / "plain.xlsx", sheet="表1",
                                             synonyms=False, extra_sheet_first=False,
                                             note=None))
    assert book.sheetnames == ["表1"]
    ws = book["表1"]
    merged = _ranges(ws)
    assert "A1:E1" in merged and ws["A2"].value is None
    assert tuple(c.value for c in ws[3]) == HEADER
    assert len([r for r in merged if r.startswith("A") and ":E" in r]) == 1 + 7
    assert len([r for r in merged if ":A" in r]) == shape[3]  # task cells, column A
    measures = [row for row in ws.iter_rows(min_row=4, values_only=True)
                if row[1] is not None]
    assert len(measures) == 60


def test_xlsx_date_cell(tmp_path, plan):
    ws = openpyxl.load_workbook(write_xlsx(plan, tmp_path / "dated.xlsx",
                                           date_cell_for="1.1"))["重点任务分解表"]
    dates = [row[5] for row in ws.iter_rows(min_row=4) if isinstance(row[5].value,
                                                                     datetime.datetime)]
    assert len(dates) == 1
    assert dates[0].value.date() == datetime.date(2022, 12, 1)
    assert dates[0].number_format == "yyyy-mm"
    assert ws.cell(row=dates[0].row, column=3).value == plan.measures[0].text
    with pytest.raises(ValueError):
        write_xlsx(plan, tmp_path / "bad.xlsx", date_cell_for="99.9")


# --- CSV --------------------------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv(tmp_path, plan, encoding):
    path = write_csv(plan, tmp_path / "sub" / "plan.csv", encoding=encoding)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig")
    if encoding == "gb18030":
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
    with path.open(encoding=encoding, newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == [plan.title, "", "", "", "", ""]
    assert tuple(rows[1]) == CSV_HEADER
    body = rows[2:]
    assert len(body) == 60
    assert [row[0] for row in body if row[0]] == [
        f"{chinese_numeral(t.number)}、{t.title}" for t in plan.themes]
    assert [row[1] for row in body if row[1]] == [f"{t.number}.{t.title}" for t in plan.tasks]
    assert [row[2] for row in body] == [m.text for m in plan.measures]
    assert [row[3] for row in body] == [lead_cell(m) for m in plan.measures]
    assert [row[4] for row in body] == [support_cell(m) for m in plan.measures]
    assert [row[5] for row in body] == [m.deadline.text for m in plan.measures]


def test_csv_without_title(tmp_path, plan):
    path = write_csv(plan, tmp_path / "plan.csv", title_row=False)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == CSV_HEADER and len(rows) == 61
    with pytest.raises(ValueError):
        write_csv(plan, tmp_path / "x.csv", encoding="latin-1")
