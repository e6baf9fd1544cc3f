"""Unit phrases and role rules: who leads and who supports, as a reader of the plan would say.

A measure names its units in one of three ways:

* a clause in the closing parenthesis: ``（X牵头，Y配合，2023年底前完成）``, ``（X、Y负责）``,
  ``(责任领导:王某某;牵头单位:区发改局;责任单位:区财政局)``, ``〔责任单位：…〕``;
* key-value lines under the item, any order, any label spelling (:data:`LABELS`);
* a clause line after a block of items, naming the units of every item of the block.

Each gives a :class:`UnitClause`: explicit leads (牵头, 牵头单位), explicit supports (配合,
配合单位), and *responsible* units (a single 责任单位 list, ``X、Y负责``) whose roles a rule
decides: the rule the document states (``列第一位者为牵头单位，下同``) or, without one,
ipplan's default that the first listed leads (:class:`RoleRule`). People (责任领导, 分管领导)
are the measure's contacts, never units.

Unit phrases are cleaned as a reader would: tails 等/等部门/等有关部门 and ``会同有关部门`` are
dropped (the list is open-ended), an editorial note is not part of a name, 及/和/与 and spaces
separate units only where both sides are units (文化和旅游部 stays one), and a collective keeps
its own 、 (各区、县级市; 各街道办事处、乡人民政府).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field

from .deadlines import looks_like_deadline
from .script import fold
from .titles import place_in_title
from .units import CLOSE as _CLOSE, DIVISION, OPEN as _OPEN, marked_leads


class RoleRule(str, enum.Enum):
    """How to read a list of units that no word marks as lead or support."""

    FIRST_LEADS = "first-leads"  # the first listed unit leads, the rest support (the default)
    ALL_LEAD = "all-lead"  # every listed unit leads
    ALL_SUPPORT = "all-support"  # every listed unit supports; the measure has no lead

    @property
    def describe(self) -> str:
        return {"first-leads": "the first listed unit leads, the others support",
                "all-lead": "every listed unit leads",
                "all-support": "every listed unit supports"}[self.value]


DEFAULT_RULE = RoleRule.FIRST_LEADS
DEFAULT_RULE_SOURCE = "ipplan's default (the document states no rule)"

# Label -> what its value is. Matched on the folded text after removing blanks.
LABELS: dict[str, str] = {
    **dict.fromkeys(("牵头单位", "牵头部门", "牵头科室（单位）", "牵头科室(单位)", "牵头科室",
                     "主办单位", "主责单位", "主责部门", "责任单位（牵头）", "责任单位(牵头)",
                     "牵头责任单位", "主要责任单位", "牵头处室", "牵头机构", "牵头"), "lead"),
    **dict.fromkeys(("配合单位", "协办单位", "参与单位", "配合部门", "协同单位", "协助单位",
                     "其他责任单位", "其它责任单位",
                     "协作单位", "参加单位", "责任单位（配合）", "责任单位(配合)", "配合处室",
                     "协同部门", "参与部门", "协办部门", "配合责任单位", "协同责任单位", "配合",
                     "协办", "参与", "支撑单位", "支持单位", "支撑部门"),
                    "support"),
    **dict.fromkeys(("责任单位", "责任部门", "实施单位", "承办单位", "落实单位", "责任主体",
                     "责任科室", "责任处室", "责任主体单位", "负责部门", "负责单位"), "responsible"),
    **dict.fromkeys(("完成时限", "完成期限", "完成时间", "时间节点", "时间安排", "进度安排",
                     "时限要求", "时限", "完成时间节点", "时间"), "deadline"),
    **dict.fromkeys(("部门分工", "责任分工", "分工"), "division"),
    **dict.fromkeys(("责任领导", "分管领导", "分管省领导", "分管市领导", "分管区领导",
                     "分管县领导", "牵头领导", "包保领导", "联系领导", "责任人", "联系人",
                     "分管副市长", "分管副区长", "分管副县长", "牵头市领导", "牵头区领导",
                     "县政府分线领导", "分线领导", "牵头负责领导"),
                    "people"),
}
# Labels a clause may carry beside its units that name none: （负责部门：…；适用范围：…）
OTHER_LABELS = ("适用范围", "实施范围", "适用地区", "备注", "工作目标", "预期成效", "预期目标")
_LABEL_ALTERNATIVES = "|".join(sorted((re.escape(k) for k in (*LABELS, *OTHER_LABELS)),
                                      key=len, reverse=True))
_LABEL = re.compile(rf"({_LABEL_ALTERNATIVES})\s*[:：]")
# Any short label at the start of a line: 备注：, 工作目标：, 牵 头 单 位：.
_ANY_LABEL = re.compile(r"^([\u4e00-\u9fff][\u4e00-\u9fff（）()\s]{1,11}?)\s*[:：]\s*(.*)$")

# Role words that end a phrase, longest first. "each" leads are never decided by a rule.
_ROLE_WORDS: tuple[tuple[str, str], ...] = (
    ("分别牵头负责", "each"), ("分别牵头", "each"), ("共同牵头", "each"), ("牵头负责", "each"),
    ("共同负责", "each"),
    ("牵头组织实施", "lead"), ("牵头实施", "lead"), ("牵头推进", "lead"),
    ("牵头督导", "lead"), ("牵头督办", "lead"), ("牵头协调", "lead"), ("牵头抓总", "lead"),
    ("牵头落实", "lead"),
    # 省政府办公厅、省委编办、商务厅按职责牵头: each leads the part that is its own
    ("按照职责分工牵头", "each"), ("按职责分工牵头", "each"), ("按照职责牵头", "each"),
    ("按职责牵头", "each"), ("牵头", "lead"), ("分别主办", "each"), ("主办", "lead"),
    ("分别负责", "each"),
    ("按照职责分工负责", "responsible"), ("按照职能分工负责", "responsible"),
    ("按照职责负责", "responsible"), ("按照职责分工落实", "responsible"),
    ("按职责分工负责", "responsible"), ("按职责分工落实", "responsible"),
    ("按职能分工负责", "responsible"), ("按职责负责", "responsible"), ("分工负责", "responsible"),
    ("负责组织实施", "responsible"), ("负责实施", "responsible"),
    ("组织落实", "responsible"), ("分别落实", "responsible"),
    ("结合实际抓好落实", "responsible"), ("结合实际落实", "responsible"),
    ("结合实际推进", "responsible"),
    ("负责落实", "responsible"), ("具体负责", "responsible"), ("负责", "responsible"),
    ("组织实施", "responsible"), ("具体实施", "responsible"), ("抓好落实", "responsible"),
    ("落实", "responsible"),
    ("配合实施", "support"), ("配合落实", "support"), ("配合做好", "support"),
    ("参与实施", "support"), ("协同推进", "support"), ("配合", "support"), ("参与", "support"),
    ("协助", "support"), ("协办", "support"), ("协同", "support"),
    ("业务指导", "support"), ("指导", "support"),
)
# 按照职能分别落实, 按职责分工负责落实: a role word after the words saying by whose duties
_ROLE_END = re.compile(r"(?:按照?职[责能](?:分工)?)?(" + "|".join(w for w, _ in _ROLE_WORDS)
                       + r")\s*$")
_ROLE_OF = dict(_ROLE_WORDS)

# A rule stated in words: 列第一位者为牵头单位 / 排在第一位的部门为牵头部门 / 列第一位为牵头或汇总单位.
_STATED_RULE = re.compile(r"(?:(?:列|排|排在|排名|排序)(?:在)?第一(?:位|个)?(?:者|的?(?:部门|单位)|的)?为?|"
                          r"首位(?:的)?(?:单位|部门)?为)"
                          r"(?:牵头|牵头或汇总|牵头或召集|主办)(?:单位|部门)?")
_RULE_IN_LIST = re.compile(r"[（(][^（）()]*[)）]")
_SAME_BELOW = re.compile(r"^(?:下同|以下同|后同)$")
# Words that mark a sentence as an editorial note rather than a list of units.
_NOTE_WORDS = re.compile(r"下同|不再|均涉及|具体任务|另行|除外|注[:：]")

# Tails that end an open list: 等, 等部门, 等有关部门, 会同有关部门 …
_OPEN_TAIL = re.compile(r"(?:等(?:省|市|区|县)?(?:有关|相关|其他)?(?:部门|单位|部门和单位|单位和部门)?"
                        r"(?:按职责)?|会同(?:省|市|区|县)?(?:有关|相关|其他)(?:部门|单位)(?:和单位)?)$")
# A unit name ends with one of these (on the folded text).
_UNIT_END = re.compile(r"(?:局|委|厅|部|办|室|院|会|署|府|处|心|团|位|门|行|关|队|司|联|协|镇|乡|"
                       r"区|县|市|组|站|所|馆|社|班|州|盟|旗|省|街道|地|办事处|园|校|台|库|中心)$")
# A bare level word after a collective keeps to it: 各区、县级市; 各街道办事处、乡人民政府.
# the division after 各…、 that continues a collective: 各市、州、县人民政府
_LEVEL_WORD = re.compile(rf"^{DIVISION}(?:人民政府|政府|办事处|办)?(?:[（(][^）)]*[）)])?$")
_BARE_COLLECTIVE = re.compile(rf"^各{DIVISION}(?:、{DIVISION})*$")
# 各县(区)人民政府、管委会: the other kind of body the collective's places have
# 各街镇、开发区: the zones the collective also covers
_SHARED_BODY = re.compile(r"^(?:园区|开发区|各园区)?(?:管委会|管理委员会)$|^(?:街道)?办事处$|"
                          r"^(?:经济|工业|产业)?(?:开发区|园区)$")
_SHARED_ORGAN = re.compile(r"(?:部门|单位|机构|人民政府|政府|管委会)$")
_LEAD_MARK = re.compile(r"[（(]\s*(?:牵头|牵头单位|牵头部门|主责)\s*[)）]$")
# An official named by office (分管副省长, 协管副秘书长, 常务副市长): a person, never a unit.
_PERSON_TITLE = re.compile(r"^(?:省|市|区|县|州|镇|乡)?(?:政府)?领导|(?:^|分管|协管|常务|副)(?:省|市|区|县|州|盟|旗|镇|乡)?长$|"
                           r"(?:副?秘书长|副?主席|书记|领导|同志)$")
_LIST_SEPARATORS = "、，,；;／/"
_FULL_STOP = re.compile(r"(?<=[\u4e00-\u9fff）)])\.(?=[\u4e00-\u9fff（(])")
_JOINERS = re.compile(r"及|和|与|以及|\s+")
_TRAILING = "。.，,、；;：:！!　 \t"
# A level prefix a list may share: 省发展改革委、交通运输厅 -> 省交通运输厅 when confirmed.
LEVEL_PREFIXES = ("省", "市", "区", "县")
# The organ a single unit in parentheses ends with, for it to be read as one.
_ORGAN_END = re.compile(r"(?:管委会|管理委员会|人民政府|政府|委员会|局|厅|委|办公室|办)$")
_EXPLAINED = re.compile(r"简称|以下|下称|即|包括|含|指")  # （以下简称市场监管局）


@dataclass
class UnitClause:
    """What one clause, key-value block or table row says about a measure's units."""

    lead: list[str] = field(default_factory=list)
    support: list[str] = field(default_factory=list)
    responsible: list[str] = field(default_factory=list)  # roles decided by the role rule
    people: list[str] = field(default_factory=list)  # 责任领导 and the like: contacts
    deadline: str = ""
    open_ended: bool = False  # 等有关部门, 会同有关部门: more units than the list names
    stated_rule: str | None = None  # the rule text the clause states (列第一位者为牵头单位)
    notes: list[str] = field(default_factory=list)  # editorial notes dropped from names
    unroled: list[str] = field(default_factory=list)  # units no word gives a role
    labels: list[str] = field(default_factory=list)  # labels matched, as printed
    unknown_labels: list[str] = field(default_factory=list)  # 备注, 工作目标 …
    joined: list[str] = field(default_factory=list)  # phrases that may hold two units

    @property
    def names_units(self) -> bool:
        return bool(self.lead or self.support or self.responsible or self.unroled)

    def merge(self, other: UnitClause) -> None:
        """Add what ``other`` (another line of the same item) says."""
        for name in ("lead", "support", "responsible", "people", "notes", "unroled",
                     "labels", "unknown_labels", "joined"):
            getattr(self, name).extend(getattr(other, name))
        self.deadline = self.deadline or other.deadline
        self.open_ended = self.open_ended or other.open_ended
        self.stated_rule = self.stated_rule or other.stated_rule


