"""Question → knowledge-base entry matching.

Each entry is scored on three channels over normalized tokens (``bot.text``):
- fuzzy: rapidfuzz ``token_sort_ratio`` against the entry's title and phrasings (catches typos
  and word order that the token channels miss);
- phrasing fit: IDF-weighted F1 between the question's stems and one phrasing's stems (prefers
  "nilai minimal wbk" over "nilai minimal pengungkit wbk" for the question "nilai minimal wbk");
- coverage: the share of the question's IDF mass that the entry knows at all (an unknown word
  keeps the highest IDF, so "harga bbm" stays far from every entry);
- naive Bayes: the entry's posterior given the question's stems, learnt from all its phrasings
  at once (breaks ties between neighbours that one phrasing alone cannot tell apart).
Slots that change the answer (WBK vs WBBM, a year) must agree, or the score is cut; a redirect
has none, since it says where to ask whatever the year.
An entry's asked questions (``Entry.asked``, questions users typed) are matched as phrasings
are, but their words are not the knowledge base's: a word only users wrote leaves a question
as unknown as before and widens no entry's coverage.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import json
import logging
import math
import os
import pickle
import re
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.confidence import ConfidenceModel
from bot.gc_pause import paused_gc
from bot.kb import Entry
from bot.text import Lexicon, Normalizer, Stemmer, TypoFixer, colloquial_roots, fold

log = logging.getLogger(__name__)

_YEAR = re.compile(r"^(19|20)\d\d$")
_PREDICATES = frozenset({"wbk", "wbbm"})
# A number and the spaces after it: what follows is the unit it counts in ("60 persen").
_NUMBER = re.compile(r"\d+\s*")
_YEAR_IN_TEXT = re.compile(r"\b(?:19|20)\d\d\b")
# A year that is not the year of a regulation's number ("90/2021").
_DATA_YEAR = re.compile(r"(?<![/\d])(?:19|20)\d\d\b")
# A date asked ("ditetapkan tanggal berapa"): the word is read as the intent "waktu" with
# "jadwal" and "tenggat", so it is looked for in the text as typed.
_DATE_WORD = re.compile(r"\b(?:tanggal(?:nya)?|tgl|date)\b", re.IGNORECASE)
_DATE_ASKS = frozenset({"berapa", "kapan"})
# A day and a month in an answer: "31 Mei", "20 Desember 2021".
_DAY_MONTH = re.compile(
    r"\b\d{1,2}\s+(?:januari|februari|maret|april|mei|juni|juli|agustus|september|oktober|"
    r"november|desember|jan|feb|mar|apr|jun|jul|agu|agt|sep|sept|okt|nov|des)\b",
    re.IGNORECASE)
# A web address asked ("link download lke dimana"), and one in an answer ("lapor.go.id").
_LINK_ASKS = frozenset({"link", "tautan", "url", "website", "web", "situs", "laman"})
_WEB_ADDRESS = re.compile(r"https?://|\b[\w-]+\.(?:go\.id|ac\.id|or\.id|id|com|org|net)\b",
                          re.IGNORECASE)
# What every web address above has: most answers have none of them, and the pattern costs
# at every word.
_LINK_MARKS = ("http", ".id", ".com", ".org", ".net")


def _gives_link(text: str) -> bool:
    lowered = text.lower()
    return any(mark in lowered for mark in _LINK_MARKS) and bool(_WEB_ADDRESS.search(text))


RANKED = 10  # entries ranked per question: more than the choices ever offered
FUZZY_FLOOR = 50  # a phrasing less alike than this cannot lift an entry to an answer


# The confidence model's inputs (``bot.confidence``), in its order.
FEATURES = (
    "score", "gap", "unknown", "cover", "fit", "fuzzy", "length",
    "fit_gap", "fuzzy_gap", "cover_gap", "votes", "votes_gap",
)
_UNKNOWN = FEATURES.index("unknown")
_SCORE = FEATURES.index("score")
# How the lexicon writes "what is": "apa itu X", "X tuh apaan", "pengertian X".
_DEFINITION_ASKS = frozenset({"apa", "definisi"})
# Words before the unit of a count asked: "berapa hari", "jumlah pns".
_COUNT_ASKS = frozenset({"berapa", "jumlah"})


@dataclass(frozen=True)
class Params:
    """Weights and thresholds, fitted on tuning questions, never on the held-out split.

    The channel weights come from the ``tune`` split. Whether to answer is up to the
    confidence model (``bot.confidence``, refitted by ``python -m bench.fit --write`` on the
    tuning splits that no phrasing was written from), which gives the probability that the
    best entry is right (for a question outside the bot's scope, right means a redirect entry
    that says where to ask). The bot answers when that probability is at least ``answer_p``.
    """

    w_fuzzy: float = 0.50
    w_fit: float = 0.30
    w_cover: float = 0.20
    w_answer: float = 0.15
    question_weight: float = 0.3
    slot_penalty: float = 0.6
    # With a right answer worth +1, a wrong one -5 and a list of choices +0.5, answering pays
    # above 5.5/6 if the model is calibrated. Cross-validated on tune2b to tune6 (one split
    # left out at a time, and three shuffles of five folds), 0.93 scored a little better:
    # 900–904 right and 3 wrong of 1,332 in each of the four, against 914–917 right and 3–7
    # wrong at 5.5/6. With tune7 added to the cross-validation the two scored the same
    # (1,051–1,055 right and 6 wrong of 1,623 at 0.93, 1,068–1,080 and 7 at 5.5/6).
    # Since the tuning questions are indexed as asked questions (``Entry.asked``), a new
    # question often has a near twin among them, and the model is surer of everything. Chosen
    # again on all tuning splits, each with its fold's asked questions left out
    # (tests/test_accuracy.py FOLDS): of 5,331 in scope, 0.93 answered 4,711 rightly with 104
    # wrong and gave 419 choices holding the right entry; 0.94: 4,681, 94, 449; 0.95: 4,629,
    # 88, 500; 0.96: 4,577, 80, 550; 0.97: 4,489, 70, 634; 0.98: 4,379, 59, 738. Weighted as
    # above, 0.95 to 0.98 score within 0.4% of each other (4,439 to 4,456, against 4,400 at
    # 0.93); 0.95 keeps the most first answers among them. Without asked questions, at 0.93:
    # 4,518, 94 and 568, measured in-sample (4,332).
    # With the out-of-scope examples (``Matcher._reads_outside``), chosen again on the same
    # folds with tune30, of 5,470 in scope: 0.93 answered 4,802 rightly with 85 wrong and gave
    # 461 choices holding the right entry; 0.94: 4,771, 77, 492; 0.95: 4,721, 72, 539
    # (scores 4,612, 4,632, 4,630). Without the examples, at 0.95: 4,752, 95, 508 (4,531).
    answer_p: float = 0.94
    # Below answer_p, choices are offered when the best entry still has this chance of being
    # right. Cross-validated on tune2b to tune6, 0.6 offers choices led by the right entry for
    # 84 unanswered in-scope questions and choices for 10 of 249 out-of-scope ones; 0.5 gives
    # 91 and 16.
    suggest_p: float = 0.6
    suggest_within: float = 0.12
    # No choices when more than this share of the question's weight is in words the KB never
    # uses: 0.6 would give 6 more in-scope questions the right choices but 5 more
    # out-of-scope ones choices too.
    max_unknown: float = 0.4
    # Choices down to ``known_suggest_p`` when the knowledge base knows every word of the
    # question and its best entry scores at least ``known_suggest_score``: "cara mengajukan
    # wbk" is near the process, the steps and the requirements at once, so the model is
    # unsure of each, yet one of them is what was asked, and "outside this bot" is false.
    # Chosen on tune to tune10 among the questions the bot refused (a choice list led by or
    # holding the right entry +0.5, one without it -0.25, one for an out-of-scope question
    # -0.5): 19 in scope got choices with the right entry, 1 without, 3 out of scope got
    # choices. On tune11 to tune21, which the choice did not look at: 15, 1 and 3.
    # A redirect is also given when more of the question is in words the knowledge base
    # never uses, if the model is this sure of it: the ministry of "nilai sakip kementerian
    # pertanian brp" or the complaint of "petugasnya judes dan nolak ngelayanin, lapor
    # kemana" are what the redirect is for. Chosen on all tuning splits: 4 redirects more
    # for in-scope questions that were refused, and for one out-of-scope question ("bikinin
    # script python") the redirect that says the bot writes no documents; 0.8 gave one more
    # redirect, 0.9 three fewer.
    redirect_p: float = 0.85
    redirect_unknown: float = 0.6
    known_suggest_p: float = 0.3
    known_suggest_score: float = 0.7
    max_suggestions: int = 3
    vote_docs: int = 10  # the best-matching phrasings that vote for their entries
    # The naive Bayes channel, chosen by cross-validation on tune2b to tune5: 0.2 and 1.0 put
    # the best entry first for 834 of 870 in-scope questions (809 without the channel), and a
    # smoother posterior (alpha 1.0 rather than 0.1) separates right from wrong better.
    w_bayes: float = 0.2
    bayes_alpha: float = 1.0  # additive smoothing of the per-entry stem counts
    # No answer when the question is at least this alike (ratio on sorted words) to an
    # out-of-scope example, and by ``outside_margin`` more than to any question of the entry.
    # At 0.94, of 5,470 tuning questions in scope: 70 and 5 answered 4,771 rightly with 77
    # wrong; 65 and 5, 4,768 and 77; 70 and 3, 4,762 and 76; 70 and 0, 4,729 and 73.
    outside_ratio: float = 70
    outside_margin: float = 5

    def act(self, sure: float, features: tuple[float, ...], *, redirect: bool = False,
            may_answer: bool = True, has_topic: bool = True,
            asked_unknown: float | None = None) -> str:
        """"answer", "suggest" or "none" for a best entry the model is ``sure`` of, given the
        model's ``features``; the rule of ``Matcher.decide``, kept here so that ``bench.fit``
        counts what the bot would do. ``may_answer`` is false when the entry does not give
        what was asked (a count, a definition); ``has_topic`` is false when the question
        names no topic at all; ``asked_unknown``, the share of the sentences with a question
        mark in words the knowledge base never uses (``Matcher.asked_unknown_share``), stands
        for the whole message's when smaller."""
        if sure >= self.answer_p and may_answer:
            return "answer"
        if not has_topic:
            return "none"
        unknown = features[_UNKNOWN]
        if asked_unknown is not None:
            unknown = min(unknown, asked_unknown)
        if sure >= self.suggest_p and unknown <= self.max_unknown:
            # A redirect states no fact about ZI, only where such questions are asked; a list
            # of choices headed by "outside this bot" helps less than saying so.
            return "answer" if redirect else "suggest"
        if redirect and sure >= self.redirect_p and unknown <= self.redirect_unknown:
            return "answer"
        if (sure >= self.known_suggest_p and unknown == 0.0
                and features[_SCORE] >= self.known_suggest_score):
            return "suggest"
        return "none"


