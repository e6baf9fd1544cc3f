"""The briefing pack: one folder a planner can zip and send.

::

    index.html              key figures, overloaded and ubiquitous units and clusters with
                            their reasons,
                            links to every page, the snapshots
    network.html, plan.html the coordination network and the plan's structure
    deadlines.html          units against months, the deadlines over time, what is overdue
                            as of the pack's day (--as-of)
    clusters/cluster-N.html one page per collaboration cluster
    plans/plan-*.html       for a corpus of more than three plans, one structure page per
                            plan (plan.html then shows the plans and links to them)
    units/unit-*.html       one page per unit
    assets/                 the vis-network script the pages share (nothing is fetched)
    snapshots/*.png         the main views as pictures for slides (headless Chromium)
    data/                   the graph, the assignment and unit tables, each unit's list (one
                            workbook, a CSV per unit), every saved query's result as CSV, the
                            figures, the validation report
    README.txt              what is where

The pack is built in a new folder beside the target and then put in place whole, so a pack
never mixes two runs and an interrupted run leaves the old pack as it was; a folder that
ipplan did not make is refused unless ``force``, and then only the pack's own entries in it
are replaced.
"""

from __future__ import annotations

import datetime as _dt
import os
import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from ipplan import __version__
from ipplan.errors import IpplanError
from ipplan.graph.analytics import Analysis
from ipplan.graph.facts import Facts
from ipplan.graph.overload import Load, where_flagged
from ipplan.graph.validate import ValidationReport
from ipplan.stopping import held

from .model import (
    CORPUS_ABOVE,
    Page,
    PageData,
    cluster_page_name,
    is_corpus,
    plan_page_name,
    unit_page_name,
)
from .render import VIS_FILE, render_page, vis_network_js
from .snapshot import Browser, Shot, SnapshotError
from .views.cluster import cluster_page
from .views.deadlines import deadline_page, render_deadline_page
from .views.network import network_page
from .views.overview import plans_overview_page
from .views.plan import plan_page
from .views.unit import unit_page

MARKER = ".ipplan-brief"
# Every entry a pack has at its top: what a new pack replaces in an existing folder.
ENTRIES = (MARKER, "README.txt", "index.html", "network.html", "plan.html", "deadlines.html",
           "assets",
           "clusters", "plans", "units", "snapshots", "data")


@dataclass
class Brief:
    """What :func:`build_brief` wrote."""

    folder: Path
    files: list[str]
    stats: dict[str, Any]
    validation: ValidationReport
    warnings: list[str] = field(default_factory=list)


def prepare_folder(folder: Path, force: bool) -> None:
    """Check that the pack may go into ``folder``: a new or empty folder, one that ipplan
    made, or (with ``force``) any folder; nothing is written yet."""
    if folder.exists() and not folder.is_dir():
        raise IpplanError("exists and is not a folder", where=folder)
    if folder.exists() and any(folder.iterdir()) and not (folder / MARKER).exists() and not force:
        raise IpplanError("the folder is not empty and ipplan did not make it; "
                          "choose another folder or pass --force", where=folder)


def _staging(folder: Path) -> Path:
    """A new folder beside ``folder`` in which the pack is built whole before it replaces
    the old one, so an interrupted run leaves the old pack as it was."""
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        return _new_folder_beside(folder, "new")
    except OSError as exc:
        raise IpplanError(f"cannot write here ({exc.strerror or exc})", where=folder) from None


def _new_folder_beside(folder: Path, what: str) -> Path:
    """A new hidden folder beside ``folder``, made with the user's umask like any folder
    they make (tempfile's are private to them, and the pack is renamed into place)."""
    for number in range(1000):
        candidate = folder.parent / f".{folder.name}.{os.getpid()}.{number}.ipplan-{what}"
        try:
            candidate.mkdir()
            return candidate
        except FileExistsError:
            continue
    raise FileExistsError(f"no free name beside {folder}")


def install_pack(staging: Path, folder: Path) -> None:
    """Put the pack built in ``staging`` in place of the one in ``folder``.

    A new folder is one rename. In an existing folder each of the pack's own entries
    (:data:`ENTRIES`) is replaced whole, and an entry the new pack lacks (``plans/`` of an
    earlier corpus) goes; anything else the folder holds is the user's and stays. Signals
    wait until the renames are done."""
    with held():
        if not folder.exists():
            staging.rename(folder)
            return
        old = _new_folder_beside(folder, "old")
        for name in ENTRIES:
            if (folder / name).exists() or (folder / name).is_symlink():
                (folder / name).rename(old / name)
            if (staging / name).exists():
                (staging / name).rename(folder / name)
    shutil.rmtree(old, ignore_errors=True)
    shutil.rmtree(staging, ignore_errors=True)


