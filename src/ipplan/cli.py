"""The ``ipplan`` command line: parses options, calls the library, prints. No logic here.

Errors are one line on stderr and a non-zero exit: 2 for bad input, 1 when validation finds
a graph that does not conform, 74 when the output could not be written (a full disk, a closed
standard output), 70 for a failure of ipplan's own, 128 + the signal's number when a signal stopped it (130 for
Ctrl-C, 143 for SIGTERM, 129 for SIGHUP).
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sys
from collections.abc import Callable, Sequence
import datetime
from pathlib import Path
from typing import Any, NoReturn

import click

from ipplan import __version__, usecases
from ipplan.console import ReaderGone, encoding_refusal, guard_stdout
from ipplan.errors import IpplanError
from ipplan.files import atomic_write_bytes, refuse_overwriting_sources
from ipplan.graph import reports
from ipplan.graph.endpoint import Endpoint, configured as configured_endpoint
from ipplan.graph.io import output_format as graph_format
from ipplan.graph.overload import where_flagged
from ipplan.graph.validate import RESULT_COLUMNS, validation_text
from ipplan.loaders import inspect_document
from ipplan.loaders.template import write_template
from ipplan.output import output_format, render, to_json, to_table, wants_bom
from ipplan.progress import reading, steps
from ipplan.queries import get_query, load_queries
from ipplan.stopping import WHAT, Stopped, ignored_from_now, received, stop_on
from ipplan.usecases import Corpus, Sources

OUTPUT_FORMATS = ("table", "csv", "json", "md")


def _flagged(analysis: Any, load: Any) -> str:
    """An overloaded or ubiquitous unit's name, with the plans it is flagged in when there are
    several plans: every city has its 市法院, every province its 省高级人民法院."""
    name = analysis.units[load.unit].name
    return f"{name}（{where_flagged(load, analysis.plans)[0]}）" if len(analysis.plans) > 1 else name


def _say(message: str) -> None:
    click.echo(message, err=True)


def _bars(items: Any, label: str, length: int | None = None) -> Any:
    return steps(items, label, length=length)


def _reading_bar(stream: Any, length: int) -> Any:
    return reading(stream, "reading the workspace", length=length)


def _loaded(verbose: bool) -> Callable[[Corpus], None]:
    """What the command line says as soon as the sources are read: the loaders' warnings,
    and with -v the debris they repaired."""
    def report(corpus: Corpus) -> None:
        for warning in corpus.load_warnings():
            _say(f"ipplan: warning: {warning}")
        if verbose:
            for note in corpus.notes:
                _say(f"ipplan: repaired: {note}")
    return report


def _store_option(help_text: str) -> Callable[..., Any]:
    return click.option("--store", "store", metavar="DIR",
                        type=click.Path(path_type=Path, dir_okay=True), help=help_text)


def _endpoint_options(command: Callable[..., Any]) -> Callable[..., Any]:
    command = click.option(
        "--update-endpoint", "update_endpoint", metavar="URL",
        help="The store's SPARQL Update URL (default: IPPLAN_SPARQL_UPDATE_ENDPOINT, else "
             "the one beside --endpoint: …/query -> …/update, GraphDB's "
             "/repositories/ID -> …/statements, else --endpoint itself).")(command)
    return click.option(
        "--endpoint", "endpoint", metavar="URL",
        help="A SPARQL 1.1 store's query URL (default: IPPLAN_SPARQL_ENDPOINT): the plans "
             "live there, one named graph per plan; credentials from IPPLAN_SPARQL_USER and "
             "IPPLAN_SPARQL_PASSWORD.")(command)


def _endpoint(url: str | None, update_url: str | None, paths: tuple[Path, ...],
              store: Path | None, *others: tuple[str, Any], writing: bool = False
              ) -> Endpoint | None:
    """The store named by --endpoint or, when no other place is named, by
    IPPLAN_SPARQL_ENDPOINT. Reading, SOURCE... and --store are other places; ``writing``
    (load), --store and ``others`` (the (option, value) pairs of other outputs) are."""
    if update_url and not url and not os.environ.get("IPPLAN_SPARQL_ENDPOINT"):
        raise click.UsageError("--update-endpoint goes with --endpoint URL")
    clashes = [option for option, value in (("--store", store), *others) if value]
    if not writing and paths:
        clashes.insert(0, "SOURCE...")
    if url is not None and clashes:
        hint = (" (the store already holds its plans; `ipplan load SOURCE... --endpoint URL` "
                "writes them)") if clashes[0] == "SOURCE..." else ""
        raise click.UsageError(f"give --endpoint URL or {clashes[0]}, not both{hint}")
    if url is None and clashes:
        return None  # IPPLAN_SPARQL_ENDPOINT is only the default place
    return configured_endpoint(url, update_url)


def source_options(command: Callable[..., Any], *, workspace: bool = True
                   ) -> Callable[..., Any]:
    """SOURCE... (or --store DIR) plus the options every command that reads plans takes,
    handed to the command as one ``source`` argument."""
    decorators = [
        click.argument("paths", nargs=-1, required=False, metavar="SOURCE...",
                       type=click.Path(path_type=Path, dir_okay=True)),
        click.option("--jurisdiction", metavar="NAME",
                     help="City or county the plans belong to (default: from each title)."),
        click.option("--plan-id", metavar="ID",
                     help="Id of the plan read from a single document (default: file name)."),
        click.option("--table", metavar="N|all",
                     help="Word: the table to read (number, or all); default: the first "
                          "with a recognised header."),
        click.option("--sheet", metavar="NAME",
                     help="Excel: the sheet to read; default: the first with a header."),
        _roles_option(),
        click.option("--registry", "registries", multiple=True, metavar="CSV",
                     type=click.Path(path_type=Path, dir_okay=False),
                     help="An extra unit registry file, over the packaged one."),
        click.option("-v", "--verbose", is_flag=True,
                     help="Also report the extraction debris that was repaired."),
    ]

    if workspace:
        decorators.append(_store_option(
            "Read the workspace written by `ipplan load ... --store DIR` instead of SOURCE."))

    @functools.wraps(command)
    def run(*args: Any, paths: tuple[Path, ...], jurisdiction: str | None,
            plan_id: str | None, table: str | None, sheet: str | None,
            registries: tuple[Path, ...], verbose: bool, roles: str | None,
            **kwargs: Any) -> Any:
        store = kwargs.pop("store", None) if workspace else None
        # load (no workspace to read) takes --endpoint as the place to write, itself
        endpoint = _endpoint(kwargs.pop("endpoint"), kwargs.pop("update_endpoint"), paths,
                             store) if workspace else None
        _check_sources(paths, store, required=endpoint is None)
        for key, option in (("output", "-o"), ("store", "--store")):
            if kwargs.get(key) is not None:
                refuse_overwriting_sources(kwargs[key], paths, option)
        source = Sources(paths, jurisdiction, plan_id, table, sheet, registries, store, roles,
                         endpoint=endpoint, progress=_bars, progress_bytes=_reading_bar,
                         on_open=_loaded(verbose))
        return command(*args, source=source, **kwargs)

    if workspace:
        run = _endpoint_options(run)
    for decorator in reversed(decorators):
        run = decorator(run)
    return run


# The role rules of ipplan.loaders.roles.RoleRule, named here so that the command line starts
# without importing the loaders (tests/test_real_text.py holds the two lists equal).
ROLE_RULES = ("first-leads", "all-lead", "all-support")


def _roles_option() -> Callable[..., Any]:
    return click.option(
        "--roles", type=click.Choice(ROLE_RULES), default=None,
        help="Text plans: how a unit list with no 牵头 marker is read (X、Y负责, a lone "
             "责任单位 list): first-leads (the first listed leads, the others support), "
             "all-lead or all-support. Default: the rule the document states "
             "(列第一位者为牵头单位), else first-leads.")


def _day(_ctx: click.Context | None, _param: click.Parameter | None,
         value: str | None) -> str:
    """--as-of: a day YYYY-MM-DD (today when not given)."""
    from ipplan.queries import is_day

    if value is None:
        return datetime.date.today().isoformat()
    if not is_day(value):
        raise click.BadParameter(f"{value!r} is not a day written YYYY-MM-DD")
    return value


def as_of_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """--as-of YYYY-MM-DD: the day deadlines are judged by (a measure due in a month is late
    from the first day of the next); pages and the pack say it, so that the same input and
    the same --as-of give the same bytes."""
    return click.option(
        "--as-of", "as_of", metavar="YYYY-MM-DD", callback=_day,
        help="The day deadlines are judged by: measures due before its month and not done "
             "are overdue [default: today].")(command)


def _check_sources(paths: tuple[Path, ...], store: Path | None, required: bool = True
                   ) -> None:
    if paths and store is not None:
        raise click.UsageError("give SOURCE... or --store DIR, not both (a workspace already "
                               "holds its plans; `ipplan load` writes a new one)")
    if required and not paths and store is None:
        raise click.UsageError("name at least one SOURCE (document or graph file), or "
                               "--store DIR")


def output_options(default: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """--format/--json/--csv and -o, meaning the same in every command: the suffix of -o
    picks the format (.csv, .json, .md, .txt), a flag may confirm it but not contradict it,
    and standard output gets the flag's format or ``default``."""
    def wrap(command: Callable[..., Any]) -> Callable[..., Any]:
        decorators = [
            click.option("--format", "fmt", type=click.Choice(OUTPUT_FORMATS), default=None,
                         help=f"Output format (default: from the suffix of -o; {default} on "
                              "standard output)."),
            click.option("--json", "as_json", is_flag=True, help="Same as --format json."),
            click.option("--csv", "as_csv", is_flag=True, help="Same as --format csv."),
            click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
                         help="Write to this file instead of standard output; its suffix "
                              "(.csv, .json, .md, .txt) picks the format."),
        ]
        for decorator in reversed(decorators):
            command = decorator(command)

        @functools.wraps(command)
        def run(*args: Any, fmt: str | None, as_json: bool, as_csv: bool, **kwargs: Any) -> Any:
            if sum(bool(x) for x in (fmt, as_json, as_csv)) > 1:
                raise click.UsageError("give one of --format, --json, --csv")
            given, given_as = (("json", "--json") if as_json else ("csv", "--csv") if as_csv
                               else (fmt, None))
            chosen = output_format(kwargs.get("output"), given, default, given_as)
            return command(*args, fmt=chosen, **kwargs)
        return run
    return wrap