class Scored(NamedTuple):
    # A NamedTuple, not a dataclass: every question makes one per entry.
    entry: Entry
    score: float
    fit: float = 0.0  # the best phrasing's IDF-weighted F1
    fuzzy: float = 0.0  # the best phrasing's token_sort_ratio, 0..1
    cover: float = 0.0  # share of the question's weight that the entry knows
    votes: float = 0.0  # the entry's share of the best-matching phrasings' scores


@dataclass(frozen=True)
class Decision:
    """What the matcher concluded: ``answer``, ``suggest`` or ``none``."""

    action: str
    ranked: tuple[Scored, ...]
    known_content: bool
    confidence: float = 0.0  # probability that the best entry is the right one

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
    # Where the sentences with a question mark are in ``stems``, when the message has others.
    asked: tuple[int, ...] = ()
    asks_date: bool = False
    # The words as typed, sorted (``Matcher._surface``), when there are out-of-scope examples.
    surface: str = ""


def _slots(tokens: Iterable[str]) -> frozenset[str]:
    # The digit test first: every phrasing passes here at start-up, and few words are years.
    return frozenset(t for t in tokens
                     if t in _PREDICATES or (t[:1].isdigit() and _YEAR.match(t)))


_SENTENCE_END = re.compile(r"[.?!]+\s+|\n+")
# Abbreviations whose period ends no sentence: "No. 5 Tahun 2024", "RSUD Dr. Soedono".
_ABBREVIATIONS = frozenset({"no", "dr", "drs", "ir", "prof", "kab", "kec", "kel", "prov", "jl",
                            "hj", "h", "st", "tbk", "sdr", "bpk"})
_MIN_SENTENCE = 3  # words: a shorter fragment ("Halo kak.") joins the next sentence


def _abbreviated(before: str) -> bool:
    """Whether the text before a period ends in an abbreviation, so the period ends nothing."""
    words = before.split()
    return bool(words) and words[-1].lower() in _ABBREVIATIONS


def _sentences(text: str) -> list[str]:
    """The message's sentences; a fragment too short to be one joins the next."""
    pieces: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if match.group().startswith(".") and _abbreviated(text[start:match.start()]):
            continue
        pieces.append(text[start:match.end()])
        start = match.end()
    pieces.append(text[start:])
    out: list[str] = []
    carry = ""
    for piece in pieces:
        part = f"{carry} {piece}".strip()
        if len(part.split()) < _MIN_SENTENCE:
            carry = part
            continue
        out.append(part)
        carry = ""
    if carry:
        if out:
            out[-1] = f"{out[-1]} {carry}"
        else:
            out.append(carry)
    return out or [text]


# Where a clause ends: a comma, a question mark, a sentence's end; not the period of "No. 5"
# (nor of "Kab. Sleman": see ``_clauses``).
_CLAUSE_END = re.compile(r"([,;?!\n]+|\.+(?=\s|$))")


def _clauses(text: str) -> list[tuple[str, bool]]:
    """The message's clauses, each with whether a question mark ends it. Unlike
    ``_sentences``, a short clause stands alone: "penilaian wbk berlapis ya? gmn urutannya"
    asks twice."""
    parts = _CLAUSE_END.split(text)
    out: list[tuple[str, bool]] = []
    carry = ""
    for clause, end in zip(parts[::2], [*parts[1::2], ""], strict=True):
        if end.startswith(".") and _abbreviated(clause):
            carry += clause + end
            continue
        out.append((carry + clause, "?" in end))
        carry = ""
    if carry:
        out.append((carry, False))
    return [(clause, marked) for clause, marked in out if clause.strip()]


def _phrase_words(lex: Lexicon) -> set[str]:
    """Words of the lexicon's multi-word phrases, which never reach the index as themselves
    ("integritas" in "zona integritas" becomes "zi")."""
    keys = (*lex.phrases, *lex.intents, *lex.slang, *lex.unit_types)
    return {w for k in keys if " " in k for w in k.split() if len(w) >= 4 and w.isalpha()}


