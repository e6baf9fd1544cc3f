"""Saved queries: each a pair of files, ``NAME.rq`` (SPARQL) and ``NAME.cypher``, whose
header comment says what it is (title in Chinese and English, description), its parameters
with their defaults and ranges, and its columns. One runner answers both, binding parameters
(SPARQL terms, Cypher ``$params``), never pasting them into the query text.

Header lines (``#`` in SPARQL, ``//`` in Cypher), the comment lines before the query::

    # title: 单位工作量 | Unit workload
    # description: …
    # param: threshold = 3.5 | what it means (analysis) (range: > 0)
    # param: unit | what it means (required) (range: non-empty)
    # columns: unit, unit_en, kind, lead, support, total, themes
    # list-columns: themes
    # split-by: u

A parameter's default gives its type (an integer, a number, true/false, or text); one with no
default, or marked ``(required)``, must be given. A parameter marked ``(analysis)`` configures
the analytics that the query reads (clusters, load, overload flags), which are computed with it
before the query runs. ``(range: …)`` says which values it takes, and a value outside is
refused with the range:

- ``> 0``, ``>= 1``, ``< 10``, ``<= 1``, or two joined by ``and`` (``>= 0 and <= 1``): a number
  within these bounds (numbers are always finite: ``nan`` and ``inf`` are refused);
- ``zh | en``: one of these texts;
- ``non-empty``: any text but the empty one;
- ``date``: a day, ``YYYY-MM-DD``; the default ``today`` is the day the query runs, or the
  day the front end names (``--as-of``), so that a saved result can be made again.

``list-columns`` come back as lists, sorted, whichever engine answered. ``split-by`` (SPARQL
only) names a GROUP BY variable by which Oxigraph may answer the query in parts at once, one per
core (:func:`ipplan.graph.sparql.split` says what such a query must look like; a query that
does not is refused when it is read). Other comment lines in the header are free text, but a
line that starts like a header line (``# word:``) must be one of these.

A query may return more columns than it declares, for sorting: rdflib drops variables that
a grouped query does not project, so SPARQL queries project their sort keys (plan, order),
and the runner keeps only the declared columns, in their order.

Saved queries only read (:mod:`ipplan.queries.readonly`): Cypher that writes, SPARQL Update and
SPARQL that reaches another server (SERVICE, FROM) are refused when the file is read, and a
SPARQL text that does not parse is refused with its line and column. Cypher runs in read
transactions.

Packaged queries live beside this module; users add queries with a folder of their own
(``--queries DIR`` or ``IPPLAN_QUERIES``). A query of the same name in a later folder replaces
the earlier one as a whole (both its files), and says so (:attr:`SavedQuery.replaces`).
"""

from __future__ import annotations

import datetime
import math
import os
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from ipplan.collector import collector_paused
from ipplan.errors import IpplanError, reason
from ipplan.graph.sparql import cores, select_values, split
from ipplan.graph.terms import plain_value
from ipplan.queries.readonly import check

ENGINES = ("sparql", "cypher")
_SUFFIX = {"sparql": ".rq", "cypher": ".cypher"}
_HEADER = re.compile(r"^\s*(?:#|//)\s*([a-z-]+)\s*:\s*(.*)$")
_KEYS = ("title", "description", "param", "columns", "list-columns", "split-by")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_RANGE = re.compile(r"\(range:([^()]*)\)")
_BOUND = re.compile(r"(>=|<=|>|<)\s*(\S+)")
_NATURAL = re.compile(r"(\d+)")
_KINDS = {int: "an integer", float: "a finite number", bool: "true or false", str: "a text"}
_TESTS = {">": float.__gt__, ">=": float.__ge__, "<": float.__lt__, "<=": float.__le__}