def _emit(text: str, output: Path | None, fmt: str = "") -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    atomic_write_bytes(output, ("\ufeff" if wants_bom(fmt, output) else "").encode("utf-8")
                       + text.encode("utf-8"))
    _say(f"ipplan: wrote {output}")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ipplan")
def cli() -> None:
    """ipplan turns government plan task tables (重点任务分解表) into a knowledge graph.

    Every command that reads a plan takes documents (.txt, .md, .docx, .xlsx, .csv, .html,
    .pdf; .doc, .xls, .wps, .et through LibreOffice) or graph files written by `ipplan load`
    (.ttl, .nt, .nq, .trig, .jsonld, .rdf), one or several, or --store DIR, a
    workspace written by `ipplan load ... --store DIR`.
    """


@cli.command()
@functools.partial(source_options, workspace=False)
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help="Graph file to write; the suffix picks the format (.ttl, .nt, .nq, .trig, "
                   ".jsonld, .rdf/.xml/.owl for RDF/XML).")
@click.option("--format", "fmt", type=click.Choice(["turtle", "nt", "nquads", "trig",
                                                    "json-ld", "xml"]),
              help="Graph format for standard output (default: turtle); with -o it must be "
                   "the one the suffix names.")
@_store_option("Also write the graph as a workspace (an Oxigraph store on disk) in this "
               "folder; every reading command then answers from it with --store DIR.")
