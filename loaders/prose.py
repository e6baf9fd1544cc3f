"""Plans written as text with their units beside each item: the item structure.

The layouts offices publish::

    一、完善政策体系                                          <- theme
    （一）加强政策供给                                        <- task
    1. 修订资助办法。（市市场监管局牵头，市财政局配合，2022年12月底前完成）
    2. 建立协作机制。(责任领导:王某某;牵头单位:区发改局;责任单位:区财政局)
    3. 开展专项行动。
    牵头单位：市公安局                                        <- key-value lines, any order
    责任单位：市检察院、市法院
    （1）…  （2）…
    (责任单位:市直各有关单位、各县(市、区)人民政府)            <- a clause for the whole block

and a web table flattened to one cell per line (``1 |`` / ``坚持服务… |`` / ``叶林 |`` …).

Nothing fixes which numbering means theme, task or measure. The reader first reads every line
(one pass): numbered items (:mod:`.numbering`) with the units they name (:mod:`.roles`),
key-value lines, clause lines, paragraphs. The items that name units are the measures; their
numbering style is the measure level, and the styles ranked above it (一、 over （一） over 1.)
are themes and tasks. A heading that holds no measure (基本原则, 发展目标), or an item at the
measure level that names no unit (1.目标。…), is not a measure: each is a warning with its
line. Where a theme has no task level, each measure is its own task; a list with no heading
above its measures (a 政府工作报告 task list) has no themes.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from itertools import islice
from dataclasses import dataclass, field

from ipplan.errors import NotATableError
from ipplan.model import UNSPLIT_UNITS_WARNING, LoadWarning, Location

from .assemble import PlanBuilder
from .deadlines import deadline_in_text
from .numbering import STYLE_RANK, Numbered, numbered
from .roles import (
    DEFAULT_RULE,
    LEVEL_PREFIXES,
    DEFAULT_RULE_SOURCE,
    RoleRule,
    UnitClause,
    closing_clause,
    decide_roles,
    decide_roles_by_sentence,
    ends_with_role_word,
    inline_labels,
    is_organ_name,
    is_unit_name,
    key_value,
    leading_units,
    read_clause,
    read_labelled,
    restore_prefix,
    standing_units,
    stated_rule,
    trailing_units_sentence,
)
from .script import fold
from .units import CLOSE, OPEN

_CELL_LINE = re.compile(r"^(.*?)\s*[|｜]\s*$")
_CELL_TEXT_COLUMNS = ("重点工作", "具体内容", "工作措施", "具体措施", "主要内容", "工作内容", "任务内容",
                      "具体举措", "工作任务", "重点任务", "主要任务", "任务", "工作事项", "目标任务")
_CELL_NUMBER_COLUMNS = ("序号", "编号")


@dataclass
class _Item:
    line: int
    number: Numbered
    body: str
    clause: UnitClause | None = None
    clause_lines: list[int] = field(default_factory=list)
    placements: set[str] = field(default_factory=set)  # where its units were named
    task_title: str | None = None  # a table's task cell (blank: the task of the row above)
    incomplete: int = 0  # a table row with only this many cells (the document ends)
    # an item whose sentences each end with their own units clause: one clause per sentence
    sentence_clauses: list[UnitClause] = field(default_factory=list)
    standing: list[str] = field(default_factory=list)  # units a note above gives every measure
    collects: bool = False  # a unit's name as the heading: the paragraphs below are its duties

    @property
    def names_units(self) -> bool:
        if self.clause is None:
            return False
        # （一）动员部署阶段（2022年1月）: a dated stage of the schedule, no measure
        return self.clause.names_units or (
            bool(self.clause.deadline) and not self.body.rstrip().endswith("阶段"))

    def add(self, clause: UnitClause, line: int) -> None:
        if self.clause is None:
            self.clause = UnitClause()
        self.clause.merge(clause)
        self.clause_lines.append(line)


@dataclass
class ProseReading:
    """What the reader recognised in a text plan, for ``ipplan inspect`` and the loader."""

    layout: str
    numbering: list[tuple[str, str, int, int]]  # (style, read as, items, first line)
    labels: dict[str, int]  # label as printed -> times matched
    placements: dict[str, int]  # where units were named -> measures
    role_rule: str  # the rule's value
    role_rule_source: str  # "stated at line N: …", "--roles", "ipplan's default"
    ruled_measures: int  # measures whose roles the rule decided
    skipped: list[tuple[int, str]]  # (line, why)
    preamble: list[str]  # the document's lines before the body, blanks kept
    after: list[str]  # lines after the last item (signature, date)
    body_start: int  # 1-based line of the first heading or measure read
    # a page given as one line: the words before its first item (notice title, number,
    # addressees), one per blank-separated piece, where its heading is
    page_head: list[str] = field(default_factory=list)


def read_prose(text: str, file: str, builder: PlanBuilder, *,
               roles: RoleRule | None = None) -> ProseReading:
    """Feed a text plan to ``builder``; ``roles`` forces a role rule over the document's.
    Raises :class:`NotATableError` naming what was found when no item names its units."""
    lines = text.splitlines()
    # 責(zé)任單位: a mirror that prints each character's pinyin after it; the readings are
    # debris, never part of a label, a unit or a measure
    cleaned = [_PINYIN.subn("", line) for line in lines]
    if readings := sum(count for _, count in cleaned):
        lines = [line for line, _ in cleaned]
        builder.notes.append(LoadWarning(Location(file), (
            f"{readings} pinyin reading(s) printed after characters (責(zé)任) removed")))
    cells = _cell_items(lines)
    reader = _Reader(lines, file)
    if cells is not None:
        reader.items = cells
        reader.layout()
        layout = "cell lines (a table flattened to one cell per line, ending in |)"
    else:
        reader.read()
        layout = reader.layout()
    return reader.emit(builder, roles, layout)


class _Reader:
    def __init__(self, lines: list[str], file: str) -> None:
        self.lines = lines
        self.file = file
        self.items: list[_Item] = []
        self.paragraphs: list[int] = []  # lines of unnumbered text
        self.stray_clauses: list[tuple[int, str]] = []
        self.placements: Counter[str] = Counter()
        self.unknown_labels: list[tuple[int, str]] = []
        self.page_head: tuple[int, str] | None = None  # (line, text before its first item)

    def read(self) -> None:
        """One pass over the lines: items, their clauses and key-value lines, paragraphs."""
        item: _Item | None = None
        wrapped: list[int] = []  # plain lines since an item that named nothing yet
        awaiting: tuple[str, str] | None = None  # a label whose value is on the next line
        block: list[_Item] = []  # unit-less items above that the item's label lines also name
        lines = _unwrapped_unit_lines(_separated_numbers(self.lines))
        seen: dict[str, int] = {}  # the last number read in each numbering style
        lead_in: str | None = None  # a paragraph ending in ：that introduces the items below
        for index, whole in enumerate(lines, start=1):
            # a web page's text may run several items together on one line
            pieces = _run_on_items(whole, seen)
            if len(whole) >= _ONE_LINE_PAGE and len(pieces) > 1 and self.page_head is None \
                    and numbered(pieces[0].strip().lstrip("\ufeff")) is None:
                self.page_head = (index, pieces[0])
            for raw in pieces:
                line = raw.strip().lstrip("\ufeff")
                if not line:
                    continue
                found = numbered(line)
                if found is None:
                    found = _dash_target(line, seen.get(DASH, 0) + 1)
                if found is not None:
                    if found.style != DASH:
                        lead_in = None
                    seen[found.style] = found.number
                    item = _Item(index, found, found.body)
                    wrapped, block = [], []
                    # （市科技局牵头）（2023年底前）: a deadline may have a parenthesis of its own.
                    closing: list[UnitClause] = []
                    for _ in range(3):
                        split = closing_clause(item.body)
                        if split is None:
                            break
                        item.body = split[0]
                        closing.append(read_clause(split[1]))
                        item.add(closing[-1], index)
                        item.placements.add("closing parenthesis")
                    item.body, inside = _interior_clauses(item.body)
                    if inside and closing:
                        # …环境。（市场监管总局负责）加强…。（体育总局、教育部负责）: each sentence
                        # names the units of its own work
                        item.sentence_clauses = [read_clause(c) for c in inside] + closing
                        for clause in item.sentence_clauses[:len(inside)]:
                            item.add(clause, index)
                    if item.clause is None and (inline := inline_labels(item.body)) is not None:
                        item.body = inline[0]
                        item.add(read_clause(inline[1]), index)
                        item.placements.add("labels after the text")
                    if item.clause is None and not _goes_on(item.body, lines, index) \
                            and (sentence := trailing_units_sentence(item.body)) is not None:
                        # ……。由县农业农村局牵头，县商务局配合。: the units in a last sentence
                        item.body = sentence[0]
                        item.add(read_clause(sentence[1]), index)
                        item.placements.add("a sentence after the text")
                    if item.clause is None and (opening := leading_units(item.body)) is not None:
                        # 由市发改委牵头，市财政局配合，制定……: the roles before the work
                        item.body = opening[1]
                        item.add(read_clause(opening[0]), index)
                        item.placements.add("role sentence before the text")
                    if item.clause is None and _unit_heading(item.body):
                        # 四、职责分工 ⏎ (一)区建管委 ⏎ 牵头协调…: the unit is the heading, its
                        # duties the paragraphs below
                        item.add(UnitClause(lead=[item.body.strip()]), index)
                        item.placements.add("a unit's name as the heading")
                        item.collects = True
                    if found.style == DASH and item.clause is not None \
                            and not item.clause.deadline and lead_in is not None:
                        # 到2018年底,全市主要经济指标如下: ⏎ ——…: the lead-in dates its list
                        item.clause.deadline = _due_in_lead_in(lead_in) or ""
                    self.items.append(item)
                    continue
                # 主办单位：国家知识产权局  版权所有 is the site's footer, not a lead label
                pair = None if _SITE_FOOTER.search(line) else key_value(line)
                if pair is not None and item is not None and item.clause is None \
                        and _unclosed(item.body + self._wrapped_text(wrapped)):
                    # ……。(牵头单位:X; ⏎ 配合单位:Y、Z) : a PDF wrapped the item's clause, and
                    # its next label opens a line; the clause goes on
                    pair = None
                if pair is not None and pair[1] is None and item is not None \
                        and item.clause is None and (tail := closing_clause(line)) is not None \
                        and read_clause(tail[1]).names_units:
                    # 主要预期目标：…（省发展改革委牵头，…）: the item's text goes on under a
                    # label of its own and ends with the item's units
                    pair = None
                if awaiting is not None and pair is None and item is not None \
                        and closing_clause(line) is None:
                    # 牵头单位： on a line of its own, its value on the next line.
                    clause = UnitClause()
                    read_labelled(awaiting[0], awaiting[1], line, clause)
                    item.add(clause, index)
                    self._name_block(block, clause, index)
                    awaiting = None
                    continue
                awaiting = None
                if pair is not None and pair[1] is None and item is not None \
                        and item.clause is None and awaiting is None:
                    # 百个大空间：…… under a heading whose units come at the end of its text: the
                    # item's text goes on under a label of its own
                    pair = None
                if pair is not None and item is not None and (pair[1] is not None
                                                              or len(pair[0]) <= 6):
                    if not pair[2] and pair[1] in ("lead", "support", "responsible", "deadline",
                                                   "division", "people"):
                        awaiting = (pair[0], pair[1])
                    label, kind, value = pair
                    clause = UnitClause()
                    if kind is None:
                        read_labelled(label, kind, value, clause)
                        self.unknown_labels.append((index, label))
                    else:
                        clause = read_clause(line)  # 牵头单位：X；责任单位：Y on one line
                        if not clause.labels:  # 牵 头 单 位：X
                            clause = UnitClause()
                            read_labelled(label, kind, value, clause)
                    if wrapped and item.clause is None and kind is not None:
                        # The item's text wrapped onto the lines above its first label.
                        item.body = item.body + self._wrapped_text(wrapped)
                        del self.paragraphs[len(self.paragraphs) - len(wrapped):]
                    if item.clause is None and not wrapped and kind in _UNIT_KINDS:
                        block = self._unit_less_above(item)
                    item.add(clause, index)
                    self._name_block(block, clause, index)
                    if kind in _UNIT_KINDS:
                        item.placements.add("key-value lines")
                    wrapped = []
                    continue
                split = closing_clause(line)
                if split is not None and not split[0].strip() and line[:1] in "（([〔【":
                    if item is not None and item.clause is None and wrapped:
                        # （一）…工程 ⏎ its paragraphs ⏎ （责任单位：…）: the paragraphs are the
                        # item's text, the clause line its units
                        # a blank line between heading and paragraph is a paragraph break
                        gap = " " if wrapped[0] > item.line + 1 else ""
                        item.body = item.body + gap + self._wrapped_text(wrapped)
                        del self.paragraphs[len(self.paragraphs) - len(wrapped):]
                    self._block_clause(index, read_clause(split[1]), split[1])
                    wrapped = []
                    continue
                if item is not None and item.collects and pair is None and split is None:
                    item.body = f"{item.body} {line}"
                    continue
                if item is not None and split is not None and _paragraph_measure(
                        item, self._wrapped_text(wrapped), line, split,
                        lambda: self._a_heading_style(item, seen)):
                    # 一、加快转型升级 ⏎ 坚持调优调强…。 ⏎ 突出工业主体地位。…。(市经信委牵头…): a
                    # paragraph of its own that ends with its units is a measure, unnumbered
                    seen[PARAGRAPH] = seen.get(PARAGRAPH, 0) + 1
                    item = _Item(index, Numbered(PARAGRAPH, seen[PARAGRAPH], "", split[0]), split[0])
                    item.add(read_clause(split[1]), index)
                    item.placements.add("closing parenthesis")
                    self.items.append(item)
                    wrapped, block = [], []
                    continue
                joined = None
                if item is not None and item.clause is None and len(wrapped) < _WRAPPED_LINES \
                        and line.rstrip().rstrip("。；;.，, ")[-1:] in _CLAUSE_CLOSE:
                    # The item's text wrapped onto this line, which ends with its units clause
                    # (itself perhaps wrapped: a PDF's text breaks lines anywhere).
                    joined = closing_clause(item.body + self._wrapped_text(wrapped) + line)
                if joined is not None and (continued := read_clause(joined[1])).names_units:
                    item.body, inside = _interior_clauses(joined[0])
                    if inside:
                        item.sentence_clauses = [read_clause(c) for c in inside] + [continued]
                        for clause in item.sentence_clauses[:-1]:
                            item.add(clause, index)
                    item.add(continued, index)
                    item.placements.add("closing parenthesis")
                    del self.paragraphs[len(self.paragraphs) - len(wrapped):]  # the latest ones
                    wrapped = []
                    continue
                if item is not None and item.clause is None and len(wrapped) < _WRAPPED_LINES \
                        and line.rstrip()[-1:] in "。；;" and (sentence := trailing_units_sentence(
                            item.body + self._wrapped_text(wrapped) + line)) is not None:
                    # ……规划。 ⏎ 市规划和自然资源局牵头,市发展改革委配合。: a PDF's lines, the
                    # units in a last sentence that may itself be wrapped
                    item.body = sentence[0]
                    item.add(read_clause(sentence[1]), index)
                    item.placements.add("a sentence after the text")
                    del self.paragraphs[len(self.paragraphs) - len(wrapped):]
                    wrapped = []
                    continue
                if item is not None and item.clause is None and not wrapped \
                        and _ends_a_title_or_sentence(item.body) \
                        and (opening := leading_units(line)) is not None:
                    # 1、……事宜 ⏎ 由X副市长负责,市发改委牵头,相关部门配合,尽快……: the item's
                    # title, then its text opening with the units' roles
                    item.body = f"{item.body} {opening[1]}"
                    item.add(read_clause(opening[0]), index)
                    item.placements.add("role sentence before the text")
                    continue
                self.paragraphs.append(index)
                lead_in = line if line.rstrip().endswith((":", "：")) else None
                if item is not None and item.clause is None:
                    wrapped.append(index)

    def _a_heading_style(self, item: _Item, styles: Iterable[str]) -> bool:
        """Whether ``item`` (the last read) is of the document's outermost numbering style
        (``styles``: those read so far) and the items before it of that style were all
        headings (none named units): 三、 after 一、 and 二、 that each held paragraphs of
        their own. Asked only for a paragraph that may be a measure, and it stops at the
        first earlier item of the style that names units, so reading stays linear."""
        rank = STYLE_RANK[item.number.style]
        if any(STYLE_RANK[style] < rank for style in styles):
            return False
        before = False
        for other in islice(self.items, len(self.items) - 1):
            if other.number.style == item.number.style:
                if other.names_units:
                    return False
                before = True
        return before

    def _wrapped_text(self, wrapped: list[int]) -> str:
        """The text of the lines an item's text wrapped over, without the page numbers a
        PDF's text leaves between them (— 2 —)."""
        return "".join(self.lines[n - 1].strip() for n in wrapped
                       if not _PAGE_NUMBER.match(self.lines[n - 1].strip()))

    def _unit_less_above(self, item: _Item) -> list[_Item]:
        """The items just above ``item``, of its numbering style, that name nothing: a
        label line after a block of items (1完善… 2推进… 3培育… then 责任单位：…) names
        the units of them all."""
        block: list[_Item] = []
        for above in islice(reversed(self.items), 1, None):  # no copy: a document's items
            if above.clause is not None or above.number.style != item.number.style:
                break
            block.append(above)
        return block

    def _name_block(self, block: list[_Item], clause: UnitClause, index: int) -> None:
        for above in block:
            copy = UnitClause()
            copy.merge(clause)
            above.add(copy, index)
            above.placements.add("key-value lines after a block")

    def _block_clause(self, index: int, clause: UnitClause, text: str) -> None:
        """A clause on a line of its own names the units of the unit-less items just above
        it, back to the first item of another numbering style (a wrapped clause: one item)."""
        block: list[_Item] = []
        for item in reversed(self.items):
            if item.names_units or (block and item.number.style != block[0].number.style):
                break
            block.append(item)
        if not block:
            self.stray_clauses.append((index, text))
            return
        for item in block:
            copy = UnitClause()
            copy.merge(clause)
            item.add(copy, index)
            item.placements.add("clause line after a block" if len(block) > 1
                                else "clause on the next line")

    def layout(self) -> str:
        for item in self.items:
            self.placements.update(item.placements)
        if not self.placements:
            return "prose"
        main = self.placements.most_common(1)[0][0]
        return {"closing parenthesis": "prose: numbered items, units in a closing parenthesis",
                "key-value lines": "prose: numbered items, units in key-value lines under each",
                "labels after the text": "prose: numbered items, units in labels after the text",
                "role sentence before the text": "prose: numbered items, units in a role "
                                                 "sentence opening the text",
                }.get(main, f"prose: numbered items, units in a {main}")

    # -- structure -----------------------------------------------------------------------

    def _heading_clauses(self) -> None:
        """一、扩大有效投资政策（由县发改局牵头实施）: a heading's units clause names the units of
        every item under it when none of them names its own. Only a heading that reads as
        a title (short, no sentence in it): a measure's clause above its own sub-points
        stays the measure's."""
        for index, item in enumerate(self.items):
            if not item.names_units or len(item.body) > 30 or re.search(r"[。；;]", item.body):
                continue
            rank = STYLE_RANK[item.number.style]
            under = []
            for other in self.items[index + 1:]:
                if STYLE_RANK[other.number.style] <= rank:
                    break
                under.append(other)
            if not under or any(other.clause is not None for other in under):
                continue
            assert item.clause is not None
            for other in under:
                copy = UnitClause()
                copy.merge(item.clause)
                other.add(copy, item.line)
                other.placements = {"a heading's clause, for the items under it"}
            item.clause, item.clause_lines, item.placements = None, [], set()

    def _run_clauses(self) -> None:
        """1．…。 2．…。 3．…。（X牵头，Y负责）: one clause ending the last item of a run of items
        of one style, where none before it in the run names units, names the units of them
        all (as a clause line after a block does)."""
        for index, item in enumerate(self.items):
            if not item.names_units or item.clause is None:
                continue
            following = self.items[index + 1] if index + 1 < len(self.items) else None
            rank = STYLE_RANK[item.number.style]
            if following is not None and STYLE_RANK[following.number.style] >= rank:
                continue  # not the last of its run
            run = []
            for above in reversed(self.items[:index]):
                if above.number.style != item.number.style:
                    if STYLE_RANK[above.number.style] >= rank:
                        run = []  # a deeper item inside the run: not a plain run
                    break
                run.append(above)
            if not run or any(above.clause is not None for above in run):
                continue
            for above in run:
                copy = UnitClause()
                copy.merge(item.clause)
                above.add(copy, item.line)
                above.placements.add("a clause ending the last item of a run")

    def emit(self, builder: PlanBuilder, roles: RoleRule | None, layout: str) -> ProseReading:
        self._heading_clauses()
        self._run_clauses()
        measures = [item for item in self.items if item.names_units]
        if not measures:
            raise NotATableError(self._refusal(), where=self.file)
        styles = Counter(item.number.style for item in measures)
        measure_style = styles.most_common(1)[0][0]
        measure_rank = STYLE_RANK[measure_style]
        heading_styles = sorted({item.number.style for item in self.items
                                 if not item.names_units
                                 and STYLE_RANK[item.number.style] < measure_rank},
                                key=STYLE_RANK.__getitem__)
        theme_style = heading_styles[0] if heading_styles else None
        task_style = heading_styles[-1] if len(heading_styles) > 1 else None
        holds = self._holds_measures(heading_styles)

        rule, source = self._role_rule(roles)
        known = {name for item in measures for name in _all_names(item.clause)}
        standing: list[str] = []  # 以下各项工作均需…落实，不再列出: from the next measure on
        for item in self.items:
            item.standing = list(standing)
            for note in item.clause.notes if item.clause is not None else ():
                if named := standing_units(note):
                    standing = named
                    builder.notes.append(LoadWarning(Location(self.file, item.line), (
                        f"{'、'.join(named)} read as support of every later measure that does "
                        f"not name it: the note says so ({_clip(note, 60)!r})")))
        first = next(i for i, item in enumerate(self.items)
                     if item.names_units or holds.get(i))
        body_start = self.items[first].line
        builder.flat = theme_style is None
        skipped: list[tuple[int, str]] = []
        ruled: list[int] = []
        task_open = False  # a task heading of the current theme holds the next measures
        table_task, table_tasks = None, 0  # a table's task column: its current cell, tasks
        for index, item in enumerate(self.items):
            location = Location(self.file, item.line)
            style = item.number.style
            if item.names_units:
                if item.task_title is None and style == theme_style:
                    # 二、保障措施（责任单位：…）: a theme-level item that names its units is a
                    # theme of its own, with the item as its task and measure
                    printed = closing_clause(item.number.body)  # its line, not its paragraphs
                    heading = printed[0] if printed is not None else item.number.body
                    builder.theme(item.number.number, _task_title(heading), location)
                    task_open = False
                if item.task_title is not None:
                    if item.task_title != table_task:
                        table_task = item.task_title
                        table_tasks += 1
                        builder.task(table_tasks, table_task, location)
                elif not task_open:
                    builder.task(item.number.number, _task_title(item.body), location)
                self._measure(item, rule, known, builder, ruled)
            elif holds.get(index):
                if style == theme_style:
                    builder.theme(item.number.number, item.body, location)
                    task_open = False
                elif style == task_style:
                    builder.task(item.number.number, item.body, location)
                    task_open = True
                else:
                    builder.notes.append(LoadWarning(
                        location, f"heading {item.number.label} between task and measure "
                                  f"levels kept in no record: {_clip(item.body)!r}"))
            elif item.incomplete:
                why = f"the table's last row has {item.incomplete} cell(s), fewer than its header"
                skipped.append((item.line, why))
                builder.skipped(location, f"{why} (cut off?); row skipped")
            else:
                why = ("heading holds no measure" if style in heading_styles
                       else "numbered item names no unit")
                if index < first:
                    why = "numbered line before the plan's first measure (a notice, aims)"
                skipped.append((item.line, why))
                builder.skipped(location, f"{why}; not read as a measure: "
                                          f"{item.number.label}{_clip(item.body)!r}")
        # the body ends with the last item, or with the last clause line naming its units
        last = max([self.items[-1].line if self.items else 0]
                   + [line for item in self.items for line in item.clause_lines]
                   + [line for line, _ in self.stray_clauses])
        body_paragraphs = [n for n in self.paragraphs if body_start < n < last]
        if body_paragraphs:
            shown = ", ".join(map(str, body_paragraphs[:8])) + (
                ", …" if len(body_paragraphs) > 8 else "")
            builder.warnings.append(LoadWarning(
                Location(self.file, body_paragraphs[0]),
                f"{len(body_paragraphs)} paragraph(s) outside numbered items skipped "
                f"(lines {shown})"))
            skipped.extend((n, "paragraph outside numbered items") for n in body_paragraphs)
        for line, text in self.stray_clauses:
            builder.skipped(Location(self.file, line),
                            f"units clause with no item above it to name: {_clip(text)!r}")
            skipped.append((line, "units clause with no item above it"))
        for line, label in self.unknown_labels:
            builder.notes.append(LoadWarning(Location(self.file, line),
                                             f"label {label}： is not one ipplan reads; skipped"))
        if ruled and not source.startswith("stated"):
            builder.warnings.append(LoadWarning(
                Location(self.file, ruled[0]),
                f"role rule: {len(ruled)} measure(s) name their units in one list with no "
                f"牵头 marker; read by {source}: {rule.value}, {rule.describe}"
                + ("; choose another with --roles" if source.startswith("ipplan") else "")))
        elif ruled:
            builder.notes.append(LoadWarning(
                Location(self.file, ruled[0]),
                f"role rule {source} ({rule.value}) applied to {len(ruled)} measure(s)"))
        numbering = []
        for style in sorted({i.number.style for i in self.items}, key=STYLE_RANK.__getitem__):
            of_style = [i for i in self.items if i.number.style == style]
            role = ("measure" if style == measure_style else "theme" if style == theme_style
                    else "task" if style == task_style
                    else "heading" if style in heading_styles else "not read")
            numbering.append((style, role, len(of_style), of_style[0].line))
        labels: Counter[str] = Counter()
        for item in self.items:
            if item.clause is not None:
                labels.update(item.clause.labels)
        after_start = max([last] + [line for item in self.items
                                    for line in item.clause_lines])
        return ProseReading(
            layout=layout, numbering=numbering, labels=dict(sorted(labels.items())),
            placements=dict(self.placements), role_rule=rule.value, role_rule_source=source,
            ruled_measures=len(ruled), skipped=sorted(skipped),
            preamble=self.lines[: body_start - 1], after=self.lines[after_start:],
            body_start=body_start,
            page_head=(re.split(r"\s+", self.page_head[1].strip())
                       if self.page_head and self.page_head[0] == body_start else []))

    def _holds_measures(self, heading_styles: list[str]) -> dict[int, bool]:
        """For each heading-style item: whether a measure comes after it before the next
        heading of its rank or above (one backward pass)."""
        ranks = sorted({STYLE_RANK[s] for s in heading_styles})
        measure_seen_since = {rank: False for rank in ranks}
        holds: dict[int, bool] = {}
        for index in range(len(self.items) - 1, -1, -1):
            item = self.items[index]
            if item.names_units:
                for rank in ranks:
                    measure_seen_since[rank] = True
                continue
            rank = STYLE_RANK[item.number.style]
            if item.number.style not in heading_styles:
                continue
            holds[index] = measure_seen_since[rank]
            for other in ranks:
                if other >= rank:
                    measure_seen_since[other] = False
        return holds

    def _role_rule(self, forced: RoleRule | None) -> tuple[RoleRule, str]:
        for item in self.items:
            if item.clause is not None and item.clause.stated_rule:
                found = stated_rule(item.clause.stated_rule)
                line = item.clause_lines[0] if item.clause_lines else item.line
                statement = f"stated at line {line}: “{item.clause.stated_rule}”"
                if forced is not None and found is not None and forced is not found:
                    return forced, f"--roles {forced.value} (over the rule {statement})"
                if found is not None:
                    return found, statement
        # …请各单位（责任单位中排序第一单位为牵头单位）按照职责… in the notice above the plan
        first = min((item.line for item in self.items if item.names_units), default=0)
        # the notice's own paragraphs and its numbered requirements (一、…各牵头单位（无牵头单位的，
        # 责任单位即为牵头单位，下同）要…) alike
        notice = sorted({*self.paragraphs, *(item.line for item in self.items)})
        for number in notice:
            if number >= first:
                break
            line = self.lines[number - 1]
            if (found := stated_rule(line)) is not None:
                rule_text = _stated_rule_text(line)
                statement = f"stated at line {number}: “{rule_text}”"
                if forced is not None and forced is not found:
                    return forced, f"--roles {forced.value} (over the rule {statement})"
                return found, statement
        if forced is not None:
            return forced, f"--roles {forced.value}"
        return DEFAULT_RULE, DEFAULT_RULE_SOURCE

    def _measure(self, item: _Item, rule: RoleRule, known: set[str], builder: PlanBuilder,
                 ruled: list[int]) -> None:
        clause = item.clause
        assert clause is not None
        location = Location(self.file, item.line)
        for part in [clause] + item.sentence_clauses:
            for name in ("lead", "support", "responsible"):
                names = getattr(part, name)
                for position, full in restore_prefix(names, known):
                    if part is clause:
                        builder.notes.append(LoadWarning(location, (
                            f"{full} read for {names[position]}: the list shares the prefix of "
                            f"{names[0]} and the document spells {full} in full")))
                    names[position] = full
        lead, support, used = decide_roles_by_sentence(item.sentence_clauses, rule) \
            if item.sentence_clauses else decide_roles(clause, rule)
        if used:
            ruled.append(item.line)
        support += [name for name in item.standing if name not in lead and name not in support]
        for phrase in clause.joined:
            builder.skipped(location, f"{UNSPLIT_UNITS_WARNING} (及, 和 or a space) and "
                                      f"could not be split safely; kept as one: {phrase!r}")
        if clause.unroled:
            builder.skipped(location, "units without a role (牵头/配合/负责) in the clause: "
                                      f"{'、'.join(clause.unroled)}; read as support")
        deadline = clause.deadline
        if not deadline and (stated := deadline_in_text(item.body)) is not None:
            # ……。2020年底前全面建成…: the measure's own text says when it is due
            deadline = stated
            builder.notes.append(LoadWarning(location, (
                f"deadline {stated!r} read from the measure's text (no deadline clause)")))
        builder.measure(item.body, lead, support, deadline, location,
                        contacts=tuple(clause.people), open_ended=clause.open_ended,
                        deadline_expected=False)

    def _refusal(self) -> str:
        """What was looked for and what was found instead, so that the user can act on it."""
        items = len(self.items)
        labels = sum(1 for line in self.lines if (pair := key_value(line.strip())) is not None
                     and pair[1] in ("lead", "support", "responsible"))
        found = (f"found {items} numbered item(s)" if items else "found no numbered items "
                 "(一、 （一） 1. （1） ① 第一条)")
        if labels and not items:
            found += f" and {labels} unit label line(s) (牵头单位：…) with no numbered item above"
        elif items:
            found += ", none followed by a units clause or a 牵头单位：/责任单位： line"
        words = [n for n, line in enumerate(self.lines, start=1)
                 if re.search(r"牵头|负责|责任单位|配合单位", fold(line))]
        if words and not labels:
            found += (f"; 牵头/负责/责任单位 occur in {len(words)} line(s) (first at line "
                      f"{words[0]}), but inside sentences, not in a closing parenthesis or a "
                      "label line")
        return ("not a task table: no header row naming the measure and lead-unit columns "
                "(具体内容, 牵头单位, …), and no numbered items naming their units "
                f"(……（市科技局牵头，…）or 牵头单位：…); {found}")


