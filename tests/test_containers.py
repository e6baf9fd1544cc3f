"""Refusals of the containers offices publish tables in (web pages, PDFs, old Office and
WPS files): one line naming the file, the container and what was found; LibreOffice's
conversion with its time limit and its temporary folder removed."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from conftest import run_ipplan
from ipplan.loaders import load_document
from makedocs import libreoffice_convert, write_docx

PAGE = """<html><head><meta charset="utf-8"><title>福州市某工作方案</title></head><body>
<h1>福州市某工作方案</h1>{body}</body></html>"""


def _one_line_refusal(result, path: Path) -> str:
    assert result.code == 2, result.err
    assert "Traceback" not in result.err
    assert len(result.err.strip().splitlines()) == 1, result.err
    assert result.err.startswith(f"ipplan: error: {path}")
    return result.err


def test_web_page_without_a_table(tmp_path):
    path = tmp_path / "notice.html"
    path.write_text(PAGE.format(body="<p>各单位：请认真贯彻落实。</p>"), "utf-8")
    err = _one_line_refusal(run_ipplan("stats", path), path)
    assert "the web page has no <table>" in err


def test_web_page_whose_tables_have_no_task_header_says_what_it_found(tmp_path):
    path = tmp_path / "notice.html"
    path.write_text(PAGE.format(body=(
        "<table><tr><td>发文字号：</td><td>榕政办〔2022〕1号</td></tr></table>"
        "<table><tr><td>重点任务</td><td>完成时限</td><td>备注</td></tr>"
        "<tr><td>1.任务</td><td>2023年</td><td>无</td></tr></table>")), "utf-8")
    err = _one_line_refusal(run_ipplan("stats", path), path)
    # The second table has a header: what it lacks is named, with the row.
    assert "table 2, row 1: the table header lacks columns we need" in err
    assert "missing: lead" in err
    path.write_text(PAGE.format(body=(
        "<table><tr><td>发文字号：</td><td>榕政办〔2022〕1号</td></tr></table>")), "utf-8")
    err = _one_line_refusal(run_ipplan("stats", path), path)
    assert "none of the page's 1 <table>(s) has a header row" in err
    assert "first rows: 发文字号： | 榕政办〔2022〕1号" in err


def test_web_page_declaring_an_encoding_it_is_not_in(tmp_path):
    path = tmp_path / "page.html"
    path.write_bytes('<html><head><meta charset="utf-8"></head><body><p>牵头单位</p>'
                     "</body></html>".encode("gb18030"))
    err = _one_line_refusal(run_ipplan("stats", path), path)
    assert "declares utf-8 in its <meta> but byte" in err


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    """A scanned PDF (a picture of a page, no text layer) and a PDF of a memo with a table
    that is not a task table, both made by LibreOffice from Word files."""
    import docx
    from docx.shared import Cm
    from PIL import Image, ImageDraw

    folder = tmp_path_factory.mktemp("pdfs")
    picture = folder / "scan.png"
    image = Image.new("RGB", (800, 400), "white")
    ImageDraw.Draw(image).rectangle((40, 40, 760, 360), outline="black", width=3)
    image.save(picture)
    scanned = docx.Document()
    scanned.add_picture(str(picture), width=Cm(15))
    scanned.save(folder / "scanned.docx")
    memo = docx.Document()
    memo.add_paragraph("关于报送材料的通知")
    table = memo.add_table(rows=2, cols=2)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells + table.rows[1].cells,
                          ("材料名称", "报送时间", "年度总结", "12月底")):
        cell.text = text
    memo.save(folder / "memo.docx")
    return dict(zip(("scanned", "memo"), libreoffice_convert(
        [folder / "scanned.docx", folder / "memo.docx"], "pdf", folder / "out")))


def test_scanned_pdf_is_refused_as_such(pdfs):
    err = _one_line_refusal(run_ipplan("stats", pdfs["scanned"]), pdfs["scanned"])
    assert "has no text layer (a scanned PDF?)" in err


def test_pdf_without_a_task_table_says_what_it_found(pdfs):
    err = _one_line_refusal(run_ipplan("stats", pdfs["memo"]), pdfs["memo"])
    assert "not a task table: 1 table(s) with ruling lines on 1 page(s)" in err


def test_broken_pdf_is_one_line(tmp_path):
    path = tmp_path / "cut.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj\n<<")
    err = _one_line_refusal(run_ipplan("stats", path), path)
    assert "is not a readable PDF" in err


def _env(**changes: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(changes)
    return env


@pytest.mark.parametrize("suffix", [".doc", ".wps", ".xls", ".et"])
def test_old_formats_without_libreoffice_say_how_to_install_it(tmp_path, suffix):
    path = tmp_path / f"plan{suffix}"
    path.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    # A PATH with Python only: no soffice on it.
    result = run_ipplan("stats", path, env=_env(PATH=str(Path(sys.executable).parent)))
    err = _one_line_refusal(result, path)
    assert f"reading {suffix} files needs LibreOffice" in err
    assert "apt-get install libreoffice-writer-nogui libreoffice-calc-nogui" in err
    assert "save the file as .docx/.xlsx" in err


def test_conversion_past_its_time_limit_is_reported_and_cleaned_up(tmp_path, seed_plan):
    source = write_docx(seed_plan, tmp_path / "src" / "plan.docx")
    (odt,) = libreoffice_convert([source], "odt", tmp_path / "odt")
    (doc,) = libreoffice_convert([odt], "doc", tmp_path / "doc")
    temp = tmp_path / "tmp"
    temp.mkdir()
    result = run_ipplan("stats", doc, env=_env(TMPDIR=str(temp),
                                               IPPLAN_SOFFICE_TIMEOUT="0.05"))
    err = _one_line_refusal(result, doc)
    assert "LibreOffice did not convert the file within 0.05 s" in err
    assert list(temp.iterdir()) == []
    # With time enough the same file reads, and nothing is left behind either.
    result = run_ipplan("stats", doc, env=_env(TMPDIR=str(temp)))
    assert result.code == 0, result.err
    assert list(temp.iterdir()) == []


def test_damaged_old_file_is_one_line(tmp_path):
    path = tmp_path / "plan.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\xff" * 600)
    err = _one_line_refusal(run_ipplan("stats", path), path)
    assert "(read as the .docx LibreOffice made of this .doc file)" in err


# --- Nothing a container holds is skipped without a word (issue 19) -------------------------

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _wrap_in_content_control(element, first: int, last: int | None = None) -> None:
    """Move children first..last of ``element`` into a content control (w:sdt), as Word
    templates hold repeating rows and whole tables."""
    from docx.oxml import OxmlElement

    children = list(element)[first:last]
    sdt, content = OxmlElement("w:sdt"), OxmlElement("w:sdtContent")
    sdt.append(OxmlElement("w:sdtPr"))
    sdt.append(content)
    children[0].addprevious(sdt)
    for child in children:
        content.append(child)


def _measure_like_rows(path: Path) -> int:
    """Rows of the Word file's tables, counted in its XML, that have a lead-unit cell: the
    table's header, theme and measure rows minus header and theme rows."""
    import zipfile

    from lxml import etree

    body = etree.fromstring(zipfile.ZipFile(path).read("word/document.xml"))
    count = 0
    for tr in body.iter(f"{W}tr"):
        cells = ["".join(t.text or "" for t in tc.iter(f"{W}t")) for tc in tr.iter(f"{W}tc")]
        if len(cells) == 5 and cells[2] and cells[2] != "牵头单位":
            count += 1
    return count


