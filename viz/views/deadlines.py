"""The deadline page: units against months (how many measures each unit leads and supports
that fall due in each month) and the plan's deadlines over time, with what is overdue and
what is done, as of a day.

The page is a chart, not a network: its data travels as JSON like every page's, and its own
script (``assets/deadlines.js``) draws a table and an SVG with the filters applied, putting
user text on screen with ``textContent`` only. Nothing is fetched.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from markupsafe import Markup
from rdflib import Graph

from ipplan import __version__
from ipplan.files import atomic_write_text
from ipplan.graph.analytics import Analysis
from ipplan.graph.progress import DONE, is_overdue
from ipplan.graph.vocab import PROGRESS_STATES
from ipplan.viz.model import PageData, plain, unit_page_name
from ipplan.viz.render import asset, script_json, template
from ipplan.viz.views.parts import kind_filter, subtitle

__all__ = ["DeadlinePage", "deadline_page", "render_deadline_page", "write_deadline_page"]

# The states' names, as the ontology labels them.
STATE_LABELS = {state.value: (concept.zh, concept.en)
                for state, concept in PROGRESS_STATES.items()}


@dataclass
class DeadlinePage:
    """What the deadline page shows: the measures with their month, progress and units, the
    units, the months, and the labels in Chinese and English."""

    title_zh: str
    title_en: str
    subtitle_zh: str
    subtitle_en: str
    as_of: str
    months: list[str]  # the months measures fall due in, in order
    measures: list[dict[str, Any]]
    units: list[dict[str, Any]]
    filters: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    notes_zh: str = ""
    notes_en: str = ""
    kind: str = "deadlines"


def deadline_page(graph: Graph, result: Analysis, *, today: str,
                  data: PageData | None = None, unit_pages: bool = False) -> DeadlinePage:
    """Every measure's deadline against its units, as of ``today`` (YYYY-MM-DD): a measure
    whose month has ended before that day and that is not done is overdue. ``unit_pages``:
    each unit's row links to its page in the pack (``units/``)."""
    data = data or PageData.read(graph, result)
    facts = data.facts
    unit_ids = sorted(facts.by_unit, key=lambda u: (result.units[u].name, u))
    index = {unit: i for i, unit in enumerate(unit_ids)}
    cluster_of = data.cluster_of
    units = [{"name": result.units[u].name, "name_en": result.units[u].name_en or "",
              "kind": result.units[u].kind, "collective": result.units[u].collective,
              "cluster": str(cluster_of.get(u, "")),
              "link": f"units/{unit_page_name(u)}" if unit_pages else ""} for u in unit_ids]
    measures = []
    months: set[str] = set()
    overdue = done = 0
    for iri, m in sorted(facts.measures.items(),
                         key=lambda kv: (str(kv[1]["plan"]), int(kv[1]["order"]))):
        month = plain(m["deadline"])
        if month:
            months.add(month)
        late = is_overdue(m["deadline"], m.get("progress"), today)
        overdue += late
        done += m.get("progress") == DONE
        task = facts.tasks[str(m["task"])]
        measures.append({
            "id": str(m["id"]), "text": plain(m["text"]), "month": month,
            "deadline_text": plain(m["deadline_text"]), "theme": plain(task.get("theme")),
            "task": plain(task["title"]), "status": plain(m.get("progress")),
            "status_text": plain(m.get("progress_text")), "overdue": late,
            "units": [[index[u], role] for u, role in facts.by_measure.get(iri, [])]})
    sub_zh, sub_en = subtitle(data, today)
    # a progress a cell states: done, in progress or not started (not a blank or a figure)
    stated = sum(1 for m in measures if m["status"] not in ("", "unknown"))
    reported = any(m["status"] for m in measures)
    notes_zh = f"截至 {today}，逾期未完成的措施 {overdue} 项（共 {len(measures)} 项）。"
    notes_en = (f"As of {today}, {overdue} of {len(measures)} measures are overdue and not "
                "done.")
    if reported:
        notes_zh += f" 完成情况：已完成 {done} 项，{stated} 项写明了进展。"
        notes_en += f" Progress: {done} done; {stated} state their progress."
    else:
        notes_zh += " 任务表没有完成情况一栏：到期未完成的措施都按逾期计。"
        notes_en += (" The table has no progress column: every measure past its month counts "
                     "as overdue.")
    return DeadlinePage(
        "完成时限一览", "Deadlines at a glance", sub_zh, sub_en, today, sorted(months),
        measures, units,
        filters={"theme": [f for f in data.theme_filter
                           if f["value"] in {m["theme"] for m in measures}],
                 "cluster": list(data.cluster_filter),
                 "kind": kind_filter(result.units, set(unit_ids))},
        notes_zh=notes_zh, notes_en=notes_en)


def render_deadline_page(page: DeadlinePage, *, lang: str = "zh",
                         links: list[dict[str, str]] | None = None) -> str:
    """The page as one offline HTML document (its script and styles inside it)."""
    data = {f.name: getattr(page, f.name) for f in fields(page)}
    data["lang"] = "en" if lang == "en" else "zh"
    data["states"] = STATE_LABELS
    suffix = data["lang"]
    return template("deadlines.html").render(
        lang=data["lang"], version=__version__, title=data[f"title_{suffix}"],
        subtitle=data[f"subtitle_{suffix}"], notes=data[f"notes_{suffix}"],
        css=asset("page.css") + asset("deadlines.css"), js=asset("deadlines.js"),
        links=links or [], data_json=Markup(script_json(data)))


def write_deadline_page(page: DeadlinePage, path: Path, **options: Any) -> None:
    """The page as HTML in ``path``, written whole (:func:`render_deadline_page` takes
    ``options``)."""
    atomic_write_text(path, render_deadline_page(page, **options))