def units_clause(text: str) -> tuple[str, str | None]:
    """Split an item into (text, units clause) when it ends with a parenthesis naming units
    or a deadline; otherwise (text, None).

    >>> units_clause("修订资助办法。（市市场监管局牵头，市财政局配合，2022年12月底前完成）")
    ('修订资助办法。', '市市场监管局牵头，市财政局配合，2022年12月底前完成')
    """
    split = closing_clause(text)
    return (text, None) if split is None else split


def _all_names(clause: UnitClause | None) -> list[str]:
    if clause is None:
        return []
    return clause.lead + clause.support + clause.responsible + clause.unroled


def _cell_items(lines: list[str]) -> list[_Item] | None:
    """A table given as text: one cell per line (``text |``), or one row per line with its
    cells between ``|`` or tabs. Its rows as items, or None when the document is not so."""
    filled = [raw for raw in lines if raw.strip()]
    cells = [(index, match[1].strip()) for index, raw in enumerate(lines, start=1)
             if raw.strip() and (match := _CELL_LINE.match(raw.strip()))
             and "|" not in match[1] and "｜" not in match[1]]
    if len(cells) >= 6 and len(cells) >= len(filled) * 0.6:
        header: list[str] = []
        for _, text in cells:
            if _column_name(text) is not None:
                header.append(text)
            elif header:
                break
        if len(header) < 2:
            return None
        start = next(i for i, (_, text) in enumerate(cells) if text == header[-1]) + 1
        rows = [cells[offset: offset + len(header)]
                for offset in range(start, len(cells), len(header))]
        return _table_items(header, rows)
    split_rows = [(index, _split_row(raw)) for index, raw in enumerate(lines, start=1)]
    split_rows = [(index, row) for index, row in split_rows if row is not None]
    for position, (index, row) in enumerate(split_rows):
        if sum(_column_name(cell) is not None for cell in row) >= 2:
            width = len(row)
            rows = [[(line, cell) for cell in cells] for line, cells in split_rows[position + 1:]
                    if len(cells) == width and not all(set(c) <= set("-:： ") for c in cells)]
            if len(rows) >= 2:
                return _table_items(row, rows)
            return None
    return _bare_cell_items([(index, raw.strip()) for index, raw in enumerate(lines, start=1)
                             if raw.strip()])


