"""Write ``knowledge/contoh.tsv`` from the labelled tuning questions:
``python -m bench.asked [--write]``.

The matcher indexes these questions beside the curated phrasings (``Entry.asked``): they are
how people really type, typos and regional words included. Taken are the tuning splits'
questions with one entry as their label. Never taken:
- the held-out split, which measures the bot, nor any tuning question that reads, once
  normalized, like a held-out one ("apa itu wbk" is asked in both), or the held-out figures
  would count answers from memory;
- out-of-scope and small-talk questions (no entry answers them), and questions labelled with
  two entries;
- a question that reads like a phrasing, like a question labelled with another entry (the
  matcher could not tell the two apart, and ``zibot kb check`` refuses such pairs), or like
  one already taken for the same entry.

At most ``PER_ENTRY`` questions are taken for an entry, one from each split in turn, so that
as many writers as possible are heard: every question costs start-up time (see below).

The tuning splits' out-of-scope questions follow, all of them, labelled ``OOS``: the matcher
does not answer a question that reads more like one of them than like the entry it would
answer (``Matcher._reads_outside``). The same rules keep out held-out twins and questions
that read like a phrasing or like an in-scope question. They cost less start-up time: they
are only folded, not normalized (``Matcher._surface``).

Without ``--write`` it prints whether the file is up to date.
"""

from __future__ import annotations

import itertools
import sys
from collections import Counter
from pathlib import Path

from bot.app import load_normalizer
from bot.evaluate import read_cases
from bot.kb import ASKED_FILE, OUTSIDE, load_entries, read_asked

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "tests" / "data" / "kb_questions.tsv"
KNOWLEDGE = ROOT / "knowledge"
MEASURED = "heldout"
# Each asked question costs start-up time (the 0.5 s target is for a cold start on one
# core), and the questions of an entry say less and less. Measured on all tuning splits, each
# with its fold's asked questions left out (tests/test_accuracy.py FOLDS), of 5,331 in scope:
# 20 per entry (1,776 questions) answered 4,629 rightly with 88 wrong, 25 per entry 4,656
# with 88; none, measured in-sample, 4,518 with 94. Cold starts, alternating in one process:
# 443 ms with 20, 464 ms with 25, and `bench kb` printed 490 ms with 25 and 451 ms with 20.
# Taking all 3,910 questions that qualified (at an earlier answer threshold, 0.93) answered
# 4,817 rightly but with 132 wrong, and started 80 ms over the target. With the out-of-scope
# examples and the answer threshold at 0.94, of 5,470 in scope: 20 per entry, 4,771 right and
# 77 wrong; 25, 4,798 and 78; 30, 4,810 and 80. Each five more cost about 20 ms of a cold
# start, which measured 460 to 500 ms with 20 on a slow day.
PER_ENTRY = 20

Row = tuple[str, str, str]  # entry id, question, split


def select(knowledge: Path = KNOWLEDGE, questions: Path = QUESTIONS,
           per_entry: int = PER_ENTRY) -> list[Row]:
    """The asked questions, grouped by entry in the knowledge base's order, then the
    out-of-scope examples in the order of the labelled file."""
    entries = load_entries(knowledge / "entries")
    key = load_normalizer(knowledge).key

    _, cases = read_cases(questions)
    held_out = {key(case.question) for case in cases if case.split == MEASURED}
    curated = {key(p) for e in entries for p in (e.title, *e.phrasings)}
    rows = [(case.gold, case.question.strip(), case.split, key(case.question)) for case in cases
            if case.split != MEASURED and case.gold not in ("OOS", "smalltalk")
            and "|" not in case.gold]
    # A question that two writers labelled with two entries teaches neither.
    labels_of = Counter(k for _, k in {(label, k) for label, _, _, k in rows})
    taken: set[tuple[str, ...]] = set()
    out: list[Row] = []
    for label, question, split, k in rows:
        if not k or k in taken or k in held_out or k in curated or labels_of[k] > 1:
            continue
        taken.add(k)
        out.append((label, question, split))
    keep = set(_each_split_in_turn(out, per_entry))
    order = {e.id: i for i, e in enumerate(entries)}
    chosen = sorted((row for row in out if row in keep), key=lambda row: order[row[0]])
    in_scope = {k for _, _, _, k in rows}
    outside: list[Row] = []
    for case in cases:
        if case.split == MEASURED or case.gold != OUTSIDE:
            continue
        k = key(case.question)
        if not k or k in taken or k in held_out or k in curated or k in in_scope:
            continue
        taken.add(k)
        outside.append((OUTSIDE, case.question.strip(), case.split))
    return chosen + outside


def _each_split_in_turn(rows: list[Row], per_entry: int) -> list[Row]:
    by_entry: dict[str, dict[str, list[Row]]] = {}
    for row in rows:
        by_entry.setdefault(row[0], {}).setdefault(row[2], []).append(row)
    out = []
    for splits in by_entry.values():
        turns = itertools.chain.from_iterable(itertools.zip_longest(*splits.values()))
        out.extend(itertools.islice((row for row in turns if row), per_entry))
    return out


def write(rows: list[Row], path: Path) -> None:
    lines = ["id\tpertanyaan\tasal", *("\t".join(row) for row in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str]) -> int:
    path = KNOWLEDGE / ASKED_FILE
    rows = select()
    current = read_asked(path)
    print(f"{len(rows)} questions from {QUESTIONS.relative_to(ROOT)}; "
          f"{path.relative_to(ROOT)} has {len(current)}")
    if current == rows:
        print("up to date")
        return 0
    if "--write" in argv:
        write(rows, path)
        print(f"written: {path.relative_to(ROOT)}")
        return 0
    print("out of date: run `python -m bench.asked --write`")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
