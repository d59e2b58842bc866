"""How firm names become sort keys and searchable words."""
from hypothesis import given
from hypothesis import strategies as st

from portal.text.names import WORD_LENGTH, fold, name_key, name_words, prefix_range


def test_fold_drops_accents_case_and_punctuation():
    assert fold("Médilab S.à r.l.") == "medilab s a r l"
    assert fold("  ÖSTERREICH—Medizin  GmbH ") == "osterreich medizin gmbh"
    assert fold("İstanbul A.Ş.") == "istanbul a s"


def test_name_key_sorts_accented_names_among_plain_ones():
    names = ["Zeta AG", "Émile SAS", "Alpha Ltd", "édition B.V."]
    assert sorted(names, key=name_key) == ["Alpha Ltd", "édition B.V.", "Émile SAS", "Zeta AG"]


def test_words_are_distinct_and_cut_to_length():
    assert name_words("Medi Medi Tech") == ["medi", "tech"]
    assert name_words("x" * 50) == ["x" * WORD_LENGTH]


words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=WORD_LENGTH)


@given(word=words, cut=st.integers(min_value=1, max_value=WORD_LENGTH))
def test_every_word_with_the_prefix_lies_in_the_prefix_range(word, cut):
    low, high = prefix_range(word[:cut])
    assert low <= word <= high


@given(word=words, term=words)
def test_no_word_without_the_prefix_lies_in_the_range(word, term):
    low, high = prefix_range(term)
    if not word.startswith(term):
        assert not (low <= word <= high)