# The default of a date parameter: the day the query runs (or the front end's --as-of).
TODAY = "today"
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def is_day(value: Any) -> bool:
    """Whether ``value`` is a day written YYYY-MM-DD that the calendar has.

    >>> is_day("2025-07-01"), is_day("2025-02-30"), is_day("2025-7-1")
    (True, False, False)
    """
    if not isinstance(value, str) or not _DAY.fullmatch(value):
        return False
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class Range:
    """The values a parameter takes, as its header writes them (see the module's note).

    >>> Range.parse("> 0").admits(2.0), Range.parse("> 0").admits(0.0)
    (True, False)
    >>> Range.parse("zh | en").admits("fr"), Range.parse("non-empty").admits("")
    (False, False)
    """

    text: str
    bounds: tuple[tuple[str, float], ...] = ()
    choices: tuple[str, ...] = ()
    non_empty: bool = False
    date: bool = False  # a day, YYYY-MM-DD

    @classmethod
    def parse(cls, text: str) -> Range:
        """The range ``text`` writes; ValueError when it writes none."""
        text = " ".join(text.split())
        if text == "non-empty":
            return cls(text, non_empty=True)
        if text == "date":
            return cls(text, date=True)
        if text[:1] in "<>":
            bounds = []
            for part in re.split(r"\s+and\s+", text):
                match = _BOUND.fullmatch(part)
                try:
                    bound = float(match[2]) if match else math.nan
                except ValueError:
                    bound = math.nan
                if not math.isfinite(bound):
                    raise ValueError(f"{part!r} is not a comparison with a number")
                bounds.append((match[1], bound))
            return cls(text, bounds=tuple(bounds))
        choices = tuple(choice.strip() for choice in text.split("|"))
        if len(choices) < 2 or not all(choices):
            raise ValueError(f"{text!r} is none of: bounds (> 0, >= 1 and <= 9), choices "
                             "(zh | en), non-empty, date")
        return cls(text, choices=choices)

    def admits(self, value: Any) -> bool:
        if self.non_empty:
            return value != ""
        if self.date:
            return value == TODAY or is_day(value)
        if self.choices:
            return value in self.choices
        return all(_TESTS[test](float(value), bound) for test, bound in self.bounds)


@dataclass(frozen=True)
class Parameter:
    name: str
    default: Any  # None when required
    help: str
    required: bool = False
    analysis: bool = False
    range: Range | None = None
    kind: type = str  # the type of the default: int, float, bool or str

    @property
    def takes(self) -> str:
        """The values it takes, in words: "an integer >= 1", "zh or en"."""
        if self.range is not None and self.range.choices:
            return " or ".join(self.range.choices)
        if self.range is not None and self.range.non_empty:
            return "a non-empty text"
        if self.range is not None and self.range.date:
            return "a day YYYY-MM-DD (or today)"
        words = _KINDS[self.kind]
        return f"{words} {self.range.text}" if self.range is not None else words

    def convert(self, text: str) -> Any:
        """A value given on the command line, as the parameter's type; ValueError when it is
        not one, or is out of the parameter's range."""
        if self.kind is bool:
            if text.lower() not in ("true", "yes", "1", "false", "no", "0"):
                raise ValueError(text)
            value: Any = text.lower() in ("true", "yes", "1")
        elif self.kind in (int, float):
            value = self.kind(text)
            if not math.isfinite(value):
                raise ValueError(text)
        else:
            value = text
        if self.range is not None and not self.range.admits(value):
            raise ValueError(text)
        return value


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
    packaged: bool = True  # False for a query from the user's own folder
    replaces: tuple[Path, ...] = ()  # the files of the same name in earlier folders

    @property
    def title(self) -> str:
        return f"{self.title_zh} | {self.title_en}"

    @property
    def origin(self) -> str:
        """Where the query comes from, in words: "packaged", "yours", "yours (replaces
        packaged)"."""
        if self.packaged:
            return "packaged"
        if not self.replaces:
            return "yours"
        if any(path.parent == packaged_dir() for path in self.replaces):
            return "yours (replaces packaged)"
        return f"yours (replaces {self.replaces[0].parent})"

    def bind(self, given: dict[str, str], *, today: str | None = None) -> dict[str, Any]:
        """Parameter values: defaults, overridden by ``given`` (strings from the command
        line); unknown names, missing required parameters and values out of a parameter's
        range are refused. A date parameter given as ``today`` (its default) is ``today``
        (YYYY-MM-DD, the front end's --as-of), else the day it runs."""
        unknown = sorted(set(given) - set(self.parameters))
        if unknown:
            known = ", ".join(self.parameters) or "none"
            raise IpplanError(f"query {self.name} has no parameter {unknown[0]!r} "
                              f"(parameters: {known})")
        values = {}
        for name, parameter in self.parameters.items():
            if name in given:
                try:
                    values[name] = parameter.convert(given[name])
                except ValueError:
                    raise IpplanError(f"query {self.name}: -p {name}={given[name]!r} is "
                                      f"refused: {name} takes {parameter.takes}") from None
            elif parameter.required:
                raise IpplanError(f"query {self.name} needs -p {name}=… ({parameter.help}; "
                                  f"{parameter.takes})")
            else:
                values[name] = parameter.default
            if parameter.range is not None and parameter.range.date and values[name] == TODAY:
                values[name] = today or datetime.date.today().isoformat()
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


