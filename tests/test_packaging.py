"""The wheel carries the package data and runs outside the checkout, in a fresh venv."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from conftest import SEED


@pytest.fixture(scope="module")
def wheel(tmp_path_factory, source_copy) -> Path:
    source = source_copy
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(out), str(source)], check=True, capture_output=True)
    (built,) = out.glob("ipplan-*.whl")
    return built


def test_wheel_holds_the_package_data(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ("ipplan/cli.py", "ipplan/loaders/text.py", "ipplan/graph/build.py",
                 "ipplan/graph/units.csv", "ipplan/graph/jurisdictions.csv",
                 "ipplan/ontology/ip_plan.ttl", "ipplan/ontology/ip_plan_shapes.ttl",
                 "ipplan/cypher/server.py", "ipplan/cypher/jvm-logging.properties"):
        assert name in names, name
    # Nothing as generic as a top-level `graph` or `loaders` package is installed.
    assert not any(n.startswith(("graph/", "loaders/", "ontology/")) for n in names)


def test_wheel_runs_in_a_fresh_venv_outside_the_checkout(wheel, source_copy, tmp_path):
    env_dir = tmp_path / "venv"
    # The venv sees the machine's site-packages for the dependencies (no network needed),
    # but ipplan itself comes from the wheel installed into the venv.
    venv.EnvBuilder(with_pip=True, system_site_packages=True).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "-q", str(wheel)],
                   check=True, capture_output=True)
    work = tmp_path / "elsewhere"
    work.mkdir()
    shutil.copy(SEED, work / "fuzhou-ip-plan.txt")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    where = subprocess.run([str(python), "-c", "import ipplan; print(ipplan.__file__)"],
                           cwd=work, env=env, capture_output=True, text=True, check=True)
    assert where.stdout.strip().startswith(str(env_dir)), where.stdout
    ipplan = env_dir / "bin" / "ipplan"
    result = subprocess.run([str(ipplan), "load", "fuzhou-ip-plan.txt", "-o", "f.ttl"],
                            cwd=work, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    check = subprocess.run([str(ipplan), "validate", "f.ttl"], cwd=work, env=env,
                           capture_output=True, text=True)
    assert check.returncode == 0 and check.stdout.startswith("conforms"), check.stdout
    # The README runs `python3 -m ipplan` from the checkout's root: the folders there must not
    # shadow the installed package.
    from_root = subprocess.run([str(python), "-m", "ipplan", "stats", "data/fuzhou-ip-plan.txt",
                                "--json"], cwd=source_copy, env=env, capture_output=True, text=True)
    assert from_root.returncode == 0, from_root.stderr
    assert '"measures": 60' in from_root.stdout
