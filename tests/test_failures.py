"""Failing servers and interrupted work: a push killed half-way and run again, a server that
disappears mid-push, the embedded server's address, and files never left half-written."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from conftest import SEED, run_ipplan
from ipplan.cypher import (EmbeddedServer, database_counts, embedded_server, expected_counts,
                           session_scope)


@pytest.fixture(scope="module")
def corpus_ttl(tmp_path_factory):
    """Eight plans (the seed under eight ids) in one graph file: a push that takes a while."""
    folder = tmp_path_factory.mktemp("corpus")
    copies = []
    for index in range(8):
        copy = folder / f"fuzhou-{index}.txt"
        copy.write_bytes(SEED.read_bytes())
        copies.append(copy)
    target = folder / "corpus.ttl"
    result = run_ipplan("load", *copies, "-o", target)
    assert result.code == 0, result.err
    return target


def _expected(corpus_ttl):
    from ipplan.usecases import analysed, open_sources

    return expected_counts(analysed(open_sources([corpus_ttl])).graph)


def _env(target):
    return {**os.environ, "NEO4J_URI": target.uri, "NEO4J_USER": target.user,
            "NEO4J_PASSWORD": target.password, "NEO4J_DATABASE": target.database or ""}


def _push(corpus_ttl, target):
    return subprocess.Popen([sys.executable, "-m", "ipplan", "neo4j", "push", str(corpus_ttl)],
                            env=_env(target), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, stdin=subprocess.DEVNULL)


def _wait_for_nodes(session, least: int, timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if session.run("MATCH (n) RETURN count(n) AS n").single()["n"] >= least:
            return
        time.sleep(0.05)
    raise AssertionError("the push never started")


def test_push_killed_half_way_then_run_again_gives_the_clean_counts(corpus_ttl, empty_bolt,
                                                                   bolt_target):
    target = bolt_target
    child = _push(corpus_ttl, target)
    try:
        _wait_for_nodes(empty_bolt, 50)
        child.send_signal(signal.SIGKILL)
        child.wait(30)
    finally:
        child.kill()
    partial = database_counts(empty_bolt)
    expected = _expected(corpus_ttl)
    assert partial != expected  # it really was stopped half-way
    again = run_ipplan("neo4j", "push", corpus_ttl, env=_env(target))
    assert again.code == 0, again.err
    assert database_counts(empty_bolt) == expected
    assert expected["Measure"] == 8 * 60 and expected["Plan"] == 8


def test_server_that_disappears_mid_push(corpus_ttl):
    server = EmbeddedServer()
    target = server.start()
    child = _push(corpus_ttl, target)
    try:
        with session_scope(target) as session:
            _wait_for_nodes(session, 50)
        server.stop()
        out, err = child.communicate(timeout=120)
    finally:
        child.kill()
        server.stop()
    assert child.returncode == 2, err
    assert err.startswith(f"ipplan: error: {target.uri}: "), err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    # A new server, the same command again: the push completes with the clean counts.
    fresh = EmbeddedServer()
    target = fresh.start()
    try:
        again = run_ipplan("neo4j", "push", corpus_ttl, env=_env(target))
        assert again.code == 0, again.err
        with session_scope(target) as session:
            assert database_counts(session) == _expected(corpus_ttl)
    finally:
        fresh.stop()


def test_embedded_server_listens_on_loopback_only(embedded_bolt):
    target = embedded_server().target
    port = int(target.uri.rsplit(":", 1)[1])
    listening = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.rsplit(":", 1)
            if int(hex_port, 16) == port and state == "0A":  # LISTEN
                listening.append(address)
    assert listening, "the Bolt port is not listening"
    loopback = {"0100007F", "0000000000000000FFFF00000100007F", "00000000000000000000000001000000"}
    assert set(listening) <= loopback, listening
    assert len(target.password) >= 24  # a fresh random password per start


def test_interrupted_write_leaves_the_old_file(tmp_path, monkeypatch):
    from ipplan import files

    target = tmp_path / "fuzhou.ttl"
    target.write_text("the good graph\n", "utf-8")

    def interrupted(source, destination):
        raise KeyboardInterrupt

    monkeypatch.setattr(files.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        files.atomic_write_bytes(target, b"half of a new graph")
    assert target.read_text("utf-8") == "the good graph\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fuzhou.ttl"]


_SIGNAL_AS_THE_TEMPORARY_IS_MADE = """
import os, signal, sys
from ipplan import files, stopping
stopping.stop_on()
make = os.open

def made_then_terminated(path, flags, *args):
    handle = make(path, flags, *args)
    if flags & os.O_CREAT and str(path).endswith(".tmp"):  # the temporary beside the target
        signal.raise_signal(signal.SIGTERM)
    return handle