@_endpoint_options
def load(source: Sources, output: Path | None, fmt: str | None, store: Path | None,
         endpoint: str | None, update_endpoint: str | None) -> None:
    """Read plan documents into one RDF graph, with the analytics (clusters, load,
    overload flags) written in as facts; with --endpoint, into a SPARQL store, one named
    graph per plan."""
    store_endpoint = _endpoint(endpoint, update_endpoint, source.paths, store,
                               ("-o", output), ("--format", fmt), writing=True)
    if store_endpoint is not None:
        if not source.paths:
            raise click.UsageError("name the plan documents to write into the store")
        stored = usecases.load_into_endpoint(source, store_endpoint)
        figures = stored.figures
        _say(f"ipplan: wrote {len(stored.written)} plan graph(s) and the analysis graph into "
             f"{store_endpoint}: {figures['plans']} plan(s), {figures['measures']} measures; "
             f"the store holds {len(stored.held)} plan(s); read them with --endpoint "
             f"{store_endpoint}")
        return
    if output is not None:  # before any work: a file ipplan could not read back is refused
        fmt = graph_format(output, fmt)
    loaded = usecases.load(source, output=output, fmt=fmt, store=store)
    figures = loaded.figures
    if loaded.workspace is not None:
        _say(f"ipplan: wrote workspace {store}: {figures['plans']} plan(s), "
             f"{figures['measures']} measures, {loaded.workspace.triples} triples; read it with "
             f"--store {store}")
    if output is not None:
        _say(f"ipplan: wrote {output}: {figures['plans']} plan(s), {figures['measures']} "
             f"measures, {loaded.triples} triples")
    elif store is None:
        sys.stdout.buffer.write(usecases.graph_bytes(loaded.corpus, fmt))
        sys.stdout.flush()


