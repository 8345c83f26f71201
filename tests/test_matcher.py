"""The matcher on a small knowledge base: what a curator's typos and long messages do."""

import pickle
import random
from dataclasses import replace
from pathlib import Path

import pytest
from rapidfuzz import fuzz

from bot.app import load_normalizer
from bot.evaluate import read_cases
from bot.kb import Entry
from bot.matcher import FEATURES, Matcher, Params, _ByLength, _clauses, _sentences
from tests.conftest import DATA

ROOT = Path(__file__).resolve().parent.parent


def entry(id_: str, *phrasings: str, answer: str = "Jawaban.") -> Entry:
    return Entry(id_, id_, phrasings, answer, ("Sumber",), (), "jawaban", "test.yaml")


@pytest.fixture(scope="module")
def matcher():
    entries = [
        entry("perubahan", *(f"area perubahan {i}" for i in range(12)),
              "apa saja area perubhan", "cara membuat rencana"),
        entry("templat", "templat laporan", answer="Templat laporan memuat ringkasan."),
        entry("zi", "apa itu zona integritsa", "zona integritas itu apa"),
    ]
    return Matcher(entries, load_normalizer(ROOT / "knowledge"))


def test_a_curators_typo_is_repaired_on_both_sides(matcher):
    # "perubhan" in a phrasing does not make the word known: a question's "perubhan" is
    # repaired like any typo.
    assert "perubhan" not in matcher.known
    assert "perubahan" in matcher.analyze("area perubhan apa aja").tokens
    # A typo inside a lexicon phrase is repaired into the phrase ("zona integritas" → zi).
    assert matcher.analyze("zona integritsa tuh apa").tokens[0] == "zi"


def test_real_words_are_not_taken_for_typos(matcher):
    # One letter from "memuat" (an answer word), but a word of its own.
    assert "membuat" in matcher.known


def test_a_colloquial_verb_is_read_as_the_knowledge_bases_word():
    m = Matcher([entry("canang", "kapan unit mencanangkan zi", "kapan pencanangan zi"),
                 entry("cek", "cara pakai perintah cek")], load_normalizer(ROOT / "knowledge"))
    assert "canang" in m.analyze("kapan nyanangin zi").stems
    assert "pakai" in m.analyze("cek dipakenya gimana").stems
    # A root the knowledge base never uses is no reading: the word stays as it was typed.
    assert "nyelenggarain" in m.analyze("siapa yg nyelenggarain").tokens


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("Mohon info perubahan dalam PermenPANRB No. 5 Tahun 2024.", 1),
        ("di rakor kemarin pak sekda nyebut OLGOZI. OLGOZI itu maksudnya apa ya?", 2),
        ("halo. apa itu wbk?", 1),
    ],
)
def test_sentences(text, sentences):
    assert len(_sentences(text)) == sentences


@pytest.mark.parametrize(
    ("text", "clauses"),
    [
        ("kami dari Dinas Dukcapil Kab. Sleman ingin bertanya, syaratnya apa?",
         [("kami dari Dinas Dukcapil Kab. Sleman ingin bertanya", False),
          (" syaratnya apa", True)]),
        ("penilaian wbk berlapis ya? gmn urutannya", [("penilaian wbk berlapis ya", True),
                                                     (" gmn urutannya", False)]),
        ("Mohon info PermenPANRB No. 5 Tahun 2024.", [("Mohon info PermenPANRB No. 5 Tahun 2024",
                                                       False)]),
    ],
)
def test_clauses(text, clauses):
    assert _clauses(text) == clauses


def test_a_phrasing_about_the_other_predicate_casts_no_vote():
    entries = [
        entry("syarat-wbbm", "syarat wbbm apa saja"),
        entry("syarat-umum", "syarat wbk apa saja", "syarat wbk itu apa", "syarat wbk dong",
              "syarat pengusulan wbk dan wbbm"),
    ]
    matcher = Matcher(entries, load_normalizer(ROOT / "knowledge"))
    ranked = matcher.score(matcher.analyze("syarat wbbm apa aja"))
    assert ranked[0].entry.id == "syarat-wbbm"
    assert ranked[0].votes > 0.5


def _outcome(m: Matcher, text: str):
    decision = m.decide(text)
    return decision.action, [(s.entry.id, s.score) for s in decision.ranked], decision.confidence


QUESTIONS = ("area perubhan apa aja", "zona integritsa tuh apa", "templat laporan dong",
             "harga bbm hari ini", "cara bikin rencana")


