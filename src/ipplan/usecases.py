"""What ipplan does, once: the use cases that the command line (and any other front end)
call. Each takes what the user named and returns values and warnings; none prints, and none
knows about the terminal (progress is a callback the front end may pass).

From the paths a user names to one graph: documents are loaded and built, graph files written
by ``ipplan load`` are parsed, and both end in the same graph, so every reading use case
behaves the same on either. A shared SPARQL store (``--endpoint URL``) holds one named graph
per plan and one for their analytics (:mod:`ipplan.graph.endpoint`): ``load`` writes them,
saved SPARQL queries are answered by the store, and the other reading use cases read the
plans' graphs into memory, so every answer is the one the same plans give from memory.
"""

from __future__ import annotations

import datetime
import functools
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from rdflib import Graph

from ipplan.errors import InputError, IpplanError
from ipplan.files import atomic_write_bytes, refuse_overwriting_sources
from ipplan.graph import reports
from ipplan.graph.analytics import Parameters, analyse, write_analysis
from ipplan.graph.build import build_graph
from ipplan.graph.endpoint import ANALYSIS_GRAPH, Endpoint, plan_graph
from ipplan.graph.lists import unit_lists
from ipplan.graph.io import is_graph_file, read_graph, serialize, sorted_ntriples, write_graph
from ipplan.graph.registry import Registry
from ipplan.graph.engine import add_graph, new_graph, triple_count, writable_copy
from ipplan.graph.facts import Facts, read_facts
from ipplan.graph.workspace import (ReadProgress, Workspace, describe,
                                    open_workspace as open_store, read_workspace,
                                    write_workspace)
from ipplan.graph.validate import ValidationReport, validate, validation_text
from ipplan.loaders import is_document, load_document
from ipplan.model import LoadWarning, Plan
from ipplan.output import excel_csv
from ipplan.queries import (SavedQuery, load_queries, run_cypher, run_sparql,
                            run_sparql_endpoint)
from ipplan.viz.lists import CSV_FOLDER, by_unit_files

T = TypeVar("T")
# Progress over a sequence of work: (items, label, length or None) -> the same items. The
# command line draws a bar; anything else may pass nothing.
Progress = Callable[[Iterable[Any], str, "int | None"], Iterable[Any]]


def _quietly(items: Iterable[T], _label: str, _length: int | None = None) -> Iterable[T]:
    return items


@dataclass
class Corpus:
    """The graph made from the sources, the plans read from documents on the way, and what
    the loaders reported."""

    graph: Graph
    plans: list[Plan] = field(default_factory=list)
    analysis: Any = None  # the Analysis written into the graph, once analysed
    workspace: Workspace | None = None  # the workspace the graph was opened from
    writable: bool = True  # False for a workspace's store on disk, which is read-only
    held_analysis: str | None = None  # the key of the analysis already in the graph, if any

    @property
    def warnings(self) -> list[LoadWarning]:
        return [w for plan in self.plans for w in plan.warnings]

    @property
    def notes(self) -> list[LoadWarning]:
        return [n for plan in self.plans for n in plan.notes]

    def load_warnings(self) -> list[str]:
        """The loaders' warnings kept in the graph, in document order (a graph file's
        too: :func:`ipplan.graph.reports.load_warnings`)."""
        return reports.load_warnings(self.graph)


def open_sources(
    paths: Sequence[str | Path],
    *,
    jurisdiction: str | None = None,
    plan_id: str | None = None,
    table: str | None = None,
    sheet: str | None = None,
    registry: Registry | None = None,
    roles: str | None = None,
    progress: Progress = _quietly,
) -> Corpus:
    """Read every path into one graph. ``plan_id`` names the plan of a single document;
    two documents that would get the same plan id are refused. ``roles`` is the role rule
    for text plans' unmarked unit lists (see :func:`ipplan.loaders.load_document`)."""
    registry = registry or Registry.load()
    corpus = Corpus(new_graph())
    corpus.plans = _read_documents(paths, corpus.graph, jurisdiction=jurisdiction,
                                   plan_id=plan_id, table=table, sheet=sheet, roles=roles,
                                   progress=progress)
    build_graph(progress(corpus.plans, "building", len(corpus.plans)), registry, corpus.graph)
    return corpus