@cli.command()
@source_options
@click.option("--plan", "plan", metavar="ID", help="Only this plan (see `ipplan plans`).")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
def stats(source: Sources, plan: str | None, as_json: bool) -> None:
    """Count plans, themes, tasks, measures, units and deadlines."""
    figures = usecases.figures(source, plan)
    if as_json:
        click.echo(json.dumps(figures, ensure_ascii=False, indent=2))
        return
    rows = [{"figure": key, "value": value} for key, value in figures.items()
            if not isinstance(value, (dict, list))]
    click.echo(to_table(rows, ("figure", "value")), nl=False)
    if len(figures["by_plan"]) > 1:
        click.echo("\nby plan:")
        click.echo(to_table(figures["by_plan"], reports.PLAN_COLUMNS), nl=False)
    if figures["role_rules"]:
        click.echo("\nrole rules:")
        click.echo(to_table([{"plan": k, "rule": v} for k, v in figures["role_rules"].items()],
                            ("plan", "rule")), nl=False)
    for name in ("deadlines", "open_deadlines"):
        if figures[name]:
            click.echo(f"\n{name.replace('_', ' ')}:")
            click.echo(to_table([{"deadline": k, "measures": v}
                                 for k, v in figures[name].items()],
                                ("deadline", "measures")), nl=False)


@cli.command()
@click.argument("document", type=click.Path(path_type=Path, dir_okay=True))
@click.option("--jurisdiction", metavar="NAME",
              help="City or county the plan belongs to (default: from its title or issuer).")
@_roles_option()
@click.option("--table", metavar="N|all", help="Word: the table to read.")
@click.option("--sheet", metavar="NAME", help="Excel: the sheet to read.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def inspect(document: Path, jurisdiction: str | None, roles: str | None, table: str | None,
            sheet: str | None, as_json: bool) -> None:
    """What ipplan recognises in a plan document: layout, title, jurisdiction and level,
    numbering, labels or columns, the role rule and where it came from, lines skipped."""
    report = inspect_document(document, jurisdiction=jurisdiction, roles=roles, table=table,
                              sheet=sheet)
    if as_json:
        click.echo(json.dumps(dict(report), ensure_ascii=False, indent=2))
        return
    for key, value in report:
        if isinstance(value, list):
            click.echo(f"{key}:" + ("" if value else " none"))
            for entry in value:
                click.echo(f"  {entry}")
        else:
            click.echo(f"{key}: {value}")


@cli.command()
@source_options
@click.option("--plan", "plan", metavar="ID", help="Only this plan.")
@click.option("--by-unit", "by_unit", metavar="DIR",
              type=click.Path(path_type=Path, dir_okay=True),
              help="Instead: each unit's list (责任清单) into DIR, as unit-lists.xlsx (a sheet "
                   "per unit) and unit-lists/UNIT.csv, as the briefing pack holds them.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language of the lists' headings and roles (with --by-unit).")
@output_options(default="csv")
def export(source: Sources, plan: str | None, by_unit: Path | None, lang: str, fmt: str,
           output: Path | None) -> None:
    """The assignment table: one row per measure, unit and role; or with --by-unit, each
    unit's list of measures."""
    if by_unit is not None:
        if output is not None:
            raise click.UsageError("--by-unit writes a folder; -o cannot be used with it")
        written = usecases.export_by_unit(source, by_unit, plan=plan, lang=lang)
        _say(f"ipplan: wrote {len(written) - 1} unit list(s) to {by_unit}: "
             f"{written[0]} and {len(written) - 1} CSV file(s)")
        return
    rows = usecases.assignment_table(source, plan)
    _emit(render(rows, reports.ASSIGNMENT_COLUMNS, fmt), output, fmt)