def test_a_stored_index_is_read_back_and_decides_the_same(tmp_path):
    normalizer = load_normalizer(ROOT / "knowledge")
    entries = [
        entry("perubahan", "area perubahan apa saja", "apa saja area perubhan"),
        entry("zi", "apa itu zona integritsa", "zona integritas itu apa"),
        entry("templat", "templat laporan", answer="Templat laporan memuat ringkasan."),
    ]
    built = Matcher(entries, normalizer, cache_dir=tmp_path)
    [stored] = tmp_path.glob("matcher-*.pickle")
    # A mark in the stored index shows that the next start reads it instead of rebuilding.
    state = pickle.loads(stored.read_bytes())
    stored.write_bytes(pickle.dumps({**state, "mark": "read back"}))
    restarted = Matcher(entries, load_normalizer(ROOT / "knowledge"), cache_dir=tmp_path)
    assert restarted.mark == "read back"
    for text in QUESTIONS:
        assert _outcome(restarted, text) == _outcome(built, text)


def test_an_edited_entry_gets_a_new_index(tmp_path):
    normalizer = load_normalizer(ROOT / "knowledge")
    before = [entry("zi", "apa itu zona integritas"), entry("lke", "apa itu lke")]
    Matcher(before, normalizer, cache_dir=tmp_path)
    [old] = tmp_path.glob("matcher-*.pickle")
    after = [entry("zi", "apa itu zona integritas"),
             entry("lke", "apa itu lke", "borang penilaian itu apa")]
    edited = Matcher(after, normalizer, cache_dir=tmp_path)
    [new] = tmp_path.glob("matcher-*.pickle")
    assert new != old
    assert "borang" in edited.known


def test_an_unreadable_index_is_rebuilt(tmp_path):
    normalizer = load_normalizer(ROOT / "knowledge")
    entries = [entry("zi", "apa itu zona integritas"), entry("lke", "apa itu lke")]
    Matcher(entries, normalizer, cache_dir=tmp_path)
    [stored] = tmp_path.glob("matcher-*.pickle")
    stored.write_bytes(b"not a pickle")
    rebuilt = Matcher(entries, normalizer, cache_dir=tmp_path)
    assert rebuilt.decide("zona integritas itu apa").best.entry.id == "zi"
    assert pickle.loads(stored.read_bytes())["_repair_targets"]


def test_an_unwritable_cache_only_costs_time(tmp_path):
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder would go")
    m = Matcher([entry("zi", "apa itu zona integritas"), entry("lke", "apa itu lke")],
                load_normalizer(ROOT / "knowledge"), cache_dir=blocker)
    assert m.decide("apa itu lke").best.entry.id == "lke"


def test_a_tie_between_repairs_that_read_alike_is_no_tie():
    m = Matcher([entry("siapa", "siapa penilai zi", "penilaian zi oleh siapa"),
                 entry("stiker", "tempat stiker zi", "tempel stiker zi")],
                load_normalizer(ROOT / "knowledge"))
    # One slip from "penilai" and from "penilaian": the lexicon reads both as "evaluasi".
    assert m.typos.candidates("penilain") == ("penilai", "penilaian")
    assert "evaluasi" in m.analyze("penilain zi oleh siapa").tokens
    # One slip from "tempat" and from "tempel", two words read apart: it stays as typed.
    assert m.typos.candidates("tempet") == ("tempat", "tempel")
    assert "tempet" in m.analyze("tempet stiker zi").tokens


def test_a_word_the_lexicon_lists_is_not_repaired():
    # "antri" (queueing at a counter) is one letter from "anti", but a service word.
    m = Matcher([entry("anti", "budaya anti korupsi")], load_normalizer(ROOT / "knowledge"))
    assert m.analyze("antri di loket lama").tokens[0] == "antri"
    assert m.analyze("budaya antu korupsi").tokens[1] == "anti"


def test_an_everyday_abbreviation_is_not_repaired_into_a_knowledge_word():
    m = Matcher([entry("spip", "bpkp membina spip"), entry("bpk", "opini bpk")],
                load_normalizer(ROOT / "knowledge"))
    # "bpkb" (a vehicle document) is one letter from "bpkp"; the lexicon lists it as a word.
    assert m.analyze("cara balik nama bpkb").tokens[-1] == "bpkb"
    assert m.analyze("bpkp itu apa").tokens[0] == "bpkp"


def _features(**given: float) -> tuple[float, ...]:
    return tuple(given.get(name, 0.0) for name in FEATURES)


@pytest.mark.parametrize(("sure", "score", "unknown", "action"), [
    (0.4, 0.75, 0.0, "suggest"),  # every word known, a high score: close entries, not none
    (0.4, 0.65, 0.0, "none"),  # too far from every entry
    (0.4, 0.75, 0.1, "none"),  # a word the knowledge base never uses may be the topic
    (0.2, 0.75, 0.0, "none"),
    (0.7, 0.40, 0.3, "suggest"),  # the model alone is sure enough for choices
])
def test_choices_when_every_word_is_known_and_the_best_entry_is_close(sure, score, unknown,
                                                                      action):
    features = _features(score=score, unknown=unknown)
    assert Params().act(sure, features) == action


