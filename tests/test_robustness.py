"""Bad input ends in a correct graph or one clear error, never a traceback or a hang, and
whatever loads, loads completely: a measure of the input that is not in the graph has a
warning beside it."""

from __future__ import annotations

import csv
from datetime import timedelta
import io
import json
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SEED, measure_row, run_ipplan, table_text
from ipplan.cypher import embedded_server
from ipplan.errors import InputError
from ipplan.graph.build import build_graph
from ipplan.loaders import load_document
from makedocs import write_docx, write_xlsx

SEED_TEXT = SEED.read_text("utf-8")
SEED_LINES = SEED_TEXT.splitlines()
# Hand-built table: the line of every measure's text in the seed.
# Every example must finish within the deadline: bad input never hangs a loader.
FUZZ = settings(max_examples=60, deadline=timedelta(seconds=20),
                suppress_health_check=[HealthCheck.function_scoped_fixture])
PIECES = st.sampled_from(["\t", "\n", "\n\n", "、", "，", "（", "）", "。", "1.", "一、",
                          "2025年6月", "牵头单位", "\x00", "\ufeff", "\u202e", " ", "市科技局"])


@st.composite
def mutated_seed(draw):
    """The seed with a few lines dropped, duplicated, cut or spliced with debris."""
    lines = list(SEED_LINES)
    for _ in range(draw(st.integers(1, 6))):
        index = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["drop", "duplicate", "cut", "splice"]))
        if action == "drop":
            lines[index] = None
        elif action == "duplicate":
            lines[index] = (lines[index] or "") + "\n" + (lines[index] or "")
        elif action == "cut" and lines[index]:
            lines[index] = lines[index][: draw(st.integers(0, len(lines[index])))]
        else:
            lines[index] = (lines[index] or "") + draw(PIECES)
    return "\n".join(line for line in lines if line is not None)


def _load(tmp_path, data: bytes, name: str = "fuzz.txt"):
    path = tmp_path / name
    path.write_bytes(data)
    try:
        return load_document(path, plan_id="fuzz", jurisdiction="福州市"), None
    except InputError as exc:
        return None, str(exc)


@FUZZ
@given(text=mutated_seed())
def test_mutated_seed_loads_or_refuses_and_drops_nothing_silently(tmp_path, expected_rows,
                                                                   text):
    plan, error = _load(tmp_path, text.encode("utf-8"))
    if plan is None:
        assert "fuzz.txt" in error and "\n" not in error
        return
    build_graph([plan])  # what loads also builds
    loaded = {m.text for m in plan.measures}
    for row in expected_rows:
        original = SEED_LINES[int(row["line"]) - 1].strip()
        still_there = [n for n, line in enumerate(text.splitlines(), 1)
                       if line.strip() == original]
        if len(still_there) != 1 or any(original in t for t in loaded):
            continue
        line = still_there[0]
        near = [w for w in plan.warnings if w.location.line and abs(w.location.line - line) <= 8]
        assert near, f"measure at line {line} ({original[:12]}…) vanished without a warning"


@FUZZ
@given(data=st.binary(max_size=4000))
def test_random_bytes_never_crash(tmp_path, data):
    plan, error = _load(tmp_path, data)
    assert plan is not None or ("fuzz.txt" in error and "\n" not in error)


@pytest.fixture(scope="module")
def office_files(tmp_path_factory, seed_plan):
    """The seed as .docx and .xlsx, made once (Word files carry a timestamp)."""
    folder = tmp_path_factory.mktemp("office")
    write_docx(seed_plan, folder / "good.docx")
    write_xlsx(seed_plan, folder / "good.xlsx")
    return {suffix: (folder / f"good{suffix}").read_bytes() for suffix in (".docx", ".xlsx")}


@FUZZ
@given(suffix=st.sampled_from([".docx", ".xlsx"]),
       flips=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)),
                      min_size=1, max_size=20))
def test_corrupted_office_files_never_crash(tmp_path, office_files, suffix, flips):
    raw = bytearray(office_files[suffix])
    for where, value in flips:
        raw[int(where * len(raw))] = value
    plan, error = _load(tmp_path, bytes(raw), name=f"fuzz{suffix}")
    assert plan is not None or ("fuzz" in error and "\n" not in error)


