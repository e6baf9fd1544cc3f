"""Reading and writing graph files, with the format taken from the file's suffix.

Output is deterministic: N-Triples and N-Quads lines are sorted, Turtle comes from rdflib's
sorted serializer, so the same document gives the same file byte for byte.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from ipplan.errors import InputError, reason
from ipplan.files import atomic_write_bytes

from .store import new_graph, sorted_ntriples, sorted_triples
from .vocab import IPP, PREFIXES

# suffix -> rdflib format name
GRAPH_FORMATS = {
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".nt": "nt",
    ".jsonld": "json-ld",
    ".json-ld": "json-ld",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
    ".n3": "n3",
    ".trig": "trig",
    ".nq": "nquads",
}
WRITE_FORMATS = ("turtle", "nt", "json-ld", "xml", "trig", "nquads")


def is_graph_file(path: Path) -> bool:
    return path.suffix.lower() in GRAPH_FORMATS


def format_for(path: Path, default: str = "turtle") -> str:
    return GRAPH_FORMATS.get(path.suffix.lower(), default)


def serialize(graph: Graph, fmt: str = "turtle") -> bytes:
    """The graph in ``fmt``, deterministic for the same triples.

    Turtle and N-Triples are written by Oxigraph's serializer from the sorted triples (on
    either engine, so both give the same bytes): rdflib's Turtle writer takes minutes on a
    corpus of many plans. Subjects come grouped, in the order of their IRIs."""
    if fmt in ("nt", "turtle"):
        import pyoxigraph as ox

        lines = sorted_ntriples(graph)
        if lines is None:
            triples = sorted_triples(graph)
            if fmt == "nt":
                return "".join(f"{triple} .\n" for triple in triples).encode("utf-8")
        else:
            if fmt == "nt":
                return lines
            triples = ox.parse(lines, format=ox.RdfFormat.N_TRIPLES)
        return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=_TURTLE_PREFIXES)
    if fmt == "nquads":
        text = graph.serialize(format="nquads", encoding="utf-8")
        lines = sorted(line for line in text.decode("utf-8").splitlines() if line.strip())
        return ("\n".join(lines) + "\n").encode("utf-8")
    if fmt == "json-ld":
        return graph.serialize(format="json-ld", encoding="utf-8", sort_keys=True, indent=1)
    return graph.serialize(format=fmt, encoding="utf-8")


# The vocabularies' prefixes; ipplan's own ids (ipd:) stay full IRIs, since Turtle would
# have to escape every "/" of their local names.
_TURTLE_PREFIXES = {name: str(iri) for name, iri in sorted(PREFIXES.items()) if name != "ipd"}


def write_graph(graph: Graph, path: Path, fmt: str | None = None) -> None:
    """Write ``graph`` to ``path`` (format from the suffix unless given), atomically."""
    atomic_write_bytes(path, serialize(graph, fmt or format_for(path)))


def read_graph(path: Path, graph: Graph | None = None) -> Graph:
    """Parse a graph file written by ``ipplan load`` into ``graph`` (a new one by default).

    A file that does not parse, or holds no ipplan plan, is refused with one line.
    """
    graph = graph if graph is not None else new_graph()
    if not path.exists():
        raise InputError("no such file", where=path)
    if path.is_dir():
        raise InputError("is a folder, not a graph file", where=path)
    data = path.read_bytes()
    if not data.strip():
        raise InputError("the file is empty", where=path)
    before = set(graph.subjects(predicate=None, object=IPP.Plan))
    try:
        graph.parse(data=data, format=format_for(path))
    except Exception as exc:  # rdflib raises many types; all mean "not this format"
        raise InputError(f"is not a readable {format_for(path)} graph ({reason(exc)})",
                         where=path) from None
    if not set(graph.subjects(predicate=None, object=IPP.Plan)) - before:
        raise InputError("holds no ipplan plan (write one with `ipplan load`)", where=path)
    return graph