def test_the_unknown_share_given_apart_from_the_features_decides_choices():
    features = _features(score=0.5, unknown=0.6)
    assert Params().act(0.7, features) == "none"
    assert Params().act(0.7, features, asked_unknown=0.1) == "suggest"


@pytest.mark.parametrize(("sure", "unknown", "redirect", "action"), [
    (0.88, 0.5, True, "answer"),  # "nilai sakip kementerian pertanian brp": where to ask
    (0.88, 0.5, False, "none"),  # the same doubt about a fact: no choices
    (0.80, 0.5, True, "none"),
    (0.88, 0.7, True, "none"),
])
def test_a_redirect_tolerates_more_unknown_words_than_choices(sure, unknown, redirect, action):
    features = _features(score=0.8, unknown=unknown)
    assert Params().act(sure, features, redirect=redirect) == action


def test_a_redirect_is_given_where_choices_would_be_offered():
    redirect = Entry("pengalihan-cpns", "CPNS", ("daftar cpns dimana", "seleksi cpns kapan"),
                     "Di luar cakupan.", ("BKN",), (), "pengalihan", "test.yaml")
    # The title (the id here) does not define one term: the definition rule stays out of this.
    entries = [entry("program-zi", "apa itu zona integritas", "zona integritas itu apa"),
               redirect]
    # Every question falls between the two thresholds: no answer is sure enough.
    unsure = Params(answer_p=1.0, suggest_p=0.0)
    m = Matcher(entries, load_normalizer(ROOT / "knowledge"), unsure)
    decision = m.decide("daftar cpns dimana ya")
    assert (decision.action, decision.best.entry.id) == ("answer", "pengalihan-cpns")
    assert m.decide("zona integritas itu apa sih").action == "suggest"


@pytest.mark.parametrize(("text", "entry"), [
    ("kantor imigrasi deket rumah ada tulisan wbbm, itu artinya apa", "wbbm-definisi"),
    ("pengertian zona integritas untuk makalah ppkn", "zi-definisi"),
    ("tpi itu maksudnya apa sih, td rapat disebut2", "tpi"),
    ("RB tuh apa ya tiap apel pagi disebut2 terus sama kasubag", "reformasi-birokrasi"),
    ("punten kang, wbk teh naon?", "wbk-definisi"),
    # The context words rank other entries first; they still name no topic.
    ("sy staf baru di Bagian Organisasi Setda Kab. Aceh Besar, lon masih awam, WBK itu "
     "artinya apa ya kak", "wbk-definisi"),
])
def test_a_terms_meaning_asked_amid_other_words_is_answered_by_its_definition(
        shared_brain, text, entry):
    reply = shared_brain.ask(text)
    assert (reply.kind, reply.id) == ("answer", entry)


@pytest.mark.parametrize(("text", "entry"), [
    # Another term is asked about, or a language, or another topic is named.
    ("RB tematik pengentasan kemiskinan itu maksudnya gimana", "reformasi-birokrasi"),
    ("wbk itu singkatan bahasa jerman?", "wbk-definisi"),
    ("apa maksudnya wbk dicabut", "wbk-definisi"),
    ("judul skripsi ttg zona integritas yg menarik apa ya", "zi-definisi"),
])
def test_the_definition_rule_leaves_other_questions_alone(shared_brain, text, entry):
    reply = shared_brain.ask(text)
    assert (reply.kind, reply.id) != ("answer", entry)


@pytest.mark.parametrize("text", [
    "sy pegawai baru di kanwil, masih adaptasi. tpi itu tugasnya apa?",
    "tpi itu tugasnya apa? sy pegawai baru di kanwil, masih adaptasi",
])
def test_a_refused_messages_only_asking_clause_is_answered(shared_brain, text):
    # The remarks' words are no entry's: the whole message reads as no question at all.
    reply = shared_brain.ask(text)
    assert (reply.kind, reply.id) == ("answer", "tpi")


def test_a_refused_message_that_asks_twice_is_not_answered_from_one_clause(shared_brain):
    # The message reads most like the survey entries; its second question, about the TPI, is
    # not what the whole message is about, and answering it would leave the first unanswered.
    reply = shared_brain.ask(
        "sy pegawai baru di kanwil. survei spak kami jelek, ngaruh ga? tpi itu tugasnya apa?")
    assert reply.kind != "answer"


def test_a_year_does_not_keep_a_redirect_away(shared_brain):
    # The CPNS redirect has "cpns 2025 buka ga min" among its phrasings; 2026 is no mismatch
    # for an entry that only says where to ask.
    reply = shared_brain.ask("pendaftaran cpns 2026 kapan dibuka")
    assert (reply.kind, reply.id) == ("answer", "pengalihan-cpns")


