"""PNG snapshots of pages, rendered by headless Chromium (Debian's ``chromium`` package).

One browser takes every picture of a pack. It is started as soon as the pack is begun (it
spends most of a second starting, while Python draws the pages) and driven over the Chrome
DevTools protocol on a pipe (``--remote-debugging-pipe``: JSON messages ending in a NUL byte,
read from the browser's fd 4 and written to its fd 3): one window per page, all loading at once,
each pictured when its network is drawn (``window.ipplanReady``, set by ``page.js``) or, for a
page without one, when ``SETTLE_MS`` have passed since it loaded. Nothing is fetched from the
network: the flags keep the browser's own traffic off, and every http(s) request a page makes
is failed. ``IPPLAN_CHROMIUM`` names another binary.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import re
import select
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from ipplan.stopping import held

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
         "--hide-scrollbars", "--mute-audio")
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
SETTLE_MS = 4000  # the longest a page is given to draw itself before it is pictured anyway

# Resolves when the page says it is drawn, or SETTLE_MS after it loaded; then waits for its
# fonts, so that Chinese labels are in the picture.
_READY = """new Promise(function (done) {
  var start = Date.now();
  (function poll() {
    if (window.ipplanReady || Date.now() - start > %d) { done(!!window.ipplanReady); }
    else { setTimeout(poll, 20); }
  })();
}).then(function (ready) { return document.fonts.ready.then(function () { return ready; }); })
""" % SETTLE_MS


class SnapshotError(Exception):
    """No browser, or it failed; the message says which."""


@dataclass(frozen=True)
class Shot:
    """One picture: ``page`` (an HTML file) rendered at ``width``×``height`` into ``target``."""

    page: Path
    target: Path
    width: int = 1600
    height: int = 1000


def find_chromium() -> str | None:
    chosen = os.environ.get("IPPLAN_CHROMIUM")
    if chosen:
        return chosen if shutil.which(chosen) or Path(chosen).exists() else None
    return next((path for name in CANDIDATES if (path := shutil.which(name))), None)


class Browser:
    """A headless Chromium of our own, for the time of a ``with`` block.

    It starts when made (raising :class:`SnapshotError` when there is none to run) and
    :meth:`shoot` waits for it; each :meth:`shoot` must be done within ``timeout`` seconds.
    """

    def __init__(self, *, timeout: float = 90.0) -> None:
        binary = find_chromium()
        if binary is None:
            raise SnapshotError("no Chromium found (apt-get install chromium fonts-noto-cjk, "
                                "or set IPPLAN_CHROMIUM)")
        shell = shutil.which("bash")
        if shell is None:  # it puts the protocol's pipes on the fds Chromium reads
            raise SnapshotError("bash is needed to start Chromium")
        self.timeout = timeout
        self._buffer = b""
        self._events: list[dict[str, Any]] = []
        self._last_id = 0
        self._deadline = 0.0  # set by shoot() and close() for their own work
        self._process: subprocess.Popen[bytes] | None = None
        try:
            # Signals are held while the browser starts: one that comes meanwhile stops the
            # work once there is a browser to kill and a folder to remove.
            with held():
                self._start(binary, shell)
        except BaseException:  # stopped as it started: no browser or folder is left
            if self._process is not None:
                self.kill()
                self.close()
            raise

    def _start(self, binary: str, shell: str) -> None:
        """Make the browser's folder and start it, the protocol's pipes on its fds 3 and 4."""
        self._profile = tempfile.TemporaryDirectory(prefix="ipplan-chromium-")
        self._log = tempfile.TemporaryFile()
        # Pipe ends are moved above fd 9 so that bash can put them on fds 3 and 4 without
        # closing one it still needs.
        ours_in, theirs_out = os.pipe()
        theirs_in, ours_out = os.pipe()
        theirs = []
        for fd in (theirs_in, theirs_out):
            theirs.append(fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10))
            os.close(fd)
        read_fd, write_fd = theirs
        command = [shell, "-c", f'exec 3<&{read_fd} 4>&{write_fd} {read_fd}<&- {write_fd}>&-; '
                   'exec "$@"', "bash", binary, *FLAGS,
                   f"--user-data-dir={self._profile.name}", "--remote-debugging-pipe",
                   "about:blank"]
        try:
            self._process = subprocess.Popen(
                command, pass_fds=(read_fd, write_fd), stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=self._log, start_new_session=True)
        except OSError as exc:
            for fd in (ours_in, ours_out, read_fd, write_fd):
                os.close(fd)
            self._cleanup()
            raise SnapshotError(f"cannot run {binary} ({exc.strerror or exc})") from None
        os.close(read_fd)
        os.close(write_fd)
        self._in, self._out = ours_in, ours_out

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- the protocol ---------------------------------------------------------------------

    def _send(self, method: str, params: dict[str, Any] | None = None,
              session: str | None = None) -> int:
        self._last_id += 1
        message: dict[str, Any] = {"id": self._last_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        data = json.dumps(message).encode("utf-8") + b"\0"
        try:
            while data:
                data = data[os.write(self._out, data):]
        except OSError:
            raise SnapshotError(self._failure()) from None
        return self._last_id

    def _receive(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = self._deadline - time.monotonic()
            if left <= 0 or not select.select([self._in], [], [], left)[0]:
                raise SnapshotError(f"Chromium took more than {self.timeout:g} s")
            chunk = os.read(self._in, 1 << 20)
            if not chunk:
                raise SnapshotError(self._failure())
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        received = json.loads(message)
        if received.get("method") == "Fetch.requestPaused":  # a page reaching out: refused
            self._send("Fetch.failRequest", {"requestId": received["params"]["requestId"],
                                             "errorReason": "BlockedByClient"},
                       received.get("sessionId"))
        return received

    def _call(self, method: str, params: dict[str, Any] | None = None,
              session: str | None = None) -> dict[str, Any]:
        asked = self._send(method, params, session)
        while True:
            message = self._receive()
            if message.get("id") == asked:
                if "error" in message:
                    raise _PageError(message["error"].get("message", "refused"))
                return message.get("result", {})
            if "method" in message:
                self._events.append(message)

    def _wait_for(self, event: str, session: str) -> dict[str, Any]:
        while True:
            for number, message in enumerate(self._events):
                if message.get("method") == event and message.get("sessionId") == session:
                    return self._events.pop(number)
            message = self._receive()
            if "method" in message:
                self._events.append(message)

    def _failure(self) -> str:
        try:  # its pipe closed: it is exiting, or has
            code = self._process.wait(timeout=1)
        except subprocess.TimeoutExpired:
            code = None
        self._log.seek(0)
        lines = [line for line in self._log.read().decode("utf-8", "replace").splitlines()
                 if line.strip() and "dbus" not in line]
        # the line that says why, when Chromium gave up on purpose; else its last word
        fatal = [_FATAL.sub("", line) for line in lines if _FATAL.match(line)]
        last = (fatal or lines or ["no output"])[-1].strip()[:200]
        return f"Chromium failed ({'exit ' + str(code) + ', ' if code else ''}{last})"

    # -- pictures -------------------------------------------------------------------------

    def shoot(self, shots: Sequence[Shot]) -> list[str | None]:
        """Picture every shot, all pages loading at once: per shot None when its PNG is
        written, else why not. A browser that fails or runs out of time fails every shot
        not yet taken."""
        outcome: list[str | None] = [None] * len(shots)
        settled: set[int] = set()
        self._deadline = time.monotonic() + self.timeout
        try:
            sessions = {}
            for number, shot in enumerate(shots):
                try:
                    sessions[number] = self._open(shot)
                except _PageError as exc:
                    outcome[number] = f"Chromium could not open it ({exc})"
                    settled.add(number)
            for number, session in sessions.items():
                try:
                    self._wait_for("Page.loadEventFired", session)
                    self._call("Runtime.evaluate", {"expression": _READY, "awaitPromise": True},
                               session)
                    picture = self._call("Page.captureScreenshot", {"format": "png"}, session)
                except _PageError as exc:
                    outcome[number] = f"Chromium could not picture it ({exc})"
                else:
                    _write_png(shots[number].target, base64.b64decode(picture["data"]))
                settled.add(number)
        except SnapshotError as exc:
            for number in range(len(shots)):
                if number not in settled:
                    outcome[number] = str(exc)
        return outcome

    def _open(self, shot: Shot) -> str:
        target = self._call("Target.createTarget", {"url": "about:blank", "newWindow": True})[
            "targetId"]
        session = self._call("Target.attachToTarget",
                             {"targetId": target, "flatten": True})["sessionId"]
        self._call("Emulation.setDeviceMetricsOverride",
                   {"width": shot.width, "height": shot.height, "deviceScaleFactor": 1,
                    "mobile": False}, session)
        self._call("Fetch.enable", {"patterns": [{"urlPattern": "http://*"},
                                                 {"urlPattern": "https://*"}]}, session)
        self._call("Page.enable", {}, session)
        navigated = self._call("Page.navigate", {"url": shot.page.resolve().as_uri()}, session)
        if navigated.get("errorText"):
            raise _PageError(navigated["errorText"])
        return session

    def kill(self) -> None:
        """Stop the browser at once; a :meth:`shoot` under way then fails. Safe from
        another thread."""
        try:
            os.killpg(self._process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def close(self) -> None:
        """Ask the browser to quit; after two seconds it is killed, and so is anything it
        left running."""
        if self._process.poll() is None:
            try:
                self._deadline = time.monotonic() + 2
                self._send("Browser.close")
                self._process.wait(timeout=2)
            except (SnapshotError, subprocess.TimeoutExpired):
                pass
        # What is left of its process group goes too: a Chromium that gave up by itself
        # leaves its zygotes running, and they wrote in the profile as it was removed.
        self.kill()
        self._process.wait()
        for fd in (self._in, self._out):
            try:
                os.close(fd)
            except OSError:
                pass
        self._cleanup()

    def _cleanup(self) -> None:
        self._log.close()
        # Chromium keeps its singleton socket in a folder of its own in TMPDIR, linked from
        # the profile; a browser that was killed leaves that folder behind.
        try:
            socket = Path(os.readlink(Path(self._profile.name) / "SingletonSocket"))
        except OSError:
            socket = None
        if socket is not None and socket.parent.name.startswith("org.chromium.Chromium."):
            shutil.rmtree(socket.parent, ignore_errors=True)
        self._profile.cleanup()


_FATAL = re.compile(r"\[[^\]]*:FATAL:[^\]]*\] ")  # [pid:tid:time:FATAL:file.cc:315] why


class _PageError(Exception):
    """The browser refused one command: that page fails, the others go on."""


def _write_png(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.tmp.png")
    partial.write_bytes(data)
    os.replace(partial, target)
