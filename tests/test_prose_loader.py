"""Prose plans with their units inline, and key-value blocks, load to the expected records."""

from __future__ import annotations

import pytest

from ipplan.errors import InputError
from ipplan.loaders import load_document
from ipplan.loaders.prose import units_clause
from ipplan.model import DeadlineKind

PROSE = """厦门市知识产权强市建设工作方案

为深入实施知识产权强国战略，制定本方案。

一、完善知识产权政策体系
（一）加强政策供给
1. 修订资助办法，加大对转化运用的支持。（市市场监管局牵头，市财政局、各县（市）区政府配合，2022年12月底前完成）
2. 建立专利导航协作机制。（市科技局、市教育局负责，2023年上半年）
（二）强化考核
1. 将知识产权纳入绩效考核。（市效能办牵头，各县（市）区政府配合，长期坚持）
二、加强知识产权保护
1. 加大行政执法力度，开展专项行动。
牵头单位：市公安局
责任单位：市检察院、市法院
完成时限：2023年6月
2. 推动技术和创新支持中心（TISC）建设。（市市场监管局负责，每年）
"""


@pytest.fixture()
def prose_plan(tmp_path):
    path = tmp_path / "xiamen-prose.txt"
    path.write_text(PROSE, "utf-8")
    return load_document(path)


def test_structure(prose_plan):
    assert prose_plan.title == "厦门市知识产权强市建设工作方案"
    assert prose_plan.jurisdiction == "厦门市"
    assert [(t.number, t.title) for t in prose_plan.themes] == [
        (1, "完善知识产权政策体系"), (2, "加强知识产权保护")]
    # Theme 1 has a （一） level: its tasks are those; theme 2's items are tasks of their own.
    assert [(t.key, t.title, t.theme) for t in prose_plan.tasks] == [
        ("1-1", "加强政策供给", 1),
        ("1-2", "强化考核", 1),
        ("2-1", "加大行政执法力度，开展专项行动。", 2),
        ("2-2", "推动技术和创新支持中心（TISC）建设。", 2),
    ]


def test_measures_units_and_deadlines(prose_plan):
    got = [(m.id, m.text, m.lead_units, m.support_units, m.deadline.kind, m.deadline.month)
           for m in prose_plan.measures]
    assert got == [
        ("1-1.1", "修订资助办法，加大对转化运用的支持。", ("市市场监管局",),
         ("市财政局", "各县（市）区政府"), DeadlineKind.FIXED, "2022-12"),
        # 市科技局、市教育局负责 names no lead: read by the default rule (issue 17: the first
        # listed leads), not as two leads.
        ("1-1.2", "建立专利导航协作机制。", ("市科技局",), ("市教育局",),
         DeadlineKind.FIXED, "2023-06"),
        ("1-2.1", "将知识产权纳入绩效考核。", ("市效能办",), ("各县（市）区政府",),
         DeadlineKind.ONGOING, None),
        ("2-1.1", "加大行政执法力度，开展专项行动。", ("市公安局",), ("市检察院", "市法院"),
         DeadlineKind.FIXED, "2023-06"),
        ("2-2.1", "推动技术和创新支持中心（TISC）建设。", ("市市场监管局",), (),
         DeadlineKind.RECURRING, None),
    ]


def test_skipped_paragraphs_are_reported(prose_plan):
    # The preamble sentence comes before the first theme and is not a measure: kept quiet as
    # preamble. Nothing inside the body was skipped; the one warning says which role rule read
    # the unmarked lists (issue 17: "say in the warnings … which rule was applied").
    (warning,) = prose_plan.warnings
    assert warning.message.startswith("role rule: 2 measure(s) name their units in one list")


def test_paragraph_between_items_is_reported(tmp_path):
    path = tmp_path / "p.txt"
    path.write_text("厦门市工作方案\n一、主题\n1. 做一件事。（市科技局牵头，2023年）\n"
                    "这一段是说明文字，不是措施。\n2. 做另一件事。（市教育局牵头，2024年）\n", "utf-8")
    plan = load_document(path)
    assert [m.text for m in plan.measures] == ["做一件事。", "做另一件事。"]
    (warning,) = plan.warnings
    assert "1 paragraph(s) outside numbered items skipped (lines 4)" in warning.message


def test_units_without_a_role_are_reported(tmp_path):
    path = tmp_path / "p.txt"
    path.write_text("厦门市工作方案\n一、主题\n1. 做一件事。（市科技局牵头，市财政局，2023年）\n", "utf-8")
    plan = load_document(path)
    assert plan.measures[0].support_units == ("市财政局",)
    assert any("without a role" in w.message for w in plan.warnings)


def test_units_clause():
    assert units_clause("做事（市科技局牵头）。") == ("做事", "市科技局牵头")
    assert units_clause("设立中国（福州）知识产权保护平台。")[1] is None