def test_word_rows_and_tables_inside_content_controls_are_read(tmp_path, seed_plan):
    import docx

    path = write_docx(seed_plan, tmp_path / "plan.docx")
    document = docx.Document(str(path))
    table = document.tables[0]._tbl
    rows = table.findall(f"{W}tr")
    # Rows 3..6 (measures of task 1 and 2) in one content control.
    _wrap_in_content_control(table, list(table).index(rows[2]), list(table).index(rows[6]))
    document.save(str(path))
    plan = load_document(path)
    assert len(plan.measures) == _measure_like_rows(path) == 60
    assert plan.warnings == ()
    # The whole table inside a content control of the body.
    document = docx.Document(str(path))
    body = document.element.body
    index = list(body).index(document.tables[0]._tbl)
    _wrap_in_content_control(body, index, index + 1)
    document.save(str(path))
    assert len(load_document(path).measures) == 60


def test_word_nested_table_is_read_as_the_cell_text_with_a_warning(tmp_path, seed_plan):
    import docx

    path = write_docx(seed_plan, tmp_path / "plan.docx")
    document = docx.Document(str(path))
    cell = document.tables[0].rows[3].cells[3]
    inner = cell.add_table(rows=1, cols=1)
    inner.cell(0, 0).text = "市统计局"
    document.save(str(path))
    plan = load_document(path)
    assert len(plan.measures) == 60
    (warning,) = plan.warnings
    assert (warning.location.row, warning.message) == (
        4, "a table nested in a cell of this row is read as that cell's text")
    assert "市统计局" in plan.measures[1].support_units  # row 4: measure 1.2


