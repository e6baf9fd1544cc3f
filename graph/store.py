"""Where the graph lives: an Oxigraph store behind the rdflib API, in memory or on disk.

Every command works on an rdflib :class:`~rdflib.Graph`. By default its store is Oxigraph
(pyoxigraph through oxrdflib): SPARQL is answered by Oxigraph's engine, which is orders of
magnitude faster than rdflib's own on a corpus of many plans. ``IPPLAN_ENGINE=rdflib`` keeps
rdflib's in-memory store (the benchmark's baseline; every result is the same).

A *workspace* is an Oxigraph store on disk, written by ``ipplan load ... --store DIR``: a
folder with the store, ``ipplan-store.json`` (what it holds) and a compressed N-Quads
snapshot of the same triples. Reading commands given ``--store DIR`` open the store
read-only and answer from it at once, without parsing anything; commands that read most of
the graph (a pack, a page, a validation, a push) load the snapshot into memory instead,
where lookups are three to four times faster than in RocksDB. A workspace is written beside
its final place and renamed into it, so an interrupted ``load`` never leaves half a store
where a good one was.

>>> g = new_graph()
>>> engine_of(g)
'oxigraph'
>>> engine_of(new_graph("rdflib"))
'rdflib'
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import json
import os
import re
import shutil
import tempfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import XSD
from rdflib.query import ResultRow

from ipplan.errors import InputError, IpplanError, reason

from .vocab import bind_prefixes

ENGINES = ("oxigraph", "rdflib")
MARK = "ipplan-store.json"
SNAPSHOT = "graph.nq.gz"  # the same triples as the store, for reading it all into memory
FORMAT = 1


def default_engine() -> str:
    """The engine new graphs use: ``IPPLAN_ENGINE`` (oxigraph or rdflib), else oxigraph."""
    engine = os.environ.get("IPPLAN_ENGINE", "").strip().lower() or "oxigraph"
    if engine not in ENGINES:
        raise IpplanError(f"IPPLAN_ENGINE={engine!r}: use one of {', '.join(ENGINES)}")
    return engine


def new_graph(engine: str | None = None) -> Graph:
    """An empty in-memory graph with ipplan's prefixes bound. On Oxigraph its triples sit in
    the store's default graph (rdflib would name a graph with a fresh blank node, which a
    workspace opened later could not find)."""
    engine = engine or default_engine()
    if engine == "rdflib":
        return bind_prefixes(Graph())
    return bind_prefixes(Graph(store=_oxigraph_store(), identifier=DATASET_DEFAULT_GRAPH_ID))


def _oxigraph_store(inner: Any = None) -> Any:
    """oxrdflib's store, giving back plain literals as rdflib writes them.

    RDF 1.1 makes "x" and "x"^^xsd:string one term, but rdflib keeps them apart (they are
    unequal, and Turtle writes the second with its datatype); Oxigraph returns every plain
    literal typed. Converting back keeps graphs, files and comparisons identical to
    rdflib's own store."""
    from oxrdflib import OxigraphStore

    class Store(OxigraphStore):  # type: ignore[misc]
        def triples(self, triple_pattern: Any, context: Any = None) -> Any:
            for (s, p, o), contexts in super().triples(triple_pattern, context):
                yield (s, p, _plain(o)), contexts

        def query(self, *args: Any, **kwargs: Any) -> Any:
            result = super().query(*args, **kwargs)
            if result.type == "SELECT":
                rows = result.bindings
                result.bindings = ({k: _plain(v) for k, v in row.items()} for row in rows)
            return result

    return Store(store=inner)


def _plain(term: Any) -> Any:
    if type(term) is Literal and term.datatype == XSD.string and not term.language:
        return Literal(str(term))
    return term


def engine_of(graph: Graph) -> str:
    return "oxigraph" if _oxigraph(graph) is not None else "rdflib"


