"""Benchmark: how long each container takes to read. Prints one Markdown table.

The seed is written in every container ipplan reads (tests/makedocs.py: Word, Excel, CSV,
HTML, the table flattened into text and Markdown; PDF, .doc and .xls made from them by
LibreOffice, as offices make them) and each is loaded in this process (the time of
``load_document``, LibreOffice's conversion included for .doc and .xls). Then the seed is
repeated into a plan long enough for a PDF of at least 30 pages (landscape A4, made by
LibreOffice from the generated .docx) and the same plan as an HTML page; the issue's
targets are 20 s for that PDF and 2 s for the page.

    python3 benchmarks/containers.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests"))

from ipplan.loaders import load_document  # noqa: E402
from ipplan.model import Plan  # noqa: E402
from makedocs import (  # noqa: E402
    libreoffice_convert,
    write_csv,
    write_docx,
    write_flattened,
    write_html,
    write_xlsx,
)

SEED = ROOT / "data" / "fuzhou-ip-plan.txt"
TARGET_PAGES = 30


def repeated(plan: Plan, times: int) -> Plan:
    """The plan's themes, tasks and measures ``times`` over, renumbered in order."""
    themes, tasks, measures = [], [], []
    theme_count, task_count = len(plan.themes), len(plan.tasks)
    for copy in range(times):
        for theme in plan.themes:
            themes.append(replace(theme, number=theme.number + copy * theme_count))
        for task in plan.tasks:
            number = task.number + copy * task_count
            tasks.append(replace(task, key=str(number), number=number,
                                 theme=task.theme + copy * theme_count))
        for measure in plan.measures:
            task = str(int(measure.task) + copy * task_count)
            measures.append(replace(measure, task=task, id=f"{task}.{measure.number}"))
    return replace(plan, themes=tuple(themes), tasks=tuple(tasks), measures=tuple(measures))


def timed(path: Path) -> tuple[float, int]:
    start = time.perf_counter()
    plan = load_document(path)
    return time.perf_counter() - start, len(plan.measures)


def pages(pdf: Path) -> int:
    import pdfplumber

    with pdfplumber.open(str(pdf)) as document:
        return len(document.pages)


def main() -> int:
    seed = load_document(SEED)
    rows: list[tuple[str, str, int, float]] = []
    with tempfile.TemporaryDirectory(prefix="ipplan-bench-") as folder:
        work = Path(folder)
        made = {
            "Word .docx": write_docx(seed, work / "docx" / "seed.docx", repeat_header_every=20),
            "Excel .xlsx": write_xlsx(seed, work / "xlsx" / "seed.xlsx"),
            "CSV": write_csv(seed, work / "csv" / "seed.csv"),
            "web page .html": write_html(seed, work / "html" / "seed.html"),
            "flattened text (one cell per line)": write_flattened(seed, work / "flat" / "seed.txt"),
            "Markdown table": write_flattened(seed, work / "md" / "seed.md", style="markdown"),
            "text (extracted layout)": SEED,
        }
        (made["PDF (LibreOffice)"],) = libreoffice_convert([made["Word .docx"]], "pdf",
                                                            work / "pdf")
        (odt,) = libreoffice_convert([made["Word .docx"]], "odt", work / "odt")
        (made["Word 97 .doc (via LibreOffice)"],) = libreoffice_convert([odt], "doc",
                                                                        work / "doc")
        (made["Excel 97 .xls (via LibreOffice)"],) = libreoffice_convert(
            [made["Excel .xlsx"]], "xls", work / "xls")
        for name, path in made.items():
            seconds, count = timed(path)
            size = f"{pages(path)} pages" if path.suffix == ".pdf" else "seed"
            rows.append((name, size, count, seconds))
        times = 4
        while True:
            long_plan = repeated(seed, times)
            docx = write_docx(long_plan, work / f"long{times}" / "long.docx")
            (pdf,) = libreoffice_convert([docx], "pdf", work / f"long{times}")
            if pages(pdf) >= TARGET_PAGES:
                break
            times += 1
        seconds, count = timed(pdf)
        rows.append(("PDF (LibreOffice)", f"{pages(pdf)} pages", count, seconds))
        page = write_html(long_plan, work / f"long{times}" / "long.html")
        seconds, count = timed(page)
        rows.append(("web page .html", f"same plan ({page.stat().st_size // 1024} KB)", count,
                     seconds))
    print("| container | document | measures | load (s) |")
    print("|---|---|---|---|")
    for name, size, count, seconds in rows:
        print(f"| {name} | {size} | {count:,} | {seconds:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