def test_plain_prose_without_units_is_not_a_plan(tmp_path):
    path = tmp_path / "essay.txt"
    path.write_text("厦门市工作总结\n今年我们做了很多工作。\n1. 第一点体会。\n", "utf-8")
    with pytest.raises(InputError, match="not a task table"):
        load_document(path)


# -- layouts of held-out sets 11 to 13, one small document each -------------------------------

def _load(tmp_path, text: str, name: str = "p.txt"):
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return load_document(path)


def _read(plan) -> list[tuple]:
    return [(m.text[:8], m.lead_units, m.support_units, m.deadline.month or m.deadline.kind.value)
            for m in plan.measures]


def test_role_sentence_opening_the_text_under_a_title_line(tmp_path):
    plan = _load(tmp_path, "兰州市有关事项分工\n1、设立试验区事宜\n"
                           "由杨某某副市长负责,市发改委牵头,相关部门配合,尽快完成实施方案。\n"
                           "2、轨道交通项目\n由吴某某副市长负责,市房管局负责,各县区政府配合,修改完善方案。\n")
    assert _read(plan) == [("设立试验区事宜 ", ("市发改委",), ("相关部门",), "none"),
                           ("轨道交通项目 修", ("市房管局",), ("各县区政府",), "none")]
    assert plan.measures[0].text == "设立试验区事宜 尽快完成实施方案。"


def test_dash_targets_take_the_date_of_their_lead_in(tmp_path):
    plan = _load(tmp_path, "盘锦市2018年工作实施方案\n一、总体要求\n（一）主要目标\n"
                           "到2018年底,全市主要经济指标如下:\n"
                           "——地区生产总值增长7.5%;(牵头部门:市发改委)\n"
                           "——一般公共预算收入增长12%;(牵头部门:市财政局)\n"
                           "二、重点任务\n1.加快港口建设。(牵头部门:市交通局;配合部门:市发改委)\n")
    assert _read(plan) == [("地区生产总值增长", ("市发改委",), (), "2018-12"),
                           ("一般公共预算收入", ("市财政局",), (), "2018-12"),
                           ("加快港口建设。", ("市交通局",), ("市发改委",), "none")]


def test_a_date_in_the_measures_own_text_is_its_deadline(tmp_path):
    plan = _load(tmp_path, "四川省2020年工作要点\n一、任务\n"
                           "（一）推进审批改革。2020年底前全面建成审批体系。（住房城乡建设厅牵头）\n"
                           "（二）压缩开办时间。力争2021年实现一日办结。（市场监管局负责）\n"
                           "（三）修订条例。6月底前出台办法，年内完成修订。（司法厅负责）\n")
    assert [m.deadline.month for m in plan.measures] == ["2020-12", None, "2020-12"]
    assert any("read from the measure's text" in n.message for n in plan.notes)


def test_each_leads_by_its_duty_and_a_names_own_parenthesis(tmp_path):
    plan = _load(tmp_path, "四川省2020年工作要点\n一、任务\n（一）精简许可事项。〔省政府办公厅、省委编办、"
                           "商务厅按职责牵头,省直有关部门(单位)及各市(州)人民政府按职责分工负责〕\n")
    (measure,) = plan.measures
    assert measure.lead_units == ("省政府办公厅", "省委编办", "商务厅")
    assert measure.support_units == ("省直有关部门(单位)", "各市(州)人民政府")


def test_a_clause_wrapped_by_a_pdf_over_a_label_and_a_page_number(tmp_path):
    plan = _load(tmp_path, "鄂温克族自治旗2022年政府工作报告任务分解\n一、任务\n"
                           "1.实施提质增效工程,新建标准化棚圈200处。(牵头单位:\n"
                           "旗农牧和科技局;配合单位:旗财政局、各\n— 2 —\n苏木乡镇人民政府)\n"
                           "2* .创建全域旅游示范区。(牵头单位:旗文化旅游体育局;\n"
                           "配合单位:旗住房和城乡建设局)\n")
    assert _read(plan) == [("实施提质增效工程", ("旗农牧和科技局",), ("旗财政局", "各苏木乡镇人民政府"), "none"),
                           ("创建全域旅游示范", ("旗文化旅游体育局",), ("旗住房和城乡建设局",), "none")]


def test_traditional_characters_outside_any_hand_made_list(tmp_path):
    plan = _load(tmp_path, "天津市2021年重點工作任務分工\n一、任務\n"
                           "1.紮實做好工作。(市政府各部門分別負責,年內持續推進)\n")
    (measure,) = plan.measures
    assert measure.lead_units == ("市政府各部門",) and measure.deadline.month == "2021-12"


