"""Real published task-table layouts (tests/fixtures/real-tables, see its INDEX.md) read
exactly as the hand-typed table beside each says: web pages directly, the Word attachments
through a PDF made by LibreOffice, as offices publish them. And no row of a container is lost:
every row the container holds is a header, a section, a measure or a warning."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import html as lxml_html

from ipplan.loaders import load_document
from makedocs import libreoffice_convert
from real_corpus import documents, score_document

CORPUS = Path(__file__).parent / "fixtures" / "real-tables"
# Attachments whose title names no city (…市政府工作报告…): the user names it, as with
# --jurisdiction; the places are those INDEX.md gives.
JURISDICTIONS = {"liaocheng-fengong-2020": "聊城市", "erlianhaote-fengong-2024": "二连浩特市"}
PAGES = [(doc, table) for doc, table in documents(CORPUS) if doc.suffix == ".html"]
ATTACHMENTS = [(doc, table) for doc, table in documents(CORPUS) if doc.suffix == ".docx"]


def _load(path: Path, slug: str):
    return load_document(path, jurisdiction=JURISDICTIONS.get(slug))


def _exact(result) -> None:
    assert result.refused is None, result.refused
    assert result.mismatches == [], "\n".join(result.mismatches)
    assert result.exact == result.expected and result.read == result.expected


@pytest.mark.parametrize("page, table", PAGES, ids=[p.stem for p, _ in PAGES])
def test_web_page_reads_as_its_table(page, table):
    _exact(score_document(page, table, lambda p: _load(p, page.stem)))


def _accounted_rows(plan) -> set[int]:
    rows = {m.location.row for m in plan.measures}
    rows |= {t.location.row for t in plan.themes}
    rows |= {w.location.row for w in plan.warnings + plan.notes}
    return {row for row in rows if row}


@pytest.mark.parametrize("page, table", PAGES, ids=[p.stem for p, _ in PAGES])
def test_every_row_of_the_page_table_is_accounted_for(page, table):
    """Counted in the container itself: each <tr> of the task table with text in it is the
    header, a section (theme) row, a measure or a warning."""
    plan = _load(page, page.stem)
    part = plan.measures[0].location.part
    root = lxml_html.document_fromstring(page.read_bytes())
    task_table = list(root.iter("table"))[int(part.split()[1]) - 1]
    trs = [tr for tr in task_table.iter("tr")]
    filled = {n for n, tr in enumerate(trs, start=1)
              if tr.text_content().replace("\xa0", " ").strip()}
    header = min(filled)
    assert filled - {header} <= _accounted_rows(plan)


@pytest.fixture(scope="module")
def attachment_pdfs(tmp_path_factory):
    """The Word attachments as the PDFs offices publish, made by LibreOffice."""
    folder = tmp_path_factory.mktemp("real-pdf")
    made = libreoffice_convert([doc for doc, _ in ATTACHMENTS], "pdf", folder)
    return {pdf.stem: pdf for pdf in made}


@pytest.mark.parametrize("attachment, table", ATTACHMENTS, ids=[p.stem for p, _ in ATTACHMENTS])
def test_pdf_attachment_reads_as_its_table(attachment_pdfs, attachment, table):
    pdf = attachment_pdfs[attachment.stem]
    _exact(score_document(pdf, table, lambda p: _load(p, attachment.stem)))


@pytest.mark.parametrize("attachment, table", ATTACHMENTS, ids=[p.stem for p, _ in ATTACHMENTS])
def test_every_row_of_the_word_table_is_accounted_for(attachment, table):
    """Counted in the container itself: each <w:tr> of the Word table with text is a header
    row, a section row, a measure or a warning (read from the .docx directly)."""
    import zipfile

    from lxml import etree

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    body = etree.fromstring(zipfile.ZipFile(attachment).read("word/document.xml"))
    (tbl,) = [t for t in body.iter(f"{w}tbl")]
    rows = [tr for tr in tbl.iter(f"{w}tr")]
    filled = {n for n, tr in enumerate(rows, start=1)
              if "".join(t.text or "" for t in tr.iter(f"{w}t")).strip()}
    headers = {n for n, tr in enumerate(rows, start=1) if tr.find(f"{w}trPr/{w}tblHeader") is not None}
    plan = _load(attachment, attachment.stem)
    assert filled - headers <= _accounted_rows(plan)


@pytest.mark.parametrize("slug, title, jurisdiction, rule", [
    ("hangzhou-shizhengfu-zerenfenjie-2021", "2021年市政府工作报告重点工作责任分解", "杭州市",
     "as the document states: '列第一位的责任单位为牵头单位或汇总单位'"),
    ("sh-jingan-gengxin-2023", "静安区“卓越城区”城市更新行动重点任务清单（2023-2025年）", "静安区",
     "ipplan's default: the document states no rule"),
    ("dawa-renwufenjie-2021", "《政府工作报告》任务分解表", "大洼区", None),
    ("xingqing-mubiaorenwu-2018", "2018年《政府工作报告》主要工作目标任务分解表", "兴庆区",
     "ipplan's default: the document states no rule"),
    # the place only in the footer (主办：杭州市人民政府办公厅); the title's 涉杭 names none
    ("hangzhou-shengshehang-2021", "2021年省政府工作报告重点工作涉杭任务和市政府工作报告重点工作责任分解",
     "杭州市", "as the document states: '列第一位的责任单位为牵头单位或汇总单位'"),
    # no plan title above the table: the page's <title> without the site's name after it;
    # the place after the period the title starts with
    ("xuancheng-wanchengqingkuang-2020", "2020年1-11月份宣城市《政府工作报告》部分目标任务完成情况",
     "宣城市", None),
    # lead and support columns: no single unit column, so no rule to report
    ("zhejiang-ai-2026-task-table", "浙江省人工智能高质量发展2026年重点任务清单", "浙江省", None),
    # the caption below the notice's paragraphs, not the notice's title; lead and support columns
    ("fujian-2015-xxgk-task-table", "2015年政府信息公开工作主要任务分解表", "福建省", None),
])
def test_page_title_place_and_role_rule(slug, title, jurisdiction, rule):
    """The title is the table's caption (not the site's name or a sentence of the notice),
    the place comes from the page heading when the caption names none (the district's, not
    the city it lies in, from 盘锦市大洼区人民政府办公室), and a single unit
    column says where its first-listed-leads rule comes from."""
    plan = load_document(CORPUS / f"{slug}.html")
    assert (plan.title, plan.jurisdiction) == (title, jurisdiction)
    said = [n.message for n in plan.notes if "only unit column" in n.message]
    assert said == ([] if rule is None else [said[0]]) and (rule is None or said[0].endswith(f"({rule})"))


def test_a_higher_governments_lead_in_a_unit_cell_is_reported_not_read_as_a_unit():
    """省牵头单位：省商务厅 under a city's units names the province's lead for the task."""
    page = CORPUS / "hangzhou-shengshehang-2021.html"
    plan = _load(page, page.stem)
    root = lxml_html.document_fromstring(page.read_bytes())
    lines = [p.text_content() for p in root.iter("p") if p.text_content().startswith("省牵头单位")]
    said = [w.message for w in plan.warnings if "higher government" in w.message]
    assert len(said) == len(lines) > 0
    assert not any(a.unit.startswith("省") for m in plan.measures for a in m.assignments)