# Words that name no unit on their own but end a collective: 各有关部门和单位, 各相关部门和单位.
_GENERIC_NOUNS = frozenset({"单位", "部门", "机构", "组织", "企业", "单位部门", "部门单位"})


def is_unit_name(name: str) -> bool:
    """Whether a phrase reads as a unit's name (ends like one, or is a 各… collective)."""
    folded = fold(name.strip())
    if len(folded) < 2 or folded in _GENERIC_NOUNS or folded.endswith("的"):
        return False  # 各项工作涉及多个单位的: a phrase about units, not one
    if (second := _SECOND_NAME.search(folded)) is not None and second.start() >= 2:
        folded = folded[: second.start()]  # 省直有关部门(单位), 市委宣传部（版权局）
    return folded.startswith("各") or bool(_UNIT_END.search(folded))


# A name's own parenthesis at its end: a second name or the kind of body it also covers.
_SECOND_NAME = re.compile(r"[（(][^（）()]{1,12}[)）]$")


def is_organ_name(name: str) -> bool:
    """Whether a name ends with an organ's word (局, 委, 厅, 办, 政府, 管委会 …)."""
    return _ORGAN_END.search(fold(name.strip())) is not None


def ends_with_role_word(text: str) -> bool:
    """Whether ``text`` ends with a role word (牵头, 配合, 按职责分工负责 …)."""
    return _ROLE_END.search(fold(text.strip())) is not None


