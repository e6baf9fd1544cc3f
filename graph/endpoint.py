"""A shared SPARQL 1.1 store (Jena Fuseki, GraphDB, Virtuoso, Oxigraph server, …) as the place
where the plans' graphs live, spoken to through the standard protocols only: the SPARQL 1.1
Protocol for queries and SPARQL 1.1 Update for writes, over HTTP with ``requests``.

The layout in the store:

- each plan is one named graph, ``https://w3id.org/ipplan/graph/plan/<plan id>``
  (:func:`plan_graph`), written whole by one request (``DROP SILENT GRAPH`` then
  ``INSERT DATA``), so reloading a plan replaces that graph and nothing else;
- the analytics over all of them (clusters, load, overload flags, brokers, with the default
  parameters) are one more named graph, :data:`ANALYSIS_GRAPH`, written after every load;
- ipplan reads the union of those graphs only (the protocol's ``default-graph-uri``), so
  other data in the store never reaches its answers. Some stores answer a list of hundreds
  of graphs by visiting each graph for each pattern (Jena's dynamic datasets); where the
  store holds ipplan's graphs alone, ``IPPLAN_SPARQL_UNION_GRAPH`` names the store's own
  union of its named graphs (Jena: ``urn:x-arq:UnionGraph``), read through its quad indexes
  instead; a store that holds any other named graph is then refused, so that the promise
  above still holds.

Errors (a store that is down, refuses the credentials, times out or answers with an error)
are one :class:`EndpointError` line naming the URL, never the password.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pyoxigraph as ox
import requests
from rdflib import Graph

from ipplan.errors import IpplanError

from .engine import oxigraph_of
from .terms import oxigraph_value
from .vocab import ID, plan_iri

__all__ = ["ANALYSIS_GRAPH", "GRAPHS", "Endpoint", "EndpointError", "configured",
           "plan_graph"]

GRAPHS = "https://w3id.org/ipplan/graph/"
PLAN_GRAPHS = GRAPHS + "plan/"
ANALYSIS_GRAPH = GRAPHS + "analysis"
DEFAULT_TIMEOUT = 300.0  # seconds a store may take to answer one request

_ENDPOINT = "IPPLAN_SPARQL_ENDPOINT"
_UPDATE = "IPPLAN_SPARQL_UPDATE_ENDPOINT"
_USER = "IPPLAN_SPARQL_USER"
_PASSWORD = "IPPLAN_SPARQL_PASSWORD"
_TIMEOUT = "IPPLAN_SPARQL_TIMEOUT"
_UNION = "IPPLAN_SPARQL_UNION_GRAPH"


class EndpointError(IpplanError):
    """The store did not do what was asked: down, refusing, too slow, or answering an error.
    Exit 69 (EX_UNAVAILABLE): the user's input was fine, the service was not."""

    exit_code = 69


class EndpointRefused(EndpointError):
    """The store refused the credentials (HTTP 401 or 403). Exit 77 (EX_NOPERM)."""

    exit_code = 77


def plan_graph(plan_id: str) -> str:
    """The named graph that holds one plan: its IRI under :data:`PLAN_GRAPHS`.

    >>> plan_graph("fuzhou-ip-plan")
    'https://w3id.org/ipplan/graph/plan/fuzhou-ip-plan'
    """
    return GRAPHS + str(plan_iri(plan_id))[len(str(ID)):]


def update_url_for(query_url: str) -> str:
    """The update endpoint a store documents beside its query endpoint: ``…/query`` becomes
    ``…/update`` (Oxigraph server, Fuseki's ``/ds/query``), GraphDB's ``/repositories/ID``
    becomes ``/repositories/ID/statements``, and any other URL takes updates itself (a
    Fuseki dataset URL ``/ds``, Virtuoso's ``/sparql``).

    >>> update_url_for("http://h:7878/query"), update_url_for("http://h:7200/repositories/gov")
    ('http://h:7878/update', 'http://h:7200/repositories/gov/statements')
    >>> update_url_for("http://h:3030/plans")
    'http://h:3030/plans'
    """
    parts = urlsplit(query_url)
    path = parts.path.rstrip("/")
    if path.endswith("/query"):
        path = path[:-len("query")] + "update"
    elif re.search(r"/repositories/[^/]+$", path):
        path += "/statements"
    else:
        return query_url
    return urlunsplit(parts._replace(path=path))


def shown(url: str) -> str:
    """``url`` as error lines print it: without any user or password written into it.

    >>> shown("http://ann:secret@h:3030/ds")
    'http://h:3030/ds'
    """
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


