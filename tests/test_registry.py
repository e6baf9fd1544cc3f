"""The unit registry: every seed unit in it, aliases, scoping, guesses for unknown units."""

from __future__ import annotations

import re

import pytest

from ipplan.errors import InputError
from ipplan.graph.registry import Registry, guess_kind
from ipplan.graph.vocab import UNIT_KINDS


@pytest.fixture(scope="module")
def registry():
    return Registry.load()


def test_every_seed_unit_is_registered_with_an_english_name(registry, seed_plan):
    names = {a.unit for m in seed_plan.measures for a in m.assignments}
    assert len(names) == 38  # 37 units, one spelt two ways
    for name in names:
        unit = registry.resolve(name, "福州市")
        assert unit.registered, name
        assert re.fullmatch(r"[A-Z][A-Za-z ,.'()\-]+", unit.name_en), (name, unit.name_en)
        assert "{city}" not in unit.name_en


@pytest.mark.parametrize("name, canonical, english, kind, collective", [
    ("各县（市）区人民政府", "各县（市）区政府",
     "County, County-level City and District Governments of Fuzhou", "district-collective", True),
    ("市知识产权局", "市市场监督管理局（知识产权局）",
     "Fuzhou Administration for Market Regulation (Intellectual Property Office)",
     "municipal-department", False),
    ("市委宣传部(版权局)", "市委宣传部（版权局）",
     "Publicity Department of the CPC Fuzhou Municipal Committee (Copyright Bureau)",
     "party-organ", False),
    ("其他成员单位", "其他成员单位", "Other Member Units", "other", True),
    ("榕城海关", "榕城海关", "Rongcheng Customs", "customs", False),
    ("市法院", "市法院", "Fuzhou Intermediate People's Court", "judicial", False),
    ("闽江学院", "闽江学院", "Minjiang University", "university", False),
    ("人行福州中心支行", "人行福州中心支行", "People's Bank of China, Fuzhou Central Sub-branch",
     "financial-institution", False),
    ("市总工会", "市总工会", "Fuzhou Federation of Trade Unions", "mass-organisation", False),
    ("福州软件园管委会", "福州软件园管委会", "Fuzhou Software Park Administrative Committee",
     "development-zone", False),
])
def test_resolve(registry, name, canonical, english, kind, collective):
    unit = registry.resolve(name, "福州市")
    assert (unit.name, unit.name_en, unit.kind, unit.collective) == (
        canonical, english, kind, collective)


def test_english_name_follows_the_plans_city(registry):
    assert registry.resolve("市科技局", "厦门市").name_en == (
        "Xiamen Municipal Bureau of Science and Technology")
    assert registry.resolve("市科技局", "某某市").name_en == (  # pinyin, issue 17
        "Moumou Municipal Bureau of Science and Technology")


def test_provincial_units_belong_to_the_plans_province(registry):
    fuzhou, xiamen = (registry.resolve("省市场监管局", c) for c in ("福州市", "厦门市"))
    assert fuzhou == xiamen
    assert (fuzhou.name, fuzhou.jurisdiction, fuzhou.kind, fuzhou.registered) == (
        "省市场监督管理局", "福建省", "provincial-department", True)
    assert registry.resolve("省高院", "杭州市").name_en == "Zhejiang Higher People's Court"
    # unregistered provincial units, too, and a city unit stays the city's
    assert registry.resolve("省商务厅", "泉州市").jurisdiction == "福建省"
    assert registry.resolve("市商务局", "泉州市").jurisdiction == "泉州市"
    # a province's own plan, and a place whose province is not known, keep the plan's place
    assert registry.resolve("省商务厅", "福建省").jurisdiction == "福建省"
    assert registry.resolve("省商务厅", "某某市").jurisdiction == "某某市"
    # issue 17: no Chinese left in an English name; a place jurisdictions.csv lacks is in pinyin
    assert registry.resolve("省市场监管局", "某某市").name_en == (
        "Moumou Provincial Administration for Market Regulation")


def test_a_registry_row_for_a_province_applies_to_its_cities_plans(tmp_path):
    extra = tmp_path / "fujian.csv"
    extra.write_text("name,aliases,name_en,kind,collective,jurisdiction\n"
                     "省知识产权局,,Fujian Intellectual Property Office,provincial-department,no,福建省\n",
                     "utf-8")
    registry = Registry.load([extra])
    fujian = registry.resolve("省知识产权局", "厦门市")
    assert (fujian.name_en, fujian.jurisdiction) == ("Fujian Intellectual Property Office", "福建省")
    # elsewhere the packaged row: the alias of the provincial market regulator
    assert registry.resolve("省知识产权局", "杭州市").name == "省市场监督管理局"


