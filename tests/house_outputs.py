"""Write what ipplan makes from fixed inputs into one folder, so that a change meant to move
code without changing behaviour can be checked byte for byte: run it before and after, then
compare the two folders (``diff -r BEFORE AFTER``).

    python3 tests/house_outputs.py OUT_FOLDER

The inputs are the seed, one real text plan, one real web-page table and the seed as an
eight-plan corpus; the outputs every file-writing command's, every saved query's rows on
SPARQL (three on Cypher, in the embedded server), the pages and the briefing pack (without snapshots: pictures depend on the machine's
fonts, not on ipplan). Pages carry the day they were made: compare runs of the same day."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "fuzhou-ip-plan.txt"
TEXT = ROOT / "tests" / "fixtures" / "real" / "guangzhou-talent-labelled-parenthesis.txt"
PAGE = ROOT / "tests" / "fixtures" / "real-tables" / "sh-jingan-gengxin-2023.html"


def main(folder: Path) -> None:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}

    def _ipplan(*args: object, out: str) -> None:
        # run in the folder with relative names, so that no message holds a machine's path
        done = subprocess.run([sys.executable, "-m", "ipplan", *map(str, args)], env=env,
                              capture_output=True, cwd=folder)
        said = (done.stdout + b"\n--- stderr ---\n" + done.stderr
                + f"\n--- exit {done.returncode} ---\n".encode())
        (folder / out).write_bytes(said.replace(str(folder.resolve()).encode(), b"<folder>"))

    inputs = folder / "inputs"
    inputs.mkdir()
    for source in (SEED, TEXT, PAGE):
        shutil.copyfile(source, inputs / source.name)
    copies = []
    for index in range(8):
        copy = f"inputs/fuzhou-{index}.txt"
        shutil.copyfile(SEED, folder / copy)
        copies.append(copy)
    seed, text, page = (f"inputs/{p.name}" for p in (SEED, TEXT, PAGE))
    for name, sources in (("seed", [seed]), ("text", [text]), ("page", [page]),
                          ("corpus", copies)):
        for suffix in (".ttl", ".nt", ".jsonld"):
            _ipplan("load", *sources, "-o", f"{name}{suffix}",
                    out=f"{name}.load{suffix}.log")
        _ipplan("export", *sources, "-o", f"{name}.csv", out=f"{name}.export.log")
        _ipplan("stats", *sources, "--json", out=f"{name}.stats.json")
        _ipplan("validate", *sources, out=f"{name}.validate.txt")
        _ipplan("units", *sources, "--csv", out=f"{name}.units.csv")
        _ipplan("plans", *sources, out=f"{name}.plans.txt")
        for query in ("brokers", "collaboration-clusters", "collaboration-pairs",
                      "cross-theme-units", "deadline-load", "overloaded-units",
                      "task-coordination", "theme-overview", "unit-workload"):
            _ipplan("query", "run", query, *sources, "--csv",
                    out=f"{name}.query.{query}.csv")
    _ipplan("inspect", seed, out="seed.inspect.txt")
    _ipplan("inspect", text, out="text.inspect.txt")
    for kind in ("network", "plan"):
        _ipplan("viz", kind, seed, "-o", f"viz-{kind}.html", out=f"viz-{kind}.log")
    for query in ("unit-workload", "collaboration-clusters", "overloaded-units"):
        _ipplan("query", "run", query, seed, "--engine", "cypher", "--csv",
                out=f"seed.cypher.{query}.csv")
    _ipplan("viz", "unit", "市科技局", seed, "-o", "viz-unit.html", out="viz-unit.log")
    _ipplan("viz", "cluster", "1", seed, "-o", "viz-cluster.html", out="viz-cluster.log")
    _ipplan("brief", seed, "-o", "pack", "--no-snapshots", out="pack.log")
    _ipplan("load", seed, "--store", "store", out="store.log")
    _ipplan("stats", "--store", "store", "--json", out="store.stats.json")
    shutil.rmtree(folder / "store")
    shutil.rmtree(inputs)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(Path(sys.argv[1]))
