"""Unit look-up: which unit of the awards table does a chat message mean?

Names and questions go through the same ``bot.text.Normalizer``. Each unit gets one or more
*variants* (its full name, the name without its parent organisation, the form built on the
abbreviation it carries in parentheses, explicit aliases), each reduced to a set of core
tokens. A question matches a variant when every core token of the question is in the variant
and every token of the variant the question lacks is a soft one ("kota", "kantor", "utama").
That set logic, not a fuzzy score, decides; fuzzy scores only rank near misses for "did you
mean", so a twin such as "Polres Sumbawa Barat" is never returned for "polres sumbawa".
"""

from __future__ import annotations

import gc
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import islice, product
from sys import intern
from typing import NamedTuple

from rapidfuzz import fuzz, process

from bot.gc_pause import paused_gc
from bot.text import Normalizer, TypoFixer, fold, modern_spelling, phrase_pattern

_PAREN = re.compile(r"\(([^)]*)\)")
KEY_FORMAT = ":6"  # bump when keys_for changes what it produces
DISTINCTIVE = 2  # a word in at most this many unit names identifies its unit
_COLUMNS = ("id", "name", "instansi", "region", "aliases", "match_keys", "region_keys",
            "match_version")
_YEAR = re.compile(r"^(19|20)\d\d$")
_ROMAN = re.compile(r"^(?=[ivxl]+$)x{0,3}(ix|iv|v?i{0,3})$")
# A word that appears in more units than this ("desa", "polsek" in a large table) does not
# bring candidates of its own: the rarer words of the question do.
_MAX_POSTINGS = 3000
_MAX_SECOND = 300
_MAX_READINGS = 8
_MAX_CHOICES = 8  # units offered to pick from when the question does not decide
# A sibling type's unit as a near miss, shown in a not-found reply: below the brain's
# CLOSE_NAME, so without a predicate asked it does not make the message a unit question.
SIBLING_SCORE = 80.0


class _Reading(NamedTuple):
    tokens: frozenset[str]
    ordered: tuple[str, ...]
    guessed: bool  # a name word in it is a typo repair


class UnitRef(NamedTuple):
    # A NamedTuple, not a dataclass: 100,000 of them are made at every start.
    id: int
    name: str
    instansi: str
    region: str


@dataclass(frozen=True)
class Lookup:
    """What the question names.

    ``answer``: the one unit it names; ``choices``: units it may mean (the user must pick);
    ``close``: near misses for a not-found reply; ``see_also``: twins of the answer.
    """

    query: frozenset[str]
    answer: UnitRef | None = None
    choices: tuple[UnitRef, ...] = ()
    close: tuple[tuple[UnitRef, float], ...] = ()
    see_also: tuple[UnitRef, ...] = ()
    types: frozenset[str] = frozenset()  # unit types the question names
    status: bool = False  # the question asks about a predicate ("udah wbk?")
    fitting: int = 0  # units that fit as well as the choices, when more than are offered


@dataclass(slots=True)
class _Variant:
    unit: int
    core: frozenset[str]
    types: frozenset[str]
    head: str | None  # the unit's own type, the first type word of its name


class _Units:
    """The units as parallel lists; a UnitRef is made when one is asked for."""

    def __init__(self) -> None:
        self.ids: list[int] = []
        self.names: list[str] = []
        self.instansi: list[str] = []
        self.regions: list[str] = []

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index: int) -> UnitRef:
        return UnitRef(self.ids[index], self.names[index], self.instansi[index],
                       self.regions[index])

    def __iter__(self):
        return map(UnitRef, self.ids, self.names, self.instansi, self.regions)


class _Variants:
    """Variants as two flat lists; the token sets are made only for candidates of a query."""

    def __init__(self, type_tokens: frozenset[str]):
        self.unit: list[int] = []
        self.text: list[str] = []
        self.type_tokens = type_tokens
        self._cache: dict[int, _Variant] = {}

    def __len__(self) -> int:
        return len(self.text)

    def __getitem__(self, index: int) -> _Variant:
        variant = self._cache.get(index)
        if variant is None:
            words = self.text[index].split()
            core = frozenset(words)
            head = next((w for w in words if w in self.type_tokens), None)
            variant = _Variant(self.unit[index], core, core & self.type_tokens, head)
            if len(self._cache) > 200_000:
                self._cache.clear()
            self._cache[index] = variant
        return variant