def _bare_cell_items(filled: list[tuple[int, str]]) -> list[_Item] | None:
    """A table copied from a web page one cell per line with nothing to mark the cells:
    a run of header names (序号 / 重点任务 / 牵头单位 / 完成时限), then rows of as many lines,
    each starting with its number. None unless every line after the header fits."""
    for position in range(len(filled)):
        width = 0
        while position + width < len(filled) and _column_name(filled[position + width][1]):
            width += 1
        if width < 3:
            continue
        header = [text for _, text in filled[position: position + width]]
        kinds = [_column_name(text) for text in header]
        body = filled[position + width:]
        if "text" not in kinds or not body or len(body) % width:
            return None
        rows = [body[offset: offset + width] for offset in range(0, len(body), width)]
        if "number" in kinds and not all(row[kinds.index("number")][1].isdigit()
                                         for row in rows):
            return None
        return _table_items(header, rows)
    return None


def _split_row(raw: str) -> list[str] | None:
    line = raw.strip()
    for separator in ("|", "｜", "\t"):
        if line.count(separator) >= 2 or (separator != "\t" and line.count(separator) >= 1
                                          and line.startswith(separator)):
            cells = [c.strip() for c in line.strip(separator).split(separator)]
            return cells if len(cells) >= 3 else None
    return None