def without_role_word(name: str) -> str:
    """A unit name without a role word after it, as a table's unit cell may end:
    ``省科技厅按职责分工负责`` → ``省科技厅``; other names unchanged."""
    role = _ROLE_END.search(fold(name.strip()))
    if role is None or not is_unit_name(name.strip()[: role.start()]):
        return name
    return name.strip()[: role.start()].strip()


def label_kind(label: str) -> str | None:
    """What a label's value is (lead, support, responsible, deadline, division, people), or
    None for a label ipplan does not know (备注, 工作目标)."""
    return LABELS.get(fold(re.sub(r"\s+", "", label)))


def key_value(line: str) -> tuple[str, str | None, str] | None:
    """(label as printed, its kind or None, value) when ``line`` is a ``label：value`` line."""
    match = _ANY_LABEL.match(line)
    if match is None:
        return None
    label = match[1].strip()
    return label, label_kind(label), match[2].strip()


def closing_clause(text: str) -> tuple[str, str] | None:
    """(text before, clause) when ``text`` ends with a bracketed clause naming units or a
    deadline: （…）, (…), […], 〔…〕, 【…】, full- or half-width, mixed.

    >>> closing_clause("修订资助办法。（市市场监管局牵头，市财政局配合，2022年12月底前完成）")
    ('修订资助办法。', '市市场监管局牵头，市财政局配合，2022年12月底前完成')
    >>> closing_clause("推动技术和创新支持中心（TISC）建设。") is None
    True
    """
    body = text.rstrip().rstrip("。；;.，, ")
    if not body or body[-1] not in _CLOSE:
        return None
    depth = 0
    for index in range(len(body) - 1, -1, -1):
        char = body[index]
        if char in _CLOSE:
            depth += 1
        elif char in _OPEN:
            depth -= 1
            if depth == 0:
                inner = body[index + 1:-1].strip()
                if _reads_as_units(inner):
                    return body[:index].rstrip(), inner
                return None
    return None


