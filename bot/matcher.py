"""Question → knowledge-base entry matching.

Each entry is scored on three channels over normalized tokens (``bot.text``):
- fuzzy: rapidfuzz ``token_sort_ratio`` against the entry's title and phrasings (catches typos
  and word order that the token channels miss);
- phrasing fit: IDF-weighted F1 between the question's stems and one phrasing's stems (prefers
  "nilai minimal wbk" over "nilai minimal pengungkit wbk" for the question "nilai minimal wbk");
- coverage: the share of the question's IDF mass that the entry knows at all (an unknown word
  keeps the highest IDF, so "harga bbm" stays far from every entry).
Slots that change the answer (WBK vs WBBM, a year) must agree, or the score is cut.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from bot.kb import Entry
from bot.text import Normalizer, Stemmer, TypoFixer

_YEAR = re.compile(r"^(19|20)\d\d$")
_PREDICATES = frozenset({"wbk", "wbbm"})


@dataclass(frozen=True)
class Params:
    """Weights and thresholds; fitted on the ``tune`` split of tests/data/kb_questions.tsv."""

    w_fuzzy: float = 0.35
    w_fit: float = 0.35
    w_cover: float = 0.30
    w_answer: float = 0.15
    question_weight: float = 0.3
    slot_penalty: float = 0.6
    answer_at: float = 0.62
    answer_gap: float = 0.05
    suggest_at: float = 0.45
    suggest_within: float = 0.12
    max_suggestions: int = 3


@dataclass(frozen=True)
class Scored:
    entry: Entry
    score: float


@dataclass(frozen=True)
class Decision:
    """What the matcher concluded: ``answer``, ``suggest`` or ``none``."""

    action: str
    ranked: tuple[Scored, ...]
    known_content: bool

    @property
    def best(self) -> Scored | None:
        return self.ranked[0] if self.ranked else None


@dataclass
class _Doc:
    entry_index: int
    sorted_text: str
    stems: frozenset[str]
    mass: float


@dataclass
class _Analyzed:
    tokens: list[str]
    stems: list[str]
    weights: list[float]
    sorted_text: str
    slots: frozenset[str] = field(default_factory=frozenset)


def _slots(tokens: Iterable[str]) -> frozenset[str]:
    return frozenset(t for t in tokens if t in _PREDICATES or _YEAR.match(t))


class Matcher:
    """Scores a question against every entry; small enough (a few hundred docs) to scan."""

    def __init__(
        self, entries: list[Entry], normalizer: Normalizer, params: Params | None = None
    ):
        self.entries = entries
        self.normalizer = normalizer
        self.params = params or Params()
        lex = normalizer.lexicon
        phrase_tokens: list[list[str]] = []
        for entry in entries:
            for doc in (entry.title, *entry.phrasings):
                phrase_tokens.append(normalizer.content(normalizer.tokens(doc)))
        vocab = {t for toks in phrase_tokens for t in toks}
        answer_vocab = {
            t for e in entries for t in normalizer.tokens(e.answer) if t.isalpha()
        }
        self.known = vocab | answer_vocab | set(lex.slang.values()) | lex.question_words
        self.typos = TypoFixer(vocab, cutoff=82, min_length=4)
        self.stemmer = Stemmer(self.known, lex.no_stem)

        self.docs: list[_Doc] = []
        entry_stems: list[set[str]] = [set() for _ in entries]
        entry_slots: list[set[str]] = [set() for _ in entries]
        i = 0
        for index, entry in enumerate(entries):
            for _doc in (entry.title, *entry.phrasings):
                toks = phrase_tokens[i]
                i += 1
                stems = frozenset(self.stemmer.stem(t) for t in toks)
                entry_stems[index] |= stems
                entry_slots[index] |= _slots(toks)
                self.docs.append(_Doc(index, " ".join(sorted(toks)), stems, 0.0))
        df = Counter(s for stems in entry_stems for s in stems)
        n = len(entries)
        self.idf = {s: math.log((n + 1) / (c + 0.5)) for s, c in df.items()}
        self.max_idf = math.log((n + 1) / 0.5)
        self.entry_stems = [frozenset(s) for s in entry_stems]
        # The answer text is a weaker channel: it knows the words ("SOP", "mutasi") that a
        # curator did not think to put in a phrasing.
        self.answer_stems = [
            frozenset(
                self.stemmer.stem(t)
                for t in normalizer.content(normalizer.tokens(f"{e.title} {e.answer}"))
                if t.isalpha() and len(t) > 2
            )
            for e in entries
        ]
        self.entry_slots = [frozenset(s) for s in entry_slots]
        self.kb_stems = frozenset(df)
        self.known_stems = self.kb_stems.union(*self.answer_stems)
        self.doc_weight = {s: self._weight(s) for s in self.kb_stems}
        self.stem_docs: dict[str, list[int]] = {}
        for i, doc in enumerate(self.docs):
            doc.mass = sum(self.doc_weight[s] for s in doc.stems) or 1.0
            for stem in doc.stems:
                self.stem_docs.setdefault(stem, []).append(i)
        self.doc_texts = [doc.sorted_text for doc in self.docs]

    def _weight(self, stem: str) -> float:
        w = self.idf.get(stem, self.max_idf)
        if stem in self.normalizer.lexicon.question_words:
            w *= self.params.question_weight
        return w

    def analyze(self, text: str) -> _Analyzed:
        norm = self.normalizer
        # Fillers go first: a typo fixer that saw "nanya" would make it "namanya".
        tokens = [self.typos.fix(t) if t not in self.known else t
                  for t in norm.content(norm.tokens(text))]
        stems = [self.stemmer.stem(t) for t in tokens]
        weights = [self._weight(s) for s in stems]
        return _Analyzed(tokens, stems, weights, " ".join(sorted(tokens)), _slots(tokens))

    def has_known_content(self, q: _Analyzed) -> bool:
        """True when the question has a KB word beyond question words and intent markers."""
        lex = self.normalizer.lexicon
        generic = lex.question_words | set(lex.intents.values())
        return any(s in self.known_stems and s not in generic for s in q.stems)

    def score(self, q: _Analyzed) -> list[Scored]:
        p = self.params
        total = sum(q.weights) or 1.0
        qweight = dict(zip(q.stems, q.weights, strict=True))
        best_doc = [0.0] * len(self.entries)
        fz_by_doc: dict[int, float] = {}
        # token_sort_ratio is ratio() on token-sorted text; the docs are stored sorted, so
        # rapidfuzz scores all of them in one C loop.
        for _, fz, i in process.extract(
            q.sorted_text, self.doc_texts, scorer=fuzz.ratio, limit=None, score_cutoff=30
        ):
            doc = self.docs[i]
            fz_by_doc[i] = fz / 100.0
            value = p.w_fuzzy * fz / 100.0
            if value > best_doc[doc.entry_index]:
                best_doc[doc.entry_index] = value
        # The fit channel only concerns docs sharing a stem with the question.
        touched: dict[int, float] = {}
        for stem, w in qweight.items():
            for i in self.stem_docs.get(stem, ()):
                touched[i] = touched.get(i, 0.0) + w
        fit_best = [0.0] * len(self.entries)
        for i, covered_q in touched.items():
            doc = self.docs[i]
            recall = covered_q / total
            precision = sum(self.doc_weight[s] for s in doc.stems if s in qweight) / doc.mass
            fit = 2 * recall * precision / (recall + precision)
            value = p.w_fuzzy * fz_by_doc.get(i, 0.0) + p.w_fit * fit
            if value > fit_best[doc.entry_index]:
                fit_best[doc.entry_index] = value
        out = []
        for index, entry in enumerate(self.entries):
            stems = self.entry_stems[index]
            cover = sum(w for s, w in qweight.items() if s in stems) / total
            in_answer = self.answer_stems[index]
            answer = sum(w for s, w in qweight.items() if s in in_answer) / total
            value = max(best_doc[index], fit_best[index]) + p.w_cover * cover
            value += p.w_answer * answer
            if q.slots and self._slot_conflict(q.slots, self.entry_slots[index]):
                value *= p.slot_penalty
            out.append(Scored(entry, value))
        out.sort(key=lambda s: -s.score)
        return out

    @staticmethod
    def _slot_conflict(query: frozenset[str], entry: frozenset[str]) -> bool:
        for cls in (_PREDICATES, None):
            qs = {s for s in query if (s in _PREDICATES) == (cls is not None)}
            es = {s for s in entry if (s in _PREDICATES) == (cls is not None)}
            if qs and es and not (qs & es):
                return True
        return False

    def decide(self, text: str) -> Decision:
        p = self.params
        q = self.analyze(text)
        if not q.tokens:
            return Decision("none", (), False)
        known = self.has_known_content(q)
        ranked = tuple(self.score(q))
        if not known or not ranked:
            return Decision("none", ranked, known)
        s1 = ranked[0].score
        s2 = ranked[1].score if len(ranked) > 1 else 0.0
        if s1 >= p.answer_at and s1 - s2 >= p.answer_gap:
            return Decision("answer", ranked, known)
        if s1 >= p.suggest_at:
            return Decision("suggest", ranked, known)
        return Decision("none", ranked, known)

    def suggestions(self, decision: Decision) -> list[Scored]:
        p = self.params
        if not decision.ranked:
            return []
        top = decision.ranked[0].score
        picked = [s for s in decision.ranked if top - s.score <= p.suggest_within]
        return picked[: p.max_suggestions] if len(picked) >= 2 else list(decision.ranked[:2])
