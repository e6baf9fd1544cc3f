"""Deadlines at a glance and what is late: a progress column read into the graph, --as-of,
the saved query overdue-measures on both engines, and the deadline page in Chromium."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from rdflib import Literal

from conftest import SEED, run_ipplan
from ipplan.graph.vocab import IPP
from ipplan.loaders.status import progress_state, read_progress
from ipplan.model import ProgressState

TITLE = "厦门市知识产权工作方案重点任务分解表"
HEADER = ["序号", "重点任务", "具体内容", "牵头单位", "责任单位", "完成时限", "完成情况"]
# (measure, lead, support, deadline, progress as written): due before, in and after 2024.
ROWS = [
    ("修订资助办法。", "市市场监管局", "市财政局", "2023年6月", "已完成"),
    ("建立专利导航机制。", "市市场监管局", "市科技局", "2023年12月", "正在推进，已完成方案起草"),
    ("开展执法行动。", "市公安局", "市市场监管局", "2023年12月", "尚未启动"),
    ("建设保护中心。", "市科技局", "", "2024年6月", "新增163户"),
    ("推进海关保护。", "厦门海关", "市商务局", "2025年12月", ""),
    ("加大宣传力度。", "市委宣传部", "市市场监管局", "长期坚持", "未完成"),
]
STATES = ["done", "in-progress", "not-started", "unknown", "unknown", "in-progress"]


def write_status_workbook(path: Path, rows=ROWS, measure_texts=None) -> Path:
    """An Excel task table with a 完成情况 column, made with openpyxl as an office would."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "任务分解"
    sheet.append([TITLE])
    sheet.append(HEADER)
    for number, row in enumerate(rows, start=1):
        text = measure_texts[number - 1] if measure_texts else row[0]
        sheet.append([number, "1.强化知识产权保护。", text, *row[1:]])
    book.save(path)
    return path


@pytest.fixture(scope="module")
def status_table(tmp_path_factory) -> Path:
    return write_status_workbook(tmp_path_factory.mktemp("status") / "xiamen-progress.xlsx")


@pytest.mark.parametrize("text, state", [
    ("已完成", "done"), ("是", "done"), ("已全部完工", "done"), ("已办结。", "done"),
    ("完成", "done"),
    ("正在推进", "in-progress"), ("基本完成", "in-progress"), ("否", "in-progress"),
    ("未完成", "in-progress"), ("已完成方案制定，正在推进实施", "in-progress"),
    ("尚未启动", "not-started"), ("未开始", "not-started"),
    ("新增163户", "unknown"), ("完成投资68.5亿元，占年度目标的85.6%", "unknown"), ("", "unknown"),
])
def test_progress_text_reads_as_a_state(text, state):
    assert progress_state(text).value == state


def test_a_remark_counts_only_when_it_states_a_progress():
    assert read_progress("已完成", remark=True).state is ProgressState.DONE
    assert read_progress("完成时限可延至年底", remark=True) is None
    assert read_progress("是", remark=True) is None  # a bare 是 in a remark says nothing


def test_a_status_column_in_excel_is_read_into_the_graph(status_table):
    from ipplan.graph.build import build_graph
    from ipplan.graph.validate import validate
    from ipplan.loaders import load_document

    plan = load_document(status_table, jurisdiction="厦门市")
    assert [m.progress.state.value for m in plan.measures] == STATES
    assert [m.progress.text for m in plan.measures] == [row[4] for row in ROWS]
    graph = build_graph([plan])
    measure = next(graph.subjects(IPP.notation, Literal("1.2")))
    assert graph.value(measure, IPP.progress) == IPP.InProgress
    assert str(graph.value(measure, IPP.progressText)) == "正在推进，已完成方案起草"
    blank = next(graph.subjects(IPP.notation, Literal("1.5")))
    assert graph.value(blank, IPP.progress) == IPP.UnknownProgress
    assert graph.value(blank, IPP.progressText) is None  # a blank cell: nothing as written
    assert validate(graph).conforms
    inspected = run_ipplan("inspect", status_table, "--jurisdiction", "厦门市")
    assert "status: 完成情况" in inspected.out, inspected.out


