"""Indonesian text normalization shared by the knowledge base and the unit look-up.

Everything that turns raw chat text into comparable tokens lives here, so that a question,
a knowledge-base phrasing and a unit name are always normalized the same way. The word lists
are data (``knowledge/lexicon.yaml``); this module only applies them.
"""

from __future__ import annotations

import hashlib
import re
import string
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, Levenshtein

# libyaml parses the knowledge base about ten times faster than the pure-Python loader.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_PUNCT = re.compile(r"[^\w\s]|_", re.UNICODE)
_DIGIT_LETTER = re.compile(r"(?<=\d)(?=[a-z])|(?<=[a-z])(?=\d)")
# Searched before the substitutions, which cost at every position of a text: most texts have
# no digit, the digits of most others stand apart ("2024"), and a tripled letter is rare.
_DIGIT = re.compile(r"\d")
_DIGIT_LETTER_HINT = re.compile(r"\d[a-z]|[a-z]\d")
_REPEAT = re.compile(r"([a-hj-z])\1\1+")
_REDUP = re.compile(r"\b([a-z]{2,})2\b")
# What every "kata2" has; most texts with a "2" have it only in numbers ("2024").
_REDUP_HINT = re.compile(r"[a-z]2\b")
_ASCII_PUNCT = bytes.maketrans(
    string.punctuation.encode(), b" " * len(string.punctuation)
)
# Accents left as separate marks by NFKD ("é" → "e" + U+0301), dropped in one pass.
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


