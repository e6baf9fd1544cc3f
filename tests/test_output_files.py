"""Tables written with -o: the suffix says the format, and a flag that contradicts it is
refused, the same in every command that writes rows (export, units, plans, validate,
query run)."""

from __future__ import annotations

import csv
import io
import json

import pytest

from conftest import SEED, run_ipplan

# each command that takes -o with the shared output options, and its arguments
COMMANDS = {
    "export": ("export", SEED),
    "units": ("units", SEED),
    "plans": ("plans", SEED),
    "validate": ("validate", SEED),
    "query run": ("query", "run", "theme-overview", SEED),
}


def _written(path) -> str:
    return path.read_bytes().decode("utf-8-sig")


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_the_suffix_of_o_picks_the_format(tmp_path, command):
    args = COMMANDS[command]
    as_json = tmp_path / "rows.json"
    assert run_ipplan(*args, "-o", as_json).code == 0
    rows = json.loads(_written(as_json))  # was CSV text, or a text table, before
    assert rows
    as_csv = tmp_path / "rows.CSV"
    assert run_ipplan(*args, "-o", as_csv).code == 0
    header = next(csv.reader(io.StringIO(_written(as_csv))))
    as_markdown = tmp_path / "rows.md"
    assert run_ipplan(*args, "-o", as_markdown).code == 0
    assert _written(as_markdown).startswith("| ")
    as_text = tmp_path / "rows.txt"
    assert run_ipplan(*args, "-o", as_text).code == 0
    # the text table is what standard output shows without flags, or the table format
    assert _written(as_text) == run_ipplan(*args, "--format", "table").out
    if command != "validate":  # validate's JSON is the report, its CSV the violations
        assert header == list(rows[0])


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_flag_that_contradicts_the_suffix_is_refused_and_nothing_written(tmp_path, command):
    args = COMMANDS[command]
    target = tmp_path / "out.json"
    for flags, named in ((("--format", "csv"), "--format csv"), (("--csv",), "--csv")):
        result = run_ipplan(*args, "-o", target, *flags)
        assert (result.code, result.err) == (
            2, f"ipplan: error: -o {target} is JSON but {named} was given\n")
    result = run_ipplan(*args, "-o", tmp_path / "out.csv", "--json")
    assert result.err == f"ipplan: error: -o {tmp_path / 'out.csv'} is CSV but --json was given\n"
    assert list(tmp_path.iterdir()) == []
    agreeing = run_ipplan(*args, "-o", target, "--json")
    assert agreeing.code in (0, 1) and json.loads(_written(target))


def test_a_suffix_that_names_no_format_needs_one(tmp_path):
    for name in ("assignments.xlsx", "assignments"):
        target = tmp_path / name
        result = run_ipplan("export", SEED, "-o", target)
        assert result.code == 2 and result.err.count("\n") == 1
        assert f"-o {target}" in result.err and ".csv, .json, .md or .txt" in result.err
        assert "--format" in result.err and not target.exists()
    target = tmp_path / "assignments.dat"
    assert run_ipplan("export", SEED, "-o", target, "--format", "json").code == 0
    assert json.loads(_written(target))[0]["measure_id"] == "1.1"


def test_standard_output_keeps_each_commands_default():
    assert run_ipplan("export", SEED).out.startswith("theme_no,theme,")
    assert run_ipplan("plans", SEED).out.startswith("plan ")