def _column_name(text: str) -> str | None:
    """What a table's header cell names: number, text, or a label kind; None otherwise."""
    name = re.sub(r"\s+", "", fold(text))
    if name in _CELL_NUMBER_COLUMNS:
        return "number"
    if name in _CELL_TEXT_COLUMNS:
        return "text"
    pair = key_value(name + "：")
    return pair[1] if pair is not None else None


def _table_items(header: list[str], rows: list[list[tuple[int, str]]]) -> list[_Item] | None:
    """Table rows as items: the text column is the measure, the label columns its clause."""
    kinds = [_column_name(h) for h in header]
    if "text" not in kinds:
        return None
    # With two text columns (重点任务 | 具体措施) the right one is the measure, the left its task.
    text_columns = [i for i, kind in enumerate(kinds) if kind == "text"]
    text_column = text_columns[-1]
    task_column = text_columns[0] if len(text_columns) > 1 else None
    items: list[_Item] = []
    task_title = ""
    for row in rows:
        if len(row) < len(header):
            # The cells end before the row does (cut off?): reported, not dropped.
            items.append(_Item(row[0][0], Numbered("序号", len(items) + 1, "", ""), "",
                               incomplete=len(row)))
            continue
        number_text = row[kinds.index("number")][1] if "number" in kinds else ""
        number = int(number_text) if number_text.isdigit() else len(items) + 1
        body = re.sub(r"(?<=[\u4e00-\u9fff，、“”])\s+(?=[\u4e00-\u9fff，、“”])", "",
                      row[text_column][1])
        if not body:
            continue
        item = _Item(row[0][0], Numbered("序号", number, number_text or str(number), body), body)
        if task_column is not None:
            task_title = row[task_column][1] or task_title
            item.task_title = task_title
        clause = UnitClause()
        for column, (_, value) in enumerate(row):
            if kinds[column] in ("text", "number", None) or not value:
                continue
            read_labelled(header[column].strip(), kinds[column], value, clause)
        item.add(clause, row[0][0])
        item.placements.add("table cells")
        items.append(item)
    return items


