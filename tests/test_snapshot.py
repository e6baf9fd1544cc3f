"""The snapshot browser: Debian's Chromium driven over the DevTools pipe, one browser for
several pictures, nothing fetched from the network, and clear failures."""

from __future__ import annotations

import http.server
import os
import threading
import time
from pathlib import Path

import pytest

from conftest import png_colours, png_size
from ipplan.viz.snapshot import SETTLE_MS, Browser, Shot, SnapshotError

if not Path("/usr/bin/chromium").exists():  # the README's test command installs it
    pytest.fail("/usr/bin/chromium is missing: apt-get install -y chromium fonts-noto-cjk",
                pytrace=False)

RED, BLUE, WHITE = b"\xcc\x00\x33", b"\x00\x33\xcc", b"\xff\xff\xff"


def _page(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text(f"<!doctype html><html><head><meta charset='utf-8'></head>"
                    f"<body style='margin:0;background:#fff'>{body}</body></html>", "utf-8")
    return path


def _late(colour: str, after_ms: int) -> str:
    """A page that is blank until it paints itself ``colour`` and says it is ready."""
    return (f"<script>setTimeout(function () {{ document.body.style.background = '{colour}';"
            f" window.ipplanReady = true; }}, {after_ms});</script>")


def test_one_browser_pictures_every_page_when_it_is_ready(tmp_path):
    shots = [Shot(_page(tmp_path, "a.html", _late("#cc0033", 600)), tmp_path / "out" / "a.png",
                  640, 480),
             Shot(_page(tmp_path, "b.html", _late("#0033cc", 300)), tmp_path / "out" / "b.png",
                  300, 900)]
    with Browser(timeout=60) as browser:
        assert browser.shoot(shots) == [None, None]
    assert png_size(shots[0].target) == (640, 480) and png_colours(shots[0].target) == {RED}
    assert png_size(shots[1].target) == (300, 900) and png_colours(shots[1].target) == {BLUE}
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.png", "b.png"]


def test_a_missing_page_fails_alone(tmp_path):
    good = Shot(_page(tmp_path, "good.html", _late("#cc0033", 0)), tmp_path / "good.png", 200, 200)
    missing = Shot(tmp_path / "missing.html", tmp_path / "missing.png")
    with Browser(timeout=60) as browser:
        outcome = browser.shoot([missing, good])
    assert outcome[0] and "could not open" in outcome[0] and "FILE_NOT_FOUND" in outcome[0]
    assert outcome[1] is None and png_colours(good.target) == {RED}
    assert not missing.target.exists()


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
        self.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *_: object) -> None:
        pass


def test_pages_reach_nothing_on_the_network(tmp_path):
    server = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        here = f"http://127.0.0.1:{server.server_port}"
        body = (f"<img src='{here}/image.png'><script src='{here}/script.js'></script>"
                f"<script>fetch('{here}/fetch').catch(function () {{}});</script>"
                + _late("#cc0033", 300))
        shot = Shot(_page(tmp_path, "net.html", body), tmp_path / "net.png", 200, 200)
        with Browser(timeout=60) as browser:
            assert browser.shoot([shot]) == [None]
    finally:
        server.shutdown()
        server.server_close()
    assert _Recorder.hits == []
    assert RED in png_colours(shot.target)


def test_a_browser_that_will_not_start_says_why(tmp_path, monkeypatch):
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\necho 'cannot open display: nothing here' >&2\nexit 3\n")
    fake.chmod(0o755)
    monkeypatch.setenv("IPPLAN_CHROMIUM", str(fake))
    shots = [Shot(_page(tmp_path, "a.html", ""), tmp_path / "a.png"),
             Shot(_page(tmp_path, "b.html", ""), tmp_path / "b.png")]
    with Browser(timeout=30) as browser:
        outcome = browser.shoot(shots)
    assert outcome == ["Chromium failed (exit 3, cannot open display: nothing here)"] * 2
    monkeypatch.setenv("IPPLAN_CHROMIUM", str(tmp_path / "absent"))
    with pytest.raises(SnapshotError, match="no Chromium found"):
        Browser()