def test_a_theme_level_item_naming_its_units_is_a_theme_of_its_own(tmp_path):
    """二、保障措施（责任单位：…） after a theme whose measures are （一）…（二）: its measure
    keeps an id of its own (it used to take 1-2.1, the id of （二）, and the graph merged them)."""
    plan = _load(tmp_path, "黄浦区可再生能源发展行动方案\n一、主要任务\n"
                           "（一）实施光伏工程。\n（责任单位：区发展改革委、区建管委）\n"
                           "（二）开展新建建筑光伏建设。\n（责任单位：区建管委）\n"
                           "二、保障措施\n加强组织领导。\n（责任单位：区发展改革委、各街道办事处）\n")
    assert [m.id for m in plan.measures] == ["1-1.1", "1-2.1", "2-2.1"]
    assert [(t.number, t.title) for t in plan.themes] == [(1, "主要任务"), (2, "保障措施")]


def test_a_task_number_repeated_further_down_is_never_merged(tmp_path):
    plan = _load(tmp_path, "福州市工作方案\n一、主题\n1. 做一件事。（市科技局牵头）\n"
                           "2. 做另一件事。（市教育局牵头）\n1. 再做一件事。（市财政局牵头）\n")
    assert len({m.id for m in plan.measures}) == 3
    assert any("repeats an earlier task's number" in w.message for w in plan.warnings)


def test_paragraphs_between_a_heading_and_its_clause_line_are_its_text(tmp_path):
    plan = _load(tmp_path, "黄浦区可再生能源发展行动方案\n\n一、主要任务\n\n（一）实施光伏工程\n\n"
                           "推进屋顶光伏建设。\n\n（责任单位：区发展改革委、区建管委）\n\n"
                           "二、保障措施\n\n加强组织领导。\n\n（责任单位：区发展改革委）\n")
    assert [m.text for m in plan.measures] == ["实施光伏工程 推进屋顶光伏建设。",
                                               "保障措施 加强组织领导。"]
    assert not [w for w in plan.warnings if "paragraph" in w.message]


def test_a_paragraph_after_the_last_item_is_reported_up_to_the_last_clause(tmp_path):
    plan = _load(tmp_path, "厦门市工作方案\n一、主题\n1. 做一件事。（市科技局牵头）\n"
                           "2. 做另一件事。（市教育局牵头）\n这一段是说明文字，不是措施。\n"
                           "（责任单位：市财政局）\n")
    messages = [w.message for w in plan.warnings]
    assert any("paragraph(s) outside numbered items skipped (lines 5)" in m for m in messages)
    assert any("units clause with no item above it" in m for m in messages)


def test_paragraphs_ending_with_their_units_are_measures_without_numbers(tmp_path):
    """A 政府工作报告 division prints its measures as unnumbered paragraphs under numbered
    themes, after an intro paragraph or right under the theme."""
    plan = _load(tmp_path, "潜江市《政府工作报告》重点工作责任分解\n一、加快转型升级\n"
                           "坚持调优调强，推进产业高端化。\n"
                           "突出工业主体地位。实施工业项目工程。(市经信委牵头,市发改委配合)\n"
                           "培育新兴产业。加快产业园建设。(市科技局、市经信委分别牵头)\n"
                           "二、推进城乡统筹\n"
                           "加快交通枢纽建设。推进国省干线改造。(市交通运输局负责)\n"
                           "三、增进民生福祉\n"
                           "扩大就业创业。新增城镇就业6000人。(市人社局负责,市财政局配合)\n")
    assert _read(plan) == [
        ("突出工业主体地位", ("市经信委",), ("市发改委",), "none"),
        ("培育新兴产业。加", ("市科技局", "市经信委"), (), "none"),
        ("加快交通枢纽建设", ("市交通运输局",), (), "none"),
        ("扩大就业创业。新", ("市人社局",), ("市财政局",), "none")]
    assert [t.title for t in plan.themes] == ["加快转型升级", "推进城乡统筹", "增进民生福祉"]


def test_support_labels_and_roles_by_duty(tmp_path):
    plan = _load(tmp_path, "上海市燃气安全专项整治实施方案\n一、任务\n"
                           "1.整治违法经营。（市市场监管局牵头负责，市公安局、各区政府组织落实）\n"
                           "2.更新改造管道。（市住房城乡建设管理委按职责分工负责落实、各区政府组织落实）\n"
                           "3.推进城市更新。（牵头单位：区建设管理委，支撑单位：区规划资源局）\n"
                           "4.做好信息公开。〔市教育局、市卫健委按照职能分别落实〕\n")
    assert _read(plan) == [
        ("整治违法经营。", ("市市场监管局",), ("市公安局", "各区政府"), "none"),
        ("更新改造管道。", ("市住房城乡建设管理委",), ("各区政府",), "none"),
        ("推进城市更新。", ("区建设管理委",), ("区规划资源局",), "none"),
        ("做好信息公开。", ("市教育局",), ("市卫健委",), "none")]


