"""Filters over awards: by instansi, region, predicate, year or unit type.

One parser serves ``/langganan polri`` and list questions such as "unit polri yang wbbm 2025".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.text import Normalizer, fold

_YEAR = re.compile(r"^(19|20)\d\d$")


@dataclass(frozen=True)
class Filter:
    kind: str
    value: str

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.value}"

    @classmethod
    def from_key(cls, key: str) -> Filter:
        kind, _, value = key.partition(":")
        return cls(kind, value)

    @property
    def label(self) -> str:
        if self.kind == "predikat":
            return self.value.upper()
        if self.kind in ("instansi", "jenis"):
            return self.value.upper() if len(self.value) <= 6 else self.value.title()
        return self.value.title()


class FilterParser:
    """Finds filters in free text; knows the regions that occur in the awards table."""

    def __init__(self, normalizer: Normalizer, regions: Iterable[str]):
        self.normalizer = normalizer
        lex = normalizer.lexicon
        self.instansi = lex.instansi
        self.type_tokens = lex.unit_type_tokens
        raw_parts: set[str] = set()
        for region in set(regions):
            # The last two parts are the kabupaten/kota and the province; a village or a
            # kecamatan in front is not something people subscribe to or list by.
            raw_parts.update(region.rsplit(",", 2)[-2:] if region else ())
        raw_parts = {p for part in raw_parts for p in re.split(r"[/()]", part)}
        names: set[str] = set()
        for part in raw_parts:
            if part.strip():
                part = " ".join(normalizer.tokens(part))
                for prefix in ("kota ", "kabupaten ", "provinsi "):
                    part = part.removeprefix(prefix)
                if part and part not in ("pusat",):
                    names.add(part)
        self.regions = sorted(names, key=lambda n: (-len(n), n))
        self._by_first: dict[str, list[tuple[str, ...]]] = {}
        for name in self.regions:
            words = tuple(name.split())
            self._by_first.setdefault(words[0], []).append(words)
        for options in self._by_first.values():
            options.sort(key=lambda words: -len(words))

    def label(self, f: Filter) -> str:
        """How a reply names the filter: an instansi by the name people use (the lexicon's
        ``instansi_labels``), anything else by its own words."""
        if f.kind == "instansi":
            return self.normalizer.lexicon.instansi_labels.get(f.value, f.label)
        return f.label

    def parse(self, text: str) -> tuple[list[Filter], list[str]]:
        """Filters found, and the leftover tokens that were not understood."""
        tokens = list(self.normalizer.tokens(text))
        found: list[Filter] = []
        remaining: list[str] = []
        i = 0
        while i < len(tokens):
            # Region names are looked up by their first word, longest name first.
            for name in self._by_first.get(tokens[i], ()):
                size = len(name)
                if tuple(tokens[i : i + size]) == name:
                    found.append(Filter("wilayah", " ".join(name)))
                    i += size
                    break
            else:
                remaining.append(tokens[i])
                i += 1
        rest = []
        for token in remaining:
            if token in ("wbk", "wbbm"):
                found.append(Filter("predikat", token))
            elif _YEAR.match(token):
                found.append(Filter("tahun", token))
            elif token in self.instansi:
                found.append(Filter("instansi", self.instansi[token]))
            elif token in self.type_tokens:
                found.append(Filter("jenis", token))
            else:
                rest.append(token)
        unique = list(dict.fromkeys(found))
        return unique, rest

    def matches(self, f: Filter, award: dict, unit_types: Iterable[str] = ()) -> bool:
        if f.kind == "predikat":
            return f.value.upper() in (award.get("predicate") or "").split("/")
        if f.kind == "tahun":
            return str(award.get("year") or "") == f.value
        if f.kind == "instansi":
            return f.value in fold(award.get("instansi") or "")
        if f.kind == "wilayah":
            region = " ".join(self.normalizer.tokens(award.get("region") or ""))
            return f" {f.value} " in f" {region} "
        if f.kind == "jenis":
            return f.value in unit_types
        return False
