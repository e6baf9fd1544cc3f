"""Running SPARQL with parameters on either engine, with values that can only ever be values.

rdflib binds parameters with ``initBindings``; Oxigraph's ``substitutions`` only accept
variables of the SELECT clause. So ipplan binds the way Jena's ParameterizedSparqlString
does: every occurrence of ``?name`` (outside strings, IRIs and comments) is replaced by the
value written as one RDF term, escaped by the SPARQL grammar's own rules. A value full of
quotes, braces, backslashes or SPARQL keywords stays one string literal, whatever it holds.

A grouped query may also be *split* (:func:`split`): cut into parts that share no group, by
a hash of one grouping variable, which Oxigraph answers at once on several cores (it lets go
of Python's lock while it works); the parts' rows are then put in the query's order here.

>>> bind('SELECT ?m WHERE { ?m ?p ?unit FILTER (?n >= ?min) } # ?unit', {"unit": 'a"} ?x', "min": 2})
'SELECT ?m WHERE { ?m ?p "a\\\\"} ?x" FILTER (?n >= 2) } # ?unit'
>>> bind('SELECT ?unit ?m WHERE { ?m ?p ?unit }', {"unit": "x"})
'SELECT ("x" AS ?unit) ?m WHERE { ?m ?p "x" }'
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from .engine import engine_of, oxigraph_rows, oxigraph_select, oxigraph_solutions
from .terms import from_oxigraph, plain_value

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b",
            "\f": "\\f"}
_TOKENS = re.compile(
    r'(?P<long>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\')'
    r'|(?P<string>"(?:[^"\\\n\r]|\\.)*"|\'(?:[^\'\\\n\r]|\\.)*\')'
    r'|(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)'
    r'|(?P<comment>#[^\n]*)'
    r'|(?P<var>[?$][A-Za-z0-9_\u00b7\u00c0-\ufffd]+)'
    r'|(?P<word>[A-Za-z]+)'
    r'|(?P<open>[({])|(?P<close>[)}])',
    re.DOTALL)


def term(value: Any) -> str:
    """``value`` written as one SPARQL term.

    >>> term("市科技局"), term(3), term(True), term(2.5)
    ('"市科技局"', '3', 'true', '"2.5"^^<http://www.w3.org/2001/XMLSchema#double>')
    >>> term(Literal("x", lang="zh")), term(URIRef("https://w3id.org/ipplan/id/plan/a"))
    ('"x"@zh', '<https://w3id.org/ipplan/id/plan/a>')
    """
    if isinstance(value, URIRef):
        text = str(value)
        if re.search(r'[<>"{}|^`\\\x00-\x20]', text):
            raise ValueError(f"not an IRI: {text!r}")
        return f"<{text}>"
    if isinstance(value, Literal):
        if value.language:
            return f"{_string(str(value))}@{value.language}"
        if value.datatype and value.datatype != XSD.string:
            return f"{_string(str(value))}^^{term(value.datatype)}"
        return _string(str(value))
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = "NaN" if math.isnan(value) else "INF" if value > 0 and math.isinf(value) \
            else "-INF" if math.isinf(value) else repr(value)
        return f"{_string(text)}^^<{XSD.double}>"
    return _string(str(value))


def _string(text: str) -> str:
    return '"' + "".join(_ESCAPES.get(ch, ch) for ch in text) + '"'


def bind(text: str, values: Mapping[str, Any]) -> str:
    """``text`` with each bound variable replaced by its value (see the module's note)."""
    values = {name: value for name, value in values.items() if value is not None}
    if not values:
        return text
    written = {name: term(value) for name, value in values.items()}
    out: list[str] = []
    position = 0
    projecting = False  # between SELECT and its WHERE/{: a bare variable there is a column
    depth = 0
    for match in _TOKENS.finditer(text):
        kind = match.lastgroup
        token = match.group()
        if kind == "word":
            upper = token.upper()
            if upper == "SELECT":
                projecting, depth = True, 0
            elif upper == "WHERE" and projecting:
                projecting = False
            continue
        if kind == "open":
            if token == "{":
                projecting = False
            depth += 1
            continue
        if kind == "close":
            depth -= 1
            continue
        if kind != "var" or token[1:] not in written:
            continue
        value = written[token[1:]]
        previous = text[position:match.start()]
        if projecting and depth == 0:
            value = f"({value} AS {token})"
        elif projecting and re.search(r"\bAS\s*$", previous, re.IGNORECASE):
            value = token  # (expr AS ?name): the column keeps its name
        out.append(previous)
        out.append(value)
        position = match.end()
    out.append(text[position:])
    return "".join(out)


_HEX = "0123456789abcdef"
_MODIFIERS = {"GROUP", "HAVING", "ORDER", "LIMIT", "OFFSET", "VALUES"}
_COMMENT = re.compile(r"#[^\n]*")  # in GROUP BY and ORDER BY, where no string can be
_VARIABLE = r"[?$](?P<name>[A-Za-z0-9_\u00b7\u00c0-\ufffd]+)"
_GROUP_KEYS = re.compile(rf"\s*{_VARIABLE}")
_ORDER_KEYS = re.compile(r"\s*(?:(?P<way>ASC|DESC)\s*\(\s*[?$](?P<wrapped>[A-Za-z0-9_\u00b7"
                         rf"\u00c0-\ufffd]+)\s*\)|{_VARIABLE})", re.IGNORECASE)


@dataclass(frozen=True)
class Split:
    """A grouped SELECT cut into parts that share no group, and the order to put their rows
    back in: (variable, descending) pairs, the first the most significant."""

    texts: tuple[str, ...]
    order: tuple[tuple[str, bool], ...]


def split(text: str, variable: str, parts: int) -> Split:
    """``text`` cut into ``parts`` queries (at most 16) by the first hex digit of the MD5 of
    ``?variable``, which must be one of its GROUP BY keys: every group falls wholly in one
    part, so each part's aggregates are the whole query's. The parts leave out the ORDER BY,
    whose keys must be projected variables (plain or in ASC/DESC) and cover every grouping
    key, so that the order is total and does not depend on how many parts there were.
    A query without GROUP BY, with LIMIT, OFFSET or a final VALUES, or ordered by an
    expression cannot be split: ValueError says why.

    >>> cut = split('SELECT ?u (COUNT(?m) AS ?n) WHERE { ?m ?p ?u } GROUP BY ?u '
    ...             'ORDER BY DESC(?n) ?u', "u", 2)
    >>> cut.order
    (('n', True), ('u', False))
    >>> first, second = cut.texts
    >>> before, after = second.split(" FILTER ")
    >>> before
    'SELECT ?u (COUNT(?m) AS ?n) WHERE {'
    >>> print(after)
    (COALESCE(SUBSTR(MD5(STR(?u)), 1, 1), "") >= "8") ?m ?p ?u } GROUP BY ?u
    >>> split('SELECT ?u WHERE { ?m ?p ?u } ORDER BY ?u', "u", 2)
    Traceback (most recent call last):
    ValueError: ?u is not one of the query's GROUP BY keys
    """
    if not 1 < parts <= len(_HEX):
        raise ValueError(f"a query is cut into 2 to {len(_HEX)} parts, not {parts}")
    tokens = list(_TOKENS.finditer(text))
    select = next((i for i, m in enumerate(tokens) if m.lastgroup == "word"
                   and m.group().upper() == "SELECT"), None)
    if select is None:
        raise ValueError("not a SELECT query")
    projected: set[str] = set()  # the columns: plain variables, and (… AS ?name)
    depth, start = 0, None
    for i in range(select + 1, len(tokens)):
        match, kind = tokens[i], tokens[i].lastgroup
        if kind == "open" and match.group() == "{" and depth == 0:
            start = i
            break
        depth += {"open": 1, "close": -1}.get(kind, 0)
        if kind == "var" and (depth == 0 or tokens[i - 1].group().upper() == "AS"):
            projected.add(match.group()[1:])
    if start is None:
        raise ValueError("the query has no WHERE group")
    depth, end = 0, None
    for i in range(start, len(tokens)):
        depth += {"open": 1, "close": -1}.get(tokens[i].lastgroup, 0)
        if depth == 0:
            end = i
            break
    if end is None:
        raise ValueError("the query's WHERE group is not closed")
    clauses = _clauses(text, tokens[end + 1:], tokens[end].end())
    refused = [word for word in ("LIMIT", "OFFSET", "VALUES") if word in clauses]
    if refused:
        raise ValueError(f"a query with {refused[0]} cannot be split")
    keys = _keys(text, clauses.get("GROUP"), _GROUP_KEYS)
    order = _keys(text, clauses.get("ORDER"), _ORDER_KEYS)
    if variable not in keys:
        raise ValueError(f"?{variable} is not one of the query's GROUP BY keys")
    unordered = [key for key in keys if key not in {name for name, _ in order}]
    if unordered:
        raise ValueError(f"the ORDER BY leaves out the grouping key ?{unordered[0]}, "
                         "so the order of the rows is not total")
    hidden = [name for name, _ in order if name not in projected]
    if hidden:
        raise ValueError(f"the ORDER BY key ?{hidden[0]} is not a column of the query")
    body = text[:clauses["ORDER"][0]].rstrip()  # ORDER BY is last: LIMIT is refused
    head = tokens[start].end()
    digit = f'COALESCE(SUBSTR(MD5(STR(?{variable})), 1, 1), "")'
    cuts = [None] + [_HEX[len(_HEX) * n // parts] for n in range(1, parts)] + [None]
    texts = []
    for low, high in zip(cuts, cuts[1:]):
        test = " && ".join(([f'{digit} >= "{low}"'] if low else [])
                           + ([f'{digit} < "{high}"'] if high else []))
        texts.append(f"{body[:head]} FILTER ({test}){body[head:]}")
    return Split(tuple(texts), tuple(order))


def _clauses(text: str, tokens: list[re.Match[str]], after: int) -> dict[str, tuple[int, int]]:
    """Where each solution modifier (GROUP BY, HAVING, ORDER BY, LIMIT…) that follows the
    WHERE group (ending at ``after``) starts and ends in ``text``."""
    starts, depth = [], 0
    for match in tokens:
        depth += {"open": 1, "close": -1}.get(match.lastgroup or "", 0)
        if depth == 0 and match.lastgroup == "word" and match.group().upper() in _MODIFIERS:
            starts.append((match.group().upper(), match.start()))
    between = _COMMENT.sub("", text[after:starts[0][1] if starts else len(text)]).strip()
    if between:
        raise ValueError(f"cannot read {between!r} after the query's WHERE group")
    ends = [start for _, start in starts[1:]] + [len(text)]
    return {word: (start, end) for (word, start), end in zip(starts, ends)}


def _keys(text: str, span: tuple[int, int] | None, pattern: re.Pattern[str]) -> list[Any]:
    """The variables a GROUP BY lists, or the (variable, descending) keys of an ORDER BY."""
    if span is None:
        return []
    clause = _COMMENT.sub("", text[span[0]:span[1]]).strip()
    by = re.match(r"(GROUP|ORDER)\s+BY\b", clause, re.IGNORECASE)
    keys, position = [], by.end() if by else 0
    while position < len(clause) and by:
        key = pattern.match(clause, position)
        if key is None:
            break
        keys.append(key["name"] if pattern is _GROUP_KEYS else
                    (key["name"] or key["wrapped"], (key["way"] or "").upper() == "DESC"))
        position = key.end()
    if not keys or position < len(clause):
        raise ValueError(f"cannot read {clause[position:].strip() or clause!r} in "
                         f"{clause.split()[0].upper()} BY: it lists variables, ASC(?v), DESC(?v)")
    return keys


def in_order(names: list[str], rows: list[tuple], order: Iterable[tuple[str, bool]]) -> \
        list[tuple] | None:
    """``rows`` sorted as SPARQL's ORDER BY sorts plain values (unbound first, numbers by
    value, strings by code point), or None when a key mixes values Python cannot compare.
    One stable sort per run of keys in the same direction, the least significant first.

    >>> rows = [(1, "b"), (2, "c"), (1, "a"), (None, "d")]
    >>> in_order(["n", "u"], rows, [("n", True), ("u", False)])
    [(2, 'c'), (1, 'a'), (1, 'b'), (None, 'd')]
    >>> in_order(["n"], [(1,), ("a",)], [("n", False)]) is None
    True
    """
    runs: list[tuple[list[int], bool]] = []
    for name, descending in order:
        if runs and runs[-1][1] == descending:
            runs[-1][0].append(names.index(name))
        else:
            runs.append(([names.index(name)], descending))
    rows = list(rows)
    try:
        for columns, descending in reversed(runs):
            if any(row[column] is None for row in rows for column in columns):
                def key(row: tuple, columns: list[int] = columns) -> tuple:
                    return tuple((row[c] is not None, row[c]) for c in columns)
            else:
                key = itemgetter(*columns)  # type: ignore[assignment]
            rows.sort(key=key, reverse=descending)
    except TypeError:
        return None
    return rows


def cores() -> int:
    """How many cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def select(graph: Graph, text: str, values: Mapping[str, Any] | None = None,
           prefixes: Mapping[str, Any] | None = None) -> Iterable[Any]:
    """The rows of a SELECT query on ``graph`` (either engine), with ``values`` bound."""
    text = bind(text, values or {})
    namespaces = {name: str(iri) for name, iri in (prefixes or {}).items()}
    rows = oxigraph_select(graph, text, namespaces)
    return graph.query(text, initNs=namespaces) if rows is None else rows


def select_values(graph: Graph, text: str, values: Mapping[str, Any] | None = None,
                  prefixes: Mapping[str, Any] | None = None, *,
                  plain: Callable[[Any], Any] | None = None, split_by: str | None = None,
                  parts: int = 1) -> tuple[list[str], list[tuple]]:
    """The variables and rows of a SELECT on ``graph`` (either engine), with ``values``
    bound; each value is ``plain(term)`` of its rdflib term, by default a plain Python value
    (:func:`ipplan.graph.terms.plain_value`), which on Oxigraph is read from the TSV that
    Oxigraph writes (:func:`ipplan.graph.engine.oxigraph_rows`) without building any term.
    On Oxigraph each distinct value is converted once: a query with many rows costs little
    more than the engine's own time.

    With ``split_by`` (a grouping variable) and more than one part, Oxigraph answers the
    query cut into ``parts`` (:func:`split`) on as many threads, and the rows come back in
    the query's order, the same as the whole query's."""
    text = bind(text, values or {})
    namespaces = {name: str(iri) for name, iri in (prefixes or {}).items()}
    if plain is not None:
        answer = oxigraph_solutions(graph, text, namespaces,
                                    lambda term: plain(from_oxigraph(term)))
    elif split_by and parts > 1 and engine_of(graph) == "oxigraph":
        cut = split(text, split_by, parts)
        with ThreadPoolExecutor(parts) as pool:
            answers = list(pool.map(lambda part: oxigraph_rows(graph, part, namespaces),
                                    cut.texts))
        names = answers[0][0]
        ordered = in_order(names, [row for _, rows in answers for row in rows], cut.order)
        answer = (names, ordered) if ordered is not None else \
            oxigraph_rows(graph, text, namespaces)
    else:
        answer = oxigraph_rows(graph, text, namespaces)
    if answer is not None:
        return answer
    plain = plain or plain_value
    result = graph.query(text, initNs=namespaces)
    return ([str(v) for v in result.vars],
            [tuple(None if value is None else plain(value) for value in row) for row in result])
