"""The briefing pack: one folder with everything a planner sends on about a plan.

For now the pack holds the graph, the assignment and unit tables as CSV, the key figures,
the validation report and a README; the interactive pages join it when they exist.
"""

from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ipplan.errors import IpplanError
from ipplan.files import atomic_write_bytes, atomic_write_text
from ipplan.graph import reports
from ipplan.graph.io import serialize
from ipplan.graph.validate import RESULT_COLUMNS, ValidationReport, validate
from ipplan.output import excel_csv, to_table
from ipplan.pipeline import Corpus

MARKER = ".ipplan-brief"


@dataclass(frozen=True)
class Brief:
    """What :func:`build_brief` wrote."""

    folder: Path
    files: tuple[str, ...]
    stats: dict[str, Any]
    validation: ValidationReport


def prepare_folder(folder: Path, force: bool) -> None:
    """Make ``folder``, or reuse it when ipplan made it; a non-empty folder that ipplan did
    not make is refused unless ``force``."""
    if folder.exists() and not folder.is_dir():
        raise IpplanError("exists and is not a folder", where=folder)
    if folder.exists() and any(folder.iterdir()) and not (folder / MARKER).exists() and not force:
        raise IpplanError("the folder is not empty and ipplan did not make it; "
                          "choose another folder or pass --force", where=folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / MARKER).write_text("made by ipplan brief\n", "utf-8")
    except OSError as exc:
        raise IpplanError(f"cannot write here ({exc.strerror or exc})", where=folder) from None


def build_brief(corpus: Corpus, folder: Path, *, force: bool = False) -> Brief:
    """Write the pack for the plans in ``corpus`` into ``folder``."""
    prepare_folder(folder, force)
    graph = corpus.graph
    figures = reports.stats(graph)
    plans = figures["by_plan"]
    check = validate(graph)
    written: list[str] = []

    def put(name: str, data: bytes) -> None:
        atomic_write_bytes(folder / name, data)
        written.append(name)

    stem = plans[0]["plan"] if len(plans) == 1 else "plans"
    put(f"{stem}.ttl", serialize(graph, "turtle"))
    put("assignments.csv", excel_csv(reports.assignment_rows(graph), reports.ASSIGNMENT_COLUMNS))
    put("units.csv", excel_csv(reports.unit_rows(graph), reports.UNIT_COLUMNS))
    put("stats.json", json.dumps(figures, ensure_ascii=False, indent=2).encode("utf-8") + b"\n")
    put("validation.txt", validation_text(check).encode("utf-8"))
    warnings = reports.load_warnings(graph)
    if warnings:
        put("warnings.txt", ("\n".join(warnings) + "\n").encode("utf-8"))
    readme = _readme(plans, figures, check, written)
    atomic_write_text(folder / "README.txt", readme)
    written.append("README.txt")
    return Brief(folder, tuple(written), figures, check)


def validation_text(check: ValidationReport) -> str:
    """The validation report as a planner reads it."""
    head = ("conforms: every plan, theme, task, measure and unit is well formed"
            if check.conforms else f"does not conform: {check.violations} violation(s)")
    text = f"{head} ({check.checked} nodes checked)\n"
    if check.results:
        text += "\n" + to_table(list(check.results), RESULT_COLUMNS, max_width=60)
    return text


def _readme(plans: list[dict[str, Any]], figures: dict[str, Any], check: ValidationReport,
            files: list[str]) -> str:
    today = _dt.date.today().isoformat()
    lines = [
        "Briefing pack made by ipplan",
        "============================",
        "",
        f"Made on {today} from:",
        *[f"  - {p['title']} ({p['jurisdiction']}; file {p['source']}; plan id {p['plan']})"
          for p in plans],
        "",
        "Key figures",
        f"  themes {figures['themes']}, tasks {figures['tasks']}, measures {figures['measures']}",
        f"  units {figures['units']} ({figures['collective_units']} collective, "
        f"{figures['unregistered_units']} not in the unit registry)",
        f"  lead assignments {figures['lead_assignments']}, "
        f"supporting assignments {figures['support_assignments']}",
        "  measures due: " + ", ".join(f"{k} ({v})" for k, v in figures["deadlines"].items()),
        f"  validation: {'conforms' if check.conforms else 'does NOT conform'}",
        "",
        "Files",
    ]
    about = {
        "assignments.csv": "one row per measure, unit and role (lead/support); opens in Excel",
        "units.csv": "every unit the plan names, with measures led and supported",
        "stats.json": "the key figures as JSON",
        "validation.txt": "SHACL validation report of the graph",
        "warnings.txt": "what the loader could not read as it should, with file and line",
    }
    for name in files:
        note = about.get(name, "the plan as an RDF graph (Turtle)" if name.endswith(".ttl") else "")
        lines.append(f"  {name:<20} {note}")
    return "\n".join(lines) + "\n"