# Cached: at start-up every phrasing is folded twice, once by the knowledge check for
# colliding phrasings and once by the normalizer, and folding is a tenth of a start.
@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lowercase ASCII with punctuation turned into spaces and letters split from digits."""
    if not text.isascii():
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    text = text.lower()
    if "2" in text and _REDUP_HINT.search(text):
        # "kata2" is how chat writes the reduplicated "kata-kata"; one copy carries the meaning.
        text = _REDUP.sub(r"\1", text)
    # bytes.translate is the fast path for ASCII punctuation; the regex handles the rest
    # (emoji, curly quotes) in text that is still not ASCII.
    if text.isascii():
        text = text.encode().translate(_ASCII_PUNCT).decode()
    else:
        text = _PUNCT.sub(" ", text)
    if _DIGIT.search(text) and _DIGIT_LETTER_HINT.search(text):
        text = _DIGIT_LETTER.sub(" ", text)
    # "wbkkkk", "apaaa": emphasis, not spelling. Two letters stay because "wbbm" needs them;
    # "i" is left alone for roman numerals ("AKN III").
    if _REPEAT.search(text):
        text = _REPEAT.sub(r"\1\1", text)
    return " ".join(text.split())


def phrase_pattern(phrases: Iterable[str]) -> re.Pattern[str] | None:
    ordered = sorted({p for p in phrases if p}, key=lambda p: (-len(p), p))
    if not ordered:
        return None
    return re.compile(r"\b(?:" + "|".join(re.escape(p) for p in ordered) + r")\b")


class _Rewriter:
    """Replaces whole phrases and single tokens by their canonical form, longest phrase first.

    A token-level trie, not one big regex alternation: the knowledge base's answers pass
    through here at start-up, and a regex of a few hundred alternatives made that slow.
    """

    def __init__(self, mapping: dict[str, str], *, possessive: bool = False):
        """``possessive``: the last word of a phrase of several words may carry "-nya"
        ("zona integritasnya"): the possessive changes nothing the phrase names."""
        self.first: dict[str, list[tuple[tuple[str, ...], list[str]]]] = {}
        for key, value in mapping.items():
            words = tuple(key.split())
            self.first.setdefault(words[0], []).append((words, value.split()))
            if possessive and len(words) > 1:
                owned = (*words[:-1], words[-1] + "nya")
                self.first[words[0]].append((owned, value.split()))
        for options in self.first.values():
            options.sort(key=lambda option: -len(option[0]))

    def tokens(self, tokens: list[str]) -> list[str]:
        """The tokens rewritten; the same list when nothing was."""
        first = self.first
        if first.keys().isdisjoint(tokens):
            return tokens
        out: list[str] = []
        done = 0  # tokens before this index are in ``out``
        # Only where a key can start is anything tried: every phrasing and answer passes
        # here at start-up, and most of their tokens start none.
        for i in [i for i, t in enumerate(tokens) if t in first]:
            if i < done:
                continue  # inside a phrase already replaced
            for words, replacement in first[tokens[i]]:
                size = len(words)
                if size == 1 or tuple(tokens[i : i + size]) == words:
                    out.extend(tokens[done:i])
                    out.extend(replacement)
                    done = i + size
                    break
        if not done:
            return tokens
        out.extend(tokens[done:])
        return out


def _fold_mapping(raw: dict | None) -> dict[str, str]:
    return {fold(str(k)): fold(str(v)) for k, v in (raw or {}).items() if fold(str(k))}


def _invert(groups: dict | None) -> dict[str, str]:
    """``{canonical: [variant, ...]}`` → ``{variant: canonical}``; the canonical maps to itself."""
    out: dict[str, str] = {}
    for canonical, variants in (groups or {}).items():
        canon = fold(str(canonical))
        out[canon] = canon
        for variant in variants or []:
            v = fold(str(variant))
            if v:
                out[v] = canon
    return out


def modern_spelling(token: str) -> str:
    """A name in the pre-1972 spelling as it is written today ("soedono" → "sudono").

    Only "oe": the old "dj" and "tj" also occur inside today's abbreviations ("ditjen").
    """
    return token.replace("oe", "u") if "oe" in token else token


_LEVEL = re.compile(r"^\[level (\d)\]$", re.MULTILINE)


def _place_words(path: Path) -> dict[str, int]:
    """``[level N]`` headers, each followed by its words, one per line."""
    if not path.exists():
        return {}
    out: dict[str, int] = {}
    parts = _LEVEL.split(path.read_text(encoding="utf-8"))
    for level, words in zip(parts[1::2], parts[2::2], strict=True):
        out.update(dict.fromkeys(words.split(), int(level)))
    return out


def _words(raw: Iterable[str] | None) -> frozenset[str]:
    return frozenset(f for f in (fold(str(w)) for w in raw or []) if f)


@dataclass
class Lexicon:
    """The word lists of ``knowledge/lexicon.yaml``, folded the same way as user text."""

    slang: dict[str, str] = field(default_factory=dict)
    stopwords: frozenset[str] = frozenset()
    question_words: frozenset[str] = frozenset()
    intents: dict[str, str] = field(default_factory=dict)
    # Intents that name a topic of this bot ("langganan", "pencanangan"), not only the kind of
    # question: alone with a question word they still make a question about the programme.
    topical_intents: frozenset[str] = frozenset()
    # Known words that alone do not make a question about the programme (translation).
    language_words: frozenset[str] = frozenset()
    phrases: dict[str, str] = field(default_factory=dict)
    unit_types: dict[str, str] = field(default_factory=dict)
    regions: dict[str, str] = field(default_factory=dict)
    unit_noise: frozenset[str] = frozenset()
    greetings: frozenset[str] = frozenset()
    thanks: frozenset[str] = frozenset()
    farewells: frozenset[str] = frozenset()
    courtesy: frozenset[str] = frozenset()
    help_words: frozenset[str] = frozenset()
    bot_words: frozenset[str] = frozenset()
    bot_asks: frozenset[str] = frozenset()
    no_stem: frozenset[str] = frozenset()
    unit_families: dict[str, str] = field(default_factory=dict)
    unit_soft: frozenset[str] = frozenset()
    unit_near: dict[str, str] = field(default_factory=dict)
    place_words: frozenset[str] = frozenset()
    unit_query_noise: frozenset[str] = frozenset()
    unit_status: frozenset[str] = frozenset()
    list_words: frozenset[str] = frozenset()
    list_filler: frozenset[str] = frozenset()
    count_words: frozenset[str] = frozenset()
    instansi: dict[str, str] = field(default_factory=dict)
    instansi_labels: dict[str, str] = field(default_factory=dict)
    # Words of real region names with the highest level they name (knowledge/places.txt);
    # unit_levels: the level a unit type serves. Together: which words are never typos.
    places: dict[str, int] = field(default_factory=dict)
    unit_levels: dict[str, int] = field(default_factory=dict)
    unit_common_types: frozenset[str] = frozenset()
    service_words: frozenset[str] = frozenset()
    speaker_words: frozenset[str] = frozenset()
    # Words that open a clause qualifying another ("kalau kepala kantor diganti, ...").
    subordinators: frozenset[str] = frozenset()
    # Everyday words and abbreviations a slip from a knowledge-base word ("bpkb" next to
    # "bpkp", "makan" next to "makna"): real words, never repaired into that word.
    everyday: frozenset[str] = frozenset()
    # A count asked in these units ("brp hari") and how an answer writes that unit.
    quantity_units: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Details asked of a topic ("sanksi", "materai") that only an entry naming them gives.
    detail_words: frozenset[str] = frozenset()
    digest: str = ""  # of the lexicon file: stored unit keys made with another are redone

    @classmethod
    def load(cls, path: Path) -> Lexicon:
        raw = path.read_bytes()
        data = yaml.load(raw.decode("utf-8"), Loader=_Loader) or {}
        return cls(
            digest=hashlib.sha256(raw).hexdigest()[:16],
            slang=_fold_mapping(data.get("slang")),
            stopwords=_words(data.get("stopwords")),
            question_words=_words(data.get("question_words")),
            intents=_invert(data.get("intents")),
            topical_intents=_words(data.get("topical_intents")),
            language_words=_words(data.get("language_words")),
            phrases=_fold_mapping(data.get("phrases")),
            unit_types=_invert(data.get("unit_types")),
            regions=_fold_mapping(data.get("regions")),
            unit_noise=_words(data.get("unit_noise")),
            greetings=_words(data.get("greetings")),
            thanks=_words(data.get("thanks")),
            farewells=_words(data.get("farewells")),
            courtesy=_words(data.get("courtesy")),
            help_words=_words(data.get("help_words")),
            bot_words=_words(data.get("bot_words")),
            bot_asks=_words(data.get("bot_asks")),
            no_stem=_words(data.get("no_stem")),
            unit_families=_invert(data.get("unit_families")),
            unit_soft=_words(data.get("unit_soft")),
            unit_near=_invert(data.get("unit_near")),
            place_words=_words(data.get("place_words")),
            unit_query_noise=_words(data.get("unit_query_noise")),
            unit_status=_words(data.get("unit_status")),
            list_words=_words(data.get("list_words")),
            list_filler=_words(data.get("list_filler")),
            count_words=_words(data.get("count_words")),
            instansi=_invert(data.get("instansi")),
            instansi_labels={fold(str(k)): str(v)
                             for k, v in (data.get("instansi_labels") or {}).items()},
            unit_common_types=_words(data.get("unit_common_types")),
            service_words=_words(data.get("service_words")),
            speaker_words=_words(data.get("speaker_words")),
            subordinators=_words(data.get("subordinators")),
            everyday=_words(data.get("everyday")),
            detail_words=_words(data.get("detail_words")),
            # Not folded: "%" is how most answers write "persen".
            quantity_units={fold(str(k)): tuple(str(v).lower() for v in vs)
                            for k, vs in (data.get("quantity_units") or {}).items()},
            places=_place_words(path.parent / "places.txt"),
            unit_levels={fold(str(t)): int(level)
                         for level, types in (data.get("unit_levels") or {}).items()
                         for t in types or []},
        )

    @property
    def unit_type_tokens(self) -> frozenset[str]:
        return frozenset(self.unit_types.values())


# "W B K", "t p n": an acronym spelled out. Three letters or more in a row are joined; two
# are not, as "kelas i a" is a unit's class, not a word. Every phrasing and answer passes
# here at start-up: the pattern starts with a space, which the regex engine finds fast.
_SPELLED = re.compile(r" [a-z](?: [a-z]){2,}(?= )")


def _join_spelled(text: str) -> str:
    if not _SPELLED.search(f" {text} "):
        return text
    return _SPELLED.sub(lambda m: " " + m.group().replace(" ", ""), f" {text} ")[1:-1]


# The Indonesian names of the letters, as speech-to-text writes an acronym said aloud:
# "we be ka" is WBK, "te pe en" TPN.
_LETTER_NAMES = {
    "a": "a", "be": "b", "ce": "c", "de": "d", "e": "e", "ef": "f", "ge": "g", "ha": "h",
    "i": "i", "je": "j", "ka": "k", "el": "l", "em": "m", "en": "n", "o": "o", "pe": "p",
    "ki": "q", "er": "r", "es": "s", "te": "t", "u": "u", "fe": "v", "ve": "v", "we": "w",
    "eks": "x", "ye": "y", "zet": "z",
}
_LETTER_NAME_SET = frozenset(_LETTER_NAMES)


def _join_letter_names(tokens: list[str], acronyms: frozenset[str]) -> list[str]:
    """Runs of letter names that spell one of ``acronyms``, each made that acronym. Only a
    known acronym is made: "de" and "e" are words too."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        end = i
        while end < len(tokens) and tokens[end] in _LETTER_NAMES:
            end += 1
        # The longest spelled acronym that starts here.
        for stop in range(end, i + 1, -1):
            word = "".join(_LETTER_NAMES[t] for t in tokens[i:stop])
            if word in acronyms:
                out.append(word)
                i = stop
                break
        else:
            out.append(tokens[i])
            i += 1
    return out


