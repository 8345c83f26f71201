"""Accuracy floors on the labelled question sets: a knowledge or lexicon edit that breaks
matching fails here. The floors sit a little under what `make bench` measured; raise them when
matching improves. Lower one only for a change that measured better over all tuning splits
together, and write down here which floor went down and by how much.

Every tuning question is also an asked question (``knowledge/contoh.tsv``), which the matcher
indexes like a phrasing. Measured as it is, a tuning split would be asked its own questions;
so each split is measured by a brain that does not know the asked questions of its fold (the
splits of ``FOLDS``), as the held-out split is by the shipped brain. The floors were pinned
again that way when asked questions came (with the answer threshold 0.95, `Params.answer_p`):
over all tuning splits, 4,629 of 5,331 in-scope questions answered rightly with 88 wrong, and
1,276 of 1,533 out of scope refused, against 4,518, 94 and 1,278 before, measured in-sample.
Some floors went down with the change, by one or two questions each: tune's and tune19's
first answers (tune's questions are what the curators wrote phrasings from), the refusals
of tune14, tune19, tune21, tune24 and tune26, and tune27's wrong answers (4 to 5).

All floors were pinned again when the out-of-scope examples came (``Matcher._reads_outside``,
with the answer threshold 0.94): over all tuning splits, 4,771 of 5,470 in-scope questions
answered rightly with 77 wrong, against 4,752 and 95 before. First answers went down by one
to three questions in tune3 (244 to 242), tune4 (211 to 209), tune18 (131 to 128), tune20
(111 to 110), tune21 (169 to 167), tune23 (120 to 118), tune27 (94 to 93) and tune30 (123 to
122), and tune15 gave one more wrong answer (7 to 8). The held-out floor went down with them,
the only time it did: 191 of 216 first answers where there were 193 (the two now get choices
that hold the right entry), with 2 wrong answers as before.
"""

import pytest

from bot.app import fold_brains as brains_by_fold
from bot.config import Settings
from bot.evaluate import evaluate, folds, read_cases
from bot.kb import asked_origins
from tests.conftest import DATA, ROOT