# The views pictured for slides; the plan is a tall tree, and a tall picture keeps its
# labels readable.
_VIEWS = (("network", (1600, 1000)), ("plan", (1400, 2400)), ("deadlines", (1600, 1500)))


def _shots(folder: Path) -> list[Shot]:
    return [Shot(folder / f"{name}.html", folder / "snapshots" / f"{name}.png", width, height)
            for name, (width, height) in _VIEWS]


@dataclass
class PackData:
    """What the pack shows that is not drawn: figures, the validation, and the data/ files
    (name, bytes) with the saved queries whose CSVs are among them. Made by the briefing use
    case (:func:`ipplan.usecases.pack_data`) on a second thread while the pages are drawn."""

    figures: dict[str, Any]
    check: ValidationReport
    files: list[tuple[str, bytes]]
    query_csvs: list[str]


def build_brief(graph: Any, result: Analysis, folder: Path,
                data: Callable[[Any, Facts], PackData], *,
                force: bool = False, lang: str = "zh", snapshots: bool = True,
                today: str | None = None) -> Brief:
    """Write the pack for the analysed ``graph`` into ``folder``: built beside it, then put
    in place whole (:func:`install_pack`). ``data`` makes the pack's figures and data files
    from the graph and the plan's facts the pages draw; it runs while the pages are drawn."""
    prepare_folder(folder, force)
    staging = _staging(folder)
    try:
        brief = _build(graph, result, staging, data, lang=lang, snapshots=snapshots,
                       today=today)
        install_pack(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    brief.folder = folder
    return brief


def _build(graph: Any, result: Analysis, folder: Path,
           data_of: Callable[[Any, Facts], PackData], *,
           lang: str, snapshots: bool, today: str | None) -> Brief:
    today = today or _dt.date.today().isoformat()
    written: list[str] = []
    warnings: list[str] = []

    def put(name: str, data: bytes) -> None:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)  # the whole folder is new: no file needs a temporary name
        written.append(name)

    def page(name: str, built: Page, depth: int, links: list[dict[str, str]] | None = None
             ) -> None:
        href = "../" * depth + f"assets/{VIS_FILE}"
        put(name, render_page(built, lang=lang, vis_href=href, links=links).encode("utf-8"))

    drawn = PageData.read(graph, result)  # once for every page of the pack
    # The browser starts now, while the pages are drawn: starting is most of its work.
    browser, no_browser = None, None
    background, shooting = None, None
    try:
        if snapshots:
            try:
                # held until it is named here: a signal on the way out of Browser() (or in
                # starting the thread below) left Chromium running and its folder behind
                with held():
                    browser = Browser()
            except SnapshotError as exc:
                no_browser = str(exc)
        # The data files are mostly the store's work, which Oxigraph does without holding
        # Python's lock, so they are made on a second thread while this one draws the pages
        # (on a large corpus each half takes about as long as the other).
        background = ThreadPoolExecutor(max_workers=2)
        pending = background.submit(data_of, graph, drawn.facts)
        put(f"assets/{VIS_FILE}", vis_network_js().encode("utf-8"))
        home = [{"href": "index.html", "zh": "简报首页", "en": "Briefing index"}]
        up = [{"href": "../index.html", "zh": "简报首页", "en": "Briefing index"},
              {"href": "../network.html", "zh": "协作网络", "en": "Coordination network"}]
        page("network.html", network_page(graph, result, today=today, data=drawn), 0,
             home + [{"href": "plan.html", "zh": "方案结构", "en": "Plan structure"}])
        corpus = is_corpus(drawn.facts)
        page("plan.html", (plans_overview_page if corpus else plan_page)(
            graph, result, today=today, data=drawn), 0,
            home + [{"href": "network.html", "zh": "协作网络", "en": "Coordination network"}])
        deadlines = deadline_page(graph, result, today=today, data=drawn, unit_pages=True)
        put("deadlines.html", render_deadline_page(deadlines, lang=lang, links=home + [
            {"href": "network.html", "zh": "协作网络", "en": "Coordination network"},
            {"href": "plan.html", "zh": "方案结构", "en": "Plan structure"}]).encode("utf-8"))
        # Those three pages are pictured while the rest of the pack is written.
        shooting = background.submit(browser.shoot, _shots(folder)) if browser else None
        for cluster in result.clusters:
            page(f"clusters/{cluster_page_name(cluster.number)}",
                 cluster_page(graph, result, cluster.number, today=today, data=drawn), 1, up)
        if corpus:  # one structure page per plan: one page of all is too big to open
            by_plan = up + [{"href": "../plan.html", "zh": "方案结构", "en": "Plan structure"}]
            for plan_id in sorted(str(p["id"]) for p in drawn.facts.plans):
                page(f"plans/{plan_page_name(plan_id)}",
                     plan_page(graph, result, today=today, data=drawn, plan=plan_id,
                               units_href="../units/"), 1, by_plan)
        units = sorted(result.units, key=lambda u: (result.units[u].name, u))
        for unit in units:
            page(f"units/{unit_page_name(unit)}",
                 unit_page(graph, result, unit, today=today, data=drawn), 1, up)
        data = pending.result()
        failures = (shooting.result() if shooting else
                    [no_browser] * len(_VIEWS) if no_browser else [])
    finally:
        if browser is not None:
            if shooting is not None and not shooting.done():  # the pack failed meanwhile
                browser.kill()
                shooting.exception()
            browser.close()
        if background is not None:
            background.shutdown(wait=False, cancel_futures=True)
    for name, content in data.files:
        put(name, content)

    pictures = []
    for (name, _size), failure in zip(_VIEWS, failures):
        if failure:
            warnings.append(f"snapshot of {name}.html skipped: {failure}")
            continue
        written.append(f"snapshots/{name}.png")
        pictures.append(f"snapshots/{name}.png")

    figures, check = data.figures, data.check
    overdue = sum(1 for m in deadlines.measures if m["overdue"])
    index = _index_html(result, drawn, figures, check, units, pictures, data.query_csvs,
                        lang, today, overdue)
    put("index.html", index.encode("utf-8"))
    readme = _readme(figures["by_plan"], figures, check, written, today, overdue, result)
    put("README.txt", readme.encode("utf-8"))
    (folder / MARKER).write_text("made by ipplan brief\n", "utf-8")
    return Brief(folder, written, figures, check, warnings)


