"""Reading and writing graph files, with the format taken from the file's suffix.

Every format is written from the same sorted triples (:func:`sorted_ntriples`), by
Oxigraph's serializers, so each file holds exactly the graph that was built, the same on
both engines and in every process, byte for byte. Every suffix ipplan writes it also reads
back as a SOURCE; any other suffix is refused before anything is written.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph

from ipplan.errors import InputError, IpplanError, reason
from ipplan.files import atomic_write_bytes

from .engine import new_graph, oxigraph_of
from .terms import to_oxigraph
from .vocab import IPP, PREFIXES

__all__ = ["FORMAT_NAMES", "GRAPH_FORMATS", "WRITE_FORMATS", "format_for", "is_graph_file",
           "output_format", "read_graph", "serialize", "sorted_ntriples", "write_graph"]

# suffix -> rdflib's name of the format; ipplan writes and reads each of them
GRAPH_FORMATS = {
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".nt": "nt",
    ".nq": "nquads",
    ".trig": "trig",
    ".jsonld": "json-ld",
    ".json-ld": "json-ld",
    ".rdf": "xml",
    ".xml": "xml",
    ".owl": "xml",
}
WRITE_FORMATS = ("turtle", "nt", "nquads", "trig", "json-ld", "xml")
FORMAT_NAMES = {"turtle": "Turtle", "nt": "N-Triples", "nquads": "N-Quads", "trig": "TriG",
                "json-ld": "JSON-LD", "xml": "RDF/XML"}


def is_graph_file(path: Path) -> bool:
    return path.suffix.lower() in GRAPH_FORMATS


def format_for(path: Path, default: str = "turtle") -> str:
    return GRAPH_FORMATS.get(path.suffix.lower(), default)


def output_format(path: Path, given: str | None = None) -> str:
    """The format to write ``path`` in: the one its suffix names, which ``given`` (--format)
    may confirm but not contradict. Any other suffix is refused, since ipplan could not read
    the file back.

    >>> output_format(Path("plan.nq"))
    'nquads'
    >>> output_format(Path("plan.nt"), "turtle")
    Traceback (most recent call last):
    ipplan.errors.IpplanError: -o plan.nt is N-Triples but --format turtle was given
    """
    by_suffix = GRAPH_FORMATS.get(path.suffix.lower())
    if by_suffix is None:
        found = f"the suffix {path.suffix!r}" if path.suffix else "no suffix"
        raise IpplanError(f"-o {path}: a graph file needs a suffix that names its format, "
                          f"and this has {found}; ipplan writes and reads "
                          + ", ".join(GRAPH_FORMATS))
    if given is not None and given != by_suffix:
        raise IpplanError(f"-o {path} is {FORMAT_NAMES[by_suffix]} but --format {given} "
                          "was given")
    return by_suffix


def serialize(graph: Graph, fmt: str = "turtle") -> bytes:
    """The graph in ``fmt`` (one of :data:`WRITE_FORMATS`), deterministic for the same
    triples: subjects come grouped, in the order of their IRIs.

    Oxigraph writes every format, from the sorted triples (on either engine): rdflib's
    Turtle writer takes minutes on a corpus of many plans, and its JSON-LD and RDF/XML
    writers list subjects in the order of a Python set."""
    if fmt not in WRITE_FORMATS:
        raise ValueError(f"unknown graph format {fmt!r}")
    lines = sorted_ntriples(graph)
    if fmt in ("nt", "nquads"):  # the triples sit in the default graph: the same lines
        return lines
    triples = ox.parse(lines, format=ox.RdfFormat.N_TRIPLES)
    if fmt == "turtle":
        return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=_TURTLE_PREFIXES)
    if fmt == "trig":
        return ox.serialize(triples, format=ox.RdfFormat.TRIG, prefixes=_TURTLE_PREFIXES)
    if fmt == "json-ld":
        return _json_ld(ox.serialize(triples, format=ox.RdfFormat.JSON_LD))
    return _rdf_xml(triples)


def sorted_ntriples(graph: Graph) -> bytes:
    """The N-Triples of ``graph``, lines sorted: the input of ipplan's graph files, the same
    on both engines, written by Oxigraph itself. At 20,000 measures this is 0.5 s of work in
    the store where building a million Python triples and their sort keys held the
    interpreter 3 s.

    The terms are the ones Oxigraph keeps, on rdflib's store too: Oxigraph keeps a typed
    literal in its canonical form (an xsd:decimal "2.0" as "2"), rdflib as it was written
    (a graph file of an older ipplan says "2.0"), and the files must not depend on the
    engine."""
    text = _as_oxigraph(graph).dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    lines = text.splitlines(keepends=True)
    lines.sort()  # UTF-8 bytes sort as their code points
    return b"".join(lines)


def _as_oxigraph(graph: Graph) -> Any:
    """The Oxigraph store behind ``graph``, or on rdflib's engine a copy of its triples in
    one (which puts each term in the form Oxigraph keeps)."""
    inner = oxigraph_of(graph)
    if inner is None:
        inner = ox.Store()
        convert = to_oxigraph()
        default = ox.DefaultGraph()
        inner.extend(ox.Quad(convert(s), convert(p), convert(o), default) for s, p, o in graph)
    return inner


def _json_ld(compact: bytes) -> bytes:
    """Oxigraph's expanded JSON-LD, one line per node (a subject and all it says), so the
    file can be read and compared line by line; Python's JSON encoder indents only in pure
    Python, five times slower than this."""
    nodes = json.loads(compact)
    lines = [json.dumps(node, ensure_ascii=False, sort_keys=True) for node in nodes]
    return ("[\n" + ",\n".join(lines) + "\n]\n").encode("utf-8")


# The vocabularies' prefixes; ipplan's own ids (ipd:) stay full IRIs, since Turtle would
# have to escape every "/" of their local names.
_TURTLE_PREFIXES = {name: str(iri) for name, iri in sorted(PREFIXES.items()) if name != "ipd"}

# Characters XML 1.0 cannot carry at all, even as a character reference, as UTF-8 bytes.
_NOT_IN_XML = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]|\xef\xbf[\xbe\xbf]")
_ABOUT = re.compile(rb'rdf:about="([^"]*)"')


def _rdf_xml(triples: Any) -> bytes:
    """RDF/XML, or one line saying why the graph cannot be written as RDF/XML."""
    try:
        data = ox.serialize(triples, format=ox.RdfFormat.RDF_XML, prefixes=_TURTLE_PREFIXES)
    except (ValueError, OSError, SyntaxError) as exc:
        raise IpplanError(f"the graph cannot be written as RDF/XML ({reason(exc)}); "
                          "write .ttl, .nt, .nq, .trig or .jsonld") from None
    bad = _NOT_IN_XML.search(data)
    if bad is not None:
        character = bad.group().decode("utf-8")
        subject = [m.group(1).decode("utf-8") for m in _ABOUT.finditer(data, 0, bad.start())]
        raise IpplanError(
            f"RDF/XML cannot hold the character U+{ord(character):04X} in the text of "
            f"{subject[-1] if subject else 'the graph'}; write .ttl, .nt, .nq, .trig or "
            ".jsonld instead")
    # An XML parser reads a carriage return in text as a line feed; a reference keeps it.
    return data.replace(b"\r", b"&#13;")


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
    fmt = format_for(path)
    try:
        graph.parse(data=data, format=fmt)
    except Exception as exc:  # rdflib raises many types; all mean "not this format"
        raise InputError(f"is not a readable {fmt} graph ({reason(exc)})",
                         where=path) from None
    if not set(graph.subjects(predicate=None, object=IPP.Plan)) - before:
        raise InputError("holds no ipplan plan (write one with `ipplan load`)", where=path)
    return graph
