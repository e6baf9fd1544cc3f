"""The house's map, enforced: the stages import downwards only (the contract is in
pyproject.toml, [tool.importlinter]), checked by import-linter on the installed package."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT


def test_the_stages_import_downwards_only(tmp_path, source_copy):
    # The stages are top-level folders mapped into the one package `ipplan`; import-linter
    # reads a package from its files, so it is given the package as installed, whole.
    target = tmp_path / "site"
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--target", str(target), str(source_copy)], capture_output=True, text=True,
        timeout=600)
    assert installed.returncode == 0, installed.stderr
    linter = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or \
        shutil.which("lint-imports")
    assert linter, "import-linter is not installed (it is in the test extras)"
    env = {**os.environ, "PYTHONPATH": str(target)}
    checked = subprocess.run([linter, "--no-cache", str(ROOT / "pyproject.toml")], cwd=tmp_path,
                             env=env, capture_output=True, text=True, timeout=300)
    assert checked.returncode == 0, checked.stdout[-3000:] + checked.stderr[-2000:]
    assert "0 broken" in checked.stdout
    # and it is a check that can fail: the graph stage importing the command line breaks it
    upward = target / "ipplan" / "graph" / "reports.py"
    upward.write_text(upward.read_text("utf-8") + "\nfrom ipplan import cli  # noqa\n", "utf-8")
    broken = subprocess.run([linter, "--no-cache", str(ROOT / "pyproject.toml")], cwd=tmp_path,
                            env=env, capture_output=True, text=True, timeout=300)
    assert broken.returncode != 0 and "ipplan.graph.reports -> ipplan.cli" in broken.stdout
