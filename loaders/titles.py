"""A plan's title, jurisdiction, level and year, read from the lines around its body.

Published plans open with debris before the title: a letterhead (鞍山市立山区人民政府文件), a
document number (岚综管办〔2015〕165号), web metadata (发布机构: 下陆区政府办公室), a notice
paragraph with its addressees, signature and date. Titles run over two or three lines. The
plan's own title is the last title-like group before the body; a notice's title
(关于印发《X》的通知) stands for the plan only when nothing else does.

The jurisdiction is the place the title starts with, else the issuer's (the letterhead, the
signature, a 发布机构 line, the notice title's issuer); its level comes from the place's
name (省, 市, 区, 县, 开发区 …) and ``jurisdictions.csv`` (a 市 it does not list as a
prefecture is a county-level city). 国务院 and its ministries are national.

>>> read_heading(["国务院关于促进综合保税区", "高水平开放高质量发展的若干意见", "国发〔2019〕3号"])
Heading(title='国务院关于促进综合保税区高水平开放高质量发展的若干意见', title_lines=(1, 2), jurisdiction='国务院', level='national', where='title', year=2019, place_line=None)
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from .numbering import numbered
from .script import fold

# Words a plan's title ends on; the weak ones also name headings (“十三五”…9个具体建设任务).
_TITLE_WORDS = re.compile(r"方案|规划|计划|分解|清单|台账|要点|意见|通知|决定|办法|细则|若干政策|若干措施|"
                          r"工作事项|任务分工$")
_WEAK_TITLE_WORDS = re.compile(r"措施|安排|任务|实施|责任|分工")
_DOC_NUMBER = re.compile(r"[〔\[［(（【]\s*(\d{4})\s*[〕\]］)）】]\s*\d+\s*号")
_DATE = re.compile(r"^(\d{4})\s*(?:年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?|[-./]\d{1,2}[-./]\d{1,2})"
                   r"(?:\s+\S.*)?$")
# 二〇一一年三月七日: a signature's date in Chinese numerals
_CHINESE_DATE = re.compile(r"^[〇零一二三四五六七八九○Ｏ]{4}\s*年\s*[一二三四五六七八九十]{1,3}\s*月"
                           r"(?:\s*[一二三四五六七八九十]{1,3}\s*日)?$")
# Page furniture between a notice and its attachment: —1 —, - 2 -, 第3页, 附件, 附件1：
_FURNITURE = re.compile(r"^(?:[—\-－–]\s*\d{1,3}\s*[—\-－–]|第\s*\d{1,3}\s*页(?:\s*共\s*\d+\s*页)?|"
                        r"\d{1,3}\s*/\s*\d{1,3}|附\s*件\s*\d{0,2}\s*[:：]?|印发通知|主要内容)$"
                        # 图1 嘉定区海绵城市达标推进计划示意图: a figure's or table's caption
                        r"|^[图表]\s*\d{1,2}(?:[-.．]\d{1,2})?\s+\S")
_METADATA = re.compile(r"索\s*引\s*号|发\s*布\s*(?:机\s*构|单\s*位|日\s*期|时\s*间|文\s*号)|文\s*号|"
                       r"信息来源|阅读次数|浏览次数|"
                       r"名\s*称\s*[:：]|^标\s*题\s*[:：]|分\s*类\s*[:：|]|有\s*效\s*性|生效日期|所属机构|^全文$|\||"
                       # 1. [主题分类] 综合政务: a portal's numbered metadata list; 查看完整版本:
                       r"^\d{1,2}\s*[.．]\s*\[[^\]]{2,8}\]|^\[[^\]]{2,8}\]|查看完整版本")
# 13.03.2015  07:51: a news page's date, day first
_DAY_FIRST_DATE = re.compile(r"^\d{1,2}[./-]\d{1,2}[./-]\d{4}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
# 通知.jpg: an attachment's or image's file name left in a page's text
_FILE_NAME = re.compile(r"\.(?:jpe?g|png|gif|bmp|pdf|docx?|xlsx?|wps|et|ofd|zip|rar)$", re.I)
# A page's own tools and its site name after the title: 打印, 【关闭】, … - 时政要闻 - 同和论坛
_PAGE_TOOLS = re.compile(r"^[•·●]?\s*[【\[]?(?:打印(?:本页)?|关闭(?:窗口)?|收藏|返回(?:顶部)?|听全文|分享到|"
                         r"相关内容|[-—])[】\]]?$|^当前位置|>>|"
                         # 首页 > 发展规划 > 区域发展: a page's breadcrumb
                         r"^[^>]{1,12}\s*[>＞›]\s*[^>]{1,12}\s*[>＞›]")
_SITE_SUFFIX = re.compile(r"(?:\s+[-–—_|]\s+[^-–—_|]+){2,}$|\s+[-–—_|]\s+[^-–—_|]*(?:网|论坛|门户|Powered)"
                          r"[^-–—_|]*$")
_ISSUER_END = re.compile(r"(?:人民政府办公室|人民政府办公厅|人民政府|政府办公室|政府办公厅|政府办|"
                         r"办公室|办公厅|委员会|管理委员会|管委会|国务院|文件|党委|市委|区委|县委|"
                         r"领导小组)$")
_PLACE = re.compile(r"[\u4e00-\u9fff]{1,7}?(?:特别行政区|自治区|自治州|自治县|综合实验区|经济开发区|"
                    r"高新技术产业开发区|开发区|新区|省|市|州|盟|地区|区|县|旗)")
_NATIONAL = re.compile(r"^(?:国务院|中共中央|全国|国家[\u4e00-\u9fff]{0,8}(?:委|局|部|署)|"
                       r"[\u4e00-\u9fff]{1,8}(?:部|总署|总局))")
_NOTICE = re.compile(r"^(?:.*?)关于印发(.+?)的?通\s*知$")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_LEVEL_OF_SUFFIX = (
    ("综合实验区", "special-zone"), ("开发区", "special-zone"), ("新区", "special-zone"),
    ("特别行政区", "province"), ("自治区", "province"), ("省", "province"),
    ("自治州", "prefecture"), ("盟", "prefecture"), ("地区", "prefecture"), ("州", "prefecture"),
    ("自治县", "county"), ("县", "county"), ("旗", "county"), ("区", "district"),
    ("市", "prefecture"),
)
LEVELS = ("national", "province", "prefecture", "district", "county", "special-zone")


@dataclass(frozen=True)
class Heading:
    """What the lines around a plan's body say about it."""

    title: str | None
    title_lines: tuple[int, ...]  # 1-based indexes into the lines given
    jurisdiction: str | None
    level: str | None
    where: str | None  # where the jurisdiction was read: title, issuer, signature, metadata
    year: int | None
    place_line: int | None = None  # 1-based index of the line given that named the place