def test_one_clause_ending_a_run_names_every_item_of_the_run(tmp_path):
    """The last sub-item's clause covers its run; its standing note gives 各单位 to every later
    measure; dated stages of the schedule are no measures."""
    plan = _load(tmp_path, "上海市市场监管系统燃气安全排查整治实施方案\n一、工作任务\n（一）落实主体责任\n"
                           "1．压实使用单位责任。督促健全制度。\n2．强化法定检验。开展监督检验。\n"
                           "3．落实属地监管。定期开展评价。（市局特种设备处牵头，各单位按职责分工负责，"
                           "以下各项工作均需要各单位负责，不再单独列出）\n"
                           "（二）排查整治钢瓶隐患\n1．组织专项检查。查处违法单位。\n"
                           "2．开展“回头看”。巩固工作成果。（市局特种设备处牵头）\n"
                           "二、进度安排\n（一）动员部署阶段（2022年1月）\n（二）整治攻坚阶段（2022年4月—2022年10月）\n")
    assert _read(plan) == [
        (text, ("市局特种设备处",), ("各单位",), "none")
        for text in ("压实使用单位责任", "强化法定检验。开", "落实属地监管。定", "组织专项检查。查",
                     "开展“回头看”。")]


def test_a_date_the_text_gives_with_dao_is_its_deadline(tmp_path):
    plan = _load(tmp_path, "上海市公园城市建设实施方案\n一、任务\n"
                           "（一）优化公园边界。到2028年底，完成100座公园开放。（责任单位：市绿化市容局）\n"
                           "（二）招商引资。全年引进亿元以上项目200个。（责任单位：市商务委）\n")
    assert [m.deadline.month for m in plan.measures] == ["2028-12", None]


def test_a_clause_that_states_its_rule_after_its_units(tmp_path):
    plan = _load(tmp_path, "吉林省西部生态经济带实施方案\n一、任务\n"
                           "1.加强草原保护。明晰草原权属。(省林草局、省农业农村厅,松原市政府,列第一位的为牵头单位,下同)\n"
                           "2.加强湿地修复。实施补水工程。(省林草局、省水利厅)\n")
    assert _read(plan) == [("加强草原保护。明", ("省林草局",), ("省农业农村厅", "松原市政府"), "none"),
                           ("加强湿地修复。实", ("省林草局",), ("省水利厅",), "none")]
    assert plan.role_rule.startswith("first-leads (stated at line 3")


def test_inspect_names_the_items_printed_without_a_number(tmp_path):
    from ipplan.loaders import inspect_document

    path = tmp_path / "p.txt"
    path.write_text("潜江市《政府工作报告》重点工作责任分解\n一、加快转型升级\n坚持调优调强。\n"
                    "突出工业主体地位。实施工程。(市经信委牵头)\n"
                    "二、主要目标\n到2018年底,指标如下:\n——增长7.5%;(牵头部门:市发改委)\n", "utf-8")
    numbering = dict(inspect_document(path))["numbering"]
    assert "paragraphs without a number read as measure: 1 item(s), first at line 4" in numbering
    assert any(line.startswith("dash lines (——) read as") for line in numbering)


def test_a_mirrors_pinyin_and_a_notice_rule_that_every_listed_unit_leads(tmp_path):
    plan = _load(tmp_path, "市人民政府辦公廳關於印發2024年市《政府工作報(bào)告》目標任務責任分解方案的通知\n"
                           "一、強化統籌。特別是牽頭單位(無牽頭單位的,責(zé)任單位即為牽頭單位,下同)要統籌。\n"
                           "2024年市《政府工作報告》目標任務責任分解方案\n一、主要預期目標\n"
                           "(一)固定資產投資增長5%左右。\n責(zé)任單位:市發展改革委、市住房城鄉建設局\n"
                           "(二)年內建成2個實驗室。兩年內完成全部投資。\n牽頭單位:市科技局\n責任單位:市教育局指導\n")
    assert _read(plan) == [("固定資產投資增長", ("市發展改革委", "市住房城鄉建設局"), (), "none"),
                           ("年內建成2個實驗", ("市科技局",), ("市教育局",), "2024-12")]
    assert plan.role_rule.startswith("all-lead (stated at line 2")
    assert any("pinyin" in n.message for n in plan.notes)


def test_a_units_name_as_the_heading_of_its_duties(tmp_path):
    plan = _load(tmp_path, "普陀区海绵城市建设实施方案\n一、重点任务\n（一）科学规划布局\n推进规划编制。\n"
                           "二、职责分工\n(一)区建管委\n牵头协调本区海绵城市建设。\n(二)各建设单位\n落实建设要求。\n")
    assert _read(plan) == [("区建管委 牵头协", ("区建管委",), (), "none"),
                           ("各建设单位 落实", ("各建设单位",), (), "none")]