def _index_html(result: Analysis, drawn: PageData, figures: dict[str, Any],
                check: ValidationReport, units: list[str], pictures: list[str],
                query_csvs: list[str], lang: str, today: str, overdue: int) -> str:
    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    template = environment.from_string(
        resources.files(__package__).joinpath("assets", "index.html").read_text("utf-8"))
    css = resources.files(__package__).joinpath("assets", "page.css").read_text("utf-8")
    names = drawn.cluster_names
    themes = {iri: f"{theme['number']}. {theme['title']}"
              for iri, theme in drawn.facts.themes.items()}
    clusters = [{
        "number": c.number, "href": f"clusters/{cluster_page_name(c.number)}",
        "zh": names[c.number][0], "en": names[c.number][1], "size": len(c.members),
        "members": "、".join(result.units[u].name for u in c.members),
        "members_en": ", ".join(result.units[u].name_en or result.units[u].name
                                for u in c.members),
        "theme": themes.get(c.top_theme, ""), "shared": len(c.shared_measures),
        "density": c.density} for c in result.clusters]
    overloaded = [_flag_row(result, l, l.reason_zh, l.reason) for l in result.overloaded]
    ubiquitous = [_flag_row(result, l, l.ubiquity_reason_zh, l.ubiquity_reason)
                  for l in result.ubiquitous]
    unit_links = [{"href": f"units/{unit_page_name(u)}", "name": result.units[u].name,
                   "name_en": result.units[u].name_en or result.units[u].name} for u in units]
    return template.render(
        lang="en" if lang == "en" else "zh", css=Markup(css), version=__version__,
        today=today, overdue=overdue, plans=figures["by_plan"], figures=figures,
        conforms=check.conforms,
        violations=check.violations, clusters=clusters, overloaded=overloaded,
        ubiquitous=ubiquitous,
        ubiquity=_percent(result.parameters.ubiquity), **_overload_rule(result),
        units=unit_links, pictures=pictures, plan_pages=[
            {**p, "href": f"plans/{plan_page_name(p['plan'])}"} for p in figures["by_plan"]
        ] if len(figures["by_plan"]) > CORPUS_ABOVE else [],
        queries=query_csvs, collectives=not result.parameters.include_collectives)


def _percent(share: float) -> str:
    return f"{share * 100:g}%"


