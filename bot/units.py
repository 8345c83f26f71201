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

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.text import Normalizer, TypoFixer, fold, phrase_pattern

_PAREN = re.compile(r"\(([^)]*)\)")
_YEAR = re.compile(r"^(19|20)\d\d$")
# A candidate is looked at only through its rarest query tokens: a posting list longer than
# this is skipped while rarer tokens exist (a "polres" list can hold thousands of units).
_MAX_POSTINGS = 3000


@dataclass(frozen=True)
class UnitRef:
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


@dataclass
class _Variant:
    unit: int
    core: frozenset[str]
    types: frozenset[str]
    text: str


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
        )
        self.refresh(rows)

    def refresh(self, rows: Iterable[dict]) -> None:
        """Rebuild from the units table (after an import)."""
        self.units: list[UnitRef] = []
        self.variants: list[_Variant] = []
        self.region_tokens: list[frozenset[str]] = []
        postings: dict[str, list[int]] = defaultdict(list)
        for row in rows:
            ref = UnitRef(
                row["id"], row["name"], row.get("instansi") or "", row.get("region") or ""
            )
            index = len(self.units)
            self.units.append(ref)
            self.region_tokens.append(frozenset(self._core(ref.region)))
            seen: set[frozenset[str]] = set()
            for text in self._variant_texts(ref.name, row.get("aliases")):
                core = frozenset(self._core(text))
                if not core or core in seen:
                    continue
                seen.add(core)
                vindex = len(self.variants)
                types = frozenset(t for t in core if t in self.type_tokens)
                self.variants.append(_Variant(index, core, types, " ".join(sorted(core))))
                for token in core:
                    postings[token].append(vindex)
        self.postings = {t: tuple(sorted(set(v))) for t, v in postings.items()}
        vocab = set(self.postings)
        for tokens in self.region_tokens:
            vocab |= tokens
        self.vocabulary = frozenset(vocab)
        self.typos = TypoFixer(vocab, cutoff=80, min_length=4)
        self._types_by_id: dict[int, frozenset[str]] = {}
        for variant in self.variants:
            uid = self.units[variant.unit].id
            self._types_by_id[uid] = self._types_by_id.get(uid, frozenset()) | variant.types

    def types_of(self, unit_id: int) -> frozenset[str]:
        return self._types_by_id.get(unit_id, frozenset())

    # ------------------------------------------------------------------ build
    @staticmethod
    def _variant_texts(name: str, aliases: str | None) -> list[str]:
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

    def _strip_noise(self, tokens: Iterable[str]) -> list[str]:
        text = " ".join(tokens)
        if self._noise is not None:
            text = self._noise.sub(" ", text)
        return text.split()

    def _core(self, text: str) -> list[str]:
        tokens = self._strip_noise(self.normalizer.tokens(text))
        out: list[str] = []
        for t in tokens:
            if t in self.normalizer.lexicon.stopwords:
                continue
            if not out or out[-1] != t:
                out.append(t)
        return out

    # ----------------------------------------------------------------- search
    def query_tokens(self, text: str) -> tuple[frozenset[str], bool]:
        """Core tokens of a question (typos repaired against the unit vocabulary)."""
        norm = self.normalizer
        raw = self._strip_noise(norm.tokens(text))
        status = any(t in self.normalizer.lexicon.unit_status for t in raw)
        fixed = []
        for t in raw:
            if t in self.query_noise or _YEAR.match(t):
                continue
            known = t in self.vocabulary or t in self.protected
            fixed.append(t if known else self.typos.fix(t))
        # A repaired word may complete a type phrase ("pengadilan negri" → "pn").
        tokens = norm.retype(fixed)
        return frozenset(t for t in tokens if t not in self.query_noise), status

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
        region = self.region_tokens[unit]
        ref = self.units[unit]
        matched_types: set[str] = set(q & variant.types)
        by_instansi = False
        soft = 0
        for t in q - variant.core:
            if t in region:
                continue
            kind = self._type_match(t, variant.types) if t in self.query_types else None
            if kind is not None:
                soft += kind == "near"
                matched_types.add(t)
                continue
            instansi = self.instansi_alias.get(t)
            if instansi is not None and instansi in self._instansi_text(ref):
                by_instansi = True
                continue
            return None
        # Naming the agency ("bpn buleleng") or one of the unit's types ("ditlantas jatim" for
        # "Ditlantas Polda Jawa Timur") settles the type: its other type words are soft.
        typed = by_instansi or bool(matched_types)
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
            elif t in self.place_words:
                place += 1
            else:
                desc += 1
        return place, hard, desc, soft

    def _instansi_text(self, ref: UnitRef) -> str:
        return f" {fold(ref.instansi)} {fold(ref.name)} "

    def _candidates(self, q: frozenset[str]) -> set[int]:
        lists = sorted((self.postings.get(t, ()) for t in q), key=len)
        found: set[int] = set()
        for plist in lists:
            if not plist:
                continue
            if found and len(plist) > _MAX_POSTINGS:
                break
            found.update(plist)
        return found

    def lookup(self, text: str, *, limit: int = 3) -> Lookup:
        q, status = self.query_tokens(text)
        q_types = frozenset(t for t in q if t in self.query_types)
        if not q:
            return Lookup(q, types=q_types, status=status)
        best: dict[int, tuple[int, int, int, int]] = {}
        candidates = self._candidates(q)
        for vindex in candidates:
            variant = self.variants[vindex]
            score = self._score(q, variant, variant.unit)
            if score is not None and score < best.get(variant.unit, (99, 99, 99, 99)):
                best[variant.unit] = score
        # A unit of another place is a near miss for the not-found reply, never a choice.
        near_miss = [u for u, sc in best.items() if sc[0] > 0]
        for u in near_miss:
            del best[u]
        ranked = sorted(best, key=lambda u: (best[u], self.units[u].name))
        named = bool(q - q_types)  # the question names something beyond a unit type
        first = best[ranked[0]] if ranked else None
        if ranked and (named or first == (0, 0, 0, 0)):
            second = best[ranked[1]] if len(ranked) > 1 else None
            clean = first[1] == 0 and first[2] == 0
            unique = second is None or second[:3] > first[:3] or (
                clean and second[:3] == first[:3] and second[3] > first[3]
            )
            # A descriptive extra word is tolerated only when nothing else fits at all.
            lone = first[1] == 0 and second is None
            if (clean and unique) or lone:
                twins = tuple(self.units[u] for u in ranked[1 : 1 + limit])
                return Lookup(q, answer=self.units[ranked[0]], see_also=twins,
                              types=q_types, status=status)
        if ranked:
            # Several units fit, or the only fit says more than the question (Polres Gresik
            # for "gresik"): the user picks; never answer for them.
            fewest = best[ranked[0]][:3]
            tied = [u for u in ranked if best[u][:3] == fewest]
            pool = tied if len(tied) > 1 else ranked
            return Lookup(
                q, choices=tuple(self.units[u] for u in pool[: max(limit, min(len(tied), 8))]),
                types=q_types, status=status,
            )
        close = tuple((self.units[u], 100.0) for u in sorted(near_miss)[:limit])
        close += tuple(
            c for c in self._close(q, candidates, limit=limit) if c[0] not in dict(close)
        )
        return Lookup(q, close=close[:limit], types=q_types, status=status)

    def _close(
        self, q: frozenset[str], candidates: set[int], *, limit: int
    ) -> tuple[tuple[UnitRef, float], ...]:
        if not candidates:
            return ()
        text = " ".join(sorted(q))
        choices = {i: self.variants[i].text for i in candidates}
        scored: dict[int, float] = {}
        for _, score, vindex in process.extract(
            text, choices, scorer=fuzz.token_sort_ratio, limit=limit * 4, score_cutoff=70
        ):
            unit = self.variants[vindex].unit
            scored[unit] = max(scored.get(unit, 0.0), score)
        ranked = sorted(scored.items(), key=lambda kv: -kv[1])[:limit]
        return tuple((self.units[u], s) for u, s in ranked)