def _oxigraph(graph: Graph) -> Any:
    """The pyoxigraph Store behind ``graph``, or None for rdflib's own stores."""
    store = graph.store
    if hasattr(store, "_inner") and type(store).__mro__[1].__name__ == "OxigraphStore":
        return store._inner  # noqa: SLF001 (oxrdflib exposes no public accessor)
    return None


class Rows(list):  # type: ignore[type-arg]
    """The rows of a SELECT answered by Oxigraph directly, as rdflib ``ResultRow``s, with the
    ``vars`` of an rdflib result."""

    vars: list[Variable]


def oxigraph_select(graph: Graph, text: str, prefixes: dict[str, str]) -> Rows | None:
    """Answer a SELECT straight from the Oxigraph store behind ``graph`` (None on rdflib).

    oxrdflib goes through rdflib's result machinery and builds every term afresh; here each
    distinct term is converted once, which halves the time of queries with many rows."""
    answer = oxigraph_solutions(graph, text, prefixes, _from_oxigraph)
    if answer is None:
        return None
    names, solutions = answer
    positions = {name: i for i, name in enumerate(names)}  # shared: rows only read it
    rows = Rows()
    for solution in solutions:
        row = tuple.__new__(ResultRow, solution)  # what ResultRow(...) builds, less a dict
        row.labels = positions
        rows.append(row)
    rows.vars = [Variable(name) for name in names]
    return rows


def oxigraph_solutions(graph: Graph, text: str, prefixes: dict[str, str],
                       convert: Callable[[Any], Any]) -> tuple[list[str], list[tuple]] | None:
    """The variables and rows of a SELECT answered by the Oxigraph store behind ``graph``
    (None on rdflib), each term given to ``convert`` once however often it occurs (an
    unbound variable stays None)."""
    inner = _oxigraph(graph)
    if inner is None:
        return None
    solutions = inner.query(text, prefixes=prefixes)
    names = [v.value for v in solutions.variables]
    one = functools.cache(lambda term: None if term is None else convert(term))
    return names, [tuple(map(one, solution)) for solution in solutions]


def oxigraph_rows(graph: Graph, text: str,
                  prefixes: dict[str, str]) -> tuple[list[str], list[tuple]] | None:
    """The variables and rows of a SELECT answered by the Oxigraph store behind ``graph``
    (None on rdflib), as the plain values :func:`oxigraph_value` gives.

    Oxigraph writes the whole answer as TSV without holding Python's lock, so other threads
    (the other parts of a split query, the pages of a pack) go on meanwhile; only reading
    the text needs the lock, and each distinct cell is read once. TSV escapes tabs and line
    ends inside literals, so a row is one line and a value one cell.

    >>> g = new_graph()
    >>> _ = g.parse(data='<x:a> <x:p> "a\\tb", 3, "中"@zh .', format="turtle")
    >>> oxigraph_rows(g, "SELECT ?s ?o ?none WHERE { ?s ?p ?o } ORDER BY ?o", {})
    (['s', 'o', 'none'], [('x:a', 3, None), ('x:a', 'a\\tb', None), ('x:a', '中', None)])
    """
    import pyoxigraph as ox

    inner = _oxigraph(graph)
    if inner is None:
        return None
    answer = inner.query(text, prefixes=prefixes).serialize(format=ox.QueryResultsFormat.TSV)
    lines = answer.decode("utf-8").split("\n")  # not splitlines: U+2028 is written as it is
    names = [name[1:] for name in lines[0].split("\t") if name]
    if not names:
        return names, [() for _ in lines[1:-1]]
    one = functools.cache(_tsv_value)  # a fresh cache per answer, dropped with it
    return names, [tuple(map(one, line.split("\t"))) for line in lines[1:-1]]


_INTEGER = re.compile(r"-?[0-9]+")


