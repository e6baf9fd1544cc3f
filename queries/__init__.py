"""Saved queries: each a pair of files, ``NAME.rq`` (SPARQL) and ``NAME.cypher``, whose
header comment says what it is (title in Chinese and English, description), its parameters
with their defaults, and its columns. One runner answers both, binding parameters (rdflib
``initBindings``, Cypher ``$params``), never pasting them into the query text.

Header lines (``#`` in SPARQL, ``//`` in Cypher)::

    # title: 单位工作量 | Unit workload
    # description: …
    # param: threshold = 3.5 | what it means (analysis)
    # param: unit | what it means (required)
    # columns: unit, unit_en, kind, lead, support, total, themes
    # list-columns: themes
    # split-by: u

A parameter marked ``(analysis)`` configures the analytics that the query reads (clusters,
load, overload flags), which are computed with it before the query runs. ``list-columns``
come back as lists, sorted, whichever engine answered. ``split-by`` (SPARQL only) names a
GROUP BY variable by which Oxigraph may answer the query in parts at once, one per core
(:func:`ipplan.graph.sparql.split` says what such a query must look like; a query that does
not is refused when it is read).

A query may return more columns than it declares, for sorting: rdflib drops variables that
a grouped query does not project, so SPARQL queries project their sort keys (plan, order),
and the runner keeps only the declared columns, in their order.

Saved queries only read (:mod:`ipplan.queries.readonly`): Cypher that writes, SPARQL Update and
SPARQL that reaches another server (SERVICE, FROM) are refused when the file is read, and a
SPARQL text that does not parse is refused with its line and column. Cypher runs in read
transactions.

Packaged queries live beside this module; users add or override queries with a folder of
their own (``--queries DIR`` or ``IPPLAN_QUERIES``).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from ipplan.errors import IpplanError, reason
from ipplan.queries.readonly import check

ENGINES = ("sparql", "cypher")
_SUFFIX = {"sparql": ".rq", "cypher": ".cypher"}
_HEADER = re.compile(r"^\s*(?:#|//)\s*([a-z-]+)\s*:\s*(.*)$")
_NATURAL = re.compile(r"(\d+)")


@dataclass(frozen=True)
class Parameter:
    name: str
    default: Any  # None when required
    help: str
    required: bool = False
    analysis: bool = False

    def convert(self, text: str) -> Any:
        """A value given on the command line, as the type of the default."""
        if self.default is None or isinstance(self.default, str):
            return text
        try:
            if isinstance(self.default, bool):
                if text.lower() in ("true", "yes", "1"):
                    return True
                if text.lower() in ("false", "no", "0"):
                    return False
                raise ValueError(text)
            if isinstance(self.default, int):
                return int(text)
            return float(text)
        except ValueError:
            kind = type(self.default).__name__
            raise IpplanError(f"parameter {self.name} takes a {kind}, not {text!r}") from None


@dataclass
class SavedQuery:
    """A saved query and what its header says about it."""

    name: str
    title_zh: str = ""
    title_en: str = ""
    description: str = ""
    parameters: dict[str, Parameter] = field(default_factory=dict)
    columns: tuple[str, ...] = ()
    list_columns: tuple[str, ...] = ()
    split_by: str = ""  # a SPARQL grouping variable, to answer the query in parts at once
    texts: dict[str, str] = field(default_factory=dict)  # engine -> query text
    paths: dict[str, Path] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return f"{self.title_zh} | {self.title_en}"

    def bind(self, given: dict[str, str]) -> dict[str, Any]:
        """Parameter values: defaults, overridden by ``given`` (strings from the command
        line); unknown names and missing required parameters are refused."""
        unknown = sorted(set(given) - set(self.parameters))
        if unknown:
            known = ", ".join(self.parameters) or "none"
            raise IpplanError(f"query {self.name} has no parameter {unknown[0]!r} "
                              f"(parameters: {known})")
        values = {}
        for name, parameter in self.parameters.items():
            if name in given:
                values[name] = parameter.convert(given[name])
            elif parameter.required:
                raise IpplanError(f"query {self.name} needs -p {name}=… ({parameter.help})")
            else:
                values[name] = parameter.default
        return values


def _parse_default(text: str) -> Any:
    text = text.strip()
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    return text


def _read_header(query: SavedQuery, text: str, path: Path) -> None:
    for line in text.splitlines():
        match = _HEADER.match(line)
        if not match:
            if line.strip() and not line.lstrip().startswith(("#", "//")):
                break
            continue
        key, value = match[1], match[2].strip()
        if key == "title":
            zh, _, en = value.partition("|")
            query.title_zh, query.title_en = zh.strip(), en.strip()
        elif key == "description":
            query.description = value
        elif key == "columns":
            query.columns = tuple(c.strip() for c in value.split(",") if c.strip())
        elif key == "split-by":
            query.split_by = value.lstrip("?$")
        elif key == "list-columns":
            query.list_columns = tuple(c.strip() for c in value.split(",") if c.strip())
        elif key == "param":
            spec, _, help_text = value.partition("|")
            name, has_default, default = spec.partition("=")
            help_text = help_text.strip()
            required = "(required)" in help_text or not has_default
            query.parameters[name.strip()] = Parameter(
                name.strip(), None if required else _parse_default(default),
                help_text.replace("(required)", "").replace("(analysis)", "").strip(),
                required=required, analysis="(analysis)" in help_text)
    if not query.columns:
        raise IpplanError("the saved query's header has no '# columns:' line", where=path)


def packaged_dir() -> Path:
    """The folder of the packaged queries."""
    return Path(str(resources.files(__package__)))


def query_dirs(extra: list[Path] | None = None) -> list[Path]:
    """Where saved queries come from: the packaged folder, then IPPLAN_QUERIES, then
    ``extra``; a later folder's query of the same name replaces an earlier one."""
    dirs = [packaged_dir()]
    if os.environ.get("IPPLAN_QUERIES"):
        dirs += [Path(p) for p in os.environ["IPPLAN_QUERIES"].split(os.pathsep) if p]
    dirs += list(extra or [])
    return dirs


