"""Normalization details that both the knowledge base and the unit look-up rely on."""

from pathlib import Path

import pytest

from bot.app import load_normalizer

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def normalizer():
    return load_normalizer(ROOT / "knowledge")


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("wbk vs wbbm tinggian mana sihh", ("sih",)),  # emphasis on a chat word
        ("tips lolos wbk dong kakk", ("kak",)),
    ],
)
def test_a_doubled_last_letter_on_a_chat_word_is_emphasis(normalizer, text, tokens):
    assert set(tokens) <= set(normalizer.tokens(text))


def test_names_and_domain_words_keep_their_letters(normalizer):
    assert normalizer.tokens("wbbm") == ("wbbm",)
    assert "jambee" in normalizer.tokens("kantor desa jambee")


def test_a_swapped_pair_of_letters_breaks_a_tie_between_repairs():
    from bot.text import TypoFixer

    fixer = TypoFixer({"pengusulan", "pengusul", "syarat"})
    # By ratio "pengusualn" is about as near "pengusul" as "pengusulan"; one swap away, it
    # is "pengusulan".
    assert fixer.fix("pengusualn") == "pengusulan"
    # Two words equally near under either measure stay a tie: the word is left alone.
    assert TypoFixer({"kantor", "kontor"}).fix("kentor") == "kentor"


def test_a_word_many_slips_from_any_other_is_not_repaired():
    from bot.text import TypoFixer

    fixer = TypoFixer({"mencari", "kepanjangan"})
    assert fixer.fix("menarik") == "menarik"  # two edits in seven letters: another word
    assert fixer.fix("kepanjngan") == "kepanjangan"  # one slip in ten letters


@pytest.mark.parametrize(
    ("text", "content"),
    [
        ("perbedaan wbk dan wbbm dari segi syarat", ["beda", "wbk", "wbbm", "syarat"]),
        ("cara cek status via bot", ["cara", "cek", "predikat"]),
        ("landasan pembangunan zi", ["aturan", "bangun", "zi"]),
        ("requirements to nominate a unit", ["syarat", "usul", "a", "unit"]),
        ("what is wbbm exactly", ["apa", "wbbm"]),
        ("is your list of wbk recipients complete or only partial",
         ["daftar", "wbk", "penerima", "lengkap", "sebagian"]),
        ("tpi tu apaan", ["tpi", "definisi"]),
        ("wbk disebut mulu", ["wbk", "disebut"]),
        ("wtab udh keitung wbk blm", ["wtab", "sudah", "terhitung", "wbk", "belum"]),
        ("bos nanya beda wbk wbbm", ["atasan", "beda", "wbk", "wbbm"]),
        ("piye carane entuk wbk", ["bagaimana", "carane", "dapat", "wbk"]),  # Javanese
        ("wbk mandiri niku nopo nggih", ["wbk", "mandiri", "niku", "apa"]),  # Javanese krama
        ("syarat diusulkeun wbk naon", ["syarat", "usul", "wbk", "apa"]),  # Sundanese
        ("kek mana caranya biar dapat wbk", ["bagaimana", "cara", "dapat", "wbk"]),  # Medan
        ("kkn dlm konteks zi itu apa", ["kkn", "zi", "apa"]),
        ("what are the prerequisites for wbk", ["apa", "syarat", "wbk"]),
        ("can someone explain zi in simple terms", ["bisa", "zi"]),
        ("emangnya dimintain duit", ["dimintain", "uang"]),
        ("jumlah peraih wbk yg korup", ["jumlah", "penerima", "wbk", "korupsi"]),
    ],
)
def test_fillers_and_synonyms_around_a_question(normalizer, text, content):
    assert normalizer.content(normalizer.tokens(text)) == content


def test_roman_numerals_in_unit_names_are_not_fillers(normalizer):
    # "Lapas Kelas I" and "Lapas Kelas II" are two units: an English "i" read as a filler
    # would make a question about the one match the other.
    for numeral in ("i", "ii", "iii", "iv"):
        assert numeral not in normalizer.lexicon.stopwords
    assert normalizer.content(normalizer.tokens("lapas kelas i"))[-1] == "i"