def _tsv_value(cell: str) -> Any:
    """One TSV cell as :func:`oxigraph_value` reads its term: the common cells (IRIs, plain
    and language-tagged strings without escapes, integers) here, the rest through
    Oxigraph's own Turtle parser."""
    import pyoxigraph as ox

    if not cell:
        return None  # unbound
    if "\\" not in cell:
        first = cell[0]
        if first == "<":
            return cell[1:-1]
        if first == '"':
            end = cell.rfind('"')
            if end == len(cell) - 1 or cell[end + 1] == "@":
                return cell[1:end]
        elif first == "_":
            return cell[2:]  # a blank node, as BlankNode.value
        elif _INTEGER.fullmatch(cell):
            return int(cell)
    (quad,) = ox.parse(f"<x:s> <x:p> {cell} .", format=ox.RdfFormat.TURTLE)
    return oxigraph_value(quad.object)


_XSD_INTEGER = str(XSD.integer)
_XSD_DECIMAL = str(XSD.decimal)
_XSD_DOUBLE = str(XSD.double)
_XSD_BOOLEAN = str(XSD.boolean)


def oxigraph_value(term: Any) -> Any:
    """One pyoxigraph term as :func:`plain_value` gives the rdflib term (checked by a test on
    every datatype ipplan writes); uncommon datatypes go through rdflib."""
    import pyoxigraph as ox

    if not isinstance(term, ox.Literal):
        return term.value  # an IRI or a blank node, as its string
    if term.language:
        return term.value
    datatype = term.datatype.value
    try:
        if datatype == _XSD_STRING:
            return term.value
        if datatype == _XSD_INTEGER:
            return int(term.value)
        if datatype in (_XSD_DECIMAL, _XSD_DOUBLE):
            return float(term.value)
        if datatype == _XSD_BOOLEAN and term.value in ("true", "false"):
            return term.value == "true"
    except ValueError:
        pass
    return plain_value(_from_oxigraph(term))


def plain_value(term: Any) -> Any:
    """An rdflib term as a plain Python value: IRIs and strings as str, numbers as int or
    float, booleans as bool, anything else (dates, ill-typed literals) as its string."""
    if term is None:
        return None
    value = term.toPython() if hasattr(term, "toPython") else term
    if hasattr(value, "is_finite"):  # Decimal
        return float(value)
    if isinstance(value, (bool, int, float)):
        return value
    return str(value)


def _from_oxigraph(term: Any) -> Any:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    return Literal(term.value) if datatype == _XSD_STRING else Literal(term.value, datatype=datatype)


_XSD_STRING = str(XSD.string)


def add_triples(graph: Graph, triples: Iterable[tuple[Any, Any, Any]]) -> None:
    """Add rdflib ``triples`` to ``graph``; on Oxigraph in one batch, converting each IRI once
    (through rdflib's ``add`` every term of every triple is converted afresh)."""
    inner = _oxigraph(graph)
    if inner is None:
        for triple in triples:
            graph.add(triple)
        return
    import pyoxigraph as ox

    convert = _to_oxigraph()
    default = ox.DefaultGraph()
    inner.extend(ox.Quad(convert(s), convert(p), convert(o), default) for s, p, o in triples)


def _to_oxigraph() -> Any:
    """A converter of rdflib terms to pyoxigraph's, remembering the IRIs it has seen."""
    import pyoxigraph as ox

    iris: dict[Any, Any] = {}

    def convert(term: Any) -> Any:
        if type(term) is URIRef:
            node = iris.get(term)
            if node is None:
                node = iris[term] = ox.NamedNode(term)
            return node
        if isinstance(term, Literal):
            if term.language:
                return ox.Literal(term, language=term.language)
            if term.datatype:
                return ox.Literal(term, datatype=convert(URIRef(term.datatype)))
            return ox.Literal(term)
        if isinstance(term, BNode):
            return ox.BlankNode(term)
        return convert(URIRef(term))

    return convert