# "itu artinya" / "itu berarti" before a statement asks whether something follows ("apa itu
# artinya kami sudah dapat predikat?"), not what a term means ("wbk itu artinya apa").
_MEANS = frozenset({"artinya", "berarti"})


def _read_implication(tokens: list[str], stopwords: frozenset[str],
                      question_words: frozenset[str]) -> list[str]:
    """"(apa) itu artinya <statement>" as "(apakah) berarti <statement>": without it, "apa
    itu" and "artinya" ask for a definition of whatever the message names."""
    if _MEANS.isdisjoint(tokens):
        return tokens
    out = list(tokens)
    for i in range(len(out) - 1, 0, -1):
        if out[i] not in _MEANS or out[i - 1] != "itu":
            continue
        said = next((t for t in out[i + 1:] if t not in stopwords), None)
        if said is None or said in question_words:
            continue
        if i >= 2 and out[i - 2] == "apa":
            out[i - 2:i + 1] = ["apakah", "berarti"]
        else:
            out[i - 1:i + 1] = ["berarti"]
    return out


class Normalizer:
    """Turns text into canonical tokens; identical for questions, KB phrasings and unit names."""

    def __init__(self, lexicon: Lexicon):
        self.lexicon = lexicon
        self._phrases = _Rewriter(lexicon.phrases, possessive=True)
        self._slang = _Rewriter(lexicon.slang)
        self._units = _Rewriter({**lexicon.regions, **lexicon.unit_types})
        # Intent synonyms are rewritten after slang so "gimana caranya" and "bagaimana cara"
        # meet; question words are never removed, only synonyms unified.
        self._intents = _Rewriter(lexicon.intents)
        # Chat words whose last letter is doubled for emphasis ("kakk", "sihh", "dongg") are
        # read as themselves; a word the lexicon knows as it is stays.
        self._chat = (
            lexicon.stopwords | lexicon.greetings | lexicon.thanks | lexicon.farewells
            | lexicon.courtesy | lexicon.question_words | lexicon.help_words | lexicon.bot_words
            | {k for k in lexicon.slang if " " not in k}
        )
        # The acronyms the lexicon spells out ("tim penilai nasional" → "tpn"), which a
        # speech-to-text message may spell by their letters' names.
        self._acronyms = frozenset(
            v for v in lexicon.phrases.values()
            if v.isalpha() and 2 <= len(v) <= 6)
        self.tokens = lru_cache(maxsize=65536)(self._tokens)

    def _undouble(self, token: str) -> str:
        if len(token) > 2 and token[-1] == token[-2] and token not in self._chat:
            shorter = token[:-1]
            if shorter in self._chat:
                return shorter
        return token

    def _tokens(self, text: str) -> tuple[str, ...]:
        # Only a word whose last two letters are the same can be undoubled: most are not.
        tokens = [self._undouble(t) if len(t) > 2 and t[-1] == t[-2] else t
                  for t in _join_spelled(fold(text)).split()]
        if not _LETTER_NAME_SET.isdisjoint(tokens):
            tokens = _join_letter_names(tokens, self._acronyms)
        tokens = self._phrases.tokens(tokens)
        slang = self._slang.tokens(tokens)
        if slang is not tokens:
            # Slang can complete a phrase ("wilayah bebas dr korupsi" → "... dari ...").
            tokens = self._phrases.tokens(slang)
        tokens = self._units.tokens(tokens)
        tokens = _read_implication(tokens, self.lexicon.stopwords, self.lexicon.question_words)
        return tuple(self._intents.tokens(tokens))

    def retype(self, tokens: Iterable[str]) -> tuple[str, ...]:
        """Re-apply the unit-type and region rewrites after tokens were changed (typo repair)."""
        return tuple(self._units.tokens(list(tokens)))

    def content(self, tokens: Iterable[str]) -> list[str]:
        """Tokens without particles and fillers; question words stay."""
        stop = self.lexicon.stopwords
        return [t for t in tokens if t not in stop]

    def key(self, text: str) -> tuple[str, ...]:
        """The words a text reads as, in any order: two texts with one key cannot be told
        apart by the matcher."""
        return tuple(sorted(self.content(self.tokens(text))))


