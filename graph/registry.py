"""The unit registry: canonical names, aliases, English names, kinds and collective flags.

The registry is a CSV file that ships with the package (``units.csv`` beside this module) and
that an office can extend with its own file (``--registry FILE`` or ``IPPLAN_REGISTRY``). Names
of municipal units are generic: "市科技局" means the science bureau of whichever city's plan
names it, so a registry row applies to every jurisdiction unless it names one, and English
names carry a ``{city}`` placeholder filled from ``jurisdictions.csv`` (``{province}`` is the
province of that jurisdiction).

A name that starts with 省 means the same thing in every city of a province: 省市场监督管理局 in
Fuzhou's plan and in Xiamen's is Fujian's one bureau. Such a unit belongs to the province of
the plan's jurisdiction, when ``jurisdictions.csv`` knows it, so the province's plans share it.

>>> registry = Registry.load()
>>> unit = registry.resolve("各县（市）区人民政府", "福州市")
>>> unit.name, unit.collective, unit.kind
('各县（市）区政府', True, 'district-collective')
>>> registry.resolve("市科技局", "福州市").name_en
'Fuzhou Municipal Bureau of Science and Technology'
>>> unit = registry.resolve("省市场监管局", "厦门市")
>>> unit.name, unit.jurisdiction, unit.name_en
('省市场监督管理局', '福建省', 'Fujian Provincial Administration for Market Regulation')
"""

from __future__ import annotations

import csv
import io
import os
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ipplan.errors import InputError

from .vocab import UNIT_KINDS

REGISTRY_COLUMNS = ("name", "aliases", "name_en", "kind", "collective", "jurisdiction")
_YES = {"yes", "y", "true", "1", "是"}
_NO = {"no", "n", "false", "0", "否", ""}

# Full-width forms are how Chinese documents write brackets; half-width ones are the same name.
_BRACKETS = str.maketrans({"(": "（", ")": "）", "[": "【", "]": "】"})


def normalize_unit_name(name: str) -> str:
    """The form a unit name is compared and identified by: blanks removed, brackets
    full-width, other full-width letters and digits folded (ＡＢＣ -> ABC).

    >>> normalize_unit_name(" 市委宣传部(版权局) ")
    '市委宣传部（版权局）'
    """
    folded = unicodedata.normalize("NFKC", name)
    return re.sub(r"\s+", "", folded).translate(_BRACKETS)


@dataclass(frozen=True)
class UnitEntry:
    """One row of the registry."""

    name: str
    aliases: tuple[str, ...]
    name_en: str
    kind: str
    collective: bool
    jurisdiction: str | None


@dataclass(frozen=True)
class Jurisdiction:
    """One row of ``jurisdictions.csv``."""

    name: str
    name_en: str
    level: str  # province, autonomous-region, municipality, sar or prefecture
    province: str | None  # the provincial-level division a prefecture belongs to


@dataclass(frozen=True)
class ResolvedUnit:
    """A unit as named in one jurisdiction's plan, looked up in the registry."""

    name: str  # canonical Chinese name
    name_en: str  # "" when the unit is not registered
    kind: str  # a key of UNIT_KINDS
    collective: bool
    registered: bool
    jurisdiction: str  # the plan's, or its province's for a provincial unit


# Kind guesses for units missing from the registry, tried in order on the normalised name.
_GUESSES: tuple[tuple[str, str], ...] = (
    (r"^(各|其他|其它|相关|有关|市直各|省直各|省直有关)|.各(有关|相关)?(部门|单位|部委)$|成员单位$",
     "collective"),
    (r"海关$", "customs"),
    (r"(法院|检察院|中院)$", "judicial"),
    (r"(管委会|管理委员会|开发区|高新区|园区)$", "development-zone"),
    (r"(大学|学院|学校)$", "university"),
    (r"(银行|支行|分行|保险|证券|人行)", "financial-institution"),
    (r"(工会|团市委|共青团|妇联|科协|工商联|侨联|文联|残联)", "mass-organisation"),
    (r"^(市委|区委|县委|省委)|(纪委|监委)", "party-organ"),
    (r"^省", "provincial-department"),
    (r"(局|委|办|厅|署|中心)$|^市", "municipal-department"),
)


# What a department's name means depends on the plan's level: in the State Council's plan an
# unprefixed 商务部 or 海关总署 is a ministry, in a district's plan 区发改局 or 经济发展局 is the
# district's own department, in a province's plan 商务厅 is the province's.
_DEPARTMENT = r"(部|总署|总局|署|委|局|办|厅|会|中心|室|站|所|队)$"
_LEVEL_GUESSES: dict[str, tuple[tuple[str, str], ...]] = {
    "national": ((rf"^(?!省|市|区|县|各).*{_DEPARTMENT}", "national-department"),),
    "province": ((rf"^(?!市|区|县|各).*{_DEPARTMENT}", "provincial-department"),),
    **dict.fromkeys(("district", "county", "special-zone"),
                    ((rf"^(区|县)(?!委).*{_DEPARTMENT}", "district-department"),
                     (rf"^(?!省|市|区|县|各).*{_DEPARTMENT}", "district-department"))),
}
# Kinds that the name decides whatever the level (a court, customs, a bank, a party organ).
_ANY_LEVEL = frozenset({"collective", "customs", "judicial", "development-zone", "university",
                        "financial-institution", "mass-organisation", "party-organ"})