# Each fold's splits are measured without their own asked questions, and with everyone
# else's (bot.evaluate.folds).
_, CASES = read_cases(DATA / "kb_questions.tsv")
FOLDS = folds(CASES, asked_origins(ROOT / "knowledge"))
KB_FLOORS = {
    # split: (first-answer accuracy, most wrong answers, out-of-scope refused, greetings missed)
    "tune": (0.945, 0.005, 0.97, 0),
    "tune3": (0.930, 0.005, 1.00, 0),
    "tune4": (0.885, 0.005, 1.00, 0),
    "tune5": (0.880, 0.005, 1.00, 0),
    "tune6": (0.925, 0.005, 0.98, 0),
    # Written to test out-of-scope questions close to ZI; 6 wrong answers of 305 when pinned.
    # Refusal floors of tune7, tune16 and tune17 were lowered by one question each when a
    # question whose every word the knowledge base knows got choices where it had been told
    # "out of scope" (Params.known_suggest_p): on all tuning splits 34 in-scope questions
    # gained choices holding the right entry, 6 out-of-scope ones got choices;
    # test_in_scope_questions_are_seldom_refused pins the gain.
    "tune7": (0.890, 0.010, 0.88, 0),
    "tune8": (0.845, 0.010, 0.98, 1),
    # Written blind as ZI teams preparing an evaluation (tune9) and as citizens, students
    # and journalists (tune10); no confidence model was fitted on either.
    "tune9": (0.895, 0.005, 0.97, 0),
    "tune10": (0.865, 0.005, 0.93, 0),
    # A general mix written blind last; measured once on the old and new code, then pinned.
    "tune11": (0.855, 0.005, 0.96, 0),
    # Blind: 77.8% first, 10 wrong of 215, 72.9% refused when measured once. Its out-of-scope
    # questions ask ZI details no entry holds (survey sample sizes, TPN membership), and an
    # entry that mentions the term is answered.
    "tune12": (0.870, 0.010, 0.76, 0),
    # Blind: 76.2% first, 7 wrong of 199, 72.9% refused, 3 of 4 greetings on the code before
    # the work it was measured for; 76.2%, 6, 75.0%, 3 of 4 after. Then English words added.
    "tune13": (0.875, 0.010, 0.78, 0),
    # Blind, measured once: 83.9% first, 8 wrong of 211, 68.4% refused, 2 of 5 greetings.
    "tune14": (0.945, 0.010, 0.66, 0),
    # Blind, measured once: 79.3% first, 18 wrong of 237, 49.1% refused, 3 of 5 greetings;
    # five labels were then widened where another entry's answer holds the fact (82.1%, 13
    # wrong counted that way). Its out-of-scope questions ask details (enactment dates, names
    # of the 19 K/L, LKE item counts) of an entry's topic that the entry does not give.
    # Two questions of tune15 and one of tune17 that were out of scope for want of an entry are
    # now swasta-bumn's; with the entry, "ikut penilaian zi bayar gk" (tune17) gets choices.
    "tune15": (0.895, 0.035, 0.52, 0),
    # Blind, measured once on the code before this work and on main (two labels then widened,
    # counted that way): tune16, pemda staff with regional chat words, 74.1% first, 10 wrong
    # of 267, 64.9% refused, 1 of 5 greetings before; 74.6%, 9, 68.4%, 1 after. tune17,
    # short hurried messages: 88.4%, 5 of 218, 72.9%, 5 of 6 before; 88.4%, 5, 77.1%, 4 after.
    "tune16": (0.885, 0.015, 0.68, 2),
    "tune17": (0.930, 0.015, 0.74, 0),
    # Written blind last, measured once on the code before this session's work and on main
    # (labels widened afterwards, counted that way). tune18, a cross-section of users: 74.3%
    # first, 3 wrong of 197, 80.9% refused before; 75.7%, 3, 80.9% on main. tune19, sceptics,
    # rumours and hypotheticals: 79.9%, 8 of 238, 69.6% on both.
    "tune18": (0.860, 0.005, 0.82, 1),
    "tune19": (0.865, 0.015, 0.67, 0),
    # Written blind at the start of the session that added them, from the entries' titles and
    # answers, and measured once on the code before it: tune20, district office staff and
    # citizens who saw a banner, with regional chat words, 77.4% first, 12 wrong of 186,
    # 60.4% refused, 5 of 5 greetings; tune21, inspectorate evaluators, planners, students,
    # journalists and retirees, more formal, 74.3%, 17 of 265, 54.0%, 5 of 11. Most of their
    # wrong answers are out-of-scope details of an entry's topic (a year's figure the entry
    # says is not known, a regulation's enactment date).
    "tune20": (0.825, 0.060, 0.60, 0),
    "tune21": (0.805, 0.020, 0.55, 0),
    # Blind, written from the entries' titles and answers, measured once on the code of the
    # session's start and on main before its failures were read: 76.6% first, 7 wrong of 244,
    # 75.5% refused, 10 of 11 greetings, then 77.2%, 7, 71.4%, 10 of 11 (two out-of-scope
    # questions got choices under Params.known_suggest_p). Read afterwards: acronyms said by
    # their letters' names, "wassalamualaikum wr wb", "-nya" on "zona integritas".
    # Nine out-of-scope labels of tune21, tune22 and tune24 became statistik-ringkas (the
    # national total of 2019, 2022 or 2024, which that entry says no source confirms) and
    # statistik-awal (the first WBK or WBBM, which that entry says cannot be dated), as
    # the same questions are labelled in tune, tune3, tune7 and heldout.
    # The wrong-answer ceilings of tune22 to tune24 were raised (7, 6, 6 wrong to 8, 7, 8)
    # when a message whose asking clause alone is sure of the message's best entry got that
    # answer rather than choices (Matcher._by_clause): on tune to tune24, 86 more right first
    # answers, 5 more wrong. The first-answer floors of all splits were raised with it. They
    # came back to 3% when a year that an entry of yearly facts does not give stopped being
    # answered by it (Matcher._lacks_year): 16 wrong answers fewer over all splits.
    # tune22's went from 3 to 4 wrong (1.5% to 1.7%), and its out-of-scope refusals from 36
    # to 35 of 46, when a message the bot would refuse got the answer its only asking clause
    # is sure of: over all tuning splits, 20 more right first answers and one more wrong,
    # this split's "sy sekdes, pemerintah desa bisa bangun zona integritas gak". Its second
    # clause, sent alone, got that wrong answer before too.
    "tune22": (0.860, 0.017, 0.76, 0),
    # Blind, written last in the same session from the entries' titles and answers (new civil
    # servants, ZI working teams, PR staff, citizens, lecturers, inspectorates, hurried
    # phones), measured once: 70.6% first, 6 wrong of 219, 80.0% refused, 2 of 4 greetings on
    # the code of the session's start; 69.4%, 6, 76.4%, 2 of 4 on main (one answer lost to the
    # asker's-unit rule, fixed in 0681567; one to a confidence at the answer threshold).
    "tune23": (0.735, 0.030, 0.76, 0),
    # Blind, written at the end of that session (police, tax, hospital and school staff,
    # retirees, NGO members, journalists, angry and confused users), measured once and not
    # read: 69.9% first, 6 wrong of 226, 72.9% refused, 5 of 5 greetings on the code of the
    # session's start; 70.5%, 6, 72.9%, 5 of 5 on main.
    "tune24": (0.820, 0.020, 0.72, 0),
    # Blind, written from the entries' titles and answers at the start of the session that
    # added Matcher._by_clause, and measured once on the code before it and after: tune25,
    # students, vendors, village, KUA, court, immigration and BPS staff, 76.6% first, 4 wrong
    # of 158, 85.4% refused, 3 of 3 greetings before; 78.5%, 4, 85.4%, 3 of 3 after. tune26,
    # senior civil servants writing formally, young staff mixing English, regional chat
    # words, two questions in one message: 79.1%, 3 of 191, 87.0%, 6 of 6; 79.9%, 3, 87.0%.
    "tune25": (0.830, 0.015, 0.87, 0),
    "tune26": (0.845, 0.010, 0.86, 0),
    # Blind, written from the entries' titles and answers at the start of the session that
    # added them, in the held-out part's style (short hurried chat), and measured once on the
    # code of the session's start before their failures were read. Near-copies of questions
    # already in this file were dropped first (142 of 300 and 96 of 320). tune27: 78.2% first,
    # 10 wrong of 158, 56.5% refused, 2 of 2 greetings; eight out-of-scope labels then became
    # the entry whose answer says the fact asked is not known (a year's national total, the
    # first WBK, 52/2014's minimum scores, score relief on the Stranas PK route) or explains
    # it (the two 2021 figures), as elsewhere in this file: 77.1%, 5 wrong, 68.4% counted that
    # way. tune28 (honorary village staff, police, nurses, teachers, tax clerks, pensioners,
    # students, journalists, village heads): 72.9% first, 2 wrong of 224, 88.5% refused, 3 of
    # 6 greetings, the same on main after the session's first fixes, before its failures were
    # read.
    "tune27": (0.785, 0.015, 0.71, 0),
    "tune28": (0.775, 0.010, 0.88, 0),
    # Blind, written later in the same session (ZI teams at courts, KUA, immigration,
    # hospital, land and customs offices, a camat, auditors, citizens, students, a foreign
    # researcher writing English; chat words of Sumatra, Kalimantan, Sulawesi and the east),
    # 70 of 320 dropped as near-copies, measured once: 71.3% first, 6 wrong of 250, 86.5%
    # refused, 8 of 10 greetings, on the code of the session's start and on main alike.
    "tune29": (0.800, 0.010, 0.90, 0),
    # Blind, written from the entries' titles and answers in the held-out part's style (short
    # phone messages from ZI teams, unit heads, police, court, tax, hospital, school and
    # village staff, citizens, students, journalists, pensioners; chat words from across the
    # country), 122 of 320 dropped as near-copies, and measured once before it was read: on
    # the code of the session's start 79.1% first, 8 wrong of 198, 58.0% refused, 8 of 9
    # greetings; with the tuning questions as asked questions (answer at 0.95) 88.5%, 7,
    # 64.0%, 8 of 9.
    "tune30": (0.875, 0.040, 0.64, 1),
    "heldout": (0.88, 0.01, 0.96, 0),
}


