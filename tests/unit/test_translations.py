"""Every string of the code is translated for real in FR, NL and EN.

Fails on an untranslated or fuzzy entry, and on a catalog that is out of date
with the code (run `make translations`, then translate what it added).
"""
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ["fr", "nl", "en"]


def code_messages():
    with open(ROOT / "babel.cfg") as config:
        method_map, options_map = parse_mapping_cfg(config)
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None,
                "lazy_ngettext": (1, 2)}
    found = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=keywords):
        found.add(message[0] if isinstance(message, (tuple, list)) else message)
    return found


@pytest.fixture(scope="module")
def in_code():
    messages = code_messages()
    assert len(messages) > 100
    return messages


def catalog(lang):
    with open(ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale=lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalog_is_complete_and_not_fuzzy(lang):
    problems = []
    for message in catalog(lang):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            problems.append(f"untranslated: {message.id!r}")
        if message.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalog_is_up_to_date_with_the_code(lang, in_code):
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog(lang) if m.id}
    missing = sorted(in_code - ids)
    stale = sorted(ids - in_code)
    assert not missing, f"in the code but not in {lang}: {missing[:10]} (run make translations)"
    assert not stale, f"in {lang} but no longer in the code: {stale[:10]}"


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_translations_are_not_copies_of_the_english(lang):
    entries = [m for m in catalog(lang) if m.id and isinstance(m.id, str)]
    proper_names = {"Contributions"}  # an application's name, the same in every language (guide 3.2.2)
    copies = [m.id for m in entries if m.string == m.id and len(m.id) > 12 and m.id not in proper_names]
    # A few words are the same in both languages (FAQ, Distributeur…), long sentences are not.
    assert len(copies) <= 3, copies


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placeholders_survive_translation(lang):
    import re

    for message in catalog(lang):
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(re.findall(r"%\((\w+)\)s", ids[0]))
        for string in strings:
            assert set(re.findall(r"%\((\w+)\)s", string)) == expected, (message.id, string)