def inline_labels(text: str) -> tuple[str, str] | None:
    """(text before, clause) when an item's text goes on into unit labels without a
    parenthesis: ``加强管理。牵头单位：市发改委；责任单位：市财政局。``"""
    match = _LABEL.search(fold(text))
    if match is None or match.start() == 0:
        return None
    before = text[: match.start()].rstrip()
    if not before.endswith(("。", "；", ";", ".", "，", ",", " ", "　")):
        return None  # a label word inside the sentence, not a field after it
    return before, text[match.start():].rstrip("。")


def _reads_as_units(inner: str) -> bool:
    folded = fold(inner)
    if _LABEL.search(folded):
        return True
    if (rule := _STATED_RULE.search(folded)) is not None:
        # (X、Y,A、B,列第一位的为牵头单位,下同): the units, then the rule to read them by
        rest = re.sub(r"[，,；;]?\s*(?:下同|以下同|后同)\s*$", "", folded[: rule.start()] + folded[rule.end():])
        return bool(rest.strip(_TRAILING)) and _reads_as_units(rest.strip(_TRAILING))
    names = [n.strip() for n in _split_top(folded, "、，,；;") if n.strip(_TRAILING)]
    names = [n[1:] if n[:1] in _LIST_SEPARATORS else n for n in names]
    if names and all(is_unit_name(_LEAD_MARK.sub("", n)) for n in names) and (
            len(names) > 1 or _LEAD_MARK.search(names[0])
            or names[0].startswith(LEVEL_PREFIXES)
            or (_ORGAN_END.search(names[0]) and not _EXPLAINED.search(names[0])
                and place_in_title(names[0]) is not None)):
        # （市科技局、市教育局）: a plain list of units; one unit alone when it is plainly an
        # office of a place (宁波化工区管委会), not a term explained (TISC)
        return True
    for part in _split_top(folded, "，,；;。"):
        part = part.strip()
        if not part:
            continue
        if looks_like_deadline(part) or _is_deadline_phrase(part):
            return True
        role = _ROLE_END.search(part)
        if role and is_unit_name(_strip_open_tail(part[: role.start()])[0].split("、")[-1]
                                 or "x"):
            return True
    return False


def trailing_units_sentence(text: str) -> tuple[str, str] | None:
    """(text before, sentence) when ``text`` ends with a sentence that names only units,
    their roles and a deadline: ``……交易中心。由县农业农村局牵头，县商务局配合。`` or a bare
    list ``……。县住建局、金乡街道。``; None when the last sentence says anything else.

    >>> trailing_units_sentence("推进数字化改造。由县农业农村局牵头，县商务局配合。")
    ('推进数字化改造。', '由县农业农村局牵头，县商务局配合')
    >>> trailing_units_sentence("推进数字化改造。由县财政局负责资金保障。") is None
    True
    """
    body = text.rstrip().rstrip("。.；; ")
    cut = max(body.rfind("。"), body.rfind("；"), body.rfind(";"))
    sentence = body[cut + 1:].strip()
    if cut < 0 or not sentence or _depth_at(sentence, len(sentence)) > 0:
        return None  # ……。(牵头单位: : a clause the next lines go on with
    parts = [p.strip() for p in _split_top(fold(sentence), "，,；;") if p.strip(_TRAILING)]
    named = False
    for part in (p[1:] if p[:1] in _LIST_SEPARATORS else p for p in parts):
        part = re.sub(r"^由", "", part.strip())
        if looks_like_deadline(part) or _is_deadline_phrase(part):
            continue
        named = True
        if _STATED_RULE.search(part):
            return None
        role = _ROLE_END.search(part)
        names = split_unit_phrase(part[: role.start()] if role else part)[0]
        if not names or not all(is_unit_name(_LEAD_MARK.sub("", n)) for n in names) \
                or any(_SENTENCE_WORDS.search(n) for n in names):
            return None
        if role is None and not any(_ORGAN_END.search(n) or fold(n).startswith(
                (*LEVEL_PREFIXES, "各", "自治区")) for n in names):
            return None  # 坚持节约集约利用土地。: a sentence, not a bare list of units
    return (body[: cut + 1], sentence) if named else None  # 到2025年建成强市: no units