_UNIT_KINDS = ("lead", "support", "responsible", "division")
# 1完善产业发展规划: an item number with no separator after it (a measure word after a
# number, 10亿元, 3个, is a quantity, not an item)
_BARE_NUMBER = re.compile(r"^(\s*)(\d{1,2})(?=[\u4e00-\u9fff])(?![年月日号个万亿元项家条次名人所座千百天周批类倍])")


_PAGE_NUMBER = re.compile(r"^[—\-－–―]\s*\d{1,3}\s*[—\-－–―]$")


def _goes_on(body: str, lines: list[str], index: int) -> bool:
    """Whether an item's text stops mid-sentence and its next line goes on with it (a PDF's
    line breaks: ``……设施。市住建局`` ⏎ ``、市机关事务局分别牵头，……。``)."""
    if body.rstrip()[-1:] in "。；;.!！?？)）" or index >= len(lines):
        return False
    following = lines[index].strip()
    return bool(following) and numbered(following) is None


PARAGRAPH = "¶"
_PINYIN = re.compile(r"(?<=[\u4e00-\u9fff])\((?:[a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*)+\)")


def _paragraph_measure(item: _Item, wrapped: str, line: str, split: tuple[str, str],
                       under_heading: Callable[[], bool]) -> bool:
    """Whether ``line`` (``split`` into its text and closing clause) is a measure of its
    own although it has no number: a paragraph of sentences ending with its units clause,
    after an item that already named its units, after a paragraph that ended a sentence,
    or right under a heading of a style whose items so far were all headings (never the
    wrapped rest of the item above, nor the labelled sub-paragraphs of one: 万个微基建：…)."""
    if not re.search(r"[。；;]", split[0].rstrip("。；; ")) \
            or key_value(line.strip()) is not None or not read_clause(split[1]).names_units:
        return False
    if item.clause is not None:
        return item.clause.names_units
    if not wrapped.strip():
        return under_heading()
    return wrapped.rstrip()[-1] in "。；;"


