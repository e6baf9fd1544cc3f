"""The command line as a user meets it: outputs, formats, exit codes, one-line errors."""

from __future__ import annotations

import csv
import io
import json

import pytest

from conftest import SEED, measure_row, run_ipplan, table_text

COLUMNS = "theme_no,theme,task_no,task,measure_id,measure,role,unit,unit_en,unit_kind,deadline"


@pytest.mark.parametrize("args", [
    ("stats", "--json"),
    ("stats",),
    ("export", "--format", "csv"),
    ("export", "--json"),
    ("units", "--format", "csv"),
    ("plans",),
    ("validate",),
])
def test_document_and_graph_file_give_the_same_output(seed_ttl, args):
    from_document = run_ipplan(args[0], SEED, *args[1:])
    from_graph = run_ipplan(args[0], seed_ttl, *args[1:])
    assert from_document.code == from_graph.code == 0, from_document.err + from_graph.err
    assert from_document.out == from_graph.out
    assert from_document.out.strip()


def test_several_sources_merge_into_one_graph(seed_ttl):
    both = json.loads(run_ipplan("stats", SEED, seed_ttl, "--json").out)
    one = json.loads(run_ipplan("stats", SEED, "--json").out)
    assert both == one


def test_stats_json(seed_ttl):
    result = run_ipplan("stats", seed_ttl, "--json")
    figures = json.loads(result.out)
    assert {k: figures[k] for k in ("plans", "themes", "tasks", "measures", "units",
                                    "lead_assignments", "support_assignments",
                                    "collective_units")} == {
        "plans": 1, "themes": 7, "tasks": 22, "measures": 60, "units": 37,
        "lead_assignments": 65, "support_assignments": 229, "collective_units": 2}
    assert figures["deadlines"] == {"2022-12": 1, "2023-06": 1, "2023-12": 3, "2024-06": 1,
                                    "2025-06": 54}


def test_export_csv_columns_order_and_rows(expected_rows):
    result = run_ipplan("export", SEED, "--format", "csv")
    assert result.code == 0
    assert result.out.splitlines()[0] == COLUMNS
    rows = list(csv.DictReader(io.StringIO(result.out)))
    expected = []
    for row in expected_rows:  # built by hand: lead units first, in the document's order
        units = [("lead", u) for u in row["lead"].split("|")]
        units += [("support", u) for u in row["support"].split("|") if u]
        expected += [(row["measure_id"], role, u) for role, u in units]
    canonical = {"各县（市）区人民政府": "各县（市）区政府"}
    assert [(r["measure_id"], r["role"], r["unit"]) for r in rows] == [
        (m, role, canonical.get(u, u)) for m, role, u in expected]
    first = rows[0]
    assert first["theme_no"] == "1" and first["task_no"] == "1" and first["deadline"] == "2022-12"
    assert first["unit_en"] == "Fuzhou Administration for Market Regulation (Intellectual Property Office)"
    assert first["unit_kind"] == "municipal-department"


def test_export_json_is_the_same_rows():
    as_csv = list(csv.DictReader(io.StringIO(run_ipplan("export", SEED).out)))
    as_json = json.loads(run_ipplan("export", SEED, "--format", "json").out)
    assert as_json == as_csv
    assert list(as_json[0]) == COLUMNS.split(",")


def test_export_to_csv_file_has_bom_for_excel(tmp_path):
    target = tmp_path / "assignments.csv"
    result = run_ipplan("export", SEED, "--format", "csv", "-o", target)
    assert result.code == 0 and "wrote" in result.err
    data = target.read_bytes()
    assert data.startswith("\ufeff".encode()) and data[3:].decode().startswith(COLUMNS)
    json_target = tmp_path / "assignments.json"
    run_ipplan("export", SEED, "--json", "-o", json_target)
    assert json_target.read_text("utf-8").startswith("[")


