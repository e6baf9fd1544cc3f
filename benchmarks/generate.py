"""Realistic multi-plan corpora for the benchmark: many cities, each with a plan shaped like
Fuzhou's (seven themes, about twenty tasks, about sixty measures), written in the same
extracted-text layout as the seed, so the whole pipeline is measured from documents.

The cities are China's real prefecture-level cities (from the registry's ``jurisdictions.csv``),
one plan each; a corpus larger than one plan per city adds each city's plans of later years.
Each plan's units are drawn from the registry's generic municipal units (市科技局 …, which are
that city's own and shared by its plans), its collectives (各县（市）区政府), and a few
provincial units (省市场监督管理局 …) that every plan of a province shares. Seeded: the same
arguments give the same files.

    python benchmarks/generate.py --measures 20000 -o /tmp/corpus
"""

from __future__ import annotations

import argparse
import csv
import random
from importlib import resources
from pathlib import Path

from ipplan.numerals import to_chinese_numeral

THEMES = ("推动高质量知识产权创造", "促进高效益知识产权运用", "强化高标准知识产权保护",
          "推进高效能知识产权管理", "提供高水平知识产权服务", "深化高层次知识产权合作",
          "培育高品质知识产权文化")
VERBS = ("加强", "完善", "推动", "健全", "支持", "培育", "建立", "深化", "优化", "开展")
OBJECTS = ("知识产权运营中心建设", "专利导航项目", "商标品牌培育", "地理标志保护", "行政执法协作",
           "公共服务平台", "人才培养基地", "质押融资服务", "海外维权机制", "信用监管体系")
DEADLINES = ("2022年12月", "2023年6月", "2023年12月", "2024年6月", "2025年6月", "2025年6月",
             "2025年6月", "长期坚持")
PROVINCIAL = ("省市场监督管理局", "省知识产权保护中心", "省高级人民法院")


def registry_units() -> tuple[list[str], list[str]]:
    """Generic municipal unit names and collectives from the packaged registry."""
    text = resources.files("ipplan.graph").joinpath("units.csv").read_text("utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    municipal = [r["name"] for r in rows if r["name"].startswith("市") and r["collective"] == "no"]
    collective = [r["name"] for r in rows if r["collective"] == "yes"]
    return municipal, collective


def cities() -> list[str]:
    """China's prefecture-level cities (名 …市), in the registry's order: by province."""
    text = resources.files("ipplan.graph").joinpath("jurisdictions.csv").read_text("utf-8")
    return [r["name"] for r in csv.DictReader(text.splitlines())
            if r["level"] == "prefecture" and r["name"].endswith("市")]


def plan_titles(count: int) -> list[str]:
    """The titles of ``count`` plans: every city's first plan, then every city's plan of the
    next three-year period, and so on (about 300 plans per round: 100,000 measures is six)."""
    names = cities()
    titles = []
    for index in range(count):
        city, period = names[index % len(names)], index // len(names)
        years = "" if period == 0 else f"（{2022 + 3 * period}—{2024 + 3 * period}年）"
        titles.append(f"{city}知识产权强市建设工作方案{years}重点任务分解表")
    return titles


def plan_text(title: str, measures: int, rng: random.Random) -> str:
    """One city's plan in the seed's extracted-text layout."""
    municipal, collective = registry_units()
    own = rng.sample(municipal, k=min(len(municipal), rng.randint(18, 30)))
    lines = ["附件1", "", f"\t{title}", "",
             "\t重点任务", "\t具体内容", "\t牵头单位", "\t责任单位", "\t完成时限", ""]
    tasks = max(7, round(measures / 2.7))
    per_theme = [tasks // 7 + (1 if i < tasks % 7 else 0) for i in range(7)]
    counts = [1] * tasks
    for _ in range(measures - tasks):
        counts[rng.randrange(tasks)] += 1
    task_no = 0
    for theme_index, theme_tasks in enumerate(per_theme, start=1):
        title = THEMES[theme_index - 1] + "，" + rng.choice(("着力打造创新高地", "深度融合产业发展"))
        lines += [f"\t{to_chinese_numeral(theme_index)}、{title}", "", f"{to_chinese_numeral(theme_index)}、{title}", ""]
        for _ in range(theme_tasks):
            task_no += 1
            task_title = f"{rng.choice(VERBS)}{rng.choice(OBJECTS)}。"
            for index in range(counts[task_no - 1]):
                lead = rng.sample(own, k=rng.choice((1, 1, 1, 2)))
                support = rng.sample([u for u in own if u not in lead], k=rng.randint(0, 4))
                if rng.random() < 0.3:
                    support.append(rng.choice(PROVINCIAL))
                if rng.random() < 0.8:
                    support.append(collective[0])
                text = (f"{rng.choice(VERBS)}{rng.choice(OBJECTS)}，{rng.choice(VERBS)}"
                        f"{rng.choice(OBJECTS)}，第{task_no}项第{index + 1}条。")
                head = [f"\t{task_no}.{task_title}"] if index == 0 else ["\t", "\t"]
                lines += head + [f"\t{text}", "\t" + "、".join(lead),
                                 "\t" + "、".join(support), f"\t{rng.choice(DEADLINES)}", ""]
    return "\n".join(lines) + "\n"


def generate(folder: Path, measures: int, *, per_plan: int = 60, seed: int = 7) -> list[Path]:
    """Write plans totalling about ``measures`` measures into ``folder``; returns the files."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    plans = max(1, round(measures / per_plan))
    paths = []
    for index, title in enumerate(plan_titles(plans)):
        size = measures // plans + (1 if index < measures % plans else 0)
        path = folder / f"plan-{index:04d}.txt"
        path.write_text(plan_text(title, max(size, 8), rng), "utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measures", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args()
    paths = generate(args.output, args.measures, seed=args.seed)
    print(f"{len(paths)} plans, about {args.measures} measures, in {args.output}")


if __name__ == "__main__":
    main()