def read_heading(lines: Sequence[str], after: Sequence[str] = ()) -> Heading:
    """Read the title, jurisdiction, level and plan year from ``lines`` (the document up to
    its body; blank lines included, so indexes are line numbers) and ``after`` (the lines
    after the body, where a signature may be)."""
    kinds = [_classify(line) for line in lines]
    groups: list[list[int]] = []
    for index, kind in enumerate(kinds):
        if kind == "blank":
            continue
        if kind == "title" and groups and groups[-1][-1] == _previous_filled(kinds, index):
            if kinds[groups[-1][-1]] == "title":
                groups[-1].append(index)
                continue
        if kind == "title":
            groups.append([index])
    joined = [(_join(lines, group), group) for group in groups]
    titles = [(text, group) for text, group in joined if _TITLE_WORDS.search(fold(text))]
    if not titles:
        titles = [(text, group) for text, group in joined
                  if _WEAK_TITLE_WORDS.search(fold(text))]
    plan_titles = [(t, g) for t, g in titles
                   if not _NOTICE.match(fold(t)) and not fold(t).endswith("通知")]
    chosen = (plan_titles or titles or [(None, [])])[-1]
    title, group = chosen
    if title is not None and not plan_titles:
        title = re.sub(r"^【[^】]{1,30}】", "", title)  # 【市政府重点工作…】: a portal's tag
        if (notice := _NOTICE.match(fold(title))):
            title = title[notice.start(1):notice.end(1)].strip().strip("《》")
    jurisdiction, where, place_line = None, None, None
    if title:
        jurisdiction = place_in_title(title)
        where = "title" if jurisdiction else None
    if jurisdiction is None:
        for index, kind in enumerate(kinds):
            if kind in ("issuer", "metadata", "title"):
                found = issuer_place(lines[index], metadata=kind == "metadata")
                if found:
                    jurisdiction, where = found, f"{kind} (line {index + 1})"
                    place_line = index + 1
                    break
    if jurisdiction is None:
        for line in after:
            if _classify(line) == "issuer" and (found := issuer_place(line)):
                jurisdiction, where = found, "signature"
                break
    year = _plan_year(title, lines, after)
    return Heading(title, tuple(i + 1 for i in group), jurisdiction,
                   level_of(jurisdiction) if jurisdiction else None, where, year, place_line)