def test_load_writes_each_format(tmp_path):
    for name in ("f.ttl", "f.nt", "f.jsonld"):
        result = run_ipplan("load", SEED, "-o", tmp_path / name)
        assert result.code == 0, result.err
        assert "60 measures" in result.err
        again = run_ipplan("stats", tmp_path / name, "--json")
        assert json.loads(again.out)["measures"] == 60
    stdout = run_ipplan("load", SEED)
    assert stdout.out.startswith("@prefix")


def test_units_lists_unregistered_units(tmp_path):
    body = "\t一、主题\n\n" + measure_row("措施", "市城管委", "市科技局、各乡镇政府", "2023年6月",
                                          task="1.任务。")
    doc = tmp_path / "plan.txt"
    doc.write_text(table_text(body), "utf-8")
    result = run_ipplan("units", doc, "--json")
    rows = {row["unit"]: row for row in json.loads(result.out)}
    assert rows["市城管委"]["registered"] is False
    assert rows["市城管委"]["kind"] == "municipal-department"
    assert rows["各乡镇政府"]["collective"] is True
    assert rows["市科技局"]["registered"] is True
    assert {row["jurisdiction"] for row in rows.values()} == {"厦门市"}
    assert "not in the registry: 市城管委、各乡镇政府" in result.err
    only = json.loads(run_ipplan("units", doc, "--json", "--unregistered").out)
    assert sorted(row["unit"] for row in only) == ["各乡镇政府", "市城管委"]


def test_validate_exit_codes(tmp_path, seed_ttl):
    good = run_ipplan("validate", seed_ttl)
    assert good.code == 0 and good.out.startswith("conforms")
    broken = tmp_path / "broken.ttl"
    text = seed_ttl.read_text("utf-8")
    # Drop every lead unit of measure 1.1: the shapes must notice.
    lines = [line for line in text.splitlines()
             if "ipp:leadUnit <https://w3id.org/ipplan/id/unit/福州市/市市场监督管理局（知识产权局）> ;"
             not in line]
    assert len(lines) < len(text.splitlines())
    broken.write_text("\n".join(lines), "utf-8")
    bad = run_ipplan("validate", broken)
    assert bad.code == 1
    assert "does not conform" in bad.out and "a measure has at least one lead unit" in bad.out
    as_json = json.loads(run_ipplan("validate", broken, "--json").out)
    assert as_json["conforms"] is False and as_json["results"]


def test_warnings_are_printed_and_kept_in_the_graph(tmp_path):
    body = "\t一、主题\n\n" + measure_row("措施", "市科技局", "", "视情况而定", task="1.任务。")
    doc = tmp_path / "plan.txt"
    doc.write_text(table_text(body), "utf-8")
    result = run_ipplan("load", doc, "-o", tmp_path / "plan.ttl")
    assert result.code == 0
    assert "warning: plan.txt:" in result.err and "视情况而定" in result.err
    again = run_ipplan("stats", tmp_path / "plan.ttl", "--json")
    assert json.loads(again.out)["warnings"] == 1
    assert "视情况而定" in again.err
    validation = run_ipplan("validate", tmp_path / "plan.ttl")
    assert validation.code == 0 and "Warning" in validation.out