def leading_units(text: str) -> tuple[str, str] | None:
    """(clause, rest) when ``text`` opens with its units' roles before the work itself:
    ``由X副市长负责,市发改委牵头,相关部门配合,尽快完成……``; None when its first phrase is
    not a role phrase, or no phrase names a unit that leads or answers for the work.

    >>> leading_units("由杨某副市长负责,市发改委牵头,相关部门配合,尽快完成实施方案。")
    ('由杨某副市长负责,市发改委牵头,相关部门配合', '尽快完成实施方案。')
    >>> leading_units("市发改委牵头制定实施方案,报市政府审定。") is None
    True
    """
    folded = fold(text)
    if folded.lstrip()[:1] in _LIST_SEPARATORS:
        return None  # 、市机关事务局分别牵头，…: the rest of a list a line break cut
    end = 0
    leads = False
    for match in re.finditer(r"[，,]", folded):
        if _depth_at(folded, match.start()) != 0:
            continue
        part = re.sub(r"^\s*由", "", folded[end: match.start()]).strip()
        role = _ROLE_END.search(part)
        if role is None or re.search(r"[。；;！？!?]", part):
            break  # ……设施。市住建局牵头: a sentence before the units is no role phrase
        names = split_unit_phrase(part[: role.start()])[0]
        if not names or not all(is_unit_name(n) or _PERSON_TITLE.search(n) for n in names):
            break
        if _ROLE_OF[role[1]] != "support" and not all(_PERSON_TITLE.search(n) for n in names):
            leads = True
        end = match.end()
    if not leads or not text[end:].strip():
        return None
    return text[: end - 1].strip(), text[end:].strip()


# 各牵头单位要按照“谁牵头、谁负责”: a sentence about units, not a list of them
_SENTENCE_WORDS = re.compile(r"[“”\"‘’《》\d%％]|要|应当|按照|将|把|确保|^到|建成")


def _is_deadline_phrase(part: str) -> bool:
    return bool(re.match(r"^(?:年内|全年|年底前|今年|本年|当年)", part)) or (
        "前完成" in part and bool(re.search(r"\d|底|季度", part)))


def read_clause(text: str) -> UnitClause:
    """Read a units clause (the inside of a closing parenthesis, or a block's clause line)."""
    clause = UnitClause()
    text = _FULL_STOP.sub("。", text)  # 负责落实.以下…: a PDF's half-width full stop
    folded = fold(text)
    labels = list(_LABEL.finditer(folded))
    if not labels:
        _read_roles(text, clause, default="responsible")
        return clause
    head = text[: labels[0].start()].strip(" ，,；;。")
    if head:
        _read_roles(head, clause, default="responsible")
    for index, match in enumerate(labels):
        end = labels[index + 1].start() if index + 1 < len(labels) else len(text)
        value = text[match.end():end].strip().strip("，,；;").strip()
        read_labelled(text[match.start(): match.end() - 1].strip(), LABELS.get(match[1]), value,
                      clause)
    return clause


def read_labelled(label: str, kind: str | None, value: str, clause: UnitClause) -> None:
    """Add one ``label：value`` (a key-value line, a labelled clause part, a table cell)."""
    clause.labels.append(label)
    if kind is None:
        clause.unknown_labels.append(label)
    elif kind == "people":
        clause.people.extend(n for n in re.split(r"[、，,；;\s]+", value.strip("。")) if n)
    elif kind == "deadline":
        clause.deadline = value.strip().rstrip("。")
    elif kind == "division":
        _read_roles(value, clause, default="responsible")
    else:
        _read_roles(value, clause, default=kind, labelled=True)