def _overload_rule(result: Analysis) -> dict[str, str]:
    """The overload rule the analysis used, in words, for the index."""
    p = result.parameters
    weights_zh = f"牵头×{p.lead_weight:g}＋配合×{p.support_weight:g}"
    weights_en = f"{p.lead_weight:g} × led + {p.support_weight:g} × supported"
    if p.top is not None:
        return {"rule_zh": f"判定规则：每个方案中加权工作量（{weights_zh}）占比最高的{p.top}个单位。",
                "rule_en": f"The rule: the {p.top} largest shares of each plan's weighted work "
                           f"({weights_en})."}
    return {"rule_zh": f"判定规则：在不少于{p.min_measures}项措施的方案中，单位承担的加权工作量"
                       f"（{weights_zh}）占比不低于{_percent(p.min_share)}，且不低于其他单位平均值的"
                       f"{p.ratio:g}倍；每个方案分别判定。",
            "rule_en": f"The rule: in a plan of at least {p.min_measures} measures, a unit's share "
                       f"of the weighted work ({weights_en}) is at least {_percent(p.min_share)} "
                       f"and at least {p.ratio:g} times the other units' average; each plan is "
                       f"judged on its own."}


def _flag_row(result: Analysis, load: Load, reason_zh: str, reason_en: str) -> dict[str, Any]:
    """One overloaded or ubiquitous unit's row of the index: who, in which plans, and why."""
    where_zh, where_en = where_flagged(load, result.plans)
    return {"name": result.units[load.unit].name, "name_en": result.units[load.unit].name_en,
            "href": f"units/{unit_page_name(load.unit)}", "where": where_zh,
            "where_en": where_en, "lead": load.lead, "support": load.support,
            "load": f"{load.score:g}", "reason": reason_zh, "reason_en": reason_en}


def _readme(plans: list[dict[str, Any]], figures: dict[str, Any], check: ValidationReport,
            files: list[str], today: str, overdue: int, result: Analysis) -> str:
    lines = [
        "Briefing pack made by ipplan",
        "============================",
        "",
        f"As of {today}, made from:",
        *[f"  - {p['title']} ({p['jurisdiction']}; file {p['source']}; plan id {p['plan']})"
          for p in plans],
        "",
        "Open index.html in a browser: it links to every page. The pages work offline (nothing",
        "is fetched from the network), show Chinese by default with an English switch, and print",
        "on A4 landscape.",
        "",
        "Key figures",
        f"  themes {figures['themes']}, tasks {figures['tasks']}, measures {figures['measures']}",
        f"  units {figures['units']} ({figures['collective_units']} collective, "
        f"{figures['unregistered_units']} not in the unit registry)",
        f"  lead assignments {figures['lead_assignments']}, "
        f"supporting assignments {figures['support_assignments']}",
        "  measures due: " + ", ".join(f"{k} ({v})" for k, v in figures["deadlines"].items()),
        f"  overdue and not done as of {today}: {overdue}",
        f"  validation: {'conforms' if check.conforms else 'does NOT conform'}",
        "",
        "Overloaded units (each judged within its plan)",
        *([f"  - {result.units[l.unit].name} ({where_flagged(l, result.plans)[1]}): {l.reason}"
           for l in result.overloaded] or ["  none"]),
        "Ubiquitous units (in nearly every measure of a plan, only as support)",
        *([f"  - {result.units[l.unit].name} ({where_flagged(l, result.plans)[1]}): "
           f"{l.ubiquity_reason}" for l in result.ubiquitous] or ["  none"]),
        "",
        "What is where",
        "  index.html             key figures, overloaded and ubiquitous units, clusters, links",
        "  network.html           units and who works with whom",
        "  deadlines.html         units against months, deadlines over time, what is overdue",
        "  plan.html              themes, tasks, measures and their units"
        + (" (a corpus: the plans, each linking to plans/)" if len(plans) > CORPUS_ABOVE else ""),
        "  clusters/, units/      one page per collaboration cluster and per unit",
        "  snapshots/             the main views as PNG for slides",
        "  data/assignments.csv   one row per measure, unit and role; opens in Excel",
        "  data/units.csv         every unit with measures led and supported",
        "  data/unit-lists.xlsx   each unit's list (责任清单): one sheet per unit, an index sheet",
        "  data/unit-lists/       each unit's list as CSV, one file per unit",
        "  data/queries/          each saved query's result as CSV",
        "  data/*.ttl             the plan as an RDF graph (Turtle)",
        "  data/stats.json        the key figures as JSON",
        "  data/validation.txt    SHACL validation report",
        "  assets/                the network-drawing script the pages share",
        "",
        f"{len(files)} files.",
    ]
    return "\n".join(lines) + "\n"
