"""Overload and ubiquity on plans whose answer a reader sees at a glance, and on the seed."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SEED, measure_row, run_ipplan, table_text

from ipplan.graph.analytics import Parameters, analyse
from ipplan.graph.build import build_graph
from ipplan.graph.vocab import unit_iri
from ipplan.loaders import load_document

SUPPORTERS = ["市教育局", "市财政局", "市商务局", "市司法局", "市公安局", "市文旅局"]


def _plan(folder: Path, name: str, rows: list[tuple[str, str]], city: str = "厦门市",
          month: str = "2025年6月") -> Path:
    """A plan of one theme and one task whose measures have these (lead, support) units."""
    body = "\t一、主题\n\n" + "".join(
        measure_row(f"（{i}）第{i}项措施。", lead, support, month, task="1.任务。" if i == 1 else "",
                    continuation=i > 1) for i, (lead, support) in enumerate(rows, start=1))
    path = folder / f"{name}.txt"
    path.write_text(table_text(body, title=f"\t{city}某工作方案\n\n"), "utf-8")
    return path


def _analyse(*paths: Path, **parameters):
    return analyse(build_graph([load_document(p) for p in paths]), Parameters(**parameters))


def _names(result, loads):
    return [result.units[load.unit].name for load in loads]


def _one_leads_almost_everything(size: int = 24) -> list[tuple[str, str]]:
    """市知识产权局 leads all but the last two measures, 市科技局 those two and supports four."""
    return [("市知识产权局" if i < size - 2 else "市科技局",
             SUPPORTERS[i % len(SUPPORTERS)] + ("、市科技局" if i < 4 else ""))
            for i in range(size)]


def test_one_unit_leading_almost_everything_is_overloaded(tmp_path):
    result = _analyse(_plan(tmp_path, "one", _one_leads_almost_everything()))
    assert _names(result, result.overloaded) == ["市知识产权局"]
    office = result.overloaded[0]
    assert office.reason.startswith("市知识产权局 leads 22 of 24 measures (92 %) and supports 0;")
    assert "the next unit, 市科技局, leads 2 and supports 4 (11 %)" in office.reason
    assert office.reason.endswith("100 % of its measures fall due in 2025-06")
    assert office.reason_zh.startswith("市知识产权局牵头24项措施中的22项（92%）")
    assert "其次的市科技局牵头2项" in office.reason_zh and "2025-06到期" in office.reason_zh
    assert not result.ubiquitous


def test_work_spread_evenly_flags_nothing(tmp_path):
    leads = ["市知识产权局", "市科技局", *SUPPORTERS[:4]]
    rows = [(leads[i % 6], SUPPORTERS[(i + 1) % 6]) for i in range(24)]
    result = _analyse(_plan(tmp_path, "even", rows))
    assert result.overloaded == [] and result.ubiquitous == []
    assert len(result.loads) == 8


def test_a_small_plan_flags_nothing(tmp_path):
    path = _plan(tmp_path, "small", _one_leads_almost_everything(10) + [])
    result = _analyse(path)
    assert result.overloaded == [] and result.ubiquitous == []
    # the minimum plan size is what kept it quiet: lowered, the same plan is judged
    lowered = _analyse(path, min_measures=10)
    assert _names(lowered, lowered.overloaded) == ["市知识产权局"]


def test_a_unit_in_every_measure_as_support_is_ubiquitous_and_left_out_of_clusters(tmp_path):
    leads = ["市知识产权局", "市科技局", *SUPPORTERS[:4]]
    rows = [(leads[i % 6], f"{SUPPORTERS[(i + 1) % 6]}、高新区管委会") for i in range(24)]
    path = _plan(tmp_path, "everywhere", rows)
    result = _analyse(path)
    zone = str(unit_iri("厦门市", "高新区管委会"))
    assert _names(result, result.ubiquitous) == ["高新区管委会"] and result.overloaded == []
    assert result.loads[zone].ubiquitous and not result.loads[zone].overloaded
    assert result.loads[zone].ubiquity_reason == (
        "高新区管委会 supports 24 of the 24 measures (100 %) and leads none: the plan's "
        "standing list of implementers, left out of the load comparison and the clusters")
    assert zone not in result.network
    assert all(zone not in c.members for c in result.clusters)
    # the threshold decides: a unit in 24 of 24 is not ubiquitous when 100 % is not enough
    # (the range stops at 1, so ask for it through the minimum plan size instead)
    assert not _analyse(path, min_measures=25).loads[zone].ubiquitous
    kept = _analyse(path, include_collectives=True)
    assert zone in kept.network


def test_ubiquity_threshold_is_adjustable(tmp_path):
    leads = ["市知识产权局", "市科技局", *SUPPORTERS[:4]]
    # 高新区管委会 in 20 of 24 measures (83 %): below the 90 % default, above 80 %
    rows = [(leads[i % 6], SUPPORTERS[(i + 1) % 6] + ("、高新区管委会" if i < 20 else ""))
            for i in range(24)]
    path = _analyse(_plan(tmp_path, "most", rows))
    assert path.ubiquitous == []
    lowered = _analyse(_plan(tmp_path, "most", rows), ubiquity=0.8)
    assert _names(lowered, lowered.ubiquitous) == ["高新区管委会"]


def test_in_a_corpus_each_plan_is_judged_and_named(tmp_path):
    """The same office in two plans of one city, and a namesake in another city: each plan
    judged on its own, and every reason says which plan and place it is about."""
    one = _plan(tmp_path, "xm-a", _one_leads_almost_everything())
    leads = ["市知识产权局", "市科技局", *SUPPORTERS[:4]]
    two = _plan(tmp_path, "xm-b", [(leads[i % 6], SUPPORTERS[(i + 1) % 6]) for i in range(24)])
    three = _plan(tmp_path, "qz", _one_leads_almost_everything(), city="泉州市")
    result = _analyse(one, two, three)
    xiamen, quanzhou = (str(unit_iri(c, "市知识产权局")) for c in ("厦门市", "泉州市"))
    assert sorted(load.unit for load in result.overloaded) == sorted([xiamen, quanzhou])
    assert result.loads[xiamen].reason.startswith("[Xiamen, xm-a] 市知识产权局 leads 22 of 24")
    assert "xm-b" not in result.loads[xiamen].reason  # an even share in xm-b: not a flag there
    assert result.loads[quanzhou].reason.startswith("[Quanzhou, qz] 市知识产权局 leads 22 of 24")
    assert result.loads[quanzhou].reason_zh.startswith("【泉州市·qz】市知识产权局牵头24项措施中的22项")
    # across plans: the Xiamen office's figures are its two plans' together
    assert (result.loads[xiamen].lead, [j.plan.rsplit("/", 1)[-1] for j in
                                        result.loads[xiamen].plans]) == (26, ["xm-a", "xm-b"])


def test_the_seed_flags_the_ip_office_only(seed_graph):
    result = analyse(seed_graph)
    office, zone, science = (str(unit_iri("福州市", name)) for name in (
        "市市场监督管理局（知识产权局）", "高新区管委会", "市科技局"))
    assert [load.unit for load in result.overloaded] == [office]
    assert [load.unit for load in result.ubiquitous] == [zone]
    assert not result.loads[science].overloaded and not result.loads[science].ubiquitous
    reason = result.loads[office].reason
    assert reason.startswith("市市场监督管理局（知识产权局） leads 48 of 60 measures (80 %) and "
                             "supports 6; it carries 42 % of the plan's work")
    assert "the next unit, 市科技局, leads 2 and supports 11 (6 %)" in reason
    assert reason.endswith("89 % of its measures fall due in 2025-06")
    assert zone not in result.network and all(zone not in c.members for c in result.clusters)
    assert "[" not in reason  # one plan: no plan to tell apart


@pytest.mark.parametrize("parameters, flagged", [
    ({"min_share": 0.5}, []),  # the office carries 42 % of the work
    ({"ratio": 30}, []),  # ... 24.4 times the others' average
    ({"min_measures": 61}, []),  # the seed has 60 measures
    ({"top": 2}, ["市市场监督管理局（知识产权局）", "市科技局"]),
])
def test_the_rule_is_adjustable_on_the_seed(seed_graph, parameters, flagged):
    result = analyse(seed_graph, Parameters(**parameters))
    assert _names(result, result.overloaded) == flagged


def test_the_seeds_pack_shows_the_flags_and_their_reasons(tmp_path):
    folder = tmp_path / "pack"
    result = run_ipplan("brief", SEED, "-o", folder, "--no-snapshots")
    assert result.code == 0, result.err
    assert "overloaded 市市场监督管理局（知识产权局）  ubiquitous 高新区管委会\n" in result.out
    readme = (folder / "README.txt").read_text("utf-8")
    assert ("  - 市市场监督管理局（知识产权局） (Fuzhou, fuzhou-ip-plan): 市市场监督管理局（知识产权局） "
            "leads 48 of 60 measures (80 %)") in readme
    assert "  - 高新区管委会 (Fuzhou, fuzhou-ip-plan): 高新区管委会 supports 60 of the 60" in readme
    assert "市科技局 (" not in readme
    index = (folder / "index.html").read_text("utf-8")
    overloaded, ubiquitous = index.split("<h2>")[2:4]  # after the main views, these two
    assert "超负荷单位" in overloaded and "普遍参与单位" in ubiquitous
    assert "牵头60项措施中的48项（80%）" in overloaded and "高新区管委会" not in overloaded
    assert "高新区管委会配合60项措施中的60项" in ubiquitous and "福州市·fuzhou-ip-plan" in ubiquitous
    assert overloaded.count("<tr><td>") == ubiquitous.count("<tr><td>") == 1  # one unit each
    pages = {p.name: p.read_text("utf-8") for p in (folder / "units").glob("*.html")}
    # the unit's own page says it under the picture (other pages in the unit's tooltip)
    assert sum('"notes_zh": "牵头 48 项、配合 6 项措施；与 33 个单位协作。 超负荷：市市场监督管理局（知识产权局）牵头60项'
               in t for t in pages.values()) == 1
    assert sum('协作。 普遍参与：高新区管委会配合60项措施中的60项' in t for t in pages.values()) == 1


def test_a_corpus_pack_names_the_plan_on_every_line(tmp_path):
    """Two provinces' 省高级人民法院, each leading almost all of its province's plan."""
    rows = [("省高级人民法院" if i < 22 else "省科技厅", SUPPORTERS[i % 6].replace("市", "省", 1))
            for i in range(24)]
    docs = [_plan(tmp_path, plan_id, rows, city=province)
            for plan_id, province in (("gd", "广东省"), ("js", "江苏省"))]
    folder = tmp_path / "pack"
    result = run_ipplan("brief", *docs, "-o", folder, "--no-snapshots")
    assert result.code == 0, result.err
    assert "overloaded 省高级人民法院（广东省·gd）、省高级人民法院（江苏省·js）  ubiquitous none" in result.out
    readme = (folder / "README.txt").read_text("utf-8")
    lines = [line for line in readme.splitlines() if line.startswith("  - 省高级人民法院")]
    assert [line.split(": ", 1)[0] for line in lines] == [
        "  - 省高级人民法院 (Guangdong, gd)", "  - 省高级人民法院 (Jiangsu, js)"]
    assert all(f"[{place}, {plan_id}] 省高级人民法院 leads 22 of 24" in line
               for line, place, plan_id in zip(lines, ("Guangdong", "Jiangsu"), ("gd", "js")))
    index = (folder / "index.html").read_text("utf-8")
    assert "广东省·gd" in index and "江苏省·js" in index
    assert "【广东省·gd】省高级人民法院牵头24项措施中的22项" in index