def test_every_prefecture_names_a_known_province(registry):
    places = registry.jurisdictions
    prefectures = [p for p in places.values() if p.level == "prefecture"]
    assert len(prefectures) == 333
    assert all(places[p.province].level in {"province", "autonomous-region"} for p in prefectures)
    assert registry.province_of("福州市") == "福建省" and registry.province_of("北京市") is None
    # a title that starts with any of them names it (克孜勒苏柯尔克孜自治州 is the longest)
    from ipplan.loaders import jurisdiction_from_title

    assert [jurisdiction_from_title(name + "知识产权强市建设工作方案") for name in places] == list(
        places)


def test_no_two_places_share_an_english_name(registry):
    """抚州 is Fuzhou in English as 福州 is: in a corpus with both, "Fuzhou Municipal Finance
    Bureau" would name two bureaux. The better-known place keeps the plain name."""
    english = [p.name_en for p in registry.jurisdictions.values()]
    assert all(english) and len(set(english)) == len(english)
    assert [registry.resolve("市财政局", city).name_en for city in ("福州市", "抚州市")] == [
        "Fuzhou Municipal Finance Bureau", "Fuzhou (Jiangxi) Municipal Finance Bureau"]
    assert [registry.jurisdiction_en(p) for p in ("吉林省", "吉林市")] == ["Jilin", "Jilin City"]


@pytest.mark.parametrize("name, kind, collective", [
    ("厦门海关", "customs", False),
    ("某某市中级人民法院", "judicial", False),
    ("湖里区人民法院", "judicial", False),
    ("翔安开发区管委会", "development-zone", False),
    ("厦门大学", "university", False),
    ("兴业银行福州分行", "financial-institution", False),
    ("团市委", "mass-organisation", False),
    ("市委网信办", "party-organ", False),
    ("市城管委", "municipal-department", False),
    ("省商务厅", "provincial-department", False),
    ("省委宣传部", "party-organ", False),
    ("省直各有关单位", "other", True),
    ("各乡镇人民政府", "district-collective", True),
    ("其他相关单位", "other", True),
    ("某某协会", "other", False),
])
def test_guess_kind_for_unregistered_units(name, kind, collective):
    assert guess_kind(name) == (kind, collective)


def test_unregistered_unit_is_kept_and_marked(registry):
    unit = registry.resolve("市城管委", "福州市")
    assert not unit.registered and unit.name == "市城管委" and unit.name_en == ""


def test_extra_registry_file_adds_and_overrides(tmp_path):
    extra = tmp_path / "mine.csv"
    extra.write_text("name,aliases,name_en,kind,collective,jurisdiction\n"
                     "市城管委,市城市管理委员会,{city} Urban Management Commission,"
                     "municipal-department,no,\n"
                     "高新区管委会,,Xiamen Torch Hi-tech Zone Committee,development-zone,no,厦门市\n",
                     "utf-8")
    registry = Registry.load([extra])
    assert registry.resolve("市城市管理委员会", "福州市").name_en == (
        "Fuzhou Urban Management Commission")
    assert registry.resolve("高新区管委会", "厦门市").name_en == "Xiamen Torch Hi-tech Zone Committee"
    assert registry.resolve("高新区管委会", "福州市").name_en.startswith("Fuzhou High-tech")


@pytest.mark.parametrize("content, message", [
    ("name,name_en\n", "lacks the columns aliases, kind, collective, jurisdiction"),
    ("name,aliases,name_en,kind,collective,jurisdiction\n甲,,A,bureau,no,\n", "row 2: unknown kind"),
    ("name,aliases,name_en,kind,collective,jurisdiction\n甲,,A,other,maybe,\n", "row 2: collective"),
    ("name,aliases,name_en,kind,collective,jurisdiction\n,,A,other,no,\n", "row 2: the name is empty"),
])
def test_bad_registry_rows_are_refused_by_row(tmp_path, content, message):
    extra = tmp_path / "bad.csv"
    extra.write_text(content, "utf-8")
    with pytest.raises(InputError, match=re.escape(message)):
        Registry.load([extra])


def test_packaged_registry_kinds_are_the_ontologys(registry):
    assert {entry.kind for entry in registry.entries} <= set(UNIT_KINDS)