def test_excel_hidden_sheet_is_not_chosen_over_the_visible_one(tmp_path, seed_plan):
    from openpyxl import load_workbook

    from makedocs import write_xlsx

    path = write_xlsx(seed_plan, tmp_path / "plan.xlsx", extra_sheet_first=False)
    book = load_workbook(path)
    old = book.copy_worksheet(book.active)
    old.title = "旧版"
    old.delete_rows(5, 40)  # an old, shorter copy of the table, hidden, placed first
    old.sheet_state = "hidden"
    book.move_sheet(old, offset=-1)
    book.save(path)
    assert load_workbook(path).sheetnames[0] == "旧版"
    plan = load_document(path)
    assert len(plan.measures) == 60 and plan.warnings == ()
    assert plan.measures[0].location.part == "sheet 重点任务分解表"
    # When the hidden sheet is the only one with a table, it is read, with a warning.
    book = load_workbook(path)
    del book["重点任务分解表"]
    book.create_sheet("说明")["A1"] = "说明"
    book.save(path)
    plan = load_document(path)
    assert plan.measures[0].location.part == "sheet 旧版"
    assert any("hidden sheet ('旧版')" in w.message for w in plan.warnings)


# --- Tables flattened into text ---------------------------------------------------------------

SPACED = """福州市知识产权工作方案重点任务分解表

重点任务        具体内容                      牵头单位      责任单位            完成时限
一、推动知识产权创造
1.强化创新导向。  修订资助办法，加大支持。      市市场监管局  市财政局            2022年12月
                  开展专利导航。                市工信局      市科技局、市财政局  2023年6月
2.培育优势企业。  培育示范企业20家。            市科技局      市工信局            长期坚持
"""


def test_rows_separated_by_blanks_are_read_with_merged_cells_left_out(tmp_path):
    path = tmp_path / "spaced.txt"
    path.write_text(SPACED, "utf-8")
    plan = load_document(path)
    assert [(m.id, m.lead_units, m.support_units, str(m.deadline)) for m in plan.measures] == [
        ("1.1", ("市市场监管局",), ("市财政局",), "2022-12"),
        ("1.2", ("市工信局",), ("市科技局", "市财政局"), "2023-06"),
        ("2.1", ("市科技局",), ("市工信局",), "长期坚持")]
    assert plan.warnings == () and plan.title == "福州市知识产权工作方案重点任务分解表"