def _parameter(value: str) -> Parameter:
    """One ``param:`` line's parameter; ValueError saying what is wrong with it."""
    spec, _, help_text = value.partition("|")
    name, has_default, default_text = spec.partition("=")
    name = name.strip()
    if not _NAME.fullmatch(name):
        raise ValueError(f"{name!r} is not a parameter name (letters, digits and _)")
    flags = _RANGE.findall(help_text)
    if len(flags) > 1:
        raise ValueError(f"parameter {name} has {len(flags)} ranges")
    try:
        range_ = Range.parse(flags[0]) if flags else None
    except ValueError as exc:
        raise ValueError(f"the range of parameter {name}: {exc}") from None
    required = "(required)" in help_text or not has_default
    default = None if required else _parse_default(default_text)
    kind = str if default is None else type(default)
    if range_ is not None and range_.bounds and kind not in (int, float):
        raise ValueError(f"parameter {name} has bounds ({range_.text}) but is not a number "
                         "(give it a numeric default)")
    if range_ is not None and (range_.choices or range_.non_empty or range_.date) \
            and kind is not str:
        raise ValueError(f"parameter {name} is {_KINDS[kind]} but its range "
                         f"({range_.text}) is for text")
    if isinstance(default, float) and not math.isfinite(default):
        raise ValueError(f"the default of parameter {name} is not a finite number")
    if default is not None and range_ is not None and not range_.admits(default):
        raise ValueError(f"the default of parameter {name} ({default}) is out of its range "
                         f"({range_.text})")
    words = _RANGE.sub("", help_text).replace("(required)", "").replace("(analysis)", "")
    return Parameter(name, default, " ".join(words.split()), required=required,
                     analysis="(analysis)" in help_text, range=range_, kind=kind)


def _columns(value: str) -> tuple[str, ...]:
    return tuple(c.strip() for c in value.split(",") if c.strip())


def _read_header(query: SavedQuery, text: str, path: Path) -> None:
    """Fill ``query`` from the header of ``text`` (the file ``path``); a line that does not
    read is refused, naming the file and line."""
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), 1):
        match = _HEADER.match(line)
        if not match:
            if line.strip() and not line.lstrip().startswith(("#", "//")):
                break
            continue
        key, value = match[1], match[2].strip()
        where = f"{path}:{number}"
        if key not in _KEYS:
            raise IpplanError(f"'{key}:' is not a header line (header lines are "
                              f"{', '.join(k + ':' for k in _KEYS)})", where=where)
        if key != "param" and key in seen:
            raise IpplanError(f"a second '{key}:' line", where=where)
        seen.add(key)
        if key == "title":
            zh, _, en = value.partition("|")
            query.title_zh, query.title_en = zh.strip(), en.strip()
        elif key == "description":
            query.description = value
        elif key == "columns":
            query.columns = _columns(value)
        elif key == "split-by":
            query.split_by = value.lstrip("?$")
            if not _NAME.fullmatch(query.split_by):
                raise IpplanError(f"'split-by:' names a variable, not {value!r}", where=where)
        elif key == "list-columns":
            query.list_columns = _columns(value)
        elif key == "param":
            try:
                parameter = _parameter(value)
            except ValueError as exc:
                raise IpplanError(f"the 'param:' line does not read: {exc}",
                                  where=where) from None
            if parameter.name in query.parameters:
                raise IpplanError(f"a second parameter {parameter.name}", where=where)
            query.parameters[parameter.name] = parameter
    if not query.columns:
        raise IpplanError("the saved query's header has no '# columns:' line", where=path)
    strangers = [c for c in query.list_columns if c not in query.columns]
    if strangers:
        raise IpplanError(f"'list-columns:' names {strangers[0]}, which is not one of the "
                          f"columns ({', '.join(query.columns)})", where=path)