def sorted_ntriples(graph: Graph) -> bytes:
    """The N-Triples of ``graph``, lines sorted: the input of ipplan's graph files, the same
    on both engines, written by Oxigraph itself. At 20,000 measures this is 0.5 s of work in
    the store where building a million Python triples and their sort keys held the
    interpreter 3 s.

    The terms are the ones Oxigraph keeps, on rdflib's store too: Oxigraph keeps a typed
    literal in its canonical form (an xsd:decimal "2.0" as "2"), rdflib as it was written
    (a graph file of an older ipplan says "2.0"), and the files must not depend on the
    engine."""
    import pyoxigraph as ox

    text = _as_oxigraph(graph).dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    lines = text.splitlines(keepends=True)
    lines.sort()  # UTF-8 bytes sort as their code points
    return b"".join(lines)


def _as_oxigraph(graph: Graph) -> Any:
    """The Oxigraph store behind ``graph``, or on rdflib's engine a copy of its triples in
    one (which puts each term in the form Oxigraph keeps)."""
    import pyoxigraph as ox

    inner = _oxigraph(graph)
    if inner is None:
        inner = ox.Store()
        convert = _to_oxigraph()
        default = ox.DefaultGraph()
        inner.extend(ox.Quad(convert(s), convert(p), convert(o), default) for s, p, o in graph)
    return inner


def triple_count(graph: Graph) -> int:
    """The number of triples, fast on either engine (oxrdflib's len() runs a COUNT DISTINCT)."""
    inner = _oxigraph(graph)
    return len(inner) if inner is not None else len(graph)


def writable_copy(graph: Graph) -> Graph:
    """An in-memory copy of ``graph`` (for a read-only workspace that must be changed)."""
    copy = new_graph()
    inner, target = _oxigraph(graph), _oxigraph(copy)
    if inner is not None and target is not None:
        target.bulk_extend(inner.quads_for_pattern(None, None, None, None))
    else:
        for triple in graph:
            copy.add(triple)
    return copy


@dataclass(frozen=True)
class Workspace:
    """What ``ipplan-store.json`` says of a workspace."""

    path: Path
    plans: tuple[str, ...]
    measures: int
    triples: int
    analysis: str
    sources: tuple[str, ...]


def is_workspace(path: Path) -> bool:
    return path.is_dir() and (path / MARK).is_file()


def describe(path: Path) -> Workspace:
    """Read a workspace's description; a folder that is not one is refused in one line."""
    if not path.exists():
        raise InputError("no such workspace (write one with `ipplan load ... --store DIR`)",
                         where=path)
    if not path.is_dir():
        raise InputError("is a file, not a workspace folder", where=path)
    if not (path / MARK).is_file():
        raise InputError(f"is not an ipplan workspace (no {MARK}; write one with "
                         "`ipplan load ... --store DIR`)", where=path)
    try:
        data = json.loads((path / MARK).read_text("utf-8"))
        if data.get("format") != FORMAT:
            raise InputError(f"workspace format {data.get('format')!r} is not {FORMAT}; "
                             "write it again with `ipplan load ... --store DIR`", where=path)
        return Workspace(path, tuple(data["plans"]), int(data["measures"]),
                         int(data["triples"]), str(data["analysis"]), tuple(data["sources"]))
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{MARK} is damaged ({exc}); write the workspace again",
                         where=path) from None


def open_workspace(path: Path) -> Graph:
    """The workspace's graph, read-only (several commands may read it at once)."""
    import pyoxigraph as ox

    describe(path)
    try:
        inner = ox.Store.read_only(str(path / "oxigraph"))
    except OSError as exc:
        raise InputError(f"the store cannot be opened ({reason(exc)})",
                         where=path) from None
    return bind_prefixes(Graph(store=_oxigraph_store(inner), identifier=DATASET_DEFAULT_GRAPH_ID))


