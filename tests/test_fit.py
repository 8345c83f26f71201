"""The confidence model's fitting routine (``python -m bench.fit``) and the model file."""

import random

import pytest

from bench.fit import Example, Tally, example, fit, fitting_matcher
from bot.confidence import MODEL_PATH, ConfidenceModel
from bot.evaluate import Case
from bot.matcher import FEATURES, Matcher


def test_fit_learns_which_side_of_a_boundary_is_right():
    rng = random.Random(3)
    rows = []
    for _ in range(300):
        score, noise = rng.random(), rng.random()
        rows.append(Example((score, noise), right=score > 0.6, in_scope=True))
    model = fit(rows, ("score", "noise"))
    assert model.probability((0.95, 0.5)) > 0.9
    assert model.probability((0.2, 0.5)) < 0.1
    # the noise feature carries no signal, so it barely moves the answer
    assert abs(model.probability((0.95, 0.0)) - model.probability((0.95, 1.0))) < 0.1


def test_trees_learn_what_a_weighted_sum_cannot():
    # Right when the two features agree: no single weight per feature can say this.
    rng = random.Random(5)
    rows = []
    for _ in range(400):
        a, b = rng.random(), rng.random()
        rows.append(Example((a, b), right=(a > 0.5) == (b > 0.5), in_scope=True))
    model = fit(rows, ("a", "b"))
    assert model.probability((0.9, 0.9)) > 0.8
    assert model.probability((0.1, 0.1)) > 0.8
    assert model.probability((0.9, 0.1)) < 0.2
    assert model.probability((0.1, 0.9)) < 0.2


def test_the_model_learns_right_and_wrong_whatever_the_scope():
    rows = [Example((1.0,), right=False, in_scope=False) for _ in range(50)]
    rows += [Example((0.0,), right=True, in_scope=True) for _ in range(50)]
    model = fit(rows, ("x",))
    assert model.probability((1.0,)) < 0.5 < model.probability((0.0,))


def test_a_saved_model_reads_back_the_same(tmp_path):
    rng = random.Random(8)
    rows = [Example((x := rng.random(),), right=x > rng.random(), in_scope=True)
            for _ in range(200)]
    model = fit(rows, ("x",), rounds=20)
    model.save(tmp_path / "m.json")
    again = ConfidenceModel.load(tmp_path / "m.json")
    assert again == model
    assert [again.probability((v / 10,)) for v in range(11)] == \
        [model.probability((v / 10,)) for v in range(11)]


def test_the_shipped_model_reads_the_matchers_features():
    assert ConfidenceModel.load(MODEL_PATH).features == FEATURES


def test_a_model_for_other_features_is_refused(shared_brain):
    stale = ConfidenceModel(("score", "gap"), (0.0, 1.0, 1.0), 0.0, ())
    with pytest.raises(ValueError, match=r"bench\.fit"):
        Matcher(shared_brain.matcher.entries, shared_brain.matcher.normalizer, model=stale)


def test_an_out_of_scope_question_is_rightly_matched_only_by_a_redirect(shared_brain):
    matcher = shared_brain.matcher
    redirected = example(matcher, Case("t", "OOS", "pendaftaran cpns kapan dibuka"))
    assert redirected.right and not redirected.in_scope and redirected.guards["redirect"]
    answered = example(matcher, Case("t", "OOS", "minta contoh spanduk pencanangan zi"))
    assert not answered.right
    assert example(matcher, Case("t", "zi-definisi", "zona integritas itu apa")).right
    assert example(matcher, Case("t", "OOS", "resep rendang")) is None


@pytest.mark.parametrize("gold, question", [
    ("evaluasi-tpn", "evaluasi lapangan TPN biasanya brp hari"),
    ("syarat-unit", "LHKASN itu apa sih"),
    ("OOS", "pendaftaran cpns kapan dibuka"),
    ("zi-definisi", "zona integritas itu apa"),
    ("OOS", "sekarang"),
    ("wbbm-definisi", "kantor imigrasi deket rumah ada tulisan wbbm, itu artinya apa"),
])
def test_the_fitting_bench_counts_what_the_bot_does(shared_brain, gold, question):
    """Including the rules about the question itself: a count or a definition the entry does
    not give, no topic named, a redirect given outright."""
    matcher = shared_brain.matcher
    row = example(matcher, Case("t", gold, question))
    tally = Tally()
    tally.add(row, matcher.confidence(row.features), matcher.params)
    action = matcher.decide(question).action
    answered = tally.right + tally.wrong + tally.redirected
    # Each question's label is the entry the bot answers with or leads its choices with.
    choices = tally.choices_in_scope + tally.choices_out_of_scope
    assert (answered, choices) == (action == "answer", action == "suggest")


def test_the_fitting_matcher_reads_examples_without_the_shipped_model():
    # After a change to FEATURES the shipped model no longer fits; the fitting must still run.
    row = example(fitting_matcher(), Case("t", "zi-definisi", "zona integritas itu apa"))
    assert row.right and len(row.features) == len(FEATURES)
