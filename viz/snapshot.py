"""PNG snapshots of pages, rendered by headless Chromium (Debian's ``chromium`` package).

The browser is run as a command with the flags that keep it off the network
(``--disable-background-networking`` and friends); it loads the page from its file and waits
a few seconds of virtual time for the drawing. ``IPPLAN_CHROMIUM`` names another binary.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
         "--hide-scrollbars", "--mute-audio")
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


class SnapshotError(Exception):
    """No browser, or it failed; the message says which."""


def find_chromium() -> str | None:
    chosen = os.environ.get("IPPLAN_CHROMIUM")
    if chosen:
        return chosen if shutil.which(chosen) or Path(chosen).exists() else None
    return next((path for name in CANDIDATES if (path := shutil.which(name))), None)


def snapshot(page: Path, target: Path, *, width: int = 1600, height: int = 1000,
             timeout: float = 90.0) -> None:
    """Render ``page`` to ``target`` (PNG)."""
    browser = find_chromium()
    if browser is None:
        raise SnapshotError("no Chromium found (apt-get install chromium fonts-noto-cjk, "
                            "or set IPPLAN_CHROMIUM)")
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ipplan-chromium-") as profile:
        partial = target.with_name(f".{target.name}.tmp.png")
        command = [browser, *FLAGS, f"--user-data-dir={profile}",
                   f"--window-size={width},{height}", "--virtual-time-budget=4000",
                   f"--screenshot={partial}", page.resolve().as_uri()]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                                  stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            partial.unlink(missing_ok=True)
            raise SnapshotError(f"Chromium took more than {timeout:g} s") from None
        except OSError as exc:
            raise SnapshotError(f"cannot run {browser} ({exc.strerror or exc})") from None
        if done.returncode != 0 or not partial.exists() or partial.stat().st_size == 0:
            partial.unlink(missing_ok=True)
            last = (done.stderr.strip().splitlines() or ["no output"])[-1][:200]
            raise SnapshotError(f"Chromium failed ({last})")
        os.replace(partial, target)
