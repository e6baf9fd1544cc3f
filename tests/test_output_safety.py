"""What ipplan writes arrives whole or is an error, and never replaces what it was not asked
to replace: standard output that fails, an output that is the source, a link, a device, a
FIFO, and a briefing pack written over an earlier one."""

from __future__ import annotations

import hashlib
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import SEED, XIAMEN_PROSE, run_ipplan


def _ipplan(*args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ipplan", *map(str, args)], text=True,
                          stdin=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=300,
                          **kwargs)


def _one_error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


@pytest.mark.parametrize("command", [("stats",), ("export",), ("load",)])
def test_a_full_disk_behind_standard_output_is_an_error(command):
    # `stats` fits in the buffer and fails only at the final flush; the others fail mid-way
    with open("/dev/full", "w") as full:
        proc = _ipplan(*command, SEED, stdout=full)
    assert proc.returncode == 74
    assert "disk is full" in _one_error_line(proc.stderr)


def test_a_closed_standard_output_is_an_error():
    proc = _ipplan("stats", SEED, stdout=None, preexec_fn=lambda: os.close(1))
    assert proc.returncode == 74
    assert "standard output is closed" in _one_error_line(proc.stderr)


def test_a_reader_that_stops_early_is_not_an_error():
    proc = subprocess.Popen([sys.executable, "-m", "ipplan", "export", SEED],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL)
    assert proc.stdout.readline().startswith(b"theme_no,")
    proc.stdout.close()  # as `| head -1` does
    assert proc.wait(120) == 0
    assert proc.stderr.read() == b""


def test_a_terminal_that_cannot_show_chinese_is_told_how_to_fix_it():
    env = {**os.environ, "PYTHONIOENCODING": "latin-1"}
    proc = _ipplan("units", SEED, stdout=subprocess.PIPE, env=env)
    assert proc.returncode == 2
    line = _one_error_line(proc.stderr)
    assert "PYTHONIOENCODING=utf-8" in line and "-o" in line


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("command", [
    ("export", "{src}", "-o", "{out}"),
    ("units", "{src}", "-o", "{out}"),
    ("load", "{src}", "-o", "{out}"),
    ("viz", "network", "{src}", "-o", "{out}"),
    ("query", "run", "unit-workload", "{src}", "-o", "{out}"),
])
@pytest.mark.parametrize("how", ["same name", "another spelling", "symlink", "hard link"])
def test_an_output_that_is_the_source_is_refused(tmp_path, command, how):
    source = tmp_path / "plan.txt"
    source.write_bytes(SEED.read_bytes())
    out = {"same name": source, "another spelling": tmp_path / "sub" / ".." / "plan.txt",
           "symlink": tmp_path / "link.csv", "hard link": tmp_path / "hard.csv"}[how]
    (tmp_path / "sub").mkdir()
    if how == "symlink":
        out.symlink_to(source)
    elif how == "hard link":
        os.link(source, out)
    before = _digest(source)
    result = run_ipplan(*[a.format(src=source, out=out) for a in command])
    assert result.code == 2, result.err
    assert "would replace the source" in result.err and str(source) in result.err
    assert _digest(source) == before


def test_a_pack_that_would_replace_a_source_is_refused(tmp_path):
    folder = tmp_path / "pack"
    (folder / "data").mkdir(parents=True)
    source = folder / "data" / "plan.txt"
    source.write_bytes(SEED.read_bytes())
    result = run_ipplan("brief", source, "-o", folder, "--force", "--no-snapshots")
    assert result.code == 2
    assert "would replace the source" in result.err
    assert source.read_bytes() == SEED.read_bytes()


def test_output_through_a_symlink_replaces_its_target_and_keeps_the_link(tmp_path):
    target = tmp_path / "real" / "rows.csv"
    target.parent.mkdir()
    target.write_text("old", "utf-8")
    link = tmp_path / "rows.csv"
    link.symlink_to(target)
    result = run_ipplan("export", SEED, "-o", link)
    assert result.code == 0, result.err
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text("utf-8-sig").startswith("theme_no,")
    assert not list(target.parent.glob(".*.tmp"))


def test_output_to_a_fifo_is_written_through(tmp_path):
    fifo = tmp_path / "rows.csv"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = run_ipplan("export", SEED, "-o", fifo)
    reader.join(60)
    if reader.is_alive():  # nothing was written through: let the reader go
        with open(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK), "wb"):
            pass
    assert result.code == 0, result.err
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert received and received[0].decode("utf-8-sig").startswith("theme_no,")


def test_output_to_a_device_is_written_through(tmp_path):
    device = tmp_path / "null"
    try:
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # the null device
    except PermissionError:
        pytest.skip("making a device node needs root")
    result = run_ipplan("export", SEED, "-o", device)
    assert result.code == 0, result.err
    assert stat.S_ISCHR(device.lstat().st_mode)


def _tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): _digest(p)
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture()
def two_plans(tmp_path):
    xiamen = tmp_path / "xiamen.txt"
    xiamen.write_text(XIAMEN_PROSE, "utf-8")
    return SEED, xiamen


def test_a_pack_over_an_earlier_pack_keeps_nothing_of_it(tmp_path, two_plans):
    fuzhou, xiamen = two_plans
    folder, fresh = tmp_path / "pack", tmp_path / "fresh"
    for args in ((fuzhou, "-o", folder), (xiamen, "-o", folder), (xiamen, "-o", fresh)):
        result = run_ipplan("brief", *args, "--no-snapshots")
        assert result.code == 0, result.err
    assert sorted(_tree(folder)) == sorted(_tree(fresh))
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_a_pack_keeps_the_users_own_files_beside_it(tmp_path):
    folder = tmp_path / "pack"
    folder.mkdir()
    (folder / "my-notes.docx").write_bytes(b"notes")
    assert run_ipplan("brief", SEED, "-o", folder, "--force", "--no-snapshots").code == 0
    assert run_ipplan("brief", SEED, "-o", folder, "--no-snapshots").code == 0
    assert (folder / "my-notes.docx").read_bytes() == b"notes"
    assert (folder / "index.html").exists()


def test_an_interrupted_pack_leaves_the_earlier_one_as_it_was(tmp_path, two_plans):
    """Ctrl-C while the new pack is being built, at several moments after its folder beside
    the old one appears (a signal during start-up is the signals tests' business)."""
    fuzhou, xiamen = two_plans
    folder = tmp_path / "pack"
    assert run_ipplan("brief", xiamen, "-o", folder, "--no-snapshots").code == 0
    before = _tree(folder)
    interrupted = 0
    for delay in (0.0, 0.2, 0.5, 1.0):
        child = subprocess.Popen(
            [sys.executable, "-m", "ipplan", "brief", fuzhou, "-o", folder, "--no-snapshots"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
            text=True)
        deadline = time.monotonic() + 120
        while child.poll() is None and time.monotonic() < deadline and not list(
                tmp_path.glob(".pack.*.ipplan-new")):
            time.sleep(0.01)
        time.sleep(delay)
        child.send_signal(signal.SIGINT)
        code = child.wait(120)
        err = child.stderr.read()
        leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
        assert not leftovers, (delay, leftovers)
        if code == 0:  # it finished first: the new pack, whole
            assert _tree(folder) != before
            assert run_ipplan("brief", xiamen, "-o", folder, "--no-snapshots").code == 0
            continue
        assert code == 130 and err.strip() == "ipplan: interrupted", (code, err)
        assert _tree(folder) == before, delay
        interrupted += 1
    assert interrupted, "no interruption landed before the pack was done"