def _unit_heading(body: str) -> bool:
    """Whether an item's whole text is one unit's name (区建管委, 各建设单位): a heading
    that names who does the duties below it."""
    text = body.strip()
    return 2 < len(text) <= 20 and not re.search(r"[。，,；;：:、（）()\s]", text) \
        and is_unit_name(text) and fold(text).startswith(("各", *LEVEL_PREFIXES, "自治区", "旗")) \
        and (fold(text).startswith("各") or is_organ_name(text))  # 科学规划布局 is no unit


def _ends_a_title_or_sentence(body: str) -> bool:
    """Whether an item's first line is complete: a title (no sentence in it) or text that
    ends a sentence; not a line a PDF broke mid-sentence."""
    text = body.rstrip()
    return text[-1:] in "。；;.!！?？" or not re.search(r"[。；;，,]", text)


def _unclosed(text: str) -> bool:
    """Whether ``text`` ends inside a bracket it opened (a clause wrapped onto later lines)."""
    depth = 0
    for char in text:
        if char in OPEN:
            depth += 1
        elif char in CLOSE and depth:
            depth -= 1
    return depth > 0


DASH = "——"
_DASH_LINE = re.compile(r"^(?:——|－－|--|—)\s*(?=\S)")
# 到2018年底,全市主要经济指标如下: the date a lead-in gives the list it introduces
_LEAD_IN_DUE = re.compile(r"(?:到|至)\s*((?:19|20)\d{2}\s*年\s*(?:\d{1,2}\s*月\s*)?(?:底|末))")