# Indonesian affixes, longest first within each group. The stemmer is deliberately light: it
# only has to map "pengusulan", "diusulkan" and "usul" to one key on both sides of a comparison.
_PARTICLES = ("lah", "kah", "tah", "pun")
_POSSESSIVES = ("nya", "ku", "mu")
_SUFFIXES = ("kan", "an", "i")
_PREFIXES = (
    ("meng", ("", "k")),
    ("meny", ("s",)),
    ("mem", ("p", "")),
    ("men", ("", "t")),
    ("me", ("",)),
    ("peng", ("", "k")),
    ("peny", ("s",)),
    ("pem", ("p", "")),
    ("pen", ("", "t")),
    ("per", ("",)),
    ("pe", ("",)),
    ("ber", ("",)),
    ("be", ("",)),
    ("ter", ("",)),
    ("di", ("",)),
    ("ke", ("",)),
    ("se", ("",)),
)
_MIN_STEM = 3
# The prefixes by their first two letters, in the order above: most words start with none of
# them, and a start-up stems a few thousand words.
_PREFIXES_BY_START = {
    start: tuple(p for p in _PREFIXES if p[0].startswith(start))
    for start in {prefix[:2] for prefix, _ in _PREFIXES}
}


class Stemmer:
    """A light Indonesian stemmer that prefers candidates found in a known vocabulary."""

    def __init__(self, vocabulary: Iterable[str] = (), no_stem: Iterable[str] = ()):
        self.vocabulary = frozenset(vocabulary)
        self.no_stem = frozenset(no_stem)
        self.stem = lru_cache(maxsize=65536)(self._stem)

    def _strip_suffixes(self, word: str) -> list[str]:
        forms = [word]
        for group in (_PARTICLES, _POSSESSIVES, _SUFFIXES):
            for suffix in group:
                if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
                    word = word[: -len(suffix)]
                    forms.append(word)
                    break
        return forms

    def _strip_prefix(self, word: str) -> list[str]:
        out = []
        for prefix, recodings in _PREFIXES_BY_START.get(word[:2], ()):
            if word.startswith(prefix) and len(word) - len(prefix) >= _MIN_STEM:
                rest = word[len(prefix) :]
                out.extend(r + rest for r in recodings)
                break
        return out

    def _stem(self, word: str) -> str:
        if len(word) <= 4 or word in self.no_stem or not word.isalpha():
            return word
        candidates: list[str] = []
        for form in self._strip_suffixes(word):
            candidates.append(form)
            for stripped in self._strip_prefix(form):
                candidates.append(stripped)
                candidates.extend(self._strip_prefix(stripped))
        known = [c for c in candidates if c in self.vocabulary and len(c) >= _MIN_STEM]
        if known:
            # The shortest known form is the deepest root the vocabulary vouches for.
            return min(known, key=len)
        return candidates[-1] if len(candidates[-1]) >= 4 else word