def _bad_inputs(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "prose.txt").write_text("这不是任务分解表。\n", "utf-8")
    (tmp_path / "broken.ttl").write_text("@prefix x: <y> .\n x:a x:b", "utf-8")
    (tmp_path / "other.ttl").write_text("<http://a> <http://b> <http://c> .\n", "utf-8")
    (tmp_path / "plan.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "plan.key").write_bytes(b"PK\x03\x04")
    return [
        (("stats", tmp_path / "missing.txt"), "missing.txt: no such file"),
        (("stats", tmp_path / "empty.txt"), "empty.txt: the file is empty"),
        (("export", tmp_path / "binary.txt"), "binary.txt: is a binary file"),
        (("units", tmp_path / "prose.txt"), "prose.txt: not a task table"),
        (("validate", tmp_path / "broken.ttl"), "broken.ttl: is not a readable turtle graph"),
        (("stats", tmp_path / "other.ttl"), "other.ttl: holds no ipplan plan"),
        (("load", tmp_path / "plan.pdf"), "plan.pdf: is not a readable PDF"),
        (("load", tmp_path / "plan.key"), "plan.key: unsupported file type '.key'"),
        (("stats", SEED, "--plan", "nope"), "no plan with id 'nope' (plans: fuzhou-ip-plan)"),
    ]


def test_bad_input_is_one_line_exit_2_no_traceback(tmp_path):
    for args, message in _bad_inputs(tmp_path):
        result = run_ipplan(*args)
        assert result.code == 2, (args, result.err)
        assert message in result.err, (args, result.err)
        assert "Traceback" not in result.err and result.out == ""
        assert len(result.err.strip().splitlines()) == 1, result.err


def test_truncated_document_reports_what_it_lost(tmp_path):
    """A document cut mid-table loads what it holds and says where it stopped."""
    path = tmp_path / "cut.txt"
    path.write_bytes(SEED.read_bytes()[:2650])
    result = run_ipplan("stats", path, "--json")
    assert result.code == 0
    assert json.loads(result.out)["measures"] == 6
    assert "cut.txt:57: the document ends inside this row (cut off?); row skipped" in result.err


def test_usage_errors_exit_2():
    result = run_ipplan("export")
    assert result.code == 2 and "name at least one SOURCE" in result.err
    assert "--store DIR" in result.err
    both = run_ipplan("export", SEED, "--json", "--csv")
    assert both.code == 2 and "give one of" in both.err


def test_brief_pack(tmp_path):
    folder = tmp_path / "briefing"
    result = run_ipplan("brief", SEED, "-o", folder, "--no-snapshots")
    assert result.code == 0, result.err
    assert f"briefing pack: {folder}" in result.out
    assert "measures 60" in result.out and "validation: conforms" in result.out
    assert "overloaded 市市场监督管理局（知识产权局）" in result.out
    names = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert {".ipplan-brief", "README.txt", "index.html", "network.html", "plan.html",
            "deadlines.html", "data/queries/overdue-measures.csv", "assets/vis-network.min.js", "data/assignments.csv", "data/fuzhou-ip-plan.ttl",
            "data/stats.json", "data/units.csv", "data/validation.txt",
            "data/queries/unit-workload.csv", "data/queries/overloaded-units.csv"} <= names
    assert len([n for n in names if n.startswith("units/")]) == 37
    # 7, not 8: with 高新区管委会 (ubiquitous) left out of the network Louvain finds 7 groups
    assert len([n for n in names if n.startswith("clusters/")]) == 7
    assert json.loads((folder / "data/stats.json").read_text("utf-8"))["measures"] == 60
    assert (folder / "data/assignments.csv").read_bytes().startswith("\ufeff".encode())
    assert "福州市国家知识产权强市建设示范城市工作方案重点任务分解表" in (
        folder / "README.txt").read_text("utf-8")
    # Running again into the pack it made is fine; into someone else's folder is not.
    assert run_ipplan("brief", SEED, "-o", folder, "--no-snapshots").code == 0
    other = tmp_path / "mine"
    other.mkdir()
    (other / "notes.docx").write_bytes(b"x")
    refused = run_ipplan("brief", SEED, "-o", other, "--no-snapshots")
    assert refused.code == 2 and "not empty" in refused.err and "--force" in refused.err
    assert (other / "notes.docx").read_bytes() == b"x" and len(list(other.iterdir())) == 1
    assert run_ipplan("brief", SEED, "-o", other, "--force", "--no-snapshots").code == 0


def test_brief_without_chromium_says_so(tmp_path):
    import os

    env = {**os.environ, "IPPLAN_CHROMIUM": "/nonexistent/chromium"}
    result = run_ipplan("brief", SEED, "-o", tmp_path / "b", env=env)
    assert result.code == 0
    assert "warning: snapshot of network.html skipped: no Chromium found" in result.err
    assert (tmp_path / "b" / "network.html").exists()
