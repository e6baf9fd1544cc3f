"""From the paths a user names to one graph: documents are loaded and built, graph files
written by ``ipplan load`` are parsed, and both end in the same graph, so every reading
command behaves the same on either."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from pathlib import Path

from rdflib import Graph

from ipplan.errors import InputError
from ipplan.graph.build import build_graph
from ipplan.graph.engine import new_graph
from ipplan.graph.io import is_graph_file, read_graph
from ipplan.graph.registry import Registry
from ipplan.graph.workspace import Workspace
from ipplan.loaders import is_document, load_document
from ipplan.model import LoadWarning, Plan
from ipplan.progress import reading, steps
from ipplan.queries import SavedQuery


@dataclass
class Corpus:
    """The graph made from the sources, the plans read from documents on the way, and what
    the loaders reported."""

    graph: Graph
    plans: list[Plan] = field(default_factory=list)
    analysis: Any = None  # the Analysis written into the graph, once analysed
    workspace: Workspace | None = None  # the workspace the graph was opened from
    writable: bool = True  # False for a workspace's store on disk, which is read-only

    @property
    def warnings(self) -> list[LoadWarning]:
        return [w for plan in self.plans for w in plan.warnings]

    @property
    def notes(self) -> list[LoadWarning]:
        return [n for plan in self.plans for n in plan.notes]


def open_sources(
    paths: Sequence[str | Path],
    *,
    jurisdiction: str | None = None,
    plan_id: str | None = None,
    table: str | None = None,
    sheet: str | None = None,
    registry: Registry | None = None,
    roles: str | None = None,
) -> Corpus:
    """Read every path into one graph. ``plan_id`` names the plan of a single document;
    two documents that would get the same plan id are refused. ``roles`` is the role rule
    for text plans' unmarked unit lists (see :func:`ipplan.loaders.load_document`)."""
    if not paths:
        raise InputError("name at least one document or graph file")
    documents = [Path(p) for p in paths if not is_graph_file(Path(p))]
    if plan_id and len(documents) > 1:
        raise InputError("--plan-id names one plan; it cannot be used with several documents")
    registry = registry or Registry.load()
    graph = new_graph()
    corpus = Corpus(graph)
    seen: dict[str, Path] = {}
    for raw in steps(paths, "reading"):
        path = Path(raw)
        if is_graph_file(path):
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
        corpus.plans.append(plan)
    build_graph(steps(corpus.plans, "building"), registry, graph)
    return corpus


def open_workspace(path: str | Path, *, whole: bool = False) -> Corpus:
    """The corpus of a workspace written by ``ipplan load --store``, answered from its store
    on disk (read-only); with ``whole``, for a command that reads most of the graph (a pack,
    a page, a validation, a push), read into memory from its snapshot, where each of those
    many lookups is three to four times faster than in RocksDB."""
    from ipplan.graph import workspace

    path = Path(path)
    if whole:
        graph = workspace.read_workspace(path, progress=lambda stream, length: reading(
            stream, "reading the workspace", length=length))
        return Corpus(graph, workspace=workspace.describe(path))
    return Corpus(workspace.open_workspace(path), workspace=workspace.describe(path),
                  writable=False)


def analysed(corpus: Corpus, values: dict[str, Any] | None = None, *,
             include_collectives: bool = False, needed: bool = True) -> Corpus:
    """Run the analytics on the corpus' graph with the given parameters (a saved query's
    values; anything not given keeps its default) and write the results into the graph.

    A workspace already holds the analysis it was written with: with those parameters
    nothing is written, and with ``needed`` false (a query reads the facts, not the
    Analysis object) nothing is computed either. Other parameters are written into an
    in-memory copy; the workspace on disk never changes."""
    from ipplan.graph.analytics import Parameters, analyse, write_analysis
    from ipplan.graph.engine import writable_copy

    parameters = Parameters.from_values(
        {**(values or {}), "include_collectives": include_collectives})
    held = corpus.workspace is not None and corpus.workspace.analysis == parameters.key()
    if held and not needed:
        return corpus
    corpus.analysis = analyse(corpus.graph, parameters)
    if not held:
        if not corpus.writable:
            corpus.graph, corpus.writable = writable_copy(corpus.graph), True
        write_analysis(corpus.graph, corpus.analysis)
    return corpus


def answer(query: SavedQuery, given: dict[str, str], source: Any, *, engine: str = "sparql",
           include_collectives: bool = False) -> list[dict[str, Any]]:
    """The rows of a saved query on the plans ``source`` opens (an object with ``open()``),
    answered by ``engine``. With Cypher and no source, the Bolt database (NEO4J_URI, else the
    embedded server) is read as it is, in a read-only session. With Cypher and a source, the
    plans are pushed into the embedded server and answered there, whether NEO4J_URI is set or
    not: a query never changes the user's database (only ``neo4j push`` writes to it)."""
    from ipplan.queries import run_cypher, run_sparql

    values = query.bind(given)
    if source is None:
        if engine == "sparql":
            raise InputError("name the documents or graph files to query")
        from ipplan.bolt import session_scope

        with session_scope(read_only=True) as session:
            return run_cypher(session, query, values)
    corpus = analysed(source.open(), values, include_collectives=include_collectives,
                      needed=False)
    if engine == "sparql":
        return run_sparql(corpus.graph, query, values)
    from ipplan.bolt import embedded_server, push_graph, session_scope

    with session_scope(embedded_server().start()) as session:
        push_graph(session, corpus.graph)
        return run_cypher(session, query, values)
