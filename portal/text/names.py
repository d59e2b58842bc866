"""How firm names are normalised for sorting and searching.

A name's *key* sorts the same way in SQLite and PostgreSQL whatever the
collation: lower-case ASCII letters, digits and single spaces. Its *words* are
the key split on spaces, each cut to WORD_LENGTH, so a search term can match
the start of any word through an index range.
"""
import re
import unicodedata

WORD_LENGTH = 30
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def fold(text):
    """Lower-case ASCII letters and digits; accents dropped (é → e, ß → ss),
    every other character becomes a space."""
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text or "").casefold())
    bare = "".join(c for c in folded if not unicodedata.combining(c))
    return _NOT_ALNUM.sub(" ", bare).strip()


def name_key(name):
    return fold(name)[:200]


def name_words(name):
    """The distinct words of a name, in order, each at most WORD_LENGTH long."""
    seen = []
    for word in fold(name).split():
        word = word[:WORD_LENGTH]
        if word not in seen:
            seen.append(word)
    return seen


def prefix_range(term):
    """(low, high) such that every word starting with `term` lies in [low, high].

    Padding with 'z' rather than appending a high code point keeps the range
    right under any collation, since words only hold [a-z0-9].
    """
    term = term[:WORD_LENGTH]
    return term, term + "z" * (WORD_LENGTH + 1 - len(term))