def read_workspace(path: Path) -> Graph:
    """The workspace's graph read whole into an in-memory graph (writable; the workspace on
    disk never changes), from its snapshot, or from the store when it has none."""
    describe(path)
    graph = new_graph()
    inner = _oxigraph(graph)
    if inner is None or not (path / SNAPSHOT).is_file():  # rdflib's store; a workspace
        return writable_copy(open_workspace(path))            # written before snapshots
    import pyoxigraph as ox

    from ipplan.progress import reading

    snapshot = path / SNAPSHOT
    try:
        with snapshot.open("rb") as raw, reading(raw, "reading the workspace",
                                                 length=snapshot.stat().st_size) as counted, \
                gzip.GzipFile(fileobj=counted) as triples:  # type: ignore[arg-type]
            inner.load(input=triples, format=ox.RdfFormat.N_QUADS)
    except (OSError, EOFError, SyntaxError, zlib.error) as exc:
        raise InputError(f"{SNAPSHOT} is damaged ({reason(exc)}); write "
                         "the workspace again", where=path) from None
    return graph


def write_workspace(graph: Graph, path: Path, *, plans: list[str], measures: int,
                    analysis: str, sources: list[str], progress: Any = None) -> Workspace:
    """Write ``graph`` as a workspace at ``path``, replacing an earlier workspace there.

    A folder that exists and is not a workspace is refused (nothing of the user's is
    deleted). The store is written into a temporary folder beside ``path`` and renamed.
    """
    import pyoxigraph as ox

    if path.exists() and not is_workspace(path):
        if not path.is_dir():
            raise InputError("is a file; --store needs a folder", where=path)
        if any(path.iterdir()):
            raise InputError("is a folder that is not an ipplan workspace and is not empty; "
                             "name a new folder for --store", where=path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp",
                                          dir=path.parent))
    except OSError as exc:
        raise IpplanError(f"cannot write here ({exc.strerror or exc})", where=path) from None
    try:
        store = ox.Store(str(temporary / "oxigraph"))
        inner = _oxigraph(graph)
        quads = (inner.quads_for_pattern(None, None, None, None) if inner is not None
                 else _quads(graph))
        store.bulk_extend(progress(quads) if progress else quads)
        store.flush()
        # A bulk load leaves RocksDB's files as written; compacted once, every later lookup
        # is a quarter faster (collaboration-pairs at 20,000 measures: 7.5 s -> 5.6 s).
        store.optimize()
        # Level 1: 13 MB at 20,000 measures, written in 0.8 s, read back in 2.3 s (copying
        # the store on disk into memory takes 5.6 s)
        with gzip.open(temporary / SNAPSHOT, "wb", compresslevel=1) as snapshot:
            (inner if inner is not None else store).dump(output=snapshot,
                                                         format=ox.RdfFormat.N_QUADS)
        triples = len(store)
        del store
        description = {"format": FORMAT, "plans": plans, "measures": measures,
                       "triples": triples, "analysis": analysis, "sources": sources}
        (temporary / MARK).write_text(json.dumps(description, ensure_ascii=False, indent=1),
                                      "utf-8")
        _swap_into_place(temporary, path)
    except BaseException as exc:
        shutil.rmtree(temporary, ignore_errors=True)
        if isinstance(exc, OSError):
            raise IpplanError(f"cannot write the store ({exc.strerror or exc})",
                              where=path) from None
        raise
    return describe(path)


def _swap_into_place(temporary: Path, path: Path) -> None:
    """Rename the finished store into ``path``; an older workspace there goes afterwards."""
    if not path.exists():
        os.replace(temporary, path)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".old", dir=path.parent))
    os.replace(path, old / "store")
    try:
        os.replace(temporary, path)
    except BaseException:
        os.replace(old / "store", path)  # put the good one back
        raise
    finally:
        with contextlib.suppress(OSError):
            shutil.rmtree(old, ignore_errors=True)


def _quads(graph: Graph) -> Any:
    from oxrdflib._converter import to_ox  # the term conversion oxrdflib itself uses

    import pyoxigraph as ox

    for s, p, o in graph:
        yield ox.Quad(to_ox(s), to_ox(p), to_ox(o), ox.DefaultGraph())