def _dash_target(line: str, number: int) -> Numbered | None:
    """A dash line that names its units, ``——地区生产总值增长7.5%;(牵头部门:市发改委)``, as
    an item numbered ``number``; None for any other line (a dash sub-heading names none)."""
    match = _DASH_LINE.match(line)
    if match is None:
        return None
    body = line[match.end():].strip()
    split = closing_clause(body)
    if split is None or not read_clause(split[1]).names_units:
        return None
    return Numbered(DASH, number, DASH, body)


def _due_in_lead_in(text: str) -> str | None:
    """The completion date a list's lead-in gives (``到2018年底``, ``2020年底前``), or None."""
    if (match := _LEAD_IN_DUE.search(text)) is not None:
        return match[1]
    return deadline_in_text(text)


def _separated_numbers(lines: list[str]) -> list[str]:
    """The lines with item numbers that lack their separator (1完善… 2推进…) given one,
    when the document's bare numbers run 1, 2, 3… without a gap (three at least): a
    quantity at the start of a line does not."""
    found = [(index, match) for index, line in enumerate(lines)
             if (match := _BARE_NUMBER.match(line))]
    if len(found) < 3 or [int(m[2]) for _, m in found] != list(range(1, len(found) + 1)):
        return lines
    out = list(lines)
    for index, match in found:
        out[index] = f"{match[1]}{match[2]}.{lines[index][match.end():]}"
    return out
_LIST_END = ("、", "，", ",")
_SITE_FOOTER = re.compile(r"版权所有|ICP备|网站标识码|公网安备|技术支持[:：]|Copyright|©", re.I)
_CLAUSE_END = re.compile(r"[)）\]】〕]")
_CLAUSE_CLOSE = ")）]】〕"
_ITEM_CUT_IN_PAGE = re.compile(
    r"(?:(?<=[。.．)）\]】〕])\s*|(?<=\S)\s+)(?=[（(]?[\d一二三四五六七八九十]+[)）.．、。﹒]|[①-⑳])")