@pytest.fixture(scope="session")
def fold_brains(tmp_path_factory, shared_brain):
    """Split → the brain that measures it: one per fold, the shipped one for held-out."""
    settings = Settings(db_path=tmp_path_factory.mktemp("folds") / "zibot.db",
                        knowledge_dir=ROOT / "knowledge")
    return {"heldout": shared_brain, **brains_by_fold(settings, CASES, shared_brain.store)}


def test_every_tuning_split_is_in_a_fold():
    # Every tuning split gave asked questions; one in no fold would be asked its own.
    splits = {case.split for case in CASES} - {"heldout"}
    folded = [split for fold in FOLDS for split in fold]
    assert sorted(folded) == sorted(splits)


@pytest.mark.parametrize("split", sorted(KB_FLOORS))
def test_knowledge_base_floor(fold_brains, split):
    kind, cases = read_cases(DATA / "kb_questions.tsv", split)
    result = evaluate(fold_brains[split], cases, kind)
    accuracy, wrong, refused, missed = KB_FLOORS[split]
    c = result.counts
    assert c["right"] / c["in_scope"] >= accuracy
    assert c.get("wrong", 0) / result.total <= wrong
    assert c["oos_refused"] / c["oos"] >= refused
    assert c.get("smalltalk_right", 0) >= c["smalltalk"] - missed


