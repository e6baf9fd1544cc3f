"""Offline HTML for a :class:`~viz.pages.Page`.

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

from ipplan import __version__

from .pages import Page

VIS_FILE = "vis-network.min.js"


def vis_network_js() -> str:
    """The vis-network build that pyvis ships (read from the installed pyvis package)."""
    import pyvis

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


@functools.lru_cache(maxsize=1)
def _template() -> jinja2.Template:
    """The page template, compiled once per process (a pack renders hundreds of pages)."""
    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    return environment.from_string(_asset("page.html"))


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
        data_json=_markup(script_json(data)))


def _markup(text: str) -> Any:
    """Trusted text (our own assets, escaped JSON) that the template must not escape again."""
    from markupsafe import Markup

    return Markup(text)


def write_page(page: Page, path: Path, **options: Any) -> None:
    from ipplan.files import atomic_write_text

    atomic_write_text(path, render_page(page, **options))