def _read_documents(paths: Sequence[str | Path], graph: Graph | None, *,
                    jurisdiction: str | None, plan_id: str | None, table: str | None,
                    sheet: str | None, roles: str | None, progress: Progress) -> list[Plan]:
    """The plans of the documents among ``paths``; graph files are parsed into ``graph``
    (None: they are refused, for a use case that needs each plan's own records)."""
    if not paths:
        raise InputError("name at least one document or graph file")
    documents = [Path(p) for p in paths if not is_graph_file(Path(p))]
    if plan_id and len(documents) > 1:
        raise InputError("--plan-id names one plan; it cannot be used with several documents")
    plans: list[Plan] = []
    seen: dict[str, Path] = {}
    for raw in progress(paths, "reading", len(paths)):
        path = Path(raw)
        if is_graph_file(path):
            if graph is None:
                raise InputError("--endpoint writes one named graph per plan, made from the "
                                 "plan's document; give the documents, not a graph file",
                                 where=path)
            read_graph(path, graph)
            continue
        if not is_document(path) and path.exists():
            raise InputError(f"unsupported file type {path.suffix!r}: give a plan document "
                             "(.txt, .md, .docx, .xlsx, .csv, .html, .pdf, .doc, .xls, …) or a "
                             "graph file (.ttl, .nt, .nq, .trig, .jsonld, .rdf)", where=path)
        plan = load_document(path, plan_id=plan_id, jurisdiction=jurisdiction,
                             table=table, sheet=sheet, roles=roles)
        if plan.id in seen:
            raise InputError(f"plan id {plan.id!r} is already taken by {seen[plan.id]}; "
                             "rename one file", where=path)
        seen[plan.id] = path
        plans.append(plan)
    return plans


def open_workspace(path: str | Path, *, whole: bool = False,
                   progress: ReadProgress | None = None) -> Corpus:
    """The corpus of a workspace written by ``ipplan load --store``, answered from its store
    on disk (read-only); with ``whole``, for a command that reads most of the graph (a pack,
    a page, a validation, a push), read into memory from its snapshot, where each of those
    many lookups is three to four times faster than in RocksDB."""
    path = Path(path)
    if whole:
        return Corpus(read_workspace(path, progress=progress), workspace=describe(path))
    return Corpus(open_store(path), workspace=describe(path), writable=False)


def endpoint_graphs(endpoint: Endpoint) -> list[str]:
    """The named graphs of the plans in the store; a store without any is refused."""
    graphs = endpoint.plan_graphs()
    if not graphs:
        raise IpplanError(f"the SPARQL store holds no ipplan plan (no named graph under "
                          f"{plan_graph('')}); write some with `ipplan load PLAN... "
                          f"--endpoint URL`", where=endpoint)
    return graphs


def open_endpoint(endpoint: Endpoint) -> Corpus:
    """The corpus held in a SPARQL store: its plans' graphs and their analysis, read into
    memory (a page, a pack, an export or a validation reads most of the graph)."""
    graph = new_graph()
    endpoint.construct_into(graph, endpoint.graphs_to_read(endpoint_graphs(endpoint)))
    return Corpus(graph, held_analysis=endpoint.analysis_key())


def analysed(corpus: Corpus, values: dict[str, Any] | None = None, *,
             include_collectives: bool = False, needed: bool = True) -> Corpus:
    """Run the analytics on the corpus' graph with the given parameters (a saved query's
    values; anything not given keeps its default) and write the results into the graph.

    A workspace already holds the analysis it was written with: with those parameters
    nothing is written, and with ``needed`` false (a query reads the facts, not the
    Analysis object) nothing is computed either. Other parameters are written into an
    in-memory copy; the workspace on disk never changes."""

    parameters = Parameters.from_values(
        {**(values or {}), "include_collectives": include_collectives})
    held = corpus.held_analysis == parameters.key() or (
        corpus.workspace is not None and corpus.workspace.analysis == parameters.key())
    if held and not needed:
        return corpus
    corpus.analysis = analyse(corpus.graph, parameters)
    if not held:
        if not corpus.writable:
            corpus.graph, corpus.writable = writable_copy(corpus.graph), True
        write_analysis(corpus.graph, corpus.analysis)
    return corpus