os.open = made_then_terminated
files.atomic_write_bytes(sys.argv[1], b"a new graph")
"""


def test_a_signal_as_the_temporary_is_made_leaves_neither_it_nor_half_a_file(tmp_path):
    """SIGTERM right after the temporary is made, before its name is known to the code that
    removes it: the signal waits for that, then stops the write (exit 128 + 15), and the
    temporary goes."""
    target = tmp_path / "fuzhou.ttl"
    target.write_text("the good graph\n", "utf-8")
    ended = subprocess.run([sys.executable, "-c", _SIGNAL_AS_THE_TEMPORARY_IS_MADE,
                            str(target)], capture_output=True, text=True, timeout=60)
    assert (ended.returncode, ended.stderr) == (143, "")
    assert target.read_text("utf-8") == "the good graph\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fuzhou.ttl"]


_SIGNAL_AS_PYTHON_EXITS = """
import os, signal, time
from ipplan import stopping
stopping.stop_on()
stopping.ignored_from_now()

class SignalAsPythonExits:
    def __del__(self):  # runs while Python tears its modules down, after the command ended
        os.kill(os.getpid(), signal.{name})
        time.sleep(0.2)

finished = SignalAsPythonExits()
"""


@pytest.mark.parametrize("name", ["SIGINT", "SIGTERM", "SIGHUP"])
def test_a_signal_as_python_exits_does_not_kill_the_finished_command(name):
    """Once the command is over, a signal is ignored to the very end: Python gives the
    signals it handles back to the system as it exits, and a Ctrl-C in that last fifth of a
    second killed a finished ``brief`` by the signal, with nothing said."""
    ended = subprocess.run([sys.executable, "-c", _SIGNAL_AS_PYTHON_EXITS.format(name=name)],
                           capture_output=True, text=True, timeout=60)
    assert (ended.returncode, ended.stderr) == (0, "")


def test_a_write_follows_the_umask_and_steps_past_a_stale_temporary(tmp_path):
    from ipplan import files

    target = tmp_path / "index.html"
    stale = tmp_path / f".index.html.{os.getpid()}.tmp"  # left by a crash of a same-id process
    stale.write_bytes(b"stale")
    old = os.umask(0o022)
    try:
        files.atomic_write_bytes(target, b"<p>new</p>")
    finally:
        os.umask(old)
    assert target.read_bytes() == b"<p>new</p>"
    assert target.stat().st_mode & 0o777 == 0o644  # readable by whoever the pack is for
    assert sorted(p.name for p in tmp_path.iterdir()) == [stale.name, "index.html"]
    assert stale.read_bytes() == b"stale"


def test_a_browser_that_gave_up_leaves_no_folder(tmp_path, monkeypatch):
    """A Chromium that stops by itself (here its socket's path under TMPDIR is too long) left
    its zygotes running, and as they ended they made its profile folder again, after ipplan
    had removed it: an empty folder stayed in TMPDIR."""
    from ipplan.viz.snapshot import Browser, Shot

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))  # where ipplan's folders go
    deep = tmp_path / ("d" * 90)
    deep.mkdir()
    monkeypatch.setenv("TMPDIR", str(deep))  # Chromium's own, too long for its socket
    page = tmp_path / "a.html"
    page.write_text("<p>a</p>", "utf-8")
    with Browser(timeout=30) as browser:
        outcome = browser.shoot([Shot(page, tmp_path / "a.png")])
    assert outcome[0].startswith("Chromium failed (exit -6, Socket path too long")
    time.sleep(2)  # what it left running made the folder again as it ended
    assert list(scratch.iterdir()) == []


def test_load_killed_mid_write_never_leaves_half_a_file(tmp_path, corpus_ttl):
    target = tmp_path / "out.ttl"
    target.write_text("previous\n", "utf-8")
    child = subprocess.Popen([sys.executable, "-m", "ipplan", "load", str(corpus_ttl), "-o",
                              str(target)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(1.5)
    child.send_signal(signal.SIGKILL)
    child.wait(30)
    text = target.read_text("utf-8")
    assert text == "previous\n" or text.rstrip().endswith(".")  # old file, or a whole new one


@pytest.fixture()
def temporary():
    """A temporary folder for one child ipplan, so that an embedded server or a browser that
    another run on the machine starts or stops meanwhile can't make this look like a
    leftover, or hide one; a short one, as Chromium's socket path under it must stay within
    107 bytes."""
    folder = Path(tempfile.mkdtemp(prefix="ips-", dir="/tmp"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def _started(command, ready, temporary, tmp_path):
    """``ipplan COMMAND...`` in a child with ``temporary`` as its TMPDIR, once
    ``ready(temporary, work)`` holds: the child, its temporary folder, its working folder and
    the deadline it must end by."""
    work = tmp_path / "work"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    env["TMPDIR"] = str(temporary)
    child = subprocess.Popen([sys.executable, "-m", "ipplan", *map(str, command)],
                             cwd=work, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not ready(temporary, work):
            assert time.monotonic() < deadline and child.poll() is None, "never got there"
            time.sleep(0.02)
        yield child, temporary, work, deadline
    finally:
        child.kill()
        child.wait()


def _server_folder(temporary, _work):
    return bool(list(temporary.glob("ipplan-bolt-*")))


def _push_started(corpus_ttl, temporary, tmp_path):
    """``ipplan neo4j push`` in a child, once its embedded server's folder is there."""
    return _started(["neo4j", "push", corpus_ttl], _server_folder, temporary, tmp_path)


def _pushing(temporary, _work):
    """The push is under way: the database has grown well past its empty size (some 40 KB)."""
    return sum(f.stat().st_size for f in temporary.glob("ipplan-bolt-*/databases/**/*")
               if f.is_file()) > 512 * 1024


def _browser_started(temporary, _work):
    return bool(list(temporary.glob("ipplan-chromium-*")))


def _picturing(_temporary, work):
    """The two main pages are written, and being pictured while the rest is drawn."""
    return bool(list(work.rglob("plan.html")))


def _ours(temporary) -> list[str]:
    """The processes still running with ``temporary`` as their TMPDIR (a JVM would be in
    ipplan's process, Chromium in its own)."""
    found = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        with contextlib.suppress(OSError):
            if f"TMPDIR={temporary}\0".encode() in environ.read_bytes():
                found.append(environ.parent.name)
    return found


STOPS = {signal.SIGINT: (130, "ipplan: interrupted\n"),
         signal.SIGTERM: (143, "ipplan: terminated\n"),
         signal.SIGHUP: (129, "ipplan: hung up\n")}


# SIGTERM as the JVM started ended the process, leaving the server's folder (13 MB); SIGHUP did
# at any moment; during `brief`, both left Chromium's profile folder and the file being written.
# A few moments, each costly (a JVM, a browser); Ctrl-C's in a push are sampled below.
@pytest.mark.parametrize("number, command, moment", [
    (signal.SIGTERM, "push", _server_folder),
    (signal.SIGHUP, "push", _pushing),
    (signal.SIGHUP, "brief", _browser_started),
    (signal.SIGTERM, "brief", _picturing),
    (signal.SIGINT, "brief", _picturing),
], ids=lambda value: getattr(value, "name", None) or getattr(value, "__name__", value))
def test_a_signal_stops_the_command_in_one_line_and_leaves_nothing(corpus_ttl, temporary,
                                                                     tmp_path, number, command,
                                                                     moment):
    args = (["neo4j", "push", corpus_ttl] if command == "push"
            else ["brief", corpus_ttl, "-o", "pack"])
    with _started(args, moment, temporary, tmp_path) as (child, temporary, work, _deadline):
        child.send_signal(number)
        _out, err = child.communicate(timeout=60)
        left = sorted(p.name for p in temporary.iterdir())
        running = _ours(temporary)
    assert (child.returncode, err) == STOPS[number]
    assert left == [] and running == []
    assert [p.name for p in work.rglob("*") if ".tmp" in p.name] == []


# Ctrl-C as the JVM starts (the JVM ended the process, leaving the server's folder), as the
# database is made (Java stack traces), during the push (a BufferError from the driver), and
# from 1.5 s the push may be over, Ctrl-C coming as the server stops (a Python traceback)
@pytest.mark.parametrize("wait", [0.1, 0.3, 1.0, 1.5, 2.0])
def test_ctrl_c_during_a_push_is_one_line_and_leaves_nothing(corpus_ttl, temporary, tmp_path,
                                                             wait):
    with _push_started(corpus_ttl, temporary, tmp_path) as (child, temporary, work, _deadline):
        time.sleep(wait)
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=60)
    if wait <= 1 or child.returncode != 0:
        assert child.returncode == 130, err
        assert err.strip() == "ipplan: interrupted"
    else:  # the push had finished: its Ctrl-C changes nothing
        assert "Traceback" not in err and "pushed" in out, err
    assert list(temporary.glob("ipplan-bolt-*")) == []
    assert list(work.iterdir()) == []


def test_ctrl_c_pressed_again_and_again_still_ends_in_one_line(corpus_ttl, temporary, tmp_path):
    """Ctrl-C every tenth of a second lands in the push, in the message, in the cleanup at
    exit: the server must still be stopped (left running, its threads kept the process from
    ending) and its folder removed, and the user sees one line."""
    with _push_started(corpus_ttl, temporary, tmp_path) as (child, temporary, _work, deadline):
        time.sleep(0.5)
        while child.poll() is None:
            assert time.monotonic() < deadline, "the process did not end"
            child.send_signal(signal.SIGINT)
            time.sleep(0.1)
        _out, err = child.communicate(timeout=10)
    assert child.returncode == 130, err
    assert err.strip() == "ipplan: interrupted"
    assert list(temporary.glob("ipplan-bolt-*")) == []