def _lone_cell(text: str) -> str:
    """The text of a row of a page's table that holds one filled cell (a title printed as
    ``2023年章镇镇政府主要工作安排和任务分解 | ||``), a Markdown heading's text (``# 标题``); any
    other line as it is."""
    text = re.sub(r"^#{1,6}\s+", "", text)
    if "|" not in text and "｜" not in text:
        return text
    cells = [cell.strip() for cell in re.split(r"[|｜]", text) if cell.strip()]
    return cells[0] if len(cells) == 1 and not cells[0].endswith((":", "：")) else text


def _previous_filled(kinds: list[str], index: int) -> int:
    for back in range(index - 1, -1, -1):
        if kinds[back] != "blank":
            return back
    return -1


# …的通知(川办发〔2020〕31号): the document number printed after a title
_NUMBER_AFTER = re.compile(r"\s*[（(][^（）()]*[〔\[［]\s*\d{4}\s*[〕\]］][^（）()]*号\s*[)）]$")


# …的通知-欧洲杯网络平台: a mirror site's name glued after the title by a dash
_GLUED_SITE = re.compile(r"(?<=通知|方案|意见|要点|清单|计划|规划|分解|分工)\s*[-–—_|｜]\s*[^-–—_|｜]{2,16}$")


def _join(lines: Sequence[str], group: list[int]) -> str:
    parts: list[str] = []
    for i in group:
        part = _GLUED_SITE.sub("", _SITE_SUFFIX.sub("", _lone_cell(lines[i].strip())))
        if not parts or part != parts[-1]:  # a page that prints its title twice
            parts.append(part)
    text = "".join(parts)
    text = _NUMBER_AFTER.sub("", text)
    # Stray blanks between Chinese characters are extraction debris: 任务分解 和责任.
    return re.sub(r"(?<=[\u4e00-\u9fff》《“”])\s+(?=[\u4e00-\u9fff《》“”])", "", text)


def _classify(line: str) -> str:
    text = _lone_cell(line.strip())
    if not text:
        return "blank"
    folded = fold(text).lstrip("•·● ")
    if _METADATA.search(folded):
        return "metadata"
    if _DOC_NUMBER.search(folded) and len(text) <= 30:
        return "number"
    if _DATE.match(folded) or _CHINESE_DATE.match(text) or _DAY_FIRST_DATE.match(folded):
        return "date"
    if _FURNITURE.match(folded) or _PAGE_TOOLS.match(folded) or _FILE_NAME.search(folded):
        return "furniture"  # never part of a title, and a title does not run across it
    if text.startswith(("（", "(")) and text.endswith(("）", ")")):
        return "aside"  # （此件公开发布）
    if re.match(r"^[（(]此件[^）)]*[）)]", folded):
        return "date"  # (此件公开发布) 2021年6月25日: the aside and the date on one line
    if folded.endswith(("：", ":")):
        return "addressee"
    if _ISSUER_END.search(re.sub(r"\s+", "", folded)) and len(text) <= 30 \
            and "关于" not in folded:
        return "issuer"
    if len(text) > 60 or re.search(r"[。；;]$", text) or text.count("，") + text.count(",") >= 2 \
            or numbered(text) is not None:  # 3.建设项目设计方案审批: a step, never the title
        return "paragraph"
    return "title"


