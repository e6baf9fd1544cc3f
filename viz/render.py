"""Offline HTML for a :class:`~viz.model.Page`, and the pyvis network pages are drawn on.

pyvis' own template loads bootstrap and tom-select from CDNs even with
``cdn_resources="in_line"`` (pyvis issues 228 and 229), so pages use ipplan's template: the
vis-network script that pyvis ships is put inside the page, or beside it (``assets/``) in a
briefing pack where many pages share it; styles and scripts are inline; nothing is fetched.
Page data travels as JSON in a ``<script type="application/json">`` block with ``<``, ``>``
and ``&`` escaped, and the page's script puts user text on screen with ``textContent`` only.
"""

from __future__ import annotations

import functools
import json
from dataclasses import fields
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import pyvis
from markupsafe import Markup
from pyvis.edge import Edge
from pyvis.network import Network

from ipplan import __version__
from ipplan.files import atomic_write_text

from .model import Page

__all__ = ["VIS_FILE", "FastNetwork", "asset", "render_page", "script_json", "template",
           "vis_network_js", "write_page"]

VIS_FILE = "vis-network.min.js"


def vis_network_js() -> str:
    """The vis-network build that pyvis ships (read from the installed pyvis package)."""
    path = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2" / VIS_FILE
    return path.read_text("utf-8")


def script_json(value: Any) -> str:
    """JSON that is safe inside a <script> element: no "</script>", no "<!--".

    >>> script_json({"t": "</script><b>"})
    '{"t": "\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e"}'
    """
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _template() -> jinja2.Template:
    """The network page template, compiled once per process (a pack renders hundreds of
    pages)."""
    return template("page.html")


@functools.lru_cache(maxsize=4)
def template(name: str) -> jinja2.Template:
    """A page template of ``assets/`` (autoescaping), compiled once per process."""
    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    return environment.from_string(_asset(name))


def asset(name: str) -> Any:
    """One of our own assets (a script, a style sheet) as trusted markup for a template."""
    return _markup(_asset(name))


@functools.lru_cache(maxsize=8)
def _asset(name: str) -> str:
    return resources.files(__package__).joinpath("assets", name).read_text("utf-8")


def render_page(page: Page, *, lang: str = "zh", vis_href: str | None = None,
                links: list[dict[str, str]] | None = None) -> str:
    """The page as one HTML document. With ``vis_href`` the vis-network script is referenced
    at that relative path (it must sit there); otherwise it is inside the page."""
    template = _template()
    # shallow: asdict() deep-copies every node, edge and filter of every page
    data = {f.name: getattr(page, f.name) for f in fields(page)}
    data["lang"] = "en" if lang == "en" else "zh"
    suffix = "en" if lang == "en" else "zh"
    return template.render(
        lang=data["lang"], version=__version__,
        title=data[f"title_{suffix}"], subtitle=data[f"subtitle_{suffix}"],
        notes=data[f"notes_{suffix}"], css=_markup(_asset("page.css")),
        js=_markup(_asset("page.js")),
        vis_inline=None if vis_href else _markup(vis_network_js()), vis_href=vis_href or "",
        links=links or [], has_links=any("link" in node for node in page.nodes),
        has_table=bool(page.table),
        data_json=_markup(script_json(data)))


def _markup(text: str) -> Any:
    """Trusted text (our own assets, escaped JSON) that the template must not escape again."""
    return Markup(text)


def write_page(page: Page, path: Path, **options: Any) -> None:
    """The page as HTML in ``path``, written whole (:func:`render_page` takes ``options``)."""
    atomic_write_text(path, render_page(page, **options))


class _Ids(list):  # type: ignore[type-arg]
    """pyvis keeps node ids in a list and tests membership on every node and edge added;
    with a set beside it a page of 100,000 edges builds in linear time."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: set[Any] = set()

    def append(self, item: Any) -> None:
        self.seen.add(item)
        super().append(item)

    def __contains__(self, item: object) -> bool:
        return item in self.seen


class FastNetwork(Network):  # type: ignore[misc]
    """pyvis' Network with the same results from add_node/add_edge, in constant time each:
    an undirected edge between two nodes already joined is ignored, as pyvis does."""

    def __init__(self) -> None:
        super().__init__(directed=False, cdn_resources="remote")
        self.node_ids = _Ids()
        self._joined: set[frozenset[Any]] = set()

    def add_edge(self, source: Any, to: Any, **options: Any) -> None:
        assert source in self.node_ids, f"non existent node '{source}'"
        assert to in self.node_ids, f"non existent node '{to}'"
        pair = frozenset((source, to))
        if pair not in self._joined:
            self._joined.add(pair)
            self.edges.append(Edge(source, to, self.directed, **options).options)