def _read_roles(text: str, clause: UnitClause, *, default: str, labelled: bool = False) -> None:
    """Role phrases: ``X牵头，Y、Z配合``, ``X、Y负责``, ``X、Y分别牵头``; parts without a
    role word take ``default`` (the label's role, or responsible)."""
    sentences = [s for s in _split_top(text, "。") if s.strip()]
    for index, sentence in enumerate(sentences):
        if index > 0 and _STATED_RULE.search(fold(sentence)):
            clause.stated_rule = sentence.strip()
            continue
        if index > 0 and _is_note(sentence):
            clause.notes.append(sentence.strip())
            continue
        if (note := _NOTE_IN_SENTENCE.search(fold(sentence))) is not None:
            # X牵头，Y按职责分工负责，以下各项工作均需要Y负责，不再单独列出: the note ends the list
            clause.notes.append(sentence[note.end():].strip())
            sentence = sentence[:note.start()]
        pending: list[str] = []
        for part in _split_top(sentence, "，,；;"):
            part = part.strip().strip(_TRAILING)
            if not part:
                continue
            part, _ = _strip_trailing_note(part, clause)
            if (inner := _RULE_IN_LIST.search(part)) and _STATED_RULE.search(fold(inner[0])):
                # 县发改局（首位单位为牵头单位，下同）、县财政局: the rule after the first unit
                clause.stated_rule = inner[0].strip("（()）")
                part = part[:inner.start()] + part[inner.end():]
            folded = fold(part)
            if _STATED_RULE.search(folded):
                clause.stated_rule = part
                continue
            if _SAME_BELOW.match(folded):
                continue
            if looks_like_deadline(part) or _is_deadline_phrase(folded):
                clause.deadline = clause.deadline or part  # the first date given is the due one
                continue
            role = _ROLE_END.search(folded)
            if role is None:
                pending.append(part)
                continue
            kind = _ROLE_OF[role[1]]
            names_text = part[: role.start()]
            _assign(pending + [names_text], kind, clause)
            pending = []
        if pending:
            if default == "responsible" and not labelled and clause.lead \
                    and not clause.responsible:
                # 市科技局牵头，市财政局 — the list after a lead, with no role word of its own.
                clause.unroled.extend(_names(pending, clause))
            else:
                _assign(pending, default, clause)


def _assign(texts: list[str], kind: str, clause: UnitClause) -> None:
    names: list[str] = []
    for text in texts:
        text, open_ended = _strip_open_tail(text)
        clause.open_ended = clause.open_ended or open_ended
        text = re.sub(r"^\s*由", "", text)  # 由市发改委牵头
        lead_part, _, support_part = fold(text).partition("会同")
        if support_part:
            # X会同Y负责: X leads the work, Y joins it (有关部门 is an open list, dropped).
            cut = len(lead_part)
            names.extend(_names([text[:cut]], clause))
            others = _names([text[cut + 2:]], clause)
            if kind in ("lead", "each", "responsible"):
                clause.support.extend(others)
            else:
                names.extend(others)
            continue
        names.extend(_names([text], clause))
    # X按职责分工负责落实、各区政府组织落实: a role inside the list is no part of a name
    names = [without_role_word(name) for name in names]
    target = {"lead": clause.lead, "each": clause.lead, "support": clause.support,
              "responsible": clause.responsible}[kind]
    if (marked := marked_leads(names)) is not None:  # ★市发改委、市财政局: the mark decides
        clause.lead.extend(marked[0])
        names = marked[1]
        if kind == "responsible":
            target = clause.support
    for name in names:
        if _PERSON_TITLE.search(fold(name)):
            # 分管副省长、协管副秘书长负责: officials answer for the work; they are no units
            clause.people.append(name)
            continue
        # 市发改委（牵头）、市财政局: the mark names the lead inside a list.
        marked = _LEAD_MARK.search(fold(name))
        if marked:
            clause.lead.append(name[: marked.start()].strip())
        else:
            target.append(name)


def _names(texts: list[str], clause: UnitClause) -> list[str]:
    names: list[str] = []
    for text in texts:
        found, open_ended, joined = split_unit_phrase(text)
        names.extend(found)
        clause.open_ended = clause.open_ended or open_ended
        clause.joined.extend(joined)
    return names


def _is_note(sentence: str) -> bool:
    folded = fold(sentence)
    if _NOTE_WORDS.search(folded):
        return True
    parts = [p.strip(_TRAILING) for p in _split_top(folded, "，,；;、") if p.strip(_TRAILING)]
    return not all(is_unit_name(_ROLE_END.sub("", p)) or looks_like_deadline(p)
                   for p in parts)


def _strip_trailing_note(part: str, clause: UnitClause) -> tuple[str, str | None]:
    """A parenthesis at the end of a unit list that is a rule or a note, not a name's own:
    ``工商联(列第一位者为牵头或汇总单位,下同)``."""
    stripped = part.rstrip()
    if not stripped or stripped[-1] not in _CLOSE:
        return part, None
    depth = 0
    for index in range(len(stripped) - 1, -1, -1):
        if stripped[index] in _CLOSE:
            depth += 1
        elif stripped[index] in _OPEN:
            depth -= 1
            if depth == 0:
                inner = stripped[index + 1:-1]
                folded = fold(inner)
                if _STATED_RULE.search(folded):
                    clause.stated_rule = inner
                    return stripped[:index], inner
                role = _ROLE_END.search(folded)
                if role is not None and role.start() == 0 and _ROLE_OF[role[1]] in (
                        "responsible", "support"):  # （牵头） marks one unit: see _LEAD_MARK
                    # 市发改委、市财政局（按职责分工负责）: the role of the whole list.
                    return stripped[:index] + role[1], inner
                if _NOTE_WORDS.search(folded) or re.search(r"[，,；;。]", inner):
                    clause.notes.append(inner)
                    return stripped[:index], inner
                return part, None
    return part, None


