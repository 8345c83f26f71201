"""The confidence model's fitting routine (``python -m bench.fit``)."""

import random

from bench.fit import Example, example, fit
from bot.evaluate import Case
from bot.matcher import probability as predict


def test_fit_learns_which_side_of_a_boundary_is_right():
    rng = random.Random(3)
    rows = []
    for _ in range(300):
        score, noise = rng.random(), rng.random()
        rows.append(Example((score, noise), right=score > 0.6, in_scope=True))
    model = fit(rows, iters=800)
    assert predict(model, (0.95, 0.5)) > 0.9
    assert predict(model, (0.2, 0.5)) < 0.1
    # the noise feature carries no signal, so it barely moves the answer
    assert abs(predict(model, (0.95, 0.0)) - predict(model, (0.95, 1.0))) < 0.1


def test_the_model_learns_right_and_wrong_whatever_the_scope():
    rows = [Example((1.0,), right=False, in_scope=False) for _ in range(50)]
    rows += [Example((0.0,), right=True, in_scope=True) for _ in range(50)]
    model = fit(rows, iters=500)
    assert predict(model, (1.0,)) < 0.5 < predict(model, (0.0,))


def test_an_out_of_scope_question_is_rightly_matched_only_by_a_redirect(shared_brain):
    matcher = shared_brain.matcher
    redirected = example(matcher, Case("t", "OOS", "pendaftaran cpns kapan dibuka"))
    assert redirected.right and not redirected.in_scope
    answered = example(matcher, Case("t", "OOS", "minta contoh spanduk pencanangan zi"))
    assert not answered.right
    assert example(matcher, Case("t", "zi-definisi", "zona integritas itu apa")).right
    assert example(matcher, Case("t", "OOS", "resep rendang")) is None
