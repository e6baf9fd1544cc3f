"""One plan in any form gives the same graph: the seed as Word, Excel, CSV and GB18030 text,
generated here as real files, loads to a graph isomorphic to the one from the original text
(provenance aside: file names and line or row numbers differ by nature), and to the same
assignment table."""

from __future__ import annotations

import json

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic, to_isomorphic
from rdflib.namespace import DCTERMS

from conftest import SEED, run_ipplan
from ipplan.errors import InputError
from ipplan.graph.build import build_graph
from ipplan.graph.vocab import IPP
from ipplan.loaders import load_document
from makedocs import (
    libreoffice_convert,
    write_csv,
    write_docx,
    write_flattened,
    write_html,
    write_xlsx,
)

PROVENANCE = (IPP.sourceFile, IPP.sourceLine, DCTERMS.source)


def without_provenance(graph: Graph) -> Graph:
    stripped = Graph()
    for triple in graph:
        if triple[1] not in PROVENANCE:
            stripped.add(triple)
    return stripped


@pytest.fixture(scope="module")
def reference(seed_graph):
    return without_provenance(seed_graph)


@pytest.fixture(scope="module")
def documents(tmp_path_factory, seed_plan):
    """The seed plan written in every form ipplan reads, each named like the seed."""
    folder = tmp_path_factory.mktemp("docs")
    made = {}
    for name, write in (
        ("docx", lambda p: write_docx(seed_plan, p, repeat_header_every=20)),
        ("xlsx", lambda p: write_xlsx(seed_plan, p)),
        ("csv", lambda p: write_csv(seed_plan, p, encoding="utf-8-sig")),
        ("html", lambda p: write_html(seed_plan, p)),
    ):
        path = folder / name / f"fuzhou-ip-plan.{name}"
        path.parent.mkdir()
        write(path)
        made[name] = path
    for encoding in ("utf-8", "gb18030"):
        path = folder / f"csv-{encoding}" / "fuzhou-ip-plan.csv"
        path.parent.mkdir()
        write_csv(seed_plan, path, encoding=encoding)
        made[f"csv-{encoding}"] = path
    path = folder / "gbk" / "fuzhou-ip-plan.txt"
    path.parent.mkdir()
    path.write_bytes(SEED.read_text("utf-8").encode("gb18030"))
    made["gb18030-text"] = path
    path = folder / "html-gb2312" / "fuzhou-ip-plan.htm"
    write_html(seed_plan, path, encoding="gb2312")
    made["html-gb2312"] = path
    # The attachment forms LibreOffice makes from the Word and Excel files: a PDF with a text
    # layer, and the old binary .doc and .xls.
    # (LibreOffice 7.4 writes python-docx's tables to .doc as plain paragraphs; through its
    # own .odt they stay tables, as in a .doc saved by an office.)
    (made["pdf"],) = libreoffice_convert([made["docx"]], "pdf", folder / "pdf")
    (odt,) = libreoffice_convert([made["docx"]], "odt", folder / "odt")
    (made["doc"],) = libreoffice_convert([odt], "doc", folder / "doc")
    (made["xls"],) = libreoffice_convert([made["xlsx"]], "xls", folder / "xls")
    # The table pasted from a web page into a text box (one cell per line ending in ｜),
    # and as a Markdown table.
    made["flattened"] = write_flattened(seed_plan, folder / "flat" / "fuzhou-ip-plan.txt",
                                        mark="｜")
    made["markdown"] = write_flattened(seed_plan, folder / "md" / "fuzhou-ip-plan.md",
                                       style="markdown")
    made["reading-order"] = write_flattened(seed_plan, folder / "reading" / "fuzhou-ip-plan.txt",
                                            style="reading")
    return made


FORMS = ["docx", "xlsx", "csv", "csv-utf-8", "csv-gb18030", "gb18030-text", "html",
         "html-gb2312", "pdf", "doc", "xls", "flattened", "markdown", "reading-order"]


@pytest.mark.parametrize("form", FORMS)
def test_graph_is_isomorphic_to_the_texts(documents, reference, form):
    plan = load_document(documents[form])
    assert plan.warnings == ()
    graph = without_provenance(build_graph([plan]))
    assert len(graph) == len(reference)
    assert isomorphic(graph, reference)
    assert to_isomorphic(graph) == to_isomorphic(reference)


@pytest.mark.parametrize("form", ["docx", "xlsx", "csv-gb18030", "gb18030-text", "html",
                                  "html-gb2312", "pdf", "doc", "xls", "flattened", "markdown", "reading-order"])
def test_export_table_is_identical(documents, form):
    expected = run_ipplan("export", SEED, "--format", "csv")
    got = run_ipplan("export", documents[form], "--format", "csv")
    assert got.code == 0, got.err
    assert got.out == expected.out


def test_provenance_points_into_each_document(documents):
    plan = load_document(documents["xlsx"])
    first = plan.measures[0].location
    assert first.file.endswith("fuzhou-ip-plan.xlsx") and first.row and first.part
    assert str(first).startswith(str(documents["xlsx"]) + ", sheet ")
    word = load_document(documents["docx"]).measures[0].location
    assert word.part == "table 1" and word.row and word.row > 1


def test_excel_date_cell_reads_as_month(tmp_path, seed_plan):
    path = tmp_path / "dated.xlsx"
    write_xlsx(seed_plan, path, date_cell_for="1.1")
    measure = load_document(path).measures[0]
    assert measure.deadline.month == "2022-12"