@cli.command()
@source_options
@click.option("--plan", "plan", metavar="ID", help="Only this plan.")
@click.option("--unregistered", is_flag=True, help="Only units missing from the registry.")
@output_options(default="table")
def units(source: Sources, plan: str | None, unregistered: bool,
          fmt: str, output: Path | None) -> None:
    """The units a plan names, as the registry knows them."""
    table = usecases.unit_table(source, plan, only_unregistered=unregistered)
    _emit(render(table.rows, reports.UNIT_COLUMNS, fmt), output, fmt)
    _say(f"ipplan: {len(table.rows)} unit(s); not in the registry: "
         f"{'、'.join(table.unregistered) if table.unregistered else 'none'}")


@cli.command()
@source_options
@output_options(default="table")
def plans(source: Sources, fmt: str, output: Path | None) -> None:
    """The plans in the sources, with their ids (for --plan)."""
    _emit(render(usecases.plan_table(source), reports.PLAN_COLUMNS, fmt), output, fmt)


@cli.command()
@source_options
@output_options(default="table")
@click.pass_context
def validate(ctx: click.Context, source: Sources, fmt: str,
             output: Path | None) -> None:
    """Check the graph against the SHACL shapes; exit 1 when it does not conform."""
    check = usecases.check(source)
    if fmt == "json":
        text = to_json({"conforms": check.conforms, "checked": check.checked,
                        "results": list(check.results)})
    elif fmt == "table":
        text = validation_text(check)
    else:
        text = render(list(check.results), RESULT_COLUMNS, fmt)
    _emit(text, output, fmt)
    ctx.exit(0 if check.conforms else 1)


@cli.command()
@source_options
@click.option("-o", "--output", "folder", required=True,
              type=click.Path(path_type=Path, file_okay=False),
              help="Folder for the pack (made if missing).")
@click.option("--force", is_flag=True, help="Write into a non-empty folder ipplan did not make.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language the pages open in (each has a switch).")
@click.option("--no-snapshots", is_flag=True, help="Skip the PNG snapshots (no Chromium).")
@as_of_option
def brief(source: Sources, folder: Path, force: bool, lang: str, no_snapshots: bool,
          as_of: str) -> None:
    """Build the briefing pack: pages, snapshots, tables, query results, figures."""
    from ipplan.viz.pack import ENTRIES  # drawing needs pyvis and networkx: import on use

    for entry in ENTRIES:  # the pack replaces these entries of the folder whole
        refuse_overwriting_sources(folder / entry, source.paths)
    corpus, pack = usecases.brief(source, folder, force=force, lang=lang,
                                  snapshots=not no_snapshots, today=as_of)
    for warning in pack.warnings:
        _say(f"ipplan: warning: {warning}")
    figures = pack.stats
    click.echo(f"plans {figures['plans']}  themes {figures['themes']}  tasks {figures['tasks']}  "
               f"measures {figures['measures']}  units {figures['units']}  "
               f"lead {figures['lead_assignments']}  support {figures['support_assignments']}")
    analysis = corpus.analysis
    click.echo(f"clusters {len(analysis.clusters)}  overloaded "
               + ("、".join(_flagged(analysis, l) for l in analysis.overloaded) or "none")
               + "  ubiquitous "
               + ("、".join(_flagged(analysis, l) for l in analysis.ubiquitous) or "none"))
    click.echo("validation: " + ("conforms" if pack.validation.conforms
                                 else f"{pack.validation.violations} violation(s), "
                                      "see data/validation.txt"))
    click.echo(f"{len(pack.files)} files; open {folder / 'index.html'}")
    click.echo(f"briefing pack: {folder.resolve()}")


@cli.group()
def viz() -> None:
    """Interactive network pages (offline HTML)."""


def _page_options(command: Callable[..., Any]) -> Callable[..., Any]:
    for decorator in reversed([
        click.option("-o", "--output", required=True,
                     type=click.Path(path_type=Path, dir_okay=False), help="The .html to write."),
        click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
                     help="Language the page opens in (it has a switch)."),
        click.option("--include-collectives", is_flag=True,
                     help="Keep collective and ubiquitous units in the network and its analytics."),
        as_of_option,
    ]):
        command = decorator(command)
    return command


def _write_single_page(builder: Callable[..., Any], source: Sources, output: Path, lang: str,
                       include_collectives: bool, as_of: str, *args: Any,
                       **kwargs: Any) -> None:
    from ipplan.viz.render import write_page  # drawing needs pyvis: import on use

    page = usecases.page(builder, source, *args, today=as_of,
                         include_collectives=include_collectives, **kwargs)
    write_page(page, output, lang=lang)
    click.echo(f"{page.kind} page: {len(page.nodes)} nodes, {len(page.edges)} edges: "
               f"{output.resolve()}")