@dataclass(frozen=True)
class Sources:
    """The documents or graph files a use case reads, and how to read them; or a workspace
    (``store``) written by :func:`load`."""

    paths: tuple[Path, ...] = ()
    jurisdiction: str | None = None
    plan_id: str | None = None
    table: str | None = None
    sheet: str | None = None
    registries: tuple[Path, ...] = ()
    store: Path | None = None
    roles: str | None = None
    endpoint: Endpoint | None = None  # a shared SPARQL store holding the plans
    # How a front end follows the reading: progress over documents, and what it does with a
    # corpus as soon as it is read (the command line reports the loaders' warnings then, so
    # that they come before the use case's own output or failure).
    progress: Progress = field(default=_quietly, compare=False)
    progress_bytes: ReadProgress | None = field(default=None, compare=False)  # a snapshot read
    on_open: Callable[[Corpus], None] | None = field(default=None, compare=False)

    def open(self, *, whole: bool = False) -> Corpus:
        """Read the sources (or open the workspace) into one corpus; ``whole`` when the use
        case reads most of the graph (see :func:`open_workspace`). The loaders' warnings are
        in the graph (:func:`ipplan.graph.reports.load_warnings`) and the corpus' notes."""
        if self.endpoint is not None:
            corpus = open_endpoint(self.endpoint)
        elif self.store is not None:
            corpus = open_workspace(self.store, whole=whole, progress=self.progress_bytes)
        else:
            corpus = open_sources(
                self.paths, jurisdiction=self.jurisdiction, plan_id=self.plan_id,
                table=self.table, sheet=self.sheet, registry=Registry.load(list(self.registries)),
                roles=self.roles, progress=self.progress)
        if self.on_open is not None:
            self.on_open(corpus)
        return corpus


@dataclass(frozen=True)
class Loaded:
    """What :func:`load` made: the analysed corpus, its figures, and what it wrote."""

    corpus: Corpus
    figures: dict[str, Any]
    triples: int
    workspace: Workspace | None


def load(sources: Sources, *, output: Path | None = None, fmt: str | None = None,
         store: Path | None = None) -> Loaded:
    """Read the sources into one analysed graph; write it to ``output`` (in ``fmt``, which
    the suffix has decided) and as a workspace in ``store`` when asked."""
    corpus = analysed(sources.open())
    figures = reports.stats(corpus.graph)
    triples = triple_count(corpus.graph)
    written = None
    if store is not None:
        written = write_workspace(
            corpus.graph, store, plans=reports.plan_ids(corpus.graph),
            measures=figures["measures"], analysis=corpus.analysis.parameters.key(),
            sources=[str(p) for p in sources.paths],
            progress=lambda quads: sources.progress(quads, "storing", triples)
            if triples >= 50_000 else quads)
    if output is not None:
        write_graph(corpus.graph, output, fmt)
    return Loaded(corpus, figures, triples, written)


def check_plan(graph: Graph, plan: str | None) -> None:
    """Refuse a plan id the graph does not hold, naming the ones it does."""
    if plan is not None and plan not in reports.plan_ids(graph):
        known = ", ".join(reports.plan_ids(graph)) or "none"
        raise IpplanError(f"no plan with id {plan!r} (plans: {known})")


def figures(sources: Sources, plan: str | None = None) -> dict[str, Any]:
    """The counts of one plan, or of all the sources hold (:func:`ipplan.graph.reports.stats`)."""
    corpus = sources.open()
    check_plan(corpus.graph, plan)
    return reports.stats(corpus.graph, plan)


def assignment_table(sources: Sources, plan: str | None = None) -> list[dict[str, str]]:
    """The assignment table of one plan, or of all
    (:func:`ipplan.graph.reports.assignment_rows`)."""
    corpus = sources.open(whole=plan is None)  # one plan's rows are few lookups
    check_plan(corpus.graph, plan)
    return reports.assignment_rows(corpus.graph, plan)


@dataclass(frozen=True)
class UnitTable:
    """The units a plan names (only the unregistered ones when asked), and the names of every
    unit the registry lacks."""

    rows: list[dict[str, Any]]
    unregistered: list[str]