_VOWELS = frozenset("aeiou")


def colloquial_roots(token: str) -> tuple[str, ...]:
    """The roots a Jakarta-style verb may be built on, most likely first.

    Chat builds verbs with "ny-", "nge-", "ng-" for "me-" and "-in" for "-kan"/"-i", and ends
    roots in "e" where writing has "ai": "nyanangin" is "mencanangkan", "ngulang" is
    "mengulang", "dipakenya" is "dipakainya". The formal stemmer knows none of these; the
    caller keeps a root only when the knowledge base uses it, since most of the guesses for
    any one word are not words. A guess needs at least one of these marks: "kepanjanganya"
    is a typo, not a verb.
    """
    if len(token) < 5 or not token.isalpha():
        return ()
    bases = [token]
    if token.endswith("nya") and len(token) >= 7:
        bases.append(token[:-3])
    if token.startswith("di") and len(token) >= 6:
        bases += [b[2:] for b in bases]
    roots = []
    for base in bases:
        cores = [(base, False)]
        if base.endswith("in") and len(base) >= 6:
            cores.append((base[:-2], True))
        for core, marked in cores:
            heads = [(core, marked)]
            if core.startswith("nge") and len(core) >= 6:
                heads.append((core[3:], True))
            elif core.startswith("ny") and core[2:3] in _VOWELS:
                heads += [("s" + core[2:], True), ("c" + core[2:], True)]
            elif core.startswith("ng") and core[2:3] in _VOWELS:
                heads += [(core[2:], True), ("k" + core[2:], True)]
            for head, marked_head in heads:
                if marked_head:
                    roots.append(head)
                if head.endswith("e"):
                    roots.append(head[:-1] + "ai")
    return tuple(r for r in dict.fromkeys(roots) if r != token and len(r) >= 4)