# 以下各项工作均需各县、区人民政府(管委会)落实，不再列出: units every later measure has
# how such a note says every later measure has them: 均需, 均由, 均涉及 …
_STANDING_VERB = r"(?:均需要|均需|均由|均涉及|均要求|均请|均应由)"
_STANDING = re.compile(rf"以下[^，,；;。]{{0,12}}?{_STANDING_VERB}(.+?)"
                       r"(?:负责)?(?:落实|参与|配合|实施)?[，,]\s*不再|^除[^，,]*外[，,]以下[^，,；;。]{0,12}?"
                       r"(?:均需|均由|均涉及)(.+?)[，,]\s*不再")


_NOTE_IN_SENTENCE = re.compile(rf"[，,；;]\s*(?=以下[^，,；;。]{{0,12}}?{_STANDING_VERB}[^。]*?[，,]\s*不再)")


def standing_units(note: str) -> list[str]:
    """The units a note says every later measure has, not listed again, or none.

    >>> standing_units("以下各项工作均需各县、区人民政府(管委会)落实,不再列出")
    ['各县、区人民政府(管委会)']
    >>> standing_units("除专门列出外,以下任务均涉及各市〔州〕、贵安新区数据管理部门,不再重复")
    ['各市〔州〕、贵安新区数据管理部门']
    """
    match = _STANDING.search(fold(note))
    if match is None:
        return []
    start, end = match.span(1) if match[1] is not None else match.span(2)
    names = split_unit_phrase(note[start:end])[0]
    return names if names and all(is_unit_name(n) for n in names) else []


def split_unit_phrase(phrase: str) -> tuple[list[str], bool, list[str]]:
    """Split a phrase naming units; returns (names, open_ended, phrases that may still join
    two units and could not be split safely).

    >>> split_unit_phrase("市委组织部、市人力资源和社会保障局，各区、县级市")
    (['市委组织部', '市人力资源和社会保障局', '各区、县级市'], False, [])
    >>> split_unit_phrase("能源局等省有关部门和各地级以上市人民政府")
    (['能源局', '各地级以上市人民政府'], True, [])
    >>> split_unit_phrase("市级各有关部门及各县市区政府")
    (['市级各有关部门', '各县市区政府'], False, [])
    >>> split_unit_phrase("省住建厅，各市、州、县人民政府")
    (['省住建厅', '各市、州、县人民政府'], False, [])
    >>> split_unit_phrase("省大数据局，各市〔州〕、贵安新区数据管理部门")
    (['省大数据局', '各市〔州〕、贵安新区数据管理部门'], False, [])
    >>> split_unit_phrase("行政审批处，各市、州、县市场监管局")
    (['行政审批处', '各市、州、县市场监管局'], False, [])
    """
    open_ended = False
    names: list[str] = []
    joined: list[str] = []
    for piece in _collectives(_split_top(phrase, _LIST_SEPARATORS)):
        for name in _split_joined(piece):
            name, tail = _strip_open_tail(name)
            open_ended = open_ended or tail
            name = name.strip().strip(_TRAILING).strip()
            if not name:
                continue
            if re.search(r"[\u4e00-\u9fff]\s+[\u4e00-\u9fff]|及", name):
                joined.append(name)
            names.append(name)
    return names, open_ended, joined


def _collectives(pieces: list[str]) -> list[str]:
    """Pieces with a bare level word after a 各… (有关…) collective joined back to it:
    各盟行政公署、市人民政府 is one collective."""
    out: list[str] = []
    for piece, separator in pieces_with_separators(pieces):
        text = piece.strip()
        if out and separator == "、" and (
                ((_LEVEL_WORD.match(fold(text)) or _SHARED_BODY.match(fold(text)))
                 and fold(out[-1]).lstrip().startswith(("各", "有关", "相关")))
                # 各市〔州〕、贵安新区数据管理部门: the bare divisions share the organ after them
                or (_BARE_COLLECTIVE.match(fold(out[-1]).strip())
                    and _SHARED_ORGAN.search(fold(text))
                    and not re.search(r"各|有关|相关", fold(text)))
                # 各市、州、县市场监管局: the divisions listed share the next one's organ
                or ("、" in out[-1] and _BARE_COLLECTIVE.match(fold(out[-1]).strip())
                    and re.match(DIVISION, fold(text)) and is_unit_name(text))):
            out[-1] = out[-1].rstrip() + "、" + text
        else:
            out.append(piece)
    return out


