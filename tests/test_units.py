"""The unit index on small tables: typo repair, real place names, word order."""

from pathlib import Path

import pytest

from bot.app import load_normalizer
from bot.units import UnitIndex

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def normalizer():
    return load_normalizer(ROOT / "knowledge")


def index_of(normalizer, *names: str) -> UnitIndex:
    rows = [{"id": i, "name": name, "instansi": "", "region": "", "aliases": None}
            for i, name in enumerate(names, 1)]
    return UnitIndex(rows, normalizer)


def answer(index: UnitIndex, question: str) -> str | None:
    lookup = index.lookup(question)
    return lookup.answer.name if lookup.answer else None


def test_a_real_village_name_is_not_repaired_into_another(normalizer):
    index = index_of(normalizer, "Kantor Desa Takari", "Polres Gresik")
    # Takarai is a village of its own: not in the table, so not found, with Takari offered.
    lookup = index.lookup("desa takarai udah wbk?")
    assert lookup.answer is None and not lookup.choices
    assert [ref.name for ref, _ in lookup.close] == ["Kantor Desa Takari"]
    # A misspelling that names no place is repaired.
    assert answer(index, "desa takarri udah wbk?") == "Kantor Desa Takari"
    # Gersik is a village, but a Polres serves a kabupaten: for a Polres it is a typo.
    assert answer(index, "polres gersik udah wbk?") == "Polres Gresik"


def test_swapped_letters_count_as_one_edit(normalizer):
    index = index_of(normalizer, "Polsek Pantar", "Polsek Pancar Jaya")
    assert answer(index, "polsek patnar") == "Polsek Pantar"


def test_the_other_words_pick_among_equally_near_repairs(normalizer):
    index = index_of(normalizer, "Polsek Kei Besar Selatan", "Kantor Desa Selagan",
                     "Kantor Desa Selapan")
    assert answer(index, "polsek kei besar selaan") == "Polsek Kei Besar Selatan"


def test_two_repairs_that_each_name_a_unit_are_offered(normalizer):
    index = index_of(normalizer, "Kantor Desa Manggung", "Kantor Desa Mangguan")
    lookup = index.lookup("desa manggugn wbk ga")
    assert lookup.answer is None
    assert {u.name for u in lookup.choices} == {"Kantor Desa Manggung", "Kantor Desa Mangguan"}


def test_short_abbreviations_are_not_repaired(normalizer):
    index = index_of(normalizer, "Balai Pelestarian Nilai Budaya (BPNB) Bali")
    lookup = index.lookup("cara balik nama bpkb")
    assert lookup.answer is None and not lookup.choices and not lookup.types


def test_word_order_tells_two_villages_apart(normalizer):
    index = index_of(normalizer, "Kantor Desa Meunasah Lhee", "Kantor Desa Lhee Meunasah")
    assert answer(index, "apakah desa meunasah lhee sudah wbbm") == "Kantor Desa Meunasah Lhee"
    assert answer(index, "desa lhee meunasah") == "Kantor Desa Lhee Meunasah"


def test_old_spelling_matches_todays(normalizer):
    index = index_of(normalizer, "Museum Basoeki Abdullah")
    assert answer(index, "museum basuki abdullah udah wbk?") == "Museum Basoeki Abdullah"