def unit_table(sources: Sources, plan: str | None = None, *,
               only_unregistered: bool = False) -> UnitTable:
    """The units of one plan, or of all (:func:`ipplan.graph.reports.unit_rows`)."""
    corpus = sources.open(whole=plan is None)  # one plan's units are few lookups
    check_plan(corpus.graph, plan)
    rows = reports.unit_rows(corpus.graph, plan)
    missing = [row["unit"] for row in rows if not row["registered"]]
    if only_unregistered:
        rows = [row for row in rows if not row["registered"]]
    return UnitTable(rows, missing)


def plan_table(sources: Sources) -> list[dict[str, Any]]:
    """One row per plan the sources hold (:func:`ipplan.graph.reports.plan_rows`)."""
    return reports.plan_rows(sources.open().graph)


@dataclass(frozen=True)
class Stored:
    """What :func:`load_into_endpoint` wrote: the plans read, their figures, and the store's
    plans after the load."""

    corpus: Corpus
    figures: dict[str, Any]
    written: list[str]  # the named graphs replaced, one per plan read
    held: list[str]  # every plan graph in the store afterwards


def load_into_endpoint(sources: Sources, endpoint: Endpoint) -> Stored:
    """Write each plan of the sources' documents into the store as its own named graph
    (replacing that graph only), then the analytics of every plan the store holds into the
    analysis graph."""
    registry = Registry.load(list(sources.registries))
    plans = _read_documents(sources.paths, None, jurisdiction=sources.jurisdiction,
                            plan_id=sources.plan_id, table=sources.table, sheet=sources.sheet,
                            roles=sources.roles, progress=sources.progress)
    corpus = Corpus(new_graph(), plans)
    per_plan = []
    for plan in sources.progress(plans, "building", len(plans)):
        graph = build_graph([plan], registry)
        per_plan.append((plan_graph(plan.id), graph))
        add_graph(corpus.graph, graph)
    if sources.on_open is not None:
        sources.on_open(corpus)
    written = []
    for name, graph in sources.progress(per_plan, "storing", len(per_plan)):
        endpoint.replace_graph(name, sorted_ntriples(graph))
        written.append(name)
    held = endpoint.plan_graphs()
    # The analytics are over every plan in the store: when the store holds just these
    # plans, the graph in memory is theirs, else the store's plans are read back.
    whole = corpus.graph if held == sorted(written) else open_endpoint(endpoint).graph
    analysis = analyse(whole, Parameters())
    facts = new_graph()
    write_analysis(facts, analysis)
    endpoint.replace_graph(ANALYSIS_GRAPH, sorted_ntriples(facts))
    corpus.analysis = analysis
    return Stored(corpus, reports.stats(corpus.graph), written, held)


def graph_bytes(corpus: Corpus, fmt: str | None) -> bytes:
    """The corpus' graph serialised in ``fmt`` (Turtle by default), for standard output."""
    return serialize(corpus.graph, fmt or "turtle")


def check(sources: Sources) -> ValidationReport:
    """The graph checked against the SHACL shapes."""
    return validate(sources.open(whole=True).graph)