def pieces_with_separators(pieces: list[str]) -> list[tuple[str, str]]:
    """Pieces from :func:`_split_top` with the separator that came before each."""
    result = []
    for piece in pieces:
        if piece[:1] in _LIST_SEPARATORS and piece[:1]:
            result.append((piece[1:], piece[0]))
        else:
            result.append((piece, ""))
    return result


def _split_joined(name: str) -> list[str]:
    """``X及Y``, ``X和Y``, ``X Y`` split where both sides are units."""
    text = name.strip().strip(_TRAILING)
    folded = fold(text)
    for match in _JOINERS.finditer(folded):
        if _depth_at(folded, match.start()) != 0:
            continue
        left, right = text[: match.start()], text[match.end():]
        left_name = _strip_open_tail(left)[0].strip()
        if is_unit_name(left_name) and is_unit_name(_split_joined(right)[0]):
            return [left] + _split_joined(right)
    # 自治 区农牧厅, 发 展改革委: a PDF's line break left as a blank inside one name
    if _WRAP_BLANK.search(text) and is_unit_name(_WRAP_BLANK.sub("", text)):
        return [_WRAP_BLANK.sub("", text)]
    return [text]


_WRAP_BLANK = re.compile(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])")


def _depth_at(text: str, position: int) -> int:
    depth = 0
    for char in text[:position]:
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE:
            depth -= 1
    return depth


def _strip_open_tail(name: str) -> tuple[str, bool]:
    folded = fold(name.strip())
    match = _OPEN_TAIL.search(folded)
    if match is None or match.start() == 0:
        return name.strip(), False
    return name.strip()[: match.start()], True


def _split_top(text: str, separators: str) -> list[str]:
    """Split on ``separators`` outside parentheses (names carry their own); each piece after
    the first keeps its separator as its first character when the separator is a list one."""
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for char in text:
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE:
            depth = max(0, depth - 1)
        if char in separators and depth == 0:
            parts.append("".join(current))
            current = [char] if char in _LIST_SEPARATORS and separators == _LIST_SEPARATORS \
                else []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def decide_roles(clause: UnitClause, rule: RoleRule) -> tuple[list[str], list[str], bool]:
    """(lead, support, whether ``rule`` decided any role) for one measure's clause."""
    lead = list(clause.lead)
    support = list(clause.support)
    responsible = list(clause.responsible)
    used = False
    if responsible:
        if lead:
            support = responsible + support
        else:
            used = True
            if rule is RoleRule.FIRST_LEADS:
                lead, support = responsible[:1], responsible[1:] + support
            elif rule is RoleRule.ALL_LEAD:
                lead = responsible
            else:
                support = responsible + support
    support += clause.unroled
    return _unique(lead), [n for n in _unique(support) if n not in lead], used


def decide_roles_by_sentence(parts: list[UnitClause], rule: RoleRule
                             ) -> tuple[list[str], list[str], bool]:
    """:func:`decide_roles` for an item whose sentences each end with their own clause: each
    clause decides its own roles, and a unit leading any part leads the measure."""
    decided = [decide_roles(part, rule) for part in parts]
    lead = _unique([name for part in decided for name in part[0]])
    support = [name for name in _unique([n for part in decided for n in part[1]])
               if name not in lead]
    return lead, support, any(part[2] for part in decided)


def _unique(names: list[str]) -> list[str]:
    seen: set[str] = set()
    return [n for n in names if not (n in seen or seen.add(n))]  # type: ignore[func-returns-value]


def stated_rule(text: str) -> RoleRule | None:
    """The rule a document states in words, or None: 列第一位者为牵头单位 (first-leads);
    无牵头单位的，责任单位即为牵头单位 (every unit of a list with no lead leads: all-lead)."""
    folded = fold(text)
    if _STATED_ALL_LEAD.search(folded):
        return RoleRule.ALL_LEAD
    return RoleRule.FIRST_LEADS if _STATED_RULE.search(folded) else None


_STATED_ALL_LEAD = re.compile(r"无牵头单位的[，,]?\s*(?:其)?责任单位(?:即为|均为|为|即是)牵头单位")


def restore_prefix(names: list[str], known: set[str]) -> list[tuple[int, str]]:
    """Where a list shares its first unit's level prefix (省发展改革委、交通运输厅) and the
    document spells the full name elsewhere (省交通运输厅), the (index, full name) to use."""
    if not names:
        return []
    prefix = next((p for p in ("自治区", *LEVEL_PREFIXES) if fold(names[0]).startswith(p)), None)
    if prefix is None:
        return []
    # 省局网络交易监管处、执法稽查局 -> 省局执法稽查局; 市委宣传部、组织部 -> 市委组织部
    prefixes = (names[0].strip()[:2], prefix)
    restored = []
    for index, name in enumerate(names[1:], start=1):
        folded = fold(name)
        if folded.startswith(LEVEL_PREFIXES) or folded.startswith(("各", "国家", "中国", "自治区")):
            continue
        full = next((p + name for p in prefixes if p + name in known), None)
        if full is not None:
            restored.append((index, full))
    return restored