def test_flattened_cells_that_cannot_be_aligned_are_refused_with_what_was_found(tmp_path):
    path = tmp_path / "cells.txt"
    # The support cell of the first measure is missing: the deadline column would get the
    # next measure's text.
    path.write_text("福州市知识产权工作方案\n重点任务|\n具体内容|\n牵头单位|\n责任单位|\n完成时限|\n"
                    "一、主题|\n1.任务。|\n修订资助办法。|\n市市场监管局|\n2022年12月|\n"
                    "开展专利导航，加大支持力度。|\n市工信局|\n市科技局|\n2023年6月|\n", "utf-8")
    err = _one_line_refusal(run_ipplan("stats", path), path)
    assert "the cells cannot be aligned with the header" in err
    assert f"{path}:12" in err and "开展专利导航" in err
    spaced = tmp_path / "spaced.txt"
    spaced.write_text(SPACED.replace("市市场监管局  市财政局", "市市场监管局  多出一格  市财政局"),
                      "utf-8")
    err = _one_line_refusal(run_ipplan("stats", spaced), spaced)
    assert f"{spaced}:5: the row has 6 cells where the header has 5" in err


def test_markdown_row_longer_than_its_header_is_refused(tmp_path):
    path = tmp_path / "plan.md"
    path.write_text("# 福州市知识产权工作方案\n\n| 重点任务 | 具体内容 | 牵头单位 | 完成时限 |\n"
                    "|---|---|---|---|\n| 一、主题 | | | |\n| 1.任务。 | 做一件事。 | 市科技局 | 2023年 | 多余 |\n",
                    "utf-8")
    err = _one_line_refusal(run_ipplan("stats", path), path)
    assert f"{path}:6: the Markdown table row has 5 cells where the header has 4" in err


# --- Headers as published tables have them ---------------------------------------------------

@pytest.mark.parametrize("name, column", [
    ("主要责任单位", "lead"), ("牵头单位（部门）", "lead"), ("责任单位（牵头）", "lead"),
    ("协同配合单位", "support"), ("配合/责任单位", "support"), ("责任单位（配合）", "support"),
    ("责任（配合）单位", "support"), ("工作要求", "measure"), ("重点工作", "measure"),
    ("重点工作任务", "measure"), ("目标任务", "measure"), ("具体措施", "measure"),
    ("工作举措", "measure"), ("完成期限", "deadline"), ("时间进度", "deadline"),
    ("牵头领导", "people"), ("责任领导", "people"), ("责任人", "people"),
    ("牵头责任部门", "lead"), ("配合责任单位", "support"), ("完成时间节点", "deadline"),
    ("分管市领导", "people"), ("工作内容及目标", "measure"),
])
def test_published_header_names(name, column):
    """Names of the issue's list, and names told by their words (牵头责任部门 …)."""
    from ipplan.loaders.columns import header_column

    assert header_column(name) == column


def _page(rows: str) -> str:
    return PAGE.format(body=f"<table border=1>{rows}</table>")


def test_two_row_headers_and_people_columns_in_a_page(tmp_path):
    path = tmp_path / "plan.html"
    path.write_text(_page(
        "<tr><th rowspan=2>序号</th><th rowspan=2>工作举措</th><th rowspan=2>牵头领导</th>"
        "<th colspan=2>责任单位</th><th colspan=2>完成时限</th></tr>"
        "<tr><th>牵头</th><th>配合</th><th>2023年</th><th>2024年</th></tr>"
        "<tr><td colspan=7>一、主题</td></tr>"
        "<tr><td>1</td><td>修订资助办法。</td><td>张三</td><td>市科技局</td><td>市财政局</td>"
        "<td>6月底前</td><td></td></tr>"
        "<tr><td>2</td><td>开展专项行动。</td><td>李四</td><td>&nbsp;</td><td>市公安局</td>"
        "<td></td><td>√</td></tr>"), "utf-8")
    plan = load_document(path)
    assert [(m.lead_units, m.support_units, m.deadline.month) for m in plan.measures] == [
        (("市科技局",), ("市财政局",), "2023-06"), ((), ("市公安局",), "2024-12")]
    # The blank lead cell: kept blank, with a warning naming its row; no person as a unit.
    assert [(w.location.row, w.message) for w in plan.warnings] == [
        (5, "measure has no lead unit")]