# What a title may carry before its place: 附件1：, 关于印发, and the year or period it covers
# (2020年1-11月份宣城市《政府工作报告》…).
_TITLE_PREFIX = re.compile(
    r"^(?:附件\s*\d*\s*[:：]?\s*)?"
    r"(?:(?:19|20)\d{2}\s*(?:[-—–~至]\s*(?:19|20)?\d{2,4})?\s*年(?:度)?"
    r"(?:\s*\d{1,2}\s*(?:[-—–~至]\s*\d{1,2})?\s*月份?)?\s*)?"
    r"(?:关于印发|关于|印发|中共)?")


def place_in_title(title: str) -> str | None:
    """The jurisdiction a title starts with: 福州市…, 国务院关于…, 立山区政府…; None when the title
    names no place first (2023年区《政府工作报告》…).

    >>> place_in_title("福州市国家知识产权强市建设示范城市工作方案重点任务分解表")
    '福州市'
    >>> place_in_title("国务院办公厅关于对真抓实干成效明显地方进一步加大激励支持力度的通知")
    '国务院'
    >>> place_in_title("2020年1-11月份宣城市《政府工作报告》部分目标任务完成情况")
    '宣城市'
    """
    text = title.strip()
    text = text[_TITLE_PREFIX.match(fold(text)).end():]  # type: ignore[union-attr]
    if fold(text).startswith("国务院"):
        return "国务院"
    found = _innermost_place(text)
    if found is None or fold(found) not in _prefectures():
        # 陕西《政府工作报告》…, 数智贵州建设…: a province by its short name near the start,
        # where no place is named or the "place" found is only a phrase around that name
        for name, full in _province_short_names().items():
            if name in fold(text)[:_SHORT_NAME_REACH] and (found is None or name in fold(found)):
                return full
    return found


_SHORT_NAME_REACH = 8


@cache
def _province_short_names() -> dict[str, str]:
    """陕西 -> 陕西省, 广西 -> 广西壮族自治区, 北京 -> 北京市: the province-level places by the
    short names titles and news use, longest first."""
    short = {re.sub(r"(?:壮族|回族|维吾尔)?自治区$|特别行政区$|省$|市$", "", name): name
             for name, level in _prefectures().items()
             if level in ("province", "municipality", "autonomous-region", "sar")}
    return dict(sorted(short.items(), key=lambda item: -len(item[0])))


def issuer_place(line: str, *, metadata: bool = False) -> str | None:
    """The jurisdiction an issuer line names: 鞍山市立山区人民政府文件 -> 立山区,
    发布机构: 下陆区政府办公室 -> 下陆区, 国务院办公厅 -> 国务院."""
    text = line.strip()
    if metadata:
        match = re.search(r"(?:发\s*布\s*(?:机\s*构|单\s*位)|信息来源)\s*[:：|]?\s*([^\s|:：]+)", text)
        if match is None:
            return None
        text = match[1]
    for part in re.split(r"[\s　]+", text):
        folded = fold(part)
        if folded.startswith(("国务院", "中共中央")):
            return "国务院"
        found = _innermost_place(re.sub(r"^中共", "", part))
        if found:
            return found
    return None


def _real_place(place: str) -> bool:
    # 区政府, 市人民政府: a level word alone is not a place; nor are 政府…/关于… fragments,
    # nor a kind of area without its name (2025年开发区重点工作…).
    # 鄂市监综〔2022〕51号: no city has a one-character name (counties may: 沛县, 歙县)
    return len(place) >= 2 and not re.match(r"^(?:区|市|县|省|本|全|我|各|该|本级|在|于|对|向|自治)",
                                            place) \
        and not re.fullmatch(r"[\u4e00-\u9fff]市", place) \
        and "关于" not in place and "政府" not in place and not _AREA_KIND.match(place) \
        and not _NOT_A_NAME.search(place)


# 加快推进本区公园城市建设…: words of a title's sentence, never inside a place's name
_NOT_A_NAME = re.compile(r"本[区市县省]|推进|加快|促进|支持|建设|实施|落实|贯彻|深化|加强|开展|做好|"
                         r"打造|创建|进一步|全面|重点|工作|报告|涉及|服务|丨")


