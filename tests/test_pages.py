"""The briefing pack in a real headless Chromium (Debian's, driven by Playwright), with every
request outside the pack's own folder blocked and counted."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import SEED, measure_row, png_colours, run_ipplan, table_text
from ipplan.graph.registry import normalize_unit_name
from ipplan.viz.model import cluster_page_name, unit_page_name
from ipplan.viz.style import KIND_COLOURS, PALETTE
from ipplan.viz.views.network import network_page

playwright = pytest.importorskip("playwright.sync_api")
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]

if not Path(CHROMIUM).exists():  # the README's test command installs it
    pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium fonts-noto-cjk",
                pytrace=False)


@pytest.fixture(scope="module")
def pack(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pack") / "briefing"
    result = run_ipplan("brief", SEED, "-o", folder)
    assert result.code == 0, result.err
    assert result.err == ""
    return folder


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield browser
        browser.close()


class Visit:
    """A page opened with the network blocked outside ``allowed``; what it asked for and
    said is recorded."""

    def __init__(self, browser, allowed: Path):
        self.prefix = allowed.resolve().as_uri() + "/"
        self.context = browser.new_context(viewport={"width": 1400, "height": 900})
        self.blocked: list[str] = []
        self.failed: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("requestfailed", lambda r: self.failed.append(r.url))
        self.page.on("dialog", self._dialog)

    def _route(self, route):
        if route.request.url.startswith(self.prefix):
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self, path: Path, network: bool = True):
        self.page.goto(path.resolve().as_uri())
        if network:
            self.page.wait_for_function("window.ipplanReady === true", timeout=15000)
        return self.page

    def close(self):
        self.context.close()

    def __enter__(self) -> "Visit":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def clean(self) -> bool:
        return not (self.blocked or self.failed or self.errors or self.dialogs)


def _counts(page):
    return page.evaluate("[ipplan.nodes.length, ipplan.edges.length]")


def _expected_counts(graph):
    """Nodes and edges each unit and cluster page should draw, from the graph itself."""
    from collections import defaultdict

    from ipplan.graph.analytics import analyse

    result = analyse(graph)
    by_measure = defaultdict(set)
    for measure, unit in graph.query(
            "SELECT ?m ?u WHERE { ?m ?p ?u . VALUES ?p { ipp:leadUnit ipp:supportingUnit } }",
            initNs={"ipp": "https://w3id.org/ipplan/ontology#"}):
        by_measure[str(measure)].add(str(unit))
    expected = {}
    for unit, info in result.units.items():
        mine = [m for m, units in by_measure.items() if unit in units]
        partners = {u for m in mine for u in by_measure[m]
                    if u != unit and not result.units[u].collective}
        shared = sum(len({u for u in by_measure[m] if u in partners}) for m in mine)
        expected[f"units/{unit_page_name(unit)}"] = [1 + len(mine) + len(partners),
                                                     len(mine) + shared]
    for cluster in result.clusters:
        sub = result.network.subgraph(cluster.members)
        expected[f"clusters/{cluster_page_name(cluster.number)}"] = [
            sub.number_of_nodes(), sub.number_of_edges()]
    return expected


def test_every_page_opens_offline_and_works(pack, browser, seed_graph):
    """Each page of the pack: nothing blocked or failed, no console error, the expected nodes
    and edges, search focuses a unit, the English switch relabels."""
    expected = _expected_counts(seed_graph)
    pages = [pack / "network.html", pack / "plan.html"]
    pages += sorted((pack / "clusters").glob("*.html")) + sorted((pack / "units").glob("*.html"))
    assert len(pages) == 2 + 7 + 37
    with Visit(browser, pack) as visit:
        visit.open(pack / "index.html", network=False)
        assert visit.clean(), (visit.blocked, visit.failed, visit.errors)
        for path in pages:
            name = path.relative_to(pack).as_posix()
            page = visit.open(path)
            assert visit.clean(), (name, visit.blocked, visit.failed, visit.errors)
            if name in expected:
                assert _counts(page) == expected[name], name
            unit = page.evaluate("ipplan.nodes.get({filter: n => n.level === 'unit'})"
                                 ".map(n => [n.id, n.label_zh, n.label_en])[0]")
            page.fill("#search", unit[1])
            assert page.evaluate("ipplan.network.getSelectedNodes()") == [unit[0]], name
            page.click("#lang")
            assert page.evaluate(f"ipplan.nodes.get({unit[0]!r}).label") == unit[2], name
            assert page.evaluate("document.documentElement.lang") == "en"


def test_pages_print_on_one_sheet(pack, browser):
    with Visit(browser, pack) as visit:
        page = visit.open(pack / "network.html")
        page.emulate_media(media="print")
        assert page.evaluate("getComputedStyle(document.querySelector('.controls')).display") \
            == "none"
        height = page.evaluate("document.getElementById('network').getBoundingClientRect().height")
        assert 400 < height < 700  # 150 mm at 96 dpi
        pdf = page.pdf(format="A4", landscape=True)
        assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") <= 2


def test_network_and_plan_hold_the_expected_graph(pack, browser):
    with Visit(browser, pack) as visit:
        # 34 units with a partner (37 less the two collectives and the ubiquitous 高新区管委会),
        # 131 co-assignment pairs (165 less the 34 高新区管委会 had with every other unit)
        assert _counts(visit.open(pack / "network.html")) == [34, 131]
        # plan + 7 themes + 22 tasks + 60 measures + 37 units; containment 7+22+60, 294 assignments
        assert _counts(visit.open(pack / "plan.html")) == [127, 7 + 22 + 60 + 294]
        assert visit.clean()


def test_search_focuses_a_unit_and_a_measure(pack, browser):
    with Visit(browser, pack) as visit:
        page = visit.open(pack / "network.html")
        page.fill("#search", "市科技局")
        selected = page.evaluate("ipplan.network.getSelectedNodes()")
        assert selected == ["https://w3id.org/ipplan/id/unit/福州市/市科技局"]
        assert page.text_content("#found").startswith("找到")
        page = visit.open(pack / "plan.html")
        page.fill("#search", "4.2")
        assert page.evaluate("ipplan.network.getSelectedNodes()") == [
            "https://w3id.org/ipplan/id/plan/fuzhou-ip-plan/measure/4.2"]
        page.fill("#search", "Customs")  # English names are searchable too
        assert page.evaluate("ipplan.network.getSelectedNodes()")[0].endswith("海关")


def test_english_switch_and_filters(pack, browser):
    with Visit(browser, pack) as visit:
        page = visit.open(pack / "network.html")
        assert page.text_content("#title") == "协作网络"
        page.click("#lang")
        assert page.text_content("#title") == "Coordination network"
        label = page.evaluate(
            "ipplan.nodes.get('https://w3id.org/ipplan/id/unit/福州市/市科技局').label")
        assert label == "Fuzhou Municipal Bureau of Science and Technology"
        assert "Legend" in page.text_content("aside")
        page.select_option("#filter-kind", "customs")
        visible = page.evaluate("ipplan.nodes.get({filter: n => !n.hidden}).map(n => n.label)")
        assert sorted(visible) == ["Fuzhou Changle Airport Customs", "Mawei Customs",
                                   "Rongcheng Customs"]
        index = visit.open(pack / "index.html", network=False)
        index.click("#langswitch")
        assert index.is_visible("text=Overloaded units")
        assert visit.clean()


def test_tooltip_carries_measure_text_roles_and_deadline(pack, browser):
    with Visit(browser, pack) as visit:
        page = visit.open(pack / "plan.html")
        tip = page.evaluate(
            "ipplan.nodes.get('https://w3id.org/ipplan/id/plan/fuzhou-ip-plan/measure/1.1')"
            ".title.textContent")
        assert "修订《福州市自主知识产权资助和奖励办法》" in tip
        assert "牵头：市市场监督管理局（知识产权局）" in tip and "完成时限：2022-12" in tip


def test_snapshots_are_not_blank(pack):
    for name in ("network", "plan", "deadlines"):
        path = pack / "snapshots" / f"{name}.png"
        assert path.stat().st_size > 20000
        assert len(png_colours(path)) > 50, name


HOSTILE_MEASURE = '<script>alert("m")</script>"><img src=x onerror=alert(2)> 推进\u202e工作'
# No "/" in it: that separates units in a unit cell. Canonical unit names fold blanks and
# brackets, so the pages show HOSTILE_UNIT_SHOWN.
HOSTILE_UNIT = '市<b>科技局"><svg onload=alert(3)>'


def test_markup_in_plan_text_shows_as_text(tmp_path, browser):
    body = "\t一、主题<i>一</i>\n\n" + measure_row(
        HOSTILE_MEASURE, f"{HOSTILE_UNIT}、javascript:alert(4)", "市财政局", "2023年6月",
        task="1.任务<script>alert(5)</script>。") + measure_row(
        "第二项", "市财政局", HOSTILE_UNIT, "2024年", continuation=True)
    document = tmp_path / "hostile.txt"
    document.write_text(table_text(body), "utf-8")
    folder = tmp_path / "pack"
    result = run_ipplan("brief", document, "-o", folder, "--no-snapshots")
    assert result.code == 0, result.err
    with Visit(browser, folder) as visit:
        pages = [folder / "index.html", folder / "network.html", folder / "plan.html"]
        pages += sorted((folder / "units").glob("*.html"))
        for path in pages:
            page = visit.open(path, network=path.name != "index.html")
            assert visit.dialogs == [] and visit.clean(), (path.name, visit.errors)
            assert page.evaluate("document.querySelectorAll('script:not([id]):not([src])')"
                                 ".length") <= 2
            injected = page.evaluate(
                "document.querySelectorAll('img[src=x], svg[onload]').length + "
                "[...document.querySelectorAll('b, i')].filter("
                "e => e.textContent.includes('科技') || e.textContent === '一').length")
            assert injected == 0, path.name
        page = visit.open(folder / "plan.html")
        tips = page.evaluate("ipplan.nodes.get().map(n => n.title.textContent).join('\\n')")
        shown = normalize_unit_name(HOSTILE_UNIT)
        assert HOSTILE_MEASURE in tips and shown in tips
        index = visit.open(folder / "index.html", network=False)
        assert shown in index.text_content("body")


@pytest.mark.parametrize("args, counts", [
    (("network",), [34, 131]),  # without the two collectives and 高新区管委会
    (("plan",), [127, 383]),
    (("unit", "市法院"), None),
    (("cluster", "3"), None),
])
def test_single_pages_carry_everything_inline(tmp_path, browser, args, counts):
    target = tmp_path / "page.html"
    result = run_ipplan("viz", args[0], *args[1:], SEED, "-o", target, "--lang", "en")
    assert result.code == 0, result.err
    html = target.read_text("utf-8")
    assert "<script src=" not in html and "http://" not in html.split("<body>")[1][:2000]
    with Visit(browser, tmp_path) as visit:
        page = visit.open(target)
        assert visit.clean(), (visit.blocked, visit.errors)
        assert page.evaluate("document.documentElement.lang") == "en"
        if counts:
            assert _counts(page) == counts
        assert "link" not in html.split('id="ipplan-data">')[1].split("</script>")[0].replace(
            '"links"', "")


def test_big_graphs_open_on_clusters(seed_graph, browser, tmp_path):
    from ipplan.graph.analytics import analyse
    from ipplan.viz.render import write_page

    result = analyse(seed_graph)
    page = network_page(seed_graph, result, today="2026-11-24", aggregate_above=20)
    assert page.kind == "clusters" and len(page.nodes) == len(result.clusters)
    assert all(n["link"].startswith("clusters/cluster-") for n in page.nodes)
    write_page(page, tmp_path / "network.html")
    with Visit(browser, tmp_path) as visit:
        assert _counts(visit.open(tmp_path / "network.html"))[0] == len(result.clusters)
        assert visit.clean()


def test_unknown_unit_or_cluster_is_one_line(tmp_path):
    for args, message in ((("unit", "不存在的单位"), "no unit named '不存在的单位'"),
                          (("cluster", "99"), "no cluster 99")):
        result = run_ipplan("viz", *args, SEED, "-o", tmp_path / "x.html")
        assert result.code == 2 and message in result.err and "Traceback" not in result.err


def test_each_unit_kind_keeps_its_own_colour(seed_graph):
    """Coloured by kind, a unit's dot and the legend take the kind's own colour, fixed per kind:
    adding a kind (as provincial departments were) moves no other kind's colour."""
    from ipplan.graph.analytics import analyse
    from ipplan.graph.vocab import UNIT_KINDS

    assert set(KIND_COLOURS) == set(UNIT_KINDS)
    assert len(set(KIND_COLOURS.values())) == len(KIND_COLOURS)
    assert (KIND_COLOURS["municipal-department"], KIND_COLOURS["university"]) == (PALETTE[6],
                                                                                   PALETTE[9])
    result = analyse(seed_graph)
    page = network_page(seed_graph, result, today="2026-11-25", colour_by="kind")
    kinds = {result.units[node["id"]].kind for node in page.nodes}
    assert {"municipal-department", "judicial", "customs", "party-organ"} <= kinds
    for node in page.nodes:
        assert node["color"] == KIND_COLOURS[result.units[node["id"]].kind], node["id"]
    shown = {(item["zh"], item["colour"]) for item in page.legend if "colour" in item}
    assert ("市政府工作部门", KIND_COLOURS["municipal-department"]) in shown  # the ontology's label
    assert len(shown) == len(kinds)