def test_cells_in_reading_order_that_cannot_be_aligned_are_refused(tmp_path):
    path = tmp_path / "pasted.txt"
    path.write_text("福州市知识产权工作方案\n重点任务\n具体内容\n牵头单位\n责任单位\n完成时限\n"
                    "一、主题\n1.任务。\n修订资助办法。\n市科技局\n市财政局\n2023年6月\n"
                    "开展专利导航。\n另一段说明文字。\n", "utf-8")
    err = _one_line_refusal(run_ipplan("stats", path), path)
    assert f"{path}:13: the cells cannot be aligned with the header" in err
    assert "no unit or deadline follows the text '开展专利导航。" in err


def test_page_title_skips_numbered_sections_and_place_comes_from_the_issuer(tmp_path):
    """The caption above the table is the title, not a numbered line of the notice; when
    neither it nor the page's heading names a place, the office that issued the notice (the
    metadata table's 发文机关, far above the table) does."""
    path = tmp_path / "plan.html"
    attachments = "".join(f"<p>附件{n}</p>" for n in range(1, 8))
    path.write_text(
        '<html><head><meta charset="utf-8"><title>政府文件</title></head><body>'
        "<table><tr><td>发文机关：</td><td>泉州市人民政府办公室</td></tr></table>"
        "<h1>关于印发重点工作任务分工方案的通知</h1><p>各有关单位：</p>"
        f"<p>现将方案印发给你们，请认真贯彻执行。</p>{attachments}"
        "<p>重点工作任务分工方案</p><p>一、年度计划</p>"
        "<table><tr><td>序号</td><td>工作任务</td><td>牵头单位</td><td>完成时限</td></tr>"
        "<tr><td>1</td><td>做一件事。</td><td>市科技局</td><td>2020年底</td></tr></table>"
        "</body></html>", "utf-8")
    plan = load_document(path)
    assert (plan.title, plan.jurisdiction) == ("重点工作任务分工方案", "泉州市")


def test_page_table_nested_in_a_cell_is_read_with_a_warning(tmp_path):
    path = tmp_path / "plan.html"
    path.write_text(_page(
        "<tr><th>序号</th><th>工作举措</th><th>牵头单位</th><th>配合单位</th></tr>"
        "<tr><td colspan=4>一、主题</td></tr>"
        "<tr><td>1</td><td>修订资助办法。</td><td>市科技局</td>"
        "<td><table><tr><td>市财政局</td></tr><tr><td>市统计局</td></tr></table></td></tr>"),
        "utf-8")
    plan = load_document(path)
    assert plan.measures[0].support_units == ("市财政局", "市统计局")
    assert [(w.location.row, w.message) for w in plan.warnings] == [
        (3, "a table nested in a cell of this row is read as that cell's text")]


def test_word_tables_left_unread_are_named(tmp_path, seed_plan):
    import copy

    import docx

    path = write_docx(seed_plan, tmp_path / "plan.docx")
    document = docx.Document(str(path))
    table = document.tables[0]._tbl
    table.addnext(copy.deepcopy(table))
    table.addnext(document.add_paragraph("续表")._p)
    document.save(str(path))
    plan = load_document(path)
    assert len(plan.measures) == 60
    assert [(w.location.part, w.location.row, w.message) for w in plan.warnings] == [
        ("table 1", 1, "table(s) 2 also have a task-table header and are not read "
                       "(--table all reads every one, --table N one)")]


def test_page_with_two_tables_of_different_layouts(tmp_path):
    """Each table is read by its own header: the second's columns are in another order."""
    path = tmp_path / "plan.html"
    path.write_text(PAGE.format(body=(
        "<table><tr><th>序号</th><th>工作举措</th><th>牵头单位</th><th>完成时限</th></tr>"
        "<tr><td colspan=4>一、甲</td></tr>"
        "<tr><td>1</td><td>做第一件事。</td><td>市科技局</td><td>2023年6月</td></tr></table>"
        "<p>附件2</p>"
        "<table><tr><th>序号</th><th>牵头单位</th><th>完成时限</th><th>工作举措</th></tr>"
        "<tr><td colspan=4>二、乙</td></tr>"
        "<tr><td>2</td><td>市财政局</td><td>2024年6月</td><td>做第二件事。</td></tr></table>")),
        "utf-8")
    plan = load_document(path)
    assert [(m.text, m.lead_units, str(m.deadline)) for m in plan.measures] == [
        ("做第一件事。", ("市科技局",), "2023-06"), ("做第二件事。", ("市财政局",), "2024-06")]