def _split_slots(slots: Iterable[str]) -> tuple[frozenset[str], frozenset[str]]:
    slots = frozenset(slots)
    predicates = slots & _PREDICATES
    return predicates, slots - predicates


def _postings(keys_per_item: Iterable[Iterable[str]]) -> dict[str, np.ndarray]:
    """Key → the positions of the items that hold it, ascending."""
    found: dict[str, list[int]] = {}
    for position, keys in enumerate(keys_per_item):
        for key in keys:
            found.setdefault(key, []).append(position)
    return {key: np.array(at, dtype=np.intp) for key, at in found.items()}


@dataclass(frozen=True)
class _SlotIndex:
    """Which items (phrasings, or entries) name each predicate or year."""

    size: int
    named_by: dict[str, np.ndarray]  # slot → positions of the items that name it
    has: tuple[np.ndarray, np.ndarray]  # per kind (predicates, years): items naming any

    @classmethod
    def of(cls, slots_per_item: list[frozenset[str]]) -> _SlotIndex:
        kinds = [_split_slots(slots) for slots in slots_per_item]
        has = tuple(np.array([bool(k[kind]) for k in kinds], dtype=bool) for kind in range(2))
        return cls(len(slots_per_item), _postings(slots_per_item), has)

    def disagree(self, asked: tuple[frozenset[str], frozenset[str]]) -> np.ndarray:
        """The items whose predicates, or years, all differ from the ones asked."""
        out = np.zeros(self.size, dtype=bool)
        for kind, slots in enumerate(asked):
            if slots:
                agrees = np.zeros(self.size, dtype=bool)
                for slot in slots:
                    if (at := self.named_by.get(slot)) is not None:
                        agrees[at] = True
                out |= self.has[kind] & ~agrees
        return out


def _spread(at: list[np.ndarray], amounts: list[float], n: int) -> np.ndarray:
    """Per entry, the sum of the amounts whose postings list it, in the order given."""
    if not at:
        return np.zeros(n)
    return np.bincount(np.concatenate(at), weights=np.repeat(amounts, [len(a) for a in at]),
                       minlength=n)


class _ByLength(NamedTuple):
    """Distinct texts in order of length, for ratio() searches with a cutoff: a text too much
    shorter or longer than the question cannot reach the cutoff, and is not compared."""

    texts: list[str]
    lengths: list[int]

    @classmethod
    def of(cls, texts: Iterable[str]) -> _ByLength:
        ordered = sorted(dict.fromkeys(texts), key=len)
        return cls(ordered, list(map(len, ordered)))

    def window(self, text: str, cutoff: float) -> slice:
        """Where the texts that may score ``cutoff`` (0..100) against ``text`` are. ratio() is
        2·common / (len a + len b), and common is at most the shorter length, so the longer of
        the two is at most (2 − r) / r times the shorter; one character of slack either side
        keeps float rounding from cutting a text that could reach it."""
        r = cutoff / 100.0
        size = len(text)
        if r <= 0.0:
            return slice(0, len(self.texts))
        shortest = math.floor(size * r / (2.0 - r)) - 1
        longest = math.ceil(size * (2.0 - r) / r) + 1
        return slice(bisect.bisect_left(self.lengths, shortest),
                     bisect.bisect_right(self.lengths, longest))


_INDEX_FORMAT = 1


def _read_index(path: Path) -> dict | None:
    """The stored index, or None when there is none or it cannot be read (it is rebuilt)."""
    try:
        with path.open("rb") as fh:
            state = pickle.load(fh)
    except FileNotFoundError:
        return None
    except Exception as exc:  # a truncated or foreign file: rebuild rather than fail to start
        log.warning("matcher index %s unreadable (%s); rebuilding it", path, exc)
        return None
    return state if isinstance(state, dict) and "_repair_targets" in state else None


