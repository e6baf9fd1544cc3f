"""How well ipplan reads real documents, against tables typed by reading them.

A corpus folder holds documents (``NAME.txt``, ``NAME.html``, ``NAME.docx``, …), each with
``NAME.expected.tsv`` beside it, typed by hand from the document, never produced by ipplan::

    seq  number  text_start  lead  support  deadline

one row per measure in document order: ``text_start`` is the first characters of the
measure's text after its number, ``lead`` and ``support`` list units separated by `` | ``,
and ``deadline`` is ``YYYY-MM``, ``recurring``, ``ongoing`` or ``none``. A measure is
exactly right when its text starts so, its lead and support sets are the table's and its
deadline reads the same. The tests hold the project's corpora to these tables; the same
check runs on any folder of that form, such as a held-out set kept outside the project::

    python3 tests/real_corpus.py FOLDER [FOLDER ...]
"""

from __future__ import annotations

import csv
import re
import sys
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TABLE_SUFFIX = ".expected.tsv"
# How far into the measure's text its start may be found: a loader may keep the item's
# own number (1. / （三） / ①) at the front.
_START_SLACK = 8


@dataclass(frozen=True)
class ExpectedMeasure:
    seq: int
    number: str
    text_start: str
    lead: frozenset[str]
    support: frozenset[str]
    deadline: str


@dataclass
class DocumentScore:
    document: Path
    expected: int
    read: int = 0
    exact: int = 0
    refused: str | None = None
    mismatches: list[str] = field(default_factory=list)


def documents(folder: Path) -> Iterator[tuple[Path, Path]]:
    """Each document of ``folder`` with its expected table, in name order."""
    for table in sorted(folder.glob(f"*{TABLE_SUFFIX}")):
        stem = table.name[: -len(TABLE_SUFFIX)]
        found = [p for p in sorted(folder.glob(f"{stem}.*"))
                 if p != table and p.suffix not in (".tsv", ".md", ".py")]
        if len(found) != 1:
            raise FileNotFoundError(f"{table}: expected one document named {stem}.*, "
                                    f"found {[p.name for p in found]}")
        yield found[0], table


def _units(cell: str) -> frozenset[str]:
    return frozenset(u.strip() for u in cell.split(" | ") if u.strip())


def read_expected(table: Path) -> list[ExpectedMeasure]:
    with table.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [ExpectedMeasure(int(r["seq"]), r["number"] or "", r["text_start"],
                            _units(r["lead"] or ""), _units(r["support"] or ""),
                            (r["deadline"] or "").strip())
            for r in rows]


def _plain(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def deadline_label(deadline: Any) -> str:
    """A measure's deadline in the tables' terms."""
    if deadline.month:
        return deadline.month
    kind = deadline.kind.value
    return {"recurring": "recurring", "ongoing": "ongoing", "none": "none"}.get(
        kind, f"unread:{deadline.text}")


def compare(measure: Any, expected: ExpectedMeasure) -> list[str]:
    """What differs between a measure ipplan read and the row typed for it."""
    problems = []
    start = _plain(expected.text_start)
    if _plain(measure.text).find(start) not in range(0, _START_SLACK + 1):
        problems.append(f"text {measure.text[:20]!r} does not start {expected.text_start!r}")
    lead, support = frozenset(measure.lead_units), frozenset(measure.support_units)
    if lead != expected.lead:
        problems.append(f"lead {sorted(lead)} != {sorted(expected.lead)}")
    if support != expected.support:
        problems.append(f"support {sorted(support)} != {sorted(expected.support)}")
    if deadline_label(measure.deadline) != expected.deadline:
        problems.append(f"deadline {deadline_label(measure.deadline)} != {expected.deadline}")
    return problems


def score_document(document: Path, table: Path,
                   load: Callable[[Path], Any] | None = None) -> DocumentScore:
    """Read ``document`` as ipplan does and compare every measure with its row."""
    from ipplan.errors import IpplanError
    from ipplan.loaders import load_document

    rows = read_expected(table)
    result = DocumentScore(document, len(rows))
    try:
        plan = (load or load_document)(document)
    except IpplanError as exc:
        result.refused = str(exc)
        return result
    result.read = len(plan.measures)
    for index, row in enumerate(rows):
        if index >= len(plan.measures):
            result.mismatches.append(f"#{row.seq} {row.text_start}: not read")
            continue
        problems = compare(plan.measures[index], row)
        if problems:
            result.mismatches.append(f"#{row.seq} {row.text_start}: " + "; ".join(problems))
        else:
            result.exact += 1
    for extra in plan.measures[len(rows):]:
        result.mismatches.append(f"extra measure {extra.id} {extra.text[:20]!r} "
                                 f"({extra.location})")
    return result


def score_folder(folder: Path) -> list[DocumentScore]:
    return [score_document(document, table) for document, table in documents(folder)]


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    total = exact = refused = 0
    for folder in map(Path, argv):
        for result in score_folder(folder):
            total += result.expected
            exact += result.exact
            refused += result.refused is not None
            status = (f"refused: {result.refused}" if result.refused
                      else f"{result.exact}/{result.expected} exact, {result.read} read")
            print(f"{result.document.name}: {status}")
            for mismatch in result.mismatches:
                print(f"    {mismatch}")
    share = exact / total if total else 0.0
    print(f"\n{exact} of {total} measures exactly right ({share:.1%}); "
          f"{refused} document(s) refused")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