def load_queries(extra: list[Path] | None = None) -> dict[str, SavedQuery]:
    """Every saved query, by name, sorted; a user's file that does more than read, or whose
    SPARQL does not parse, is refused here."""
    found: dict[str, dict[str, Path]] = {}
    packaged = packaged_dir()
    for folder in query_dirs(extra):
        if not folder.is_dir():
            raise IpplanError("is not a folder of saved queries", where=folder)
        for engine, suffix in _SUFFIX.items():
            for path in sorted(folder.glob(f"*{suffix}")):
                found.setdefault(path.stem, {})[engine] = path
    queries = {}
    for name in sorted(found):
        query = SavedQuery(name)
        for engine in ENGINES:
            path = found[name].get(engine)
            if path is None:
                continue
            try:
                text = path.read_text("utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise IpplanError(f"cannot read the saved query ({exc})", where=path) from None
            # The packaged queries are part of ipplan and checked by its tests; rdflib's SPARQL
            # parser takes a tenth of a second to load and a few hundredths per query.
            if path.parent != packaged or engine == "cypher":
                check(engine, text, path)
            query.texts[engine] = text
            query.paths[engine] = path
            _read_header(query, text, path)
        if query.split_by:
            _check_split(query)
        queries[name] = query
    return queries


def _check_split(query: SavedQuery) -> None:
    from ipplan.graph.sparql import split

    path = query.paths.get("sparql") or next(iter(query.paths.values()))
    if "sparql" not in query.texts:
        raise IpplanError("'# split-by:' is for SPARQL queries", where=path)
    try:
        split(query.texts["sparql"], query.split_by, 2)
    except ValueError as exc:
        raise IpplanError(f"'# split-by: {query.split_by}' cannot be used: {exc}",
                          where=path) from None


def get_query(name: str, extra: list[Path] | None = None) -> SavedQuery:
    queries = load_queries(extra)
    if name not in queries:
        raise IpplanError(f"no saved query {name!r} (see `ipplan query list`: "
                          f"{', '.join(queries)})")
    return queries[name]


def _plain(value: Any) -> Any:
    """One Cypher value as a plain Python value, as SPARQL's terms are read (lists kept)."""
    from ipplan.graph.store import plain_value

    return value if isinstance(value, list) else plain_value(value)


def _natural(text: str) -> list[Any]:
    return [int(part) if part.isdigit() else part for part in _NATURAL.split(str(text))]


def normalise(query: SavedQuery, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows keyed by the query's columns, values plain, list columns as sorted lists."""
    return _normalised(query, query.columns,
                       [tuple(_plain(row.get(column)) for column in query.columns)
                        for row in rows])


def _normalised(query: SavedQuery, names: list[str], rows: list[tuple]) -> list[dict[str, Any]]:
    """Rows of plain values (in the order of ``names``) keyed by the query's columns, the same
    from either engine and either language: list columns become sorted lists, each distinct
    joined string split once, and numbers with a fraction keep four places."""
    where = {name: i for i, name in enumerate(names)}
    columns = query.columns
    picks = [where.get(column) for column in columns]
    lists = [column in query.list_columns for column in columns]
    split: dict[str, list[str]] = {}

    def as_list(value: Any) -> list[str]:
        if isinstance(value, str):
            known = split.get(value)
            if known is None:
                known = split[value] = _sorted_list([v for v in value.split("|") if v])
            return list(known)
        return _sorted_list(value or [])

    out = []
    for row in rows:
        clean = {}
        for column, pick, is_list in zip(columns, picks, lists):
            value = None if pick is None else row[pick]
            if is_list:
                value = as_list(value)
            elif value is None:
                value = ""
            elif type(value) is float:
                value = round(value, 4)
            clean[column] = value
        out.append(clean)
    return out


def _sorted_list(values: Any) -> list[str]:
    return sorted({str(v) for v in values}, key=_natural)


def run_sparql(graph: Any, query: SavedQuery, values: dict[str, Any]) -> list[dict[str, Any]]:
    """Answer ``query`` from an rdflib graph (either engine); values are bound as terms."""
    from ipplan.graph.sparql import cores, select_values

    if "sparql" not in query.texts:
        raise IpplanError(f"query {query.name} has no SPARQL version ({query.name}.rq)")
    from ipplan.collector import collector_paused

    with collector_paused():  # a large result's rows would set off full collections
        try:
            names, rows = select_values(graph, query.texts["sparql"], values,
                                        split_by=query.split_by, parts=min(cores(), 8))
        except SyntaxError as exc:  # Oxigraph refused what rdflib's parser let through
            where = query.paths.get("sparql", query.name)
            at = re.match(r"error at (\d+):(\d+): (.*)", reason(exc, 300))
            if at is None:
                raise IpplanError(f"Oxigraph cannot run the query ({reason(exc)})",
                                  where=where) from None
            raise IpplanError(f"Oxigraph cannot run the query: at column {at[2]}, {at[3]}",
                              where=f"{where}:{at[1]}") from None
        return _normalised(query, names, rows)


def run_cypher(session: Any, query: SavedQuery, values: dict[str, Any]) -> list[dict[str, Any]]:
    """Answer ``query`` over Bolt in a neo4j driver session, in a read transaction (which a
    Neo4j server enforces; the query was also refused when read if it writes)."""
    if "cypher" not in query.texts:
        raise IpplanError(f"query {query.name} has no Cypher version ({query.name}.cypher)")
    text = query.texts["cypher"]
    check("cypher", text, query.paths.get("cypher", query.name))
    from ipplan.collector import collector_paused

    def read(transaction: Any) -> list[dict[str, Any]]:
        return [record.data() for record in transaction.run(text, values)]

    with collector_paused():
        return normalise(query, session.execute_read(read))