def test_xlsx_with_broken_xml_inside_a_valid_zip(tmp_path, seed_plan):
    good = tmp_path / "good.xlsx"
    write_xlsx(seed_plan, good)
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            body = source.read(item)
            if item.filename.startswith("xl/worksheets/"):
                body = body[: len(body) // 2]
            target.writestr(item, body)
    result = run_ipplan("stats", broken)
    assert result.code == 2 and "broken.xlsx: is not a readable Excel" in result.err
    assert "Traceback" not in result.err


def test_empty_table_and_a_50mb_line(tmp_path):
    empty = tmp_path / "empty-table.txt"
    empty.write_text(table_text(""), "utf-8")
    result = run_ipplan("stats", empty)
    assert result.code == 2 and "holds no measures" in result.err
    big = tmp_path / "big.txt"
    big.write_text(SEED_TEXT.replace("修订《福州市", "修" + "很" * (17 * 1024 * 1024) + "订《福州市",
                                     1), "utf-8")
    assert big.stat().st_size > 50 * 1024 * 1024
    result = run_ipplan("stats", big, "--json")
    assert result.code == 0 and json.loads(result.out)["measures"] == 60


def test_deep_parentheses_in_unit_names(tmp_path):
    deep = "市" + "（" * 3000 + "财政局" + "）" * 3000
    body = "\t一、主题\n\n" + measure_row("措施", f"{deep}、市科技局", "", "2023年6月", task="1.任务。")
    path = tmp_path / "deep.txt"
    path.write_text(table_text(body), "utf-8")
    plan = load_document(path)
    assert plan.measures[0].lead_units == (deep, "市科技局")


def test_csv_export_neutralises_formulas(tmp_path):
    body = "\t一、主题\n\n" + measure_row('=HYPERLINK("http://x","点击")', "@市科技局", "+市财政局",
                                          "2023年6月", task="1.-任务。")
    path = tmp_path / "formula.txt"
    path.write_text(table_text(body), "utf-8")
    out = run_ipplan("export", path, "--format", "csv").out
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[0]["measure"].startswith("'=HYPERLINK(")
    assert rows[0]["task"] == "'-任务。"
    assert {r["unit"] for r in rows} == {"'@市科技局", "'+市财政局"}
    as_json = json.loads(run_ipplan("export", path, "--json").out)
    assert as_json[0]["measure"].startswith("=HYPERLINK(")  # JSON keeps the text as it is


def test_bolt_server_that_refuses_the_password(bolt):
    import os

    target = embedded_server().target
    env = {**os.environ, "NEO4J_URI": target.uri, "NEO4J_USER": "root",
           "NEO4J_PASSWORD": "wrong-password", "NEO4J_DATABASE": target.database}
    result = run_ipplan("neo4j", "status", env=env)
    assert result.code == 2 and "Traceback" not in result.err
    assert result.err.strip() == (f"ipplan: error: {target.uri}: the server refused the user "
                                  "name or password (NEO4J_USER / NEO4J_PASSWORD)")


@FUZZ
@given(data=st.binary(max_size=3000), suffix=st.sampled_from([".csv", ".tsv"]))
def test_random_bytes_as_csv_never_crash(tmp_path, data, suffix):
    plan, error = _load(tmp_path, data, name=f"fuzz{suffix}")
    assert plan is not None or ("fuzz" in error and "\n" not in error)


PROSE = ("厦门市工作方案\n一、主题\n（一）任务\n1. 做一件事。（市科技局牵头，市财政局配合，2023年6月底前完成）\n"
         "2. 做另一件事。\n牵头单位：市教育局\n责任单位：市财政局、各县（市）区政府\n完成时限：长期坚持\n")


@FUZZ
@given(cuts=st.lists(st.tuples(st.integers(0, len(PROSE)), PIECES), max_size=6))
def test_mutated_prose_never_crashes(tmp_path, cuts):
    text = PROSE
    for where, piece in cuts:
        text = text[:where] + piece + text[where:]
    plan, error = _load(tmp_path, text.encode("utf-8"))
    assert plan is not None or ("fuzz.txt" in error and "\n" not in error)


def test_mixed_encodings_are_refused_at_their_line(tmp_path):
    data = SEED_TEXT.encode("utf-8")[:3000] + SEED_TEXT.encode("gb18030")[3000:6000]
    result = run_ipplan("stats", _write_bytes(tmp_path / "mixed.txt", data))
    assert result.code == 2 and "Traceback" not in result.err
    assert "mixed.txt:" in result.err and "is not UTF-8 or GB18030 text" in result.err


def _write_bytes(path, data):
    path.write_bytes(data)
    return path