def test_chromium_giving_up_says_why_not_its_last_complaint(tmp_path, monkeypatch):
    """Under a TMPDIR so long that its singleton socket's path is over the limit, the real
    Chromium stops at once; other complaints follow the line that says why."""
    deep = tmp_path / ("d" * 90)
    deep.mkdir()
    monkeypatch.setenv("TMPDIR", str(deep))
    shot = Shot(_page(tmp_path, "a.html", ""), tmp_path / "a.png")
    with Browser(timeout=30) as browser:
        outcome = browser.shoot([shot])
    assert outcome[0].startswith("Chromium failed (exit -6, Socket path too long: "), outcome


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/status")
    return status.exists() and "State:\tZ" not in status.read_text()


def test_a_page_that_never_finishes_loading_runs_out_of_time(tmp_path):
    hang = Shot(_page(tmp_path, "hang.html", "<script>while (true) {}</script>"),
                tmp_path / "hang.png")
    started = time.monotonic()
    browser = Browser(timeout=4)
    profile = Path(browser._profile.name)
    pid = browser._process.pid
    with browser:
        assert browser.shoot([hang]) == ["Chromium took more than 4 s"]
    assert time.monotonic() - started < 15
    assert not _alive(pid) and not profile.exists() and not hang.target.exists()


def test_killing_the_browser_ends_a_shoot_under_way(tmp_path, monkeypatch):
    """And leaves nothing in the temporary folder: killed, Chromium cannot remove its
    singleton socket's folder, so ipplan removes it with the profile that links to it."""
    import shutil
    import tempfile

    # short: Chromium's socket path, under TMPDIR, must stay within 107 bytes
    scratch = Path(tempfile.mkdtemp(prefix="ipk-", dir="/tmp"))
    monkeypatch.setenv("TMPDIR", str(scratch))
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    slow = Shot(_page(tmp_path, "slow.html", _late("#cc0033", 60_000)), tmp_path / "slow.png")
    try:
        with Browser(timeout=120) as browser:
            threading.Timer(2.0, browser.kill).start()
            started = time.monotonic()
            outcome = browser.shoot([slow])
        assert 1.5 < time.monotonic() - started < 10  # ended by the kill, not at its start
        assert outcome[0] and outcome[0].startswith("Chromium failed (exit -9")
        assert sorted(scratch.iterdir()) == []
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def test_a_page_that_never_says_it_is_ready_is_pictured_once_settled(tmp_path):
    shot = Shot(_page(tmp_path, "plain.html", "<div style='background:#cc0033;height:100vh'>"
                                              "</div>"), tmp_path / "plain.png", 200, 200)
    started = time.monotonic()
    with Browser(timeout=60) as browser:
        assert browser.shoot([shot]) == [None]
    assert time.monotonic() - started >= SETTLE_MS / 1000
    assert png_colours(shot.target) == {RED}


def test_ctrl_c_just_after_the_browser_started_leaves_neither_it_nor_its_folder(
        tmp_path, monkeypatch):
    """The browser starts before the pack's second thread; a Ctrl-C as that thread starts
    (slow on a busy machine) left Chromium running and its profile in TMPDIR."""
    import shutil
    import tempfile

    from conftest import SEED
    from ipplan.usecases import analysed, open_sources, pack_data
    from ipplan.viz import pack

    scratch = Path(tempfile.mkdtemp(prefix="ipc-", dir="/tmp"))  # short: see the kill test
    monkeypatch.setenv("TMPDIR", str(scratch))
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    started = []
    real_browser = pack.Browser

    def browser():
        started.append(real_browser())
        return started[-1]

    def interrupted(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(pack, "Browser", browser)
    monkeypatch.setattr(pack, "ThreadPoolExecutor", interrupted)
    result = analysed(open_sources([SEED]))
    try:
        with pytest.raises(KeyboardInterrupt):
            pack.build_brief(result.graph, result.analysis, tmp_path / "pack", pack_data)
        assert len(started) == 1
        assert not _alive(started[0]._process.pid)
        assert sorted(scratch.iterdir()) == []
        assert sorted(p.name for p in tmp_path.iterdir()) == []
    finally:
        for made in started:
            made.kill()
        shutil.rmtree(scratch, ignore_errors=True)