@dataclass(frozen=True)
class Endpoint:
    """Where the store answers queries and takes updates, and how to log in."""

    query_url: str
    update_url: str
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = DEFAULT_TIMEOUT
    union_graph: str | None = None  # the store's union of its named graphs, if it has one

    def __str__(self) -> str:
        return shown(self.query_url)

    # -- the protocol -------------------------------------------------------------------

    def _post(self, url: str, data: dict[str, Any] | bytes, accept: str | None,
              content_type: str | None = None) -> requests.Response:
        headers = {}
        if accept:
            headers["Accept"] = accept
        if content_type:
            headers["Content-Type"] = content_type
        # UTF-8, as RFC 7617 has it (requests would write Latin-1 and fail on 中文)
        auth = (self.user.encode("utf-8"), (self.password or "").encode("utf-8")) \
            if self.user else None
        where = shown(url)
        try:
            response = requests.post(url, data=data, headers=headers, auth=auth,
                                     timeout=(min(self.timeout, 30.0), self.timeout))
        except requests.Timeout:
            raise EndpointError(f"the SPARQL store did not answer within {self.timeout:g} s "
                                f"({_TIMEOUT} sets the limit)", where=where) from None
        except requests.ConnectionError as exc:
            raise EndpointError(f"the SPARQL store cannot be reached ({_cause(exc)})",
                                where=where) from None
        except requests.RequestException as exc:
            raise EndpointError(f"the request failed ({_cause(exc)})", where=where) from None
        if response.status_code in (401, 403):
            given = "the credentials given" if self.user else "no credentials"
            raise EndpointRefused(
                f"the SPARQL store refused {given} (HTTP {response.status_code} "
                f"{response.reason}); set {_USER} and {_PASSWORD}", where=where)
        if response.status_code >= 400:
            said = " ".join(response.text.split())[:200]
            raise EndpointError(f"the SPARQL store answered HTTP {response.status_code} "
                                f"{response.reason}" + (f": {said}" if said else ""),
                                where=where)
        return response

    def _form(self, query: str, graphs: Sequence[str]) -> list[tuple[str, str]]:
        return [("query", query)] + [("default-graph-uri", g) for g in graphs]

    def select(self, text: str, graphs: Sequence[str]) -> tuple[list[str], list[tuple]]:
        """The variables and rows of a SELECT over the union of ``graphs``, each value as
        :func:`~ipplan.graph.terms.oxigraph_value` gives it (the same as from memory)."""
        response = self._post(self.query_url, self._form(text, graphs),  # type: ignore[arg-type]
                              "application/sparql-results+json")
        try:
            answer = response.json()
            names = list(answer["head"]["vars"])
            bindings = answer["results"]["bindings"]
        except (ValueError, KeyError, TypeError):
            raise EndpointError("the SPARQL store's answer is not SPARQL JSON results "
                                f"({response.headers.get('Content-Type', 'no type')})",
                                where=shown(self.query_url)) from None
        cache: dict[tuple, Any] = {}

        def value(cell: dict[str, str] | None) -> Any:
            if cell is None:
                return None
            key = (cell.get("type"), cell.get("value"), cell.get("xml:lang"),
                   cell.get("datatype"))
            if key not in cache:
                cache[key] = oxigraph_value(_term(cell))
            return cache[key]

        return names, [tuple(value(row.get(name)) for name in names) for row in bindings]

    def construct_into(self, graph: Graph, graphs: Sequence[str]) -> None:
        """Add every triple of the union of ``graphs`` to ``graph`` (an Oxigraph graph)."""
        if not graphs:
            return
        response = self._post(self.query_url,
                              self._form("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
                                         graphs),  # type: ignore[arg-type]
                              "application/n-triples")
        inner = oxigraph_of(graph)
        try:
            inner.load(response.content, format=ox.RdfFormat.N_TRIPLES,
                       to_graph=ox.DefaultGraph())
        except SyntaxError as exc:
            raise EndpointError(f"the SPARQL store's answer is not N-Triples ({_cause(exc)})",
                                where=shown(self.query_url)) from None

    def plan_graphs(self) -> list[str]:
        """The named graphs of ipplan's plans in the store, sorted."""
        # each plan's graph holds its ipp:Plan: a lookup, not a scan of every quad
        _, rows = self.select(
            "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?plan a <https://w3id.org/ipplan/ontology#Plan> } "
            f'FILTER (STRSTARTS(STR(?g), "{PLAN_GRAPHS}")) }}', [])
        return sorted(str(g) for (g,) in rows)

    def named_graphs(self) -> list[str]:
        """Every named graph the store holds, sorted."""
        _, rows = self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }", [])
        return sorted(str(g) for (g,) in rows)

    def graphs_to_read(self, plans: Sequence[str]) -> list[str]:
        """The graphs a reading query names as its default graph: the plans' graphs and
        the analysis graph, or the store's union graph when one is configured and the
        store holds ipplan's graphs only (any other graph would join the answers)."""
        if self.union_graph is None:
            return [*plans, ANALYSIS_GRAPH]
        others = [g for g in self.named_graphs() if not g.startswith(GRAPHS)]
        if others:
            raise IpplanError(
                f"{_UNION}={self.union_graph} reads every graph of the store, and the store "
                f"also holds {len(others)} graph(s) that are not ipplan's (first {others[0]}), "
                f"whose data would join the answers; unset {_UNION} or keep ipplan's graphs "
                "in a dataset of their own", where=shown(self.query_url))
        return [self.union_graph]

    def analysis_key(self) -> str | None:
        """The parameter key of the analysis held in :data:`ANALYSIS_GRAPH`, if any."""
        _, rows = self.select(
            "SELECT ?a WHERE { ?a a <https://w3id.org/ipplan/ontology#Analysis> }",
            [ANALYSIS_GRAPH])
        if len(rows) != 1:
            return None
        return str(rows[0][0]).rsplit("/", 1)[-1]

    def replace_graph(self, graph_iri: str, ntriples: bytes) -> None:
        """Make the named graph ``graph_iri`` hold exactly ``ntriples``, in one update
        request (the store applies it whole or not at all), touching no other graph."""
        body = (f"DROP SILENT GRAPH <{graph_iri}> ;\nINSERT DATA {{ GRAPH <{graph_iri}> {{\n"
                .encode() + ntriples + b"} }\n")
        self._post(self.update_url, body, None, "application/sparql-update; charset=utf-8")