@viz.command("network")
@source_options
@_page_options
@click.option("--color-by", type=click.Choice(["cluster", "kind"]), default="cluster",
              show_default=True, help="Colour units by collaboration cluster or by kind.")
def viz_network(source: Sources, output: Path, lang: str, include_collectives: bool,
                as_of: str, color_by: str) -> None:
    """Units and who works with whom (co-assignment edges)."""
    from ipplan.viz.views.network import network_page  # drawing needs pyvis: import on use

    _write_single_page(network_page, source, output, lang, include_collectives, as_of,
                       colour_by=color_by)


@viz.command("plan")
@source_options
@_page_options
@click.option("--plan", "plan", metavar="ID", help="Only this plan.")
def viz_plan(source: Sources, output: Path, lang: str, include_collectives: bool,
             as_of: str, plan: str | None) -> None:
    """Theme -> task -> measure -> units."""
    from ipplan.viz.views.plan import plan_page  # drawing needs pyvis: import on use

    _write_single_page(plan_page, source, output, lang, include_collectives, as_of, plan=plan)


@viz.command("unit")
@click.argument("unit")
@source_options
@_page_options
def viz_unit(unit: str, source: Sources, output: Path, lang: str,
             include_collectives: bool, as_of: str) -> None:
    """One unit's measures and partners (UNIT: its name in Chinese or English)."""
    from ipplan.viz.views.unit import unit_page  # drawing needs pyvis: import on use

    _write_single_page(unit_page, source, output, lang, include_collectives, as_of, unit)


@viz.command("cluster")
@click.argument("number", type=int)
@source_options
@_page_options
def viz_cluster(number: int, source: Sources, output: Path, lang: str,
                include_collectives: bool, as_of: str) -> None:
    """One collaboration cluster (NUMBER as `ipplan query run collaboration-clusters` shows)."""
    from ipplan.viz.views.cluster import cluster_page  # drawing needs pyvis: import on use

    _write_single_page(cluster_page, source, output, lang, include_collectives, as_of, number)


@viz.command("deadlines")
@source_options
@_page_options
def viz_deadlines(source: Sources, output: Path, lang: str, include_collectives: bool,
                  as_of: str) -> None:
    """Units against months (measures due, lead and support) and the deadlines over time,
    with what is overdue as of --as-of."""
    from ipplan.viz.views.deadlines import deadline_page, write_deadline_page  # on use

    page = usecases.page(deadline_page, source, today=as_of,
                         include_collectives=include_collectives)
    write_deadline_page(page, output, lang=lang)
    overdue = sum(1 for m in page.measures if m["overdue"])
    click.echo(f"deadlines page: {len(page.measures)} measures ({overdue} overdue as of "
               f"{as_of}), {len(page.units)} units: {output.resolve()}")


@cli.group()
def query() -> None:
    """Saved queries (SPARQL and Cypher): list, show, run."""


def _queries_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--queries", "query_dirs", multiple=True, metavar="DIR",
        type=click.Path(path_type=Path, file_okay=False),
        help="A folder of your own saved queries (also IPPLAN_QUERIES).")(command)


@query.command("list")
@_queries_option
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def query_list(query_dirs: tuple[Path, ...], as_json: bool) -> None:
    """The saved queries, with their titles, where each comes from (packaged, or yours, and
    whether yours replaces a packaged one) and their parameters."""
    rows = [{"name": q.name, "title": q.title_zh, "title_en": q.title_en,
             "engines": "/".join(e for e in ("sparql", "cypher") if e in q.texts),
             "origin": q.origin,
             "parameters": ", ".join(
                 f"{p.name}" + ("" if p.required else f"={p.default}")
                 for p in q.parameters.values()),
             "columns": ", ".join(q.columns)}
            for q in load_queries(list(query_dirs)).values()]
    columns = ("name", "title", "title_en", "engines", "origin", "parameters", "columns")
    click.echo(to_json(rows, columns) if as_json else to_table(rows, columns[:6], max_width=60),
               nl=False)


@query.command("show")
@click.argument("name")
@_queries_option
@click.option("--engine", type=click.Choice(["sparql", "cypher"]), default=None,
              help="Show only this engine's text.")
