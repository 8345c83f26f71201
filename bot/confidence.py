"""How sure the matcher may be of its best entry: a logistic model and boosted trees, averaged.

The model reads ``bot.matcher.FEATURES`` (the best entry's scores and its lead over the
runner-up) and gives the probability that the best entry is the right answer.

Two models vote, and their log-odds are averaged:
- a logistic model, one weight per feature: smooth, and sensible on questions unlike any it
  was fitted on;
- boosted trees, which can say what one weight per feature cannot: a lead of 0.05 means much
  when both entries are far from the question and little when the two are siblings that share
  most of their words.
Fitted on all but one of the blind tuning splits and tried on the one left out, in turn (a
new writer each time, as the held-out split is), at the answer threshold: with tune2b to tune6
the average answered 900 of 1,083 questions right with 3 wrong, the logistic model alone 863
with 5, the trees alone 915 with 8; with tune7 added, 1,055 of 1,287 with 6 wrong, 1,017 with
10, and 1,082 with 5. The trees alone were once the best and once the worst at not answering
wrongly; the average was never far from the better of the two, which is why it is shipped.
``python -m bench.fit`` prints these figures for the splits it is given.

``python -m bench.fit --write`` fits both and writes ``confidence.json`` beside this module.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

MODEL_PATH = Path(__file__).with_name("confidence.json")


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@dataclass(frozen=True)
class Tree:
    """One regression tree in flat arrays. Node 0 is the root; a node whose ``feature`` is -1
    is a leaf holding ``value``; otherwise a row goes ``left`` when its feature is at most
    ``threshold``."""

    feature: tuple[int, ...]
    threshold: tuple[float, ...]
    left: tuple[int, ...]
    right: tuple[int, ...]
    value: tuple[float, ...]

    @property
    def depth(self) -> int:
        def below(i: int) -> int:
            return 0 if self.feature[i] < 0 else 1 + max(below(self.left[i]),
                                                          below(self.right[i]))
        return below(0)


@dataclass(frozen=True)
class ConfidenceModel:
    """``linear``: the logistic model's intercept, then one weight per feature. ``base`` and
    ``trees``: the boosted trees' log-odds are ``base`` plus one leaf of every tree."""

    features: tuple[str, ...]
    linear: tuple[float, ...]
    base: float
    trees: tuple[Tree, ...]

    def probability(self, x: tuple[float, ...]) -> float:
        return sigmoid((self.linear_log_odds(x) + self.tree_log_odds(x)) / 2)

    def linear_log_odds(self, x: tuple[float, ...]) -> float:
        intercept, *weights = self.linear
        return intercept + math.fsum(w * v for w, v in zip(weights, x, strict=True))

    def tree_log_odds(self, x: tuple[float, ...]) -> float:
        if not self.trees:
            return self.base
        feature, threshold, left, right, value, roots, depth = self._table
        at = roots
        row = np.asarray(x, dtype=np.float64)
        # All trees step down together, one level per pass: a few hundred trees walked one
        # by one in Python would be a tenth of a question's time.
        for _ in range(depth):
            at = np.where(row[feature[at]] <= threshold[at], left[at], right[at])
        return self.base + float(value[at].sum())

    @cached_property
    def _table(self) -> tuple:
        """Every node of every tree in one set of arrays, numbered tree after tree; a leaf
        points to itself on both sides, so a row that reached one stays there."""
        sizes = [len(t.feature) for t in self.trees]
        roots = np.cumsum([0, *sizes[:-1]])
        feature = np.zeros(sum(sizes), dtype=np.intp)
        threshold = np.full(sum(sizes), np.inf)
        left = np.arange(sum(sizes))
        right = left.copy()
        value = np.zeros(sum(sizes))
        for tree, root in zip(self.trees, roots.tolist(), strict=True):
            for j, f in enumerate(tree.feature):
                value[root + j] = tree.value[j]
                if f >= 0:
                    feature[root + j], threshold[root + j] = f, tree.threshold[j]
                    left[root + j], right[root + j] = root + tree.left[j], root + tree.right[j]
        depth = max(t.depth for t in self.trees)
        return feature, threshold, left, right, value, roots, depth

    def to_json(self) -> dict:
        return {
            "features": list(self.features),
            "linear": list(self.linear),
            "base": self.base,
            "trees": [[list(t.feature), list(t.threshold), list(t.left), list(t.right),
                       list(t.value)] for t in self.trees],
        }

    @classmethod
    def from_json(cls, data: dict) -> ConfidenceModel:
        trees = tuple(Tree(*(tuple(part) for part in tree)) for tree in data["trees"])
        return cls(tuple(data["features"]), tuple(data["linear"]), float(data["base"]), trees)

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), separators=(",", ":")) + "\n",
                        encoding="utf-8")

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> ConfidenceModel:
        return cls.from_json(json.loads(path.read_text(encoding="utf-8")))