def _term(cell: dict[str, str]) -> Any:
    """One SPARQL JSON results cell as the pyoxigraph term it writes."""
    kind = cell.get("type")
    if kind == "uri":
        return ox.NamedNode(cell["value"])
    if kind == "bnode":
        return ox.BlankNode(cell["value"])
    if "xml:lang" in cell:
        return ox.Literal(cell["value"], language=cell["xml:lang"])
    if "datatype" in cell:
        return ox.Literal(cell["value"], datatype=ox.NamedNode(cell["datatype"]))
    return ox.Literal(cell["value"])


def _cause(exc: BaseException) -> str:
    """The innermost reason of a requests failure, on one short line."""
    text = str(exc)
    found = re.search(r"\[Errno -?\d+\] ([^'\")]+)|(Connection refused|Name or service not known"
                      r"|Read timed out|Connection reset by peer)", text)
    if found:
        return (found[1] or found[2]).strip()
    return " ".join(text.split())[:160] or type(exc).__name__


def configured(url: str | None = None, update_url: str | None = None) -> Endpoint | None:
    """The store ipplan is pointed at: ``url`` (--endpoint), else IPPLAN_SPARQL_ENDPOINT; its
    update URL ``update_url`` (--update-endpoint), else IPPLAN_SPARQL_UPDATE_ENDPOINT, else
    :func:`update_url_for`; credentials from IPPLAN_SPARQL_USER and IPPLAN_SPARQL_PASSWORD;
    the time limit of one request from IPPLAN_SPARQL_TIMEOUT (seconds); the store's union
    graph from IPPLAN_SPARQL_UNION_GRAPH. None when no store is named."""
    named = "--endpoint" if url else _ENDPOINT
    url = url or os.environ.get(_ENDPOINT, "").strip() or None
    if url is None:
        return None
    _check_url(url, named)
    named = "--update-endpoint" if update_url else _UPDATE
    update_url = update_url or os.environ.get(_UPDATE, "").strip() or update_url_for(url)
    _check_url(update_url, named)
    raw = os.environ.get(_TIMEOUT, "").strip()
    try:
        timeout = float(raw) if raw else DEFAULT_TIMEOUT
        if not timeout > 0 or timeout == float("inf"):
            raise ValueError(raw)
    except ValueError:
        raise IpplanError(f"{_TIMEOUT}={raw!r}: give a number of seconds > 0") from None
    union = os.environ.get(_UNION, "").strip() or None
    if union is not None and not re.match(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]+$", union):
        raise IpplanError(f"{_UNION}={union!r} is not an IRI (Jena's union graph is "
                          "urn:x-arq:UnionGraph)")
    return Endpoint(url, update_url, os.environ.get(_USER) or None,
                    os.environ.get(_PASSWORD), timeout, union)


def _check_url(url: str, option: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise IpplanError(f"{option} {shown(url)!r} is not an http:// or https:// URL of a "
                          "SPARQL endpoint")
