"""The asked questions (knowledge/contoh.tsv): the labelled tuning questions, kept in step."""

import shutil

from bench.asked import QUESTIONS, select
from bot.app import load_normalizer
from bot.evaluate import read_cases
from bot.kb import ASKED_FILE, OUTSIDE, load_knowledge, read_asked
from tests.conftest import ROOT

ASKED = ROOT / "knowledge" / ASKED_FILE


def test_the_asked_questions_follow_the_labelled_set():
    # A label fixed in tests/data must reach the bot: `python -m bench.asked --write`.
    assert sorted(read_asked(ASKED)) == sorted(select())


def test_no_held_out_question_is_asked():
    # The held-out split measures the bot; a question of it among the asked ones, or one that
    # reads the same once normalized, would be answered from memory.
    key = load_normalizer(ROOT / "knowledge").key

    _, held = read_cases(QUESTIONS, "heldout")
    rows = read_asked(ASKED)
    assert rows and all(origin != "heldout" for _, _, origin in rows)
    assert not {key(case.question) for case in held} & {key(q) for _, q, _ in rows}


def test_every_asked_question_keeps_its_label():
    _, cases = read_cases(QUESTIONS)
    labels = {(case.question.strip(), case.split): case.gold for case in cases}
    for entry_id, question, origin in read_asked(ASKED):
        assert labels[(question, origin)] == entry_id


def test_out_of_scope_examples_belong_to_no_entry_and_are_left_out_by_origin(tmp_path):
    knowledge = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", knowledge)
    (knowledge / ASKED_FILE).write_text(
        "id\tpertanyaan\tasal\nwbk-definisi\twbk tu apaan\ttune\n"
        f"{OUTSIDE}\tresep soto\ttune\n{OUTSIDE}\tharga bbm\ttune3\n", encoding="utf-8")
    loaded = load_knowledge(knowledge)
    assert loaded.outside == ("resep soto", "harga bbm")
    asked = {e.id: e.asked for e in loaded.entries if e.asked}
    assert asked == {"wbk-definisi": ("wbk tu apaan",)}
    assert load_knowledge(knowledge, leave_out=frozenset({"tune"})).outside == ("harga bbm",)