def test_several_documents_in_one_graph(tmp_path, documents):
    corpus = tmp_path / "corpus.ttl"
    xiamen = tmp_path / "xiamen.txt"
    xiamen.write_text("厦门市知识产权工作方案\n一、主题\n1. 做一件事。（市科技局牵头，2023年）\n",
                      "utf-8")
    result = run_ipplan("load", documents["docx"], documents["xlsx"].rename(
        tmp_path / "fuzhou-2.xlsx"), xiamen, "-o", corpus)
    assert result.code == 0, result.err
    plans = json.loads(run_ipplan("plans", corpus, "--json").out)
    assert [(p["plan"], p["jurisdiction"], p["measures"]) for p in plans] == [
        ("fuzhou-2", "福州市", 60), ("fuzhou-ip-plan", "福州市", 60), ("xiamen", "厦门市", 1)]
    total = json.loads(run_ipplan("stats", corpus, "--json").out)
    assert (total["plans"], total["measures"], total["jurisdictions"]) == (3, 121, 2)
    # Two plans of one city share its units; Xiamen's 市科技局 is another unit.
    assert total["units"] == 38
    one = json.loads(run_ipplan("stats", corpus, "--plan", "xiamen", "--json").out)
    assert (one["plans"], one["measures"], one["units"]) == (1, 1, 1)
    rows = json.loads(run_ipplan("export", corpus, "--plan", "xiamen", "--json").out)
    assert [(r["unit"], r["unit_en"]) for r in rows] == [
        ("市科技局", "Xiamen Municipal Bureau of Science and Technology")]


def test_a_table_that_names_no_place_is_read_as_unknown_until_named(tmp_path, seed_plan):
    path = tmp_path / "untitled.csv"
    write_csv(seed_plan, path, title_row=False)
    unnamed = load_document(path)
    assert (unnamed.jurisdiction, unnamed.level, len(unnamed.measures)) == ("未知", None, 60)
    assert [w.message for w in unnamed.warnings if "cannot tell which place" in w.message] == [
        "cannot tell which place the plan belongs to: its title 'untitled' and the lines around "
        "it name none; read as 未知 (name it with --jurisdiction, for example --jurisdiction "
        "霍山县)"]
    plan = load_document(path, jurisdiction="福州市")
    assert plan.jurisdiction == "福州市" and len(plan.measures) == 60


def test_word_and_excel_refusals(tmp_path, seed_plan):
    import docx
    from openpyxl import Workbook

    no_table = tmp_path / "memo.docx"
    document = docx.Document()
    document.add_paragraph("关于开展知识产权工作的通知")
    document.save(no_table)
    with pytest.raises(InputError, match="memo.docx: not a task table: the Word document has no table"):
        load_document(no_table)

    wrong = tmp_path / "wrong.docx"
    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    for cell, text in zip(table.rows[0].cells, ("重点任务", "完成时限", "备注")):
        cell.text = text
    document.save(wrong)
    with pytest.raises(InputError) as caught:
        load_document(wrong)
    assert str(caught.value).startswith(f"{wrong}, table 1, row 1: the table header lacks")
    # 重点任务 as the only text column is read as the measures' column (published tables
    # without a 具体内容 column): what is missing is the lead column.
    assert "found columns: measure (重点任务)" in str(caught.value)
    assert "missing: lead" in str(caught.value)

    book = Workbook()
    book.active.title = "说明"
    book.active["A1"] = "本表为说明"
    sheets = tmp_path / "sheets.xlsx"
    book.save(sheets)
    with pytest.raises(InputError, match=r"no sheet has a header row .*sheets: 说明.*--sheet"):
        load_document(sheets)
    with pytest.raises(InputError, match="has no sheet '任务' \\(sheets: 说明\\)"):
        load_document(sheets, sheet="任务")

    good = tmp_path / "good.docx"
    write_docx(seed_plan, good)
    with pytest.raises(InputError, match="has 1 table\\(s\\); there is no table 3"):
        load_document(good, table="3")
    assert len(load_document(good, table="1").measures) == 60


@pytest.mark.parametrize("suffix", [".docx", ".xlsx"])
def test_corrupted_office_files_are_one_line(tmp_path, seed_plan, suffix):
    path = tmp_path / f"plan{suffix}"
    (write_docx if suffix == ".docx" else write_xlsx)(seed_plan, path)
    data = path.read_bytes()
    for cut in (len(data) // 2, 100):
        path.write_bytes(data[:cut])
        result = run_ipplan("stats", path)
        assert result.code == 2 and "Traceback" not in result.err
        assert result.err.startswith(f"ipplan: error: {path}: is not a readable")
        assert len(result.err.strip().splitlines()) == 1


def test_template_round_trip(tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "plan.xlsx"
    result = run_ipplan("template", "-o", path, "--title", "泉州市知识产权工作方案重点任务分解表")
    assert result.code == 0, result.err
    sheet = load_workbook(path).active
    (rule,) = sheet.data_validations.dataValidation
    assert rule.type == "custom" and "F3" in str(rule.sqref) and "年" in rule.formula1
    rows = json.loads(run_ipplan("export", path, "--json").out)
    assert {r["unit"] for r in rows} == {"市市场监督管理局（知识产权局）", "市财政局", "各县（市）区政府"}
    assert rows[0]["unit_en"].startswith("Quanzhou ") and rows[0]["deadline"] == "2025-06"
