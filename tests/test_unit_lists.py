"""Each unit's list (责任清单): the rows from the graph, the unit and cluster pages in a real
Chromium (screen and print), the workbook read back by openpyxl and converted by LibreOffice,
the CSVs, and ``export --by-unit``."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import time
import unicodedata
from pathlib import Path

import pytest

from conftest import SEED, measure_row, run_ipplan, table_text
from ipplan.graph.lists import unit_lists
from ipplan.viz.lists import WORKBOOK, by_unit_files, sheet_names
from ipplan.viz.model import cluster_page_name, unit_page_name

openpyxl = pytest.importorskip("openpyxl")
playwright = pytest.importorskip("playwright.sync_api")
from test_pages import browser  # noqa: E402,F401  (the pages' Chromium, network flags and all)
IP_OFFICE = "市市场监督管理局（知识产权局）"
NOT_IN_SHEET = set("[]:*?/\\")
# Characters Excel refuses in a sheet name (not "/", which separates units in a cell, nor
# "\\", which the text layout does not keep; sheet_names' doctest has both),
# and markup: the lists must show it as text.
HOSTILE_UNIT = "市[科技]局:*?<script>alert(1)</script>"


@pytest.fixture(scope="module")
def seed_lists(seed_graph):
    return unit_lists(seed_graph)


@pytest.fixture(scope="module")
def pack(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lists") / "briefing"
    result = run_ipplan("brief", SEED, "-o", folder, "--no-snapshots")
    assert result.code == 0, result.err
    return folder


def _open(browser, path: Path):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    dialogs, errors = [], []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.resolve().as_uri())
    page.wait_for_function("window.ipplanReady === true", timeout=15000)
    return page, dialogs, errors


def _unit(lists, name: str) -> str:
    (unit,) = [u for u, info in lists.units.items() if info.name == name]
    return unit


def _month_order(deadlines: list[str]) -> bool:
    months = [d for d in deadlines if re.fullmatch(r"\d{4}-\d{2}", d)]
    tail = deadlines[len(months):]
    return months == sorted(months) and not any(re.fullmatch(r"\d{4}-\d{2}", d) for d in tail)


def test_every_unit_gets_its_measures_ordered_by_deadline(seed_graph, seed_lists):
    assignments = {}
    for row in __import__("ipplan.graph.reports", fromlist=["x"]).assignment_rows(seed_graph):
        assignments.setdefault(row["unit"], set()).add(row["measure_id"])
    named = {seed_lists.units[u].name: u for u in seed_lists.lists}
    assert set(named) == set(assignments)
    for name, unit in named.items():
        entries = seed_lists.lists[unit]
        assert {e.measure.number for e in entries} == assignments[name], name
        keys = [(e.measure.deadline or "9999", e.measure.number) for e in entries]
        assert [k[0] for k in keys] == sorted(k[0] for k in keys), name
    office = seed_lists.lists[_unit(seed_lists, IP_OFFICE)]
    assert sum("lead" in e.roles for e in office) == 48
    assert office[0].measure.number == "1.1" and office[0].measure.deadline == "2022-12"
    first = office[0]
    others = [(seed_lists.units[u].name, r) for u, r in first.others(_unit(seed_lists, IP_OFFICE))]
    assert others[0] == ("市财政局", "support") and all(n != IP_OFFICE for n, _ in others)


def test_the_unit_page_lists_its_measures_in_both_languages(pack, browser, seed_lists):
    unit = _unit(seed_lists, IP_OFFICE)
    page, dialogs, errors = _open(browser, pack / "units" / unit_page_name(unit))
    rows = page.locator("#list-table tbody tr")
    assert rows.count() == len(seed_lists.lists[unit]) == 54
    heads = page.locator("#list-table thead tr:not(.print-only) th").all_text_contents()
    assert heads == ["编号", "具体措施", "角色", "主题", "任务", "其他单位（角色）", "完成时限"]
    first = rows.nth(0).locator("td").all_text_contents()
    assert first[0] == "1.1" and first[2] == "牵头" and first[-1] == "2022-12"
    assert first[1].startswith("修订《福州市自主知识产权资助和奖励办法》")
    assert first[5].startswith("市财政局（配合）")
    deadlines = page.locator("#list-table td.col-deadline").all_text_contents()
    assert _month_order(deadlines)
    page.click("#lang")
    heads = page.locator("#list-table thead tr:not(.print-only) th").all_text_contents()
    assert heads[0] == "No." and heads[-1] == "Deadline"
    first = rows.nth(0).locator("td").all_text_contents()
    assert first[2] == "lead" and "(support)" in first[5]
    assert page.text_content("#list-heading").startswith("Checklist: ")
    assert dialogs == [] and errors == []
    page.close()


def test_a_unit_list_prints_with_its_heading_on_every_sheet(pack, browser, seed_lists):
    pdfplumber = pytest.importorskip("pdfplumber")
    unit = _unit(seed_lists, IP_OFFICE)
    page, _dialogs, _errors = _open(browser, pack / "units" / unit_page_name(unit))
    page.emulate_media(media="print")
    assert page.evaluate("getComputedStyle(document.querySelector('#list-table thead'))"
                         ".display") == "table-header-group"
    assert page.evaluate("getComputedStyle(document.querySelector('tr.print-only')).display") \
        == "table-row"
    assert page.evaluate("getComputedStyle(document.querySelector('#list-table tbody tr'))"
                         ".breakInside") == "avoid"
    pdf = page.pdf(format="A4", landscape=True)
    page.close()
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        # NFKC: the PDF's CJK font maps some characters to their Kangxi radicals (⽣ for 生)
        texts = [unicodedata.normalize("NFKC", p.extract_text() or "") for p in document.pages]
    assert len(texts) > 2
    for number, text in enumerate(texts, start=1):
        assert f"{number} / {len(texts)}" in text  # numbered sheets
    for text in texts[1:]:  # the list's head and whose list it is, on every sheet after the first
        assert "责任清单" in text and "编号" in text and "完成时限" in text and "截至" in text


def test_the_cluster_page_lists_shared_measures_and_who_leads(pack, browser, seed_graph):
    from ipplan.graph.analytics import analyse

    result = analyse(seed_graph)
    cluster = result.clusters[0]
    page, _dialogs, errors = _open(browser, pack / "clusters" / cluster_page_name(cluster.number))
    rows = page.locator("#list-table tbody tr")
    assert rows.count() == len(cluster.shared_measures) > 0
    heads = page.locator("#list-table thead tr:not(.print-only) th").all_text_contents()
    assert "牵头单位" in heads and "聚类成员（角色）" in heads
    members = {result.units[u].name for u in cluster.members}
    for i in range(rows.count()):
        cell = rows.nth(i).locator("td.col-members").text_content()
        assert sum(name + "（" in cell for name in members) >= 2
        assert rows.nth(i).locator("td.col-lead_units").text_content()
    assert errors == []
    page.close()


def _sheet_name_ok(name: str) -> bool:
    return 0 < len(name) <= 31 and not set(name) & NOT_IN_SHEET and name[0] != "'" \
        and name[-1] != "'"


def _check_workbook(path: Path, lists) -> None:
    book = openpyxl.load_workbook(path)
    names = book.sheetnames
    assert len(names) == len(lists.lists) + 1
    assert len({n.casefold() for n in names}) == len(names)
    expected = sheet_names(lists)
    index = book[names[0]]
    listed = {row[0].value: row[2].value for row in index.iter_rows(min_row=2)}
    assert len(listed) == len(lists.lists)
    for unit, name in expected.items():
        assert _sheet_name_ok(name), name
        sheet = book[name]
        assert sheet.freeze_panes == "A2"
        assert sheet.max_row == len(lists.lists[unit]) + 1
        assert sheet.column_dimensions["B"].width >= 40  # the measure's text
        assert listed[lists.units[unit].name] == name


def test_the_pack_holds_the_workbook_and_a_csv_per_unit(pack, seed_lists):
    _check_workbook(pack / "data" / WORKBOOK, seed_lists)
    csvs = sorted((pack / "data" / "unit-lists").glob("*.csv"))
    assert len(csvs) == len(seed_lists.lists)
    office = (pack / "data" / "unit-lists" / f"{IP_OFFICE}.csv").read_bytes()
    assert office.startswith(b"\xef\xbb\xbf")  # like the pack's other CSVs
    rows = list(csv.DictReader(io.StringIO(office.decode("utf-8-sig"))))
    assert len(rows) == 54 and rows[0]["measure_id"] == "1.1" and rows[0]["role"] == "牵头"


def test_the_workbook_is_the_same_bytes_every_time(seed_lists):
    first = dict(by_unit_files(seed_lists))
    time.sleep(1.1)  # openpyxl stamps the second it saves
    assert dict(by_unit_files(seed_lists)) == first


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_converts_the_workbook(tmp_path, seed_lists):
    book = tmp_path / WORKBOOK
    book.write_bytes(dict(by_unit_files(seed_lists))[WORKBOOK])
    done = subprocess.run(
        ["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
         "--convert-to", "csv", "--outdir", str(tmp_path / "out"), str(book)],
        capture_output=True, text=True, timeout=180, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    converted = (tmp_path / "out" / "unit-lists.csv").read_bytes()
    assert len(converted.splitlines()) == len(seed_lists.lists) + 1  # the index sheet


def test_a_hostile_unit_name_in_the_workbook_and_the_pages(tmp_path, browser):
    body = "\t一、主题\n\n" + measure_row(
        "推进第一项工作。", HOSTILE_UNIT, "市财政局", "2023年6月", task="1.任务。") + measure_row(
        "第二项", "市财政局", HOSTILE_UNIT, "2024年", continuation=True)
    document = tmp_path / "hostile.txt"
    document.write_text(table_text(body), "utf-8")
    folder = tmp_path / "pack"
    result = run_ipplan("brief", document, "-o", folder, "--no-snapshots")
    assert result.code == 0, result.err
    book = openpyxl.load_workbook(folder / "data" / WORKBOOK)
    assert all(_sheet_name_ok(name) for name in book.sheetnames), book.sheetnames
    # the loader folds the brackets and cuts the name at "/" (a separator of units)
    hostile = [n for n in book.sheetnames if "<script>" in n]
    assert len(hostile) == 1 and hostile[0].startswith("市【科技】局___<script>")
    shown = book[book.sheetnames[0]]["A"]
    assert any(c.value and "<script>" in c.value for c in shown)  # the index keeps the name
    pages = sorted((folder / "units").glob("*.html"))
    assert len(pages) == 3  # 市财政局 and the two halves of the hostile name
    for path in pages:
        page, dialogs, errors = _open(browser, path)
        assert dialogs == [] and errors == []
        assert page.evaluate("document.querySelectorAll('#list-table script').length") == 0
        text = page.text_content("#list-table") + page.text_content("#list-heading")
        assert "<script>alert（1）<" in text
        page.close()


def test_export_by_unit_writes_the_lists_and_guards_the_folder(tmp_path, seed_lists):
    folder = tmp_path / "lists"
    done = run_ipplan("export", SEED, "--by-unit", folder)
    assert done.code == 0, done.err
    assert "37 unit list(s)" in done.err
    _check_workbook(folder / WORKBOOK, seed_lists)
    assert len(list((folder / "unit-lists").glob("*.csv"))) == 37
    first = (folder / WORKBOOK).read_bytes()
    again = run_ipplan("export", SEED, "--by-unit", folder)  # its own folder: replaced
    assert again.code == 0 and (folder / WORKBOOK).read_bytes() == first
    # a file, and a folder of the user's, are refused and left as they were
    mine = tmp_path / "notes.txt"
    mine.write_text("mine", "utf-8")
    refused = run_ipplan("export", SEED, "--by-unit", mine)
    assert refused.code == 2 and "not a folder" in refused.err and "Traceback" not in refused.err
    assert mine.read_text("utf-8") == "mine"
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "unit-lists.xlsx").write_text("a document of theirs", "utf-8")
    refused = run_ipplan("export", SEED, "--by-unit", theirs)
    assert refused.code == 2 and "not empty" in refused.err
    assert (theirs / "unit-lists.xlsx").read_text("utf-8") == "a document of theirs"
    english = run_ipplan("export", SEED, "--by-unit", tmp_path / "en", "--lang", "en")
    assert english.code == 0
    heads = openpyxl.load_workbook(tmp_path / "en" / WORKBOOK).worksheets[1][1]
    assert [c.value for c in heads][-1] == "Deadline"


def test_a_tables_progress_is_on_each_units_list(tmp_path):
    """完成情况 as the table writes it, on the list of every unit on the measure; a plan
    without such a column has no progress column at all."""
    from test_deadlines import ROWS, write_status_workbook
    from ipplan.graph.build import build_graph
    from ipplan.loaders import load_document
    from ipplan.viz.lists import _columns, LIST_COLUMNS, list_rows

    plan = load_document(write_status_workbook(tmp_path / "xiamen-progress.xlsx"))
    lists = unit_lists(build_graph([plan]))
    police = next(u for u, info in lists.units.items() if info.name == "市公安局")
    assert [(r["measure"], r["progress"]) for r in list_rows(lists, police)] == [
        ("开展执法行动。", "尚未启动")]
    # 市市场监管局 is the registry's 市市场监督管理局
    office = next(u for u, info in lists.units.items() if info.name == "市市场监督管理局")
    assert {r["measure"]: r["progress"] for r in list_rows(lists, office)} == {
        text: progress for text, *_rest, progress in ROWS if "市市场监管局" in _rest[:2]}
    assert "progress" in [c[0] for c in _columns(LIST_COLUMNS, lists)]


def test_a_plan_without_progress_lists_no_progress_column(seed_lists):
    from ipplan.viz.lists import _columns, LIST_COLUMNS

    assert "progress" not in [c[0] for c in _columns(LIST_COLUMNS, seed_lists)]