def _with_asked(*asked: str) -> Matcher:
    """Two neighbours; the second one knows what users asked of it."""
    entries = [
        entry("syarat", "syarat pengusulan unit", "syarat unit kerja diusulkan"),
        replace(entry("nilai", "nilai minimal wbk", "ambang nilai wbk"), asked=asked),
    ]
    return Matcher(entries, load_normalizer(ROOT / "knowledge"))


def test_an_asked_question_teaches_how_users_ask():
    question = "unit diusulkan perlu nilai brp"
    without = _with_asked().decide(question)
    taught = _with_asked("unit mau diusulkan perlu nilai berapa sih").decide(question)
    assert without.action != "answer"
    assert taught.action == "answer" and taught.best.entry.id == "nilai"


def test_asked_words_are_not_the_knowledge_bases_words():
    # A word only users wrote says nothing about whether a question is about ZI: the
    # matcher matches the asked question, but "presiden" stays unknown.
    m = _with_asked("presiden bilang nilai minimal wbk brp", "modal")
    assert not m.knows("presiden")
    assert m.unknown_share(m.analyze("presiden pertama siapa")) > 0.5
    # Nor does a one-word asked question make its entry the definer of the word.
    assert "modal" not in m.entry_defines["nilai"]


def test_a_question_like_an_out_of_scope_example_is_not_answered():
    # What proposing a unit costs, asked in the words of the requirements entry: users asked
    # it before, and no entry answers it.
    entries = [entry("syarat", "syarat pengusulan unit wbk", "syarat unit kerja diusulkan wbk"),
               entry("nilai", "nilai minimal wbk", "ambang nilai wbk")]
    normalizer = load_normalizer(ROOT / "knowledge")
    question = "syarat unit diusulkan wbk biayanya berapa"
    assert Matcher(entries, normalizer).decide(question).action == "answer"
    guarded = Matcher(entries, normalizer,
                      outside=("biayanya brp ya, syarat unit diusulkan wbk",))
    assert guarded.decide(question).action != "answer"
    # A question that reads more like the entry's own is still its to answer.
    assert guarded.decide("syarat unit diusulkan wbk").action == "answer"
    assert guarded.decide("syarat pengusulan unit wbk apa aja").best.entry.id == "syarat"


def test_out_of_scope_examples_shape_the_stored_index(tmp_path):
    normalizer = load_normalizer(ROOT / "knowledge")
    entries = [entry("zi", "apa itu zona integritas")]
    Matcher(entries, normalizer, cache_dir=tmp_path)
    [plain] = tmp_path.glob("matcher-*.pickle")
    guarded = Matcher(entries, normalizer, cache_dir=tmp_path, outside=("resep soto",))
    [stored] = tmp_path.glob("matcher-*.pickle")
    assert stored != plain and guarded.outside_texts.texts == ["resep soto"]


def test_whether_an_entry_may_answer_is_skipped_only_where_it_changes_nothing(shared_brain):
    # Below the answer threshold the out-of-scope examples are not searched; the action must
    # be the one the full guards give.
    m = shared_brain.matcher
    _, cases = read_cases(DATA / "kb_questions.tsv")
    # Splits rich in out-of-scope details, where answers are withheld.
    cases = [c for c in cases if c.split in {"tune20", "tune21", "tune23", "tune24", "tune30"}]
    checked = 0
    for case in cases:
        q = m.analyze(case.question)
        ranked = tuple(m.score(q)) if q.tokens else ()
        if not ranked or not m.has_known_content(q):
            continue
        features = m.features(q, ranked)
        sure = m.confidence(features)
        best = ranked[0].entry
        assert (m.params.act(sure, features, **m.guards(q, best, sure))
                == m.params.act(sure, features, **m.guards(q, best)))
        checked += 1
    assert checked > 800


@pytest.mark.parametrize("cutoff", [50, 70, 90])
def test_a_text_outside_the_length_window_cannot_reach_the_cutoff(cutoff):
    rng = random.Random(cutoff)
    texts = _ByLength.of("".join(rng.choice("ab ") for _ in range(rng.randint(0, 60)))
                         for _ in range(400))
    for size in (0, 1, 3, 7, 10, 20, 33, 59):
        question = "a" * size
        window = range(len(texts.texts))[texts.window(question, cutoff)]
        outside = [t for i, t in enumerate(texts.texts) if i not in window]
        # Texts of the question's own letter: as alike as their lengths allow.
        assert all(fuzz.ratio(question, t.replace("b", "a").replace(" ", "a")) < cutoff
                   for t in outside)
        # The window is not everything either: the bound does cut.
        assert size == 0 or outside