ONE_UNIT_COLUMN = """<html><head><meta charset="utf-8"><title>泉州市2024年重点工作责任分解</title></head>
<body><h1>泉州市2024年重点工作责任分解</h1>{rule}<table border="1">
<tr><th>序号</th><th>重点工作</th><th>责任单位</th><th>完成时限</th></tr>
<tr><td>1</td><td>推进项目建设。</td><td>市发改委、市财政局、市自然资源局</td><td>2024年12月底前</td></tr>
<tr><td>2</td><td>优化营商环境。</td><td>市数据局</td><td>全年</td></tr>
</table></body></html>"""


@pytest.mark.parametrize("roles, first", [
    (None, (("市发改委",), ("市财政局", "市自然资源局"))),
    ("first-leads", (("市发改委",), ("市财政局", "市自然资源局"))),
    ("all-lead", (("市发改委", "市财政局", "市自然资源局"), ())),
    ("all-support", ((), ("市发改委", "市财政局", "市自然资源局"))),
])
def test_a_table_with_one_unit_column_is_read_by_the_role_rule(tmp_path, roles, first):
    page = tmp_path / "plan.html"
    page.write_text(ONE_UNIT_COLUMN.format(rule=""), "utf-8")
    plan = load_document(page, roles=roles)
    assert (plan.measures[0].lead_units, plan.measures[0].support_units) == first
    expected = (f"{roles} (--roles {roles})" if roles else
                "first-leads (ipplan's default: the document states no rule)")
    assert plan.role_rule == expected


def test_a_table_whose_document_states_its_rule_says_so(tmp_path):
    page = tmp_path / "plan.html"
    page.write_text(ONE_UNIT_COLUMN.format(rule="<p>列第一位的责任单位为牵头单位。</p>"), "utf-8")
    plan = load_document(page)
    assert plan.measures[0].lead_units == ("市发改委",)
    assert plan.role_rule.startswith("first-leads (as the document states: '列第一位的责任单位为牵头单位")
    stats = run_ipplan("stats", page, "--json", "--roles", "all-lead")
    assert stats.code == 0, stats.err
    assert '"plan": "all-lead (--roles all-lead)"' in stats.out


def test_a_lead_marked_with_a_star_in_a_lone_unit_column(tmp_path):
    """★区发改委、统计局 (注：标★的为牵头单位): the marked unit leads wherever it stands in the list;
    a row without a mark is read by the role rule."""
    import docx

    document = docx.Document()
    document.add_paragraph("吴江区2024年重点工作目标任务分解落实方案")
    table = document.add_table(rows=1, cols=4)
    for cell, name in zip(table.rows[0].cells, ("序号", "重点工作目标任务", "牵头领导", "责任单位")):
        cell.text = name
    for number, text, leader, units in (
            ("1", "地区生产总值增长5%以上。", "钱 某", "★区发改委、统计局"),
            ("2", "进出口总额稳质升。", "方 某", "吴江海关、★区商务局"),
            ("3", "工业增加值率保持稳定。", "", "区工信局、统计局")):
        for cell, value in zip(table.add_row().cells, (number, text, leader, units)):
            cell.text = value
    document.add_paragraph("注：标★的为牵头单位。")
    path = tmp_path / "wujiang.docx"
    document.save(path)
    plan = load_document(path)
    assert [(m.lead_units, m.support_units) for m in plan.measures] == [
        (("区发改委",), ("统计局",)), (("区商务局",), ("吴江海关",)),
        (("区工信局",), ("统计局",))]