def guess_kind(name: str, level: str | None = None) -> tuple[str, bool]:
    """(kind, collective) guessed from a unit's name, for units the registry lacks;
    ``level`` is the plan's (national, province, prefecture, district, county,
    special-zone).

    >>> guess_kind("厦门海关")
    ('customs', False)
    >>> guess_kind("各乡镇政府")
    ('district-collective', True)
    >>> guess_kind("区发改局", "district"), guess_kind("商务部", "national")
    (('district-department', False), ('national-department', False))
    """
    for pattern, kind in _GUESSES:
        if kind not in _ANY_LEVEL:
            break
        if re.search(pattern, name):
            if kind == "collective":
                return _collective_kind(name), True
            return kind, False
    for pattern, kind in _LEVEL_GUESSES.get(level or "", ()):
        if re.search(pattern, name):
            return kind, False
    for pattern, kind in _GUESSES:
        if re.search(pattern, name):
            if kind == "collective":
                district = re.search(r"(县|区|乡|镇|街道).*(政府|管委会)?$", name)
                return ("district-collective" if district else "other"), True
            return kind, False
    return "other", False


def _collective_kind(name: str) -> str:
    """The kind of a collective: the departments of a district, a county or the State Council
    (区直各部门, 国务院各部门) are that level's departments; the governments of the districts, counties, towns or
    streets below are a district collective."""
    if re.search(r"(部门|单位|部委|机构)$", name):
        for prefix, kind in (("国务院", "national-department"), ("区直", "district-department"),
                             ("县直", "district-department")):
            if name.startswith(prefix):
                return kind
        return "other"
    district = re.search(r"(县|区|乡|镇|街道).*(政府|管委会)?$", name)
    return "district-collective" if district else "other"


class Registry:
    """Units and jurisdictions, looked up by any spelling."""

    def __init__(self, entries: list[UnitEntry], jurisdictions: dict[str, Jurisdiction]):
        self.entries = entries
        self.jurisdictions = jurisdictions  # by Chinese name
        self._by_name: dict[tuple[str, str | None], UnitEntry] = {}
        for entry in entries:
            for spelling in (entry.name, *entry.aliases):
                self._by_name[(normalize_unit_name(spelling), entry.jurisdiction)] = entry

    @classmethod
    def load(cls, extra: list[str | Path] | None = None) -> Registry:
        """The packaged registry, then each extra file (and ``IPPLAN_REGISTRY``) on top; a
        later row for the same name replaces the earlier one."""
        packaged = resources.files(__package__)
        entries = _read_units(packaged.joinpath("units.csv").read_text("utf-8"), "units.csv")
        jurisdictions = _read_jurisdictions(
            packaged.joinpath("jurisdictions.csv").read_text("utf-8"))
        paths = [Path(p) for p in (extra or [])]
        if os.environ.get("IPPLAN_REGISTRY"):
            paths += [Path(p) for p in os.environ["IPPLAN_REGISTRY"].split(os.pathsep) if p]
        for path in paths:
            try:
                text = path.read_text("utf-8-sig")
            except (OSError, UnicodeDecodeError) as exc:
                raise InputError(f"cannot read the unit registry ({exc})", where=path) from None
            entries += _read_units(text, str(path))
        return cls(entries, jurisdictions)

    def jurisdiction_en(self, jurisdiction: str) -> str | None:
        """A place's English name: ``jurisdictions.csv``'s, else its pinyin (立山区 -> Lishan
        District, 桐乡市 -> Tongxiang), so that no English name keeps Chinese in it."""
        known = self.jurisdictions.get(jurisdiction)
        return known.name_en if known else romanised_place(jurisdiction)

    def province_of(self, jurisdiction: str) -> str | None:
        """The provincial-level division ``jurisdiction`` lies in, if known."""
        known = self.jurisdictions.get(jurisdiction)
        return known.province if known else None

    def home_of(self, name: str, jurisdiction: str) -> str:
        """The jurisdiction a unit so named in ``jurisdiction``'s plan belongs to: the plan's
        own, except that a provincial unit (省…) belongs to the plan's province."""
        if normalize_unit_name(name).startswith("省"):
            return self.province_of(jurisdiction) or jurisdiction
        return jurisdiction

    def province_unknown(self, name: str, jurisdiction: str) -> bool:
        """Whether ``name`` is a provincial unit (省…) that ``jurisdiction``'s plan has to keep
        as its own because the province of ``jurisdiction`` is not known (a county, or a place
        ``jurisdictions.csv`` does not list); a provincial-level plan's 省 units are its own.

        >>> registry = Registry.load()
        >>> registry.province_unknown("省市场监管局", "闽侯县")
        True
        >>> [registry.province_unknown("省市场监管局", place) for place in ("福州市", "福建省")]
        [False, False]
        """
        if not normalize_unit_name(name).startswith("省"):
            return False
        known = self.jurisdictions.get(jurisdiction)
        return known is None or (known.level == "prefecture" and known.province is None)

    def lookup(self, name: str, jurisdiction: str) -> UnitEntry | None:
        key = normalize_unit_name(name)
        return self._by_name.get((key, jurisdiction)) or self._by_name.get((key, None))

    def resolve(self, name: str, jurisdiction: str, level: str | None = None) -> ResolvedUnit:
        """The unit that ``name`` (as a document spells it) means in ``jurisdiction``'s plan;
        ``level`` (the plan's) decides the kind of a department the registry lacks."""
        home = self.home_of(name, jurisdiction)
        entry = self.lookup(name, home)
        if entry is None:
            kind, collective = guess_kind(normalize_unit_name(name), level)
            return ResolvedUnit(normalize_unit_name(name), "", kind, collective, False, home)
        city = self.jurisdiction_en(home)
        province = self.province_of(home)
        province_en = self.jurisdiction_en(province) if province else city
        english = entry.name_en.replace("{city}", city or "").replace(
            "{province}", province_en or "")
        if ("{city}" in entry.name_en and not city) or (
                "{province}" in entry.name_en and not province_en):
            english = ""  # no English name for the place: none rather than one with Chinese
        return ResolvedUnit(entry.name, english, entry.kind, entry.collective, True, home)


