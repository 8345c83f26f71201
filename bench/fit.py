"""Refit the matcher's confidence model: ``python -m bench.fit [SPLIT,...]``.

The model says how likely the best-scored entry is the right answer. It is fitted on the
tuning splits that no phrasing was written from (``tune2b`` to ``tune5`` by default): on
the splits the curators wrote phrasings for, every question matches a phrasing almost word
for word, and a model fitted there would be sure of everything. An out-of-scope question
counts as right only when its best entry is a redirect, which refuses politely and says where
to ask (as `zibot eval` counts it). The held-out split is never read here.

It prints a five-fold cross-validated estimate of what the answer rule would do, then the
``confidence`` tuple to paste into ``bot.matcher.Params``.
"""

from __future__ import annotations

import math
import random
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bot.app import build_brain
from bot.config import Settings
from bot.evaluate import Case, read_cases
from bot.matcher import FEATURES, Matcher, probability, sigmoid

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "tests" / "data" / "kb_questions.tsv"
DEFAULT_SPLITS = ("tune2b", "tune3", "tune4", "tune5")
L2 = 0.01


@dataclass
class Example:
    features: tuple[float, ...]
    # The best entry is a right answer: the labelled entry, or for an out-of-scope question
    # a redirect entry, which refuses politely and says where to ask (as `zibot eval` counts).
    right: bool
    in_scope: bool


def example(matcher: Matcher, case: Case) -> Example | None:
    """What the model learns from one labelled question; None when the matcher refuses it
    before the model is asked (no word the knowledge base knows)."""
    q = matcher.analyze(case.question)
    if not q.tokens or not matcher.has_known_content(q):
        return None
    ranked = matcher.score(q)
    best = ranked[0].entry
    in_scope = case.gold != "OOS"
    return Example(
        matcher.features(q, tuple(ranked)),
        best.id in case.gold.split("|") if in_scope else best.is_redirect,
        in_scope,
    )


def examples(matcher: Matcher, splits: tuple[str, ...]) -> list[Example]:
    out = []
    for split in splits:
        _, cases = read_cases(QUESTIONS, split)
        for case in cases:
            if case.gold != "smalltalk" and (row := example(matcher, case)) is not None:
                out.append(row)
    return out


def fit(rows: list[Example], iters: int = 2000, rate: float = 0.5) -> tuple[float, ...]:
    """L2-regularized logistic regression by gradient descent, on standardized features.

    Returns the intercept and coefficients on the raw features.
    """
    dims = len(rows[0].features)
    n = len(rows)
    mean = [sum(r.features[j] for r in rows) / n for j in range(dims)]
    spread = [
        max(1e-6, math.sqrt(sum((r.features[j] - mean[j]) ** 2 for r in rows) / n))
        for j in range(dims)
    ]
    z = [[(r.features[j] - mean[j]) / spread[j] for j in range(dims)] for r in rows]
    y = [1.0 if r.right else 0.0 for r in rows]
    w = [0.0] * dims
    b = 0.0
    for _ in range(iters):
        gw = [0.0] * dims
        gb = 0.0
        for zi, yi in zip(z, y, strict=True):
            s = b + sum(wj * zj for wj, zj in zip(w, zi, strict=True))
            err = sigmoid(s) - yi
            gb += err
            for j in range(dims):
                gw[j] += err * zi[j]
        w = [wj - rate * (g / n + L2 * wj) for wj, g in zip(w, gw, strict=True)]
        b -= rate * gb / n
    coefs = [wj / sj for wj, sj in zip(w, spread, strict=True)]
    intercept = b - sum(c * m for c, m in zip(coefs, mean, strict=True))
    return (intercept, *coefs)


def cross_validate(rows: list[Example], threshold: float, folds: int = 5) -> str:
    order = list(range(len(rows)))
    random.Random(7).shuffle(order)
    right = redirected = wrong = 0
    for k in range(folds):
        test = {i for n, i in enumerate(order) if n % folds == k}
        model = fit([rows[i] for i in order if i not in test])
        for i in test:
            if probability(model, rows[i].features) >= threshold:
                if not rows[i].right:
                    wrong += 1
                elif rows[i].in_scope:
                    right += 1
                else:
                    redirected += 1
    in_scope = sum(r.in_scope for r in rows)
    return (f"answered right {right}/{in_scope} in scope ({right / in_scope:.1%}), "
            f"answered wrong {wrong}/{len(rows)} ({wrong / len(rows):.1%}), "
            f"out of scope redirected {redirected}/{len(rows) - in_scope}")


def main(argv: list[str]) -> int:
    splits = tuple(argv[0].split(",")) if argv else DEFAULT_SPLITS
    if "heldout" in splits:
        print("the held-out split is for measuring, not fitting")
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        brain = build_brain(Settings(db_path=Path(tmp) / "fit.db",
                                     knowledge_dir=ROOT / "knowledge"))
        matcher = brain.matcher
        rows = examples(matcher, splits)
    threshold = matcher.params.answer_p
    print(f"{len(rows)} questions from {', '.join(splits)} "
          f"({sum(r.in_scope for r in rows)} in scope; best entry right for "
          f"{sum(r.right and r.in_scope for r in rows)}, a redirect for "
          f"{sum(r.right and not r.in_scope for r in rows)} out of scope)")
    print(f"5-fold cross-validation at p >= {threshold:.3f}: {cross_validate(rows, threshold)}")
    model = fit(rows)
    print("features:", ", ".join(("intercept", *FEATURES)))
    values = ", ".join(f"{v:.3f}" for v in model)
    print(f"confidence: tuple[float, ...] = (\n    {values},\n)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