def query_show(name: str, query_dirs: tuple[Path, ...], engine: str | None) -> None:
    """A saved query: what it answers, its parameters and its text."""
    saved = get_query(name, list(query_dirs))
    click.echo(f"{saved.name}: {saved.title}\n{saved.description}\norigin: {saved.origin}\n")
    for parameter in saved.parameters.values():
        default = "required" if parameter.required else f"default {parameter.default}"
        click.echo(f"  -p {parameter.name}=…  ({default}; {parameter.takes}) {parameter.help}")
    click.echo(f"columns: {', '.join(saved.columns)}")
    for name_, text in saved.texts.items():
        if engine in (None, name_):
            click.echo(f"\n--- {saved.paths[name_]}\n{text.rstrip()}")


@query.command("run")
@click.argument("name")
@click.argument("paths", nargs=-1, metavar="[SOURCE...]",
                type=click.Path(path_type=Path, dir_okay=True))
@click.option("--engine", type=click.Choice(["sparql", "cypher"]), default="sparql",
              show_default=True, help="Answer with SPARQL (rdflib) or Cypher (over Bolt).")
@click.option("-p", "--param", "params", multiple=True, metavar="KEY=VALUE",
              help="A query parameter (see `ipplan query show NAME`).")
@click.option("--jurisdiction", metavar="NAME", help="City or county of the plans.")
@click.option("--include-collectives", is_flag=True,
              help="Keep collective units (各县（市）区政府, …) and ubiquitous ones in the analytics.")
@_store_option("Answer from the workspace written by `ipplan load ... --store DIR`.")
@_endpoint_options
@_queries_option
@as_of_option
@output_options(default="table")
def query_run(name: str, paths: tuple[Path, ...], engine: str, params: tuple[str, ...],
              jurisdiction: str | None, include_collectives: bool, store: Path | None,
              endpoint: str | None, update_endpoint: str | None,
              query_dirs: tuple[Path, ...], as_of: str, fmt: str, output: Path | None) -> None:
    """Run a saved query on the plans in SOURCE... (with --engine cypher and no SOURCE, on
    the database at NEO4J_URI, read-only)."""
    given = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise click.UsageError(f"-p takes KEY=VALUE, not {item!r}")
        given[key.strip()] = value
    _check_sources(paths, store, required=False)
    # a Cypher query without sources reads the Bolt database: the store is not its default
    store_endpoint = _endpoint(endpoint, update_endpoint, paths, store) \
        if engine == "sparql" or endpoint else None
    if store_endpoint is not None and engine == "cypher":
        raise click.UsageError("--endpoint answers SPARQL; --engine cypher reads the Bolt "
                               "database (NEO4J_URI) or the sources")
    if output is not None:
        refuse_overwriting_sources(output, paths)
    saved = get_query(name, list(query_dirs))
    if saved.replaces:
        _say(f"ipplan: warning: query {name} is yours "
             f"({', '.join(str(p) for p in saved.paths.values())}) and replaces "
             f"{', '.join(str(p) for p in saved.replaces)}")
    if engine == "cypher" and (paths or store) and os.environ.get("NEO4J_URI"):
        _say("ipplan: answering from the embedded server; NEO4J_URI is only read by "
             "`neo4j push` and by `query run --engine cypher` without sources")
    source = Sources(paths, jurisdiction, store=store, endpoint=store_endpoint, progress=_bars,
                     progress_bytes=_reading_bar, on_open=_loaded(False))
    rows = usecases.answer(saved, given, source if paths or store or store_endpoint else None,
                           engine=engine, include_collectives=include_collectives, today=as_of)
    _emit(render(rows, saved.columns, fmt), output, fmt)


@cli.group()
def neo4j() -> None:
    """The graph in Neo4j (NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE), or in the
    embedded Bolt server when NEO4J_URI is not set."""


@neo4j.command("push")
@source_options
@click.option("--wipe", is_flag=True, help="First remove these plans' nodes (only theirs).")
@click.option("--include-collectives", is_flag=True,
              help="Keep collective and ubiquitous units in the analytics pushed with the graph.")
def neo4j_push(source: Sources, wipe: bool, include_collectives: bool) -> None:
    """Push the plans (with clusters and load) as a property graph; pushing twice is a no-op."""
    done = usecases.push(source, wipe=wipe, include_collectives=include_collectives)
    rows = [{"what": k, "pushed": done.pushed.get(k, 0), "in database": done.held.get(k, 0)}
            for k in done.held]
    click.echo(to_table(rows, ("what", "pushed", "in database")), nl=False)
    click.echo(f"pushed to {done.target}")
    if done.embedded:
        click.echo("note: the embedded server lasts for this command only; set NEO4J_URI to "
                   "keep the graph in a Neo4j server")