# Places ipplan names without pinyin, and the English for each level word a place ends in.
_PLACE_NAMES_EN = {"国务院": "State Council", "未知": "Unknown Jurisdiction"}
_LEVEL_WORDS_EN = (("特别行政区", " SAR"), ("自治区", " Autonomous Region"),
                   ("自治州", " Autonomous Prefecture"), ("自治县", " Autonomous County"),
                   ("综合实验区", " Comprehensive Pilot Zone"),
                   ("经济开发区", " Economic Development Zone"), ("开发区", " Development Zone"),
                   ("新区", " New Area"), ("地区", " Prefecture"), ("省", ""), ("市", ""),
                   ("区", " District"), ("县", " County"), ("旗", " Banner"), ("盟", " League"),
                   ("州", " Prefecture"))


def romanised_place(name: str) -> str | None:
    """A place's name in pinyin with its level in English, or None when it is not Chinese
    (or pypinyin, the `names` extra, is not installed).

    >>> romanised_place("立山区"), romanised_place("咸安区"), romanised_place("桐乡市")
    ('Lishan District', "Xian'an District", 'Tongxiang')
    """
    if name in _PLACE_NAMES_EN:
        return _PLACE_NAMES_EN[name]
    level = ""
    for word, english in _LEVEL_WORDS_EN:
        if name.endswith(word) and len(name) > len(word):
            name, level = name[: -len(word)], english
            break
    if not re.fullmatch(r"[\u4e00-\u9fff]+", name):
        return None
    try:
        # Optional (the `names` extra) and heavy: its dictionaries load on first use.
        from pypinyin import lazy_pinyin
    except ImportError:
        return None
    syllables = lazy_pinyin(name, errors="ignore")
    if not syllables:
        return None
    # Xi'an: an apostrophe where a syllable starting with a vowel would run into the one before.
    text = syllables[0] + "".join(("'" if s[0] in "aoe" else "") + s for s in syllables[1:])
    return text.capitalize() + level


def _read_units(text: str, where: str) -> list[UnitEntry]:
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in REGISTRY_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(f"the unit registry lacks the columns {', '.join(missing)} "
                         f"(expected {','.join(REGISTRY_COLUMNS)})", where=where)
    entries = []
    for row_number, row in enumerate(reader, start=2):
        name = (row["name"] or "").strip()
        kind = (row["kind"] or "").strip()
        flag = (row["collective"] or "").strip().lower()
        problem = None
        if not name:
            problem = "the name is empty"
        elif kind not in UNIT_KINDS:
            problem = f"unknown kind {kind!r} (one of: {', '.join(UNIT_KINDS)})"
        elif flag not in _YES | _NO:
            problem = f"collective must be yes or no, not {flag!r}"
        if problem:
            raise InputError(problem, where=f"{where}, row {row_number}")
        aliases = tuple(a.strip() for a in (row["aliases"] or "").split("|") if a.strip())
        entries.append(UnitEntry(
            name=name, aliases=aliases, name_en=(row["name_en"] or "").strip(), kind=kind,
            collective=flag in _YES, jurisdiction=(row["jurisdiction"] or "").strip() or None))
    return entries


def _read_jurisdictions(text: str) -> dict[str, Jurisdiction]:
    places = {}
    for row in csv.DictReader(io.StringIO(text)):
        name = (row.get("name") or "").strip()
        if name:
            places[name] = Jurisdiction(name, (row["name_en"] or "").strip(),
                                        (row["level"] or "").strip(),
                                        (row["province"] or "").strip() or None)
    return places