class UnitIndex:
    """In-memory index over the units table; built at start-up from the database rows."""

    def __init__(self, rows: Iterable[dict], normalizer: Normalizer):
        self.normalizer = normalizer
        lex = normalizer.lexicon
        self.type_tokens = lex.unit_type_tokens
        self.families = lex.unit_families
        self.soft = lex.unit_soft
        self.place_words = lex.place_words
        self.near = lex.unit_near
        self.generic_types = frozenset(k for k, v in self.families.items() if k == v)
        self.query_types = self.type_tokens | frozenset(self.families) | frozenset(self.near)
        self.instansi_alias = lex.instansi
        self.places = lex.places
        self.levels = lex.unit_levels
        # Words the lexicon defines are never "typos" of a unit name ("jampidum" is not
        # "jampidsus").
        self.protected = (
            self.type_tokens | frozenset(lex.instansi) | frozenset(lex.regions.values())
            | frozenset(self.families)
        )
        # Class suffixes are phrases ("kelas iia", "non tpi"): removed as phrases, so that a
        # lone "2" in "MAN 2 Jakarta Timur" survives.
        self._noise = phrase_pattern(lex.unit_noise)
        self.query_noise = (
            lex.unit_query_noise | lex.stopwords | lex.question_words | lex.greetings
            | lex.thanks
        )
        self._regions: dict[str, frozenset[tuple[str, ...]]] = {}
        self._parts: dict[str, tuple[str, ...]] = {}
        self._instansi_cache: dict[int, str] = {}
        self._split_regions: dict[str, tuple[frozenset[str], ...]] = {}
        # Words of the knowledge base are not typos of a place ("berlaku" is not "Berau").
        self.extra_protected: frozenset[str] = frozenset()
        self.computed = self.refresh(rows)

    # ------------------------------------------------------------------ keys
    @property
    def version(self) -> str:
        """Identifies the normalization: stored keys made under another one are recomputed."""
        return self.normalizer.lexicon.digest + KEY_FORMAT

    def keys_for(self, name: str, aliases: str | None, region: str) -> tuple[str, str]:
        """The match keys of a unit, as the units table stores them.

        Variants are separated by "|", tokens by spaces. Computing them is the expensive part
        of indexing, so the importer stores them and a restart only reads them.
        """
        variants: list[str] = []
        seen: set[frozenset[str]] = set()
        for text in self._variant_texts(name, aliases):
            tokens = list(dict.fromkeys(self._core(text)))
            core = frozenset(tokens)
            if core and core not in seen:
                seen.add(core)
                # Name order is kept: the first unit type is the unit's own ("KUA" in "KUA
                # Kecamatan X"), the others name its place or parent.
                variants.append(" ".join(tokens))
        return "|".join(variants), "|".join(sorted(" ".join(p) for p in self._region(region)))

    def keyer(self, name: str, aliases: str | None, region: str) -> tuple[str, str, str]:
        """What the importer stores with a new unit (see ``importer.Keyer``)."""
        return (*self.keys_for(name, aliases, region), self.version)

    def refresh(self, rows: Iterable[tuple | dict]) -> list[tuple[int, str, str, str]]:
        """Rebuild from the units table; returns keys it had to compute (to be stored)."""
        with paused_gc():
            computed = self._build(rows)
            # The index lives as long as the process: moved out of the collector's sight, a
            # full collection no longer walks it in the middle of someone's question.
            gc.freeze()
        return computed

    def _build(self, rows: Iterable[tuple | dict]) -> list[tuple[int, str, str, str]]:
        self.units = _Units()
        self._instansi_cache.clear()  # keyed by position in self.units
        self.variants = _Variants(self.type_tokens)
        # Each unit's region as its stored keys, whole place names joined by "|" ("jawa barat"):
        # a question's "barat" alone is not covered by Jawa Barat. Split only for candidates.
        self.region_keys: list[str] = []
        self._first_variant: list[int] = []
        self._index_by_id: dict[int, int] | None = None
        computed: list[tuple[int, str, str, str]] = []
        version = self.version
        postings: dict[str, list[int]] = defaultdict(list)
        regions: dict[str, str] = {}  # one string object per distinct region
        v_unit, v_text = self.variants.unit, self.variants.text
        ids_append, names_append = self.units.ids.append, self.units.names.append
        inst_append, region_text_append = self.units.instansi.append, self.units.regions.append
        regions_append = self.region_keys.append
        first_append = self._first_variant.append
        for row in rows:
            if type(row) is dict:
                row = tuple(row.get(c) for c in _COLUMNS)
            uid, name, instansi, region_text, aliases, keys, region_keys, row_version = row
            if keys is None or region_keys is None or row_version != version:
                keys, region_keys = self.keys_for(name, aliases, region_text or "")
                computed.append((uid, keys, region_keys, version))
            index = len(self.region_keys)
            ids_append(uid)
            names_append(name)
            # Instansi repeats across thousands of units: one string object for all of them.
            inst_append(intern(instansi or ""))
            region_text_append(region_text or "")
            regions_append(regions.setdefault(region_keys, region_keys))
            vindex = len(v_text)
            first_append(vindex)
            if not keys:
                continue
            for text in keys.split("|") if "|" in keys else (keys,):
                v_unit.append(index)
                v_text.append(text)
                for token in text.split():
                    postings[token].append(vindex)
                vindex += 1
        self.postings = dict(postings)
        self._of_type: dict[str, frozenset[int]] = {}
        self.region_words = frozenset(" ".join(regions).replace("|", " ").split())
        self.vocabulary = frozenset(self.postings.keys() | self.region_words)
        # Four letters are too few to tell a typo from another abbreviation ("bpkb", "bpnb").
        self.typos = TypoFixer(self.vocabulary, cutoff=80, min_length=5)
        return computed

    def types_of(self, unit_id: int) -> frozenset[str]:
        """The unit types in a unit's names (for list and subscription filters)."""
        if self._index_by_id is None:
            self._index_by_id = {uid: i for i, uid in enumerate(self.units.ids)}
        index = self._index_by_id.get(unit_id)
        if index is None:
            return frozenset()
        end = (self._first_variant[index + 1] if index + 1 < len(self._first_variant)
               else len(self.variants))
        types: set[str] = set()
        for vindex in range(self._first_variant[index], end):
            types |= self.variants[vindex].types
        return frozenset(types)

    # ------------------------------------------------------------------ build
    @staticmethod
    def _variant_texts(name: str, aliases: str | None) -> list[str]:
        if "," not in name and "(" not in name and not aliases:
            return [name]
        out = [name]
        base = name.split(",")[0]
        out.append(base)
        parens = _PAREN.findall(base)
        plain = _PAREN.sub(" ", base)
        out.append(plain)
        for inner in parens:
            # "(Ditjen Perhubungan Laut)" names the parent, not the unit itself.
            if fold(inner).split()[:1] in (["ditjen"], ["bpsdm"], ["dinas"]):
                continue
            after = base.split(f"({inner})", 1)[1]
            out.append(f"{inner} {_PAREN.sub(' ', after)}")
        for alias in (aliases or "").split(";"):
            if alias.strip():
                out.append(alias.strip())
        return out

    def _region(self, region: str) -> frozenset[tuple[str, ...]]:
        # Region strings repeat their parts ("Kabupaten Malang, Jawa Timur"): each part is
        # normalized once and shared.
        cached = self._regions.get(region)
        if cached is None:
            parts = (self._part(p) for p in region.replace("/", ",").split(","))
            cached = frozenset(p for p in parts if p)
            self._regions[region] = cached
        return cached

    def _part(self, part: str) -> tuple[str, ...]:
        cached = self._parts.get(part)
        if cached is None:
            cached = tuple(self._core(part))
            self._parts[part] = cached
        return cached

    def _strip_noise(self, tokens: Iterable[str]) -> list[str]:
        text = " ".join(tokens)
        if self._noise is not None:
            text = self._noise.sub(" ", text)
        return text.split()

    def _tokens(self, text: str) -> list[str]:
        # Names keep their old spelling ("Museum Basoeki Abdullah"); people type today's.
        return self._strip_noise(modern_spelling(t) for t in self.normalizer.tokens(text))

    def _core(self, text: str) -> list[str]:
        tokens = self._tokens(text)
        out: list[str] = []
        for t in tokens:
            if t in self.normalizer.lexicon.stopwords:
                continue
            if not out or out[-1] != t:
                out.append(t)
        return out

    # ----------------------------------------------------------------- search
    def _readings(self, text: str) -> tuple[list[_Reading], bool, bool]:
        """The question's core tokens, once for each way of repairing its typos; whether it
        asks about a predicate; whether it places the unit with "di" ("polres di malang")."""
        norm = self.normalizer
        # "wbknya", "wbbmnya": the possessive leaves a word that only says what is asked, and
        # would otherwise be read as part of the unit's name. ("predikatnya" the lexicon's
        # intents already fold, as they fold "statusnya".)
        raw = [t[:-3] if t.endswith("nya") and t[:-3] in self.query_noise else t
               for t in self._tokens(text)]
        status = any(t in self.normalizer.lexicon.unit_status for t in raw)
        located = "di" in raw
        words = [t for t in raw if t not in self.query_noise and not _YEAR.match(t)]
        # A question about a Polres may misspell a village's name, not a kabupaten's.
        level = max((self.levels.get(t, 2) for t in words if t in self.type_tokens), default=4)
        places = self.places
        known = [t for t in words if t in self.vocabulary or t in self.protected
                 or t in self.extra_protected or places.get(t, 9) <= level]
        # The rarest word the question spells right: a repair must share a unit with it.
        anchor = min((t for t in known if t in self.postings),
                     key=lambda t: len(self.postings[t]), default=None)
        options: list[tuple[str, ...]] = []
        for t in words:
            if t in known:
                options.append((t,))
                continue
            # Equally near repairs ("manggugn": manggung, mangguan) are all tried: the other
            # words of the question decide, or the user does.
            found = self.typos.candidates(t, limit=16)
            if len(found) > 1 and anchor is not None:
                # Walked from the repair's side: its units are few, the anchor's may be many
                # ("desa").
                found = tuple(c for c in found if any(
                    anchor in self.variants[v].core for v in self.postings.get(c, ())[:500]
                )) or found
            options.append(found if 0 < len(found) <= _MAX_READINGS else (t,))
        readings = []
        for combo in islice(product(*options), _MAX_READINGS):
            repaired = {w for w, t in zip(combo, words, strict=True) if w != t}
            # A repaired word may complete a type phrase ("pengadilan negri" → "pn").
            tokens = tuple(t for t in norm.retype(combo) if t not in self.query_noise)
            # A repair absorbed into a unit type was safe; a repaired name was a guess.
            readings.append(_Reading(frozenset(tokens), tokens, bool(repaired & set(tokens))))
        return readings, status, located

    def _type_match(self, q_type: str, variant_types: frozenset[str]) -> str | None:
        """How a type the user named fits the unit: "same", "near" (polres/polresta) or None.

        A generic word ("pengadilan") fits every type of its family; a specific type never
        stands for a sibling (PN is not PA, Lapas is not Bapas).
        """
        if q_type in variant_types:
            return "same"
        if q_type in self.generic_types:
            family = self.families.get(q_type)
            if any(self.families.get(v) == family for v in variant_types):
                return "near"
        near = self.near.get(q_type)
        if near is not None and any(self.near.get(v) == near for v in variant_types):
            return "near"
        return None

    def _score(
        self, q: frozenset[str], variant: _Variant, unit: int
    ) -> tuple[int, int, int, int] | None:
        """(place, hard, descriptive, soft) extra words of the unit; None if it misses a word.

        place: a word that makes it another place ("Sumbawa Barat" for "sumbawa"); hard: a
        unit type the user did not say ("Polres Gresik" for "gresik"); descriptive: another
        word of the name ("Pelabuhan" in "Polres Pelabuhan Tanjung Perak"); soft: "kota",
        "kantor", a near type.
        """
        missing = q - variant.core
        for t in missing:
            # Most candidates fail here, cheaply: a unit type the user named that this unit
            # is not ("koramil" for "Polsek Kota Tengah"), and that no region name contains.
            if (t in self.type_tokens and t not in self.region_words
                    and self._type_match(t, variant.types) is None):
                return None
        region: set[str] = set()
        if missing:
            for part in self._region_parts(self.region_keys[unit]):
                if part <= q:
                    region |= part
        matched_types: set[str] = set(q & variant.types)
        by_instansi = False
        soft = 0
        for t in missing:
            if t in region:
                continue
            kind = self._type_match(t, variant.types) if t in self.query_types else None
            if kind is not None:
                soft += kind == "near"
                matched_types.add(t)
                continue
            # A unit type is matched as a type only ("kemenag" is not "Pengadilan Agama").
            instansi = None if t in self.type_tokens else self.instansi_alias.get(t)
            if instansi is not None and f" {instansi} " in self._instansi_text(unit):
                by_instansi = True
                continue
            return None
        # Naming the agency ("bpn buleleng") or the unit's own type ("ditlantas jatim" for
        # "Ditlantas Polda Jawa Timur") settles the type: its other type words are soft. Naming
        # only a place type ("kecamatan x") does not make "KUA Kecamatan X" the answer.
        typed = by_instansi or (variant.head is not None and any(
            self._type_match(m, frozenset({variant.head})) for m in matched_types))
        place = hard = desc = 0
        for t in variant.core - q:
            if t in variant.types:
                if any(self._type_match(m, frozenset({t})) for m in matched_types):
                    continue
                if typed:
                    soft += 1
                    continue
                hard += 1
            elif t in self.soft:
                soft += 1
            elif t in self.place_words or t.isdigit() or _ROMAN.match(t):
                # "Langagedha I", "MAN 2": a number tells units apart like a place does.
                place += 1
            else:
                desc += 1
        return place, hard, desc, soft

    def _type_postings(self, token: str) -> frozenset[int]:
        found = self._of_type.get(token)
        if found is None:
            found = self._of_type[token] = frozenset(self.postings.get(token, ()))
        return found

    def _in_order(self, ordered: tuple[str, ...], vindex: int) -> bool:
        """Whether the question's name words stand in the unit's name in the same order."""
        words = [t for t in ordered if t not in self.query_types]
        name = self.variants.text[vindex].split()
        size = len(words)
        return size > 1 and any(name[i : i + size] == words
                                for i in range(len(name) - size + 1))

    def _region_parts(self, region_keys: str) -> tuple[frozenset[str], ...]:
        parts = self._split_regions.get(region_keys)
        if parts is None:
            parts = tuple(frozenset(p.split()) for p in region_keys.split("|") if p)
            self._split_regions[region_keys] = parts
        return parts

    def _instansi_text(self, unit: int) -> str:
        text = self._instansi_cache.get(unit)
        if text is None:
            text = self._instansi_cache[unit] = f" {fold(self.units.instansi[unit])} "
        return text

    def _rarest(self, q: frozenset[str]) -> int:
        counts = [len(p) for t in q if (p := self.postings.get(t))]
        return min(counts) if counts else 0

    def _candidate_lists(self, q: frozenset[str]) -> list[Sequence[int]]:
        """Posting lists of the question's words, rarest first, common words left out.

        A unit must contain the question's words, so the rarest word's units are enough; the
        next list is looked at only when the rarest word turns out to be a region word.
        """
        # Ties in length are broken by the word: a set's order changes with the hash seed,
        # and with it the near misses shown, from one start to the next.
        found = {t: p for t in q if (p := self.postings.get(t))}
        lists = [found[t] for t in sorted(found, key=lambda t: (len(found[t]), t))]
        # "desa", "polsek": too common to say which unit; rarer words decide.
        out = [p for p in lists[:1] if len(p) <= _MAX_POSTINGS]
        out += [p for p in lists[1:2] if len(p) <= _MAX_SECOND]
        return out

    def topic_before_type(self, text: str, known: frozenset[str] | set[str]) -> bool:
        """Whether a word before the question's first unit type names a topic rather than a
        unit: "akreditasi puskesmas paripurna", "jam besuk lapas cipinang" ask something about
        such units, not whether one has a predicate. A word counts when no unit name, place or
        ``known`` word (the knowledge base's, the chat's) has it."""
        for t in self._core(text):
            if t in self.query_types:
                return False
            if (t in self.vocabulary or t in self.protected or t in self.places
                    or t in self.query_noise or t in known or _YEAR.match(t)
                    or not t.isalpha()):
                continue
            return True
        return False

    def lookup(self, text: str, *, limit: int = 3) -> Lookup:
        readings, status, located = self._readings(text)
        results = [self._lookup(r, status, located, limit) for r in readings]
        if len(results) == 1:
            return results[0]
        fits = [r for r in results if r.answer or r.choices]
        if len(fits) == 1:
            return fits[0]
        if not fits:
            close: dict[UnitRef, float] = {}
            for r in results:
                for ref, score in r.close:
                    close[ref] = max(close.get(ref, 0.0), score)
            ranked = sorted(close.items(), key=lambda kv: -kv[1])[:limit]
            return Lookup(results[0].query, close=tuple(ranked), types=results[0].types,
                          status=status)
        # Two repairs each name a unit ("desa manggugn": Manggung or Mangguan): the user picks.
        units = list(dict.fromkeys(
            u for r in fits for u in ((r.answer,) if r.answer else ()) + r.choices))
        return Lookup(fits[0].query, choices=tuple(units[: max(limit, _MAX_CHOICES)]),
                      types=fits[0].types, status=status)

    def _lookup(self, reading: _Reading, status: bool, located: bool, limit: int) -> Lookup:
        q, guessed = reading.tokens, reading.guessed
        q_types = frozenset(t for t in q if t in self.query_types)
        if not q:
            return Lookup(q, types=q_types, status=status)
        best: dict[int, tuple[int, int, int, int]] = {}
        best_variant: dict[int, int] = {}
        candidates: set[int] = set()
        # A unit type the user named, which only that type fits and no place is named after
        # ("koramil"): only units of that type can fit, so the others are not scored.
        strict = [t for t in q_types if t in self.type_tokens and t not in self.region_words
                  and t not in self.generic_types and self.near.get(t) is None]
        # A word that is no type, agency or place must be in the unit's own name: checked on
        # the stored text before a candidate is looked at closely.
        name_words = [f" {t} " for t in q if t not in self.query_types
                      and t not in self.instansi_alias and t not in self.region_words]
        texts = self.variants.text
        for plist in self._candidate_lists(q):
            if not candidates:
                candidates.update(plist)  # near misses share the rarest word
            for t in strict:
                of_type = self._type_postings(t)
                plist = [v for v in plist if v in of_type]
            if name_words:
                plist = [v for v in plist
                         if all(w in f" {texts[v]} " for w in name_words)]
            for vindex in plist:
                variant = self.variants[vindex]
                score = self._score(q, variant, variant.unit)
                if score is not None and score < best.get(variant.unit, (99, 99, 99, 99)):
                    best[variant.unit] = score
                    best_variant[variant.unit] = vindex
            if best:
                break
        # A unit of another place is a near miss for the not-found reply, never a choice.
        near_miss = [u for u, sc in best.items() if sc[0] > 0]
        for u in near_miss:
            del best[u]
        names = self.units.names
        ranked = sorted(best, key=lambda u: (best[u], names[u]))
        by_order = False
        if len(ranked) > 1 and best[ranked[0]] == best[ranked[1]]:
            # Same words, another order ("Meunasah Lhee", "Lhee Meunasah"): the question's
            # order names one of them.
            tied = [u for u in ranked if best[u] == best[ranked[0]]]
            in_order = [u for u in tied if self._in_order(reading.ordered, best_variant[u])]
            if len(in_order) == 1:
                ranked.remove(in_order[0])
                ranked.insert(0, in_order[0])
                by_order = True
        named = bool(q - q_types)  # the question names something beyond a unit type
        first = best[ranked[0]] if ranked else None
        if ranked and (named or first == (0, 0, 0, 0)):
            second = best[ranked[1]] if len(ranked) > 1 else None
            clean = first[1] == 0 and first[2] == 0
            unique = by_order or second is None or second[:3] > first[:3] or (
                clean and second[:3] == first[:3] and second[3] > first[3]
            )
            # A unit with an extra descriptive word ("Polres *Pelabuhan* Tanjung Perak") is
            # answered only when it is the one unit and the question has a word that almost no
            # other unit has ("kalimarau"): a common word could be another unit's name.
            lone = (first[1] == 0 and first[2] <= 1 and second is None and len(q) >= 2
                    and self._rarest(q) <= DISTINCTIVE)
            # A repaired name ("kejari surbaya") is answered only when the question names the
            # unit's type and the fit is clean. Words of real place names are never repaired
            # (see _readings), so a repair does not turn one real village into another.
            typed_repair = clean and unique and bool(q_types)
            if ((clean and unique) or lone) and (not guessed or typed_repair):
                # "polres di malang" places the unit in Malang, and Polres Malang Kota is in
                # Malang too: a twin that differs only by a soft word ("kota") is as likely.
                placed = [u for u in ranked[1:] if best[u][:3] == first[:3]] if located else []
                if placed:
                    pick = [ranked[0], *placed][: max(limit, _MAX_CHOICES)]
                    return Lookup(q, choices=tuple(self.units[u] for u in pick),
                                  types=q_types, status=status)
                twins = tuple(self.units[u] for u in ranked[1 : 1 + limit])
                return Lookup(q, answer=self.units[ranked[0]], see_also=twins,
                              types=q_types, status=status)
        if ranked:
            # Several units fit, or the only fit says more than the question (Polres Gresik
            # for "gresik"): the user picks; never answer for them.
            fewest = best[ranked[0]][:3]
            tied = [u for u in ranked if best[u][:3] == fewest]
            pool = tied if len(tied) > 1 else ranked
            shown = pool[: max(limit, min(len(tied), _MAX_CHOICES))]
            return Lookup(
                q, choices=tuple(self.units[u] for u in shown), types=q_types, status=status,
                fitting=len(tied) if len(tied) > len(shown) else 0,
            )
        close = tuple((self.units[u], 100.0) for u in sorted(near_miss)[:limit])
        shown = {ref for ref, _ in close}
        close += tuple(c for c in self._close(q, candidates, limit=limit) if c[0] not in shown)
        if not close:
            close = self._siblings(q, q_types, limit)
        return Lookup(q, close=close[:limit], types=q_types, status=status)

    def _siblings(self, q: frozenset[str], q_types: frozenset[str],
                  limit: int) -> tuple[tuple[UnitRef, float], ...]:
        """Units of a sibling type that have every other word of the question: "lapas batang"
        for Rutan Kelas IIB Batang, a Lapas now. Lapas is not Rutan, so never an answer, but
        the not-found reply can name it rather than say we hold nothing like it."""
        specific = {t: self.families[t] for t in q_types
                    if t in self.families and t not in self.generic_types}
        rest = q - q_types
        if not specific or not rest or any(t not in self.postings for t in rest):
            return ()
        widened = (q - specific.keys()) | frozenset(specific.values())
        rarest = min(rest, key=lambda t: (len(self.postings[t]), t))
        found = set()
        for vindex in self.postings[rarest][:_MAX_POSTINGS]:
            variant = self.variants[vindex]
            score = self._score(widened, variant, variant.unit)
            if score is not None and score[:3] == (0, 0, 0):
                found.add(variant.unit)
        ranked = sorted(found, key=self.units.names.__getitem__)[:limit]
        return tuple((self.units[u], SIBLING_SCORE) for u in ranked)

    def _close(
        self, q: frozenset[str], candidates: set[int], *, limit: int
    ) -> tuple[tuple[UnitRef, float], ...]:
        if not candidates:
            return ()
        text = " ".join(sorted(q))
        texts = self.variants.text
        choices = {i: " ".join(sorted(texts[i].split())) for i in candidates}
        scored: dict[int, float] = {}
        for _, score, vindex in process.extract(
            text, choices, scorer=fuzz.token_sort_ratio, limit=limit * 4, score_cutoff=70
        ):
            unit = self.variants[vindex].unit
            scored[unit] = max(scored.get(unit, 0.0), score)
        ranked = sorted(scored.items(), key=lambda kv: -kv[1])[:limit]
        return tuple((self.units[u], s) for u, s in ranked)