def _max_slips(token: str) -> int:
    """Edits a typo may be from its word: one per four letters, at least one. More make
    another word ("menarik" is two edits from "mencari", "pencangan" three from
    "penerbangan")."""
    return max(1, len(token) // 4)


class TypoFixer:
    """Maps a token outside the vocabulary to its nearest vocabulary token, when close enough.

    Candidates share the token's first letter (chat typos rarely hit it), which keeps a
    100,000-unit vocabulary fast; a token with two equally near candidates is left alone.
    """

    def __init__(self, vocabulary: Iterable[str], *, cutoff: float = 85, min_length: int = 4):
        self._known = frozenset(vocabulary)
        self._buckets: dict[str, list[str]] = {}
        for word in sorted(self._known):
            # Short words are not repair targets: "main" must not become "man".
            if len(word) >= min_length:
                self._buckets.setdefault(word[:1], []).append(word)
        self.cutoff = cutoff
        self.min_length = min_length
        self.scored = lru_cache(maxsize=65536)(self._scored)

    def __contains__(self, token: str) -> bool:
        return token in self._known

    def fix(self, token: str) -> str:
        return self.scored(token)[0]

    def candidates(self, token: str, *, limit: int = 5) -> tuple[str, ...]:
        """The vocabulary words nearest to ``token``; several when equally near, none when
        nothing is close or more than ``limit`` words tie.

        Nearness is the edit distance with two swapped letters counted as one edit ("tegnah"
        is one edit from "tengah" and two from "tendah"); the caller picks among ties by what
        else the question says.
        """
        if token in self._known or len(token) < self.min_length or not token.isalpha():
            return ()
        bucket = self._buckets.get(token[:1], ())
        found = process.extract(token, bucket, scorer=fuzz.ratio, score_cutoff=self.cutoff,
                                limit=32)
        if len(token) <= 6:
            # In a short word one wrong or swapped letter falls under the ratio cutoff.
            found += process.extract(token, bucket, scorer=OSA.distance, score_cutoff=1,
                                     limit=32)
        near = {w for w, _, _ in found}
        if not near:
            return ()
        distance = {w: OSA.distance(token, w) for w in near}
        best = min(distance.values())
        if best > _max_slips(token):
            return ()
        tied = sorted(w for w, d in distance.items() if d == best)
        if len(token) <= 5 and len(tied) > 1:
            # A short word one letter from several others is often an abbreviation of its
            # own ("bpkb" is neither "bpnb" nor "bpkp").
            return ()
        return tuple(tied) if len(tied) <= limit else ()

    def _scored(self, token: str) -> tuple[str, float]:
        """(replacement, similarity 0-100); the token itself with 100 when nothing is done."""
        if token in self._known or len(token) < self.min_length or not token.isalpha():
            return token, 100.0
        bucket = self._buckets.get(token[:1], ())
        found = process.extract(
            token, bucket, scorer=fuzz.ratio, score_cutoff=self.cutoff, limit=2
        )
        if not found and len(token) <= 5:
            # Short words fall under the ratio cutoff with a single wrong letter ("wbbn"):
            # one substitution is allowed when exactly one word is that close.
            near = [w for w in bucket if len(w) == len(token)
                    and Levenshtein.distance(token, w, score_cutoff=1) <= 1]
            if len(near) == 1:
                return near[0], self.cutoff
        if not found:
            return token, 100.0
        if len(found) > 1 and found[0][1] - found[1][1] < 2:
            # The ratio counts two swapped letters as two edits, so "pengusualn" is as near
            # "pengusul" as "pengusulan"; counted as one slip, one word may be nearest.
            nearest = self.candidates(token)
            if len(nearest) == 1 and OSA.distance(token, nearest[0]) == 1:
                return nearest[0], found[0][1]
            return token, 100.0
        if OSA.distance(token, found[0][0]) > _max_slips(token):
            return token, 100.0
        return found[0][0], found[0][1]