def _header(query: SavedQuery) -> tuple[Any, ...]:
    """What a query's header says, to compare the two files of a pair."""
    return (query.title_zh, query.title_en, query.description, query.parameters,
            query.columns, query.list_columns)


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
    """Every saved query, by name, sorted. Each comes whole from the last folder that holds
    a file of its name; a user's file that does more than read, or whose header or SPARQL
    does not parse, is refused here."""
    found: dict[str, dict[str, Path]] = {}
    replaced: dict[str, list[Path]] = {}
    packaged = packaged_dir()
    for folder in query_dirs(extra):
        if not folder.is_dir():
            raise IpplanError("is not a folder of saved queries", where=folder)
        here: dict[str, dict[str, Path]] = {}
        for engine, suffix in _SUFFIX.items():
            for path in sorted(folder.glob(f"*{suffix}")):
                here.setdefault(path.stem, {})[engine] = path
        for name, files in here.items():
            if name in found:
                replaced.setdefault(name, []).extend(found[name].values())
            found[name] = files
    queries = {}
    for name in sorted(found):
        files = found[name]
        query = SavedQuery(name, packaged=all(p.parent == packaged for p in files.values()),
                           replaces=tuple(replaced.get(name, ())))
        headers = []
        for engine in ENGINES:
            path = files.get(engine)
            if path is None:
                continue
            try:
                text = path.read_text("utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise IpplanError(f"cannot read the saved query ({exc})", where=path) from None
            # The packaged queries are part of ipplan and checked by its tests; rdflib's SPARQL
            # parser takes a tenth of a second to load and a few hundredths per query.
            if not query.packaged or engine == "cypher":
                check(engine, text, path)
            query.texts[engine] = text
            query.paths[engine] = path
            header = SavedQuery(name)
            _read_header(header, text, path)
            if header.split_by and engine != "sparql":
                raise IpplanError("'split-by:' is for SPARQL queries", where=path)
            query.split_by = header.split_by or query.split_by
            headers.append((path, header))
        (first, header), *others = headers
        for other, different in others:
            if _header(different) != _header(header):
                raise IpplanError(f"the header differs from {first.name}'s; the two files of "
                                  "a query carry the same header", where=other)
        for attribute in ("title_zh", "title_en", "description", "parameters", "columns",
                          "list_columns"):
            setattr(query, attribute, getattr(header, attribute))
        if query.split_by:
            _check_split(query)
        queries[name] = query
    return queries


def _check_split(query: SavedQuery) -> None:
    path = query.paths["sparql"]
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
    if "sparql" not in query.texts:
        raise IpplanError(f"query {query.name} has no SPARQL version ({query.name}.rq)")
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


def run_sparql_endpoint(endpoint: Any, query: SavedQuery, values: dict[str, Any],
                        graphs: list[str]) -> list[dict[str, Any]]:
    """Answer ``query`` by a SPARQL store (:class:`ipplan.graph.endpoint.Endpoint`) over the
    union of the named ``graphs``; values are bound as terms, as in memory."""
    from ipplan.graph.sparql import bind

    if "sparql" not in query.texts:
        raise IpplanError(f"query {query.name} has no SPARQL version ({query.name}.rq)")
    names, rows = endpoint.select(bind(query.texts["sparql"], values), graphs)
    return _normalised(query, names, rows)


def run_cypher(session: Any, query: SavedQuery, values: dict[str, Any]) -> list[dict[str, Any]]:
    """Answer ``query`` over Bolt in a neo4j driver session, in a read transaction (which a
    Neo4j server enforces; the query was also refused when read if it writes)."""
    if "cypher" not in query.texts:
        raise IpplanError(f"query {query.name} has no Cypher version ({query.name}.cypher)")
    text = query.texts["cypher"]
    check("cypher", text, query.paths.get("cypher", query.name))
    def read(transaction: Any) -> list[dict[str, Any]]:
        return [record.data() for record in transaction.run(text, values)]

    with collector_paused():
        return normalise(query, session.execute_read(read))