def pack_data(graph: Graph, facts: Facts | None = None, lang: str = "zh",
              today: str | None = None) -> Any:
    """What the briefing pack shows besides its pages: figures, the validation, the graph
    in Turtle, the assignment and unit tables, each unit's list (one workbook, a CSV per
    unit, in ``lang``), every saved query that needs no parameter (SPARQL; a date parameter
    is ``today``, the pack's as-of day), and the loaders' warnings, as the pack's data/
    files. The tables are made from ``facts``, the graph's facts the pages draw (read here
    when not given)."""
    from ipplan.viz.pack import PackData  # drawing needs pyvis and networkx: import on use

    facts = facts if facts is not None else read_facts(graph)
    figures = reports.stats(graph)
    checked = validate(graph)
    plans = figures["by_plan"]
    stem = plans[0]["plan"] if len(plans) == 1 else "plans"
    files = [(f"data/{stem}.ttl", serialize(graph, "turtle")),
             ("data/assignments.csv", excel_csv(reports.assignment_rows(graph, facts=facts),
                                                reports.ASSIGNMENT_COLUMNS)),
             ("data/units.csv", excel_csv(reports.unit_rows(graph, facts=facts),
                                          reports.UNIT_COLUMNS))]
    files += [(f"data/{name}", content)
              for name, content in by_unit_files(unit_lists(graph, facts), lang)]
    query_csvs = []
    for name, query in load_queries().items():
        if any(p.required for p in query.parameters.values()) or "sparql" not in query.texts:
            continue
        rows = run_sparql(graph, query, query.bind({}, today=today))
        files.append((f"data/queries/{name}.csv", excel_csv(rows, query.columns)))
        query_csvs.append(name)
    files.append(("data/stats.json",
                  json.dumps(figures, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"))
    files.append(("data/validation.txt", validation_text(checked).encode("utf-8")))
    load_warnings = reports.load_warnings(graph)
    if load_warnings:
        files.append(("data/warnings.txt", ("\n".join(load_warnings) + "\n").encode("utf-8")))
    return PackData(figures, checked, files, query_csvs)


# Left in a folder that `export --by-unit` made, so that a later export may replace its lists
BY_UNIT_MARKER = ".ipplan-unit-lists"


def export_by_unit(sources: Sources, folder: Path, *, plan: str | None = None,
                   lang: str = "zh") -> list[str]:
    """Write each unit's list into ``folder`` (made if missing) as the pack holds them: the
    workbook and a CSV per unit; the names written. A folder that is a file, or that holds
    anything ipplan's export did not put there, is refused before anything is read, so a
    user's documents are never replaced; lists an earlier export wrote are replaced, and its
    CSVs of units no longer listed go."""
    folder = Path(folder)
    refuse_overwriting_sources(folder, sources.paths, "--by-unit")
    if folder.exists() and not folder.is_dir():
        raise InputError("exists and is not a folder: --by-unit names a folder to write "
                         "the lists into", where=folder)
    if folder.is_dir() and any(folder.iterdir()) and not (folder / BY_UNIT_MARKER).exists():
        raise InputError("the folder is not empty and ipplan did not make it: name a new or "
                         "empty folder for the lists", where=folder)
    corpus = sources.open(whole=plan is None)
    if plan is not None and plan not in reports.plan_ids(corpus.graph):
        raise InputError(f"no plan {plan!r} in these sources (plans: "
                         f"{', '.join(reports.plan_ids(corpus.graph))})")
    files = by_unit_files(unit_lists(corpus.graph, plan=plan), lang)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / BY_UNIT_MARKER).write_text("made by ipplan export --by-unit\n", "utf-8")
    except OSError as exc:
        raise InputError(f"cannot write here ({exc.strerror or exc})", where=folder) from None
    names = {name for name, _content in files}
    stale = folder / CSV_FOLDER
    if stale.is_dir():
        for old in sorted(stale.iterdir()):
            if old.is_file() and f"{CSV_FOLDER}/{old.name}" not in names:
                old.unlink()
    for name, content in files:
        atomic_write_bytes(folder / name, content)
    return [name for name, _content in files]


def brief(sources: Sources, folder: Path, *, force: bool = False, lang: str = "zh",
          snapshots: bool = True, today: str | None = None) -> tuple[Corpus, Any]:
    """Build the briefing pack of the sources in ``folder``: the analysed corpus and what
    the pack holds (:class:`ipplan.viz.pack.Brief`). ``today`` (YYYY-MM-DD, default: the
    day it runs) is the as-of day the pages, the overdue measures and the pack's date are
    made for."""
    from ipplan.viz.pack import build_brief  # drawing needs pyvis and networkx: on use

    today = today or datetime.date.today().isoformat()
    corpus = analysed(sources.open(whole=True))
    pack = build_brief(corpus.graph, corpus.analysis, folder,
                       functools.partial(pack_data, lang=lang, today=today), force=force,
                       lang=lang, snapshots=snapshots, today=today)
    return corpus, pack


def page(builder: Callable[..., Any], sources: Sources, *args: Any, today: str,
         include_collectives: bool = False, **kwargs: Any) -> Any:
    """One page on its own (``builder`` is a page kind of :mod:`ipplan.viz`): no unit or
    cluster pages beside it, so its nodes link nowhere."""
    corpus = analysed(sources.open(whole=True), include_collectives=include_collectives)
    built = builder(corpus.graph, corpus.analysis, *args, today=today, **kwargs)
    for node in getattr(built, "nodes", ()):  # a chart page (deadlines) has none
        node.pop("link", None)
    return built


@dataclass(frozen=True)
class Pushed:
    """What :func:`push` did: counts pushed and held by the database, and where."""

    pushed: dict[str, int]
    held: dict[str, int]
    target: str
    embedded: bool


def push(sources: Sources, *, wipe: bool = False, include_collectives: bool = False) -> Pushed:
    """Push the plans (with their analytics) into the Bolt database (NEO4J_URI, else the
    embedded server); with ``wipe``, first remove these plans' nodes (only theirs)."""
    from ipplan.cypher import (configured_target, database_counts, describe as describe_target,
                             push_graph, session_scope, wipe_plan)  # Bolt stage: 0.1 s, on use

    corpus = analysed(sources.open(whole=True), include_collectives=include_collectives)
    target = configured_target()
    with session_scope(target) as session:
        if wipe:
            for plan_id in reports.plan_ids(corpus.graph):
                wipe_plan(session, plan_id)
        pushed = push_graph(session, corpus.graph, facts=corpus.analysis.facts)
        held = database_counts(session)
    return Pushed(pushed, held, describe_target(target), target is None)


def database_status() -> tuple[str, dict[str, int]]:
    """Which Bolt server ipplan uses and what it holds (raises when it does not answer)."""
    from ipplan.cypher import (configured_target, database_counts, describe as describe_target,
                             session_scope)  # Bolt stage: 0.1 s, on use

    target = configured_target()
    with session_scope(target) as session:
        held = database_counts(session)
    return describe_target(target), held


def answer(query: SavedQuery, given: dict[str, str], sources: Sources | None, *,
           engine: str = "sparql", include_collectives: bool = False,
           today: str | None = None) -> list[dict[str, Any]]:
    """The rows of a saved query on the plans ``sources`` names, answered by ``engine``. With Cypher and no source, the Bolt database (NEO4J_URI, else the
    embedded server) is read as it is, in a read-only session. With Cypher and a source, the
    plans are pushed into the embedded server and answered there, whether NEO4J_URI is set or
    not: a query never changes the user's database (only ``neo4j push`` writes to it).
    ``today`` (YYYY-MM-DD) is what a date parameter left at its default ``today`` means."""
    values = query.bind(given, today=today)
    if sources is not None and sources.endpoint is not None and engine == "sparql":
        return _answer_from_endpoint(query, values, sources.endpoint, include_collectives)
    if sources is None:
        if engine == "sparql":
            raise InputError("name the documents or graph files to query")
        from ipplan.cypher import session_scope  # Bolt stage: 0.1 s, on use

        with session_scope(read_only=True) as session:
            return run_cypher(session, query, values)
    corpus = analysed(sources.open(), values, include_collectives=include_collectives,
                      needed=False)
    if engine == "sparql":
        return run_sparql(corpus.graph, query, values)
    # the Bolt stage: 0.1 s, on use
    from ipplan.cypher import embedded_server, push_graph, session_scope

    with session_scope(embedded_server().start()) as session:
        push_graph(session, corpus.graph)
        return run_cypher(session, query, values)


def _answer_from_endpoint(query: SavedQuery, values: dict[str, Any], endpoint: Endpoint,
                          include_collectives: bool) -> list[dict[str, Any]]:
    """A saved SPARQL query answered by the store over the plans' graphs and the analysis
    graph; when the query asks for analytics with other parameters than the store holds,
    the plans are read into memory, analysed with those, and answered there (the store
    never changes on a query)."""
    parameters = Parameters.from_values({**values, "include_collectives": include_collectives})
    if endpoint.analysis_key() == parameters.key():
        return run_sparql_endpoint(endpoint, query, values,
                                   endpoint.graphs_to_read(endpoint_graphs(endpoint)))
    corpus = analysed(open_endpoint(endpoint), values,
                      include_collectives=include_collectives, needed=False)
    return run_sparql(corpus.graph, query, values)