def test_a_remark_saying_done_in_a_word_table(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("厦门市知识产权工作方案重点任务分解表")
    header = ["序号", "重点任务", "具体内容", "牵头单位", "完成时限", "备注"]
    rows = [["1", "1.强化保护。", "修订办法。", "市市场监管局", "2023年6月", "已按期完成"],
            ["2", "1.强化保护。", "开展行动。", "市公安局", "2023年12月", "资金由市财政保障"]]
    table = document.add_table(rows=1 + len(rows), cols=len(header))
    for r, cells in enumerate([header, *rows]):
        for c, text in enumerate(cells):
            table.cell(r, c).text = text
    path = tmp_path / "remarks.docx"
    document.save(path)
    from ipplan.loaders import load_document

    plan = load_document(path, jurisdiction="厦门市")
    assert plan.measures[0].progress.state is ProgressState.DONE
    assert plan.measures[0].progress.text == "已按期完成"
    assert plan.measures[1].progress is None  # a remark about something else is not read


def test_the_seed_has_no_progress(seed_graph):
    """A table without a progress column gets no progress facts: its graph is as before."""
    assert not list(seed_graph.triples((None, IPP.progress, None)))
    assert not list(seed_graph.triples((None, IPP.progressText, None)))
    assert not list(seed_graph.subjects(None, IPP.ProgressState))


def _page_data(html: str) -> dict:
    block = re.search(r'<script type="application/json" id="ipplan-data">(.*?)</script>', html,
                      re.S)
    return json.loads(block[1])


def _overdue(html: str) -> list[str]:
    return sorted(m["id"] for m in _page_data(html)["measures"] if m["overdue"])


def test_as_of_marks_the_measures_whose_month_has_ended(tmp_path):
    """The seed's deadlines (by hand from the document): 1.1 2022年12月, 15.1 2023年6月, 6.1,
    12.2 and 15.4 2023年12月, 16.1 2024年6月 (fixtures/fuzhou_expected.tsv), the rest 2025年6月. A month is late from the
    first day of the next."""
    expected = {"2023-12-31": ["1.1", "15.1"],
                "2024-01-01": ["1.1", "12.2", "15.1", "15.4", "6.1"],
                "2024-07-01": ["1.1", "12.2", "15.1", "15.4", "16.1", "6.1"]}
    for as_of, ids in expected.items():
        page = tmp_path / f"{as_of}.html"
        result = run_ipplan("viz", "deadlines", SEED, "-o", page, "--as-of", as_of)
        assert result.code == 0, result.err
        html = page.read_text("utf-8")
        assert _overdue(html) == ids, as_of
        assert f"截至 {as_of}" in html
        assert f"({len(ids)} overdue as of {as_of})" in result.out
    again = tmp_path / "again.html"
    run_ipplan("viz", "deadlines", SEED, "-o", again, "--as-of", "2024-01-01")
    assert again.read_bytes() == (tmp_path / "2024-01-01.html").read_bytes()
    rows = run_ipplan("query", "run", "overdue-measures", SEED, "--as-of", "2024-01-01",
                      "--csv").out
    led = [(r["measure_id"], r["deadline"]) for r in csv.DictReader(io.StringIO(rows))
           if r["unit"] == "市市场监督管理局（知识产权局）" and r["role"] == "lead"]
    assert led == [("1.1", "2022-12"), ("15.1", "2023-06"), ("6.1", "2023-12"),
                   ("12.2", "2023-12")]  # 15.4 is led by 市总工会


def test_as_of_is_refused_when_it_is_no_day():
    result = run_ipplan("query", "run", "overdue-measures", SEED, "--as-of", "2024-02-30")
    assert result.code == 2 and "'2024-02-30' is not a day written YYYY-MM-DD" in result.err
    result = run_ipplan("query", "run", "overdue-measures", SEED, "-p", "as_of=2024-1-1")
    assert result.code == 2
    assert "as_of takes a day YYYY-MM-DD (or today)" in result.err
    assert "Traceback" not in result.err


# As of 2024-01-01 on the status table: 1.1 is done, 1.4 (2024-06) and 1.5 not yet due, 1.6
# ongoing: 1.2 (in progress) and 1.3 (not started) are late, with each of their units.
EXPECTED_OVERDUE = [
    {"unit": "市公安局", "role": "lead", "measure_id": "1.3", "measure": "开展执法行动。",
     "deadline": "2023-12", "status": "not-started", "plan": "xiamen-progress"},
    {"unit": "市市场监督管理局", "role": "lead", "measure_id": "1.2", "measure": "建立专利导航机制。",
     "deadline": "2023-12", "status": "in-progress", "plan": "xiamen-progress"},
    {"unit": "市市场监督管理局", "role": "support", "measure_id": "1.3", "measure": "开展执法行动。",
     "deadline": "2023-12", "status": "not-started", "plan": "xiamen-progress"},
    {"unit": "市科技局", "role": "support", "measure_id": "1.2", "measure": "建立专利导航机制。",
     "deadline": "2023-12", "status": "in-progress", "plan": "xiamen-progress"},
]


@pytest.fixture(scope="module")
def status_graph(status_table):
    from conftest import analysed_graph
    from ipplan.loaders import load_document

    return analysed_graph([load_document(status_table, jurisdiction="厦门市")], "oxigraph",
                          status_table.parent)


def test_overdue_measures_on_both_engines(status_graph, empty_bolt):
    from ipplan.cypher import push_graph
    from ipplan.queries import get_query, run_cypher, run_sparql

    query = get_query("overdue-measures")
    values = query.bind({}, today="2024-01-01")
    assert values == {"as_of": "2024-01-01"}
    sparql = run_sparql(status_graph, query, values)
    push_graph(empty_bolt, status_graph)
    assert run_cypher(empty_bolt, query, values) == sparql
    assert sparql == EXPECTED_OVERDUE
    progress = empty_bolt.run("MATCH (m:Measure) RETURN m.measure_id AS id, m.progress AS p, "
                              "m.progress_text AS t ORDER BY m.order").data()
    assert [row["p"] for row in progress] == STATES
    assert progress[0]["t"] == "已完成" and progress[4]["t"] is None


HOSTILE = '<img src=x onerror=alert(1)>推进</script>'


def test_the_deadline_page_in_chromium(tmp_path):
    """The pack's deadline page offline: the months, the lead and support counts, overdue
    and done cells, the filters, the English switch, and user text as text."""
    playwright = pytest.importorskip("playwright.sync_api")
    from test_pages import CHROMIUM, FLAGS, Visit

    texts = [row[0] for row in ROWS]
    texts[1] = HOSTILE
    document = write_status_workbook(tmp_path / "xiamen-progress.xlsx", measure_texts=texts)
    folder = tmp_path / "pack"
    result = run_ipplan("brief", document, "--jurisdiction", "厦门市", "-o", folder,
                        "--as-of", "2024-01-01", "--no-snapshots")
    assert result.code == 0, result.err
    index = (folder / "index.html").read_text("utf-8")
    assert 'href="deadlines.html"><b>2</b>' in index
    overdue_csv = (folder / "data" / "queries" / "overdue-measures.csv").read_text("utf-8-sig")
    assert [r["measure_id"] for r in csv.DictReader(io.StringIO(overdue_csv))] == \
        [r["measure_id"] for r in EXPECTED_OVERDUE]
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        try:
            with Visit(browser, folder) as visit:
                page = visit.open(folder / "deadlines.html")
                assert visit.clean(), (visit.blocked, visit.failed, visit.errors)
                assert page.text_content("#title") == "完成时限一览"
                # 1.1 done; 1.2 and 1.6 in progress, 1.3 not started; 1.4 a figure, 1.5 blank
                assert "完成情况：已完成 1 项，4 项写明了进展。" in page.text_content("#notes")
                months = page.eval_on_selector_all("table.heat thead th",
                                                   "ths => ths.map(t => t.textContent)")
                assert months == ["单位", "2023-06", "2023-12", "2024-06", "2025-12", "无月份",
                                  "合计"]
                row = page.locator('tr[data-unit="市市场监督管理局"]')
                cells = row.locator("td.cell").evaluate_all(
                    "tds => tds.map(t => [t.textContent, t.className])")
                # 1.1 led, done; 1.2 led and 1.3 supported, both late; 1.6 supported, ongoing
                assert cells == [["1", "cell done"], ["11", "cell overdue"], ["", "cell"],
                                 ["", "cell"], ["1", "cell"]]
                assert row.locator("td.cell").nth(1).locator(".lead").text_content() == "1"
                assert row.locator("td.cell").nth(1).locator(".support").text_content() == "1"
                tip = row.locator("td.cell").nth(1).get_attribute("title")
                assert HOSTILE[:20] in tip and "逾期" in tip
                assert page.evaluate("document.querySelectorAll('img[src=x]').length") == 0
                bars = page.eval_on_selector_all(
                    "#timeline rect.bar", "rs => rs.map(r => [r.dataset.month, "
                    "r.getAttribute('class')])")
                assert bars == [["2023-06", "bar done"], ["2023-12", "bar overdue"],
                                ["2024-06", "bar later"], ["2025-12", "bar later"]]
                assert "截至 2024-01-01" in page.text_content("#timeline")
                page.select_option("#filter-kind", "customs")
                units = page.eval_on_selector_all("tr[data-unit]",
                                                  "trs => trs.map(t => t.dataset.unit)")
                assert units == ["厦门海关"]
                page.select_option("#filter-kind", "")
                page.fill("#search", "1.3")
                units = page.eval_on_selector_all("tr[data-unit]",
                                                  "trs => trs.map(t => t.dataset.unit)")
                assert sorted(units) == ["市公安局", "市市场监督管理局"]
                page.fill("#search", "")
                page.click("#lang")
                assert page.text_content("#title") == "Deadlines at a glance"
                assert "as of 2024-01-01" in page.text_content("#subtitle")
                assert "Xiamen" in page.text_content("table.heat")
                assert visit.clean(), visit.errors
        finally:
            browser.close()


def test_the_deadline_chart_fits_a_narrow_window(tmp_path):
    """In a window narrower than the chart, the months scale down rather than being cut off:
    the seed's last month (2025-06, 54 measures due) stays inside the chart's box, and the
    as-of words stay inside the chart."""
    playwright = pytest.importorskip("playwright.sync_api")
    from test_pages import CHROMIUM, FLAGS, Visit

    page_file = tmp_path / "deadlines.html"
    result = run_ipplan("viz", "deadlines", SEED, "-o", page_file, "--as-of", "2026-11-29")
    assert result.code == 0, result.err
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        try:
            with Visit(browser, tmp_path) as visit:
                page = visit.open(page_file)
                page.set_viewport_size({"width": 1000, "height": 900})
                page.wait_for_timeout(200)
                chart = page.locator("#timeline svg").bounding_box()
                last = page.locator("#timeline rect.bar").last
                assert last.get_attribute("data-month") == "2025-06"
                bar = last.bounding_box()
                assert chart["x"] <= bar["x"] and bar["x"] + bar["width"] <= chart["x"] + chart["width"]
                words = page.locator("#timeline svg text", has_text="截至").bounding_box()
                assert chart["x"] <= words["x"] and words["x"] + words["width"] <= chart["x"] + chart["width"] + 1
                counts = [t for t in page.locator("#timeline svg text").all()
                          if t.text_content().isdigit()
                          and t.bounding_box()["x"] > chart["x"] + 40]  # not the axis' ticks
                assert counts
                for count in counts:
                    number = count.bounding_box()  # the as-of words hide no bar's count
                    assert number["y"] >= words["y"] + words["height"] \
                        or number["x"] >= words["x"] + words["width"] \
                        or number["x"] + number["width"] <= words["x"], count.text_content()
                box = page.locator("#timeline").bounding_box()
                assert chart["x"] + chart["width"] <= box["x"] + box["width"] + 1
        finally:
            browser.close()