_ONE_LINE_PAGE = 600  # characters: a line this long is a whole page's text
# What follows the plan on such a page: 相关附件: …, 分享到:, 【打印本页】
_PAGE_DEBRIS = re.compile(r"\s+(?:相关附件|分享到|【打印|【关闭|扫一扫|打印本页|关闭窗口|"
                          r"(?:选择)?阅读字号|字号[:：]\s*[\[【]?\s*大)")
# How many lines an item's text may wrap over before its units clause (a PDF's narrow lines).
_WRAPPED_LINES = 10
# Where an item may start inside a line: after a sentence's end or a clause's bracket.
_ITEM_CUT = re.compile(r"(?<=[。.．)）\]】〕])\s*(?=[（(]?[\d一二三四五六七八九十]+[)）.．、。﹒]|[①-⑳])")


def _interior_clauses(text: str) -> tuple[str, list[str]]:
    """The units clauses inside an item's text, each right after a sentence it answers for
    (``…准入环境。（市场监管总局负责）加强…``), and the text without them."""
    clauses: list[str] = []
    kept: list[str] = []
    start = 0
    for end in _CLAUSE_END.finditer(text):
        if end.end() >= len(text.rstrip()) or end.start() < start:
            continue
        split = closing_clause(text[start:end.end()])
        if split is None or not split[0].rstrip().endswith(("。", "；", ";", ".", "．")):
            continue
        if not read_clause(split[1]).names_units:
            continue
        kept.append(split[0])
        clauses.append(split[1])
        start = end.end()
    if not clauses:
        return text, []
    return "".join(kept) + text[start:], clauses


def _run_on_items(line: str, seen: dict[str, int]) -> list[str]:
    """The items of a line that holds several, as a web page's or a PDF's text runs them
    together: ``（一）…。（省发改委负责）（二）…`` or ``…转型。 1.制定…``. A line is cut before an item
    number that follows a sentence's end or a units clause and goes on a numbering of the
    document (the next number of its style, or a 1 opening one); ``seen`` holds the last
    number of each style read so far. Numbers after ：or ； (sub-points of one measure) stay."""
    text = line.strip().lstrip("\ufeff")
    numbers = dict(seen)
    current = numbered(text)
    if current is not None:
        numbers[current.style] = current.number
    parts: list[str] = []
    start = 0
    style = current.style if current is not None else None
    # a page delivered as one long line separates its paragraphs by blanks only
    cuts = _ITEM_CUT if len(text) < _ONE_LINE_PAGE else _ITEM_CUT_IN_PAGE
    tail = ""
    if cuts is _ITEM_CUT_IN_PAGE and (debris := _PAGE_DEBRIS.search(text)):
        text, tail = text[:debris.start()], text[debris.start():].strip()
    for cut in cuts.finditer(text):
        following = numbered(text[cut.end():])
        if following is None or cut.start() <= start:
            continue
        head = text[start:cut.start()]
        clause = closing_clause(head) if head.rstrip()[-1:] in _CLAUSE_CLOSE else None
        if head.rstrip()[-1:] in _CLAUSE_CLOSE and clause is None \
                and not (cuts is _ITEM_CUT_IN_PAGE and cut.group()):
            continue  # （TISC）2. …: a bracket that names no units does not end an item
        outer = clause is not None and style is not None \
            and STYLE_RANK.get(following.style, 9) < STYLE_RANK.get(style, 9)
        if following.number not in (1, numbers.get(following.style, 0) + 1) and not outer:
            continue
        parts.append(head)
        numbers[following.style] = following.number
        style = following.style
        start = cut.end()
    if not parts and not tail:
        return [line]
    parts.append(text[start:])
    return parts + ([tail] if tail else [])


def _unwrapped_unit_lines(lines: list[str]) -> list[str]:
    """The lines with a unit label's value that wrapped onto the next line (text from a PDF:
    ``协办单位：区委编办、园区党工`` then ``委、各街道党工委``) joined back to it; the line it
    came from is left blank, so every other line keeps its number."""
    out = list(lines)
    for index in range(len(out) - 1):
        pair = key_value(out[index].strip())
        if pair is None or pair[1] not in _UNIT_KINDS or not pair[2]:
            continue
        following = index + 1
        while True:
            # a PDF's text may leave a blank line inside the wrapped list (区 ⏎ ⏎ 商务局)
            while following < len(out) and not out[following].strip() \
                    and out[index].rstrip().endswith(_LIST_END + ("区", "市", "县", "省")):
                following += 1
            if following >= len(out) or not _continues(out[index].strip(),
                                                       out[following].strip()):
                break
            out[index] = out[index].rstrip() + out[following].strip()
            out[following] = ""
            following += 1
    return out


def _continues(line: str, after: str) -> bool:
    """Whether ``after`` is the rest of the unit list ``line`` ends with: a short line that
    is no item, label or sentence, after a list that ends in a separator or in a name that
    only the next line's first words complete (园区党工 + 委)."""
    if not after or len(after) > 40 or re.search(r"[。；;：:]", after) or numbered(after) \
            or after[:1] in "（([〔【":
        return False
    if line.endswith(_LIST_END):
        return True
    last = re.split(r"[、，,；;：:]", line)[-1].strip()
    first = re.split(r"[、，,]", after)[0].strip()
    if after == first and len(after) <= 2 and ends_with_role_word(last + first) \
            and not ends_with_role_word(last):
        return True  # 市供销社配 + 合: a role word broken by the line's end
    if not last or not is_unit_name(last + first):
        return False
    # 各街道办 + 事处: a name that reads as one already, completed by a stub too short to be
    # a unit of its own after a list that does not end in a separator
    return not is_unit_name(last) or (after == first and len(after) <= 3)


def _stated_rule_text(line: str) -> str:
    """The words of a rule stated in a paragraph: its parenthesis or its clause."""
    for part in re.split(r"[（()）。；;，,]", line):
        if stated_rule(part) is not None:
            return part.strip()
    return _clip(line.strip(), 60)


def _task_title(text: str) -> str:
    """A task made of one item is titled by its first sentence."""
    first = re.split(r"(?<=[。；;])", text, maxsplit=1)[0]
    return first.strip()


def _clip(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