def test_in_scope_questions_are_seldom_refused(fold_brains):
    """Told "out of scope", a user asking about ZI is misled about what the bot knows. Of the
    3,802 in-scope questions of tune to tune21, 146 got neither an answer nor choices before
    Params.known_suggest_p, 111 after; with tune22, 125 of 3,986; with tune23 (and later
    fixes), 140 of 4,146; with tune24, 153 of 4,319; with tune25 and tune26, 171 of 4,565;
    with tune27 and tune28 (and redirects given despite unknown words), 172 of 4,849; with
    tune29, 180 of 5,046. With asked questions, each split measured without its fold's, 138
    of 5,046; with tune30, 147 of 5,185; with the out-of-scope examples, 146."""
    refused = 0
    for split in KB_FLOORS:
        if split != "heldout":
            _, cases = read_cases(DATA / "kb_questions.tsv", split)
            refused += evaluate(fold_brains[split], cases, "kb").counts.get("refused", 0)
    assert refused <= 150


@pytest.mark.parametrize("split", ["tune", "heldout"])
def test_unit_lookup_floor_and_no_false_claims(shared_brain, split):
    kind, cases = read_cases(DATA / "unit_queries.tsv", split)
    result = evaluate(shared_brain, cases, kind)
    c = result.counts
    assert c["right"] / c["queries"] >= 0.89
    assert c.get("false_claim", 0) == 0
    assert c.get("wrong_unit", 0) <= 1


def test_every_labelled_id_exists(shared_brain):
    _, cases = read_cases(DATA / "kb_questions.tsv")
    for case in cases:
        if case.gold not in ("OOS", "smalltalk"):
            assert set(case.gold.split("|")) <= set(shared_brain.by_id), case.gold
    _, cases = read_cases(DATA / "unit_queries.tsv")
    names = set(shared_brain.unit_ids)
    for case in cases:
        gold = case.gold.removeprefix("AMBIG:")
        if gold != "NONE":
            assert set(gold.split("|")) <= names, gold