def test_an_acronym_spelled_out_letter_by_letter_is_one_word(normalizer):
    spelled = normalizer.tokens("W B K ITU KEPANJANGAN APA")
    assert spelled == normalizer.tokens("wbk itu kepanjangan apa")
    assert "wbbm" in normalizer.tokens("w.b.b.m apa sih")
    # Two letters stay apart: a unit's class is written that way.
    assert normalizer.content(normalizer.tokens("lapas kelas i a"))[-2:] == ["i", "a"]


@pytest.mark.parametrize(("text", "token"), [
    ("zona integritasnya tuh apa", "zi"),
    ("wilayah bebas dari korupsinya", "wbk"),
])
def test_a_domain_phrase_with_nya_on_its_last_word_is_the_phrase(normalizer, text, token):
    assert token in normalizer.tokens(text)


@pytest.mark.parametrize(("text", "tokens"), [
    ("we be ka itu apa", ("wbk", "itu", "apa")),
    ("te el ha pe kami", ("tlhp", "kami")),
    ("kata de e", ("de", "e")),  # no acronym: the words stay
])
def test_an_acronym_said_by_its_letters_names_is_one_word(normalizer, text, tokens):
    assert normalizer.tokens(text)[-len(tokens):] == tokens


def test_nya_is_read_on_domain_phrases_only():
    from bot.text import _Rewriter

    assert _Rewriter({"a b": "x"}, possessive=True).tokens(["a", "bnya"]) == ["x"]
    assert _Rewriter({"a b": "x"}).tokens(["a", "bnya"]) == ["a", "bnya"]


def test_the_rewriter_replaces_the_longest_phrase_first_from_the_left():
    import random

    from bot.text import _Rewriter

    mapping = {"a": "x", "a b": "y", "a b c": "z", "b c": "w", "c": "v v", "d e": "u"}
    rewriter = _Rewriter(mapping)

    def reference(tokens):
        # The plain reading of the rule: at each token, the longest key that starts there.
        out, i = [], 0
        while i < len(tokens):
            for size in (3, 2, 1):
                key = " ".join(tokens[i : i + size])
                if i + size <= len(tokens) and key in mapping:
                    out += mapping[key].split()
                    i += size
                    break
            else:
                out.append(tokens[i])
                i += 1
        return out

    rng = random.Random(3)
    for _ in range(2000):
        tokens = [rng.choice("abcdef") for _ in range(rng.randint(0, 8))]
        assert rewriter.tokens(tokens) == reference(tokens), tokens
    unchanged = ["d", "f"]
    assert rewriter.tokens(unchanged) is unchanged  # "d" starts a key, but not here


@pytest.mark.parametrize(
    ("word", "root"),
    [
        ("nyanangin", "canang"),  # ny- for c-, -in for -kan
        ("nyusunnya", "susun"),  # ny- for s-, then -nya
        ("ngulang", "ulang"),  # ng- before a vowel
        ("ngelayanin", "layan"),  # nge-
        ("dipakenya", "pakai"),  # a root's "e" for "ai"
    ],
)
def test_a_colloquial_verb_is_traced_to_its_root(word, root):
    from bot.text import colloquial_roots

    assert root in colloquial_roots(word)


def test_a_word_without_a_colloquial_mark_has_no_colloquial_root():
    from bot.text import colloquial_roots

    # "-nya" and "di-" alone are formal Indonesian, which the stemmer reads; guessing here
    # would turn the typo "kepanjanganya" into "kepanjanga".
    assert colloquial_roots("kepanjanganya") == ()
    assert colloquial_roots("dipasang") == ()


@pytest.mark.parametrize(
    ("text", "definition"),
    [
        ("wbk itu artinya apa", True),
        ("zi itu artinya", True),
        ("lulus dengan catatan itu artinya gimana ya kak", True),
        ("apa itu artinya kami sudah dapat predikat", False),
        ("sudah tanda tangan pakta, itu berarti sudah wbk ya", False),
    ],
)
def test_that_means_before_a_statement_asks_no_definition(normalizer, text, definition):
    # "apa itu" and "artinya" both read as a definition question, unless a statement follows
    # "itu artinya": then the message asks whether the statement holds.
    assert ("definisi" in normalizer.tokens(text)) is definition


def test_a_regional_word_that_is_also_a_domain_acronym_is_kept(normalizer):
    # Javanese "iku" (that) would be a stopword's reading, but IKU is the performance
    # indicators the accountability area asks for.
    assert "iku" in normalizer.content(normalizer.tokens("iku dan target kinerja unit"))
