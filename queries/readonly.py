"""Saved queries only read: the checks that refuse, when a query file is read, a query that
would change a database or reach beyond the graph ipplan gives it.

Cypher is tokenised (strings, comments and backtick-quoted names are skipped, so a property
``n.created`` or a string ``'DELETE'`` is no clause) and refused when it holds a clause that
writes: CREATE, MERGE, SET, REMOVE, DELETE, DETACH DELETE, DROP, FOREACH, LOAD CSV, the
administration commands (ALTER, GRANT, DENY, REVOKE, RENAME, START/STOP DATABASE, …), or a
CALL of a procedure other than the few known to read. The queries then run in READ
transactions too, which a real Neo4j enforces; the embedded ArcadeDB server does not, so this
check is what keeps its database as it was.

SPARQL is parsed by rdflib's SPARQL parser and refused when it is an Update (INSERT, DELETE,
LOAD, CLEAR, DROP, CREATE, ADD, MOVE, COPY), or when a SERVICE (anywhere, also nested) or a
FROM / FROM NAMED would make the engine fetch from another server. A query that does not parse
is refused with the line and column where the parser stopped.

>>> check_cypher("MATCH (n:Unit) WHERE n.created > 0 AND n.name <> 'DELETE' RETURN n", "q.cypher")
>>> check_cypher("MATCH (n:Unit)\\nDETACH DELETE n", "q.cypher")
Traceback (most recent call last):
...
ipplan.errors.IpplanError: q.cypher:2: refused: DETACH DELETE changes the database, and saved queries only read
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

from ipplan.errors import IpplanError

# -- Cypher --------------------------------------------------------------------------------

_CYPHER_TOKENS = re.compile(
    r"(?P<space>\s+)"
    r"|(?P<comment>//[^\n]*|/\*.*?\*/)"
    r"|(?P<string>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")"
    r"|(?P<quoted>`(?:[^`]|``)*`)"
    r"|(?P<parameter>\$(?:\w+|`(?:[^`]|``)*`))"
    r"|(?P<number>\d\w*)"
    r"|(?P<word>[^\W\d]\w*)"
    r"|(?P<other>.)",
    re.DOTALL)

# Clauses and commands that change a database (or, LOAD CSV, read from outside it), each with
# the words one of which must follow it (None: any), so that a variable named load or stop
# (ORDER BY load DESC) is no clause.
_WRITING: dict[str, set[str] | None] = {
    "CREATE": None, "MERGE": None, "SET": None, "REMOVE": None, "DELETE": None,
    "DETACH": None, "NODETACH": None, "DROP": None, "FOREACH": None,
    "LOAD": {"CSV"}, "GRANT": None, "DENY": None, "REVOKE": None,
    "ALTER": {"USER", "CURRENT", "DATABASE", "ALIAS", "SERVER"},
    "RENAME": {"USER", "ROLE", "SERVER"}, "ENABLE": {"SERVER"},
    "START": {"DATABASE", "DATABASES"}, "STOP": {"DATABASE", "DATABASES"},
    "DEALLOCATE": {"DATABASE", "DATABASES"}, "REALLOCATE": {"DATABASE", "DATABASES"},
    "TERMINATE": {"TRANSACTION", "TRANSACTIONS"},
}
# The word after the clause that says what it does, for the message: DETACH DELETE, LOAD CSV.
_SECOND = {"DELETE", "CSV", "INDEX", "CONSTRAINT", "DATABASE", "DATABASES", "ALIAS", "USER",
           "ROLE", "SERVER", "FULLTEXT", "RANGE", "TEXT", "POINT", "LOOKUP", "VECTOR",
           "COMPOSITE", "TRANSACTION", "TRANSACTIONS", "CURRENT"}
# Where a clause word cannot stand: after a dot or colon (a property key n.set, a label or
# type :Set), or AS (a column's name); before what no clause starts with (a map key or a
# variable with a label {delete: 1}, (create:Unit); a variable in a list, a comparison or
# an ORDER BY; the end of the text).
_NOT_BEFORE = {".", ":", "AS"}
_NOT_AFTER = {":", ".", ")", ",", "]", "}", "=", "<", ">", "+", "*", "/", "%", "^", "",
              "AS", "ASC", "DESC", "ASCENDING", "DESCENDING", "AND", "XOR", "IS", "IN",
              "THEN", "ELSE", "END", "WHEN", "CONTAINS", "STARTS", "ENDS"}
READING_PROCEDURES = ("db.labels", "db.relationshipTypes", "db.propertyKeys")


class _Token(NamedTuple):
    kind: str
    text: str
    start: int


def _cypher_tokens(text: str, where: Any) -> list[_Token]:
    """The tokens of ``text`` that mean something: no spaces, no comments."""
    tokens = []
    for match in _CYPHER_TOKENS.finditer(text):
        kind, token = match.lastgroup or "other", match.group()
        if kind in ("space", "comment"):
            continue
        if kind == "other" and (token in "'\"`" or text.startswith("/*", match.start())):
            what = {"'": "a string", '"': "a string", "`": "a quoted name"}.get(token,
                                                                                 "a comment")
            raise IpplanError(f"the Cypher cannot be read: {what} opened on this line is "
                              "never closed",
                              where=f"{where}:{_line(text, match.start())}")
        tokens.append(_Token(kind, token, match.start()))
    return tokens


def _line(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def _procedure(tokens: list[_Token], at: int) -> str:
    """The dotted name of the procedure that CALL at ``at`` calls ("" for a subquery)."""
    parts: list[str] = []
    for token in tokens[at + 1:]:
        if token.kind in ("word", "quoted") and (not parts or parts[-1] == "."):
            parts.append(token.text.strip("`") if token.kind == "quoted" else token.text)
        elif token.text == "." and parts and parts[-1] != ".":
            parts.append(".")
        else:
            break
    return "".join(parts)


def check_cypher(text: str, where: Any) -> None:
    """Refuse (:class:`IpplanError` naming ``where``, the line and the clause) a Cypher
    query that would change the database."""
    tokens = _cypher_tokens(text, where)
    reading = {name.lower() for name in READING_PROCEDURES}
    for at, token in enumerate(tokens):
        if token.kind != "word":
            continue
        word = token.text.upper()
        before = tokens[at - 1].text.upper() if at else ""
        after = tokens[at + 1].text.upper() if at + 1 < len(tokens) else ""
        if before in _NOT_BEFORE or after in _NOT_AFTER:
            continue
        clause = ""
        followers = _WRITING.get(word, set())
        if word in _WRITING and (followers is None or after in followers):
            clause = f"{word} {after}" if after in _SECOND else word
        elif word == "CALL":
            name = _procedure(tokens, at)
            if name and name.lower() not in reading:
                raise IpplanError(
                    f"refused: CALL {name} runs a procedure, and saved queries only read "
                    f"(the procedures they may call: {', '.join(READING_PROCEDURES)})",
                    where=f"{where}:{_line(text, token.start)}")
        if clause:
            raise IpplanError(f"refused: {clause} changes the database, and saved queries "
                              "only read", where=f"{where}:{_line(text, token.start)}")


# -- SPARQL --------------------------------------------------------------------------------

# To find the line of a keyword the parser reported: strings, IRIs and comments skipped.
_SPARQL_TOKENS = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n\r]|\\.)*"|\'(?:[^\'\\\n\r]|\\.)*\''
    r'|<[^<>"{}|^`\\\x00-\x20]*>|#[^\n]*|[?$]\w+|(?P<word>[A-Za-z]+)',
    re.DOTALL)

_UPDATES = {"InsertData": "INSERT DATA", "DeleteData": "DELETE DATA",
            "DeleteWhere": "DELETE WHERE", "Modify": "DELETE/INSERT … WHERE", "Load": "LOAD",
            "Clear": "CLEAR", "Drop": "DROP", "Create": "CREATE", "Add": "ADD", "Move": "MOVE",
            "Copy": "COPY"}
_UPDATE_WORDS = {"INSERT", "DELETE", "WITH", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE",
                 "COPY"}


def _sparql_line(text: str, words: set[str]) -> int | None:
    """The line of the first of ``words`` outside strings, IRIs and comments."""
    for match in _SPARQL_TOKENS.finditer(text):
        if match.group("word") and match.group("word").upper() in words:
            return _line(text, match.start())
    return None


def _at(where: Any, line: int | None) -> str:
    return f"{where}:{line}" if line else str(where)


def _names(node: Any) -> Iterator[str]:
    """The names of every part of an rdflib SPARQL parse tree, at any depth."""
    from rdflib.plugins.sparql.parserutils import CompValue  # heavy (pyparsing): on use

    stack = [node]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            yield node.name
            stack.extend(dict.values(node))
        elif isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, (list, tuple)) or type(node).__name__ == "ParseResults":
            stack.extend(node)


def check_sparql(text: str, where: Any) -> None:
    """Refuse (:class:`IpplanError` naming ``where`` and the line) a SPARQL text that does
    not parse as a query, is an Update, or would reach another server (SERVICE, FROM)."""
    # rdflib's SPARQL grammar is built when its parser is first imported (a tenth of a second)
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        tree = parseQuery(text)
    except ParseBaseException as exc:
        try:
            operations = [_UPDATES.get(part.name, part.name)
                          for part in parseUpdate(text).request or ()]
        except ParseBaseException:
            operations = []
        if not operations:  # an empty text parses as an empty Update
            found = f"found {text[exc.loc:].split()[0]!r}" if text[exc.loc:].strip() \
                else "found the end of the text"
            raise IpplanError(f"the SPARQL does not parse at column {exc.col} "
                              f"({exc.msg}, {found})", where=f"{where}:{exc.lineno}") from None
        raise IpplanError(f"refused: a SPARQL Update ({', '.join(operations)}) changes the "
                          "graph, and saved queries only read",
                          where=_at(where, _sparql_line(text, _UPDATE_WORDS))) from None
    names = set(_names(tree))
    if "ServiceGraphPattern" in names:
        raise IpplanError("refused: SERVICE sends the query to another server, and saved "
                          "queries only read the graph ipplan gives them",
                          where=_at(where, _sparql_line(text, {"SERVICE"})))
    if "DatasetClause" in names:
        raise IpplanError("refused: FROM names a graph to fetch, and saved queries only read "
                          "the graph ipplan gives them",
                          where=_at(where, _sparql_line(text, {"FROM"})))


def check(engine: str, text: str, where: Path | str) -> None:
    """Refuse a saved query's text (``engine`` "sparql" or "cypher") that does more than
    read (see the module's note)."""
    if engine == "cypher":
        check_cypher(text, where)
    else:
        check_sparql(text, where)