def _write_index(path: Path, state: dict) -> None:
    """Written beside, then renamed: a crash mid-write never leaves half an index behind.
    Indexes of earlier knowledge are removed; a cache that cannot be written only costs time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".matcher-", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(state, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        for old in path.parent.glob("matcher-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError as exc:
        log.warning("matcher index not stored in %s: %s", path.parent, exc)


class Matcher:
    """Scores a question against every entry; small enough (a few hundred docs) to scan."""

    # Made from the index at every start, not stored: they hold caches of their own.
    _TOOLS = frozenset({"entries", "normalizer", "params", "model", "typos", "stemmer",
                        "_qwords", "_generic", "_plain", "_asking", "_words_of_their_own",
                        "standard", "_unsaid", "outside"})

    def __init__(
        self,
        entries: list[Entry],
        normalizer: Normalizer,
        params: Params | None = None,
        *,
        cache_dir: Path | None = None,
        model: ConfidenceModel | None = None,
        outside: tuple[str, ...] = (),
    ):
        """``cache_dir``: where the built index is kept between starts. Normalizing a few
        thousand phrasings is most of a start; a restart on an unchanged knowledge base, lexicon
        and matcher code reads the index back instead. ``model``: the confidence model, by
        default the one shipped beside ``bot.confidence``."""
        self.entries = entries
        self.normalizer = normalizer
        self.outside = outside
        self.params = params or Params()
        self.model = model or ConfidenceModel.load()
        if self.model.features != FEATURES:
            raise ValueError(f"the confidence model reads {self.model.features}, the matcher "
                             f"gives {FEATURES}: refit it with `python -m bench.fit --write`")
        path = cache_dir / f"matcher-{self._cache_key()}.pickle" if cache_dir else None
        state = _read_index(path) if path else None
        if state is not None:
            self.__dict__.update(state)
            self._tools(state["_repair_targets"])
            return
        with paused_gc():
            self._build()
        if path:
            _write_index(path, {k: v for k, v in self.__dict__.items() if k not in self._TOOLS})

    def _cache_key(self) -> str:
        """Changes whenever anything that shapes the index does."""
        digest = hashlib.sha256()
        for module in (__file__, sys.modules[Normalizer.__module__].__file__):
            digest.update(Path(module).read_bytes())
        content = [
            _INDEX_FORMAT, sys.version_info[:2], np.__version__, repr(self.params),
            self.normalizer.lexicon.digest,
            [(e.id, e.title, e.phrasings, e.asked, e.answer) for e in self.entries],
            self.outside,
        ]
        digest.update(json.dumps(content, ensure_ascii=False).encode())
        return digest.hexdigest()[:20]

    def _tools(self, repair_targets: frozenset[str]) -> None:
        lex = self.normalizer.lexicon
        self._repair_targets = repair_targets
        self.typos = TypoFixer(repair_targets, cutoff=82, min_length=4)
        # Question words are kept whole ("berapa" is not "apa") and left out of the fuzzy text,
        # where "berapa" would make any "... berapa" phrasing look alike.
        self.stemmer = Stemmer(self.known, lex.no_stem | lex.question_words)
        self._qwords = lex.question_words
        # Words that make a clause a question: "berapa", and "syarat" or "beda" as intents.
        self._asking = lex.question_words | set(lex.intents.values())
        # Of those, the ones that say what kind of question it is, not what it is about.
        self._generic = self._asking - lex.topical_intents
        # Words that name nothing: not topics, however a title may use them ("definisi" is
        # how "Apa itu" reads). See ``definition``.
        self._plain = lex.question_words | lex.courtesy | lex.stopwords | {"definisi"}
        # Words the lexicon lists for what they are: "antri" (a queue at a counter) is not a
        # slip from "anti", nor "timur" from anything.
        self._words_of_their_own = lex.service_words | lex.place_words
        self.standard = lru_cache(maxsize=65536)(self._standard)
        # What ``_surface`` leaves out: particles and question words, and their chat forms.
        unsaid = lex.stopwords | lex.question_words
        self._unsaid = unsaid | {k for k, v in lex.slang.items() if " " not in k and v in unsaid}

    def _build(self) -> None:
        entries = self.entries
        normalizer = self.normalizer
        lex = normalizer.lexicon
        phrase_tokens: list[list[str]] = []
        for entry in entries:
            for doc in (entry.title, *entry.phrasings, *entry.asked):
                phrase_tokens.append(normalizer.content(normalizer.tokens(doc)))
        answer_vocab = {
            t for e in entries for t in normalizer.tokens(e.answer) if t.isalpha()
        }
        phrase_words = _phrase_words(lex)
        phrase_tokens = self._repair_phrasings(phrase_tokens, answer_vocab, phrase_words)
        # The knowledge base's words are the curators': a word only users wrote ("dapet",
        # "presiden") is no sign that a question is about ZI, so asked questions widen neither
        # the vocabulary nor what an entry covers. They are phrasings to match, nothing more.
        curated = [k < 1 + len(e.phrasings)
                   for e in entries for k in range(1 + len(e.phrasings) + len(e.asked))]
        vocab = {t for toks, own in zip(phrase_tokens, curated, strict=True) if own
                 for t in toks}
        self.known = (vocab | answer_vocab | set(lex.slang.values()) | lex.question_words
                      | lex.everyday)
        # Intent and slang words are repair targets too: "kepanjngan" is "kepanjangan", which
        # the normalizer then reads as a definition question; so are the words of the
        # lexicon's phrases: "zona integritsa" is "zona integritas", which is "zi".
        spoken = {k for k in (*lex.intents, *lex.slang) if " " not in k} | phrase_words
        self._tools(frozenset(vocab | spoken))

        docs: list[_Doc] = []
        entry_stems: list[set[str]] = [set() for _ in entries]
        entry_slots: list[set[str]] = [set() for _ in entries]
        doc_slots: list[frozenset[str]] = []
        # The terms each entry defines (see ``_undefined``): its title's words, and any word
        # that one of its phrasings asks about alone ("lke itu apa").
        entry_defines: list[set[str]] = [set() for _ in entries]
        stem = self.stemmer.stem
        no_slots: frozenset[str] = frozenset()
        i = 0
        for index, entry in enumerate(entries):
            own = 1 + len(entry.phrasings)
            redirect = entry.is_redirect
            for k in range(own + len(entry.asked)):
                toks = phrase_tokens[i]
                i += 1
                stems = frozenset(map(stem, toks))
                if k < own:
                    entry_stems[index] |= stems
                # A redirect says where to ask, whatever the year or predicate: "cpns 2025 buka
                # ga" in its phrasings must not keep it from "pendaftaran cpns 2026".
                slots = no_slots if redirect else _slots(toks)
                doc_slots.append(slots)
                if slots:
                    entry_slots[index] |= slots
                docs.append(_Doc(index, self._fuzzy_text(toks), stems, 0.0))
                # What a user asked of an entry is no sign that the entry defines the word.
                if k < own:
                    words = {t for t in toks if t not in self._generic}
                    if k == 0 or len(words) == 1:
                        entry_defines[index] |= words
        self.entry_defines = {e.id: frozenset(d) for e, d in zip(entries, entry_defines,
                                                                   strict=True)}
        # Each phrasing's own slots, for its vote: a phrasing about WBK (or 2018) is no
        # evidence for a question about WBBM (or 2020), even in an entry that has both.
        self._doc_slots = _SlotIndex.of(doc_slots)
        # Predicates and years are kept apart: each kind must agree on its own.
        self._entry_slots = _SlotIndex.of([frozenset(slots) for slots in entry_slots])
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
                # Title and answer apart: both were normalized above, and the cache has them.
                for text in (e.title, e.answer)
                for t in normalizer.content(normalizer.tokens(text))
                if t.isalpha() and len(t) > 2
            )
            for e in entries
        ]
        self.kb_stems = frozenset(df)
        # Thanks, goodbyes and forms of address around a question ("syarat wbk apa aja,
        # makasih kak", "kek mana caranya ... bah") are no part of it, unless the knowledge
        # base uses the word ("terima" of "penerima").
        self._closing = frozenset(t for t in lex.thanks | lex.farewells | lex.courtesy
                                  if self.stemmer.stem(t) not in self.kb_stems)
        # An answer word counts as "about the knowledge base" only when few answers use it:
        # "sekarang" or "cara" appear everywhere and say nothing about the topic.
        answer_df = Counter(s for stems in self.answer_stems for s in stems)
        self.known_stems = self.kb_stems | {s for s, c in answer_df.items() if c <= 3}
        # Words of asked questions alone weigh as unknown words do (``_weight``).
        self.doc_weight = {s: self._weight(s)
                           for s in self.kb_stems.union(*(doc.stems for doc in docs))}
        for doc in docs:
            # fsum: exact, so the mass does not depend on the order a set hands out its stems.
            doc.mass = math.fsum(map(self.doc_weight.__getitem__, doc.stems)) or 1.0
        self.stem_docs = _postings(doc.stems for doc in docs)
        self.bayes = self._bayes_table(docs, len(entries))
        self.doc_texts = [doc.sorted_text for doc in docs]
        # The likeness channel compares each distinct text once, and only those of a length
        # that can reach the floor: a fifth of a question's comparisons saved.
        self.fuzzy_texts = _ByLength.of(self.doc_texts)
        at = {t: i for i, t in enumerate(self.fuzzy_texts.texts)}
        self.fuzzy_of_doc = np.array([at[t] for t in self.doc_texts], dtype=np.intp)
        self.doc_entry = np.array([doc.entry_index for doc in docs], dtype=np.intp)
        self.doc_mass = np.array([doc.mass for doc in docs])
        # The docs of an entry are consecutive (title, then phrasings): where each begins.
        self.entry_starts = np.searchsorted(self.doc_entry, np.arange(len(entries)))
        # Words that name a topic: those of the entries' titles ("syarat", "bobot", "pakta"),
        # the domain terms the lexicon spells out ("tlhp", "wtp") and the unit types (a
        # question about a unit: how to look one up is close to it).
        self.topic_stems = frozenset().union(
            *(docs[i].stems for i in self.entry_starts),
            (self.stemmer.stem(t) for v in lex.phrases.values() for t in v.split()),
            (self.stemmer.stem(t) for t in lex.unit_type_tokens))
        # Entries that say what one term is: a title "Apa itu X?", or a title that is one
        # term ("Tim Penilai Internal (TPI)"), keyed by the title's words; and the words of all
        # titles, which name topics. See ``definition``.
        title_words = [
            frozenset(t for t in normalizer.content(normalizer.tokens(e.title))
                      if t not in self._plain)
            for e in entries
        ]
        self.title_stems = frozenset(self.stemmer.stem(t) for w in title_words for t in w)
        definers: dict[frozenset[str], list[str]] = {}
        for e, words in zip(entries, title_words, strict=True):
            if words and ("definisi" in normalizer.tokens(e.title)[:1] or len(words) == 1):
                definers.setdefault(words, []).append(e.id)
        self.definitions = {w: ids[0] for w, ids in definers.items() if len(ids) == 1}
        # The counts each answer gives, by unit ("60%" → persen): see ``_lacks_count``. What
        # follows each number is read once, not searched for once per unit: half as long.
        units = lex.quantity_units
        longest = max((len(s) for spellings in units.values() for s in spellings), default=0)
        self.entry_counts = {}
        for e in entries:
            text = e.answer.lower()
            after = {text[m.end():m.end() + longest] for m in _NUMBER.finditer(text)}
            self.entry_counts[e.id] = frozenset(
                unit for unit, spellings in units.items()
                if any(a.startswith(spellings) for a in after))
        self.stem_entries = _postings(self.entry_stems)
        # Entries of yearly facts: their answers give two years or more outside regulation
        # numbers ("2022 (JPNN): 97 lulus", not "PermenPANRB 90/2021"), and every year they
        # name, in either form, is one they speak of.
        self.entry_years = {
            e.id: frozenset(_YEAR_IN_TEXT.findall(e.answer))
            for e in entries
            if len(set(_DATA_YEAR.findall(e.answer))) >= 2
        }
        self.answer_entries = _postings(self.answer_stems)
        # Entries whose answers give a day of a month: see ``_lacks_date``.
        self.entry_dates = frozenset(e.id for e in entries if _DAY_MONTH.search(e.answer))
        self.entry_links = frozenset(e.id for e in entries if _gives_link(e.answer))
        # Every stem of an entry's phrasings, title and answer: see ``_untranslated``.
        self.entry_words = {e.id: self.entry_stems[i] | self.answer_stems[i]
                            for i, e in enumerate(entries)}
        # The detail words each entry names, as stems: see ``_lacks_detail``.
        detail_stems = lex.detail_words | {self.stemmer.stem(d) for d in lex.detail_words}
        self.entry_details = {id_: words & detail_stems for id_, words in self.entry_words.items()}
        # Where each entry's documents are (title, phrasings, asked questions).
        ends = [*self.entry_starts[1:].tolist(), len(docs)]
        self.entry_docs = {e.id: slice(int(start), end)
                           for e, start, end in zip(entries, self.entry_starts, ends, strict=True)}
        self.outside_texts = _ByLength.of(t for t in map(self._surface, self.outside) if t)

    def _repair_phrasings(
        self, phrase_tokens: list[list[str]], answer_vocab: set[str], phrase_words: set[str]
    ) -> list[list[str]]:
        """Curators write typos into phrasings on purpose ("tatalaksna"), as users type them.

        Kept as they are, such a word would be a rare word of a few phrasings, weighing more
        than the real one, and the question-side repair would never touch it. A long word
        that no answer and no lexicon entry uses, and at most two phrasings, is repaired when
        one dropped, doubled or swapped letter makes it a word the knowledge base is about.
        """
        lex = self.normalizer.lexicon
        counts = Counter(t for toks in phrase_tokens for t in set(toks))
        base = (answer_vocab | set(lex.slang.values()) | lex.question_words
                | set(lex.intents.values()) | phrase_words)
        fixer = TypoFixer(base | {t for t, c in counts.items() if c >= 3}, cutoff=82,
                          min_length=5)

        def fix(token: str) -> str:
            # Only a long, rare word one slip away: a letter dropped, doubled or swapped.
            # One letter for another is how real words differ ("perumahan", "perubahan";
            # "tinggal", "tanggal"), so it is not taken for a typo here.
            if len(token) < 7 or token in base or counts[token] > 2:
                return token
            repaired = fixer.fix(token)
            if repaired == token or OSA.distance(token, repaired) > 1:
                return token
            if len(repaired) == len(token) and sorted(repaired) != sorted(token):
                return token
            # The target must be a word the knowledge base is about: in a lexicon phrase, or
            # in ten phrasings ("memuat", from one answer, is no target for "membuat").
            if repaired in phrase_words or counts[repaired] >= 10:
                return repaired
            return token

        # Each word is looked at once: most recur across phrasings.
        repaired = {t: fix(t) for t in counts}
        out = []
        for toks in phrase_tokens:
            fixed = [repaired[t] for t in toks]
            if fixed != toks:
                fixed = self.normalizer.content(self.normalizer.tokens(" ".join(fixed)))
            out.append(fixed)
        return out

    def _bayes_table(self, docs: list[_Doc], n: int) -> dict[str, np.ndarray]:
        """Log P(stem | entry) of a naive Bayes model over the phrasings' stems.

        A second opinion beside the phrasing channels: it learns from all of an entry's
        phrasings together which words are typical of it ("bedanya" of the comparison
        entry), where the other channels look at one phrasing at a time.
        """
        alpha = self.params.bayes_alpha
        # One count matrix filled at once: a Python loop adding to a row per stem was a
        # twentieth of a start.
        row_of: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        for doc in docs:
            for stem in doc.stems:
                rows.append(row_of.setdefault(stem, len(row_of)))
                cols.append(doc.entry_index)
        counts = np.zeros((len(row_of), n))
        np.add.at(counts, (np.array(rows, dtype=np.intp), np.array(cols, dtype=np.intp)), 1.0)
        totals = np.bincount([d.entry_index for d in docs],
                             weights=[len(d.stems) for d in docs], minlength=n)
        denominator = np.log(totals + alpha * len(row_of))
        table = np.log(counts + alpha) - denominator
        return {stem: table[i] for stem, i in row_of.items()}

    def _weight(self, stem: str) -> float:
        w = self.idf.get(stem)
        if w is None:
            # An unknown word weighs like the rarest KB word, so "harga bbm" stays far from
            # every entry; but a number ("nilainya 82") or a two-letter scrap ("tu") says
            # little about the topic.
            w = self.max_idf if len(stem) > 2 and not stem.isdigit() else 1.0
        if stem in self.normalizer.lexicon.question_words:
            w *= self.params.question_weight
        return w

    def analyze(self, text: str, leave_out: frozenset[str] = frozenset()) -> _Analyzed:
        """The question's tokens, stems and weights; ``leave_out``: words of the message that
        are no part of the question (see ``decide``)."""
        sentences = _sentences(text)
        parts = [self._tokens(sentence, leave_out) for sentence in sentences]
        tokens = [t for part in parts for t in part]
        likeness = tokens
        surface = text
        asked_at: tuple[int, ...] = ()
        if len(parts) > 1:
            # "Di rakor kemarin pak sekda nyebut OLGOZI. OLGOZI itu apa ya?": phrasings are
            # worded like the sentence that asks, so only that one is compared for likeness;
            # every word still counts for the fit and the coverage.
            questioned = [i for i, s in enumerate(sentences) if "?" in s]
            asked = questioned or [len(parts) - 1]
            likeness = [t for i in asked for t in parts[i]] or tokens
            surface = " ".join(sentences[i] for i in asked)
            starts = list(itertools.accumulate((len(part) for part in parts), initial=0))
            asked_at = tuple(at for i in questioned for at in range(starts[i], starts[i + 1]))
        stems = [self.stemmer.stem(t) for t in tokens]
        weights = [self._weight(s) for s in stems]
        asks_date = not _DATE_ASKS.isdisjoint(tokens) and bool(_DATE_WORD.search(text))
        return _Analyzed(tokens, stems, weights, self._fuzzy_text(likeness), _slots(tokens),
                         asked_at, asks_date,
                         self._surface(surface) if self.outside_texts.texts else "")

    def _tokens(self, text: str, leave_out: frozenset[str] = frozenset()) -> list[str]:
        norm = self.normalizer
        # Fillers and greetings go first: a typo fixer that saw "nanya" would make it
        # "namanya", and "halo" in "halo, apa itu wbk" is not part of the question.
        greetings = norm.lexicon.greetings
        raw = [t for t in norm.content(norm.tokens(text))
               if t not in greetings and t not in self._closing and t not in leave_out]
        tokens = [t if t in self.known else self.standard(t) for t in raw]
        if tokens != raw:
            # A repaired word may complete a phrase ("zona integritsa" → "zi").
            tokens = norm.content(norm.tokens(" ".join(tokens)))
        return tokens

    def knows(self, token: str) -> bool:
        """Whether the knowledge base uses the word, as typed, repaired or as a colloquial
        verb's root ("ngajuin")."""
        if token in self.known:
            return True
        standard = self.standard(token)
        return standard in self.known or self.stemmer.stem(standard) in self.kb_stems

    def _standard(self, token: str) -> str:
        """An unknown word as the knowledge base would write it: its typo repair, else its
        colloquial root when the knowledge base uses that root ("nyanangin" → "canang")."""
        if token in self._words_of_their_own:
            return token
        fixed = self.typos.fix(token)
        if fixed != token:
            return fixed
        # Equally near words that the question reads alike are no choice to make: "penilain"
        # is one slip from "penilai" and from "penilaian", both an evaluation word.
        near = self.typos.candidates(token)
        if len(near) > 1 and len({self._reading(w) for w in near}) == 1:
            return near[0]
        for root in colloquial_roots(token):
            if self.stemmer.stem(root) in self.kb_stems:
                return root
        return token

    def _reading(self, word: str) -> tuple[str, ...]:
        """The stems the matcher reads a word as, after the lexicon's mappings."""
        norm = self.normalizer
        return tuple(self.stemmer.stem(t) for t in norm.content(norm.tokens(word)))

    def _surface(self, text: str) -> str:
        """The words of ``text`` as typed, folded and sorted, without particles and question
        words: how a question is compared with the out-of-scope examples. Normalized like the
        phrasings, their 1,500 would cost 45 to 55 ms of a start; folded, 15."""
        unsaid = self._unsaid
        return " ".join(sorted(t for t in fold(text).split() if t not in unsaid))

    def _fuzzy_text(self, tokens: Iterable[str]) -> str:
        return " ".join(sorted(t for t in tokens if t not in self._qwords))

    def has_known_content(self, q: _Analyzed) -> bool:
        """True when the question has a KB word beyond question words, intent markers and
        words about language."""
        generic, language = self._generic, self.normalizer.lexicon.language_words
        return any(s in self.known_stems and s not in generic and t not in language
                   for t, s in zip(q.tokens, q.stems, strict=True))

    def unknown_share(self, q: _Analyzed) -> float:
        return self._unknown_share(range(len(q.stems)), q)

    def asked_unknown_share(self, q: _Analyzed) -> float | None:
        """``unknown_share`` of the sentences with a question mark, when the message has
        others: "isi LKE ZI apa aja sih? sy baru mausk tim" asks in words the knowledge base
        knows, and the slip in the aside is no topic. None for a message of one sentence."""
        return self._unknown_share(q.asked, q) if q.asked else None

    def _unknown_share(self, at: Iterable[int], q: _Analyzed) -> float:
        """The share of the weight of the stems ``at`` these positions that is in stems the
        knowledge base never uses."""
        total = unknown = 0.0
        for i in at:
            total += q.weights[i]
            if q.stems[i] not in self.known_stems:
                unknown += q.weights[i]
        return unknown / (total or 1.0)

    def score(self, q: _Analyzed) -> list[Scored]:
        p = self.params
        total = sum(q.weights) or 1.0
        qweight: dict[str, float] = {}
        for stem, w in zip(q.stems, q.weights, strict=True):
            qweight[stem] = qweight.get(stem, 0.0) + w
        n = len(self.entries)
        # Every phrasing at once, in numpy: with a few thousand phrasings a Python loop over
        # the matching ones is most of a question's time.
        # token_sort_ratio is ratio() on token-sorted text; the docs are stored sorted. Below
        # the cutoff a doc cannot win and scores 0.
        fuzzy = self.fuzzy_texts
        near = fuzzy.window(q.sorted_text, FUZZY_FLOOR)
        alike = np.zeros(len(fuzzy.texts))
        if near.stop > near.start:
            alike[near] = process.cdist([q.sorted_text], fuzzy.texts[near], scorer=fuzz.ratio,
                                        score_cutoff=FUZZY_FLOOR, dtype=np.float64,
                                        workers=1)[0]
        fz = alike[self.fuzzy_of_doc] / 100.0
        # Fit, coverage and answer channels, accumulated through stem → doc/entry postings.
        # A question word weighs what it weighs in a doc (``_weight``), times the times it is
        # asked: one sum serves both sides of the fit, corrected for repeated words.
        postings: list[np.ndarray] = []
        amounts: list[float] = []
        extra: list[float] = []
        cover_at: list[np.ndarray] = []
        cover_amounts: list[float] = []
        answer_at: list[np.ndarray] = []
        answer_amounts: list[float] = []
        for stem, w in qweight.items():
            dw = self.doc_weight.get(stem)
            if dw is not None:
                postings.append(self.stem_docs[stem])
                amounts.append(w)
                extra.append(w - dw)
                # Coverage counts the curators' words only (see ``_build``).
                if (entries_at := self.stem_entries.get(stem)) is not None:
                    cover_at.append(entries_at)
                    cover_amounts.append(w)
            if (at := self.answer_entries.get(stem)) is not None:
                answer_at.append(at)
                answer_amounts.append(w)
        cover = _spread(cover_at, cover_amounts, n)
        answer = _spread(answer_at, answer_amounts, n)
        if postings:
            docs = np.concatenate(postings)
            sizes = [len(d) for d in postings]
            covered = np.bincount(docs, weights=np.repeat(amounts, sizes),
                                  minlength=len(self.doc_texts))
            matched = covered
            if any(extra):
                matched = covered - np.bincount(docs, weights=np.repeat(extra, sizes),
                                                minlength=len(self.doc_texts))
            recall = covered / total
            precision = matched / self.doc_mass
            both = recall + precision
            fit = np.divide(2 * recall * precision, both, out=np.zeros_like(both),
                            where=both > 0)
        else:
            fit = np.zeros_like(fz)
        value = p.w_fuzzy * fz + p.w_fit * fit
        starts = self.entry_starts
        best = np.maximum.reduceat(value, starts)
        best_fit = np.maximum.reduceat(fit, starts).tolist()
        best_fz = np.maximum.reduceat(fz, starts).tolist()
        # When most of the best-matching phrasings belong to one entry, the question is
        # asked the way that entry is asked; a split vote means neighbours compete.
        query_slots = _split_slots(q.slots)
        ballot = value
        if q.slots:
            ballot = value.copy()
            ballot[self._doc_slots.disagree(query_slots)] = 0.0
        k = min(p.vote_docs, len(ballot))
        top = np.argpartition(-ballot, k - 1)[:k]
        top_mass = float(ballot[top].sum()) or 1.0
        votes = (np.bincount(self.doc_entry[top], weights=ballot[top], minlength=n)
                 / top_mass).tolist()
        log_bayes = np.zeros(n)
        for stem in qweight:
            if (row := self.bayes.get(stem)) is not None:
                log_bayes += row
        bayes = np.exp(log_bayes - log_bayes.max())
        bayes /= bayes.sum()
        score = best + p.w_bayes * bayes + (p.w_cover * cover + p.w_answer * answer) / total
        if q.slots:
            score[self._entry_slots.disagree(query_slots)] *= p.slot_penalty
        # Only the best few are ever read (the best, its runner-up, the choices); a Scored
        # for every entry was a sixth of a question's time.
        order = np.argsort(-score, kind="stable")[:RANKED].tolist()
        shares = cover / total
        entries = self.entries
        return [Scored(entries[i], float(score[i]), best_fit[i], best_fz[i], float(shares[i]),
                       votes[i]) for i in order]

    def features(self, q: _Analyzed, ranked: tuple[Scored, ...]) -> tuple[float, ...]:
        """The confidence model's inputs (``FEATURES``) for the best entry and its runner-up."""
        first = ranked[0]
        runner = ranked[1] if len(ranked) > 1 else Scored(first.entry, 0.0)
        second = runner.score
        return (
            first.score,
            first.score - second,
            self.unknown_share(q),
            first.cover,
            first.fit,
            first.fuzzy,
            math.log1p(len(q.tokens)),
            first.fit - runner.fit,
            first.fuzzy - runner.fuzzy,
            first.cover - runner.cover,
            first.votes,
            first.votes - runner.votes,
        )

    def confidence(self, features: tuple[float, ...]) -> float:
        return self.model.probability(features)

    def decide(self, text: str, leave_out: frozenset[str] = frozenset()) -> Decision:
        """``leave_out``: normalized words of the message that are no part of the question,
        such as the asker's own unit ("kami dari DPMPTSP Kab Sleman, syaratnya apa?")."""
        decision = self._decide(text, leave_out)
        if decision.action == "suggest" or (decision.action == "none" and decision.ranked):
            return self._by_clause(text, leave_out, decision)
        return decision

    def _by_clause(self, text: str, leave_out: frozenset[str], whole: Decision) -> Decision:
        """The whole message's best entry answered when the clause that asks is sure of it.

        "beda wbk ama wbbm apa aja sih, kantor sebelah udh wbbm katanya lbh keren": the aside
        halves the coverage of every entry, so the model is unsure of the message, though
        its first clause alone is the comparison entry's question word for word. Both must
        agree on the entry, and the clause must ask (a question mark ends it, or it has a
        question or intent word): "Di era 52/2014, syarat opini WTP ..." is not about the
        regulation its first clause names. A clause that opens with a subordinator qualifies
        the question ("kalau kepala kantor diganti, predikat wbk ikut hilang ga?"), and a
        clause sure of another entry asks a second question: both keep the choices.
        Measured on tune to tune24: 86 more right first answers, 5 more wrong ones. Only the
        clauses that ask are decided: a long message costs a decision per clause.

        A message the bot would refuse goes through the same rule, and is also answered from
        its only clause that asks, whichever entry that clause is sure of: "td rapat atasan
        bilang target kita wbk. wbk itu sebenernya apa sih, jujur sy blm paham" is a
        definition question between two remarks whose words ("rapat", "jujur", "paham") no
        entry knows. With two clauses that ask, the one that is not the whole message's topic
        is not answered alone: the other question would go unanswered. Choices are not
        overruled this way: there the whole message has found entries the clause may lack.
        Measured over all tuning splits, each without its fold's asked questions: 20 more
        right first answers, 1 more wrong (and 24 more, 1 more wrong, with no asked questions
        at all). Overruling choices too was mixed: 7 more right and none wrong with the asked
        questions, 9 more right and 3 more wrong without them.
        """
        clauses = _clauses(text)
        if len(clauses) < 2:
            return whole
        subordinators = self.normalizer.lexicon.subordinators
        best = whole.ranked[0].entry
        asked = []
        for clause, marked in clauses:
            tokens = self.normalizer.tokens(clause)
            if tokens and tokens[0] in subordinators:
                return whole
            if marked or not self._asking.isdisjoint(tokens):
                asked.append(clause)
        sure: Decision | None = None
        for clause in asked:
            decision = self._decide(clause, leave_out)
            if decision.action != "answer":
                continue
            if decision.ranked[0].entry is not best:
                if whole.action == "none" and len(asked) == 1 and self._may_answer(
                        self.analyze(text, leave_out), decision.ranked[0].entry):
                    return decision
                return whole
            sure = sure or decision
        if sure is None or not self._may_answer(self.analyze(text, leave_out), best):
            # The guards hold for the whole message: a clause sure of the field evaluation
            # does not make its entry say which uniform to wear, asked in the next clause.
            return whole
        return Decision("answer", whole.ranked, whole.known_content, sure.confidence)

    def _decide(self, text: str, leave_out: frozenset[str]) -> Decision:
        p = self.params
        q = self.analyze(text, leave_out)
        if not q.tokens:
            return Decision("none", (), False)
        known = self.has_known_content(q)
        ranked = tuple(self.score(q))
        if not ranked:
            return Decision("none", ranked, known)
        sure = 0.0
        # Without a word beyond question words and intents ("hasil mu vs liverpool"), the
        # model is not asked.
        if known:
            features = self.features(q, ranked)
            sure = self.confidence(features)
            action = p.act(sure, features, **self.guards(q, ranked[0].entry, sure))
            if action != "answer" and (defined := self.definition(q, ranked)) is not None:
                first = (defined, *(s for s in ranked if s is not defined))
                # The model's own view of that entry, below the answer threshold: the rule,
                # not the model, answered.
                return Decision("answer", first, known, self.confidence(self.features(q, first)))
            if action != "none":
                return Decision(action, ranked, known, sure)
        if self._vague(q):
            # "nilai minimal", "syarat": a topic without the question. No one entry is likely,
            # but the closest ones are what the user is looking for.
            return Decision("suggest", ranked, known, sure)
        return Decision("none", ranked, known, sure)

    def guards(self, q: _Analyzed, best: Entry,
               sure: float | None = None) -> dict[str, bool | float | None]:
        """What ``Params.act`` needs to know besides the model's confidence. Given ``sure``,
        the confidence, below the answer threshold: whether the entry may answer changes
        nothing, and is not looked into (the out-of-scope examples are a search of their
        own)."""
        return {
            "redirect": best.is_redirect,
            "may_answer": (sure is not None and sure < self.params.answer_p)
                          or self._may_answer(q, best),
            "has_topic": not self._no_topic(q),
            "asked_unknown": self.asked_unknown_share(q),
        }

    def definition(self, q: _Analyzed, ranked: tuple[Scored, ...]) -> Scored | None:
        """The entry that defines the one term whose meaning is asked, when the model is not
        sure enough: "kantor imigrasi deket rumah ada tulisan wbbm, itu artinya apa". The
        words around the term name no topic, so they cannot be what is asked, however they
        rank the entries ("sy staf baru di Bagian Organisasi Setda Kab. Aceh Besar, ... WBK
        itu artinya apa"); the meaning word sits next to the term (see below).
        "RB tematik ... itu maksudnya" asks about another term; "wbk itu singkatan bahasa
        jerman?" asks about a language."""
        tokens = q.tokens
        if _DEFINITION_ASKS.isdisjoint(tokens) or not (
                self.normalizer.lexicon.language_words.isdisjoint(tokens)):
            return None
        topical = frozenset(t for t in tokens if t not in self._plain
                            and self.stemmer.stem(t) in self.title_stems)
        entry_id = self.definitions.get(topical)
        if entry_id is None:
            return None
        terms = [i for i, t in enumerate(tokens) if t in topical]
        # "artinya", "pengertian" next to the term on either side, at most one word between;
        # "apa" right after it ("rb tuh apa sih", where "tuh" is a particle), since before it
        # "apa" asks something else ("apa wbk bisa dicabut").
        meaning = [i for i, t in enumerate(tokens) if t == "definisi"]
        what = [i for i, t in enumerate(tokens) if t == "apa"]
        if (all(abs(i - j) > 2 for i in meaning for j in terms)
                and not any(i - j == 1 for i in what for j in terms)):
            return None
        found = next((s for s in ranked if s.entry.id == entry_id), None)
        if found is None or not self._may_answer(q, found.entry):
            return None
        return found

    def _may_answer(self, q: _Analyzed, entry: Entry) -> bool:
        """Whether the entry gives what was asked: the count asked, the term asked about, the
        year, the date, the link or the detail asked."""
        return (not self._lacks_count(q, entry) and not self._undefined(q, entry)
                and not self._lacks_year(q, entry) and not self._lacks_date(q, entry)
                and not self._lacks_link(q, entry) and not self._lacks_detail(q, entry)
                and not self._untranslated(q, entry) and not self._reads_outside(q, entry))

    def _untranslated(self, q: _Analyzed, entry: Entry) -> bool:
        """A translation asked of words the entry never uses: "bahasa inggrisnya kepala bagian
        umum apa" is near the entry that gives the predicates' English names, and names
        nothing it has a word for. One word of the entry is enough ("english nya wbk apa, buat
        slide"): the rest of such a message says what the translation is for."""
        language = self.normalizer.lexicon.language_words
        pairs = list(zip(q.tokens, q.stems, strict=True))
        if entry.is_redirect or not any(t in language or t.removesuffix("nya") in language
                                        for t, _ in pairs):
            return False
        words = self.entry_words[entry.id]
        return not any(s in words for t, s in pairs
                       if t not in self._plain and t not in language and s not in language)

    def _reads_outside(self, q: _Analyzed, entry: Entry) -> bool:
        """The question reads more like a question that no entry answers (the out-of-scope
        examples of ``knowledge/contoh.tsv``) than like any phrasing or asked question of
        the entry: "kenapa bobot area sdm diturunin di permen 90" is near the entry on the
        areas' weights, and nearer still to a user's question about the reason, which no
        entry gives. A redirect says where to ask, which suits such a question too."""
        if not q.surface or entry.is_redirect:
            return False
        p = self.params
        examples = self.outside_texts
        outside = process.extractOne(
            q.surface, examples.texts[examples.window(q.surface, p.outside_ratio)],
            scorer=fuzz.ratio, score_cutoff=p.outside_ratio)
        if outside is None:
            return False
        # The entry's side as the likeness channel reads it. Compared in the surface form
        # too, the outcome was the same (of 5,470 tuning questions, 4,769 right and 77 wrong
        # against 4,771 and 77), and every start would make 5,700 more surface forms (20 ms).
        own = process.extractOne(q.sorted_text, self.doc_texts[self.entry_docs[entry.id]],
                                 scorer=fuzz.ratio)
        return outside[1] >= (own[1] if own else 0.0) + p.outside_margin

    def _lacks_detail(self, q: _Analyzed, entry: Entry) -> bool:
        """A detail of the topic asked (the lexicon's ``detail_words``: "sanksi", "seragam")
        that the entry never names: "pas evaluasi lapangan tpn pegawai harus pake seragam apa"
        is about the field evaluation, whose entry says nothing of dress."""
        details = self.normalizer.lexicon.detail_words
        asked = {s for t, s in zip(q.tokens, q.stems, strict=True)
                 if t in details or s in details}
        return bool(asked) and not entry.is_redirect and not asked <= self.entry_details[entry.id]

    def _lacks_date(self, q: _Analyzed, entry: Entry) -> bool:
        """A date asked ("permenpan 52 2014 ditandatangani tanggal berapa") that the entry's
        answer does not give: it names the regulation's year, not the day it was signed."""
        return q.asks_date and not entry.is_redirect and entry.id not in self.entry_dates

    def _lacks_link(self, q: _Analyzed, entry: Entry) -> bool:
        """A link asked ("link download template lke dimana") that the entry's answer does not
        give: it says what the LKE is, not where to download it."""
        return (not _LINK_ASKS.isdisjoint(q.tokens) and not entry.is_redirect
                and entry.id not in self.entry_links)

    def _lacks_year(self, q: _Analyzed, entry: Entry) -> bool:
        """The question names a year that an entry of yearly facts does not: the selection
        results of 2022 to 2024 do not say when the 2025 results come out, and the BPS index
        explained with its 2021 and 2022 values gives none for 2023."""
        covered = self.entry_years.get(entry.id)
        if covered is None:
            return False
        _, asked = _split_slots(q.slots)
        return bool(asked) and asked.isdisjoint(covered)

    def _lacks_count(self, q: _Analyzed, entry: Entry) -> bool:
        """The question asks a count ("brp hari", "jumlah pns") that the entry's answer
        does not give: the entry is about the topic, not about what was asked."""
        units = self.normalizer.lexicon.quantity_units
        asked = {t for w, t in itertools.pairwise(q.tokens) if w in _COUNT_ASKS and t in units}
        return not asked <= self.entry_counts[entry.id]

    def _undefined(self, q: _Analyzed, entry: Entry) -> bool:
        """A bare "what is X" ("LHKASN itu apa") that the entry does not define: it only
        mentions X (the unit requirements list LHKASN compliance)."""
        words = {t for t in q.tokens if t not in self._generic}
        if len(words) != 1 or not set(q.tokens) - words <= _DEFINITION_ASKS:
            return False
        return not words <= self.entry_defines[entry.id]

    def _no_topic(self, q: _Analyzed) -> bool:
        """One or two words, none of them a topic's ("sekarang", "pimpinan"): whatever
        entries come closest, the user did not ask about them."""
        words = [s for s in q.stems if s not in self._qwords]
        return len(words) <= 2 and not any(s in self.topic_stems for s in words)

    def _vague(self, q: _Analyzed) -> bool:
        """At most two words, no question word, each a word the knowledge base uses, one of
        them a topic's (``topic_stems``) that at most a third of the entries use ("bisa"
        alone names none, nor do "tadi" or "rapat")."""
        words = [s for s in q.stems if s not in self._qwords]
        if len(words) != len(q.stems) or not 0 < len(words) <= 2:
            return False
        topical = math.log((len(self.entries) + 1) / (len(self.entries) / 3 + 0.5))
        return (all(s in self.kb_stems for s in words)
                and any(self.idf[s] >= topical and s in self.topic_stems for s in words))

    def suggestions(self, decision: Decision) -> list[Scored]:
        p = self.params
        if not decision.ranked:
            return []
        top = decision.ranked[0].score
        picked = [s for s in decision.ranked if top - s.score <= p.suggest_within]
        return picked[: p.max_suggestions] if len(picked) >= 2 else list(decision.ranked[:2])