@neo4j.command("status")
def neo4j_status() -> None:
    """Which Bolt server ipplan uses, whether it answers, and what it holds."""
    target, held = usecases.database_status()
    click.echo(f"server: {target}: reachable")
    click.echo(to_table([{"what": k, "count": v} for k, v in held.items()], ("what", "count")),
               nl=False)


@cli.command()
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="The .xlsx file to write.")
@click.option("--title", help="The plan's title for the first row (it names the city).")
def template(output: Path, title: str | None) -> None:
    """Write an empty Excel task table (with an example row) that ipplan reads."""
    if output.suffix.lower() != ".xlsx":
        raise IpplanError("the template is an Excel workbook: name it *.xlsx", where=output)
    write_template(output, title)
    click.echo(f"template: {output.resolve()}")


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: run the command, turning every failure into one line and an exit code.

    Ctrl-C, SIGTERM and SIGHUP stop the command the same way (see :mod:`ipplan.stopping`):
    what it was making is cleaned up, then one line ("ipplan: interrupted", "terminated",
    "hung up") and the exit code 128 + the signal's number (130, 143, 129)."""
    guard_stdout()
    stop_on()
    try:
        code, say = _run(argv)
        # The command is over; what is left is the cleanup (the embedded server stops and its
        # folder goes). A signal in the middle of it left the server running, and its threads
        # then kept the process from ever ending.
        ignored_from_now()
    except Stopped:  # as the command ended (the first is all there is: the rest are ignored)
        code, say = None, None
    number = received()
    if number is not None:
        code, say = 128 + number, f"ipplan: {WHAT[number]}"
    elif code is None:  # Abort or KeyboardInterrupt with no signal: Ctrl-C all the same
        code, say = 130, "ipplan: interrupted"
    with contextlib.suppress(OSError):  # a terminal that hung up hears nothing
        if callable(say):
            say()
        elif say:
            _say(say)
    _leave(code)


def _run(argv: Sequence[str] | None) -> tuple[int | None, Any]:
    """Run the command: its exit code (None when it was stopped) and what to tell the user
    (a line, or a callable that tells it), once it is known that no signal stopped it."""
    try:
        code = cli.main(args=list(argv) if argv is not None else None, prog_name="ipplan",
                        standalone_mode=False)
        sys.stdout.flush()  # a failure to deliver the last of the output is an error too
        return (code if isinstance(code, int) else 0), None
    except (click.exceptions.Abort, KeyboardInterrupt, Stopped):
        ignored_from_now()
        return None, None
    except click.ClickException as exc:
        return exc.exit_code, exc.show
    except IpplanError as exc:
        return exc.exit_code, f"ipplan: error: {exc}"
    except ReaderGone:
        return 0, None
    except UnicodeEncodeError as exc:
        refusal = encoding_refusal(exc)
        if refusal is not None:
            return 2, f"ipplan: error: {refusal}"
        return _internal_error(exc)
    except Exception as exc:  # the promise is one line, never a traceback
        return _internal_error(exc)


def _internal_error(exc: Exception) -> tuple[int, str]:
    """A failure that is ipplan's own, not the user's: exit 70 and one line."""
    if os.environ.get("IPPLAN_DEBUG") and received() is None:
        raise exc
    detail = " ".join(str(exc).split())[:300]
    return 70, (f"ipplan: internal error: {type(exc).__name__}: {detail} "
                "(set IPPLAN_DEBUG=1 to see the traceback, and please report it)")


def _leave(code: int) -> NoReturn:
    """Exit with ``code``. A command that started the JVM of the embedded Bolt server stops the
    server here and ends at once: Python's own exit tears the JVM down, which waits for every
    Java thread and hands Ctrl-C back to the system, so one more Ctrl-C printed a JPype
    traceback and killed the process by signal."""
    jpype = sys.modules.get("jpype")
    if jpype is None or not jpype.isJVMStarted():
        sys.exit(code)
    from ipplan.cypher import embedded_server  # the Bolt stage: only once its JVM is up

    embedded_server().stop()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # a closed pipe has nothing left to say
            stream.flush()
    os._exit(code)