def _corpus(folder: Path, measures: int) -> list[Path]:
    """Plan documents of several cities, written by the benchmark's seeded generator."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    from generate import generate

    return generate(folder, measures, seed=11)


def test_a_corpus_pack_gives_each_plan_its_page(tmp_path, browser):
    """Past three plans one page of every plan's structure is too big to open: plan.html
    shows the plans, each opening its own page, whose unit links lead into the pack."""
    docs = _corpus(tmp_path / "docs", 300)  # five cities' plans
    folder = tmp_path / "briefing"
    result = run_ipplan("brief", *docs, "-o", folder, "--no-snapshots")
    assert result.code == 0, result.err
    plan_pages = sorted((folder / "plans").glob("plan-*.html"))
    assert len(plan_pages) == len(docs) == 5
    index = (folder / "index.html").read_text("utf-8")
    assert all(f'href="plans/{p.name}"' in index for p in plan_pages)
    with Visit(browser, folder) as visit:
        page = visit.open(folder / "plan.html")
        nodes = page.evaluate("ipplan.nodes.get().map(n => [n.level, n.link])")
        assert sorted(link for _level, link in nodes) == [f"plans/{p.name}" for p in plan_pages]
        assert {level for level, _link in nodes} == {"plan"}
        measures = 0
        for path in plan_pages:
            page = visit.open(path)
            levels = page.evaluate("ipplan.nodes.get().map(n => n.level)")
            assert levels.count("plan") == 1  # this plan only
            measures += levels.count("measure")
            links = page.evaluate("ipplan.nodes.get().filter(n => n.link).map(n => n.link)")
            assert links and all((path.parent / link).resolve().is_file() for link in links)
            assert page.evaluate("document.title").startswith("方案结构：")
        assert measures == 300
        assert visit.clean(), (visit.blocked, visit.failed, visit.errors)


def test_a_corpus_overview_names_places_and_sets_clusters_in_rows(tmp_path, browser):
    """Past the unit limit a corpus opens on its clusters: each says which jurisdiction it
    works in, and clusters that share nothing sit in rows in order of place (not on the
    ring one spring layout makes of them), large enough to read."""
    from ipplan.graph.analytics import analyse
    from ipplan.usecases import open_sources
    from ipplan.viz.render import write_page

    graph = open_sources(_corpus(tmp_path / "docs", 480)).graph  # eight cities
    result = analyse(graph)
    page = network_page(graph, result, today="2026-11-25", aggregate_above=20)
    assert page.kind == "clusters" and len(page.nodes) == len(result.clusters) >= 8
    place_of = {str(u): str(p) for u, p in graph.query(
        "SELECT ?u ?p WHERE { ?u ipp:jurisdiction/skos:prefLabel ?p FILTER (lang(?p) = 'zh') }",
        initNs={"ipp": "https://w3id.org/ipplan/ontology#",
                "skos": "http://www.w3.org/2004/02/skos/core#"})}
    members = {f"cluster-{c.number}": c.members for c in result.clusters}
    for node in page.nodes:
        places = sorted({place_of[u] for u in members[node["id"]]})
        assert len(places) == 1  # units belong to the jurisdiction whose plan names them
        assert node["label_zh"].split("\n")[0] == places[0]
        assert f"地区：{places[0]}" in node["tip_zh"] and places[0] in node["search"]
    # Reading the rows left to right, top to bottom, gives the clusters in order of place.
    reading = sorted(page.nodes, key=lambda n: (n["y"], n["x"]))
    assert [(n["label_zh"].split("\n")[0], int(n["cluster"])) for n in reading] == sorted(
        (n["label_zh"].split("\n")[0], int(n["cluster"])) for n in page.nodes)
    rows = {n["y"] for n in page.nodes}
    assert 1 < len(rows) < len(page.nodes)
    write_page(page, tmp_path / "network.html")
    with Visit(browser, tmp_path) as visit:
        shown = visit.open(tmp_path / "network.html")
        assert shown.evaluate("ipplan.network.getScale()") > 0.5  # the ring drew them at 0.3
        box = shown.evaluate("""() => { const c = document.querySelector('#network canvas');
            const r = c.getBoundingClientRect(); return [r.width, r.height]; }""")
        centres = shown.evaluate("""() => Object.values(ipplan.network.getPositions())
            .map(p => ipplan.network.canvasToDOM(p))""")
        assert all(0 < p["x"] < box[0] and 0 < p["y"] < box[1] for p in centres)
        assert visit.clean(), (visit.blocked, visit.failed, visit.errors)


def test_a_corpus_network_sets_each_provinces_network_apart_and_says_where_clusters_are(
        tmp_path):
    """A province's plans meet in its provincial units, so a corpus of two provinces is two
    networks: each is laid out in its own block (one spring layout threw them to opposite
    corners), and since every city has its 市法院, cluster names say where they work."""
    import re

    import networkx as nx

    from ipplan.graph.analytics import analyse
    from ipplan.usecases import open_sources

    graph = open_sources(_corpus(tmp_path / "docs", 840)).graph  # Hebei's 11 cities, 3 of Shanxi's
    result = analyse(graph)
    page = network_page(graph, result, today="2026-11-25", aggregate_above=10_000)
    assert page.kind == "network"
    at = {n["id"]: (n["x"], n["y"]) for n in page.nodes}
    boxes = []
    for piece in nx.connected_components(result.network):
        xs, ys = [at[u][0] for u in piece], [at[u][1] for u in piece]
        boxes.append((min(xs), min(ys), max(xs), max(ys)))
    assert len(boxes) == 2
    (a, b) = boxes
    assert a[2] < b[0] or b[2] < a[0] or a[3] < b[1] or b[3] < a[1], boxes  # apart
    # and close: the page is mostly network, not the empty middle (one layout: 5 times)
    xs, ys = [x for x, _ in at.values()], [y for _, y in at.values()]
    whole = (max(xs) - min(xs)) * (max(ys) - min(ys))
    assert whole < 2 * sum((box[2] - box[0]) * (box[3] - box[1]) for box in boxes)
    again = network_page(graph, analyse(graph), today="2026-11-25", aggregate_above=10_000)
    assert [(n["x"], n["y"]) for n in again.nodes] == [(n["x"], n["y"]) for n in page.nodes]
    cities = {plan.jurisdiction for plan in open_sources(sorted((tmp_path / "docs").iterdir())).plans}
    names = page.filters["cluster"]
    assert names
    for name in names:
        where = re.match(r"聚类 \d+（(\S+?)(等\d+地)?）：\S+等\d+个单位$", name["zh"])
        assert where and where[1].split("、")[0] in cities, name
        assert re.match(r"Cluster \d+ \(.+\): ", name["en"]), name
    legend = [item["zh"] for item in page.legend if "colour" in item]
    assert legend[:-1] == [n["zh"] for n in names]
    # a cluster of one city's units around a provincial unit is that city's
    home = {str(u): str(p) for u, p in graph.query(
        "SELECT ?u ?p WHERE { ?u ipp:jurisdiction/skos:prefLabel ?p FILTER (lang(?p) = 'zh') }",
        initNs={"ipp": "https://w3id.org/ipplan/ontology#",
                "skos": "http://www.w3.org/2004/02/skos/core#"})}
    named = {n["value"]: n["zh"] for n in names}
    mixed = 0
    for c in result.clusters:
        places = {home[u] for u in c.members}
        local = places & cities
        if len(local) == 1 and places - cities:
            mixed += 1
            assert named[str(c.number)].startswith(f"聚类 {c.number}（{local.pop()}）："), c
    assert mixed