_AREA_KIND = re.compile(
    r"^(?:经济技术|高新技术产业|高新技术|高新|经开|经济|综合|工业|产业|自由贸易)?"
    r"(?:开发区|新区|园区|实验区|试验区|示范区|自贸区|保税区|合作区|功能区|集聚区|片区|辖区|城区|"
    r"市区|县区|郊区|社区|景区|地区|山区|库区|矿区)$")


def _innermost_place(text: str) -> str | None:
    """The innermost of the places ``text`` starts with: 鞍山市立山区人民政府 -> 立山区,
    中共广州市委 -> 广州市 (not 广州: a level word right after a place belongs to it)."""
    folded = fold(text)
    position, found = 0, None
    while True:
        # a place the registry knows, as written (本溪市, 克孜勒苏柯尔克孜自治州), else one
        # that looks like a place name
        known = next((name for name in _known_places().get(folded[position:position + 1], ())
                      if folded.startswith(name, position)), None)
        if known is not None:
            found, position = text[position:position + len(known)], position + len(known)
            continue
        match = _PLACE.match(folded, position)
        if match is None:
            break
        end = match.end()
        while end < len(folded) and folded[end] in "省市区县州" and end - position < 8:
            end += 1
        segment = folded[position:end]
        if segment[:1] in "与和及、暨同":
            break  # 海东市与兰州市、临夏州共同推进…: the places it works with are not inside it
        if not _real_place(segment) or (found is not None and len(segment) > 4
                                        and not segment.endswith(("开发区", "新区", "实验区"))):
            break  # 厦门市知识产权强市: a district or county name is short
        if found is not None and _tier(segment) < _tier(fold(found)):
            break  # 普陀区海绵城市建设…: a district holds no city
        found, position = text[position:end], end
    return found


def _tier(place: str) -> int:
    """How high a place's kind is, by its last word (the level words of
    :data:`_LEVEL_OF_SUFFIX`): a province 0, a prefecture 1, a district, county or zone 2,
    anything else 3."""
    return next((_TIER[level] for suffix, level in _LEVEL_OF_SUFFIX if place.endswith(suffix)), 3)


_TIER = {"province": 0, "prefecture": 1, "district": 2, "county": 2, "special-zone": 2}


@cache
def _known_places() -> dict[str, tuple[str, ...]]:
    """The registry's place names by their first character, longest first (so
    克孜勒苏柯尔克孜自治州 before any prefix): a title's every position looks at a few."""
    by_first: dict[str, list[str]] = {}
    for name in sorted(_prefectures(), key=len, reverse=True):
        by_first.setdefault(name[0], []).append(name)
    return {first: tuple(names) for first, names in by_first.items()}


@cache
def _prefectures() -> dict[str, str]:
    text = resources.files("ipplan.graph").joinpath("jurisdictions.csv").read_text("utf-8")
    return {row["name"]: row["level"] for row in csv.DictReader(io.StringIO(text))}


def level_of(jurisdiction: str) -> str | None:
    """national, province, prefecture, district, county or special-zone.

    >>> [level_of(p) for p in ("国务院", "广东省", "广州市", "桐乡市", "立山区", "霍山县")]
    ['national', 'province', 'prefecture', 'county', 'district', 'county']
    """
    folded = fold(jurisdiction)
    if _NATIONAL.match(folded):
        return "national"
    known = _prefectures().get(folded)
    if known:
        return {"municipality": "province", "autonomous-region": "province",
                "sar": "province"}.get(known, known)
    for suffix, level in _LEVEL_OF_SUFFIX:
        if folded.endswith(suffix):
            if suffix == "市":
                return "county"  # a 市 that jurisdictions.csv does not list: county-level
            return level
    return None


def _plan_year(title: str | None, lines: Sequence[str], after: Sequence[str]) -> int | None:
    """The plan's year: the title's (2023年…), else the document number's (〔2020〕), else
    the date the plan was signed."""
    if title and (match := _YEAR.search(title)):
        return int(match[1])
    for line in lines:
        if (match := _DOC_NUMBER.search(fold(line))) is not None:
            return int(match[1])
    for line in list(lines) + list(after):
        if (match := _DATE.match(fold(line.strip()))) is not None:
            return int(match[1])
    return None
